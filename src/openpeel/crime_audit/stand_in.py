"""Stand-in auditors for a SYNTHETIC audit: decisions taken from the generator's truth.

The demo and the tests need finished audits without people clicking through hundreds of records.
For an audit of a synthetic extract only, these functions decide each sampled record as the truth
written beside the extract says (``synth.crime_recording``: should a crime have been recorded,
which offence group, was it, within 24 hours, correctly classified), through the same
:func:`openpeel.crime_audit.decisions.decide` a person's decision goes through (so every
decision is checked and audited). The second auditor disagrees on a set share of records, so
kappa is below 1 as it is between people. A real audit refuses them.
"""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from openpeel.config import Where
from openpeel.crime_audit.audits import AuditError
from openpeel.crime_audit.decisions import decide, decision_of
from openpeel.crime_audit.models import AuditRecord, CrimeAudit
from openpeel.scrutiny.models import User


def _form(truth: pd.Series) -> dict[str, str]:
    if not bool(truth["should_record"]):
        return {"should_record": "no", "notes": "stand-in auditor (synthetic truth)"}
    recorded = bool(truth["is_recorded"])
    form = {
        "should_record": "yes",
        "offence_group": str(truth["offence_group"]),
        "is_recorded": "yes" if recorded else "no",
        "notes": "stand-in auditor (synthetic truth)",
    }
    if recorded:
        form["is_within_24h"] = "yes" if bool(truth["is_within_24h"]) else "no"
        form["is_correctly_classified"] = "yes" if bool(truth["is_correctly_classified"]) else "no"
    return form


def _flipped(form: dict[str, str]) -> dict[str, str]:
    """The other view of a borderline record: a crime or not."""
    if form["should_record"] == "yes":
        return {"should_record": "no", "notes": "stand-in second auditor: not a crime"}
    return {
        "should_record": "yes",
        "offence_group": "public_order",
        "is_recorded": "no",
        "notes": "stand-in second auditor: a crime",
    }


def decide_from_truth(
    session: Session,
    audit: CrimeAudit,
    truth: pd.DataFrame,
    first: User,
    second: User | None = None,
    disagreement: float = 0.08,
    seed: int = 0,
    limit: int | None = None,
) -> int:
    """Decide the audit's records from the synthetic truth; returns the decisions made.

    Args:
        truth: the generator's truth (``synth.crime_recording.read_truth``).
        first: the auditor deciding every record.
        second: the auditor deciding the second-check records (None: leave them).
        disagreement: share of second checks where the second auditor sees it the other way.
        limit: decide at most this many records (first decisions), leaving the rest.

    Raises:
        AuditError: the audit is not of synthetic data, or a sampled incident is not in the truth.
    """
    if not audit.is_synthetic:
        raise AuditError("stand-in auditors decide only audits of synthetic data")
    by_id = truth.set_index("incident_id")
    rng = np.random.default_rng(seed)
    made = 0
    records: list[AuditRecord] = list(audit.records)
    for record in records[:limit] if limit is not None else records:
        if record.incident_id not in by_id.index:
            raise AuditError(f"incident {record.incident_id} is not in the synthetic truth")
        row = by_id.loc[record.incident_id]
        assert isinstance(row, pd.Series)
        form = _form(row)
        if decision_of(record, "first") is None:
            decide(session, record, first, form)
            made += 1
        if second is not None and record.is_second_check and decision_of(record, "second") is None:
            decide(session, record, second, _flipped(form) if rng.random() < disagreement else form)
            made += 1
    session.flush()
    return made


def run_synthetic_audit(
    engine: Engine,
    truth: pd.DataFrame,
    data_dir: Where,
    *,
    half_width: float = 0.03,
    seed: int = 1,
    **audit: Any,
) -> int:
    """A whole audit of a loaded SYNTHETIC extract, decided by two stand-in auditors from its
    truth, closed and published (what the demo shows). Returns the audit's id.

    ``truth`` is the generator's truth written beside the extract (``synth.crime_recording.
    read_truth``). The stand-in auditors are users that cannot log in (inactive, random
    passwords). ``audit`` is passed whole to :func:`~openpeel.crime_audit.audits.create_audit`
    (``force_id``, ``title``, ``period_from``, ``period_to`` and ``recorded_crimes_year``, the R
    of U = R(1 - p)/p: by default the extract's recorded crimes in the period, scaled to twelve
    months); ``half_width`` and ``seed`` to the sample's draw.
    """
    from openpeel.crime_audit.audits import create_audit, draw_sample
    from openpeel.crime_audit.workflow import finish_audit
    from openpeel.database.engine import session_scope
    from openpeel.scrutiny import users

    with session_scope(engine) as session:
        auditors = []
        for n in (1, 2):
            name, display = f"stand-in-auditor-{n}", f"Stand-in auditor {n} (synthetic)"
            user = session.scalar(select(User).where(User.username == name))
            if user is None:
                user = users.add_user(session, name, secrets.token_urlsafe(24), "auditor", display)
                user.is_active = False
            auditors.append(user)
        created = create_audit(session, **audit)
        draw_sample(session, created, data_dir, seed=seed, half_width=half_width)
        decide_from_truth(session, created, truth, auditors[0], auditors[1], seed=seed)
        finish_audit(session, created, None, data_dir)
        return created.id
