"""Report sections: which part of a report each offset lies in.

Inspection reports (PDF 2018-2023, HTML pages from 2024) have a foreword, a
summary with the ratings table, the organisational-delivery domain (whose
"staff" standard states vacancies, caseloads and sickness), case supervision,
recommendations and annexes. Headings are recognised by their wording, so a
figure can carry the section it was read from.
"""

from __future__ import annotations

import bisect
import re

#: Section codes, in the order reports usually have them.
SECTIONS: tuple[str, ...] = (
    "headline",
    "foreword",
    "summary",
    "ratings",
    "organisational_delivery",
    "staffing",
    "case_supervision",
    "recommendations",
    "notes",
    "methodology",
)
_HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    (code, re.compile(p, re.IGNORECASE))
    for code, p in (
        ("foreword", r"^(?:chief inspector'?s? )?foreword$"),
        ("ratings", r"^(?:(?:overall )?ratings?(?: table)?|the ratings|ratings? summary)$"),
        ("summary", r"^(?:executive )?summary$|^overall findings$|^key findings$|^introduction$"),
        ("staffing", r"^(?:\d\.\d\.? )?(?:staff|staffing|workforce)(?: and workload)?$"),
        ("organisational_delivery", r"^(?:domain (?:one|1):? )?organisational delivery$"),
        ("organisational_delivery", r"^(?:\d\.\d\.? )?(?:leadership|services|information and facilities)$"),
        ("case_supervision", r"^(?:domain (?:two|three|2|3):? )?(?:case supervision|court work|unpaid work|statutory victim work)$"),
        ("case_supervision", r"^(?:\d\.\d\.? )?(?:assessment|planning|implementation and delivery|reviewing)$"),
        ("recommendations", r"^(?:our |key )?recommendations$"),
        ("notes", r"^notes? (?:to|for) editors?:?$"),
        ("methodology", r"^(?:annexe?|appendix)\b|^(?:inspection )?methodology$|^glossary$"),
    )
]  # fmt: skip
_HEADING_LINE = re.compile(r"^[ ]{0,20}(?P<h>[^\n]{2,70}?)[ ]{0,20}$", re.MULTILINE)


def classify_heading(line: str) -> str | None:
    """Section code of a heading's wording, or ``None``.

    Examples
    --------
    >>> from probstats.extract.sections import classify_heading
    >>> classify_heading("Organisational delivery"), classify_heading("1.2 Staff")
    ('organisational_delivery', 'staffing')
    >>> classify_heading("The vacancy rate was high.") is None
    True
    """
    key = " ".join(line.strip().strip(":").split())
    for code, pat in _HEADINGS:
        if pat.search(key):
            return code
    return None


class SectionMap:
    """Offsets where sections start; :meth:`at` names the section of an offset.

    Examples
    --------
    >>> from probstats.extract.sections import SectionMap
    >>> t = "Foreword\\nWe visited.\\n\\nStaff\\nVacancies were 10%."
    >>> m = SectionMap.from_text(t)
    >>> m.at(t.index("We")), m.at(t.index("Vacancies"))
    ('foreword', 'staffing')
    """

    def __init__(self, marks: list[tuple[int, str]] | None = None) -> None:
        marks = sorted(marks or [])
        self._starts = [m[0] for m in marks]
        self._codes = [m[1] for m in marks]

    @classmethod
    def from_text(cls, text: str, extra: list[tuple[int, str]] | None = None) -> SectionMap:
        """Sections from heading-like lines of ``text`` (plus known heading offsets)."""
        marks = list(extra or [])
        for m in _HEADING_LINE.finditer(text):
            code = classify_heading(m.group("h"))
            if code is not None:
                marks.append((m.start("h"), code))
        return cls(marks)

    def at(self, pos: int) -> str:
        """Section code at ``pos`` ("" before the first recognised heading)."""
        i = bisect.bisect_right(self._starts, pos) - 1
        return self._codes[i] if i >= 0 else ""
