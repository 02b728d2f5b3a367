"""Periods of analysis: moved to :mod:`openpeel.calendar` (the bottom layer, which every layer
may import). Kept so that code written before the move still imports ``Period`` from here."""

from openpeel.calendar import Period, default_period

__all__ = ["Period", "default_period"]
