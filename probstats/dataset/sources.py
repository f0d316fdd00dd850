"""The list of cited sources with publisher and licence, derived from every raw row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlparse

import pandas as pd

OGL = "Open Government Licence v3.0"
OPL = "Open Parliament Licence v3.0"
THIRD_PARTY = "Third-party copyright: facts only are used, no text is reproduced"

_PUBLISHERS: tuple[tuple[str, str, str], ...] = (
    ("justiceinspectorates.gov.uk", "HM Inspectorate of Probation", OGL),
    ("gov.uk", "UK Government", OGL),
    ("parliament.uk", "UK Parliament", OPL),
    ("nationalarchives.gov.uk", "The National Archives", OGL),
)


def classify(url: str) -> tuple[str, str, str]:
    """Return ``(domain, publisher, licence)`` for a source URL.

    Examples
    --------
    >>> from probstats.dataset.sources import classify
    >>> classify("https://hmiprobation.justiceinspectorates.gov.uk/news/x")[2]
    'Open Government Licence v3.0'
    >>> classify("https://www.bbc.co.uk/news/x")[1]
    'www.bbc.co.uk'
    """
    domain = urlparse(url).netloc.lower()
    for suffix, publisher, licence in _PUBLISHERS:
        if domain == suffix or domain.endswith("." + suffix):
            return domain, publisher, licence
    return domain, domain, THIRD_PARTY


def sources_table(url_columns: Iterable[pd.Series]) -> pd.DataFrame:
    """One row per distinct URL: domain, publisher, licence and how many rows cite it."""
    counts: Counter[str] = Counter()
    for column in url_columns:
        for cell in column.dropna():
            for url in str(cell).split(" ; "):
                counts[url.strip()] += 1
    rows = [(url, *classify(url), n) for url, n in sorted(counts.items())]
    return pd.DataFrame(rows, columns=["url", "domain", "publisher", "licence", "n_rows"]).astype(
        {
            "url": "string",
            "domain": "string",
            "publisher": "string",
            "licence": "string",
            "n_rows": "Int64",
        }
    )
