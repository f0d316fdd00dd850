"""The input rules of probstats.dataset.sanity, function by function: bounds, positions and
exact messages, and the formula escaping in both directions."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from probstats.dataset.dates import parse_partial_date
from probstats.dataset.sanity import (
    clean_name,
    control_problem,
    date_bounds_problem,
    duplicate_columns,
    escape_formula,
    escape_text_columns,
    unescape_formula,
    year_bounds_problem,
)

TODAY = dt.date(2025, 1, 1)


def test_date_bounds_are_inclusive_with_exact_messages():
    assert date_bounds_problem(parse_partial_date("2014-01-01"), TODAY) is None
    assert date_bounds_problem(parse_partial_date("2013-12-31"), TODAY) == (
        "date is before 2014-01-01, the start of the inspection programmes in this dataset"
    )
    assert date_bounds_problem(parse_partial_date("2025-02-01"), TODAY) is None
    assert date_bounds_problem(parse_partial_date("2025-02-02"), TODAY) == (
        "date is after 2025-02-01 (today plus 31 days): not plausible"
    )


def test_year_bounds_are_inclusive_and_follow_the_given_day():
    assert year_bounds_problem(2014, TODAY) is None
    assert year_bounds_problem(2025, TODAY) is None
    assert year_bounds_problem(2013, TODAY) == "year must be between 2014 and 2025"
    assert year_bounds_problem(2026, TODAY) == "year must be between 2014 and 2025"
    assert year_bounds_problem(2099, dt.date(2100, 1, 1)) is None


def test_duplicate_columns_report_both_positions():
    assert duplicate_columns(["a", "b", "a", "c", "b", "a"]) == [
        (3, "a", 1),
        (5, "b", 2),
        (6, "a", 1),
    ]
    assert duplicate_columns(["a", "b"]) == []


def test_control_characters_are_named_at_their_position():
    assert control_problem("ab\x00") == (
        "contains a control or invisible character (U+0000 unnamed character) at position 3"
    )
    assert control_problem("a\u200bb") == (
        "contains a control or invisible character (U+200B ZERO WIDTH SPACE) at position 2"
    )
    assert control_problem("a\nb") is not None  # a line break only where allowed
    assert control_problem("a\nb\x07", newlines_ok=True).endswith("at position 4")
    assert control_problem("plain text, ‘quotes’ and Môn") is None


def test_names_keep_latin_letters_with_accents_and_refuse_others():
    assert clean_name("Ynys Môn") == ("Ynys Môn", None)
    assert clean_name("ﬁeld") == ("field", None)  # a ligature is folded
    assert clean_name("Αthens")[1].startswith("letter 'Α' (U+0391 GREEK CAPITAL LETTER ALPHA)")


@pytest.mark.parametrize(
    ("cell", "escaped"),
    [
        ("=1", "'=1"),
        ("X=1", "X=1"),
        ("'=1", "''=1"),
        ("'X", "'X"),
        ("-", "'-"),
        ("-1.5e3", "-1.5e3"),
        ("+44 20", "'+44 20"),
        ("\tx", "'\tx"),
    ],
)
def test_escape_and_unescape(cell, escaped):
    assert escape_formula(cell) == escaped
    assert unescape_formula(escaped) == cell
    assert unescape_formula("'X=1") == "'X=1"


def test_escape_text_columns_only_touches_text_and_never_the_callers_frame():
    frame = pd.DataFrame(
        {
            "n": [1.0, -2.0],
            "mixed": pd.Series([1.5, "=x"], dtype=object),
            "text": pd.array(["'=y", "ok"], dtype="string"),
            "cat": pd.Categorical(["@a", "b"]),
        }
    )
    out = escape_text_columns(frame)
    assert out["n"].tolist() == [1.0, -2.0]
    assert out["mixed"].tolist() == [1.5, "'=x"]
    assert out["text"].tolist() == ["''=y", "ok"]
    assert out["cat"].tolist() == ["'@a", "b"]
    assert frame["mixed"].tolist() == [1.5, "=x"] and frame["text"].tolist() == ["'=y", "ok"]
    clean = pd.DataFrame({"t": ["a", "b"]})
    assert escape_text_columns(clean) is clean
