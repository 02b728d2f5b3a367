"""Panel report (design-weighted shares and intervals, exports without personal data) and
public feedback (rate limit, consent)."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import Engine
from statsmodels.stats.proportion import proportion_confint

from openpeel.database.engine import session_scope
from openpeel.exports import read_notes, strip_notes
from openpeel.provenance import SYNTHETIC_MARK, SYNTHETIC_MARK_ASCII
from openpeel.scrutiny import export, feedback, report
from openpeel.scrutiny.models import Meeting, SampleItem, utcnow
from tests.scrutiny.world import World


def test_equal_weights_give_the_plain_wilson_interval() -> None:
    values = [1.0] * 7 + [0.0] * 13
    est = report.weighted_share(values, [4.0] * 20)
    low, high = proportion_confint(7, 20, alpha=0.05, method="wilson")
    assert est.share == pytest.approx(0.35)
    assert est.effective_records == pytest.approx(20)
    assert (est.low, est.high) == (pytest.approx(low), pytest.approx(high))


def test_unequal_weights_use_the_kish_effective_sample_size() -> None:
    rng = np.random.default_rng(1)
    values = rng.integers(0, 2, 40).astype(float).tolist()
    weights = rng.choice([2.0, 10.0, 30.0], 40).tolist()
    est = report.weighted_share(values, weights)
    w, y = np.array(weights), np.array(values)
    share = float((w * y).sum() / w.sum())
    n_eff = float(w.sum() ** 2 / (w**2).sum())
    low, high = proportion_confint(share * n_eff, n_eff, alpha=0.05, method="wilson")
    assert est.share == pytest.approx(share)
    assert est.effective_records == pytest.approx(n_eff)
    assert n_eff < 40
    assert (est.low, est.high) == (pytest.approx(low), pytest.approx(high))
    # Closed form of the Wilson interval on n_eff.
    z = 1.959963984540054
    centre = (share + z * z / (2 * n_eff)) / (1 + z * z / n_eff)
    half = z * math.sqrt(share * (1 - share) / n_eff + z * z / (4 * n_eff**2)) / (1 + z * z / n_eff)
    assert est.low == pytest.approx(centre - half)
    assert est.high == pytest.approx(centre + half)


def test_weighted_share_edge_cases() -> None:
    assert report.weighted_share([], []).records == 0
    with pytest.raises(ValueError):
        report.weighted_share([1.0], [1.0, 2.0])
    full = report.weighted_share([1.0] * 10, [1.0] * 10)
    assert full.high == pytest.approx(1.0)
    assert full.low < 1.0


def test_report_of_a_closed_meeting(world: World) -> None:
    with session_scope(world.engine) as s:
        meeting = s.get(Meeting, world.closed_meeting_id)
        assert meeting is not None
        built = report.build_report(s, meeting)
    assert built.records_sampled == 6
    assert built.records_reviewed == 6
    assert built.is_synthetic
    overall = {r.measure: r for r in built.rows if r.grouping == "all"}
    assert overall["green"].share == pytest.approx(1.0)
    assert overall["red"].share == pytest.approx(0.0)
    assert overall["grounds_reasonable"].records == 6
    low, high = proportion_confint(6, 6, method="wilson")
    assert (overall["green"].low, overall["green"].high) == (
        pytest.approx(low),
        pytest.approx(high),
    )
    small = [r for r in built.rows if r.grouping == "ethnic_group" and r.records < 5]
    assert small and all(r.suppressed and r.share is None for r in small)


def test_red_records_and_multiple_reviewers(world: World) -> None:
    with session_scope(world.engine) as s:
        meeting = s.get(Meeting, world.open_meeting_id)
        assert meeting is not None
        built = report.build_report(s, meeting)
        item = s.get(SampleItem, world.red_item_id)
        assert item is not None
        search_id = item.record.search_id
    assert [r.search_id for r in built.red_records] == [search_id]
    assert built.records_reviewed == 1


def test_published_exports_hold_no_personal_data(world: World) -> None:
    with session_scope(world.engine) as s:
        meeting = s.get(Meeting, world.open_meeting_id)
        assert meeting is not None
        built = report.build_report(s, meeting)
        items = [s.get(SampleItem, i) for i in world.item_ids]
        secrets = set()
        for item in items:
            assert item is not None
            secrets |= {item.record.search_id, item.record.officer_pseudonym}
            if item.record.bwv_reference:
                secrets.add(item.record.bwv_reference)
    csv_text = export.summary_csv(built)
    html = export.summary_html(built)
    pdf = export.summary_pdf(built)
    summary = str(built.summary())
    for secret in secrets:
        for output in (csv_text, html, summary, pdf.decode("latin-1")):
            assert secret not in output
    assert strip_notes(csv_text).splitlines()[0].split(",") == list(export.CSV_COLUMNS)
    suppressed = [r for r in built.published_rows() if r["suppressed"]]
    assert suppressed and all(r["records"] is None and r["share"] is None for r in suppressed)
    assert "fewer than 5" in html
    assert "SYNTHETIC DATA" in html
    assert "<script" not in html
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    # Every object offset in the xref table points at "N 0 obj".
    xref_at = int(re.search(rb"startxref\n(\d+)", pdf).group(1))  # type: ignore[union-attr]
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n", pdf[xref_at:])]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(f"{number} 0 obj".encode())


def test_synthetic_summary_exports_are_marked_and_carry_definitions(world: World) -> None:
    with session_scope(world.engine) as s:
        meeting = s.get(Meeting, world.open_meeting_id)
        assert meeting is not None
        built = report.build_report(s, meeting)
    assert built.is_synthetic
    notes = read_notes(export.summary_csv(built))
    assert notes[0].startswith(SYNTHETIC_MARK)
    assert any(n.startswith("definition: share = design-weighted") for n in notes)
    assert any("fewer than 5" in n for n in notes)
    long = replace(built, rows=built.rows * 8)  # enough rows for several pages
    pdf = export.summary_pdf(long)
    pages = pdf.count(b"/Type /Page ")
    assert pages >= 2
    assert pdf.count(f"({SYNTHETIC_MARK_ASCII}".encode()) == pages  # every page, once


def test_pdf_escapes_and_pages() -> None:
    pdf = export.text_pdf(["(a) \\ b"] * 130, lines_per_page=60)
    assert pdf.count(b"/Type /Page ") == 3
    assert b"\\(a\\) \\\\ b" in pdf


def test_trends_list_every_meeting(world: World) -> None:
    with session_scope(world.engine) as s:
        rows = report.trends(s, world.panel_id)
    assert [r["meeting"] for r in rows] == ["Winter meeting", "Spring meeting"]
    assert rows[0]["green_share"] == pytest.approx(1.0)
    assert rows[1]["red_share"] is None  # one reviewed record: suppressed


def test_feedback_consent_rate_limit_and_export(engine: Engine) -> None:
    now = utcnow()
    with session_scope(engine) as s:
        feedback.add_feedback(
            s, "/summaries", 3, "c1", "Great", consent=True, name="Ann", email="ann@example.org"
        )
        feedback.add_feedback(
            s, "/summaries", 1, "c1", "=HYPERLINK(1)", consent=False, name="Bob", email="b@x.org"
        )
        for _ in range(feedback.RATE_LIMIT - 2):
            feedback.add_feedback(s, "/", 2, "c1", now=now)
        with pytest.raises(feedback.FeedbackRateLimited):
            feedback.add_feedback(s, "/", 2, "c1", now=now)
        feedback.add_feedback(s, "/", 2, "c2", now=now)
        feedback.add_feedback(s, "/", 2, "c1", now=now + timedelta(hours=2))
        for bad in (0, 4, "x"):
            with pytest.raises(feedback.FeedbackError, match="1, 2 or 3"):
                feedback.add_feedback(s, "/", bad, "c3")
        with pytest.raises(feedback.FeedbackError, match="page"):
            feedback.add_feedback(s, "https://evil.example/", 2, "c3")
        with pytest.raises(feedback.FeedbackError, match="e-mail"):
            feedback.add_feedback(s, "/", 2, "c3", consent=True, email="not-an-address")
        summary = {p.page: p for p in feedback.summarise(s)}
        text = feedback.export_csv(s)
    assert summary["/summaries"].ratings == 2
    assert summary["/summaries"].mean_stars == 2.0
    assert "ann@example.org" in text and "Ann" in text
    assert "b@x.org" not in text and "Bob" not in text
    assert "'=HYPERLINK(1)" in text
