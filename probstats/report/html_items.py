"""The building blocks of the HTML report's registry: what the report reads, and its items.

A :class:`Section` is a list of items: :class:`TextItem` (a function returning
HTML), :class:`TableItem` (a function returning a frame, or the name of a table
the build wrote) and :class:`FigureItem` (the file stem of a figure the build
wrote, and the frame of numbers behind it). The registry itself is
:data:`probstats.report.html_sections.SECTIONS`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from probstats.report.html_figures import Publication

__all__ = [
    "DataFile",
    "FigureItem",
    "ReportData",
    "Section",
    "TableItem",
    "TextItem",
    "TABLE_SOURCE",
]

#: Source line of the report's own tables.
TABLE_SOURCE = "Source: probstats dataset, compiled from HM Inspectorate of Probation publications."


@dataclass(frozen=True)
class DataFile:
    """A file behind the report, with its SHA-256 as ``sha256sum`` prints it."""

    name: str
    sha256: str


@dataclass(frozen=True)
class ReportData:
    """Everything the report reads: the build's processed tables and publication outputs."""

    tables: dict[str, pd.DataFrame]
    publication: Publication
    raw: dict[str, pd.DataFrame]
    data_hash: str
    data_files: tuple[DataFile, ...]
    version: str
    staffing_panel: str | None = None


@dataclass(frozen=True)
class TextItem:
    """Paragraphs of HTML made from the data."""

    make: Callable[[ReportData], str]


@dataclass(frozen=True)
class TableItem:
    """A table: ``make`` returns its frame (``None``: not in this build).

    Without ``make``, the build's table named ``key`` is shown.
    """

    key: str
    title: str
    make: Callable[[ReportData], pd.DataFrame | None] | None = None
    subtitle: str | None = None
    source: str | None = TABLE_SOURCE
    notes: tuple[str, ...] = ()
    options: tuple[tuple[str, object], ...] = ()

    def frame(self, data: ReportData) -> pd.DataFrame | None:
        return self.make(data) if self.make is not None else data.publication.table(self.key)


@dataclass(frozen=True)
class FigureItem:
    """A figure of the build (``stems``: glob patterns of its file stem) and its numbers.

    ``numbers`` is the name of a table of the build or a function returning the
    frame of numbers behind the figure (shown in a ``<details>`` as its data-table
    alternative).
    """

    stems: tuple[str, ...]
    numbers: str | Callable[[ReportData], pd.DataFrame | None] | None
    name: str = ""
    note: str = ""

    def find(self, data: ReportData) -> str | None:
        for pattern in self.stems:
            hits = sorted(fnmatch.filter(data.publication.figures, pattern))
            if hits:
                return hits[0]
        return None

    def frame(self, data: ReportData) -> pd.DataFrame | None:
        if callable(self.numbers):
            return self.numbers(data)
        if isinstance(self.numbers, str):
            return data.publication.table(self.numbers)
        return None


@dataclass(frozen=True)
class Section:
    """A numbered section of the report: an id for links, a heading and its items."""

    id: str
    title: str
    items: tuple[TextItem | TableItem | FigureItem, ...]
