"""openpeel: police effectiveness, efficiency and legitimacy measured from data."""

__version__ = "0.1.0"
