import datetime as dt

import pytest

from probstats.dataset.dates import parse_partial_date
from probstats.errors import PartialDateError


def test_precisions_and_period_ends():
    d = parse_partial_date("2024-03-21")
    assert (d.start, d.precision, d.end) == (dt.date(2024, 3, 21), "day", dt.date(2024, 3, 21))
    m = parse_partial_date("2024-02")
    assert (m.start, m.precision, m.end) == (dt.date(2024, 2, 1), "month", dt.date(2024, 2, 29))
    dec = parse_partial_date("2023-12")
    assert dec.end == dt.date(2023, 12, 31)
    y = parse_partial_date("2022")
    assert (y.start, y.precision, y.end) == (dt.date(2022, 1, 1), "year", dt.date(2022, 12, 31))


@pytest.mark.parametrize(
    "bad", ["21/03/2024", "March 2024", "2024-13", "2024-02-30", "24-03-21", ""]
)
def test_malformed_dates_are_refused(bad):
    with pytest.raises(PartialDateError, match="date"):
        parse_partial_date(bad)


@pytest.mark.parametrize("bad", [2024, None, 2024.0])
def test_a_date_that_is_not_text_is_refused_by_name(bad):
    with pytest.raises(PartialDateError, match="malformed date"):
        parse_partial_date(bad)
