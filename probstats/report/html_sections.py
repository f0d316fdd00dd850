"""The HTML report's sections, in reading order: one registry of items.

Adding a section, a table or a figure is one entry in :data:`SECTIONS`. An item
whose table or figure this build did not make is shown as "Not available in
this build", never dropped silently; a figure or table the build made that no
entry names is shown in a last section ("Other outputs of this build"), so
nothing built is left out. Hooks for the analysis table and its forest plot:
:data:`ANALYSIS_TABLE_NAMES` and :data:`FOREST_PLOT_STEMS`.
"""

from __future__ import annotations

from probstats.report import html_content as content
from probstats.report import html_provenance as provenance
from probstats.report.html_content import ANALYSIS_TABLE_NAMES, FOREST_PLOT_STEMS
from probstats.report.html_items import (
    DataFile,
    FigureItem,
    ReportData,
    Section,
    TableItem,
    TextItem,
)

__all__ = [
    "ANALYSIS_TABLE_NAMES",
    "FOREST_PLOT_STEMS",
    "DataFile",
    "FigureItem",
    "ReportData",
    "Section",
    "SECTIONS",
    "TableItem",
    "TextItem",
]

# --------------------------------------------------------------------------- the registry

#: The report's sections, in reading order. One entry per text, table or figure.
SECTIONS: tuple[Section, ...] = (
    Section("answer", "The question and what the data can defend", (TextItem(content.answer),)),
    Section(
        "data",
        "The data at a glance",
        (
            TextItem(content.glance_text),
            TableItem(
                "coverage_by_year",
                "Inspections by unit type and year of publication",
                subtitle="Number of inspections; \u2018unknown\u2019: no publication date visible",
                options=(("no_separator", ()),),
            ),
            TableItem(
                "stated",
                "Staffing figures: what the inspections state",
                make=content.stated_table,
                subtitle="Number of inspections stating each figure",
            ),
            TableItem(
                "not_stated",
                "What the data do not state",
                make=content.not_stated_table,
            ),
            FigureItem(("08_data_coverage",), content.coverage_numbers),
            FigureItem(("01_ratings_over_time",), "ratings_by_unit_type_year"),
            FigureItem(("02_ratings_by_region",), "ratings_by_region_year"),
        ),
    ),
    Section(
        "analysis",
        "Staffing and ratings: the analysis",
        (
            TextItem(content.analysis_text),
            TableItem(
                "analysis",
                "Every staffing dimension, level and estimator",
                make=content.analysis_display,
                subtitle="Association of each staffing measure with the overall rating",
            ),
            FigureItem(
                FOREST_PLOT_STEMS,
                content.analysis_numbers,
                name="forest plot of the analysis table",
            ),
            FigureItem(("04_staffing_by_rating",), content.staffing_by_rating_numbers),
            TableItem(
                "region_rule_sensitivity",
                "Region level: the estimate under each temporal rule",
                subtitle="Which official snapshot stands for an inspection's time (one date "
                "only: September 2023)",
            ),
            TableItem(
                "po_shortfall_by_rating_exact_test",
                "PO shortfall: Inadequate against better-rated units (exact rank comparison)",
                subtitle="Exact Wilcoxon-Mann-Whitney test with the Hodges-Lehmann shift, PDU "
                "and regional inspections",
            ),
            FigureItem(("03_staffing_vs_keep_safe",), content.staffing_vs_outcome_numbers),
            FigureItem(("05_coefficients",), content.coefficient_numbers),
            FigureItem(("06_predicted_rating_by_po_vacancy",), content.predicted_numbers),
            TableItem(
                "models",
                "Model estimates (maximum likelihood and bias-reduced)",
                make=content.model_tables,
                subtitle="Coefficients on the log-odds scale with 95% profile intervals",
            ),
            TableItem(
                "model_ordinal_glance",
                "The maximum-likelihood ordinal model at a glance",
            ),
            TableItem(
                "model_ordinal_firth_glance",
                "The bias-reduced ordinal model at a glance",
            ),
            TableItem(
                "predicted_rating_by_po_shortfall",
                "Predicted rating probabilities across PO shortfall (bias-reduced)",
                subtitle="The numbers of the predicted-probability figure, with 95% intervals",
            ),
        ),
    ),
    Section(
        "repeat",
        "Repeat inspections",
        (
            TextItem(content.repeat_text),
            FigureItem(("07_repeat_inspections",), content.repeat_pairs),
        ),
    ),
    Section(
        "comparison",
        "Comparison with HMIP Research and Analysis Bulletin 2021/02",
        (
            TextItem(content.bulletin_text),
            TableItem(
                "bulletin",
                "The bulletin's figures as recorded in the data",
                make=content.bulletin_table,
                source="Source: data/raw/bulletin_2021_02.csv (each row cites its address).",
            ),
            TableItem(
                "caseloads",
                "Average caseloads stated in inspections, against the bulletin's threshold",
                make=content.caseloads_stated,
                subtitle="Cases per practitioner, stated exactly",
            ),
        ),
    ),
    Section(
        "methods",
        "Methods and caveats",
        (
            TextItem(content.methods_text),
            TableItem(
                "model_notes",
                "Every model note of this build",
                subtitle="Warnings and reasons a model was not fitted, as the models gave them",
            ),
        ),
    ),
    Section(
        "sources",
        "Sources and licence",
        (
            TextItem(provenance.sources_text),
            TableItem(
                "sources",
                "Every cited address",
                make=provenance.sources_table,
                subtitle="Each address, its publisher, its licence and the rows of the raw "
                "data that cite it",
                source=None,
                notes=(
                    "OGL: Open Government Licence; OPL: Open Parliament Licence; third party: "
                    "copyright of the publisher, facts only are used, no text is reproduced.",
                ),
            ),
        ),
    ),
    Section(
        "about",
        "Version and data",
        (
            TextItem(provenance.about_text),
            TableItem("data_files", "Raw data files", make=provenance.about_files, source=None),
        ),
    ),
)
