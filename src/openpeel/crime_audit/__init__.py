"""Crime data integrity audits: the audit design (strata, sample sizes), the operational records
of an audit (SQLAlchemy models on ``openpeel.database``: audits, sampled incidents, auditors'
decisions, second-auditor checks), the reviewing workflow and the estimates (recording rate with
its stratified interval, timeliness, classification, unrecorded crimes a year, agreement).

May import: ``scrutiny`` (users, roles and the one audit log), ``indicators``, ``store``,
``sources``, ``database``, ``stats``, ``reference``, ``config``, ``calendar``, ``errors``; not
``assess`` nor any face.
"""
