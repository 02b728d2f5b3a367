"""The public stop and search explorer: filters in the URL, a chart with its table, a CSV."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from openpeel.calendar import Period
from openpeel.errors import OpenpeelError, UserInputError
from openpeel.indicators.explorer import ExplorerFilters
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import force_label
from openpeel.reference.vocabularies import code_name
from openpeel.report import charts
from openpeel.report.panels import display, label
from openpeel.web import public_data
from openpeel.web.rendering import render
from openpeel.web.routes_overview import PublicScope, common, query_string, scope_of
from openpeel.web.security import protected_router

router = protected_router()
Value = Annotated[str, Query(max_length=60, pattern=r"^[a-z0-9_]*$")]


def _filters(
    request: Request,
    force_id: str,
    period: Period,
    values: tuple[str, str, str, str, str, str],
) -> ExplorerFilters:
    """The filters of a URL; a value the force's searches of the period never take is refused
    (400) before anything is computed or cached for it."""
    ethnicity, legislation, object_, outcome, age, sex = values
    try:
        filters = ExplorerFilters(
            ethnicity or "self_defined", legislation, object_, outcome, age, sex
        )
    except UserInputError as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    options = _options(request, force_id, period)
    for name, value in filters.active().items():
        if value not in options.get(name, ()):
            raise HTTPException(
                status_code=400,
                detail=f"no {force_id} searches in {period.label} have {name} {value!r}",
            )
    return filters


def _options(request: Request, force_id: str, period: Period) -> dict[str, list[str]]:
    """The values each filter takes in the force's searches of the period (cached)."""
    data_dir = request.app.state.data_dir
    return public_data.cached(
        ("options", str(data_dir), force_id, period.start, period.end),
        lambda: public_data.views(data_dir).explorer_options(force_id, period),
    )


def _result(
    request: Request, force_id: str, period: Period, filters: ExplorerFilters
) -> IndicatorResult:
    data_dir = request.app.state.data_dir
    key = ("explore", str(data_dir), force_id, period.start, period.end, filters)
    try:
        return public_data.cached(
            key, lambda: public_data.views(data_dir).explore(force_id, period, filters)
        )
    except OpenpeelError as error:
        raise HTTPException(status_code=400, detail=str(error).splitlines()[0]) from error


#: The vocabulary of each explorer filter whose values are codes (``outcome`` is a group).
FILTER_VOCABULARIES = {
    "legislation": "legislation",
    "object": "object_of_search",
    "age": "age_range",
    "sex": "gender",
}


FILTER_TITLES = {
    "legislation": "Legislation",
    "object": "Object of search",
    "outcome": "Outcome",
    "age": "Age",
    "sex": "Sex",
}


def heading(force_id: str, period: Period, filters: ExplorerFilters) -> str:
    """The results' title in words: the basis, each filter by name, the force's name."""
    basis = "self-defined" if filters.ethnicity == "self_defined" else "officer-defined"
    chosen = "; ".join(
        f"{FILTER_TITLES[name].lower()}: {option_text(name, value)}"
        for name, value in filters.active().items()
    )
    return (
        f"Person searches by {basis} ethnic group ({chosen or 'no filters'}): "
        f"{force_label(force_id)}, {period.label}"
    )


def option_text(name: str, value: str) -> str:
    """A filter value as people read it (the value stays the code in the URL)."""
    vocabulary = FILTER_VOCABULARIES.get(name)
    if vocabulary is None:
        return label(value)
    return code_name(vocabulary, value)


class Rows:
    """A display table as plain lists, made once per view: what the template iterates
    (``columns`` and ``itertuples``, as on a DataFrame) without pandas work per request."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.columns = [str(c) for c in frame.columns]
        self.rows = list(frame.itertuples(index=False, name=None))

    def itertuples(self, index: bool = False) -> list[tuple[Any, ...]]:
        return self.rows


def _view(
    request: Request, force_id: str, period: Period, filters: ExplorerFilters
) -> dict[str, Any]:
    """Everything the explorer page shows for one filter set (cached whole by the caller)."""
    data_dir = request.app.state.data_dir
    result = _result(request, force_id, period, filters)
    svg, description = public_data.views(data_dir).explorer_chart(force_id, period, filters)
    if result.is_synthetic or public_data.lake_is_synthetic(data_dir, force_id):
        svg = charts.mark_synthetic(svg)
    options = _options(request, force_id, period)
    table = display(
        result.table.assign(group=result.table.group.map(label)),
        {
            "group": ("Group", "text"),
            "searches": ("Searches", "int"),
            "share": ("Share", "share"),
            "share_low": ("Low", "share"),
            "share_high": ("High", "share"),
            "rate_per_1000": ("Per 1,000 a year", "num"),
            "rate_low": ("Rate low", "num"),
            "rate_high": ("Rate high", "num"),
            "reason": ("Why empty", "text"),
        },
    )
    return {
        "result": result,
        "heading": heading(force_id, period, filters),
        "table": Rows(table),
        "option_names": {
            name: [(v, option_text(name, v)) for v in values] for name, values in options.items()
        },
        "chart_svg": svg,
        "chart_description": description,
        "options": options,
    }


@router.get("/stop-search", response_class=HTMLResponse)
def explorer(
    request: Request,
    force_id: Annotated[str | None, Query(alias="force", max_length=40)] = None,
    fy: Annotated[str | None, Query(max_length=40)] = None,
    start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    ethnicity: Value = "self_defined",
    legislation: Value = "",
    object_: Annotated[str, Query(alias="object", max_length=60, pattern=r"^[a-z0-9_]*$")] = "",
    outcome: Value = "",
    age: Value = "",
    sex: Value = "",
) -> HTMLResponse:
    """Person searches by ethnic group under the filters chosen. A force or period that cannot
    be shown gives the page with the reason in place of the results (never the last results
    left standing): status 400, or 200 to htmx so that the message replaces them."""
    error = ""
    try:
        force_id, period = scope_of(request, force_id, fy, start, end)
    except HTTPException as failure:
        error = str(failure.detail)
        loaded = public_data.loaded_forces(request.app.state.data_dir)
        known = force_id if force_id in loaded else None
        force_id, period = scope_of(request, known, None, None, None)
    filters = _filters(
        request, force_id, period, (ethnicity, legislation, object_, outcome, age, sex)
    )
    view = public_data.cached(
        (
            "explore-view",
            str(request.app.state.data_dir),
            force_id,
            period.start,
            period.end,
            filters,
        ),
        lambda: _view(request, force_id, period, filters),
    )
    extra = {"ethnicity": filters.ethnicity, **filters.active()}
    status = 400 if error and not request.headers.get("HX-Request") else 200
    return render(
        request,
        "public/stop_search.html",
        {
            **common(request, force_id, period),
            "page_title": "Stop and search explorer",
            **view,
            "filters": filters,
            "filter_titles": FILTER_TITLES,
            "error": error,
            "csv_url": "/stop-search.csv?" + query_string(force_id, period, **extra),
            "share_url": "/stop-search?" + query_string(force_id, period, **extra),
        },
        status_code=status,
    )


@router.get("/stop-search.csv")
def explorer_csv(
    request: Request,
    scope: PublicScope,
    ethnicity: Value = "self_defined",
    legislation: Value = "",
    object_: Annotated[str, Query(alias="object", max_length=60, pattern=r"^[a-z0-9_]*$")] = "",
    outcome: Value = "",
    age: Value = "",
    sex: Value = "",
) -> Response:
    """The explorer's result as CSV."""
    force_id, period = scope
    filters = _filters(
        request, force_id, period, (ethnicity, legislation, object_, outcome, age, sex)
    )
    result = _result(request, force_id, period, filters)
    name = f"stop-search-{force_id}-{period.start:%Y-%m}-{period.end:%Y-%m}.csv"
    return Response(
        public_data.csv_text(result),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
