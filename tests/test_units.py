import pandas as pd
import pytest

from probstats.errors import UnknownUnitError
from probstats.units import UnitIndex, normalise_name

UNITS = pd.DataFrame(
    {
        "unit_id": ["pdu-hfkcw", "pdu-lambeth", "crc-london"],
        "unit_type": ["PDU", "PDU", "CRC"],
        "name": [
            "Hammersmith, Fulham, Kensington, Chelsea and Westminster",
            "Lambeth",
            "London CRC",
        ],
        "aliases": ["Hammersmith, Fulham, Kensington, Chelsea & Westminster PDU ; HFKCW", "", ""],
    }
)


@pytest.mark.parametrize(
    "written",
    [
        "Hammersmith, Fulham, Kensington, Chelsea & Westminster",
        "hammersmith fulham kensington chelsea and westminster probation delivery unit",
        "HFKCW",
    ],
)
def test_aliases_resolve_to_one_id(written):
    assert UnitIndex(UNITS).resolve(written, "PDU") == "pdu-hfkcw"


def test_unit_type_is_part_of_the_key():
    with pytest.raises(UnknownUnitError):
        UnitIndex(UNITS).resolve("London CRC", "PDU")
    assert UnitIndex(UNITS).resolve("London CRC", "CRC") == "crc-london"


def test_unknown_unit_suggests_close_names():
    with pytest.raises(UnknownUnitError, match="unknown PDU 'Lambith'.*did you mean 'lambeth'"):
        UnitIndex(UNITS).resolve("Lambith", "PDU")


def test_alias_naming_two_units_is_refused():
    bad = pd.concat(
        [
            UNITS,
            pd.DataFrame(
                {
                    "unit_id": ["pdu-x"],
                    "unit_type": ["PDU"],
                    "name": ["X"],
                    "aliases": ["Lambeth PDU"],
                }
            ),
        ]
    )
    with pytest.raises(UnknownUnitError, match="ambiguous"):
        UnitIndex(bad)


def test_normalise_folds_punctuation_and_suffixes():
    assert normalise_name("West Kent PDU") == normalise_name("west  kent")
    assert normalise_name("Brighton & East Sussex") == "brighton and east sussex"
