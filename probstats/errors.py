"""Every exception and warning probstats raises, in one flat module.

Tests and callers catch these by class. Every data error carries the file,
line and column it is about so that a reviewer can go straight to the cell.
Nothing in the package raises a bare built-in exception or warns with a bare
``UserWarning``/``RuntimeWarning``: each class here says what went wrong, and
where a built-in class is the natural parent (``ValueError`` for a bad value,
``KeyError`` for an unknown name) it is a base as well, so ``except ValueError``
keeps working.

Examples
--------
>>> from probstats.errors import ModelSpecificationError, ProbstatsError
>>> issubclass(ModelSpecificationError, (ProbstatsError, ValueError))
True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "UnsupportedFormatError",
    "StagingError",
    "MissingReaderError",
    "ExtractionWarning",
    "ExtractionOptionError",
    "BootstrapFailureWarning",
    "ClusteringWarning",
    "DataValidationError",
    "DroppedRowsWarning",
    "ExtractionError",
    "FallbackDateWarning",
    "FigureInputError",
    "FigureMetadataError",
    "IncompleteBuildError",
    "InvalidArgumentError",
    "InvalidDrawsWarning",
    "ModelSpecificationError",
    "NonConvergenceWarning",
    "OrdinalSeparationError",
    "PartialDateError",
    "Problem",
    "ProbstatsError",
    "ProbstatsWarning",
    "ProcessedDataMissingError",
    "ReportInputError",
    "ScaleWarning",
    "SeparationWarning",
    "SmallSampleWarning",
    "SparseCategoryWarning",
    "StaffingMatchWarning",
    "TableInputError",
    "DiagnosticFailedWarning",
    "UnknownRatingError",
    "UnknownUnitError",
    "UnparsedCellWarning",
    "UnsafeOutputError",
    "WorkforceReadError",
    "ZeroProbabilityError",
]


# --------------------------------------------------------------------------- base classes


class ProbstatsError(Exception):
    """Base class of every error probstats raises on purpose."""


class ProbstatsWarning(UserWarning):
    """Base class of probstats warnings."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Problem:
    """One problem found in one cell (or row) of a data file.

    ``line`` is the 1-based line number in the file as a text editor shows it
    (the header is line 1, the first data row line 2); ``None`` when the
    problem concerns the whole file or a column.

    Examples
    --------
    >>> from probstats.errors import Problem
    >>> str(Problem("inspections.csv", 7, "overall_rating", "unknown rating", "Excellent"))
    "inspections.csv, line 7, column 'overall_rating': unknown rating (got 'Excellent')"
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


class ProcessedDataMissingError(ProbstatsError, FileNotFoundError):
    """A processed table is not there: the build has not been run (or not finished)."""


class IncompleteBuildError(DataValidationError):
    """Build outputs do not match their folder's manifest: an interrupted, running or
    mixed build, a truncated file or an edit by hand (``problems`` names each file)."""


class UnsafeOutputError(ProbstatsError, ValueError):
    """An output folder would overwrite raw data or files a build did not make."""


class InvalidArgumentError(ProbstatsError, ValueError):
    """An argument outside its allowed values (the message lists them)."""


class WorkforceReadError(ProbstatsError, ValueError):
    """A published spreadsheet table could not be read in the expected layout."""


class UnparsedCellWarning(ProbstatsWarning):
    """Some table cells were neither numbers nor known markers (kept as raw text)."""


class FallbackDateWarning(ProbstatsWarning):
    """Some inspections had no fieldwork date; publication date was used instead."""


class StaffingMatchWarning(ProbstatsWarning):
    """A staffing panel could not be fully linked: unit names that match no unit, or
    inspections left without a figure (``attach_staffing``'s report lists them)."""


# --------------------------------------------------------------------------- models


class ModelSpecificationError(ProbstatsError, ValueError):
    """A model cannot be fitted as specified (empty category, collinearity, ...)."""


class OrdinalSeparationError(ModelSpecificationError):
    """Separation in a lean refit: the maximum-likelihood estimate does not exist."""


class ZeroProbabilityError(ProbstatsError, FloatingPointError):
    """Parameter values that give some observation probability zero (outside the domain)."""


class SmallSampleWarning(ProbstatsWarning):
    """Too few observations for the asymptotics a result relies on."""


class SeparationWarning(ProbstatsWarning):
    """Complete or quasi-complete separation: some estimates are unbounded."""


class SparseCategoryWarning(ProbstatsWarning):
    """An outcome or predictor category has very few observations."""


class DroppedRowsWarning(ProbstatsWarning):
    """Rows were dropped (e.g. complete-case analysis); the message says which."""


class NonConvergenceWarning(ProbstatsWarning):
    """An optimiser stopped before meeting its convergence criterion."""


class ClusteringWarning(ProbstatsWarning):
    """Inference ignores clustering at the level a covariate varies."""


class ScaleWarning(ProbstatsWarning):
    """A quantity is shown on a scale where its usual reading does not hold
    (e.g. exponentiated probit coefficients are not odds ratios)."""


class DiagnosticFailedWarning(ProbstatsWarning):
    """A diagnostic test could not be computed (the message says why)."""


class InvalidDrawsWarning(ProbstatsWarning):
    """Some simulated or bootstrap parameter draws give probabilities outside 0-1."""


class BootstrapFailureWarning(ProbstatsWarning):
    """Some resampled or permuted refits failed (the message says how many and why)."""


# --------------------------------------------------------------------------- report


class TableInputError(ProbstatsError, ValueError):
    """A table function was given a frame without the columns it needs."""


class FigureInputError(ProbstatsError, ValueError):
    """A figure function was given a frame without the columns it needs."""


class FigureMetadataError(ProbstatsError, ValueError):
    """A figure lacks the title, source line or alt text the house style requires."""


class ReportInputError(ProbstatsError, ValueError):
    """The HTML report cannot be assembled: a build output it reads is missing or malformed."""


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
