"""One function per published figure: data frames in, a styled matplotlib Figure out.

Every function takes the frames the loaders return (:func:`probstats.load_inspections`,
:func:`probstats.load_features`, :func:`probstats.load_panel`, ...), draws in the
house style (:mod:`probstats.report.style`), adds a headline title, a statistical
subtitle and a source line, and sets alt text. Nothing is dropped silently: rows
that cannot be shown are counted on the figure (``n = .. shown; ..``) and in the
alt text. Empty or sparse input gives a figure saying so, not an exception.

Figures are :class:`matplotlib.figure.Figure` objects not registered with pyplot,
so making many of them leaks no memory; save them with
:func:`probstats.report.render.save_figure` or display them in a notebook as the last
expression of a cell.
"""

from __future__ import annotations

from probstats.report.figures._common import (
    DEFAULT_STAFFING_MEASURES,
    KEEP_SAFE_OUTCOME,
    UNIFICATION_DATE,
    FigureInputError,
    measure_label,
)
from probstats.report.figures.coverage import data_coverage
from probstats.report.figures.estimates import coefficient_plot, predicted_probabilities
from probstats.report.figures.forest import forest_plot
from probstats.report.figures.panel import repeat_inspections
from probstats.report.figures.ratings import ratings_by_region, ratings_over_time
from probstats.report.figures.staffing import (
    binomial_curve,
    staffing_by_rating,
    staffing_vs_outcome,
)

__all__ = [
    "DEFAULT_STAFFING_MEASURES",
    "KEEP_SAFE_OUTCOME",
    "UNIFICATION_DATE",
    "FigureInputError",
    "measure_label",
    "binomial_curve",
    "ratings_over_time",
    "ratings_by_region",
    "staffing_vs_outcome",
    "staffing_by_rating",
    "coefficient_plot",
    "predicted_probabilities",
    "repeat_inspections",
    "data_coverage",
    "forest_plot",
]
