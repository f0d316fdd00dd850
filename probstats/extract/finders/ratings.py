"""Overall, previous and standard ratings.

A rating word counts only when it is quoted, follows a rating verb ("rated",
"rating of", "judged"), or ends a table row ("1.1 Leadership | Good"). Each
mention is then classified by its neighbourhood in a fixed window:
previous ("previously rated"), kept ("kept its 'Good' rating": both current
and previous), from/to ("from 'Inadequate' to 'Good'"), a standard ("Leadership
was rated 'Good'"), or overall. Sentences naming three or more different
ratings list the scale and are ignored.
"""

from __future__ import annotations

import re

from probstats.extract._deps import parse_rating
from probstats.extract.finders.context import Doc, Found, trigger

RATING_WORDS = r"outstanding|good|requir(?:es?|ing|ed)[ ]+improvements?|inadequate"
_I = re.IGNORECASE
RATING_MENTION = re.compile(
    rf"(?P<q>['\"])(?P<r1>{RATING_WORDS})['\"]"
    rf"|\b(?:rated|rating(?:[ ]+(?:of|was|is))?:?|graded|judged(?:[ ]+to[ ]+be)?|assessed[ ]+as"
    rf"|remains?|kept|retained)[ ]+(?:as[ ]+)?(?:being[ ]+)?(?P<r2>{RATING_WORDS})\b"
    rf"|\|[ ]{{0,3}}(?P<r3>{RATING_WORDS})\b",
    _I,
)
PREVIOUS_CONTEXT = re.compile(
    r"\bprevious(?:ly)?\b|\bprior[ ]+(?:inspection|rating|visit)|\blast[ ]+(?:inspect\w*|rated)\b"
    r"|\bearlier[ ]+inspection|\bthat[ ]+inspection\b|\bformerly[ ]+rated\b|\bwas[ ]+last\b"
    r"|\blast[ ]+time\b|\bin[ ]+its[ ]+last\b",
    _I,
)
PREVIOUS_TRIGGER = trigger("previous", "prior", "last", "earlier", "that inspection", "formerly")
_RATING_TRIGGER = trigger(
    "outstanding", "good", "requir", "inadequate", "lowest", "highest", "bottom"
)
_KEPT = re.compile(
    r"\b(?:kept|keeps|retained|retains|maintained|maintains|held[ ]+on[ ]+to|remains?|stays?)"
    r"(?:[ ]+(?:its|their|the))?[ ]{0,2}['\"]?$",
    _I,
)
_OVERALL = re.compile(r"\boverall\b", _I)
UNIT_CUE = re.compile(
    r"\bPDUs?\b|probation[ ]+delivery[ ]+units?|\bregions?\b|\bregional\b|\bCRCs?\b|community[ ]+"
    r"rehabilitation[ ]+compan|\bdivisions?\b|\bNPS\b|probation[ ]+services?\b|\bservice\b",
    _I,
)
FROM_TO = re.compile(
    rf"\bfrom[ ]+['\"]?(?:{RATING_WORDS})['\"]?[ ]+(?:in[ ]+\d{{4}}[ ]+)?to[ ]+['\"]?(?:{RATING_WORDS})",
    _I,
)
#: Inspection standards and domains, with the wording that names them.
DOMAINS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(p, _I))
    for name, p in (
        ("Statutory victim work", r"\b(?:statutory[ ]+)?victim[ ]+work\b|\bwork[ ]+(?:with|to[ ]+support)[ ]+victims\b|\bvictim[ ]+contact[ ]+scheme\b"),
        ("Court work", r"\bcourt[ ]+work\b|\bwork[ ]+(?:at|in)[ ]+court\b"),
        ("Unpaid work", r"\bunpaid[ ]+work\b|\bcommunity[ ]+payback\b"),
        ("Implementation and delivery", r"\bimplementation,?[ ]+and[ ]+delivery\b|\bdelivery[ ]+of[ ]+services\b"),
        ("Information and facilities", r"\binformation[ ]+and[ ]+facilities\b"),
        ("Leadership", r"\bleadership\b"),
        ("Staff", r"\bstaff(?:ing)?\b"),
        ("Services", r"(?<!probation )\bservices\b"),
        ("Assessment", r"\bassessment\b"),
        ("Planning", r"\bplanning\b"),
        ("Reviewing", r"\breviewing\b"),
        ("Case supervision", r"\bcase[ ]+supervision\b"),
        ("Organisational delivery", r"\borganisational[ ]+delivery\b"),
    )
]  # fmt: skip
_STANDARD_CODE = re.compile(r"\b([1-4]\.[1-9])[ ]{0,3}$")
#: Between a domain and its rating only these words may stand ("Leadership was rated 'Good'").
_LINK = re.compile(
    r"[ ,'\"|:]*(?:(?:work|was|were|is|are|has|have|been|also|rated|judged|graded|assessed|as|to|"
    r"be|being|the|its|their|a|an|given|received|rating|of|domain|standard)[ ,'\"|:]*){0,6}",
    _I,
)
_FOR_DOMAIN = re.compile(
    r"['\"]?[ ]{0,2}(?:overall[ ]+)?(?:rating[ ]+)?(?:as[ ]+well[ ]+as[ ]+|and[ ]+)?(?:for|in)[ ]+(?:its[ ]+|the[ ]+|their[ ]+)?",
    _I,
)
_NAMEISH = re.compile(r"\b[A-Z]|\b[Dd]ivision\b|[Pp]robation[ ]+(?:service|delivery)")
#: Longest stretch of free words allowed between a domain and its rating.
LINK_WINDOW = 60


def _links(between: str) -> bool:
    """True when the words between a domain and a rating tie them ("was strong and rated").

    Rating words alone always tie; other wording must be short and name no unit
    (so a headline "Leadership praised as Brookfield PDU rated 'Good'" is the unit's rating).
    """
    if _LINK.fullmatch(between):
        return True
    if len(between) > LINK_WINDOW:
        return False
    return _NAMEISH.search(between.replace("'", " ")) is None


#: Characters read before / after a rating for its cues (the longest cue phrase is ~60).
PRE_WINDOW, POST_WINDOW = 120, 80


def canonical_rating(label: str) -> str | None:
    """Canonical rating of matched wording ("requiring improvement" -> "Requires improvement").

    Examples
    --------
    >>> from probstats.extract.finders.ratings import canonical_rating
    >>> canonical_rating("requiring  improvement"), canonical_rating("GOOD")
    ('Requires improvement', 'Good')
    """
    key = " ".join(label.lower().split())
    if key.startswith("requir"):
        return "Requires improvement"
    try:
        return parse_rating(key)
    except Exception:  # pragma: no cover - the pattern admits only the four labels
        return None


def _domain_hits(text: str) -> list[tuple[int, int, str]]:
    hits = []
    for name, pat in DOMAINS:
        hits += [(m.start(), m.end(), name) for m in pat.finditer(text)]
    hits.sort()
    out: list[tuple[int, int, str]] = []
    for h in hits:  # "implementation and delivery" also holds "delivery": keep the longer
        if out and h[0] < out[-1][1]:
            if h[1] - h[0] > out[-1][1] - out[-1][0]:
                out[-1] = h
            continue
        out.append(h)
    return out


_LIST_GAP = re.compile(r"[ ]*(?:,[ ]*)?(?:and[ ]+|&[ ]+)?(?:the[ ]+)?")


_ALL_FOUR = re.compile(r"\ball[ ]+(?:four|4)[ ]+aspects\b(?:[ ]+of[ ]+case[ ]+supervision)?", _I)
CASE_SUPERVISION = ("Assessment", "Planning", "Implementation and delivery", "Reviewing")


def _domain_before(pre: str) -> list[tuple[str, str]]:
    """Domains named right before a rating ("Assessment, planning and reviewing were all rated")."""
    four = _ALL_FOUR.search(pre)
    if four and _links(pre[four.end() :]):  # "all four aspects of case supervision were rated"
        return [(n, "") for n in CASE_SUPERVISION]
    hits = _domain_hits(pre)
    if not hits or not _links(pre[hits[-1][1] :]):
        return []
    chain = [hits[-1]]
    for h in reversed(hits[:-1]):
        if not _LIST_GAP.fullmatch(pre, h[1], chain[-1][0]):
            break
        chain.append(h)
    code = _STANDARD_CODE.search(pre, 0, chain[0][0])
    return [(n, code.group(1) if code and len(chain) == 1 else "") for _, _, n in reversed(chain)]


def _domain_after(post: str) -> list[tuple[str, str]]:
    m = _FOR_DOMAIN.match(post)
    if not m:
        return []
    hits = [h for h in _domain_hits(post[m.end() : m.end() + 160])]
    if not hits or hits[0][0] != 0:
        return []
    chain = [hits[0]]
    for h in hits[1:]:
        if not _LIST_GAP.fullmatch(post, m.end() + chain[-1][1], m.end() + h[0]):
            break
        chain.append(h)
    return [(n, "") for _, _, n in chain]


#: A rating given by its rank on the four-point scale.
RANK_PHRASE = re.compile(
    r"\b(?:the[ ]+|its[ ]+)?(?P<rank>lowest|bottom|worst|second[- ]lowest|second[- ]highest|highest|top)"
    r"[ ]+(?:possible[ ]+|available[ ]+)?(?:rating|grade|ranking|level|mark)(?:[ ]+possible|[ ]+available)?"
    r"|\bat[ ]+the[ ]+bottom[ ]+level\b",
    _I,
)
_RANKS = {"lowest": "Inadequate", "bottom": "Inadequate", "worst": "Inadequate",
          "second-lowest": "Requires improvement", "second lowest": "Requires improvement",
          "second-highest": "Good", "second highest": "Good", "highest": "Outstanding", "top": "Outstanding"}  # fmt: skip
#: "rating half of them as 'Good'", "'Good' in six out of seven categories": counts of aspects.
_COUNTED_BEFORE = re.compile(
    r"\b(?:half|some|most|all|none|several|both|\d+|two|three|four|five|six|seven|eight|nine|ten)"
    r"(?:[ ]+of[ ]+(?:them|these|those|its|their|the)\b[\w ]{0,25})?[ ]+(?:as|were|was|being)[ ]*['\"]?$",
    _I,
)
_COUNTED_AFTER = re.compile(
    r"['\"]?[ ]*(?:in|for|across)[ ]+(?:\w+[ ]+){0,2}(?:out[ ]+of[ ]+\w+[ ]+)?(?:categories|areas|aspects|standards|domains)\b",
    _I,
)
_CURRENT = re.compile(
    r"\b(?:now|this[ ]+(?:time|inspection|year)|latest|has[ ]+(?:now[ ]+)?(?:been|received))\b", _I
)


_CLAUSE_END = re.compile(r";|,[ ]*(?:but|while|whereas)\b|[ ]but[ ]", _I)


def _is_previous(pre: str, post: str) -> bool:
    """A previous-inspection cue before the rating (not followed by a "now") or right after."""
    last_prev = None
    for m in PREVIOUS_CONTEXT.finditer(pre):
        last_prev = m
    if last_prev is not None:
        cur = _CURRENT.search(pre, last_prev.end())
        if cur is None:
            return True
    clause = _CLAUSE_END.split(post[:60], maxsplit=1)[0]  # "... this time; last time it was"
    return PREVIOUS_CONTEXT.search(clause) is not None


def find_ratings(doc: Doc) -> list[Found]:
    """Every rating mention, classified as overall, previous, kept or standard."""
    out: list[Found] = []
    w = doc.work
    for s in doc.sentences_with(_RATING_TRIGGER):
        si = doc.index(s.start)
        ms = [
            (canonical_rating(m.group(g)), m.start(g), m.end(g))
            for m in RATING_MENTION.finditer(w, s.start, s.end)
            for g in ("r1", "r2", "r3")
            if m.group(g)
        ]
        if not ms:
            ms = [(_RANKS.get((r.group("rank") or "bottom").lower(), "Inadequate"), r.start(), r.end())
                  for r in RANK_PHRASE.finditer(w, s.start, s.end)][:1]  # fmt: skip
        if not ms or len({r for r, _, _ in ms}) >= 3:
            continue  # no rating, or the four-point scale listed
        from_to = FROM_TO.search(w, s.start, s.end)
        for i, (rating, a, b) in enumerate(ms):
            lo = max(ms[i - 1][2] if i else s.start, a - PRE_WINDOW)
            hi = min(ms[i + 1][1] if i + 1 < len(ms) else s.end, b + POST_WINDOW)
            out.extend(_classify(doc, si, rating, a, b, lo, hi, from_to, i))
    return out


def _classify(doc, si, rating, a, b, lo, hi, from_to, i) -> list[Found]:  # noqa: PLR0913
    del i
    w = doc.work
    pre, post = w[lo:a], w[b:hi]
    ev = doc.evidence(a, b)
    if from_to and from_to.start() <= a < from_to.end():
        to = w.find(" to ", from_to.start(), from_to.end())
        kind = "previous_rating" if a < to else "overall_rating"
        return [Found(kind, rating, ev, a, 0.9)]
    if _COUNTED_BEFORE.search(pre[-60:]) or _COUNTED_AFTER.match(post):
        return []
    if _is_previous(pre, post):
        return [Found("previous_rating", rating, ev, a, 0.9)]
    if _KEPT.search(pre) and re.match(r"['\"]?[ ]{0,2}rating", post) and not _domain_after(post):
        return [
            Found("overall_rating", rating, ev, a, 0.9),
            Found("previous_rating", rating, ev, a, 0.9, note="kept"),
        ]
    before = _domain_before(pre)
    s_end = doc.sents[si].end
    after = _domain_after(w[b : min(s_end, b + 200)].lstrip("'\" "))
    overall = _OVERALL.search(pre[-80:]) or re.match(r"['\"]?[ ]{0,2}overall", post)
    if (before or after) and not overall:
        return [Found("standard", d, ev, a, 0.9) for d in before or after]
    if overall:
        extra = [Found("standard", d, ev, a, 0.85) for d in after]
        return [Found("overall_rating", rating, ev, a, 0.95), *extra]
    s = doc.sents[si]
    if UNIT_CUE.search(w, s.start, s.end) or si == 0 or doc.mentions_in(s.start, s.end):
        return [Found("overall_rating", rating, ev, a, 0.8)]
    return []
