"""The document a finder reads, and the values it returns.

:class:`Doc` holds the reference text, the working text (normalised, with
boilerplate masked), the sentences, paragraphs, pages and sections, and the
unit mentions; :meth:`Doc.owner` says which unit a position belongs to by its
grammatical neighbourhood. Every window used here has a fixed size, stated
where it is defined.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from probstats.extract.numerals import NUMBER_RE
from probstats.extract.readers import Source
from probstats.extract.records import Evidence
from probstats.extract.text import ASCII_LOWER, Segment, Sentence

#: Words before a unit mention that make it the object of a preposition
#: ("in the Kent, Surrey and Sussex region") rather than the clause's subject.
_OBLIQUE = re.compile(
    r"(?:\b(?:in|within|of|across|for|from|to|at|by|with|than|throughout|covering|including)"
    r"(?:\s+the)?|'s)\s{0,3}$",
    re.IGNORECASE,
)
#: Characters read before a mention to decide whether it is oblique.
OBLIQUE_WINDOW = 24
_CLAUSE_BREAK = re.compile(
    r";|,\s(?:but|while|whilst|whereas|although|compared)\b|\bunlike\b", re.I
)


@dataclass
class UnitMention:
    """One mention of a unit: ``key`` is (unit type, normalised name)."""

    key: tuple[str, str]
    unit_type: str
    name: str
    start: int
    end: int
    oblique: bool = False
    sibling: bool = False
    form: str = ""


@dataclass
class Found:
    """A value a finder read, before it is given to a unit.

    ``pos`` is where its owner is looked for (usually the start of the value);
    ``confidence`` is the finder's own certainty about the reading, which
    attachment lowers when the owner is unclear. ``context`` is "" or
    "previous" (stated for an earlier inspection) or "pooled".
    """

    field: str
    value: Any
    evidence: Evidence
    pos: int
    confidence: float = 0.9
    context: str = ""
    note: str = ""
    owner: tuple[str, str] | None = None
    how: str = ""


@dataclass
class Doc:
    """One document of a file, ready for the finders."""

    source: Source
    work: str
    seg: Segment
    sents: list[Sentence]
    paragraph: list[int] = field(default_factory=list)
    mentions: list[UnitMention] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.low = self.work.translate(ASCII_LOWER)
        self._numbers: list[re.Match[str]] | None = None
        self._previous: set[int] | None = None
        self._nstarts: list[int] = []
        self._starts = [s.start for s in self.sents]
        if not self.paragraph:
            self.paragraph = _paragraphs(self.work, self.sents)
        self.set_mentions(self.mentions)

    @property
    def text(self) -> str:
        return self.source.text

    def set_mentions(self, mentions: list[UnitMention]) -> None:
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self._mstarts = [m.start for m in self.mentions]

    def sentences_with(self, trigger: re.Pattern[str]) -> list[Sentence]:
        """Sentences holding a match of ``trigger`` (a lower-case pattern run on :attr:`low`).

        One scan of the document, not one per sentence; triggers are plain
        lower-case alternations so that the regex engine can skip ahead by
        their first characters.
        """
        out: list[Sentence] = []
        last = -1
        for m in trigger.finditer(self.low, self.seg.start, self.seg.end):
            i = self.index(m.start())
            if i > last and i >= 0 and m.start() < self.sents[i].end:
                out.append(self.sents[i])
                last = i
        return out

    def numbers(self) -> list[re.Match[str]]:
        """Every number of the document (digits or words), found in one scan and cached."""
        if self._numbers is None:
            out: list[re.Match[str]] = []
            pos = self.seg.start
            for fast in (_DIGIT, _WORD_NUM):
                pos = self.seg.start
                for m in fast.finditer(self.low, self.seg.start, self.seg.end):
                    if m.start() < pos:
                        continue
                    x = NUMBER_RE.match(self.work, m.start(), self.seg.end)
                    if x is not None:
                        out.append(x)
                        pos = x.end()
            out.sort(key=lambda x: x.start())
            self._numbers = out
        return self._numbers

    def numbers_in(self, s: Sentence) -> list[re.Match[str]]:
        nums = self.numbers()
        if len(self._nstarts) != len(nums):
            self._nstarts = [x.start() for x in nums]
        i = bisect.bisect_left(self._nstarts, s.start)
        out = []
        for x in nums[i:]:
            if x.start() >= s.end:
                break
            if x.end() <= s.end:
                out.append(x)
        return out

    def is_previous(self, s: Sentence, cue: re.Pattern[str], trig: re.Pattern[str]) -> bool:
        """True when the sentence speaks of an earlier inspection (cached per document)."""
        if self._previous is None:
            self._previous = {
                x.start for x in self.sentences_with(trig) if cue.search(self.work, x.start, x.end)
            }
        return s.start in self._previous

    def index(self, pos: int) -> int:
        """Index of the sentence holding ``pos`` (-1 before the first)."""
        return bisect.bisect_right(self._starts, pos) - 1

    def sentence(self, pos: int) -> Sentence:
        i = self.index(pos)
        return self.sents[i] if i >= 0 else Sentence(self.seg.start, self.seg.start)

    def evidence(self, start: int, end: int) -> Evidence:
        s = self.sentence(start)
        return Evidence(
            start,
            end,
            self.text[start:end],
            s.start,
            max(s.end, min(end, self.seg.end)),
            page=self.source.page_at(start),
            section=self.source.sections.at(start)
            or ("headline" if self.index(start) == 0 else ""),
        )

    def mentions_in(self, a: int, b: int) -> list[UnitMention]:
        i = bisect.bisect_left(self._mstarts, a)
        j = bisect.bisect_left(self._mstarts, b)
        return self.mentions[i:j]

    def clause_start(self, s: Sentence, pos: int) -> int:
        """Start of the clause holding ``pos`` (read back at most CLAUSE_WINDOW characters)."""
        lo = max(s.start, pos - CLAUSE_WINDOW)
        last = None
        for m in _CLAUSE_BREAK.finditer(self.work, lo, pos):
            last = m
        return last.end() if last else s.start

    def owner(self, pos: int) -> tuple[UnitMention | None, str]:
        """The unit a position belongs to, and how it was decided.

        "clause": the nearest subject-like mention before ``pos`` in its clause;
        "sentence": a mention elsewhere in the sentence; "paragraph": the last
        subject-like mention in an earlier sentence of the same paragraph;
        "none": no unit around.
        """
        i = self.index(pos)
        if i < 0:
            return None, "none"
        s = self.sents[i]
        here = self.mentions_in(s.start, s.end)
        if not here:
            return self._paragraph_focus(i)
        c0 = self.clause_start(s, pos)
        clause = [m for m in here if c0 <= m.start < pos]
        subj = [m for m in clause if not m.oblique]
        if subj:
            return subj[-1], "clause"
        after = [m for m in here if m.start >= pos and not m.oblique]
        if after:
            return after[0], "sentence"
        earlier = [m for m in here if m.start < pos and not m.oblique]
        if earlier:
            return earlier[-1], "sentence"
        if clause:
            return clause[-1], "clause"
        return here[0], "sentence"

    def _paragraph_focus(self, i: int) -> tuple[UnitMention | None, str]:
        para = self.paragraph[i]
        for j in range(i - 1, max(-1, i - FOCUS_SENTENCES), -1):
            if self.paragraph[j] != para:
                break
            got = [m for m in self.mentions_in(self.sents[j].start, self.sents[j].end)]
            subj = [m for m in got if not m.oblique]
            if subj:
                return subj[0], "paragraph"
        return None, "none"


def trigger(*words: str) -> re.Pattern[str]:
    """A fast lower-case alternation of literal stems (see :meth:`Doc.sentences_with`).

    Examples
    --------
    >>> from probstats.extract.finders.context import trigger
    >>> trigger("vacan", "staff").pattern
    'vacan|staff'
    """
    return re.compile("|".join(re.escape(w) for w in words))


_DIGIT = re.compile(r"[0-9]")
_WORD_NUM = re.compile(
    r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty"
    r"|ninety|a hundred"
)
#: Characters read back from a value to find the start of its clause.
CLAUSE_WINDOW = 300
#: Earlier sentences of the same paragraph searched for the unit a value refers to.
FOCUS_SENTENCES = 4


def _paragraphs(work: str, sents: list[Sentence]) -> list[int]:
    out, para, prev = [], 0, None
    for s in sents:
        if prev is not None and "\n\n" in work[prev : s.start].replace(" ", ""):
            para += 1
        out.append(para)
        prev = s.end
    return out


def oblique_before(work: str, start: int) -> bool:
    """True when the words just before ``start`` make a mention prepositional.

    Examples
    --------
    >>> from probstats.extract.finders.context import oblique_before
    >>> t = "West PDU is in the Kent region"
    >>> oblique_before(t, t.index("Kent")), oblique_before(t, 0)
    (True, False)
    """
    return bool(_OBLIQUE.search(work, max(0, start - OBLIQUE_WINDOW), start))
