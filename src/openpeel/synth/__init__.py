"""Synthetic data in the exact formats of the real sources (police.uk archives, call logs and
999 figures, force-internal search records), always labelled synthetic. May import every layer
below it (``assess``, ``scrutiny``, ``indicators``, ``store``, ``sources``, ...); only the faces
and tests import it.
"""

# The police.uk generator's public names, declared once in its own ``__all__``.
from openpeel.synth import policeuk as _policeuk
from openpeel.synth.policeuk import *  # noqa: F403

__all__ = list(_policeuk.__all__)
