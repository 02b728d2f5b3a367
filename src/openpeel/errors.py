"""The errors openpeel raises on purpose, and what a face does with each.

Three kinds of expected failure, all under :class:`OpenpeelError`:

- :class:`UserInputError`: the person asked for something that cannot be done as asked (an
  unknown force, a malformed period, a missing option). Faces print the message and stop (CLI
  exit 1, web 400/404).
- :class:`DataUnavailableError`: the request is fine but the data to answer it is not loaded or
  not sufficient (no population, a period with no months supplied, too few forces for a funnel).
  Faces show "not available" with the message as the reason.
- :class:`SourceFormatError`: a file is not in the format its publication declares (wrong header,
  not a spreadsheet, a sheet missing). Faces name the file and the reason.

Anything else is a bug: faces let it propagate with its traceback so that it is seen and fixed,
never shown as missing data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


class OpenpeelError(Exception):
    """Base class of every error openpeel raises on purpose (its message is for people)."""


class UserInputError(OpenpeelError, ValueError):
    """A request that cannot be done as asked: the message says what to change."""


class DataUnavailableError(OpenpeelError, LookupError, ValueError):
    """The data needed to answer is not loaded or not sufficient: the message says which.

    Also a ValueError: the library raised ValueError for "no data for this force and period"
    before this hierarchy existed, and callers that catch it keep working.
    """


class UnknownIdError(UserInputError, KeyError):
    """An id that is not in a reference list (a force, a framework, an area): the message lists
    the known ids. Also a KeyError, for code that looks ids up in a mapping."""

    __str__ = Exception.__str__  # the message as written, not KeyError's quoted repr


def known_id(known: Mapping[str, T], key: str, what: str) -> T:
    """``known[key]``, or :class:`UnknownIdError` naming ``what`` is unknown and the known ids
    (sorted): ``unknown publication 'x'; known: a, b``."""
    try:
        return known[key]
    except KeyError:
        listed = ", ".join(sorted(known))
        raise UnknownIdError(f"unknown {what} {key!r}; known: {listed}") from None


class SourceFormatError(OpenpeelError, ValueError):
    """A file is not in the format its source declares: the message names the file and why."""
