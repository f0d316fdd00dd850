import pandas as pd
import pytest

from probstats.dataset.ratings import RATINGS, parse_rating, rating_score, to_rating
from probstats.errors import UnknownRatingError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inadequate", "Inadequate"),
        ("‘Requires improvement’", "Requires improvement"),
        ("“GOOD”", "Good"),
        ("'outstanding'", "Outstanding"),
        ("requires-improvement", "Requires improvement"),
        ("RI", "Requires improvement"),
        ("  inadequate. ", "Inadequate"),
    ],
)
def test_tolerant_input(text, expected):
    assert parse_rating(text) == expected


@pytest.mark.parametrize("missing", [None, "", "   ", float("nan"), pd.NA])
def test_missing_means_not_rated(missing):
    assert parse_rating(missing) is None


@pytest.mark.parametrize("bad", ["Excellent", "Satisfactory", "Requires", "Good-ish"])
def test_unknown_label_is_refused_with_allowed_values(bad):
    with pytest.raises(
        UnknownRatingError,
        match="allowed values are Inadequate, Requires improvement, Good, Outstanding",
    ):
        parse_rating(bad)


def test_order_is_worst_to_best_and_strict_output():
    cat = to_rating(["good", "Outstanding", "inadequate", "RI"])
    assert list(cat.categories) == list(RATINGS)
    assert cat.ordered
    assert list(cat) == ["Good", "Outstanding", "Inadequate", "Requires improvement"]
    assert cat.min() == "Inadequate" and cat.max() == "Outstanding"


def test_rating_score_maps_1_to_4_and_keeps_missing():
    scores = rating_score(["Inadequate", "Requires improvement", None, "Good", "Outstanding"])
    assert scores.tolist() == [1, 2, pd.NA, 3, 4]


def test_rating_score_keeps_the_series_index():
    s = pd.Series(["Good", "Inadequate"], index=[10, 3])
    scores = rating_score(s)
    assert scores.index.tolist() == [10, 3]
    frame = pd.DataFrame({"r": s})
    frame["score"] = rating_score(frame["r"])
    assert frame.loc[3, "score"] == 1 and frame.loc[10, "score"] == 3


@pytest.mark.parametrize("bad", [3.0, 2, True])
def test_a_number_is_not_a_rating(bad):
    with pytest.raises(UnknownRatingError, match=f"rating must be text, got {bad!r}"):
        parse_rating(bad)


def test_the_refusal_names_the_documented_abbreviations():
    with pytest.raises(UnknownRatingError) as info:
        parse_rating("Satisfactory")
    assert str(info.value).endswith(
        "(case, quotes and the abbreviations RI, Req imp and Inad are tolerated)"
    )
