"""Samples (simple and stratified, reproducible) and reviews (one per member, audited)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select

from openpeel.cli import main
from openpeel.database.engine import session_scope
from openpeel.scrutiny import audit, records, reviews, sampling, users
from openpeel.scrutiny.models import Meeting, Review, Sample, SampleItem
from openpeel.synth.search_records import write_search_records
from tests.scrutiny.world import REVIEW

SPAN = (date(2024, 1, 1), date(2024, 3, 31))
PERIOD = ("--from", "2024-01-01", "--to", "2024-03-31")


def setup(engine: Engine, tmp_path: Path, rows: int = 400) -> int:
    path = write_search_records(tmp_path / "r.csv", rows=rows, seed=3)
    with session_scope(engine) as s:
        records.import_file(s, path)
        panel = users.add_panel(s, "P", "west-midlands")
        return sampling.add_meeting(s, panel, "M", date(2024, 4, 1), *SPAN).id


def test_simple_random_sample_weights_and_reproduction(engine: Engine, tmp_path: Path) -> None:
    meeting_id = setup(engine, tmp_path)
    with session_scope(engine) as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        frame = sampling.frame_records(s, meeting)
        sample = sampling.draw_sample(s, meeting, "simple", size=25, seed=99)
        assert len(sample.items) == 25
        assert len({i.record_id for i in sample.items}) == 25
        assert all(i.design_weight == pytest.approx(len(frame) / 25) for i in sample.items)
        assert sum(i.design_weight for i in sample.items) == pytest.approx(len(frame))
        assert sampling.verify_sample(s, sample)
        assert json.loads(sample.frame_json) == sorted(r.search_id for r in frame)
        chosen = [i.record_id for i in sample.items]
    # The same seed on the same frame draws the same records.
    again = sampling._draw(frame, "simple", [("all", 25)], 99)
    assert [r.id for r, *_ in again] == chosen
    other = sampling._draw(frame, "simple", [("all", 25)], 100)
    assert [r.id for r, *_ in other] != chosen


def test_stratified_sample_oversamples_and_weights_by_stratum(
    engine: Engine, tmp_path: Path
) -> None:
    meeting_id = setup(engine, tmp_path)
    spec = sampling.parse_strata(
        "s60=6,strip_search=6,under_18=6,ethnic_group:black=6,nfa=6,rest=6"
    )
    with session_scope(engine) as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        frame = sampling.frame_records(s, meeting)
        sample = sampling.draw_sample(s, meeting, "stratified", strata=spec, seed=5)
        by_stratum = Counter(i.stratum for i in sample.items)
        sizes = {i.stratum: i.stratum_size for i in sample.items}
        for item in sample.items:
            record = item.record
            if item.stratum == "s60":
                assert record.legislation_code == "cjpoa_s60"
            if item.stratum == "under_18":
                assert record.age_group == "under_18"
                assert record.legislation_code != "cjpoa_s60" and not record.is_strip_search
            assert item.design_weight == pytest.approx(item.stratum_size / by_stratum[item.stratum])
        # Strata partition the frame: their sizes add up to the frame.
        assert sum(sizes.values()) == len(frame)
        assert sum(i.design_weight for i in sample.items) == pytest.approx(len(frame))
        # s60 searches are a small share of the frame but a sixth of the sample.
        s60_share = sizes["s60"] / len(frame)
        assert by_stratum["s60"] / len(sample.items) > 2 * s60_share
        assert sampling.verify_sample(s, sample)
        summary = {x.stratum: x for x in sampling.summarise_sample(sample)}
        assert summary["nfa"].frame_records == sizes["nfa"]


def test_tampered_frame_does_not_verify(engine: Engine, tmp_path: Path) -> None:
    meeting_id = setup(engine, tmp_path)
    with session_scope(engine) as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        sample = sampling.draw_sample(s, meeting, "simple", size=10, seed=1)
        frame = json.loads(sample.frame_json)
        sample.frame_json = json.dumps(frame[1:])
        assert not sampling.verify_sample(s, sample)


def test_sampling_errors(engine: Engine, tmp_path: Path) -> None:
    meeting_id = setup(engine, tmp_path)
    with session_scope(engine) as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        with pytest.raises(sampling.SamplingError, match="size"):
            sampling.draw_sample(s, meeting, "simple")
        with pytest.raises(sampling.SamplingError, match="unknown stratum"):
            sampling.parse_strata("bogus=3")
        with pytest.raises(sampling.SamplingError, match="needs a size"):
            sampling.parse_strata("s60")
        with pytest.raises(sampling.SamplingError, match="at most"):
            sampling.draw_sample(s, meeting, "simple", size=10_000)
        empty = sampling.add_meeting(
            s, meeting.panel, "Empty", date(2024, 6, 1), date(2023, 1, 1), date(2023, 1, 31)
        )
        with pytest.raises(sampling.SamplingError, match="no records"):
            sampling.draw_sample(s, empty, "simple", size=3)
        with pytest.raises(sampling.SamplingError, match="ends before"):
            sampling.add_meeting(s, meeting.panel, "X", date(2024, 1, 1), SPAN[1], SPAN[0])
        sampling.draw_sample(s, meeting, "simple", size=3, seed=1)
        with pytest.raises(sampling.SamplingError, match="already has a sample"):
            sampling.draw_sample(s, meeting, "simple", size=3, seed=1)


def test_one_review_per_member_per_record_with_audit(engine: Engine, tmp_path: Path) -> None:
    meeting_id = setup(engine, tmp_path)
    with session_scope(engine) as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        member = users.add_user(s, "mem", "long enough password", "panel_member")
        coordinator = users.add_user(s, "coo", "long enough password", "panel_coordinator")
        sample = sampling.draw_sample(s, meeting, "simple", size=3, seed=1)
        item = sample.items[0]
        first = reviews.submit_review(s, item, member, REVIEW)
        second = reviews.submit_review(s, item, member, {**REVIEW, "rag": "amber"})
        unchanged = reviews.submit_review(s, item, member, {**REVIEW, "rag": "amber"})
        assert first.id == second.id == unchanged.id
        assert second.version == 2
        count = len(s.scalars(select(Review).where(Review.item_id == item.id)).all())
        assert count == 1
        log = audit.entries(s, meeting_id=meeting_id, entity="review")
        assert [e["action"] for e in log] == ["create", "update"]
        assert log[1]["detail"] == {"rag": ["green", "amber"]}
        assert log[1]["user_id"] == member.id
        with pytest.raises(reviews.ReviewError, match="only panel members"):
            reviews.submit_review(s, item, coordinator, REVIEW)
        with pytest.raises(reviews.ReviewError, match="rag must be"):
            reviews.submit_review(s, item, member, {**REVIEW, "rag": "purple"})
        with pytest.raises(reviews.ReviewError, match="comments are limited"):
            reviews.submit_review(s, item, member, {**REVIEW, "comments": "x" * 6000})
        reviews.close_meeting(s, meeting, coordinator.id)
        with pytest.raises(reviews.ReviewError, match="closed"):
            reviews.submit_review(s, item, member, {**REVIEW, "rag": "red"})
        with pytest.raises(reviews.ReviewError, match="already closed"):
            reviews.close_meeting(s, meeting, coordinator.id)
        with pytest.raises(sampling.SamplingError, match="closed"):
            sampling.draw_sample(s, meeting, "simple", size=2)


def test_liaison_answers_only_red_records(engine: Engine, tmp_path: Path) -> None:
    meeting_id = setup(engine, tmp_path)
    with session_scope(engine) as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        member = users.add_user(s, "mem", "long enough password", "panel_member")
        liaison = users.add_user(s, "lia", "long enough password", "force_liaison")
        sample = sampling.draw_sample(s, meeting, "simple", size=2, seed=1)
        red, green = sample.items
        reviews.submit_review(s, red, member, {**REVIEW, "rag": "red"})
        reviews.submit_review(s, green, member, REVIEW)
        with pytest.raises(reviews.ReviewError, match="only records graded red"):
            reviews.respond(s, green, liaison, "Noted")
        with pytest.raises(reviews.ReviewError, match="only the force liaison"):
            reviews.respond(s, red, member, "Noted")
        reviews.respond(s, red, liaison, "Officer given words of advice.")
        reviews.respond(s, red, liaison, "Officer retrained.")
        log = audit.entries(s, entity="liaison_response")
        assert [e["action"] for e in log] == ["create", "update"]


def test_cli_meeting_sample_verify_close_report(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    csv_path = write_search_records(tmp_path / "r.csv", rows=200, seed=4)
    for args in (
        ["db", "upgrade"],
        ["scrutiny", "import", str(csv_path)],
        ["panels", "add", "Central", "--force", "west-midlands"],
        ["scrutiny", "meeting", "Central", "--title", "April", "--date", "2024-04-01", *PERIOD],
        [
            "scrutiny",
            "sample",
            "1",
            "--design",
            "stratified",
            "--strata",
            "s60=3,rest=5",
            "--seed=8",
        ],
        ["scrutiny", "sample", "1", "--verify"],
        ["scrutiny", "report", "1", "--format", "csv"],
        ["scrutiny", "audit", "1", "--format", "json"],
        ["scrutiny", "close", "1"],
    ):
        result = runner.invoke(main, [*base, *args])
        assert result.exit_code == 0, (args, result.output)
    assert (
        "reproduces" in runner.invoke(main, [*base, "scrutiny", "sample", "1", "--verify"]).output
    )
    again = runner.invoke(main, [*base, "scrutiny", "sample", "1", "--size", "3"])
    assert again.exit_code == 1
    assert "closed" in again.output
    bad_date = runner.invoke(
        main,
        [*base, "scrutiny", "meeting", "Central", "--title", "x", "--date", "soon", *PERIOD],
    )
    assert bad_date.exit_code == 2
    assert "not a date" in bad_date.output


def test_items_know_their_meeting(engine: Engine, tmp_path: Path) -> None:
    meeting_id = setup(engine, tmp_path)
    with session_scope(engine) as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        sampling.draw_sample(s, meeting, "simple", size=2, seed=1)
        item = s.scalars(select(SampleItem)).first()
        assert item is not None
        assert reviews.meeting_of_item(s, item).id == meeting_id
        assert s.scalar(select(Sample.meeting_id)) == meeting_id
