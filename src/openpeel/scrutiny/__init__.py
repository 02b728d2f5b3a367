"""Scrutiny panels' operational records (SQLAlchemy models on ``openpeel.database``): users and
roles, panels, force-internal search records, samples, reviews, panel reports, the audit log and
public feedback. May import: ``indicators``, ``store``, ``sources``, ``database``, ``stats``,
``reference``, ``config``, ``calendar``, ``errors``; not ``assess`` (a sibling) nor any face.
"""
