"""The HTML report: self-contained, complete, accessible markup, byte-identical.

The page is checked as text here; ``test_report_browser.py`` checks it in Chromium.
"""

from __future__ import annotations

import hashlib
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from _report import report_build, report_path

import probstats
from probstats.cli import main
from probstats.dataset.paths import data_dir
from probstats.errors import ReportInputError
from probstats.report.html import data_fingerprint, render_report, report_data, write_report
from probstats.report.html_figures import PublishedFigure, inline_svg, read_publication
from probstats.report.html_sections import (
    SECTIONS,
    FigureItem,
    Section,
    TableItem,
    TextItem,
)
from probstats.report.html_tables import MISSING_SYMBOL, render_table
from probstats.report.style import contrast_ratio


class _Outline(HTMLParser):
    """Headings, ids, links, SVG roots and everything that could fetch a resource."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[int] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.fetching: list[str] = []
        self.svgs: list[dict[str, str]] = []
        self.tags: set[str] = set()
        self._svg_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        for key in ("src", "srcset", "data", "poster"):
            if key in a and not a[key].startswith("data:"):
                self.fetching.append(f"<{tag} {key}={a[key]}>")
        if tag == "link" or tag == "script" or tag == "iframe":
            self.fetching.append(f"<{tag}>")
        if tag == "svg":
            if self._svg_depth == 0:
                self.svgs.append(a)
            self._svg_depth += 1
        if tag in ("use", "image") and self._svg_depth:
            href = a.get("href") or a.get("xlink:href") or ""
            if not href.startswith(("#", "data:")):
                self.fetching.append(f"<{tag} href={href}>")

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg_depth -= 1


@pytest.fixture(scope="module")
def page() -> str:
    return report_path().read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def outline(page) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    return parser


def test_build_writes_the_report_into_the_figures_folder():
    root, result = report_build()
    assert report_path() in result.written
    assert report_path().stat().st_size > 100_000


def test_report_fetches_nothing_and_has_no_script(page, outline):
    assert not outline.fetching, outline.fetching
    assert "<script" not in page.lower()
    assert "@import" not in page and not re.search(r"url\((['\"]?)(https?:|//)", page)
    assert "default-src 'none'" in page  # the page forbids loading anything at view time


def test_headings_are_in_order_and_ids_unique(outline):
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    for before, after in zip(outline.headings, outline.headings[1:], strict=False):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after}"
    duplicates = {i for i in outline.ids if outline.ids.count(i) > 1}
    assert not duplicates, sorted(duplicates)[:10]


def test_contents_links_resolve(outline):
    internal = [h[1:] for h in outline.hrefs if h.startswith("#")]
    assert len(internal) > 10
    missing = [i for i in internal if i not in set(outline.ids)]
    assert not missing, missing


def test_sections_come_in_registry_order_answer_first(page):
    titles = [html.escape(s.title, quote=False) for s in SECTIONS]
    positions = [page.index(f"{n}. {t}</h2>") for n, t in enumerate(titles, start=1)]
    assert positions == sorted(positions)
    assert page.index("The question and what the data can defend") < page.index("Contents</h2>")


def test_every_figure_is_inline_with_alt_text_and_a_data_table(page, outline):
    root, _ = report_build()
    figures = sorted((root / "figures").glob("*.svg"))
    assert len(outline.svgs) == len(figures) >= 8
    for attrs in outline.svgs:
        assert attrs.get("role") == "img"
        assert "title" in attrs.get("aria-labelledby", "") and "desc" in attrs["aria-labelledby"]
    for svg in figures:
        alt = (svg.with_name(f"{svg.stem}.alt.txt")).read_text(encoding="utf-8").strip()
        assert f">{html.escape(alt, quote=False)}</desc>" in page, svg.stem
    assert page.count("<details>") == len(figures)
    assert page.count("as a table</summary>") == len(figures)


def test_every_model_note_source_and_the_licence_are_in_the_report(page, outline):
    root, result = report_build()
    notes = pd.read_csv(root / "figures" / "tables" / "model_notes.csv")
    for message in notes["message"]:
        assert html.escape(message, quote=True) in page or html.escape(message, quote=False) in page
    hrefs = set(outline.hrefs)
    for url in result.tables["sources"]["url"]:
        assert html.escape(url, quote=True) in hrefs or url in hrefs, url
    assert "Open Government Licence v3.0" in page
    assert "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" in hrefs


def test_data_hash_is_the_documented_sha256sum_recipe(page):
    raw = data_dir("raw")
    listing = "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n"
        for p in sorted(raw.iterdir(), key=lambda p: p.name.encode())
        if p.is_file()
    )
    digest = hashlib.sha256(listing.encode()).hexdigest()
    assert data_fingerprint(raw)[0] == digest
    assert digest in page and f"probstats {probstats.__version__}" in page


def test_missing_numbers_use_the_gss_symbol_with_a_note():
    out = render_table(pd.DataFrame({"a": [1.5, None]}), table_id="t")
    assert MISSING_SYMBOL in out and "not available" in out


def test_table_rendering_is_deterministic_and_accessible():
    frame = pd.DataFrame({"unit_type": ["PDU", "CRC"], "n": [1200, 3], "p": [0.1234, 0.5]})
    a = render_table(frame, table_id="x", title="T", source="Source: s")
    assert a == render_table(frame, table_id="x", title="T", source="Source: s")
    assert 'scope="col"' in a and 'headers="x-n"' in a and "1,200" in a and "0.123" in a


def test_inline_svg_prefixes_every_id_and_reference():
    svg = (
        '<?xml version="1.0"?><svg width="1pt" height="1pt" viewBox="0 0 1 1">'
        '<title>T</title><defs><path id="g1"/><clipPath id="c1"/></defs>'
        '<use xlink:href="#g1"/><g clip-path="url(#c1)" id="figure_1"/></svg>'
    )
    out = inline_svg(PublishedFigure("s", "T", "alt", svg), "figure-9")
    assert re.findall(r'id="([^"]+)"', out) == [
        "figure-9-title",
        "figure-9-desc",
        "figure-9-g1",
        "figure-9-c1",
        "figure-9-figure_1",
    ]
    assert 'xlink:href="#figure-9-g1"' in out and "url(#figure-9-c1)" in out
    assert "<?xml" not in out and 'width="1pt"' not in out


def test_a_missing_table_or_figure_says_so_and_unlisted_outputs_still_appear():
    root, result = report_build()
    data = report_data(result.tables, root / "figures", raw_dir=data_dir("raw"))
    sections = (
        Section("answer", "First", (TextItem(lambda d: "<p>hello</p>"),)),
        Section(
            "hooks",
            "Hooks",
            (
                TableItem("no_such_table", "A table this build does not make"),
                FigureItem(("no_such_figure*",), None, name="a figure this build does not make"),
            ),
        ),
    )
    page = render_report(data, sections)
    assert page.count("Not available in this build.") == 2
    # every figure and table of the build that no item names is in a last section
    assert "Other outputs of this build" in page
    assert page.count('role="img"') == len(data.publication.figures)


def test_the_analysis_table_and_its_forest_plot_fill_their_hooks(tmp_path):
    """When the build publishes the analysis table and a forest plot, the report shows both."""
    import shutil

    from probstats.report.render import save_figure
    from probstats.report.style import add_titles, new_figure, set_alt_text
    from probstats.report.tables import write_table_csv

    root, result = report_build()
    figures = tmp_path / "figures"
    shutil.copytree(root / "figures", figures)
    table = pd.DataFrame(
        {
            "label": ["PO shortfall", "PO shortfall"],
            "level": ["unit (stated figure)"] * 2,
            "estimator": ["exact rank comparison", "maximum likelihood"],
            "n": [8, 8],
            "estimate": [4.0, None],
            "status": ["estimate", "no finite estimate (separated)"],
            "can_say": ["a plain line", "another plain line"],
        }
    )
    write_table_csv(table, figures / "tables" / "analysis_table.csv")
    fig, (ax,) = new_figure()
    ax.plot([0, 1], [0, 1])
    add_titles(fig, "Every estimate", "A forest plot")
    set_alt_text(fig, "Forest plot of two rows.")
    save_figure(fig, figures / "09_analysis_forest", formats=("svg",))
    data = report_data(result.tables, figures, raw_dir=data_dir("raw"))
    page = render_report(data)
    assert "Every staffing dimension, level and estimator</h3>" in page
    assert "another plain line" in page and "Every estimate</h3>" in page
    assert "of its 2 rows, 1 gives an estimate, 1 has no finite estimate" in page
    assert "Forest plot of the analysis table</h3>" not in page  # the hook is filled
    assert "Other outputs of this build" not in page


def test_read_publication_needs_figures(tmp_path):
    with pytest.raises(ReportInputError, match="no figures"):
        read_publication(tmp_path)


def test_colours_of_the_page_have_enough_contrast():
    css = (Path(probstats.__file__).parent / "report" / "templates" / "report.css").read_text()
    colours = dict(re.findall(r"--([a-z]+):\s*(#[0-9A-Fa-f]{6})", css))
    for name in ("text", "muted", "link"):
        assert contrast_ratio(colours[name], "#FFFFFF") >= 4.5, name
        assert contrast_ratio(colours[name], colours["panel"]) >= 4.5, name
    assert contrast_ratio(colours["text"], colours["focus"]) >= 4.5


def test_cli_report_writes_the_same_bytes_as_the_build(tmp_path, capsys):
    out = tmp_path / "nested" / "report.html"
    assert main(["report", "-q", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert out.read_bytes() == report_path().read_bytes()


def test_report_is_byte_identical_when_written_again(tmp_path):
    root, result = report_build()
    again = write_report(
        result.tables, root / "figures", tmp_path / "r.html", raw_dir=data_dir("raw")
    )
    assert again.read_bytes() == report_path().read_bytes()


def test_report_with_a_staffing_panel_is_not_written_into_committed_folders(tmp_path, capsys):
    code = main(["report", "-q", "--staffing", str(tmp_path / "p.csv")])
    assert code == 1
    assert "not written into the committed folders" in capsys.readouterr().err


def test_staffing_option_is_passed_on_to_the_build(tmp_path, capsys):
    # a panel with a located error: the build checks it and the report is not written
    panel = tmp_path / "p.csv"
    panel.write_text(
        "unit,period,measure,grade,value,provenance,private,notes\n"
        "Bedfordshire PDU,2024-09,fte_in_post,PO,31.4,,true,\n",
        encoding="utf-8",
    )
    code = main(["report", "-q", "--staffing", str(panel), "--out", str(tmp_path / "r.html")])
    assert code == 1
    assert "p.csv, line 2, column 'provenance'" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
