"""Scrutiny panels: force-internal search records, samples, reviews, panel reports, feedback."""
