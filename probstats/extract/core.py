"""Turn the text of one publication into :class:`~probstats.extract.records.Record` objects.

The extractor only reports what the text states. Each finder looks for a
specific wording; anything it cannot attribute (a rating with no subject, a
percentage with no stated meaning) is left out rather than guessed.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from probstats.dataset.units import normalise_name
from probstats.dataset.vocab import REGIONS
from probstats.errors import InvalidArgumentError
from probstats.extract import patterns as P
from probstats.extract.records import (
    CaseMeasure,
    Evidence,
    Record,
    StaffingFact,
    StandardRating,
)
from probstats.extract.text import (
    Segment,
    mask_boilerplate,
    normalise,
    read_document,
    sentences,
    split_documents,
)

_REGION_KEYS = {normalise_name(r): r for r in REGIONS}


class _Doc:
    """One document: the reference text, the working text and sentence offsets."""

    def __init__(self, original: str, work: str, seg: Segment) -> None:
        self.original = original
        self.work = work
        self.seg = seg
        self.sents = list(sentences(work, seg.start, seg.end))
        self._starts = [s.start for s in self.sents]

    def sentence_at(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return self.seg.start, self.seg.start
        s = self.sents[i]
        return s.start, max(s.end, min(pos, self.seg.end))

    def evidence(self, start: int, end: int) -> Evidence:
        s0, s1 = self.sentence_at(start)
        return Evidence(start, end, self.original[start:end], s0, s1)


# --------------------------------------------------------------------------- ratings
def _rating_mentions(doc: _Doc) -> list[tuple[str, int, int]]:
    out = []
    for m in P.RATING_MENTION.finditer(doc.work, doc.seg.start, doc.seg.end):
        grp = "r1" if m.group("r1") else "r2"
        rating = P.canonical_rating(m.group(grp))
        if rating is not None:
            out.append((rating, m.start(grp), m.end(grp)))
    return out


def _year_near(doc: _Doc, a: int, b: int, lo: int, hi: int) -> tuple[int, int, int] | None:
    """Year stated with a previous rating: first after it in the clause, else last before."""
    after = P.date_tokens(doc.work[b:hi], b)
    if after:
        return after[0][0], after[0][3], after[0][4]
    before = P.date_tokens(doc.work[lo:a], lo)
    return (before[-1][0], before[-1][3], before[-1][4]) if before else None


_STRONG_UNIT = re.compile(r"\bPDU\b|Probation\s+Delivery\s+Unit|\bCRC\b|\bdivision\b")
_POST_DOMAIN = re.compile(
    r"^\s*(?:overall\s+)?(?:for|in)\s+(?:its\s+|the\s+|their\s+)?", re.IGNORECASE
)


def _ratings(doc: _Doc, rec: Record) -> tuple[int, int] | None:
    """Fill overall, previous and standard ratings; return the lead sentence used."""
    mentions = _rating_mentions(doc)
    by_sentence: dict[tuple[int, int], list[tuple[str, int, int]]] = {}
    for m in mentions:
        by_sentence.setdefault(doc.sentence_at(m[1]), []).append(m)
    explicit: list[tuple[str, int, int, tuple[int, int]]] = []
    implicit: list[tuple[str, int, int, tuple[int, int]]] = []
    previous: list[tuple[str, tuple[int, int, int] | None, int, int]] = []
    for sent, group in by_sentence.items():
        s0, s1 = sent
        stext = doc.work[s0:s1]
        if len({g[0] for g in group}) >= 3:  # a list of the scale, not a judgement
            continue
        from_to = P.FROM_TO.search(stext)
        for i, (rating, a, b) in enumerate(group):
            lo = group[i - 1][2] if i > 0 else s0
            hi = group[i + 1][1] if i + 1 < len(group) else s1
            pre = doc.work[max(lo, a - 200) : a]
            post = doc.work[b : min(hi, b + 80)]
            if from_to and from_to.start() + s0 <= a < from_to.end() + s0:
                if i == 0 or group[i - 1][1] < from_to.start() + s0:
                    previous.append(
                        (rating, _year_near(doc, a, b, max(lo, a - 200), min(hi, b + 80)), a, b)
                    )
                else:
                    explicit.append((rating, a, b, sent))
                continue
            if P.PREVIOUS_CONTEXT.search(pre) or P.PREVIOUS_CONTEXT.search(post[:60]):
                previous.append(
                    (rating, _year_near(doc, a, b, max(lo, a - 200), min(hi, b + 80)), a, b)
                )
                continue
            if P.OVERALL_CUE.search(pre[-80:]) or re.match(r"^['\"]?\s*overall", post):
                explicit.append((rating, a, b, sent))
                continue
            domain = _domain_before(pre) or _domain_after(post)
            if domain is not None:
                name, code = domain
                rec.standard_ratings.append(
                    StandardRating(name, rating, doc.evidence(a, b), standard_code=code)
                )
                continue
            if P.UNIT_CUE.search(stext):
                implicit.append((rating, a, b, sent))
    chosen = explicit or implicit
    lead = None
    if chosen:
        rating, a, b, lead = chosen[0]
        rec.overall_rating = rating
        rec.evidence["overall_rating"] = doc.evidence(a, b)
        others = sorted({c[0] for c in chosen} - {rating})
        if others:
            rec.warnings.append(
                f"other overall ratings also mentioned: {', '.join(others)}; kept the first"
            )
    if previous:
        rating, year, a, b = previous[0]
        rec.previous_rating = rating
        rec.evidence["previous_rating"] = doc.evidence(a, b)
        if year is not None:
            rec.previous_rating_year = year[0]
            rec.evidence["previous_rating_year"] = doc.evidence(min(a, year[1]), max(b, year[2]))
    seen = set()
    unique = []
    for sr in rec.standard_ratings:
        if (sr.standard_name, sr.rating) not in seen:
            seen.add((sr.standard_name, sr.rating))
            unique.append(sr)
    rec.standard_ratings = unique
    return lead


def _domain_before(pre: str) -> tuple[str, str] | None:
    best = None
    tail = pre[-120:]
    for name, pat in P.DOMAINS:
        for m in pat.finditer(tail):
            if best is None or m.start() > best[1]:
                best = (name, m.start(), m.end())
    if best is None or _STRONG_UNIT.search(tail[best[2] :]):
        return None
    code = P.STANDARD_CODE.search(tail[: best[1]])
    return best[0], code.group(1) if code else ""


def _domain_after(post: str) -> tuple[str, str] | None:
    post = post.lstrip("'\" ")
    m = _POST_DOMAIN.match(post)
    if not m:
        return None
    rest = post[m.end() :]
    for name, pat in P.DOMAINS:
        d = pat.match(rest)
        if d:
            return name, ""
    return None


# --------------------------------------------------------------------------- unit
def _clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace(" & ", " and ")).strip()


def _unit_candidates(doc: _Doc, lo: int, hi: int) -> list[tuple[int, str, str, int, int]]:
    """(position, unit_type, unit_name, span start, span end) found in work[lo:hi]."""
    out = []
    w = doc.work
    for utype, pat, where in P.UNIT_ANCHORS:
        for m in pat.finditer(w, lo, hi):
            if where == "before":
                got = P.name_before(w, m.start())
                if got is None:
                    continue
                name, start = got
                end = m.end()
            else:
                got = P.name_after(w, m.end())
                if got is None:
                    continue
                name, end = got
                start = m.start()
            name = _clean_name(name)
            if utype == "region":
                key = normalise_name(name)
                if key not in _REGION_KEYS:
                    continue
                name = _REGION_KEYS[key]
            elif utype == "CRC":
                name = f"{name} CRC"
            elif utype == "NPS division":
                tail = P.DIVISION_TAIL.match(w, end)
                if tail is None:
                    continue
                name, end = f"NPS {name} division", tail.end()
            out.append((start, utype, name, start, end))
    return sorted(out)


def _unit(doc: _Doc, rec: Record, lead: tuple[int, int] | None) -> None:
    places = []
    if lead is not None:
        places.append(lead)
    if doc.sents:
        places.append((doc.sents[0].start, doc.sents[0].end))
    for s0, s1 in places:
        cands = _unit_candidates(doc, s0, s1)
        if cands:
            break
    else:
        cands = []
    if not cands:
        area = P.AREA_INSPECTION.search(doc.work, doc.seg.start, doc.seg.end)
        if area:
            got = P.name_after(doc.work, area.end())
            if got:
                rec.unit_name = _clean_name(got[0])
                rec.evidence["unit_name"] = doc.evidence(area.start(), got[1])
                rec.warnings.append(
                    "area inspection covering more than one provider: unit type not determined"
                )
                return
        nat = P.NATIONAL.search(doc.work, doc.seg.start, doc.seg.end)
        if nat and (lead is None or lead[0] <= nat.start() <= lead[1]):
            rec.unit_type, rec.unit_name = "national", "Probation Service"
            rec.evidence["unit_name"] = rec.evidence["unit_type"] = doc.evidence(
                nat.start(), nat.end()
            )
            return
        cands = _unit_candidates(doc, doc.seg.start, doc.seg.end)
        if not cands:
            return
        rec.warnings.append("unit taken from the first unit mentioned, not from a rating sentence")
    _, utype, name, a, b = cands[0]
    rec.unit_type, rec.unit_name = utype, name
    rec.evidence["unit_name"] = rec.evidence["unit_type"] = doc.evidence(a, b)
    if utype == "region":
        rec.region = name
        rec.evidence["region"] = rec.evidence["unit_name"]
        return
    if utype == "PDU":
        for c in _unit_candidates(doc, doc.seg.start, doc.seg.end):
            if c[1] == "region":
                rec.region = c[2]
                rec.evidence["region"] = doc.evidence(c[3], c[4])
                break


# --------------------------------------------------------------------------- dates
def _dates(doc: _Doc, rec: Record) -> None:
    w = doc.work
    got = P.publication_date(w[doc.seg.start : doc.seg.end])
    if got:
        date, a, b = got
        rec.publication_date = date
        rec.evidence["publication_date"] = doc.evidence(a + doc.seg.start, b + doc.seg.start)
    for s in doc.sents:
        cue = P.FIELDWORK.search(w, s.start, s.end)
        if not cue:
            continue
        rng = P.date_range(w[cue.end() : s.end], cue.end())
        if rng is None:
            continue
        rec.fieldwork_start, rec.fieldwork_end = rng[0], rng[1]
        ev = doc.evidence(cue.start(), rng[3])
        rec.evidence["fieldwork_start"] = rec.evidence["fieldwork_end"] = ev
        return


# --------------------------------------------------------------------------- counts
_RECS = re.compile(
    rf"\b(?P<n>{P.NUMBER})\s+(?:(?:key|new|further|main|specific|formal|priority)\s+)?"
    rf"recommendations?\b",
    re.IGNORECASE,
)
_REC_HEADING = re.compile(r"^[ ]*recommendations:?[ ]*$", re.IGNORECASE | re.MULTILINE)
_REC_ITEM = re.compile(r"^[ ]*(\d{1,2})[.)][ ]+\S", re.MULTILINE)


def _recommendations(doc: _Doc, rec: Record) -> None:
    w = doc.work
    found = []
    for m in _RECS.finditer(w, doc.seg.start, doc.seg.end):
        s0, s1 = doc.sentence_at(m.start())
        if P.PREVIOUS_CONTEXT.search(w, s0, s1):
            continue
        pre = w[max(s0, m.start() - 12) : m.start()]
        if re.search(r"\bof\s+(?:the|its|their)\s*$", pre, re.IGNORECASE):
            continue  # "two of the five recommendations" is about progress, not the count
        n = P.as_int(P.parse_number(m.group("n")))
        if n is not None:
            found.append((n, m.start(), m.end()))
    if found:
        n, a, b = found[0]
        rec.n_recommendations = n
        rec.evidence["n_recommendations"] = doc.evidence(a, b)
        if len({f[0] for f in found}) > 1:
            rec.warnings.append(
                "several different numbers of recommendations stated; kept the first"
            )
        return
    # Reports: count the numbered list under a "Recommendations" heading.
    head = _REC_HEADING.search(w, doc.seg.start, doc.seg.end)
    if head is None:
        return
    expected, last_end = 1, None
    for item in _REC_ITEM.finditer(w, head.end(), min(doc.seg.end, head.end() + 20000)):
        if int(item.group(1)) == expected:
            expected += 1
            last_end = item.end()
        elif int(item.group(1)) > expected:
            break
    if expected > 1 and last_end is not None:
        rec.n_recommendations = expected - 1
        rec.evidence["n_recommendations"] = doc.evidence(head.start(), last_end)
        rec.warnings.append("number of recommendations counted from the numbered list")


_CASES_TOTAL = re.compile(
    rf"\b(?:reviewed|inspected|examined|assessed|looked\s+at|read)\s+(?:a\s+(?:total\s+)?"
    rf"(?:sample\s+)?of\s+)?(?P<n>{P.DIGITS})\s+(?:probation\s+|individual\s+)?cases\b"
    rf"|\b(?P<n2>{P.DIGITS})\s+cases\s+(?:were|have\s+been)\s+(?:inspected|reviewed|examined)"
    rf"|\bsample\s+(?:consisted|comprised|was\s+made\s+up)\s+of\s+(?P<n3>{P.DIGITS})\s+cases"
    rf"|\bsample\s+of\s+(?P<n4>{P.DIGITS})\s+cases",
    re.IGNORECASE,
)
_COMMUNITY = re.compile(r"\bcommunity\b", re.IGNORECASE)
_LICENCE = re.compile(r"\blicen[cs]e|post-release|released\s+(?:from|on)|\bcustod", re.IGNORECASE)


def _cases(doc: _Doc, rec: Record) -> None:
    w = doc.work
    m = _CASES_TOTAL.search(w, doc.seg.start, doc.seg.end)
    if m is None:
        return
    grp = next(g for g in ("n", "n2", "n3", "n4") if m.group(g))
    n = P.as_int(P.parse_number(m.group(grp)))
    if n is None:
        return
    rec.cases_inspected = n
    rec.evidence["cases_inspected"] = doc.evidence(m.start(grp), m.end())
    s0, s1 = doc.sentence_at(m.start())
    nums = [x for x in P.NUMBER_RE.finditer(w, m.end(), s1) if not P.PERCENT.match(w, x.start())]
    for i, x in enumerate(nums):
        nxt = nums[i + 1].start() if i + 1 < len(nums) else s1
        post = w[x.end() : min(nxt, x.end() + 80)]
        value = P.as_int(P.parse_number(x.group()))
        if value is None or value > n:
            continue
        if _COMMUNITY.search(post) and rec.cases_community is None:
            rec.cases_community = value
            rec.evidence["cases_community"] = doc.evidence(x.start(), x.end())
        elif _LICENCE.search(post) and rec.cases_licence is None:
            rec.cases_licence = value
            rec.evidence["cases_licence"] = doc.evidence(x.start(), x.end())


_SCORE = re.compile(
    rf"\bscored?\s+(?:of\s+)?(?:just\s+|only\s+)?(?P<a>{P.NUMBER})\s+(?:points?\s+)?"
    rf"(?:out\s+of|from)\s+(?:a\s+(?:possible|total\s+of|maximum\s+of)\s+)?(?:a\s+possible\s+)?"
    rf"(?P<b>{P.NUMBER})",
    re.IGNORECASE,
)


def _score(doc: _Doc, rec: Record) -> None:
    m = _SCORE.search(doc.work, doc.seg.start, doc.seg.end)
    if m is None:
        return
    a, b = P.as_int(P.parse_number(m.group("a"))), P.as_int(P.parse_number(m.group("b")))
    s0, s1 = doc.sentence_at(m.start())
    if a is None or b is None or a > b or P.PREVIOUS_CONTEXT.search(doc.work, s0, s1):
        return
    rec.score, rec.score_max = a, b
    rec.evidence["score"] = rec.evidence["score_max"] = doc.evidence(m.start(), m.end())


# --------------------------------------------------------------------------- staffing
_STAFF_CUE = re.compile(
    r"vacan|staff|caseload|sick|workload|turnover|agency|establishment|complement|employ|"
    r"\bPOs?\b|\bPSOs?\b|practitioner",
    re.IGNORECASE,
)
_CASEISH = re.compile(
    r"^\s*of\s+(?:the\s+|all\s+|our\s+)?(?:[\w-]+\s+){0,3}?(?:cases|victims|people|individuals|"
    r"service\s+users|reports|those|offenders|children|women|men)\b",
    re.IGNORECASE,
)
_TARGET_AFTER = re.compile(
    r"^\s*of\s+(?:its\s+|the\s+|their\s+)?(?:[\w-]+\s+){0,2}?(?:target|establishment|"
    r"required|funded|budgeted|full\s+complement)",
    re.IGNORECASE,
)
_STAFFED_BEFORE = re.compile(
    r"(?:\bstaffed\s+(?:at|to)|\bstaffing(?:\s+levels?)?(?:\s+\w+){0,3}?\s+(?:at|of|was|were|is|are|stood\s+at|"
    r"stand\s+at|reached))\s*$",
    re.IGNORECASE,
)
_REGIONAL_SHARE = re.compile(
    r"^\s*of\s+(?:the\s+)?(?:(?:region's|regional)\s+caseload|caseload\s+(?:in|across|for|of)\s+"
    r"the\s+(?:\w+\s+){0,6}?region)",
    re.IGNORECASE,
)
_NOT_IN_POST = re.compile(
    r"absent|sick|interview|survey|respon|spoke|spoken|left|leav|join|recruit|vacan|agency|"
    r"expected|target|should|would|planned|required|need|establishment|trained|met\b|attend",
    re.IGNORECASE,
)
_STAFF_COUNT_AFTER = re.compile(
    r"^\s*(?P<fte>(?:FTE|full[- ]time[- ]equivalent)\s+)?(?:members\s+of\s+staff|staff\b"
    r"(?!\s+(?:were|was|had|have|told|said|described|felt|reported))|employees|people\s+employed)",
    re.IGNORECASE,
)
_STAFF_COUNT_BEFORE = re.compile(
    r"(?:staffing\s+complement|staff\s+in\s+post|headcount|workforce)\s+(?:was|of|is|stood\s+at|"
    r"totalled)\s*$",
    re.IGNORECASE,
)
_CASELOAD_AVG_BEFORE = re.compile(
    r"(?:average\s+caseloads?(?:\s+\w+){0,4}?\s+(?:of|was|were|is|are|at|stood\s+at)|caseloads?\s+"
    r"averag(?:ed|ing|e\s+of))\s*$",
    re.IGNORECASE,
)
_CASES_PER = re.compile(
    r"^\s*cases\s+(?:each|on\s+average|per\s+(?:practitioner|officer|person|PO|PSO|"
    r"probation\s+officer|member\s+of\s+staff|case\s+manager))",
    re.IGNORECASE,
)
_CASELOAD_MAX_BEFORE = re.compile(
    r"(?:caseloads?(?:\s+\w+){0,4}?\s+(?:of\s+)?up\s+to|as\s+high\s+as|"
    r"highest\s+caseload\w*\s+(?:was|of))\s*$",
    re.IGNORECASE,
)
_CASELOAD_TOTAL = re.compile(
    r"(?:supervis(?:es|ed|ing)|manag(?:es|ed|ing)|responsible\s+for|caseload\s+of)\s*$",
    re.IGNORECASE,
)
_PEOPLE_AFTER = re.compile(
    r"^\s*(?:people|individuals|cases|offenders|service\s+users|"
    r"people\s+on\s+probation)\b",
    re.IGNORECASE,
)
_SICK_DAYS_AFTER = re.compile(
    r"^\s*(?:working\s+)?days?\s+(?:lost\s+)?(?:to|of|through|due\s+to)?\s*sick(?:ness)?"
    r"(?:\s+absence)?\s+per\s+(?:person|member\s+of\s+staff|employee|staff\s+member|FTE|head)"
    r"|^\s*(?:working\s+)?days?\s+per\s+(?:person|member\s+of\s+staff|employee|FTE)",
    re.IGNORECASE,
)
_VACANCIES_AFTER = re.compile(r"^\s*(?:vacant\s+posts|vacancies)\b", re.IGNORECASE)
_UNALLOCATED_AFTER = re.compile(
    r"^\s*(?:cases\s+)?(?:were\s+|that\s+were\s+)?unallocated|"
    r"^\s*unallocated\s+cases",
    re.IGNORECASE,
)
_GRADE_AFTER = re.compile(
    r"^\s*(?:of\s+)?(?:for|among|amongst|in|at)?\s*(?:the\s+)?$", re.IGNORECASE
)


def _grade(doc: _Doc, lo: int, a: int, b: int, hi: int) -> str:
    w = doc.work
    after = P.grade_mentions(w[b : min(hi, b + 60)], b)
    if after and _GRADE_AFTER.match(w[b : after[0][1]].replace("%", "").replace("per cent", "")):
        return after[0][0]
    before = P.grade_mentions(w[lo:a], lo)
    if before:
        return before[-1][0]
    return "all"


def _staffing(doc: _Doc, rec: Record) -> None:
    w = doc.work
    facts: list[StaffingFact] = []
    for s in doc.sents:
        if not _STAFF_CUE.search(w, s.start, s.end):
            continue
        nums = list(P.NUMBER_RE.finditer(w, s.start, s.end))
        for i, x in enumerate(nums):
            lo = nums[i - 1].end() if i > 0 else s.start
            hi = nums[i + 1].start() if i + 1 < len(nums) else s.end
            pct = P.PERCENT.match(w, x.start())
            end = pct.end() if pct else x.end()
            pre, post = w[max(lo, x.start() - 160) : x.start()], w[end : min(hi, end + 120)]
            value = P.parse_number(x.group())
            if value is None or re.match(r"^\s*[-/]\s*\d", post):
                continue
            qual, qlen = P.qualifier_before(pre)
            core_pre = pre[: len(pre) - qlen] if qlen else pre
            clause_pre = w[lo : x.start()]
            measure, unit, basis = None, "", ""
            if pct:
                if _CASEISH.match(post):
                    continue
                if _TARGET_AFTER.match(post) or _STAFFED_BEFORE.search(core_pre):
                    measure = "staffing_pct_target"
                elif _REGIONAL_SHARE.match(post):
                    measure = "regional_caseload_share"
                elif re.search(r"vacan", w[s.start : x.start()] + post[:40], re.IGNORECASE):
                    measure = "vacancy_rate"
                elif re.search(r"sick", clause_pre + post[:40], re.IGNORECASE):
                    measure = "sickness_rate"
                elif re.search(
                    r"turnover|attrition|leaving\s+rate", clause_pre + post[:40], re.IGNORECASE
                ):
                    measure = "turnover_rate"
                elif re.search(
                    r"\bWMT\b|workload\s+measurement", clause_pre + post[:40], re.IGNORECASE
                ):
                    measure = "workload_wmt_pct"
                unit = "percent"
            else:
                if (
                    re.match(r"^\s*(?:%|per\s?cent)", post)
                    or 1900 <= value <= 2100
                    and value == int(value)
                    and not _STAFF_COUNT_AFTER.match(post)
                ):
                    continue
                sm = _STAFF_COUNT_AFTER.match(post)
                near = w[max(lo, x.start() - 30) : x.start()] + post[:60]
                if (sm and not _NOT_IN_POST.search(near)) or _STAFF_COUNT_BEFORE.search(core_pre):
                    measure, unit = "staff_in_post", "count"
                    if sm and sm.group("fte"):
                        basis = "FTE"
                elif _CASELOAD_MAX_BEFORE.search(pre):
                    measure, unit, qual = "caseload_range_max", "cases", ""
                elif _CASELOAD_AVG_BEFORE.search(core_pre) or _CASES_PER.match(post):
                    measure, unit = "caseload_average", "cases"
                elif _SICK_DAYS_AFTER.match(post):
                    measure, unit = "sickness_days", "days"
                elif _VACANCIES_AFTER.match(post):
                    measure, unit = "vacancies", "count"
                elif _UNALLOCATED_AFTER.match(post):
                    measure, unit = "unallocated_cases", "count"
                elif (
                    _CASELOAD_TOTAL.search(core_pre)
                    and _PEOPLE_AFTER.match(post)
                    and not re.search(r"inspect|review|sample", w[s.start : s.end], re.IGNORECASE)
                ):
                    measure, unit = "caseload_total", "cases"
            if measure is None:
                continue
            grade = _grade(doc, lo, x.start(), end, hi)
            if measure in ("regional_caseload_share", "caseload_total"):
                grade = "all"
            elif measure.startswith("caseload") and grade not in (
                "PO",
                "PSO",
                "practitioner",
                "trainee",
            ):
                grade = "all"  # "managers told us caseloads were ..." is not a managers' figure
            a = x.start() - qlen if qlen else x.start()
            facts.append(
                StaffingFact(
                    measure,
                    grade,
                    value,
                    unit,
                    qual,
                    doc.evidence(a, end),
                    basis=basis,
                    notes=f"{measure} ({grade}) as stated",
                )
            )
    seen = set()
    for f in facts:
        key = (f.measure, f.grade, f.value, f.qualifier)
        if key in seen:
            continue
        seen.add(key)
        rec.staffing.append(f)
    dup = {(f.measure, f.grade) for f in rec.staffing}
    if len(dup) < len(rec.staffing):
        rec.warnings.append("more than one value stated for the same staffing measure and grade")


# --------------------------------------------------------------------------- case measures
_SUFFICIENCY = re.compile(
    r"sufficien|judged|well\s+enough|acceptable|satisfactor|adequate|good\s+enough|effective|"
    r"appropriate|\bmet\b|able\s+to|good\s+standard|high\s+quality|good\s+quality",
    re.IGNORECASE,
)
_STAGES = [
    (
        "court_reports",
        re.compile(
            r"court\s+reports?|pre-sentence|\bPSRs?\b|court\s+work|"
            r"advice\s+to\s+(?:the\s+)?court",
            re.IGNORECASE,
        ),
    ),
    ("unpaid_work", re.compile(r"unpaid\s+work", re.IGNORECASE)),
    ("victim_work", re.compile(r"\bvictims?\b", re.IGNORECASE)),
    (
        "implementation_delivery",
        re.compile(r"implementation|\bdelivery\b|\bdelivering\b", re.IGNORECASE),
    ),
    ("assessment", re.compile(r"\bassessments?\b|\bassessing\b", re.IGNORECASE)),
    ("planning", re.compile(r"\bplanning\b|\bplans?\b", re.IGNORECASE)),
    ("reviewing", re.compile(r"\breviewing\b|\breviews?\b", re.IGNORECASE)),
]
_ASPECTS = [
    (
        "victim_contribution",
        re.compile(r"victims?\b[^.]{0,80}?(?:contribut|statement|views)", re.IGNORECASE),
    ),
    (
        "keep_safe",
        re.compile(
            r"\bsafe(?:ty|ly)?\b|risk\s+of\s+(?:serious\s+)?harm|protect\w*\s+"
            r"(?:the\s+)?(?:public|others|other\s+people)|public\s+protection|"
            r"safeguarding",
            re.IGNORECASE,
        ),
    ),
    ("desistance", re.compile(r"desist|reoffend|offending-related|rehabilitat", re.IGNORECASE)),
    ("engagement", re.compile(r"engag", re.IGNORECASE)),
    ("compliance", re.compile(r"\bcompl(?:y|ied|iance)\b|enforcement", re.IGNORECASE)),
]
_COUNT_OF = re.compile(
    rf"\b(?P<a>{P.DIGITS})\s+(?:out\s+)?of\s+(?:the\s+)?(?P<b>{P.DIGITS})\s+(?:[\w-]+\s+){{0,2}}?cases\b",
    re.IGNORECASE,
)


_SHORTFALL = re.compile(
    r"insufficien|not\s+(?:\w+\s+)?sufficien|\bfail\w*|did\s+not|had\s+not|was\s+not|were\s+not|"
    r"\black\w*|no\s+evidence|inadequate|unacceptab|poor",
    re.IGNORECASE,
)


def _judged(stext: str, pos: int) -> str:
    """'shortfall' when the counted cases are those lacking something, else 'sufficient'."""
    clause = re.split(r"[;]|,\s+(?:but|while|whereas|although)\b", stext[pos:])[0]
    near = clause[:120]
    if _SHORTFALL.search(near) and not re.search(
        r"judged\s+sufficient|were\s+sufficient|"
        r"was\s+sufficient",
        near,
        re.IGNORECASE,
    ):
        return "shortfall"
    return "sufficient"


def _nearest(pats, text: str, pos: int) -> tuple[str, str] | None:
    best = None
    for name, pat in pats:
        for m in pat.finditer(text):
            d = min(abs(m.start() - pos), abs(m.end() - pos))
            if best is None or d < best[0]:
                best = (d, name, m.group())
    return None if best is None else (best[1], best[2])


def _first(pats, text: str) -> tuple[str, str] | None:
    for name, pat in pats:
        m = pat.search(text)
        if m:
            return name, m.group()
    return None


def _case_measures(doc: _Doc, rec: Record) -> None:
    w = doc.work
    for s in doc.sents:
        stext = w[s.start : s.end]
        if not _SUFFICIENCY.search(stext) or P.PREVIOUS_CONTEXT.search(stext):
            continue
        found = []
        for m in P.PERCENT.finditer(stext):
            post = stext[m.end() : m.end() + 80]
            if not _CASEISH.match(post):
                continue
            found.append((m, P.parse_number(m.group("pct")), None, None))
        for m in _COUNT_OF.finditer(stext):
            a, b = P.as_int(P.parse_number(m.group("a"))), P.as_int(P.parse_number(m.group("b")))
            before = stext[max(0, m.start() - 60) : m.start()]
            cue = _SUFFICIENCY.search(before)
            if (
                a is not None
                and b is not None
                and a <= b
                and cue
                and not re.search(
                    r"\bnot\b|\bun\w+$|[;:]", before[cue.start() - 5 if cue.start() > 5 else 0 :]
                )
            ):
                found.append((m, None, a, b))
        for m, pct, n_suff, n_cases in found:
            pos = m.start()
            stage = _nearest(_STAGES, stext, pos)
            aspect = _first(_ASPECTS, stext)
            qual, qlen = P.qualifier_before(stext[:pos])
            a = s.start + pos - qlen
            rec.case_measures.append(
                CaseMeasure(
                    stage=stage[0] if stage else "overall",
                    aspect=aspect[0] if aspect else "quality",
                    value_pct=pct,
                    evidence=doc.evidence(a, s.start + m.end()),
                    judged=_judged(stext, pos),
                    n_counted=n_suff,
                    n_cases=n_cases,
                    qualifier=qual,
                    notes="; ".join(
                        f"{kind} from '{kw}'"
                        for kind, kw in (
                            ("stage", stage[1] if stage else None),
                            ("aspect", aspect[1] if aspect else None),
                        )
                        if kw
                    )
                    or "stage and aspect not named; recorded as overall quality",
                )
            )


# --------------------------------------------------------------------------- driver
def _extract_segment(original: str, work: str, seg: Segment) -> Record:
    doc = _Doc(original, work, seg)
    rec = Record(doc_start=seg.start, doc_end=seg.end)
    lead = _ratings(doc, rec)
    _unit(doc, rec, lead)
    _dates(doc, rec)
    _recommendations(doc, rec)
    _cases(doc, rec)
    _score(doc, rec)
    _staffing(doc, rec)
    _case_measures(doc, rec)
    return rec


def extract_text(text: str, *, source_file: str | None = None) -> list[Record]:
    """Extract one record per document in ``text``.

    Parameters
    ----------
    text
        Plain text of one or more press releases or reports (already decoded;
        HTML should be converted with :func:`probstats.extract.text.html_to_text`
        or read with :func:`extract_file`).
    source_file
        Name recorded in each record's ``source_file``.

    Returns
    -------
    list of Record
        One per document; empty for blank text. Evidence offsets index ``text``.

    Examples
    --------
    >>> [r] = extract_text("Derby City PDU has received an overall rating of 'Good'. "
    ...                    "The report makes nine recommendations.")
    >>> r.unit_type, r.unit_name, r.overall_rating, r.n_recommendations
    ('PDU', 'Derby City', 'Good', 9)
    >>> r.evidence["overall_rating"].text
    'Good'
    """
    if not isinstance(text, str):
        raise InvalidArgumentError(f"text must be str, got {type(text).__name__}")
    if not text.strip():
        return []
    work = mask_boilerplate(normalise(text))
    records = []
    for i, seg in enumerate(split_documents(text)):
        rec = _extract_segment(text, work, seg)
        rec.document, rec.source_file = i, source_file
        records.append(rec)
    return records


def extract_file(path: str | Path) -> list[Record]:
    """Read a text or saved-HTML file and extract its records.

    Raises
    ------
    probstats.extract.ExtractionError
        If the file cannot be read or decoded (the message names the file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.txt"
    >>> _ = p.write_text("Derby City PDU has received an overall rating of 'Good'.")
    >>> extract_file(p)[0].overall_rating
    'Good'
    """
    text, warnings = read_document(path)
    records = extract_text(text, source_file=str(path))
    for rec in records:
        rec.warnings[:0] = warnings
    return records
