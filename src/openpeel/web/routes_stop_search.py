"""The public stop and search explorer: filters in the URL, a chart with its table, a CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Annotated, Any, TypeVar

import pandas as pd
from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from openpeel.calendar import Period
from openpeel.errors import OpenpeelError, UserInputError
from openpeel.formatting import number_text
from openpeel.formatting import percent_text as share_text
from openpeel.indicators.explorer import ExplorerFilters, explore_cube
from openpeel.indicators.explorer_cube import ExplorerCube
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import force_label
from openpeel.reference.vocabularies import code_name
from openpeel.report import charts
from openpeel.report.chart_export import chart_html, chart_png
from openpeel.report.panels import display, label
from openpeel.report.wording import plain
from openpeel.web import public_data
from openpeel.web.explorer_charts import SHARE, ChartView, explorer_charts
from openpeel.web.rendering import render
from openpeel.web.routes_overview import PublicScope, common, query_string, scope_of
from openpeel.web.security import protected_router

T = TypeVar("T")
router = protected_router()
Value = Annotated[str, Query(max_length=60, pattern=r"^[a-z0-9_]*$")]


def _asked(
    ethnicity: Value = "self_defined",
    legislation: Value = "",
    object_: Annotated[str, Query(alias="object", max_length=60, pattern=r"^[a-z0-9_]*$")] = "",
    outcome: Value = "",
    age: Value = "",
    sex: Value = "",
) -> tuple[str, str, str, str, str, str]:
    """The filter values of an explorer URL as asked (checked by ``_filters``): ethnicity
    basis, legislation, object, outcome, age, sex."""
    return ethnicity, legislation, object_, outcome, age, sex


Asked = Annotated[tuple[str, str, str, str, str, str], Depends(_asked)]


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


def _key(
    kind: str, data_dir: FilePath, force_id: str, period: Period, *rest: Any
) -> tuple[Any, ...]:
    return (kind, str(data_dir), force_id, period.start, period.end, *rest)


def _options(request: Request, force_id: str, period: Period) -> dict[str, list[str]]:
    """The values each filter takes in the force's searches of the period (cached; computed in
    a worker process)."""
    data_dir = request.app.state.data_dir
    return public_data.force_view(data_dir, "options", _filter_options, force_id, period)


def _cube(data_dir: FilePath, force_id: str, period: Period) -> ExplorerCube:
    """The explorer's cube of a force and period (the stored view, held in memory: every
    filter set of the period is counted from it)."""
    return public_data.cached(
        _key("explorer-cube", data_dir, force_id, period),
        lambda: public_data.views(data_dir).explorer_cube(force_id, period),
    )


def _filter_options(data_dir: FilePath, force_id: str, period: Period) -> dict[str, list[str]]:
    return public_data.views(data_dir).explorer_options(force_id, period)


def _explored(
    data_dir: FilePath, force_id: str, period: Period, filters: ExplorerFilters
) -> IndicatorResult:
    return explore_cube(_cube(data_dir, force_id, period), filters)


def _result(
    request: Request, force_id: str, period: Period, filters: ExplorerFilters
) -> IndicatorResult:
    data_dir = request.app.state.data_dir
    return _shown(
        lambda: public_data.force_view(data_dir, "explore", _explored, force_id, period, filters)
    )


def _shown(view: Callable[[], T]) -> T:
    """A view of the explorer (``public_data.force_view`` or ``computed``); a view that cannot
    be shown is a 400 with its reason in one line."""
    try:
        return view()
    except OpenpeelError as failure:
        raise HTTPException(status_code=400, detail=str(failure).splitlines()[0]) from failure


def _chart(result: IndicatorResult) -> ChartView | None:
    """The main chart: the share of matching searches by ethnic group, with its table."""
    t = result.table
    shown = t[(t.group != "all") & (t.searches.fillna(0) > 0)].assign(
        group=lambda d: d.group.map(label)
    )
    if shown.empty:
        return None
    description = "Bar chart of the share of matching searches by group: " + "; ".join(
        f"{g.group} {share_text(g.share)} ({number_text(g.searches, 0)})"
        for g in shown.itertuples()
    )
    chart = charts.interval_bars(
        shown,
        "group",
        *SHARE,
        "Share of matching searches",
        "Ethnic group",
        percent=True,
    )
    table = display(
        result.table.assign(group=result.table.group.map(label)),
        {
            "group": ("Group", "text"),
            "searches": ("Searches", "int"),
            **SHARE.columns("Share", "share"),
            "rate_per_1000": ("Per 1,000 a year", "num"),
            "rate_low": ("Rate low", "num"),
            "rate_high": ("Rate high", "num"),
            "reason": ("Why empty", "text"),
        },
    )
    title = "Matching searches by ethnic group"
    return ChartView.drawn("ethnicity", title, result, chart, description, table)


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
    data_dir: FilePath,
    force_id: str,
    period: Period,
    filters: ExplorerFilters,
) -> dict[str, Any]:
    """Everything the explorer page shows for one filter set (cached whole by the caller; run
    in a worker process, where the result and the options come from the worker's cache)."""
    result = public_data.cached(
        _key("explore", data_dir, force_id, period, filters),
        lambda: _explored(data_dir, force_id, period, filters),
    )
    main = _chart(result)
    if main is not None and (
        result.is_synthetic or public_data.lake_is_synthetic(data_dir, force_id)
    ):
        main.svg = charts.mark_synthetic(main.svg)
        main.is_synthetic = True
    options = public_data.cached(
        _key("options", data_dir, force_id, period),
        lambda: _filter_options(data_dir, force_id, period),
    )
    return {
        "result": result,
        "heading": heading(force_id, period, filters),
        "table": Rows(main.table if main is not None else pd.DataFrame()),
        "option_names": {
            name: [(v, option_text(name, v)) for v in values] for name, values in options.items()
        },
        "chart_svg": main.svg if main is not None else "",
        "chart_description": main.description
        if main is not None
        else "No searches match these filters.",
        "charts": {} if main is None else {main.chart_id: main},
        "options": options,
    }


def _more(
    data_dir: FilePath,
    force_id: str,
    period: Period,
    filters: ExplorerFilters,
    boundaries: FilePath | None,
) -> dict[str, Any]:
    """The further charts of one filter set (by age, sex, object, outcome; section 60 and strip
    searches; the maps): computed apart from the page, which loads them after its first view."""
    caveats: list[str] = []
    try:
        cube = _cube(data_dir, force_id, period)
        caveats = explore_cube(cube, filters).caveats
        more, problems = explorer_charts(
            lambda: public_data.connection(data_dir), cube, filters, boundaries
        )
    except OpenpeelError as error:
        more, problems = [], [f"No further charts: {str(error).splitlines()[0]}"]
    if any(v.result.is_synthetic for v in more) or public_data.lake_is_synthetic(
        data_dir, force_id
    ):
        for view in more:
            view.svg = charts.mark_synthetic(view.svg)
            view.is_synthetic = True
    return {
        "charts": {v.chart_id: v for v in more},
        "more_charts": [(v, Rows(v.table)) for v in more],
        "chart_problems": problems,
        "result_caveats": caveats,  # shown once above the charts, not under each
    }


def _kept(
    data_dir: FilePath,
    key: tuple[Any, ...],
    make: Callable[[], T],
    force_id: str,
    period: Period,
    filters: ExplorerFilters,
) -> T:
    """A view of the explorer page, stored with the lake's other views when it is what a page
    shows first (no filter set, a period the pages link to); else only computed."""
    views = public_data.views(data_dir)
    return views.kept(key, make, not filters.active() and views.keeps(force_id, period))


def prepared_view(
    data_dir: FilePath, force_id: str, period: Period, filters: ExplorerFilters | None = None
) -> dict[str, Any]:
    """The explorer's view of a filter set (``_view``); its first view (no filter set) is kept
    with the stored views of the lake (``openpeel.report.stored_views``): the loads prepare it,
    so the page's first view reads it rather than drawing its chart."""
    filters = filters or ExplorerFilters()
    return _kept(
        data_dir,
        _view_key(force_id, period, filters),
        lambda: _view(data_dir, force_id, period, filters),
        force_id,
        period,
        filters,
    )


def prepared_more(
    data_dir: FilePath,
    force_id: str,
    period: Period,
    filters: ExplorerFilters | None = None,
    boundaries: FilePath | None = None,
) -> dict[str, Any]:
    """The further charts of a filter set (``_more``), kept as ``prepared_view`` keeps its
    view: the loads prepare the first view's, so the further charts' first view reads them."""
    filters = filters or ExplorerFilters()
    return _kept(
        data_dir,
        _more_key(force_id, period, filters, boundaries),
        lambda: _more(data_dir, force_id, period, filters, boundaries),
        force_id,
        period,
        filters,
    )


#: The kind of the explorer's view of a filter set (``_view``) among the views of a lake.
_VIEW = "explore-view"


def _view_key(force_id: str, period: Period, filters: ExplorerFilters) -> tuple[Any, ...]:
    return (_VIEW, force_id, period.start, period.end, filters)


def _more_key(
    force_id: str, period: Period, filters: ExplorerFilters, boundaries: FilePath | None
) -> tuple[Any, ...]:
    """The further charts' key: the boundaries file by name and version (its maps change
    with it)."""
    version = boundaries.stat().st_mtime_ns if boundaries and boundaries.exists() else 0
    where = None if boundaries is None else (str(boundaries), version)
    return ("explore-more", force_id, period.start, period.end, filters, where)


def _cached_view(
    request: Request, force_id: str, period: Period, filters: ExplorerFilters
) -> dict[str, Any]:
    """The explorer's view for one filter set: the stored one, else computed once in a worker
    process."""
    data_dir = request.app.state.data_dir
    return _shown(
        lambda: public_data.force_view(data_dir, _VIEW, prepared_view, force_id, period, filters)
    )


def _cached_more(
    request: Request, force_id: str, period: Period, filters: ExplorerFilters
) -> dict[str, Any]:
    """The further charts for one filter set: the stored ones, else computed once in a worker
    process."""
    data_dir = request.app.state.data_dir
    boundaries = request.app.state.workspace.settings.boundaries
    key = _more_key(force_id, period, filters, boundaries)
    return _shown(
        lambda: public_data.computed(
            data_dir, key, prepared_more, data_dir, force_id, period, filters, boundaries
        )
    )


@router.get("/stop-search", response_class=HTMLResponse)
def explorer(
    request: Request,
    asked: Asked,
    force_id: Annotated[str | None, Query(alias="force", max_length=40)] = None,
    fy: Annotated[str | None, Query(max_length=40)] = None,
    start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
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
    filters = _filters(request, force_id, period, asked)
    view = _cached_view(request, force_id, period, filters)
    extra = {"ethnicity": filters.ethnicity, **filters.active()}
    status = 400 if error and not request.headers.get("HX-Request") else 200
    return render(
        request,
        "public/stop_search.html",
        {
            **common(request, force_id, period),
            "page_title": "Stop and search explorer",
            **view,
            # The period as asked for: a stored view is shared by every label of its months.
            "heading": heading(force_id, period, filters),
            "filters": filters,
            "filter_titles": FILTER_TITLES,
            "error": error,
            "csv_url": "/stop-search.csv?" + query_string(force_id, period, **extra),
            "share_url": "/stop-search?" + query_string(force_id, period, **extra),
            "export_query": query_string(force_id, period, **extra),
        },
        status_code=status,
    )


def _chosen(
    request: Request, scope: PublicScope, asked: Asked
) -> tuple[str, Period, ExplorerFilters]:
    """The force, period and filters of an explorer URL (a dependency of the routes below
    that take them; the explorer page itself shows a bad force or period in place)."""
    force_id, period = scope
    return force_id, period, _filters(request, force_id, period, asked)


Chosen = Annotated[tuple[str, Period, ExplorerFilters], Depends(_chosen)]


@router.get("/stop-search/charts", response_class=HTMLResponse)
def explorer_more_charts(
    request: Request,
    chosen: Chosen,
) -> HTMLResponse:
    """The explorer's further charts for a filter set: a page of its own, whose
    ``#more-charts`` section the explorer page loads in place once it is shown."""
    force_id, period, filters = chosen
    extra = {"ethnicity": filters.ethnicity, **filters.active()}
    return render(
        request,
        "public/stop_search_charts.html",
        {
            **common(request, force_id, period),
            "page_title": "Stop and search explorer: more charts",
            **_cached_more(request, force_id, period, filters),
            "heading": heading(force_id, period, filters),
            "export_query": query_string(force_id, period, **extra),
            "explorer_url": "/stop-search?" + query_string(force_id, period, **extra),
        },
    )


@router.get("/stop-search.csv")
def explorer_csv(
    request: Request,
    chosen: Chosen,
) -> Response:
    """The explorer's result as CSV."""
    force_id, period, filters = chosen
    result = _result(request, force_id, period, filters)
    name = f"stop-search-{force_id}-{period.start:%Y-%m}-{period.end:%Y-%m}.csv"
    return Response(
        public_data.csv_text(result),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


#: What a chart export is sent as: media type and file name ending.
EXPORTS = {
    "png": ("image/png", "png"),
    "html": ("text/html; charset=utf-8", "html"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}


@router.get("/stop-search/charts/{chart_id}.{kind}")
def explorer_chart_export(
    request: Request,
    chart_id: Annotated[str, Path(max_length=40, pattern=r"^[a-z0-9-]+$")],
    kind: Annotated[str, Path(pattern=r"^(png|html|csv)$")],
    chosen: Chosen,
) -> Response:
    """One explorer chart as a PNG image, a standalone HTML page (works offline) or its CSV."""
    force_id, period, filters = chosen
    if chart_id == "ethnicity":
        view = _cached_view(request, force_id, period, filters)
    else:
        view = _cached_more(request, force_id, period, filters)
    chart = view["charts"].get(chart_id)
    if chart is None:
        raise HTTPException(
            status_code=404, detail=f"no chart {chart_id!r} for these filters in the explorer"
        )
    media, ending = EXPORTS[kind]
    name = f"stop-search-{chart_id}-{force_id}-{period.start:%Y-%m}-{period.end:%Y-%m}.{ending}"
    if kind == "csv":
        body: bytes | str = public_data.csv_text(chart.result)
    elif kind == "png":
        body = chart_png(chart.svg)
    else:
        title = f"{chart.title}: {force_label(force_id)}, {period.label}"
        body = chart_html(
            title,
            chart.svg,
            chart.description,
            chart.table,
            chart.result.definition,
            [plain(c) for c in chart.caveats],
            chart.is_synthetic,
            chart.spec,
        )
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
