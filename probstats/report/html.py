"""The HTML report: one self-contained page with the whole analysis, for report authors.

:func:`write_report` reads what a build wrote to the figures folder (the SVG
figures with their alt text, the tables) and the processed tables in memory,
and writes one HTML file: figures inline as SVG, CSS embedded, system fonts,
no script and nothing fetched when it is opened (a Content-Security-Policy in
the page forbids it). The sections and their order are the registry
:data:`probstats.report.html_sections.SECTIONS`.

The page is byte-identical for an unchanged input: no dates, tables and lists
in a fixed order, element ids derived from names, and the figures' own SVG ids
fixed by the house style's hash salt.

``probstats build`` writes it to ``figures/report.html``; ``probstats report``
writes it alone (``--out``).
"""

from __future__ import annotations

import hashlib
import html
from importlib import resources
from pathlib import Path

import pandas as pd

from probstats import outputs
from probstats.report.html_content import ANALYSIS_TABLE_NAMES, analysis_table_of
from probstats.report.html_figures import inline_svg, read_publication
from probstats.report.html_items import (
    DataFile,
    FigureItem,
    ReportData,
    Section,
    TableItem,
    TextItem,
)
from probstats.report.html_sections import SECTIONS
from probstats.report.html_tables import column_label, render_table

__all__ = [
    "REPORT_NAME",
    "REPORT_TITLE",
    "data_fingerprint",
    "render_report",
    "report_data",
    "write_report",
]

#: File name of the report in the figures folder.
REPORT_NAME = "report.html"
REPORT_TITLE = "Probation staffing and inspection ratings: the evidence"
#: Tables of the build that a registry item reads through a function (so not "other").
_READ_BY_FUNCTIONS = (
    "model_*_tidy",
    "predicted_rating_by_po_vacancy",
    "staffing_by_rating",
    *ANALYSIS_TABLE_NAMES,
)
#: Nothing is fetched when the page is opened: no scripts, no external styles or images.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


# --------------------------------------------------------------------------- inputs


def data_fingerprint(
    raw_dir: Path, extra: tuple[Path, ...] = ()
) -> tuple[str, tuple[DataFile, ...]]:
    """SHA-256 of the raw data: the digest of ``sha256sum``'s listing of the folder.

    The listing is what ``cd data/raw && LC_ALL=C sha256sum *`` prints (one line per
    file, ``<hex>  <name>``, names in byte order); the fingerprint is its SHA-256, so
    ``... | sha256sum`` gives the same hex. ``extra`` files (an analyst's staffing panel)
    are listed after the folder's, by name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from probstats.report.html import data_fingerprint
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_bytes(b"x\\n")
    >>> digest, files = data_fingerprint(d)
    >>> files[0].name, len(digest)
    ('a.csv', 64)
    """
    paths = sorted(
        (p for p in Path(raw_dir).iterdir() if p.is_file() and not p.name.startswith(".")),
        key=lambda p: p.name.encode("utf-8"),
    )
    paths += [Path(p) for p in extra]
    files = tuple(DataFile(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths)
    listing = "".join(f"{f.sha256}  {f.name}\n" for f in files)
    return hashlib.sha256(listing.encode("utf-8")).hexdigest(), files


def _raw_extras(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """The raw tables the report quotes directly (checked as the build checks them)."""
    from probstats.dataset.raw import load_raw_table

    out = {}
    for name in ("bulletin_2021_02", "workforce_official"):
        path = Path(raw_dir) / f"{name}.csv"
        if path.is_file():
            out[name] = load_raw_table(path, name)
    return out


def report_data(
    tables: dict[str, pd.DataFrame],
    figures_dir: Path,
    *,
    raw_dir: Path,
    staffing_panel: Path | None = None,
) -> ReportData:
    """Gather what the report reads: processed tables, the build's outputs, raw extras, hash."""
    from probstats import __version__

    extra = (Path(staffing_panel),) if staffing_panel is not None else ()
    digest, files = data_fingerprint(Path(raw_dir), extra)
    return ReportData(
        tables=tables,
        publication=read_publication(figures_dir),
        raw=_raw_extras(Path(raw_dir)),
        data_hash=digest,
        data_files=files,
        version=__version__,
        staffing_panel=Path(staffing_panel).name if staffing_panel is not None else None,
    )


# --------------------------------------------------------------------------- rendering


class _Counter:
    """Numbers figures and tables in reading order and records them for the contents."""

    def __init__(self) -> None:
        self.figures = 0
        self.tables = 0
        self.entries: dict[str, list[tuple[str, str]]] = {}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _label_table(table_html: str, labelled_by: str) -> str:
    """Point the table at its heading (great-tables labels only tables with a header)."""
    return table_html.replace(
        '<table class="gt_table"', f'<table class="gt_table" aria-labelledby="{labelled_by}"', 1
    )


def _table_html(
    frame: pd.DataFrame, table_id: str, labelled_by: str, item: TableItem | None
) -> str:
    options = dict(item.options) if item is not None else {}
    notes = item.notes if item is not None else ()
    source = item.source if item is not None else None
    out = render_table(frame, table_id=table_id, source=source, notes=notes, **options)
    return _label_table(out, labelled_by)


def _render_table_item(item: TableItem, data: ReportData, section: str, count: _Counter) -> str:
    frame = item.frame(data)
    if frame is None:
        return (
            f'<div class="table-block"><h3>{_e(item.title)}</h3>\n<p class="unavailable">'
            "<strong>Not available in this build.</strong> The build made no such table."
            "</p></div>\n"
        )
    count.tables += 1
    anchor = f"table-{count.tables}"
    count.entries.setdefault(section, []).append((anchor, f"Table {count.tables}: {item.title}"))
    subtitle = f'<p class="subtitle">{_e(item.subtitle)}</p>\n' if item.subtitle else ""
    if frame.empty:
        body = '<p class="unavailable">No rows in this build.</p>\n'
    else:
        body = _table_html(frame, f"{anchor}-data", f"{anchor}-h", item)
    return (
        f'<div class="table-block" id="{anchor}">\n<h3 id="{anchor}-h">Table {count.tables}: '
        f"{_e(item.title)}</h3>\n{subtitle}{body}</div>\n"
    )


def _numbers_html(frame: pd.DataFrame | None, anchor: str, number: int) -> str:
    if frame is None:
        inner = "<p>The numbers behind this figure are not available in this build.</p>"
    elif frame.empty:
        inner = "<p>This figure shows no numbers in this build (see its description).</p>"
    else:
        inner = _table_html(frame, f"{anchor}-numbers", f"{anchor}-summary", None)
    return (
        f'<details><summary id="{anchor}-summary">Figure {number} as a table</summary>\n'
        f"{inner}\n</details>\n"
    )


def _render_figure(
    stem: str, frame: pd.DataFrame | None, data: ReportData, section: str, count: _Counter
) -> str:
    fig = data.publication.figures[stem]
    count.figures += 1
    anchor = f"figure-{count.figures}"
    title = f"Figure {count.figures}: {fig.title}"
    count.entries.setdefault(section, []).append((anchor, title))
    return (
        f'<figure id="{anchor}" aria-labelledby="{anchor}-h">\n'
        f'<figcaption><h3 id="{anchor}-h">{_e(title)}</h3></figcaption>\n'
        f"{inline_svg(fig, anchor)}\n{_numbers_html(frame, anchor, count.figures)}</figure>\n"
    )


def _render_figure_item(item: FigureItem, data: ReportData, section: str, count: _Counter) -> str:
    stem = item.find(data)
    if stem is None:
        name = item.name or item.stems[0]
        return (
            f'<div class="table-block"><h3>{_e(name[:1].upper() + name[1:])}</h3>\n'
            '<p class="unavailable"><strong>Not available in this build.</strong> The build '
            "made no such figure.</p></div>\n"
        )
    return _render_figure(stem, item.frame(data), data, section, count)


def _render_section(section: Section, number: int, data: ReportData, count: _Counter) -> str:
    parts = []
    for item in section.items:
        if isinstance(item, TextItem):
            parts.append(item.make(data))
        elif isinstance(item, TableItem):
            parts.append(_render_table_item(item, data, section.id, count))
        else:
            parts.append(_render_figure_item(item, data, section.id, count))
    body = "".join(parts)
    if section.id == "answer":
        body = f'<div class="answer">\n{body}</div>\n'
    return (
        f'<section id="{section.id}" aria-labelledby="{section.id}-h">\n'
        f'<h2 id="{section.id}-h">{number}. {_e(section.title)}</h2>\n{body}</section>\n'
    )


def _claimed(data: ReportData, sections: tuple[Section, ...]) -> tuple[set[str], set[str]]:
    """Figures and tables of the build that some registry item shows."""
    import fnmatch

    figures, tables = set(), set()
    for section in sections:
        for item in section.items:
            if isinstance(item, FigureItem):
                stem = item.find(data)
                if stem is not None:
                    figures.add(stem)
                if isinstance(item.numbers, str):
                    tables.add(item.numbers)
            elif isinstance(item, TableItem) and item.make is None:
                tables.add(item.key)
    for name in data.publication.tables:
        if any(fnmatch.fnmatch(name, pattern) for pattern in _READ_BY_FUNCTIONS):
            tables.add(name)
    analysis = analysis_table_of(data)
    for name, frame in data.publication.tables.items():
        if analysis is not None and frame is analysis:
            tables.add(name)
    return figures, tables


def _others(data: ReportData, sections: tuple[Section, ...]) -> Section | None:
    """A last section for whatever the build made that no registry item shows."""
    figures, tables = _claimed(data, sections)
    items: list[TableItem | FigureItem] = [
        FigureItem((stem,), stem.split("_", 1)[-1] if stem[:2].isdigit() else stem)
        for stem in data.publication.figures
        if stem not in figures
    ]
    items += [
        TableItem(name, column_label(name))
        for name in data.publication.tables
        if name not in tables
    ]
    if not items:
        return None
    text = TextItem(
        lambda d: "<p>Further figures and tables this build made, shown as they are.</p>\n"
    )
    return Section("other", "Other outputs of this build", (text, *items))


def _contents(sections: list[tuple[int, Section]], count: _Counter) -> str:
    lines = [
        '<nav class="contents" aria-labelledby="contents-h">',
        '<h2 id="contents-h">Contents</h2>',
        "<ul>",
    ]
    for number, section in sections:
        sub = count.entries.get(section.id, [])
        inner = "".join(f'<li><a href="#{a}">{_e(t)}</a></li>' for a, t in sub)
        nested = f"<ul>{inner}</ul>" if inner else ""
        lines.append(f'<li><a href="#{section.id}">{number}. {_e(section.title)}</a>{nested}</li>')
    lines += ["</ul>", "</nav>"]
    return "\n".join(lines) + "\n"


def _template(name: str) -> str:
    return resources.files("probstats.report").joinpath("templates", name).read_text("utf-8")


def render_report(data: ReportData, sections: tuple[Section, ...] = SECTIONS) -> str:
    """The report page as a string (see :func:`write_report`)."""
    all_sections = list(sections)
    other = _others(data, sections)
    if other is not None:
        all_sections.append(other)
    count = _Counter()
    numbered = list(enumerate(all_sections, start=1))
    bodies = [_render_section(s, n, data, count) for n, s in numbered]
    contents = _contents(numbered[1:], count)  # the answer comes first, then the contents
    page = _template("report.html")
    meta = (
        f"probstats {_e(data.version)} \u00b7 data SHA-256 {data.data_hash[:12]} \u00b7 "
        f"{len(data.tables['inspections'])} inspections"
    )
    return (
        page.replace("{{csp}}", _CSP)
        .replace("{{title}}", _e(REPORT_TITLE))
        .replace("{{css}}", _template("report.css"))
        .replace("{{meta}}", meta)
        .replace("{{body}}", bodies[0] + contents + "".join(bodies[1:]))
    )


def write_report(
    tables: dict[str, pd.DataFrame],
    figures_dir: Path,
    out: Path | None = None,
    *,
    raw_dir: Path,
    staffing_panel: Path | None = None,
) -> Path:
    """Write the HTML report of a build; return its path.

    Parameters
    ----------
    tables
        The processed tables of the build (:func:`probstats.dataset.build.build_tables`).
    figures_dir
        The folder the build wrote its figures and tables to.
    out
        The HTML file (default ``figures_dir / "report.html"``); written whole or not at all.
    raw_dir
        The raw data folder, for the data hash and the tables the report quotes.
    staffing_panel
        The analyst's staffing panel, if the build used one (hashed with the raw data).
    """
    out = Path(out) if out is not None else Path(figures_dir) / REPORT_NAME
    data = report_data(tables, Path(figures_dir), raw_dir=raw_dir, staffing_panel=staffing_panel)
    text = render_report(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    return outputs.write_bytes(out, text.encode("utf-8"))
