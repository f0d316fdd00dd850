"""Number of recommendations and the score (pre-2021 "scored 15 out of 27").

The count is read from "makes N recommendations"; a report with no such
sentence gets the length of the numbered list under its "Recommendations"
heading (read for at most :data:`LIST_WINDOW` characters).
"""

from __future__ import annotations

import re

from probstats.extract.finders.context import Doc, Found, trigger
from probstats.extract.finders.ratings import PREVIOUS_CONTEXT
from probstats.extract.numerals import NUMBER, as_int, parse_number

_I = re.IGNORECASE
_RECS = re.compile(
    rf"\b(?P<n>{NUMBER})[ ]+(?:(?:key|new|further|main|specific|formal|priority)[ ]+)?recommendations?\b",
    _I,
)
_PROGRESS = re.compile(r"\bof[ ]+(?:the|its|their)[ ]*$", _I)
_REC_HEADING = re.compile(
    r"^[ ]{0,20}(?:our[ ]+|key[ ]+)?recommendations:?[ ]{0,20}$", _I | re.MULTILINE
)
_REC_ITEM = re.compile(
    r"^[ ]{0,20}(\d{1,2})[.)][ ]+(?![^\n]{0,80}\.{4})\S", re.MULTILINE
)  # not a contents line
#: Characters read after a "Recommendations" heading for its numbered list.
LIST_WINDOW = 20000
_SCORE = re.compile(
    rf"\bscored?[ ]+(?:of[ ]+)?(?:just[ ]+|only[ ]+)?(?P<a>{NUMBER})[ ]+(?:points?[ ]+)?"
    rf"(?:out[ ]+of|from)[ ]+(?:a[ ]+(?:possible|total[ ]+of|maximum[ ]+of)[ ]+)?(?:a[ ]+possible[ ]+)?"
    rf"(?P<b>{NUMBER})",
    _I,
)


def find_recommendations(doc: Doc) -> list[Found]:
    """Stated numbers of recommendations; else the numbered list's length."""
    w = doc.work
    out = []
    for s in doc.sentences_with(trigger("recommendation")):
        for m in _RECS.finditer(w, s.start, s.end):
            if _PROGRESS.search(w, max(s.start, m.start() - 12), m.start()):
                continue  # "two of the five recommendations" is about progress
            n = as_int(parse_number(m.group("n")))
            if n is not None:
                ctx = "previous" if PREVIOUS_CONTEXT.search(w, s.start, s.end) else ""
                out.append(
                    Found(
                        "n_recommendations",
                        n,
                        doc.evidence(m.start(), m.end()),
                        m.start(),
                        0.9,
                        ctx,
                    )
                )
    if out:
        return out
    head = _REC_HEADING.search(w, doc.seg.start, doc.seg.end)
    if head is None:
        return []
    expected, last_end = 1, None
    for item in _REC_ITEM.finditer(w, head.end(), min(doc.seg.end, head.end() + LIST_WINDOW)):
        k = int(item.group(1))
        if k == expected:
            expected, last_end = expected + 1, item.end()
        elif k > expected:
            break
    if expected > 1 and last_end is not None:
        ev = doc.evidence(head.start(), last_end)
        return [
            Found(
                "n_recommendations",
                expected - 1,
                ev,
                head.start(),
                0.8,
                note="counted from the numbered list",
            )
        ]
    return []


def find_score(doc: Doc) -> list[Found]:
    """ "scored 15 out of a possible 27" (2018-2021 ratings)."""
    w = doc.work
    for s in doc.sentences_with(trigger("score")):
        m = _SCORE.search(w, s.start, s.end)
        if m is None:
            continue
        a, b = as_int(parse_number(m.group("a"))), as_int(parse_number(m.group("b")))
        if a is None or b is None or a > b:
            continue
        ctx = "previous" if PREVIOUS_CONTEXT.search(w, s.start, s.end) else ""
        return [Found("score", (a, b), doc.evidence(m.start(), m.end()), m.start(), 0.9, ctx)]
    return []
