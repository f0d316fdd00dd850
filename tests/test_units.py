import pandas as pd
import pytest

from probstats.dataset.units import UnitIndex, normalise_name
from probstats.errors import UnknownUnitError

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


@pytest.mark.parametrize(
    ("name", "key"),
    [("Ynys Môn", "ynys mon"), ("Łódź Region", "odz"), ("Café PDU", "cafe")],
)
def test_normalise_drops_accents_and_letters_without_an_ascii_form(name, key):
    assert normalise_name(name) == key


def test_units_without_an_aliases_column_resolve_by_name():
    index = UnitIndex(UNITS.drop(columns="aliases"))
    assert index.resolve("Lambeth PDU", "PDU") == "pdu-lambeth"


def test_unknown_unit_message_with_several_or_no_suggestions():
    many = pd.DataFrame(
        {
            "unit_id": [f"pdu-{c}" for c in "abcde"],
            "unit_type": ["PDU"] * 5,
            "name": ["Northa", "Northb", "Northc", "Northd", "Southern"],
        }
    )
    with pytest.raises(UnknownUnitError) as info:
        UnitIndex(many).resolve("North", "PDU")
    assert str(info.value) == (
        "unknown PDU 'North': not a name or alias in units.csv; "
        "did you mean 'northd', 'northc', 'northb'?"
    )
    with pytest.raises(UnknownUnitError) as info:
        UnitIndex(many).resolve("Zzzz", "PDU")
    assert str(info.value) == "unknown PDU 'Zzzz': not a name or alias in units.csv"


def test_a_unit_with_aliases_still_resolves_by_its_canonical_name():
    units = pd.DataFrame(
        {"unit_id": ["pdu-a"], "unit_type": ["PDU"], "name": ["Avon"], "aliases": ["Avon Vale"]}
    )
    index = UnitIndex(units)
    assert index.resolve("Avon", "PDU") == index.resolve("Avon Vale PDU", "PDU") == "pdu-a"
