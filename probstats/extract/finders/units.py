"""Unit mentions, and the decision of which unit(s) a document is about.

Mentions are found from anchor words ("... PDU", "NPS ... division", "the
... division of the NPS", "the probation service (PDU) in ...", "... region").
The subject is decided once per document from every signal: the headline,
the opening sentence, the page address, how often a unit is named, and which
units own an overall rating. A document names its siblings and its region
too; those mentions still matter, because figures and ratings attached to
them are *not* the subject's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from probstats.extract._deps import REGIONS, normalise_name
from probstats.extract.finders.context import Doc, UnitMention, oblique_before
from probstats.extract.finders.names import name_after, name_before

_REGION_KEYS = {normalise_name(r): r for r in REGIONS}
_I = re.IGNORECASE
#: (unit type, anchor, text it runs on, name side, form). "PDU?" means: a PDU unless the
#: name is a region. Anchors begin with a literal so that the regex engine can skip
#: ahead; those on the lower-case text check the word boundary and the capital in code.
_ANCHORS: list[tuple[str, re.Pattern[str], str, str, str]] = [
    ("PDU", re.compile(r"(?:Probation|Prison)[ ]+(?:Delivery[ ]+)?Unit\b(?!s)"), "work", "before", "typed"),
    ("PDU", re.compile(r"PDU\b(?!s)"), "work", "before", "typed"),
    ("PDU", re.compile(r"probation[ ]+(?:service|delivery[ ]+unit)[ ]+\(pdu\)[ ]+(?:in|for|covering)[ ]+(?:the[ ]+)?"), "low", "after", "typed"),
    ("PDU", re.compile(r"PDU[ ]+(?:in|for|covering)[ ]+(?=[A-Z])"), "work", "after", "typed"),
    ("PDU?", re.compile(r"probation[ ]+service[ ]+(?:for|in)[ ]+(?:the[ ]+)?"), "low", "after", "service"),
    ("region", re.compile(r"probation[ ]+services[ ]+(?:in|for|across)[ ]+(?:the[ ]+)?"), "low", "after", "service"),
    ("CRC", re.compile(r"Community[ ]+Rehabilitation[ ]+Company\b"), "work", "before", "typed"),
    ("CRC", re.compile(r"CRC\b(?!s)"), "work", "before", "typed"),
    ("NPS division", re.compile(r"NPS[ ]+(?=[A-Z][a-z])"), "work", "after", "division"),
    ("NPS division", re.compile(r"National[ ]+Probation[ ]+Service[ ]+(?:\(NPS\)[ ]+)?(?:in[ ]+)?(?=[A-Z][a-z])"), "work", "after", "division"),
    ("NPS division", re.compile(r"division[ ]+of[ ]+the[ ]+(?:nps|national[ ]+probation[ ]+service)\b"), "low", "before", "typed"),
    ("NPS division", re.compile(r"[Tt]he[ ]+(?:NPS|National[ ]+Probation[ ]+Service)[ ]+(?:\(NPS\)[ ]+)?in[ ]+(?:the[ ]+)?(?=[A-Z])"), "work", "after", "typed"),
    ("NPS division", re.compile(r"NPS\b(?![ ]+(?:[Dd]ivision|in\b|[A-Z]))"), "work", "before", "typed"),
    ("region", re.compile(r"(?:probation[ ]+)?region\b"), "low", "before", "typed"),
]  # fmt: skip
#: The seven NPS divisions (2014-2021), by area.
NPS_AREAS = frozenset(
    {"north east", "north west", "midlands", "wales", "london", "south east and eastern",
     "south west and south central"}
)  # fmt: skip
_DIVISION_TAIL = re.compile(r"[ ]{0,3}division\b", _I)
_NATIONAL = re.compile(
    r"\b(?:the[ ]+)?(?:national[ ]+)?Probation[ ]+Service[ ]+(?:in[ ]+England[ ]+and[ ]+Wales[ ]+)?"
    r"(?:has[ ]+(?:been[ ]+)?|was[ ]+|is[ ]+)?(?:received[ ]+an[ ]+overall[ ]+rating|rated)\b",
    _I,
)
#: The national inspection's subject: HM Prison and Probation Service's national arrangements.
_HMPPS = re.compile(
    r"\b(?:HM|His[ ]+Majesty's|Her[ ]+Majesty's)[ ]+Prison[ ]+and[ ]+Probation[ ]+Service\b|\bHMPPS\b"
    r"|\bnational[ ]+arrangements\b|\bnational[ ]+inspection[ ]+of[ ]+(?:the[ ]+)?probation\b",
    _I,
)
_NATIONAL_CUE = re.compile(r"\bnational[ ]+(?:inspection|arrangements)\b", _I)
AREA_INSPECTION = re.compile(r"Quality[ ]*(?:&|and)[ ]*Impact[ ]+inspection:[ ]*(?=[A-Z])")
_SIBLING_BEFORE = re.compile(
    r"\b(?:neighbou?ring|nearby|adjacent|sister|another|other|fellow|unlike|compared[ ]+(?:with|to)"
    r"|like|as[ ]+did|while|whereas|joins?|joining"
    r"|(?:others?|second|third|fourth|remaining)\b[a-z ]{0,40}\b(?:is|are|was|were))(?:[ ]+the)?[ ]{1,3}$",
    _I,
)
_SIBLING_AFTER = re.compile(
    r"^[ ,]{0,3}(?:also|too|was[ ]+also|,?[ ]*inspected[ ]+(?:last|earlier|in[ ]+\d))\b", _I
)
#: Characters read around a mention for sibling cues.
SIBLING_WINDOW = 60
#: Most distinct units considered per document (bounds the alias search).
MAX_UNITS = 12
_TYPE_ORDER = {"PDU": 0, "CRC": 1, "NPS division": 2, "region": 3, "national": 4}
_PLURAL = re.compile(
    r"\b(?:two|three|four|five|both|several|\d)[ ]+(?:of[ ]+the[ ]+)?(?:PDUs|probation[ ]+delivery[ ]+"
    r"units|CRCs|divisions)\b",
    _I,
)


def _key(unit_type: str, name: str) -> tuple[str, str]:
    k = normalise_name(name)
    for word in (" crc", "nps ", " division", "community rehabilitation company"):
        k = k.replace(word, " ")
    return unit_type, " ".join(k.split())


def _canonical(
    utype: str, name: str, form: str, work: str, end: int
) -> tuple[str, str, int] | None:
    """(type, canonical name, end) for a raw name, or None when it is not a unit."""
    name = re.sub(r"\s+", " ", name.replace(" & ", " and ")).strip()
    region = _REGION_KEYS.get(normalise_name(name))
    if utype == "PDU?":
        utype = "region" if region else "PDU"
    if utype == "region":
        return ("region", region, end) if region else None
    if utype == "CRC":
        return "CRC", f"{name} CRC", end
    if utype == "NPS division":
        if form == "division":
            tail = _DIVISION_TAIL.match(work, end)
            if tail is None and normalise_name(name) not in NPS_AREAS:
                return None  # "NPS Wales" needs no "division": Wales was one
            end = tail.end() if tail else end
        return "NPS division", f"NPS {name} division", end
    return utype, name, end


def _anchor_hits(doc: Doc, pat: re.Pattern[str], on: str, side: str):
    """Anchor matches with a word boundary before, and a capital after for "after" anchors."""
    text = doc.low if on == "low" else doc.work
    for m in pat.finditer(text, doc.seg.start, doc.seg.end):
        if m.start() and text[m.start() - 1].isalnum():
            continue
        if side == "after" and on == "low" and not doc.work[m.end() : m.end() + 1].isupper():
            continue
        yield m


def find_mentions(doc: Doc) -> list[UnitMention]:
    """Every typed unit mention in the document (no bare names yet)."""
    out: list[UnitMention] = []
    w = doc.work
    for utype, pat, on, side, form in _ANCHORS:
        for m in _anchor_hits(doc, pat, on, side):
            got = name_before(w, m.start()) if side == "before" else name_after(w, m.end())
            if got is None:
                continue
            start, end = (got[1], m.end()) if side == "before" else (m.start(), got[1])
            canon = _canonical(utype, got[0], form, w, end)
            if canon is None:
                continue
            out.append(_mention(w, canon[0], canon[1], start, canon[2], form))
    for m in _NATIONAL.finditer(w, doc.seg.start, doc.seg.end):
        out.append(_mention(w, "national", "Probation Service", m.start(), m.end(), "national"))
    if not any(m.unit_type in ("PDU", "CRC", "NPS division", "region") for m in out):
        # HMPPS is named in many local reports as the employer: the subject only when no
        # local unit is named at all
        for m in _HMPPS.finditer(w, doc.seg.start, doc.seg.end):
            out.append(_mention(w, "national", "Probation Service", m.start(), m.end(), "national"))
    out = _dedupe(out)
    _spread_siblings(w, out)
    return out


def _mention(w: str, utype: str, name: str, start: int, end: int, form: str) -> UnitMention:
    pre = w[max(0, start - SIBLING_WINDOW) : start]
    post = w[end : end + SIBLING_WINDOW]
    return UnitMention(
        _key(utype, name),
        utype,
        name,
        start,
        end,
        oblique=oblique_before(w, start),
        sibling=bool(_SIBLING_BEFORE.search(pre) or _SIBLING_AFTER.match(post)),
        form=form,
    )


_COORD = re.compile(r"(?:[ ]*\([A-Za-z*]{2,6}\))?(?:[ ]*,[ ]*(?:and[ ]+)?|[ ]+(?:and|&)[ ]+)")


def _spread_siblings(w: str, ms: list[UnitMention]) -> None:
    """A list that starts with a sibling ("the others are A, B and C PDU") is all siblings."""
    for a, b in zip(ms, ms[1:], strict=False):
        if a.sibling and not b.sibling and _COORD.fullmatch(w, a.end, b.start):
            b.sibling = True


def _dedupe(ms: list[UnitMention]) -> list[UnitMention]:
    """Drop mentions overlapping an earlier, longer one (one span, one unit)."""
    ms.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[UnitMention] = []
    for m in ms:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


def coordinated(w: str, a: UnitMention, b: UnitMention) -> bool:
    """True when only a comma, "and" or "&" (and an abbreviation in brackets) stand between."""
    return bool(_COORD.fullmatch(w, a.end, b.start))


_BARE_REGION = re.compile(  # begins with capitals only, so the engine skips ahead fast
    r"(?P<r>"
    + "|".join(re.escape(r) for r in sorted(REGIONS, key=len, reverse=True))
    + r"|Yorkshire[ ]+and[ ]+Humber)(?![\w-])(?![ ]+(?:region|PDU|CRC|[Dd]ivision|NPS|Probation))"
)


def add_region_names(doc: Doc) -> None:
    """Regions named without the word "region" ("in London", "across Wales")."""
    extra = []
    for m in _BARE_REGION.finditer(doc.work, doc.seg.start, doc.seg.end):
        if m.start() and (doc.work[m.start() - 1].isalnum() or doc.work[m.start() - 1] == "-"):
            continue
        if doc.work.endswith("England and ", max(0, m.start() - 12), m.start()):
            continue  # "England and Wales" is the whole jurisdiction, not the region
        name = _REGION_KEYS.get(normalise_name(m.group("r")), "Yorkshire and the Humber")
        extra.append(_mention(doc.work, "region", name, m.start("r"), m.end("r"), "bare"))
        extra[-1].oblique = True  # a bare place name is context, never the subject
    if extra:
        doc.set_mentions(_dedupe(doc.mentions + extra))


def add_bare_names(doc: Doc, keys: list[tuple[str, str]]) -> None:
    """Add mentions of the bare names of known units ("West Kent" for West Kent PDU)."""
    names = {}
    for m in doc.mentions:
        if m.key in keys and m.unit_type in ("PDU", "region"):
            names.setdefault(m.name, m)
    if not names:
        return
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pat = re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])")
    extra = []
    for x in pat.finditer(doc.work, doc.seg.start, doc.seg.end):
        proto = names[x.group()]
        extra.append(_mention(doc.work, proto.unit_type, proto.name, x.start(), x.end(), "bare"))
    doc.set_mentions(_dedupe(doc.mentions + extra))


@dataclass
class Subject:
    """A unit the document is about, with the confidence of that decision."""

    key: tuple[str, str]
    unit_type: str
    name: str
    confidence: float
    mention: UnitMention


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise_name(text)).strip("-")


#: Score of one mention in the first three sentences, by how the unit was named.
_LEAD_WEIGHT = {"typed": 3.0, "division": 3.0, "national": 3.0, "service": 1.5, "bare": 1.0}


def _weight(m: UnitMention, in_lead: bool) -> float:
    if m.sibling:
        return 0.0
    if m.unit_type == "region" and m.oblique:
        return 0.25  # "... PDU in the North West region": context, not the subject
    if not in_lead:
        return 0.5
    w = _LEAD_WEIGHT.get(m.form, 1.0)
    return w * (0.67 if m.oblique else 1.0)


def score_units(doc: Doc, rating_owners: dict[tuple[str, str], int], url: str | None) -> dict:
    """Score every unit by the signals that make it the subject."""
    scores: dict[tuple[str, str], float] = {}
    first: dict[tuple[str, str], UnitMention] = {}
    lead = {i for i in range(min(3, len(doc.sents)))}
    url_slug = _slug(url or "")
    typed = {m.key for m in doc.mentions if m.form != "bare"}
    for m in doc.mentions:
        if m.key not in typed:
            continue  # a place named in passing ("in London") is never the subject
        first.setdefault(m.key, m)
        s = scores.get(m.key, 0.0)
        i = doc.index(m.start)
        weight = _weight(m, i in lead)
        scores[m.key] = s + weight
    for key in scores:
        scores[key] += 2.5 * min(rating_owners.get(key, 0), 2)
        slug = _slug(first[key].name.replace(" CRC", "").replace("NPS ", ""))
        if slug and url_slug and slug in url_slug:
            scores[key] += 2.0
    return {k: (v, first[k]) for k, v in scores.items()}


def choose_subjects(doc: Doc, rating_owners: dict, url: str | None = None) -> list[Subject]:
    """The unit(s) a document is about: one, or several for a multi-unit release."""
    scored = score_units(doc, rating_owners, url)
    if not scored:
        return []
    ranked = sorted(
        scored.items(),
        key=lambda kv: (-kv[1][0], _TYPE_ORDER.get(kv[0][0], 9), kv[1][1].start),
    )
    top_key, (top, m) = ranked[0]
    if (
        top_key[0] == "national"
        and not rating_owners.get(top_key)
        and not _NATIONAL_CUE.search(doc.work, doc.seg.start, doc.seg.end)
    ):
        return []  # the service named in passing (annual reports, answers), not inspected
    total = sum(v for v, _ in scored.values()) or 1.0
    conf = round(min(0.99, 0.5 + 0.5 * top / total), 3)
    subjects = [Subject(top_key, m.unit_type, m.name, conf, m)]
    if _is_multi(doc) or sum(1 for k in rating_owners if k[0] == top_key[0]) >= 2:
        for key, (v, mm) in ranked[1:]:
            if key[0] == top_key[0] and rating_owners.get(key) and not mm.sibling:
                subjects.append(
                    Subject(key, mm.unit_type, mm.name, round(0.5 + v / total / 2, 3), mm)
                )
    return subjects


def _is_multi(doc: Doc) -> bool:
    """A release about several units names two of one type up front, or says "two PDUs"."""
    lead = doc.sents[:3]
    if not lead:
        return False
    a, b = lead[0].start, lead[-1].end
    if _PLURAL.search(doc.work, a, b):
        return True
    for s in lead:
        ms = [m for m in doc.mentions_in(s.start, s.end) if not m.sibling and not m.oblique]
        types = [m.unit_type for m in ms if m.unit_type != "region"]
        if len({m.key for m in ms if m.unit_type != "region"}) >= 2 and len(set(types)) == 1:
            return True
    return False


def region_of(doc: Doc, subject: Subject) -> UnitMention | None:
    """The region named for a PDU (any mention of a known region in the document)."""
    own = normalise_name(subject.name)
    for m in doc.mentions:
        if m.unit_type == "region" and m.key != subject.key and normalise_name(m.name) not in own:
            return m
    return None
