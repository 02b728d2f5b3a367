"""After a load: prepare what the web pages show by default (``openpeel.report.stored_views``),
so that each page's first view reads it instead of computing every indicator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpeel.cli.lazy import library
from openpeel.cli.output import console

if TYPE_CHECKING:
    from openpeel.config import Where

prepare = library("web.public_data", "prepare")


def prepare_pages(where: Where) -> None:
    """Compute and keep the default views of every force loaded, with a line per force on
    standard error. The load itself has succeeded: a failure here is reported in one line and
    leaves the pages to compute on their first view."""
    with console.status("Preparing the web pages' figures (once per load)"):
        try:
            prepared = prepare(where)
        except Exception as error:  # the data is loaded; the pages compute on first view
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            console.print(
                f"[yellow]The web pages' figures were not prepared[/] ({reason}): each page "
                "computes its own on its first view."
            )
            return
    for done in prepared:
        if done.computed:
            console.print(
                f"Prepared the web pages of {done.force_id} for {done.period.label} "
                f"({done.computed} views)."
            )
