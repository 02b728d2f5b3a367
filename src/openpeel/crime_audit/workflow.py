"""Finishing an audit: close it and publish its figures where the report and assessment read.

Closing freezes the decisions (``decisions.close_audit``); the figures of the closed audit then
go to the lake (``estimates.publish_figures``), where the indicator ``crime_recording.audit``
finds the latest audit of a force for the report's *Recording data about crime* section and the
assessment rules.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpeel.config import Where
from openpeel.crime_audit.decisions import close_audit
from openpeel.crime_audit.estimates import AuditEstimate, audit_estimates, publish_figures
from openpeel.crime_audit.models import CrimeAudit


def finish_audit(
    session: Session, audit: CrimeAudit, actor_id: int | None, data_dir: Where = None
) -> AuditEstimate:
    """Close the audit (every record decided), publish its figures and return them."""
    close_audit(session, audit, actor_id)
    session.flush()
    estimate = audit_estimates(audit)
    publish_figures(estimate, audit.closed_at, data_dir)
    return estimate
