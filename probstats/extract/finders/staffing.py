"""Staffing figures: vacancy rates, staffing against target, caseloads, sickness, counts.

Each number in a sentence that talks about staff is read with a window of
:data:`PRE_WINDOW` characters before and :data:`POST_WINDOW` after, cut at
the neighbouring numbers so that one figure's words never describe another.
The grade is the one named right after the figure when only measure words
stand between them ("35% for PSOs", "12 vacancies for POs", "90% of target at
PSO grade"), else the nearest one before it in the same clause.
"""

from __future__ import annotations

import re

from probstats.extract.finders.context import Doc, Found, trigger
from probstats.extract.finders.ratings import PREVIOUS_CONTEXT, PREVIOUS_TRIGGER
from probstats.extract.numerals import is_percent_at, parse_number, qualifier_before
from probstats.extract.records import StaffingFact

_I = re.IGNORECASE
#: Characters read before and after a figure (a clause rarely runs longer).
PRE_WINDOW, POST_WINDOW = 160, 120
_STAFF_CUE = re.compile(
    r"vacan|staff|caseload|sick|workload|turnover|agency|establishment|complement|employ|shortfall"
    r"|\bPOs?\b|\bPSOs?\b|practitioner|trainee|PQiP|managing|officers",
    _I,
)
_STAFF_TRIGGER = trigger(
    "vacan",
    "staff",
    "caseload",
    "sick",
    "workload",
    "turnover",
    "agency",
    "establishment",
    "complement",
    "employ",
    "shortfall",
    "practitioner",
    "trainee",
    "pqip",
    "managing",
    "officer",
    "pso",
    "po ",
    "pos ",
    "po,",
    "pos,",
    "po)",
    "pos)",
    "po.",
    "wmt",
    "supervis",
    "works with",
    "work with",
    "responsible for",
)
GRADE_RE = re.compile(
    r"\b(?P<SPO>SPOs?\b|senior[ ]+probation[ ]+officers?)"
    r"|\b(?P<PSO>PSOs?\b|probation[ ]+services?[ ]+officers?)"
    r"|\b(?P<trainee>trainee[ ]+probation[ ]+officers?|trainees?\b|PQiPs?\b)"
    r"|\b(?P<PO>POs?\b|(?:qualified[ ]+)?probation[ ]+officers?)"
    r"|\b(?P<practitioner>practitioners?\b|case[ ]+managers?)"
    r"|\b(?P<admin>admin(?:istrative|istrators?|istration)?\b|business[ ]+support)"
    r"|\b(?P<manager>(?:middle[ ]+)?managers?\b)",
    _I,
)
_ABBREVIATIONS = {"PO", "POS", "PSO", "PSOS", "SPO", "SPOS"}
_CASEISH = re.compile(
    r"[ ]*of[ ]+(?:the[ ]+|all[ ]+|our[ ]+)?(?:[\w-]+[ ]+){0,3}?(?:cases|victims|people|individuals|"
    r"service[ ]+users|reports|those|offenders|children|women|men)\b",
    _I,
)
_TARGET_AFTER = re.compile(
    r"[ ]*of[ ]+(?:its[ ]+|the[ ]+|their[ ]+)?(?:[\w-]+[ ]+){0,2}?(?:target|establishment|"
    r"required|funded|budgeted|full[ ]+complement)",
    _I,
)
_STAFFED_BEFORE = re.compile(
    r"(?:\bstaffed[ ]+(?:at|to)|\bstaffing(?:[ ]+levels?)?(?:[ ]+\w+){0,3}?[ ]+(?:at|of|was|were|is|"
    r"are|stood[ ]+at|stand[ ]+at|reached))[ ]*$",
    _I,
)
_REGIONAL_SHARE = re.compile(
    r"[ ]*of[ ]+(?:the[ ]+)?(?:(?:region's|regional)[ ]+caseload|caseload[ ]+(?:in|across|for|of)[ ]+"
    r"the[ ]+(?:\w+[ ]+){0,6}?region)",
    _I,
)
_SHORTFALL_AFTER = re.compile(
    r"[ ]*shortfall[ ]+(?:in|of)[ ]+(?:the[ ]+)?(?:number[ ]+of[ ]+)?", _I
)
_NOT_IN_POST = re.compile(
    r"absent|sick|interview|survey|respon|spoke|spoken|left|leav|join|recruit|vacan|agency|"
    r"expected|target|should|would|planned|required|need|establishment|trained|met\b|attend",
    _I,
)
_ONE_OFF = re.compile(
    r"reorganis|restructur|transferr|redeploy|second(?:ed|ment)|TUPE|moved[ ]+(?:across|over|to)",
    _I,
)
_STAFF_COUNT_AFTER = re.compile(
    r"[ ]*(?P<fte>(?:FTE|full[- ]time[- ]equivalent)[ ]+)?(?:members[ ]+of[ ]+staff|staff\b"
    r"(?![ ]+(?:were|was|had|have|told|said|described|felt|reported))|employees|people[ ]+employed)",
    _I,
)
_STAFF_COUNT_BEFORE = re.compile(
    r"(?:staffing[ ]+complement|staff[ ]+in[ ]+post|headcount|workforce)[ ]+(?:was|of|is|stood[ ]+at|"
    r"totalled)[ ]*$",
    _I,
)
_AVG_BEFORE = re.compile(
    r"(?:average[ ]+caseloads?(?:[ ]+\w+){0,4}?[ ]+(?:of|was|were|is|are|at|stood[ ]+at)|caseloads?[ ]+"
    r"averag(?:ed|ing|e[ ]+of))[ ]*$",
    _I,
)
_ON_AVERAGE = re.compile(r"\b(?:on[ ]+average|an[ ]+average[ ]+of|averag(?:ed|ing))\b", _I)
_CASES_AFTER = re.compile(r"[ ]*(?:cases|people|individuals)\b", _I)
_CASES_PER = re.compile(
    r"[ ]*cases[ ]+(?:each|on[ ]+average|per[ ]+(?:practitioner|officer|person|PO|PSO|"
    r"probation[ ]+officer|member[ ]+of[ ]+staff|case[ ]+manager))",
    _I,
)
_MAX_BEFORE = re.compile(
    r"(?:caseloads?(?:[ ]+\w+){0,4}?[ ]+(?:of[ ]+)?up[ ]+to|as[ ]+high[ ]+as|highest[ ]+caseload\w*[ ]+(?:was|of))[ ]*$",
    _I,
)
_TOTAL_BEFORE = re.compile(
    r"(?:supervis(?:es|ed|ing)|manag(?:es|ed|ing)|responsible[ ]+for(?:[ ]+managing)?|works?[ ]+with"
    r"|working[ ]+with|caseload[ ]+of)[ ]*$",
    _I,
)
_PEOPLE_AFTER = re.compile(
    r"[ ]*(?:[\w-]+[ ]+){0,4}?(?:people|individuals|cases|offenders|service[ ]+users)\b", _I
)
_SAMPLE_NEAR = re.compile(r"inspected|reviewed|looked[ ]+at|sample", _I)
_SICK_DAYS = re.compile(
    r"[ ]*(?:working[ ]+)?days?[ ]+(?:lost[ ]+)?(?:to|of|through|due[ ]+to)?[ ]*sick(?:ness)?"
    r"(?:[ ]+absence)?[ ]+per[ ]+(?:person|member[ ]+of[ ]+staff|employee|staff[ ]+member|FTE|head)"
    r"|[ ]*(?:working[ ]+)?days?[ ]+per[ ]+(?:person|member[ ]+of[ ]+staff|employee|FTE)",
    _I,
)
_VACANCIES_AFTER = re.compile(r"[ ]*(?:vacant[ ]+posts|vacancies)\b", _I)
_IN_TRAINING = re.compile(
    r"[ ]*(?:staff|people|practitioners)[ ]+(?:undergoing|in)[ ]+training\b", _I
)
#: A figure for part of the unit (a court team, one office) or a plan, not the unit's staffing.
_PART_OR_PLAN = re.compile(
    r"\b(?:team|office|hub|court|recruit\w*|hire|hiring|plans?|will|aim\w*)\b", _I
)
_TRAINEES_AFTER = re.compile(
    r"[ ]*(?:trainee[ ]+probation[ ]+officers|trainees|PQiPs?\b|PQiP[ ]+learners)", _I
)
_UNALLOCATED = re.compile(
    r"[ ]*(?:cases[ ]+)?(?:were[ ]+|that[ ]+were[ ]+)?unallocated|[ ]*unallocated[ ]+cases", _I
)
#: Only measure words may stand between a figure and a grade named after it.
_GRADE_LINK = re.compile(
    r"[ ]*(?:(?:vacancies|vacant[ ]+posts|vacancy[ ]+rate|shortfall|of[ ]+(?:the[ ]+|its[ ]+)?target|"
    r"of[ ]+establishment|staffing)[ ]+)?(?:in[ ]+the[ ]+number[ ]+of[ ]+)?"
    r"(?:(?:of|for|among|amongst|in|at|across)[ ]+)?(?:the[ ]+)?(?:number[ ]+of[ ]+)?",
    _I,
)
_PCT_MEASURES = (
    (re.compile(r"vacan", _I), "vacancy_rate"),
    (re.compile(r"sick", _I), "sickness_rate"),
    (re.compile(r"turnover|attrition|leaving[ ]+rate", _I), "turnover_rate"),
    (re.compile(r"\bWMT\b|workload[ ]+measurement", _I), "workload_wmt_pct"),
)


def grade_mentions(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """Grade mentions ``(grade, start, end)`` in ``text[lo:hi]``; abbreviations must be capitals.

    Examples
    --------
    >>> from probstats.extract.finders.staffing import grade_mentions
    >>> t = "PO and Probation Services Officer (PSO) staff"
    >>> [g for g, *_ in grade_mentions(t, 0, len(t))]
    ['PO', 'PSO', 'PSO']
    """
    out = []
    for m in GRADE_RE.finditer(text, lo, hi):
        word = m.group()
        if word.upper() in _ABBREVIATIONS and not word[:2].isupper():
            continue
        out.append((m.lastgroup or "all", m.start(), m.end()))
    return out


def _grade(w: str, lo: int, a: int, b: int, hi: int) -> str:
    after = grade_mentions(w, b, min(hi, b + 60))
    if after and _GRADE_LINK.fullmatch(w, b, after[0][1]):
        return after[0][0]
    before = grade_mentions(w, lo, a)
    return before[-1][0] if before else "all"


def _percent_measure(
    w: str, s0: int, lo: int, a: int, end: int, hi: int, core_pre: str
) -> str | None:
    post = w[end:hi]
    if _CASEISH.match(post):
        return None
    if _SHORTFALL_AFTER.match(post):
        return "vacancy_rate"
    if _TARGET_AFTER.match(post) or _STAFFED_BEFORE.search(core_pre):
        return "staffing_pct_target"
    if _REGIONAL_SHARE.match(post):
        return "regional_caseload_share"
    near = w[lo:a] + post[:40]
    for pat, measure in _PCT_MEASURES:
        if pat.search(
            w[max(s0, a - PRE_WINDOW) : a] + post[:40] if measure == "vacancy_rate" else near
        ):
            return measure
    return None


def _count_measure(w: str, s0: int, lo: int, x, end: int, hi: int, core_pre: str, value: float):
    """(measure, unit, basis) for a plain number, or None."""
    post, pre = w[end:hi], w[max(lo, x.start() - PRE_WINDOW) : x.start()]
    if (  # the caller handles percentages; a bare year is no count
        1900 <= value <= 2100
        and value.is_integer()
        and "," not in x.group()  # "2,000 people" is a count; "2021" a year
        and not _STAFF_COUNT_AFTER.match(post)
    ):
        return None
    if _IN_TRAINING.match(post):
        return "trainees", "count", ""
    sm = _STAFF_COUNT_AFTER.match(post)
    near = w[max(lo, x.start() - 30) : x.start()] + post[:60]
    if (sm and not _NOT_IN_POST.search(near)) or _STAFF_COUNT_BEFORE.search(core_pre):
        return "staff_in_post", "count", "FTE" if sm and sm.group("fte") else ""
    if _MAX_BEFORE.search(pre):
        return "caseload_range_max", "cases", ""
    if _AVG_BEFORE.search(core_pre) or _CASES_PER.match(post):
        return "caseload_average", "cases", ""
    if _CASES_AFTER.match(post) and _ON_AVERAGE.search(
        w, max(s0, x.start() - PRE_WINDOW), x.start()
    ):
        return "caseload_average", "cases", ""
    if _SICK_DAYS.match(post):
        return "sickness_days", "days", ""
    if _VACANCIES_AFTER.match(post):
        return "vacancies", "count", ""
    if _TRAINEES_AFTER.match(post):
        return "trainees", "count", ""
    if _UNALLOCATED.match(post):
        return "unallocated_cases", "count", ""
    if (
        _TOTAL_BEFORE.search(core_pre)
        and _PEOPLE_AFTER.match(post)
        and not _SAMPLE_NEAR.search(core_pre[-60:])
    ):
        return "caseload_total", "cases", ""
    return None


def _final_grade(measure: str, grade: str) -> str:
    if measure in ("regional_caseload_share", "caseload_total"):
        return "all"
    if measure == "trainees":
        return "trainee"
    if measure.startswith("caseload") and grade not in ("PO", "PSO", "practitioner", "trainee"):
        return "all"  # "managers told us caseloads were ..." is not a managers' figure
    return grade


def find_staffing(doc: Doc) -> list[Found]:
    """Staffing facts of every sentence that talks about staff."""
    out: list[Found] = []
    if not doc.numbers():
        return out
    with_numbers = {doc.index(x.start()) for x in doc.numbers()}
    for s in doc.sentences_with(_STAFF_TRIGGER):
        if doc.index(s.start) not in with_numbers:
            continue
        nums = doc.numbers_in(s)
        ctx = "previous" if doc.is_previous(s, PREVIOUS_CONTEXT, PREVIOUS_TRIGGER) else ""
        for i, x in enumerate(nums):
            found = _one(doc, s, nums, i, x)
            if found is not None:
                found.context = found.context or ctx
                out.append(found)
    return out


def _one(doc: Doc, s, nums, i, x) -> Found | None:
    w = doc.work
    lo = nums[i - 1].end() if i > 0 else s.start
    hi = min(nums[i + 1].start() if i + 1 < len(nums) else s.end, x.end() + POST_WINDOW)
    pct_end = is_percent_at(w, x.end())
    end = pct_end or x.end()
    value = parse_number(x.group())
    if value is None or re.match(r"[ ]*[-/][ ]*\d", w[end : end + 6]):
        return None  # ranges ("40-50") and fractions are not single figures
    pre = w[max(lo, x.start() - PRE_WINDOW) : x.start()]
    qual, qlen = qualifier_before(pre)
    core_pre = pre[: len(pre) - qlen] if qlen else pre
    if pct_end:
        measure, unit, basis = (
            _percent_measure(w, s.start, lo, x.start(), end, hi, core_pre),
            "percent",
            "",
        )
    else:
        got = _count_measure(w, s.start, lo, x, end, hi, core_pre, value)
        measure, unit, basis = got if got else (None, "", "")
    if measure is None:
        return None
    if measure == "caseload_range_max":
        qual = ""  # "up to 80" is what makes it a maximum, not a qualifier of it
    grade = _final_grade(measure, _grade(w, lo, x.start(), end, hi))
    a = x.start() - qlen
    conf = 0.9
    if measure == "staff_in_post" and (value < 10 or _ONE_OFF.search(w, s.start, s.end)):
        conf = 0.3  # a number word in prose, or a one-off transfer headcount
    if _PART_OR_PLAN.search(w, max(lo, x.start() - 40), x.start()):
        conf = 0.3  # "the court team had a 43% vacancy rate", "plans to recruit 400 trainees"
    fact = StaffingFact(
        measure,
        grade,
        value,
        unit,
        qual,
        doc.evidence(a, end),
        basis=basis,
        notes=f"{measure} ({grade}) as stated",
    )
    return Found("staffing", fact, fact.evidence, x.start(), conf)
