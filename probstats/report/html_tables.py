"""HTML tables for the report, rendered with great-tables in the house style of the figures.

Why great-tables and not pandas' ``Styler``: great-tables is a maintained library
made for publication tables, and its HTML is what an accessible report needs
without post-processing: column headings are ``<th scope="col">`` with ids,
every body cell names its heading (``headers=``), the title and subtitle label
the table (``aria-labelledby``/``aria-describedby``), and the table sits in a
container that scrolls sideways on a narrow screen instead of widening the page.
It has the parts of a table in the Analysis Function's guidance (headline
title, subtitle, source notes), number formats with thousands separators and
trailing zeros dropped, and one substitution for missing cells. Given a fixed
``id`` its output is the same on every run, which the byte-identical report
needs. ``Styler`` writes ``<th>`` without scope, needs jinja2 and gives every
table a random id unless told otherwise; its strength (conditional formatting
of large frames) is not what a report of small tables needs.

Missing cells are shown as ``[x]``, the Government Statistical Service symbol
for "not available", and a note under the table says so.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from great_tables import GT

from probstats.report.figures._common import measure_label
from probstats.report.style import PALETTE, TEXT_COLOUR

__all__ = [
    "FONT_STACK",
    "LINK_COLOUR",
    "MISSING_SYMBOL",
    "column_label",
    "link_html",
    "render_table",
]

#: System fonts only: nothing is fetched when the report is opened.
FONT_STACK = ("Arial", "Liberation Sans", "Helvetica", "sans-serif")
#: Links in the palette's dark blue (10:1 contrast on white).
LINK_COLOUR = PALETTE[0]
#: GSS symbol for a value that is not available.
MISSING_SYMBOL = "[x]"
_RULE = "#B1B4B6"  # GOV.UK mid grey for light rules between rows

_WORDS = {
    "n": "n",
    "po": "PO",
    "pso": "PSO",
    "spo": "SPO",
    "pdu": "PDU",
    "crc": "CRC",
    "nps": "NPS",
    "url": "URL",
    "id": "id",
    "u": "U",
    "se": "SE",
}


def column_label(column: object) -> str:
    """A readable heading for a column name.

    Staffing and case-sample columns take the figures' labels; other names are
    turned from ``snake_case`` into words, with grade and unit abbreviations kept.

    Examples
    --------
    >>> from probstats.report.html_tables import column_label
    >>> column_label("vacancy_rate_po")
    'PO vacancy rate (%)'
    >>> column_label("p_value_exact")
    'P value exact'
    >>> column_label("2022")
    '2022'
    """
    name = str(column)
    label = measure_label(name)
    if label != name.replace("_", " ").capitalize():
        return label  # a staffing or case-sample measure the figures know
    words = [_WORDS.get(w, w) for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else text


def link_html(url: str, text: str | None = None) -> str:
    """An escaped ``<a>`` element for a URL (``text`` defaults to the URL).

    Examples
    --------
    >>> from probstats.report.html_tables import link_html
    >>> link_html("https://example.org/?a=1&b=2")
    '<a href="https://example.org/?a=1&amp;b=2">https://example.org/?a=1&amp;b=2</a>'
    """
    label = url if text is None else text
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>'


def _is_integral(values: pd.Series) -> bool:
    numbers = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    whole = np.isfinite(numbers) & (numbers == np.round(numbers))
    return bool(len(numbers)) and bool(np.all(whole))


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "table"


def _house_style(gt: GT) -> GT:
    """Analysis Function table style: left-aligned title, bold headings, light rules only."""
    return gt.tab_options(
        table_font_names=list(FONT_STACK),
        table_font_size="0.95rem",
        table_font_color=TEXT_COLOUR,
        table_margin_left="0",
        table_margin_right="auto",
        table_border_top_style="none",
        table_border_bottom_style="none",
        heading_align="left",
        heading_title_font_size="1rem",
        heading_title_font_weight="bold",
        heading_subtitle_font_size="0.9rem",
        heading_border_bottom_style="none",
        column_labels_font_weight="bold",
        column_labels_border_top_style="none",
        column_labels_border_bottom_style="solid",
        column_labels_border_bottom_width="2px",
        column_labels_border_bottom_color=TEXT_COLOUR,
        column_labels_padding="6px",
        table_body_hlines_color=_RULE,
        table_body_border_top_style="none",
        table_body_border_bottom_style="solid",
        table_body_border_bottom_width="2px",
        table_body_border_bottom_color=TEXT_COLOUR,
        data_row_padding="5px",
        source_notes_font_size="0.85rem",
    )


# long: one pass over the columns choosing a format for each, then the header and notes
def render_table(
    frame: pd.DataFrame,
    *,
    table_id: str,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    notes: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
    decimals: int | Mapping[str, int] = 3,
    url_columns: Sequence[str] = ("url", "source_url"),
    html_columns: Sequence[str] = (),
    no_separator: Sequence[str] = (),
) -> str:
    """Render ``frame`` as an HTML table (a ``<div>`` with scoped CSS) in the house style.

    Parameters
    ----------
    frame
        The rows to show; the index is dropped (reset it first to keep it).
    table_id
        HTML id of the table; it scopes the table's CSS and must be unique in the page.
    title, subtitle, source
        Headline, statistical subtitle and source line, as on the figures.
    notes
        Further notes under the table (one line each), after the source.
    labels
        Column headings by column name; others come from :func:`column_label`.
    decimals
        Decimal places of non-integer numbers (trailing zeros dropped), for all
        columns or by column name (default 3).
    url_columns
        Columns holding URLs, shown as links (several URLs in a cell may be joined by `` ; ``).
    html_columns
        Columns already holding HTML (escape it before), shown as given.
    no_separator
        Numeric columns shown without a thousands separator (years, identifiers).

    Returns
    -------
    str
        The table's HTML; the same frame and options always give the same string.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.html_tables import render_table
    >>> out = render_table(pd.DataFrame({"unit_type": ["PDU"], "n": [1200]}), table_id="t1",
    ...                    title="Inspections")
    >>> 'id="t1"' in out and "1,200" in out and 'scope="col"' in out
    True
    """
    data = frame.reset_index(drop=True).copy()
    data.columns = [str(c) for c in data.columns]
    # Anything that is neither a number nor a string is shown as text.
    for col in data.columns:
        s = data[col]
        if isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_datetime64_any_dtype(s):
            data[col] = s.astype("string")
        elif pd.api.types.is_bool_dtype(s):
            data[col] = s.map({True: "yes", False: "no"}).astype("string")
        elif not pd.api.types.is_numeric_dtype(s):
            data[col] = s.astype("string")
    if any(pd.api.types.is_datetime64_any_dtype(frame[c]) for c in frame.columns):
        for col in data.columns:
            if data[col].dtype == "string":
                data[col] = data[col].str.removesuffix(" 00:00:00")
    has_missing = bool(data.isna().to_numpy().any())
    gt = GT(data, id=_safe_id(table_id))
    for col in data.columns:
        s = data[col]
        if col in url_columns:
            gt = gt.fmt(
                columns=col,
                fns=lambda v: " ; ".join(link_html(u.strip()) for u in str(v).split(" ; ")),
            )
        elif col in html_columns:
            gt = gt.fmt(columns=col, fns=str)
        elif pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            seps = col not in no_separator
            if _is_integral(s) or s.isna().all():
                gt = gt.fmt_integer(columns=col, use_seps=seps)
            else:
                d = decimals if isinstance(decimals, int) else decimals.get(col, 3)
                gt = gt.fmt_number(columns=col, decimals=d, drop_trailing_zeros=True, use_seps=seps)
    heading = {c: (labels or {}).get(c, column_label(c)) for c in data.columns}
    gt = gt.cols_label(**heading)
    if has_missing:
        gt = gt.sub_missing(missing_text=MISSING_SYMBOL)
    if title:
        gt = gt.tab_header(title=title, subtitle=subtitle)
    lines = [source] if source else []
    lines += list(notes)
    if has_missing:
        lines.append(f"{MISSING_SYMBOL}: not available (not stated, or not applicable).")
    for line in lines:
        gt = gt.tab_source_note(line)
    gt = _house_style(gt)
    return gt.as_raw_html()
