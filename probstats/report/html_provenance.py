"""The report's provenance: every cited source with its licence, the version and the data hash."""

from __future__ import annotations

import html

import pandas as pd

from probstats.report.html_items import ReportData
from probstats.report.html_tables import link_html

OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
OPL_URL = "https://www.parliament.uk/site-information/copyright-parliament/open-parliament-licence/"


def _p(*sentences: str) -> str:
    return "<p>" + " ".join(s for s in sentences if s) + "</p>\n"


def _e(text: object) -> str:
    return html.escape(str(text), quote=False)


# --------------------------------------------------------------------------- 7. sources


def sources_text(data: ReportData) -> str:
    src = data.tables["sources"]
    by = src["licence"].value_counts().sort_index()
    licences = "; ".join(f"{_e(k)}: {n}" for k, n in by.items())
    return _p(
        f"Every figure in the data is traceable to a public address: {len(src)} are cited "
        f"({licences}). Cite the original report for any figure you quote."
    ) + (
        '<p class="attribution">Contains public sector information licensed under the '
        f"{link_html(OGL_URL, 'Open Government Licence v3.0')}. Contains Parliamentary "
        f"information licensed under the {link_html(OPL_URL, 'Open Parliament Licence v3.0')}. "
        "From third-party pages only facts are used and no text is reproduced.</p>\n"
    )


_SHORT_LICENCES = {
    "Open Government Licence v3.0": "OGL v3.0",
    "Open Parliament Licence v3.0": "OPL v3.0",
}


def sources_table(data: ReportData) -> pd.DataFrame:
    src = data.tables["sources"].sort_values("url")
    licence = src["licence"].astype(str)
    short = licence.map(
        lambda x: _SHORT_LICENCES.get(x, "third party" if "Third-party" in x else x)
    )
    return pd.DataFrame(
        {
            "url": src["url"].to_numpy(),
            "publisher": src["publisher"].to_numpy(),
            "licence": short.to_numpy(),
            "rows_citing_it": src["n_rows"].to_numpy(),
        }
    )


# --------------------------------------------------------------------------- 8. about


def about_text(data: ReportData) -> str:
    panel = f" Staffing panel: {_e(data.staffing_panel)}." if data.staffing_panel else ""
    return _p(
        f"probstats {_e(data.version)}. Data: SHA-256 <code>{data.data_hash}</code> of the raw "
        "data folder, the same as <code>cd data/raw &amp;&amp; LC_ALL=C sha256sum * | "
        f"sha256sum</code> prints.{panel}",
        "Regenerate this report with <code>probstats report</code> (or <code>probstats "
        "build</code>, which writes it to <code>figures/report.html</code>); an unchanged "
        "input gives the same bytes.",
    )


def about_files(data: ReportData) -> pd.DataFrame:
    return pd.DataFrame([(f.name, f.sha256) for f in data.data_files], columns=["file", "sha256"])
