"""Figures for the HTML report: the build's SVG files, inlined with their title and alt text.

The report shows the very files ``probstats build`` writes to ``figures/`` (the
same bytes, less the XML prolog and metadata), so it can never disagree with
them. Each SVG is made safe to put beside the others in one page: its element
ids get a per-figure prefix (matplotlib names groups ``figure_1``, ``axes_1``
in every file) and every reference to them (``href="#..."``, ``url(#...)``)
follows. The SVG is labelled for assistive technology by its ``<title>``
(the headline) and a ``<desc>`` holding the alt text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from probstats.errors import ReportInputError

__all__ = ["PublishedFigure", "Publication", "read_publication", "inline_svg"]

_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_STYLE = re.compile(r"\s*<style[^>]*>.*?</style>", re.S)
_EMPTY_DEFS = re.compile(r"\s*<defs>\s*</defs>", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'((?:xlink:)?href)="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')


@dataclass(frozen=True)
class PublishedFigure:
    """One figure of the build: file stem, headline title, alt text and the SVG source."""

    stem: str
    title: str
    alt_text: str
    svg: str


@dataclass(frozen=True)
class Publication:
    """What ``build_publication`` wrote to a figures folder, read back in build order.

    ``figures`` are keyed by file stem and ``tables`` by table name (``tables/<name>.csv``),
    both sorted by name (the figures' numbered stems give their order).
    """

    figures: dict[str, PublishedFigure]
    tables: dict[str, pd.DataFrame]

    def table(self, name: str) -> pd.DataFrame | None:
        """The table ``name``, or ``None`` if this build did not write it."""
        return self.tables.get(name)


def _figure(svg_path: Path) -> PublishedFigure:
    svg = svg_path.read_text(encoding="utf-8")
    alt_path = svg_path.with_name(f"{svg_path.stem}.alt.txt")
    if not alt_path.is_file():
        raise ReportInputError(f"{svg_path} has no alt text file {alt_path.name}")
    match = _TITLE.search(svg)
    title = html.unescape(match.group(1)).strip() if match else svg_path.stem
    alt = alt_path.read_text(encoding="utf-8").strip()
    return PublishedFigure(svg_path.stem, title, alt, svg)


def read_publication(figures_dir: str | Path) -> Publication:
    """Read the figures (SVG and alt text) and tables (CSV) a build wrote to ``figures_dir``.

    Raises
    ------
    ReportInputError
        If the folder holds no figures, or a figure has no alt text.
    """
    folder = Path(figures_dir)
    figures = {p.stem: _figure(p) for p in sorted(folder.glob("*.svg"))}
    if not figures:
        raise ReportInputError(f"no figures in {folder}: run the build first")
    tables = {
        p.stem: pd.read_csv(p, encoding="utf-8") for p in sorted((folder / "tables").glob("*.csv"))
    }
    return Publication(figures, tables)


def inline_svg(figure: PublishedFigure, prefix: str) -> str:
    """The figure's SVG ready to sit in an HTML page beside others.

    Drops the XML prolog, the metadata and the size attributes (CSS sizes the
    figure; the ``viewBox`` keeps its shape), prefixes every id with ``prefix``,
    and labels the root with the title and a ``<desc>`` holding the alt text.

    Examples
    --------
    >>> from probstats.report.html_figures import PublishedFigure, inline_svg
    >>> svg = ('<?xml version="1.0"?>\\n<svg width="10pt" height="5pt" viewBox="0 0 10 5" '
    ...        'xmlns="http://www.w3.org/2000/svg"><title>T</title><defs><clipPath id="c">'
    ...        '</clipPath></defs><g id="g" clip-path="url(#c)"/></svg>')
    >>> print(inline_svg(PublishedFigure("s", "T", "Alt & more.", svg), "f1"))
    ... # doctest: +NORMALIZE_WHITESPACE
    <svg viewBox="0 0 10 5" xmlns="http://www.w3.org/2000/svg" role="img"
    aria-labelledby="f1-title f1-desc"><title id="f1-title">T</title><desc
    id="f1-desc">Alt &amp; more.</desc><defs><clipPath id="f1-c"></clipPath></defs><g
    id="f1-g" clip-path="url(#f1-c)"/></svg>
    """
    svg = figure.svg
    start = svg.find("<svg")
    if start < 0:
        raise ReportInputError(f"figure {figure.stem} is not an SVG document")
    svg = svg[start:].strip()
    svg = _METADATA.sub("", svg)
    svg = _STYLE.sub("", svg)  # matplotlib's ``*{stroke-linejoin...}`` moves to the page CSS
    svg = _EMPTY_DEFS.sub("", svg)
    seen: dict[str, int] = {}

    def _new_id(match: re.Match) -> str:
        # a repeated id (two panels marked the same way) gets a suffix: references
        # still point at the first, as they did in the file
        name = match.group(1)
        seen[name] = seen.get(name, 0) + 1
        suffix = f"-{seen[name]}" if seen[name] > 1 else ""
        return f'id="{prefix}-{name}{suffix}"'

    svg = _ID.sub(_new_id, svg)
    svg = _HREF.sub(lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', svg)
    svg = _URL.sub(lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    head_end = svg.index(">")
    head = _SIZE.sub("", svg[:head_end])
    head += f' role="img" aria-labelledby="{prefix}-title {prefix}-desc"'
    body = svg[head_end:]
    label = (
        f'<title id="{prefix}-title">{html.escape(figure.title, quote=False)}</title>'
        f'<desc id="{prefix}-desc">{html.escape(figure.alt_text, quote=False)}</desc>'
    )
    body = _TITLE.sub("", body, count=1)
    return f"{head}>{label}{body[1:].lstrip()}"
