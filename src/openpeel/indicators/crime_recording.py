"""Recording data about crime: the figures of a force's crime data integrity audits.

An audit is run in the operational database (``openpeel.crime_audit``); when it closes its
figures are published to the lake table ``crime_recording_audits``. This module reads them: every
closed audit of a force whose period ended by the end of the period asked for, newest first, the
latest marked ``is_latest`` (the assessment rules and the report's headline use it; the others
make the trend across audits).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from openpeel.calendar import Period, last_day
from openpeel.errors import DataUnavailableError
from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.result import IndicatorResult
from openpeel.provenance import is_synthetic_label
from openpeel.reference.forces import force_label

NAME = "crime_recording.audit"
TITLE = "Crime data integrity audits: recording rate, timeliness, classification"
DEFINITION = (
    "From the force's closed crime data integrity audits. Recording rate = crimes recorded / "
    "crimes that should have been recorded, as auditors decided on a stratified random sample of "
    "incidents, design-weighted (each record stands for its stratum's frame size / sample size), "
    "with a normal interval from the linearised stratified variance. Violence = violence with or "
    "without injury, stalking and harassment. recorded_within_24h and correctly_classified: of "
    "crimes that should have been and were recorded. unrecorded_crimes_per_year = R(1 - p)/p, R "
    "= crimes recorded in the audit period scaled to 12 months. agreement_kappa: Cohen's kappa "
    "of two auditors on the second-check subsample."
)
COLUMNS = (
    "audit_id",
    "title",
    "period_from",
    "period_to",
    "closed_at",
    "measure",
    "domain",
    "estimate",
    "low",
    "high",
    "numerator_sampled",
    "denominator_sampled",
    "records_sampled",
    "is_latest",
)


@computed_once
def audit_figures(con: Any, force_id: str, period: Period | None = None) -> IndicatorResult:
    """The figures of every closed audit of a force (period ended by ``period``'s end).

    Raises:
        DataUnavailableError: no closed audit of the force (in time).
    """
    t = con.table("crime_recording_audits")
    t = t.filter(t.force_id == force_id)
    if period is not None:
        t = t.filter(t.period_to <= last_day(period.end))
    df = t.execute()
    if df.empty:
        raise DataUnavailableError(
            f"no closed crime data integrity audit of {force_label(force_id)}"
            + (f" ending by {last_day(period.end):%-d %B %Y}" if period is not None else "")
            + ": run one (openpeel audit create|sample, decide in the web app, openpeel audit "
            "close)"
        )
    df = df.sort_values(
        ["period_to", "audit_id", "measure", "domain"], ascending=[False, False, True, True]
    )
    latest = df[["period_to", "audit_id"]].iloc[0]
    df["is_latest"] = (df["audit_id"] == latest["audit_id"]) & (
        df["period_to"] == latest["period_to"]
    )
    snapshots = set(df["snapshot"].dropna())
    synthetic = any(is_synthetic_label(s) for s in snapshots)
    confidence = float(df["confidence"].iloc[0]) if "confidence" in df else 0.95
    latest_rows = df[df.is_latest]
    caveats = [
        "An audit is a sample: read the interval, not only the estimate. The overall rate alone "
        "does not set a grade; violence, sexual offences, timeliness and classification matter.",
    ]
    kappa = latest_rows[latest_rows.measure == "agreement_kappa"]
    if not kappa.empty and pd.notna(kappa.estimate.iloc[0]) and kappa.estimate.iloc[0] < 0.6:
        caveats.append(
            f"The two auditors agreed only moderately (kappa {kappa.estimate.iloc[0]:.2f}): "
            "decisions may need a common standard before the rate is relied on."
        )
    return IndicatorResult(
        name=NAME,
        title=TITLE,
        definition=DEFINITION,
        table=df[list(COLUMNS)].reset_index(drop=True),
        caveats=caveats,
        is_synthetic=synthetic,
        meta={
            "force_id": force_id,
            "audits": int(df["audit_id"].nunique()),
            "latest_audit_id": int(latest["audit_id"]),
            "confidence": confidence,
        },
    )
