"""Named exceptions and warnings raised by probstats.

Tests and callers catch these by class; every data error carries the file,
line and column it is about so that a reviewer can go straight to the cell.
"""

from __future__ import annotations

from dataclasses import dataclass


class ProbstatsError(Exception):
    """Base class of every error probstats raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in one cell (or row) of a data file.

    ``line`` is the 1-based line number in the file as a text editor shows it
    (the header is line 1, the first data row line 2); ``None`` when the
    problem concerns the whole file or a column.
    """

    file: str
    line: int | None
    column: str | None
    message: str
    value: object = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        shown = "" if self.value is None else f" (got {self.value!r})"
        return f"{where}: {self.message}{shown}"


class DataValidationError(ProbstatsError):
    """A data file failed validation; ``problems`` lists every failing cell."""

    def __init__(self, problems: list[Problem], *, limit: int = 50) -> None:
        self.problems = list(problems)
        shown = "\n  ".join(str(p) for p in self.problems[:limit])
        more = len(self.problems) - limit
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s) found:\n  {shown}{tail}")


class UnknownRatingError(ProbstatsError, ValueError):
    """A rating label that is not one of the four HMIP ratings."""


class UnknownUnitError(ProbstatsError, KeyError):
    """A unit name that is neither a canonical name nor a known alias."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else "unknown unit"


class PartialDateError(ProbstatsError, ValueError):
    """A date string that is not YYYY, YYYY-MM or YYYY-MM-DD."""


class ModelSpecificationError(ProbstatsError, ValueError):
    """A model cannot be fitted as specified (empty category, collinearity, ...)."""


class ProbstatsWarning(UserWarning):
    """Base class of probstats warnings."""


class SmallSampleWarning(ProbstatsWarning):
    """Too few observations for the asymptotics a result relies on."""


class SeparationWarning(ProbstatsWarning):
    """Complete or quasi-complete separation: some estimates are unbounded."""


class SparseCategoryWarning(ProbstatsWarning):
    """An outcome or predictor category has very few observations."""


class DroppedRowsWarning(ProbstatsWarning):
    """Rows were dropped (e.g. complete-case analysis); the message says which."""


# --- extraction
class ExtractionError(ProbstatsError):
    """A document could not be read (missing, binary, undecodable, malformed PDF or HTML).

    The message always names the file so that a batch can report it and go on.
    """


class UnsupportedFormatError(ExtractionError):
    """The content is neither text, HTML nor PDF (detected from the bytes, not the name)."""


class MissingReaderError(ExtractionError):
    """Reading this format needs an optional dependency that is not installed."""


class ExtractionOptionError(ProbstatsError, ValueError):
    """An extraction option has a value outside the allowed ones (the message lists them)."""


class StagingError(ProbstatsError):
    """A staging folder cannot be written (e.g. it already holds files not made by a stage)."""


class ExtractionWarning(ProbstatsWarning):
    """Something in a document was read with a fallback (e.g. decoded as Windows-1252)."""
