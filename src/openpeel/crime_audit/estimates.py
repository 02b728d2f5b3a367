"""What an audit finds: the recording rate with its design-weighted interval, overall, for
violence and sexual offences and by stratum; timeliness and classification; unrecorded crimes a
year; the two auditors' agreement.

Every rate is a ratio of two design-weighted totals over the records decided
(:func:`openpeel.stats.stratified.stratified_ratio`), each record weighted by its stratum's
N_h / n_h:

- ``recording_rate``: crimes recorded / crimes that should have been recorded (the auditor's
  decision, not the force's), for ``all`` crimes, ``violence`` (violence with or without injury,
  stalking and harassment), ``sexual_offences`` and each stratum (``stratum:<name>``);
- ``recorded_within_24h``: of crimes that should have been and were recorded, the share recorded
  within 24 hours of the report;
- ``correctly_classified``: of the same, the share in the right offence group;
- ``unrecorded_crimes_per_year``: U = R(1 − p)/p, R the crimes recorded in the audit's period
  scaled to twelve months, p the overall recording rate; the interval from p's
  (:func:`openpeel.stats.unrecorded.unrecorded_crimes`);
- ``agreement_kappa``: Cohen's kappa of the first and second auditors' decisions (not a crime,
  recorded, not recorded) on the records both decided.

Before an audit closes the same figures are computed from the records decided so far and marked
provisional.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from openpeel.config import Where
from openpeel.crime_audit.decisions import decision_of, outcome, progress
from openpeel.crime_audit.design import STRATA, STRATUM_TITLES
from openpeel.crime_audit.models import CrimeAudit
from openpeel.indicators.result import IndicatorResult
from openpeel.sources.crime_recording import SEXUAL_GROUPS, VIOLENCE_GROUPS
from openpeel.stats.agreement import Agreement, cohens_kappa
from openpeel.stats.stratified import RatioEstimate, stratified_ratio
from openpeel.stats.unrecorded import UnrecordedCrimes, unrecorded_crimes
from openpeel.store.crime_recording import publish_audit_figures

INDICATOR = "crime_recording.audit"
MEASURE_TITLES: dict[str, str] = {
    "recording_rate": "Crimes recorded of those that should have been",
    "recorded_within_24h": "Recorded within 24 hours (of crimes recorded)",
    "correctly_classified": "Correctly classified (of crimes recorded)",
    "unrecorded_crimes_per_year": "Crimes a year not recorded",
    "agreement_kappa": "Agreement of the two auditors (Cohen's kappa)",
}
DOMAIN_TITLES: dict[str, str] = {
    "all": "All crime (fraud excluded)",
    "violence": "Violence against the person",
    "sexual_offences": "Sexual offences",
    **{f"stratum:{h}": f"Stratum: {t}" for h, t in STRATUM_TITLES.items()},
}
COLUMNS = (
    "audit_id",
    "measure",
    "domain",
    "estimate",
    "low",
    "high",
    "standard_error",
    "numerator_sampled",
    "denominator_sampled",
    "records_sampled",
)


@dataclass
class AuditEstimate:
    """The figures of one audit."""

    audit_id: int
    force_id: str
    title: str
    period_from: Any
    period_to: Any
    status: str
    is_synthetic: bool
    snapshot: str
    is_provisional: bool
    records: int
    records_decided: int
    confidence: float
    table: pd.DataFrame
    kappa: Agreement | None = None
    unrecorded: UnrecordedCrimes | None = None
    caveats: list[str] = field(default_factory=list)

    def value(self, measure: str, domain: str = "all") -> dict[str, Any] | None:
        """One row of the table, or None."""
        rows = self.table[(self.table.measure == measure) & (self.table.domain == domain)]
        return None if rows.empty else dict(rows.iloc[0])

    def result(self) -> IndicatorResult:
        """The figures as an indicator result (what the CLI, pages and the lake take)."""
        return IndicatorResult(
            name=INDICATOR,
            title=f"Crime data integrity audit: {self.title}",
            definition=DEFINITION,
            table=self.table,
            caveats=self.caveats,
            is_synthetic=self.is_synthetic,
            meta={
                "audit_id": self.audit_id,
                "force_id": self.force_id,
                "period_from": str(self.period_from),
                "period_to": str(self.period_to),
                "status": self.status,
                "is_provisional": self.is_provisional,
                "records": self.records,
                "records_decided": self.records_decided,
                "confidence": self.confidence,
            },
        )


DEFINITION = (
    "Recording rate = crimes recorded / crimes that should have been recorded, as the auditors "
    "decided on a stratified random sample of incidents; each record weighted by its stratum's "
    "frame size / sample size (combined ratio estimate), with a normal interval from the "
    "linearised stratified variance (finite population corrected). Violence = violence with or "
    "without injury, stalking and harassment. Timeliness and classification: of crimes that "
    "should have been and were recorded, the share recorded within 24 hours and in the right "
    "offence group. Unrecorded crimes a year = R(1 - p)/p, R = crimes recorded in the period "
    "scaled to 12 months, interval from p's. Kappa: Cohen's kappa of the two auditors' "
    "decisions (not a crime / recorded / not recorded) on the second-check subsample."
)


def _row(measure: str, domain: str, audit_id: int, r: RatioEstimate) -> dict[str, Any]:
    return {
        "audit_id": audit_id,
        "measure": measure,
        "domain": domain,
        "estimate": r.estimate,
        "low": r.low,
        "high": r.high,
        "standard_error": r.standard_error,
        "numerator_sampled": r.numerator_sampled,
        "denominator_sampled": r.denominator_sampled,
        "records_sampled": r.records_sampled,
    }


def decided_frame(audit: CrimeAudit) -> pd.DataFrame:
    """One row per record with a first decision: stratum, N_h and the decision's answers."""
    rows = []
    for r in audit.records:
        d = decision_of(r, "first")
        if d is None:
            continue
        rows.append(
            {
                "incident_id": r.incident_id,
                "stratum": r.stratum,
                "stratum_size": r.stratum_size,
                "should": d.should_record == "yes",
                "recorded": d.should_record == "yes" and d.is_recorded == "yes",
                "within_24h": d.is_within_24h == "yes",
                "correct": d.is_correctly_classified == "yes",
                "offence_group": d.offence_group or "",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "incident_id",
            "stratum",
            "stratum_size",
            "should",
            "recorded",
            "within_24h",
            "correct",
            "offence_group",
        ],
    )


def audit_estimates(audit: CrimeAudit, confidence: float = 0.95) -> AuditEstimate:
    """Every figure of an audit from the decisions made so far (see the module docstring)."""
    state = progress(audit)
    frame = decided_frame(audit)
    sizes = {r.stratum: r.stratum_size for r in audit.records}
    rows: list[dict[str, Any]] = []
    caveats: list[str] = []
    if audit.is_synthetic:
        caveats.append("SYNTHETIC DATA: the incidents audited are not a real force's.")
    provisional = audit.status != "closed"
    if provisional:
        caveats.append(
            f"Provisional: {state.decided} of {state.records} records decided; the audit is "
            f"{audit.status}."
        )
    missing = [h for h in sizes if h not in set(frame.stratum)]
    if missing and len(frame):
        caveats.append(
            "No decided record yet in stratum " + ", ".join(missing) + ": figures leave it out."
        )
    estimate = AuditEstimate(
        audit.id,
        audit.force_id,
        audit.title,
        audit.period_from,
        audit.period_to,
        audit.status,
        audit.is_synthetic,
        audit.snapshot,
        provisional,
        state.records,
        state.decided,
        confidence,
        pd.DataFrame(columns=list(COLUMNS)),
        caveats=caveats,
    )
    if frame.empty:
        return estimate
    strata = frame["stratum"].tolist()
    should = frame["should"].to_numpy(dtype=float)
    recorded = frame["recorded"].to_numpy(dtype=float)
    overall = stratified_ratio(recorded, should, strata, sizes, confidence)
    rows.append(_row("recording_rate", "all", audit.id, overall))
    for domain, groups in (("violence", VIOLENCE_GROUPS), ("sexual_offences", SEXUAL_GROUPS)):
        in_domain = frame["offence_group"].isin(groups).to_numpy(dtype=float)
        rows.append(
            _row(
                "recording_rate",
                domain,
                audit.id,
                stratified_ratio(
                    recorded * in_domain, should * in_domain, strata, sizes, confidence
                ),
            )
        )
    for h in STRATA:
        part = frame[frame.stratum == h]
        if part.empty:
            continue
        rows.append(
            _row(
                "recording_rate",
                f"stratum:{h}",
                audit.id,
                stratified_ratio(
                    part["recorded"].to_numpy(dtype=float),
                    part["should"].to_numpy(dtype=float),
                    part["stratum"].tolist(),
                    {h: sizes[h]},
                    confidence,
                ),
            )
        )
    for measure, column in (
        ("recorded_within_24h", "within_24h"),
        ("correctly_classified", "correct"),
    ):
        good = (frame[column] & frame["recorded"]).to_numpy(dtype=float)
        rows.append(
            _row(
                measure,
                "all",
                audit.id,
                stratified_ratio(good, recorded, strata, sizes, confidence),
            )
        )
    if audit.recorded_crimes_year is not None and not math.isnan(overall.estimate):
        u = unrecorded_crimes(
            audit.recorded_crimes_year,
            overall.estimate,
            overall.low,
            overall.high,
            overall.standard_error,
        )
        estimate.unrecorded = u
        rows.append(
            {
                "audit_id": audit.id,
                "measure": "unrecorded_crimes_per_year",
                "domain": "all",
                "estimate": u.estimate,
                "low": u.low,
                "high": u.high,
                "standard_error": u.standard_error,
                "numerator_sampled": overall.numerator_sampled,
                "denominator_sampled": overall.denominator_sampled,
                "records_sampled": overall.records_sampled,
            }
        )
    pairs = [
        (outcome(first), outcome(second))
        for r in audit.records
        if (first := decision_of(r, "first")) is not None
        and (second := decision_of(r, "second")) is not None
    ]
    if pairs:
        kappa = cohens_kappa([a for a, _ in pairs], [b for _, b in pairs], confidence)
        estimate.kappa = kappa
        rows.append(
            {
                "audit_id": audit.id,
                "measure": "agreement_kappa",
                "domain": "all",
                "estimate": kappa.kappa,
                "low": kappa.low,
                "high": kappa.high,
                "standard_error": kappa.standard_error,
                "numerator_sampled": round(kappa.observed_agreement * kappa.records),
                "denominator_sampled": kappa.records,
                "records_sampled": kappa.records,
            }
        )
        if len(pairs) < 30:
            caveats.append(
                f"Kappa rests on {len(pairs)} records checked twice: its interval is wide."
            )
    if overall.strata_without_variance:
        caveats.append(
            "One record decided in stratum "
            + ", ".join(overall.strata_without_variance)
            + ": no variance estimate there, so the interval is too narrow."
        )
    if overall.denominator_sampled < 100:
        caveats.append(
            f"Only {overall.denominator_sampled} sampled incidents should have been recorded as "
            "crimes: the interval is wide."
        )
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["estimate"] = table["estimate"].astype(float)
    estimate.table = table
    return estimate


def publish_figures(estimate: AuditEstimate, closed_at: Any, data_dir: Where = None) -> int:
    """Store a closed audit's figures in the lake (``crime_recording_audits``), where the
    indicators, the report and the assessment read the latest audit from."""
    figures = estimate.table.assign(
        title=estimate.title,
        period_from=pd.Timestamp(estimate.period_from).date(),
        period_to=pd.Timestamp(estimate.period_to).date(),
        closed_at=closed_at,
        confidence=estimate.confidence,
        snapshot=estimate.snapshot or ("synthetic" if estimate.is_synthetic else ""),
    )
    return publish_audit_figures(figures, estimate.force_id, estimate.audit_id, data_dir)
