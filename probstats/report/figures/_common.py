"""Shared constants and helpers of the figure modules: labels, checks, titles and notes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from probstats.dataset.clean import FEATURE_ID_COLUMNS
from probstats.dataset.harmonise import MEASURES as HARMONISED
from probstats.dataset.ratings import RATING_DTYPE, to_rating
from probstats.errors import FigureInputError
from probstats.report.style import (
    RATING_COLOURS,
    RATINGS_BEST_FIRST,
    add_note,
    add_titles,
    figure_meta,
    house_style,
    new_figure,
    no_data,
    set_alt_text,
)

#: The day the CRCs' work returned to the unified Probation Service.
UNIFICATION_DATE = pd.Timestamp("2021-06-26")

#: Staffing columns of :func:`probstats.load_features` shown by default: one harmonised
#: measure per dimension (shortfall, mix, workload, sickness).
DEFAULT_STAFFING_MEASURES: tuple[str, ...] = (
    "shortfall_po_pct",
    "mix_po_share_pct",
    "workload_caseload_po",
    "sickness_days_per_fte",
)

#: Case-sample outcome: percentage of cases where work to keep people safe was sufficient.
KEEP_SAFE_OUTCOME = "case_implementation_delivery_keep_safe_pct"

#: Identifying (non-measure) columns of the features and panel frames.
ID_COLUMNS = frozenset(
    {
        *FEATURE_ID_COLUMNS,
        "visit_number",
        "previous_inspection_id",
        "days_since_previous",
        "previous_overall_rating",
        "rating_change",
    }
)

_GRADE_NAMES = {
    "po": "PO",
    "pso": "PSO",
    "spo": "SPO",
    "practitioner": "practitioner",
    "admin": "admin",
    "trainee": "trainee",
    "manager": "manager",
    "all": "all staff",
}

_SHORT_LABELS = {
    "vacancy_rate": "vacancy rate (%)",
    "staffing_pct_target": "staffing (% of target)",
    "staff_in_post": "staff in post",
    "vacancies": "vacant posts",
    "caseload_average": "average caseload",
    "caseload_range_max": "highest caseload",
    "workload_wmt_pct": "workload (% of capacity)",
    "sickness_days": "sickness days per person",
    "sickness_rate": "sickness absence (%)",
    "agency_staff": "agency staff",
    "agency_staff_share": "agency staff (%)",
    "newly_qualified_share": "newly qualified (%)",
    "trainee_share": "trainees (%)",
    "trainees": "trainee POs",
    "turnover_rate": "turnover (%)",
    "unallocated_cases": "unallocated cases",
    "caseload_total": "people supervised",
    "regional_caseload_share": "share of regional caseload (%)",
}

_CASE_ASPECTS = {
    "keep_safe": "keeping people safe",
    "desistance": "supporting desistance",
    "engagement": "engagement",
    "compliance": "compliance",
    "quality": "quality",
    "victim_contribution": "victim contribution",
}


# ---------------------------------------------------------------------------------------------
# helpers


def measure_label(column: str) -> str:
    """A readable axis label for a features column.

    Examples
    --------
    >>> from probstats.report.figures._common import measure_label
    >>> measure_label("vacancy_rate_po")
    'PO vacancy rate (%)'
    >>> measure_label("sickness_days_all")
    'Sickness days per person, all staff'
    >>> measure_label("case_implementation_delivery_keep_safe_pct")
    'Implementation and delivery: keeping people safe (% of cases sufficient)'
    """
    if column == "po_pso_fill_ratio":
        return "PO fill rate / PSO fill rate"
    harmonised = {m.name: m.label for m in HARMONISED}
    if column in harmonised:
        return harmonised[column]
    if column.startswith("case_") and column.endswith("_pct"):
        body = column[len("case_") : -len("_pct")]
        for aspect, words in _CASE_ASPECTS.items():
            if body.endswith("_" + aspect):
                stage = body[: -len(aspect) - 1]
                stage = (
                    "implementation and delivery"
                    if stage == "implementation_delivery"
                    else stage.replace("_", " ")
                )
                return f"{stage.capitalize()}: {words} (% of cases sufficient)"
        return body.replace("_", " ").capitalize() + " (% of cases sufficient)"
    for measure in sorted(_SHORT_LABELS, key=len, reverse=True):
        if column.startswith(measure + "_"):
            grade = column[len(measure) + 1 :]
            short = _SHORT_LABELS[measure]
            name = _GRADE_NAMES.get(grade, grade)
            if grade in ("po", "pso", "spo"):
                return f"{name} {short}"
            return f"{short[0].upper()}{short[1:]}, {name}"
    return column.replace("_", " ").capitalize()


def styled(func: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw inside the house style and record which function made the figure."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs) -> Figure:
        with house_style():
            fig = func(*args, **kwargs)
        # Record the public name (probstats.report.figures.<name>), not the private submodule.
        figure_meta(fig)["made_by"] = f"probstats.report.figures.{func.__qualname__}"
        return fig

    return wrapper


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise FigureInputError(f"{what} needs a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise FigureInputError(
            f"{what} needs column(s) {missing}; the frame has {list(frame.columns)}"
        )


def as_ratings(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.CategoricalDtype) and values.dtype == RATING_DTYPE:
        return values
    return pd.Series(to_rating(values), index=values.index)


def plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def finish(
    fig: Figure,
    *,
    title: str,
    subtitle: str | None,
    source: str | None,
    alt: str,
    notes: Sequence[str] = (),
    legend: Sequence | None = None,
    legend_ncols: int | None = None,
) -> Figure:
    for note in notes:
        add_note(fig, note)
    add_titles(fig, title, subtitle, source, legend_handles=legend, legend_ncols=legend_ncols)
    set_alt_text(fig, " ".join([alt, *notes]))
    return fig


def empty_figure(
    message: str, *, title: str | None, subtitle: str | None, source: str | None, what: str
) -> Figure:
    fig, (ax,) = new_figure(height=3.0)
    no_data(ax, message)
    return finish(
        fig,
        title=title or what,
        subtitle=subtitle or message,
        source=source,
        alt=f"{what}: {message}.",
    )


def lower_first(text: str) -> str:
    # Lower-case a label's first letter for use mid-sentence, but keep acronyms ("PO").
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def rating_handles(order: Sequence[str] = RATINGS_BEST_FIRST) -> list[Patch]:
    return [Patch(color=RATING_COLOURS[r], label=r) for r in order]


def count_phrase(counts: Mapping[str, int]) -> str:
    parts = [f"{counts[r]} {r}" for r in RATINGS_BEST_FIRST if counts.get(r, 0)]
    return ", ".join(parts) if parts else "none rated"
