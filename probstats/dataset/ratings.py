"""The HMIP four-point rating scale as an ordered categorical.

Input is tolerated within limits: the four labels in any case, with straight or
curly quotes, hyphens or stray full stops, a few spelling variants of "Requires
improvement", and the abbreviations in :data:`ABBREVIATIONS` ("RI", "R.I.", "Req
imp", "Inad"). Single letters ("i", "o", "g") are refused: a stray letter is more
likely a slip than a rating, and read as one it would change results silently.
Output is strict: exactly the four published labels,
ordered Inadequate < Requires improvement < Good < Outstanding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from probstats.errors import UnknownRatingError

#: The scale from worst to best; category codes 0..3 follow this order.
RATINGS: tuple[str, ...] = ("Inadequate", "Requires improvement", "Good", "Outstanding")

#: ``pd.CategoricalDtype`` used for every rating column.
RATING_DTYPE = pd.CategoricalDtype(categories=list(RATINGS), ordered=True)

#: The documented abbreviations (compared case-insensitively, punctuation folded).
ABBREVIATIONS: dict[str, str] = {
    "RI": "Requires improvement",
    "R.I.": "Requires improvement",
    "Req imp": "Requires improvement",
    "Inad": "Inadequate",
}

_VARIANTS: dict[str, str] = {
    "requires improvements": "Requires improvement",
    "require improvement": "Requires improvement",
    "requiring improvement": "Requires improvement",
}

_QUOTES = re.compile(r"[\"'‘’“”`´]")
_SPACE = re.compile(r"[\s\-_/.]+")


def _key(label: str) -> str:
    text = _QUOTES.sub("", label)
    return _SPACE.sub(" ", text).strip().lower()


_ALIASES: dict[str, str] = {
    **{_key(r): r for r in RATINGS},
    **_VARIANTS,
    **{_key(a): r for a, r in ABBREVIATIONS.items()},
}


def parse_rating(label: object) -> str | None:
    """Return the canonical rating label for a loosely written one.

    Parameters
    ----------
    label
        A rating as written in a source or typed by an analyst. ``None``,
        NaN and empty strings mean "not rated" and return ``None``.

    Returns
    -------
    str or None
        One of :data:`RATINGS`.

    Raises
    ------
    UnknownRatingError
        If the label is not recognisable as one of the four ratings.

    Examples
    --------
    >>> from probstats.dataset.ratings import parse_rating
    >>> parse_rating("‘requires improvement’")
    'Requires improvement'
    >>> parse_rating("RI")
    'Requires improvement'
    >>> parse_rating("") is None
    True
    """
    if label is None or (isinstance(label, float) and pd.isna(label)) or label is pd.NA:
        return None
    if not isinstance(label, str):
        raise UnknownRatingError(f"rating must be text, got {label!r}")
    key = _key(label)
    if key == "":
        return None
    try:
        return _ALIASES[key]
    except KeyError:
        allowed = ", ".join(RATINGS)
        raise UnknownRatingError(
            f"unknown rating {label!r}; allowed values are {allowed} "
            "(case, quotes and the abbreviations RI, Req imp and Inad are tolerated)"
        ) from None


def to_rating(values: Iterable[object]) -> pd.Categorical:
    """Convert labels to the ordered rating categorical.

    Examples
    --------
    >>> from probstats.dataset.ratings import to_rating
    >>> to_rating(["good", "Inadequate", None]).codes.tolist()
    [2, 0, -1]
    """
    return pd.Categorical([parse_rating(v) for v in values], dtype=RATING_DTYPE)


def rating_score(values: Iterable[object]) -> pd.Series:
    """Integer score 1 (Inadequate) .. 4 (Outstanding); missing stays missing.

    A Series keeps its index, so the result can be assigned as a column.

    Examples
    --------
    >>> from probstats.dataset.ratings import rating_score
    >>> rating_score(["Good", None]).tolist()
    [3, <NA>]
    """
    index = values.index if isinstance(values, pd.Series) else None
    cat = to_rating(values)
    # Keep the caller's index so that assigning the result to a column cannot misalign rows.
    codes = pd.Series(cat.codes, index=index, dtype="Int64")
    return (codes + 1).where(codes >= 0, pd.NA)
