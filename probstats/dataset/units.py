"""Canonical units (PDUs, regions, CRCs, NPS divisions) and alias resolution.

Sources write the same unit in several ways ("Hammersmith, Fulham, Kensington,
Chelsea & Westminster PDU", "... and Westminster Probation Delivery Unit").
Names are compared after normalisation; anything still unmatched is an error
with suggestions, never a silently new unit.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import pandas as pd

from probstats.errors import UnknownUnitError

_SUFFIXES = re.compile(
    r"\b(probation delivery unit|pdu|probation service|probation services|region)\b"
)


def normalise_name(name: str) -> str:
    """Key used to compare unit names: case, accents, '&', punctuation and suffixes folded.

    Examples
    --------
    >>> from probstats.dataset.units import normalise_name
    >>> normalise_name("Hammersmith, Fulham, Kensington, Chelsea & Westminster PDU")
    'hammersmith fulham kensington chelsea and westminster'
    >>> normalise_name("Leicester, Leicestershire and Rutland") == normalise_name(
    ...     "Leicester Leicestershire & Rutland Probation Delivery Unit")
    True
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = _SUFFIXES.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


class UnitIndex:
    """Look-up from (unit type, any known name) to the canonical ``unit_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.dataset.units import UnitIndex
    >>> units = pd.DataFrame({"unit_id": ["pdu-west-kent"], "unit_type": ["PDU"],
    ...     "name": ["West Kent"], "aliases": ["West Kent PDU ; Kent West"]})
    >>> UnitIndex(units).resolve("west kent probation delivery unit", "PDU")
    'pdu-west-kent'
    """

    def __init__(self, units: pd.DataFrame) -> None:
        self._index: dict[tuple[str, str], str] = {}
        for row in units.itertuples(index=False):
            names = [row.name]
            aliases = getattr(row, "aliases", None)
            if isinstance(aliases, str) and aliases.strip():
                names += [a.strip() for a in aliases.split(";") if a.strip()]
            for n in names:
                key = (row.unit_type, normalise_name(n))
                other = self._index.get(key)
                if other is not None and other != row.unit_id:
                    raise UnknownUnitError(
                        f"name {n!r} is ambiguous: it names both {other} and {row.unit_id}"
                    )
                self._index[key] = row.unit_id

    def resolve(self, name: str, unit_type: str) -> str:
        """Return the unit id for a name; raise :class:`UnknownUnitError` if unknown."""
        key = (unit_type, normalise_name(name))
        try:
            return self._index[key]
        except KeyError:
            same_type = [n for (t, n) in self._index if t == unit_type]
            close = difflib.get_close_matches(key[1], same_type, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise UnknownUnitError(
                f"unknown {unit_type} {name!r}: not a name or alias in units.csv{hint}"
            ) from None
