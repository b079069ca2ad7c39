"""Temporal expressions resolved to calendar ranges, and dated events merged across articles.

Three layers, each usable on its own:

* **Resolver** (pure functions, no spaCy): :func:`resolve` turns the text of one expression,
  an anchor date and a tense into a TIMEX3-style value and a ``[start, end]`` date range, with
  news conventions (a past-tense "Thursday" is the most recent one on or before publication,
  a bare month follows the tense, "a day earlier" chains from the previous date, "last week" is
  an ISO week, "mid-September" narrows the month).
* **Finder** (:func:`find_timexes`): spans of one parsed article from the kit's own grammar
  and spaCy's DATE/TIME entities, widened to the whole expression ("on Thursday morning"),
  with tense read off the governing verb in the parse. :func:`doc_timexes` maps them to raw
  offsets for the ``timexes`` table.
* **Events** (:func:`doc_event_candidates`, :func:`merge_events`): sentences holding a
  resolved date, their predicate and participant mentions, merged across articles when dates
  nest and participants agree.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
from spacy.tokens import Doc, Span, Token

from kit import docview
from kit.corpus import Article
from kit.entities import MentionIndex
from kit.nlp import DATELINE

__all__ = [
    "TIMEX_COLUMNS", "EVENT_COLUMNS", "DATE_DTYPE", "Resolved", "resolve", "weekday_on", "month_on", "iso_week", "holiday_on",
    "clause_tense",
    "find_timexes", "doc_timexes", "timex_rows", "timexes_frame", "TIMEX_ROW_COLUMNS", "doc_event_candidates",
    "event_candidate_rows", "event_candidates_frame", "merge_events", "event_candidates_with_names",
    "date_disagreements",
]

TIMEX_COLUMNS = ["doc_id", "text", "start_char", "end_char", "value", "date_start", "date_end", "anchor"]
EVENT_COLUMNS = ["event_id", "event", "date_start", "date_end", "participants", "reported_in", "evidence"]
#: The dtype of every ``date_start``/``date_end`` column: milliseconds hold any year a text can
#: name (pandas' default nanoseconds end in 1677 and 2262, so "the treaty of 1648" would not
#: fit) and are what Parquet stores, so a table read back has the dtype it was written with.
DATE_DTYPE = "datetime64[ms]"

#: Tenses the resolver understands (``present`` and ``unknown`` pick the nearest candidate).
TENSES = ("past", "present", "future", "unknown")

# ============================================================================ resolver


@dataclass(frozen=True)
class Resolved:
    """What one temporal expression means.

    ``value`` is TIMEX3 style (``2023-10-19``, ``2023-W42``, ``2023-09``, ``2024``, ``199`` for
    the 1990s, ``2012-SU``, ``2013-Q1``, ``P3D``, ``PRESENT_REF``); ``start``/``end`` is the
    calendar range (``None`` for durations, vague references and unresolved expressions);
    ``anchor`` says what a relative expression was resolved against: ``absolute``,
    ``published`` or ``previous`` (the preceding date in the document), or ``""`` when it
    could not be resolved (no publication date: never guessed).
    """

    value: str | None
    start: date | None
    end: date | None
    kind: str = "DATE"  # TIMEX3 type: DATE, TIME, DURATION, SET
    anchor: str = "absolute"
    granularity: str = "day"  # day, week, month, season, quarter, year, decade, century, time
    mod: str = ""  # TIMEX3 mod: START, MID, END, APPROX
    base: date | None = None  # for anchor == "previous": the date it was counted from

    @property
    def resolved(self) -> bool:
        """True when the expression has a calendar range."""
        return self.start is not None


_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
            "thirteen": 13, "fourteen": 14, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
            "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
            "hundred": 100, "a couple of": 2, "couple of": 2, "a dozen": 12, "dozen": 12, "several": None, "few": None, "a few": None,
            "some": None, "many": None}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
             "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
             "nineteenth": 19, "twentieth": 20, "twenty-first": 21}
_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI", "tonight": "NI"}
_SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9), "winter": ("WI", 12)}
_UNIT_CODE = {"day": "D", "week": "W", "weekend": "WE", "fortnight": "W", "month": "M", "year": "Y",
              "decade": "DE", "century": "CE", "hour": "H", "minute": "M", "second": "S", "quarter": "Q"}

# -- name pieces of the grammar (month and weekday names are case-sensitive: "may", "march")
_MONTH_FULL = r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH_ABBR = r"(?-i:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\."
_MONTH_ANY = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR}|(?-i:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b)"
_MONTH = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR})"
_WD = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:morning|afternoon|evening|night)"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)(?!\d)"
_NUM = (r"(?:\d+(?:\.\d+)?|a couple of|a dozen|a hundred|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
        r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|a|an|one|two|three|four|five|six|seven|eight|"
        r"nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|several|a few|few|"
        r"some|many)")
_UNIT = r"(?:day|week|fortnight|month|year|decade|century|hour|minute)"
_MOD = (r"(?:early|mid|late|earlier|later|the end of|the beginning of|the start of|the middle of|"
        r"the first half of|the second half of|the turn of)")
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"

# Holidays with a rule for their date (US federal ones news uses as dates, and Easter).
_HOLIDAYS: dict[str, tuple[str, int, int | tuple[int, int]]] = {
    "new year's day": ("fixed", 1, 1), "new year's eve": ("fixed", 12, 31), "christmas day": ("fixed", 12, 25),
    "christmas eve": ("fixed", 12, 24), "christmas": ("fixed", 12, 25), "boxing day": ("fixed", 12, 26),
    "valentine's day": ("fixed", 2, 14), "independence day": ("fixed", 7, 4), "halloween": ("fixed", 10, 31),
    "veterans day": ("fixed", 11, 11), "armistice day": ("fixed", 11, 11), "bastille day": ("fixed", 7, 14),
    "thanksgiving day": ("nth", 11, (4, 3)), "thanksgiving": ("nth", 11, (4, 3)),  # 4th Thursday of November
    "labor day": ("nth", 9, (1, 0)), "memorial day": ("last", 5, 0), "election day": ("election", 11, 0),
    "easter sunday": ("easter", 0, 0), "easter": ("easter", 0, 0), "good friday": ("easter", 0, -2),
}
_HOLIDAY_NAMES = sorted((re.sub(r"'", "['\u2019]", re.escape(h)).replace("\\ ", " ") for h in _HOLIDAYS),
                        key=len, reverse=True)


def holiday_on(name: str, year: int) -> date | None:
    """The date of a named holiday in ``year`` (``None`` when the kit does not know it)."""
    rule = _HOLIDAYS.get(name.lower().replace("\u2019", "'"))
    if rule is None:
        return None
    kind, month, k = rule
    if kind == "fixed":
        return date(year, month, k)
    if kind == "nth":  # k = (n, weekday): the n-th such weekday (0 = Monday) of the month
        n, wd = k
        first = date(year, month, 1)
        return first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
    if kind == "last":  # last Monday of the month
        last = _month_range(year, month)[1]
        return last - timedelta(days=last.weekday())
    if kind == "election":  # the Tuesday after the first Monday of November
        first = date(year, 11, 1)
        monday = first + timedelta(days=(0 - first.weekday()) % 7)
        return monday + timedelta(days=1)
    from dateutil.easter import easter

    return easter(year) + timedelta(days=k)


# Ordered pattern table: ``(name, regex)``; the finder keeps the longest match at each place.
_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"\b\d{4}-[01]\d-[0-3]\d(?:T[0-2]\d:[0-5]\d(?::[0-5]\d)?)?\b"),
    ("wd_date", rf"\b{_WD},? (?:the )?{_DAY}(?: of)? {_MONTH_ANY}(?:,? {_YEAR})?"),
    ("wd_date", rf"\b{_WD},? {_MONTH_ANY} {_DAY}(?:,? {_YEAR})?"),
    # Day ranges: "18-19 October 2023", "Oct. 18-19", "October 30 - November 2".
    ("day_range", rf"\b{_DAY} ?[-\u2013] ?{_DAY} {_MONTH_ANY}(?:,? {_YEAR})?"),
    ("day_range", rf"\b{_MONTH_ANY} {_DAY} ?[-\u2013] ?(?:{_MONTH_ANY} )?{_DAY}(?:,? {_YEAR})?"),
    ("year_range", rf"\b{_YEAR} ?[-\u2013] ?(?:{_YEAR}|\d\d(?!\d))"),
    ("day_month", rf"\b(?:the )?{_DAY}(?: of)? {_MONTH_ANY}(?:,? {_YEAR})?"),
    ("month_day", rf"\b{_MONTH_ANY} {_DAY}(?:,? {_YEAR})?"),
    ("mod_month", rf"\b{_MOD}[- ]?(?:(?:last|next|this) )?{_MONTH}(?:,? {_YEAR})?"),
    ("month_year", rf"\b{_MONTH}(?:,| of)? {_YEAR}"),
    ("month_rel_year", rf"\b{_MONTH}(?: of)? (?:this|last|next) year\b"),
    ("rel_month", rf"\b(?:last|next|this|past|coming) {_MONTH}"),
    ("month", rf"\b{_MONTH_FULL}\b"),
    ("mod_year", rf"\b{_MOD}[- ]?(?:{_YEAR}|(?:this|last|next|the) year)"),
    ("mod_rel", r"\b(?:early|late|earlier|later|the end of|the beginning of|the start of|the middle of)"
                r"[- ]?(?:this|last|next|the) (?:week|month|year|decade)"),
    ("decade", r"\b(?:the )?(?:(?:early|mid|late)[- ]?)?(?:1[6-9]|20)\d0s\b|\bthe '\d0s"),
    ("century", rf"\bthe (?:\d{{1,2}}(?:st|nd|rd|th)|{'|'.join(_ORDINALS)})[- ]century\b"),
    ("quarter", rf"\b(?:the )?{_ORD}[- ]quarter(?: of (?:{_YEAR}|this year|last year|next year))?"
                rf"|\b(?:the )?{_ORD} quarter\b|\bQ[1-4] {_YEAR}\b|\b(?:last|this|next) quarter\b"),
    ("season", rf"\b(?:(?:early|late|mid)[- ])?(?:(?:last|this|next|the) )?(?:spring|summer|autumn|fall|winter)"
               rf"(?: (?:of )?{_YEAR})?\b"),
    # "over the weekend", "at the weekend", "this weekend": the weekend next to publication,
    # before or after it as the verb's tense says ("the weekend of 14 June" is the date itself).
    ("weekend", r"\b(?:the|this) weekend\b(?! of\b)"),
    ("year_rel", r"\b(?:this|last|next|the past|the last|the coming|the current|the next) "
                 r"(?:week|weekend|month|year|decade|fortnight)\b"),
    # "two days before" ends a clause; "two years after he took office" counts from an event the
    # kit cannot date, so that stays a duration.
    ("offset", rf"\b(?:(?:almost|nearly|about|around|some|roughly|just|more than|less than|over) )?"
               rf"{_NUM} {_UNIT}s? (?:ago|(?:earlier|later)(?! than)|from now|hence|(?:before|after)(?![ \t]+[\w\u201c\"']))\b"),
    ("offset", r"\bthe (?:next|following|previous|same|preceding) (?:day|week|month|year)\b"
               r"|\bthe (?:day|week|month|year) (?:before|after)\b(?![ \t]+[\w\u201c\"'])"),
    ("deictic", r"\b(?:(?:early|late|earlier|later) )?(?:the day before yesterday|the day after tomorrow|today|"
                rf"yesterday|tomorrow|tonight|(?:this|yesterday|tomorrow) {_PART}|last night)\b"),
    ("weekday", rf"\b(?:(?:early|late|earlier|later) )?(?:(?:last|next|this|past|coming) )?{_WD}(?:,? {_PART})?"
                rf"(?: night)?\b"),
    ("time", rf"\b(?:(?:[01]?\d|2[0-3])(?::[0-5]\d)? ?(?:a\.m\.|p\.m\.|am\b|pm\b|AM\b|PM\b)|noon|midnight)"
             rf"(?: (?:GMT|BST|UTC|ET|EST|EDT|PST|CET))?"
             rf"(?:,? (?:on )?(?:{_WD}|today|yesterday|tomorrow|{_MONTH_ANY} {_DAY}(?:,? {_YEAR})?))?"),
    ("time", rf"\b(?:[01]?\d|2[0-3]):[0-5]\d (?:GMT|BST|UTC|ET|EST|EDT|PST|CET)(?:,? (?:on )?{_WD})?"),
    ("holiday", rf"\b(?:(?:last|next|this) )?(?:{'|'.join(_HOLIDAY_NAMES)})\b(?:,? {_YEAR})?"),
    ("set", r"\b(?:daily|weekly|monthly|annually|yearly|hourly|nightly|(?:every|each) (?:other )?"
            r"(?:day|week|month|year|morning|afternoon|evening|night|weekend|quarter|Monday|Tuesday|Wednesday|"
            r"Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|"
            r"October|November|December|spring|summer|autumn|fall|winter))\b"),
    ("year", rf"\b{_YEAR}\b"),
    ("vague", r"\b(?:now|currently|nowadays|these days|at the moment|at present|recently|lately|"
              r"the past|at the time|the future|soon|"
              r"recent (?:days|weeks|months|years)|(?:the )?(?:days|weeks|months|years) ahead|"
              r"the (?:weeks|months|days|years) and (?:weeks|months|years|decades) ahead)\b"),
    ("duration", rf"\b(?:(?:the|a|an) )?(?:(?:past|last|next|first|coming|previous|mere|full|almost|about|nearly|"
                 rf"more than|less than|over|up to|at least) )*{_NUM} {_UNIT}s?\b"),
    # "a two-year term": TimeML marks "two-year", not the article of the noun phrase.
    ("duration", rf"\b{_NUM}-{_UNIT}s?\b"),
    ("duration", r"\b(?:decades|years|months|weeks|days|hours|minutes)\b"),
]
_COMPILED = [(name, re.compile(rx, re.I)) for name, rx in _PATTERNS]

# -- a cheap test that lets _candidate_spans skip a pattern that cannot match a text.
# Each pattern opens with \b and an alternation, so sre has no prefix to scan for and tries the
# whole pattern at every word boundary: 34 such scans were most of the stage's time. Instead,
# from each pattern's parse tree, a set of lower-case strings one of which every match contains
# ("day", "week", ... for a duration); a text holding none of them (as plain substrings, a fast
# C search) has no match. Under re.I an ASCII letter also matches four non-ASCII letters (see
# _FOLDS_TO_ASCII), so a text holding one of those is always scanned in full.
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"  # İ ı (i), ſ (s), Kelvin sign (k)
_MAX_REQUIRED = 64  # more strings than this: no test (it would cost more than the scan)


def _op_name(op: object) -> str:
    return getattr(op, "name", str(op))


def _required_seq(items: Iterable) -> frozenset[str] | None:
    """Strings one of which every match of a parsed sequence contains, or None."""
    best: frozenset[str] | None = None
    run: set[str] = {""}  # the literal text just before, in every form a small class allows

    def consider(req: Iterable[str] | None) -> None:
        nonlocal best
        req = frozenset(req) if req is not None else None
        if req and all(req) and (best is None or min(map(len, req)) > min(map(len, best))):
            best = req

    for op, av in items:
        name = _op_name(op)
        chars: list[str] | None = None
        if name == "LITERAL":
            chars = [chr(av)]
        elif name == "IN" and av and all(_op_name(o) in ("LITERAL", "RANGE") for o, _ in av):
            chars = []
            for o, a in av:
                chars.extend([chr(a)] if _op_name(o) == "LITERAL" else map(chr, range(a[0], a[1] + 1)))
        if chars is not None and all(c.isascii() for c in chars) and len(run) * len(chars) <= _MAX_REQUIRED:
            run = {r + c.lower() for r in run for c in chars}
            continue
        consider(run)
        run = {""}
        if chars is None:
            consider(_required_item(name, av))
    consider(run)
    return best


def _required_item(name: str, av) -> frozenset[str] | None:
    if name == "SUBPATTERN":
        return _required_seq(av[-1])
    if name == "ATOMIC_GROUP":
        return _required_seq(av)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return _required_seq(av[2]) if av[0] >= 1 else None
    if name == "BRANCH":
        out: set[str] = set()
        for alt in av[1]:
            r = _required_seq(alt)
            if not r:
                return None
            out |= r
        return frozenset(out) if len(out) <= _MAX_REQUIRED else None
    return None  # a lookaround, \b, \d, a negated class...: no literal text required


def _parse_pattern(pattern: str, flags: int = re.I) -> list | None:
    """``pattern``'s parse tree from Python's own regex parser (a private module: None when it
    is missing, and the shortcuts below are then simply not taken)."""
    try:
        import re._parser as sre_parse  # Python >= 3.11
    except ImportError:  # pragma: no cover
        try:
            import sre_parse  # type: ignore[no-redef]
        except ImportError:
            return None
    try:
        return list(sre_parse.parse(pattern, flags))
    except Exception:  # noqa: BLE001 - an unparsable pattern only costs the shortcut
        return None


def _required(pattern: str, flags: int = re.I) -> frozenset[str] | None:
    """Lower-case strings one of which occurs in every match of ``pattern`` (None: unknown)."""
    parsed = _parse_pattern(pattern, flags)
    try:
        return _required_seq(parsed) if parsed is not None else None
    except Exception:  # noqa: BLE001 - an unexpected parse tree only costs the shortcut
        return None


_REQUIRED = [_required(rx) for _, rx in _PATTERNS]


# -- where a match can start. Every pattern's match starts at a word start (right after \\b, on
# a word character), and its first characters are one of a few strings ("jan", "feb", ..., "the",
# a digit): from each pattern's parse tree, the set of those openings (up to _KEY letters, a
# digit written as _DIGIT). The text's word starts are found in one C scan; each start's opening
# (lower case, digits folded) says, once per distinct opening, which patterns can match there,
# and a pattern is tried only at those places with .match (same text, same context for \\b and
# lookbehinds) instead of at every position.
_KEY = 3
_DIGIT = "\x00"
_MAX_OPENINGS = 400
_ASCII_DIGITS = str.maketrans("0123456789", _DIGIT * 10)
_WORD = re.compile(r"\w+")


def _opens_with_boundary(items: list) -> bool:
    """Every way through the parsed sequence starts with ``\\b``."""
    if not items:
        return False
    op, av = items[0]
    name = _op_name(op)
    if name == "AT":
        return _op_name(av) in ("AT_BOUNDARY", "AT_UNI_BOUNDARY")
    if name == "SUBPATTERN":
        return _opens_with_boundary(list(av[-1]))
    if name == "BRANCH":
        return all(_opens_with_boundary(list(alt)) for alt in av[1])
    return False


_Openings = set[tuple[str, bool]]  # (lower-case opening, True if the item ends there)


def _openings_item(name: str, av) -> _Openings:
    if name == "LITERAL":
        c = chr(av)
        return {(c.lower().translate(_ASCII_DIGITS), True)} if c.isascii() else {("", False)}
    if name == "IN":
        chars: set[str] = set()
        for o, a in av:
            n = _op_name(o)
            if n == "LITERAL":
                chars.add(chr(a))
            elif n == "RANGE" and a[1] - a[0] <= 12:
                chars.update(map(chr, range(a[0], a[1] + 1)))
            elif n == "CATEGORY" and _op_name(a) in ("CATEGORY_DIGIT", "CATEGORY_UNI_DIGIT"):
                chars.add(_DIGIT)
            else:
                return {("", False)}
        if len(chars) > 12 or not all(c.isascii() for c in chars):
            return {("", False)}
        return {(c.lower().translate(_ASCII_DIGITS), True) for c in chars}
    if name in ("AT", "ASSERT", "ASSERT_NOT"):  # zero-width
        return {("", True)}
    if name == "SUBPATTERN":
        return _openings_seq(av[-1])
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        lo, hi, sub = av
        inner = _openings_seq(sub)
        if lo == 0 and hi == 1:
            return {("", True)} | inner
        return {(o, False) for o, _ in inner} | ({("", True)} if lo == 0 else set())
    if name == "BRANCH":
        out: _Openings = set()
        for alt in av[1]:
            out |= _openings_seq(alt)
        return out
    return {("", False)}  # anything else: the opening stops here


def _openings_seq(items: Iterable) -> _Openings:
    """The first (up to _KEY) characters of every match of a parsed sequence."""
    cur: _Openings = {("", True)}
    for op, av in items:
        if all(not done or len(o) >= _KEY for o, done in cur):
            break
        step = None
        nxt: _Openings = set()
        for o, done in cur:
            if not done or len(o) >= _KEY:
                nxt.add((o, False))
                continue
            if step is None:
                step = _openings_item(_op_name(op), av)
            for t, t_done in step:
                u = o + t
                nxt.add((u[:_KEY], False) if len(u) >= _KEY else (u, t_done))
        if len(nxt) > _MAX_OPENINGS:
            return {("", False)}
        cur = nxt
    return cur


def _openings(pattern: str, flags: int = re.I) -> tuple[frozenset[str], ...] | None:
    """The openings of ``pattern``'s matches by length (1.._KEY), or None when a match need not
    start at a word start or may open with anything (the pattern is then scanned in full)."""
    parsed = _parse_pattern(pattern, flags)
    if parsed is None:
        return None
    try:
        if not _opens_with_boundary(parsed):
            return None
        found = {o for o, _ in _openings_seq(parsed)}
    except Exception:  # noqa: BLE001 - an unexpected parse tree: scan in full
        return None
    if "" in found or not all(o[0] == _DIGIT or (o[0].isascii() and o[0].isalnum()) for o in found):
        return None
    return tuple(frozenset(o for o in found if len(o) == n) for n in range(1, _KEY + 1))


_OPENINGS = [_openings(rx) for _, rx in _PATTERNS]
_BY_KEY: dict[str, tuple[int, ...]] = {}  # a word start's opening -> patterns that can match there


def _patterns_at(key: str) -> tuple[int, ...]:
    out = _BY_KEY.get(key)
    if out is None:
        out = _BY_KEY[key] = tuple(
            i for i, op in enumerate(_OPENINGS)
            if op is not None and any(key[:n] in op[n - 1] for n in range(1, _KEY + 1)))
    return out


def _start_lists(text: str, low: str) -> list[list[int]]:
    """For each pattern, the word starts of ``text`` where a match of it can start."""
    folded = low.translate(_ASCII_DIGITS)
    by_pattern: list[list[int]] = [[] for _ in _PATTERNS]
    for m in _WORD.finditer(text):
        p = m.start()
        key = folded[p:p + _KEY]
        pats = _BY_KEY.get(key)
        for i in _patterns_at(key) if pats is None else pats:
            by_pattern[i].append(p)
    return by_pattern


def _finditer(rx: re.Pattern, text: str, starts: list[int]) -> Iterator[re.Match]:
    """``rx.finditer(text)`` tried only at ``starts``."""
    pos = 0
    for p in starts:
        if p < pos:
            continue
        m = rx.match(text, p)
        if m is not None:
            yield m
            pos = m.end()


_DATE_KINDS = ("DATE", "TIME")


def iso_week(d: date) -> tuple[str, date, date]:
    """The ISO week holding ``d``: ``("2023-W42", monday, sunday)``."""
    y, w, _ = d.isocalendar()
    monday = d - timedelta(days=d.weekday())
    return f"{y}-W{w:02d}", monday, monday + timedelta(days=6)


def _month_range(y: int, m: int) -> tuple[date, date]:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + (m - 1) + k
    return i // 12, i % 12 + 1


def weekday_on(weekday: int, anchor: date, tense: str = "unknown") -> date:
    """The date of ``weekday`` (0 = Monday) seen from ``anchor``: past tense → the most recent
    one on or before it, future → the next one on or after it, otherwise the nearest (ties to
    the past, as news reports mostly look back)."""
    back = (anchor.weekday() - weekday) % 7
    fwd = (weekday - anchor.weekday()) % 7
    if tense == "past":
        return anchor - timedelta(days=back)
    if tense == "future":
        return anchor + timedelta(days=fwd)
    return anchor - timedelta(days=back) if back <= fwd else anchor + timedelta(days=fwd)


def month_on(month: int, anchor: date, tense: str = "unknown") -> int:
    """The year of a bare ``month`` seen from ``anchor``, following the tense like
    :func:`weekday_on` (the anchor's own month counts for either)."""
    past_y = anchor.year if month <= anchor.month else anchor.year - 1
    fut_y = anchor.year if month >= anchor.month else anchor.year + 1
    if tense == "past":
        return past_y
    if tense == "future":
        return fut_y
    back = (anchor.month - month) % 12
    fwd = (month - anchor.month) % 12
    return past_y if back <= fwd else fut_y


def _day_on(month: int, day: int, anchor: date, tense: str) -> date | None:
    """A month-day without a year, placed in the year the tense suggests."""
    cands = []
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cands.append(date(y, month, day))
        except ValueError:
            continue
    if not cands:
        return None
    past = [c for c in cands if c <= anchor]
    fut = [c for c in cands if c >= anchor]
    if tense == "past" and past:
        return past[-1]
    if tense == "future" and fut:
        return fut[0]
    return min(cands, key=lambda c: (abs((c - anchor).days), c > anchor))


def _narrow(start: date, end: date, mod: str) -> tuple[date, date, str]:
    """Narrow a month/year/decade range: early = first third, mid = middle, late = last third."""
    span = (end - start).days + 1
    if span <= 31:  # months: early 1-10, mid 11-20, late 21-end (the usual reading of "mid-September")
        cuts = (start, start + timedelta(days=9), start + timedelta(days=10), start + timedelta(days=19),
                start + timedelta(days=20), end)
    elif span <= 366:  # seasons, quarters and years split on month boundaries (early 2011 = Jan-Apr)
        n = (end.year - start.year) * 12 + end.month - start.month + 1
        k = max(n // 3, 1)

        def month_start(i: int) -> date:
            y, m = _shift_month(start.year, start.month, i)
            return date(y, m, 1)

        cuts = (start, month_start(k) - timedelta(days=1), month_start(k), month_start(n - k) - timedelta(days=1),
                month_start(n - k), end)
    else:  # decades and centuries split on years (the early 1990s = 1990-1993)
        n = end.year - start.year + 1
        k = max(n * 4 // 10, 1)
        cuts = (start, date(start.year + k - 1, 12, 31), date(start.year + k, 1, 1),
                date(end.year - k, 12, 31), date(end.year - k + 1, 1, 1), end)
    if mod == "START":
        return cuts[0], cuts[1], mod
    if mod == "MID":
        return cuts[2], cuts[3], mod
    if mod == "END":
        return cuts[4], cuts[5], mod
    return start, end, mod


def _mod_of(word: str) -> str:
    w = word.lower().strip(" -")
    if w in ("early", "earlier", "the beginning of", "the start of", "the first half of"):
        return "START"
    if w in ("mid", "the middle of"):
        return "MID"
    if w in ("late", "later", "the end of", "the second half of", "the turn of"):
        return "END"
    return ""


def _num(word: str) -> int | None:
    w = word.lower().strip()
    if w.isdigit():
        return int(w)
    parts = re.split(r"[- ]", w)
    if len(parts) == 2 and parts[0] in _NUMBERS and parts[1] in _NUMBERS and _NUMBERS[parts[0]] and _NUMBERS[parts[1]] \
            and _NUMBERS[parts[0]] >= 20:
        return _NUMBERS[parts[0]] + _NUMBERS[parts[1]]  # "twenty-four"
    return _NUMBERS.get(w.replace("a hundred", "hundred"), None)


def _unit_range(unit: str, d: date) -> tuple[str, date, date, str]:
    """The calendar unit (week, month, year, ...) holding ``d`` as ``(value, start, end, granularity)``."""
    unit = unit.lower().rstrip("s")
    if unit in ("week", "fortnight"):
        v, a, b = iso_week(d)
        return v, a, b, "week"
    if unit == "weekend":
        v, a, b = iso_week(d)
        return f"{v}-WE", a + timedelta(days=5), b, "week"
    if unit == "month":
        a, b = _month_range(d.year, d.month)
        return f"{d.year}-{d.month:02d}", a, b, "month"
    if unit == "quarter":
        q = (d.month - 1) // 3 + 1
        a = date(d.year, 3 * q - 2, 1)
        return f"{d.year}-Q{q}", a, _month_range(d.year, 3 * q)[1], "quarter"
    if unit == "decade":
        y0 = d.year // 10 * 10
        return str(y0 // 10), date(y0, 1, 1), date(y0 + 9, 12, 31), "decade"
    if unit == "century":
        c0 = d.year // 100 * 100
        return str(c0 // 100), date(c0, 1, 1), date(c0 + 99, 12, 31), "century"
    if unit == "day":
        return d.isoformat(), d, d, "day"
    return str(d.year), date(d.year, 1, 1), date(d.year, 12, 31), "year"


def _step(unit: str, d: date, k: int) -> date:
    """``d`` moved by ``k`` calendar units (months and years keep the day where they can)."""
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return d + timedelta(days=k)
    if unit in ("week", "weekend"):
        return d + timedelta(weeks=k)
    if unit == "fortnight":
        return d + timedelta(weeks=2 * k)
    if unit in ("month", "quarter"):
        y, m = _shift_month(d.year, d.month, k * (3 if unit == "quarter" else 1))
        return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))
    years = {"year": 1, "decade": 10, "century": 100}.get(unit, 1) * k
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _unresolved(kind: str = "DATE", granularity: str = "day", mod: str = "") -> Resolved:
    return Resolved(None, None, None, kind=kind, anchor="", granularity=granularity, mod=mod)


def _day(d: date, anchor: str, *, part: str = "", kind: str = "DATE") -> Resolved:
    value = d.isoformat() + (f"T{part}" if part else "")
    return Resolved(value, d, d, kind="TIME" if part else kind, anchor=anchor, granularity="day")


_GRAN_ORDER = {"time": 0, "day": 1, "week": 2, "month": 3, "quarter": 4, "season": 4, "year": 5,
               "decade": 6, "century": 7}


def resolve(
    text: str,
    *,
    anchor: date | None,
    tense: str = "unknown",
    previous: Iterable[Resolved] | Resolved | None = None,
    part_of_day: bool = False,
) -> Resolved | None:
    """Resolve the text of one temporal expression; ``None`` when it is not one.

    ``anchor`` is the publication date (``None``: relative expressions stay unresolved);
    ``tense`` of the governing verb (``past``, ``present``, ``future``, ``unknown``) picks the
    direction of a bare weekday or month; ``previous`` is the earlier resolved dates of the
    document, latest last, which "a day earlier"/"two days later"/"the next day" chain from.
    ``part_of_day`` appends TIMEX3's ``TMO``/``TAF``/``TEV``/``TNI`` to a day value.
    """
    t = " ".join(str(text).replace("\u2019", "'").split())
    t = re.sub(r"^(?:in|on|at|since|until|till|during|by|from|before|after|through|throughout|of|for)\s+",
               "", t, flags=re.I)
    prev = [previous] if isinstance(previous, Resolved) else list(previous or [])
    for name, rx in _COMPILED:
        m = rx.fullmatch(t)
        if m:
            res = _HANDLERS[name](t, anchor=anchor, tense=tense, previous=prev)
            if res is not None:
                if not part_of_day and res.kind == "TIME" and res.value and re.fullmatch(r"\d{4}-\d\d-\d\dT[A-Z]{2}", res.value):
                    res = replace(res, value=res.value[:10], kind="DATE")
                return res
    return None


def _h_iso(t: str, **_) -> Resolved:
    d = date.fromisoformat(t[:10])
    if "T" in t:
        return Resolved(t, d, d, kind="TIME", granularity="time")
    return _day(d, "absolute")


def _parse_md(t: str) -> tuple[int | None, int | None, int | None, int | None]:
    """(weekday, month, day, year) read from a date-like text."""
    words = re.findall(r"[A-Za-z]+|\d+", t)
    wd = month = day = year = None
    for w in words:
        lw = w.lower()
        if lw in _WEEKDAYS and wd is None:
            wd = _WEEKDAYS[lw]
        elif lw in _MONTHS and month is None and (w[0].isupper()):
            month = _MONTHS[lw]
        elif w.isdigit():
            n = int(w)
            if len(w) == 4 and year is None:
                year = n
            elif 1 <= n <= 31 and day is None:
                day = n
    return wd, month, day, year


def _h_date(t: str, *, anchor: date | None, tense: str, **_) -> Resolved | None:
    wd, month, day, year = _parse_md(t)
    if month is None or day is None:
        return None
    if year is not None:
        try:
            return _day(date(year, month, day), "absolute")
        except ValueError:
            return None
    if anchor is None:
        return _unresolved()
    d = _day_on(month, day, anchor, tense)
    return _day(d, "published") if d else None


def _h_month(t: str, *, anchor: date | None, tense: str, **_) -> Resolved | None:
    low = t.lower()
    _, month, _, year = _parse_md(t)
    if month is None:
        return None
    mod_m = re.match(rf"{_MOD}", low)
    mod = _mod_of(mod_m.group(0)) if mod_m else ""
    basis = "absolute"
    if year is None:
        if anchor is None:
            return _unresolved(granularity="month", mod=mod)
        basis = "published"
        if re.search(r"\b(?:last|past)\b", low):
            year = anchor.year if month < anchor.month else anchor.year - 1
        elif re.search(r"\b(?:next|coming)\b", low):
            year = anchor.year if month > anchor.month else anchor.year + 1
        elif re.search(r"\bthis\b", low):
            year = anchor.year
        else:
            year = month_on(month, anchor, tense)
    a, b = _month_range(year, month)
    a, b, mod = _narrow(a, b, mod)
    return Resolved(f"{year}-{month:02d}", a, b, anchor=basis, granularity="month", mod=mod)


def _h_day_range(t: str, *, anchor: date | None, tense: str, **_) -> Resolved | None:
    """ "18-19 October 2023": one range, value as an ISO 8601 interval ``2023-10-18/2023-10-19``."""
    words = re.findall(r"[A-Za-z]+\.?|\d+", t)
    months = [_MONTHS[w.rstrip(".").lower()] for w in words if w.rstrip(".").lower() in _MONTHS and w[0].isupper()]
    nums = [int(w) for w in words if w.isdigit()]
    year = next((n for n in nums if n > 999), None)
    days = [n for n in nums if n <= 31]
    if not months or len(days) != 2:
        return None
    m0, m1 = months[0], months[-1]
    if year is None:
        if anchor is None:
            return _unresolved()
        first = _day_on(m0, days[0], anchor, tense)
        if first is None:
            return None
        year, basis = first.year, "published"
    else:
        basis = "absolute"
    try:
        a = date(year, m0, days[0])
        b = date(year + (1 if m1 < m0 else 0), m1, days[1])
    except ValueError:
        return None
    if b < a:
        return None
    return Resolved(f"{a.isoformat()}/{b.isoformat()}", a, b, anchor=basis, granularity="day")


def _h_year_range(t: str, **_) -> Resolved | None:
    """ "2010-2015", "1957-58": the years from the first to the last."""
    a_s, b_s = re.split(r" ?[-\u2013] ?", t.strip())
    y0 = int(a_s)
    y1 = int(b_s) if len(b_s) == 4 else y0 // 100 * 100 + int(b_s)
    if y1 <= y0 or y1 - y0 > 100:
        return None  # backwards ("2023-10") or too long: not a range of years
    return Resolved(f"{y0}/{y1}", date(y0, 1, 1), date(y1, 12, 31), granularity="year")


def _h_month_rel_year(t: str, *, anchor: date | None, **_) -> Resolved | None:
    """ "January this year", "June last year": the month in the year counted from the anchor."""
    low = t.lower()
    _, month, _, _ = _parse_md(t)
    if month is None:
        return None
    if anchor is None:
        return _unresolved(granularity="month")
    y = anchor.year + (-1 if "last" in low else 1 if "next" in low else 0)
    a, b = _month_range(y, month)
    return Resolved(f"{y}-{month:02d}", a, b, anchor="published", granularity="month")


def _h_year(t: str, *, anchor: date | None, **_) -> Resolved | None:
    low = t.lower()
    m = re.search(_YEAR, t)
    mod_m = re.match(rf"{_MOD}", low)
    mod = _mod_of(mod_m.group(0)) if mod_m else ""
    if m:
        y, basis = int(m.group(0)), "absolute"
    else:
        if anchor is None:
            return _unresolved(granularity="year", mod=mod)
        k = -1 if "last" in low else 1 if "next" in low else 0
        y, basis = anchor.year + k, "published"
        word = re.match(r"(earlier|later) this year", low)
        if word and date(y, 1, 1) < anchor < date(y, 12, 31):
            # as for weeks: publication splits the year ("earlier this year" = before the article)
            one = timedelta(days=1)
            a, b = (date(y, 1, 1), anchor - one) if word.group(1) == "earlier" else (anchor + one, date(y, 12, 31))
            return Resolved(str(y), a, b, anchor=basis, granularity="year", mod=mod)
    a, b, mod = _narrow(date(y, 1, 1), date(y, 12, 31), mod)
    return Resolved(str(y), a, b, anchor=basis, granularity="year", mod=mod)


def _h_mod_rel(t: str, *, anchor: date | None, **_) -> Resolved | None:
    low = t.lower()
    unit = re.search(r"(week|month|year|decade)$", low).group(1)
    mod = _mod_of(re.match(rf"{_MOD}", low).group(0))
    if anchor is None:
        return _unresolved(granularity=unit, mod=mod)
    k = -1 if re.search(r"\blast\b", low) else 1 if re.search(r"\bnext\b", low) else 0
    v, a, b, g = _unit_range(unit, _step(unit, anchor, k))
    word = re.match(r"(earlier|later) this\b", low)
    if word and a < anchor < b:
        # "earlier this week" is the part of the week before publication, "later this year" the
        # part after it: the date the article is written splits the unit, not its thirds.
        a, b = (a, anchor - timedelta(days=1)) if word.group(1) == "earlier" else (anchor + timedelta(days=1), b)
    elif unit != "week":
        a, b, mod = _narrow(a, b, mod)
    elif mod == "START":
        b = a + timedelta(days=2)
    elif mod == "END":
        a = b - timedelta(days=2)
    return Resolved(v, a, b, anchor="published", granularity=g, mod=mod)


def _h_decade(t: str, **_) -> Resolved | None:
    low = t.lower()
    m = re.search(r"(\d{2,4})s", low)
    if not m:
        return None
    digits = m.group(1)
    if len(digits) == 2:  # "the '90s": the century is a guess, so stay with the 1900s only for 20-90
        y0 = 1900 + int(digits) if int(digits) >= 20 else 2000 + int(digits)
    else:
        y0 = int(digits)
    mod_m = re.search(r"(early|mid|late)", low)
    mod = _mod_of(mod_m.group(1)) if mod_m else ""
    a, b, mod = _narrow(date(y0, 1, 1), date(y0 + 9, 12, 31), mod)
    return Resolved(str(y0 // 10), a, b, granularity="decade", mod=mod)


def _h_century(t: str, **_) -> Resolved | None:
    low = t.lower()
    m = re.search(r"(\d{1,2})(?:st|nd|rd|th)", low)
    n = int(m.group(1)) if m else next((v for k, v in _ORDINALS.items() if re.search(rf"\b{k}\b", low)), None)
    if not n:
        return None
    y0 = (n - 1) * 100
    return Resolved(f"{n - 1:02d}", date(max(y0, 1), 1, 1), date(y0 + 99, 12, 31), granularity="century")


def _h_quarter(t: str, *, anchor: date | None, **_) -> Resolved | None:
    low = t.lower()
    m = re.search(r"\bq([1-4])\b", low)
    q = int(m.group(1)) if m else next((i + 1 for i, w in enumerate(("first", "second", "third", "fourth"))
                                         if w in low or f"{i + 1}" in low[:6]), None)
    ym = re.search(_YEAR, t)
    if ym:
        y, basis = int(ym.group(0)), "absolute"
    elif anchor is None:
        return _unresolved(granularity="quarter")
    else:
        basis = "published"
        k = -1 if "last" in low else 1 if "next" in low else 0
        if q is None:  # "last quarter": the quarter before the anchor's
            v, a, b, g = _unit_range("quarter", _step("quarter", anchor, k))
            return Resolved(v, a, b, anchor=basis, granularity=g)
        y = anchor.year + k
    if q is None:
        return None
    a = date(y, 3 * q - 2, 1)
    return Resolved(f"{y}-Q{q}", a, _month_range(y, 3 * q)[1], anchor=basis, granularity="quarter")


def _h_season(t: str, *, anchor: date | None, tense: str, **_) -> Resolved | None:
    low = t.lower()
    name = re.search(r"(spring|summer|autumn|fall|winter)", low).group(1)
    code, m0 = _SEASONS[name]
    ym = re.search(_YEAR, t)
    if ym:
        y, basis = int(ym.group(0)), "absolute"
    elif anchor is None:
        return _unresolved(granularity="season")
    else:
        basis = "published"
        # The season's first month, placed like a bare month ("last summer" looks back).
        rel = "past" if re.search(r"\blast\b", low) else "future" if re.search(r"\bnext\b", low) else tense
        if re.search(r"\bthis\b", low):
            y = anchor.year
        else:
            y = month_on(m0, anchor, rel)
            if rel == "past" and "last" in low and y == anchor.year and anchor.month < m0 + 3:
                y -= 1  # "last summer" said during the summer is the previous one
            if rel == "future" and "next" in low and y == anchor.year and anchor.month >= m0:
                y += 1
    a = date(y, m0, 1)
    ey, em = _shift_month(y, m0, 2)
    b = _month_range(ey, em)[1]
    mod_m = re.match(r"(early|late|mid)", low)
    mod = _mod_of(mod_m.group(1)) if mod_m else ""
    a, b, mod = _narrow(a, b, mod)
    return Resolved(f"{y}-{code}", a, b, anchor=basis, granularity="season", mod=mod)


def _h_rel_unit(t: str, *, anchor: date | None, **_) -> Resolved | None:
    low = t.lower()
    unit = re.search(r"(weekend|week|fortnight|month|year|decade)$", low).group(1)
    if unit == "decade" and low.startswith("the "):
        # "the past decade" is the last ten years, not the 2010s: a duration, off the calendar.
        return Resolved("P10Y", None, None, kind="DURATION", anchor="", granularity="decade")
    if anchor is None:
        return _unresolved(granularity=unit)
    if re.search(r"\b(?:last|past|previous)\b", low):
        k = -1
    elif re.search(r"\b(?:next|coming|following)\b", low):
        k = 1
    else:
        k = 0
    if unit == "fortnight":
        unit = "week"
    v, a, b, g = _unit_range(unit, _step(unit, anchor, k))
    return Resolved(v, a, b, anchor="published", granularity=g)


def _h_weekend(t: str, *, anchor: date | None, tense: str, **_) -> Resolved | None:
    """ "over the weekend" (past: the last weekend up to publication) / "at the weekend" (future
    or present: the coming one); published on a Saturday or Sunday, that weekend itself."""
    if anchor is None:
        return _unresolved(granularity="week")
    d = anchor
    if anchor.weekday() < 5:
        d = anchor - timedelta(days=anchor.weekday() + 1) if tense == "past" else anchor + timedelta(days=5 - anchor.weekday())
    v, a, b, g = _unit_range("weekend", d)
    return Resolved(v, a, b, anchor="published", granularity=g)


def _chain_base(previous: list[Resolved], unit: str) -> Resolved | None:
    """The latest earlier date fine enough to count ``unit``s from ("a day earlier" needs a day)."""
    need = _GRAN_ORDER.get("day" if unit in ("hour", "minute") else unit, 5)
    for r in reversed(previous):
        if r.start is not None and r.kind in _DATE_KINDS and _GRAN_ORDER.get(r.granularity, 9) <= need:
            return r
    return None


def _h_offset(t: str, *, anchor: date | None, previous: list[Resolved], **_) -> Resolved | None:
    low = t.lower()
    approx = re.match(r"(?:almost|nearly|about|around|some|roughly|just|more than|less than|over) ", low)
    if approx:  # "nearly four years ago": the same year, marked approximate
        low = low[approx.end():]
    m = re.fullmatch(rf"({_NUM}) ({_UNIT})s? (ago|earlier|later|before|after|from now|hence)", low)
    if m:
        n, unit, rel = _num(m.group(1)), m.group(2), m.group(3)
        sign = -1 if rel in ("ago", "earlier", "before") else 1
        from_pub = rel in ("ago", "from now", "hence")
    else:
        m2 = re.fullmatch(r"the (next|following|previous|same|preceding) (day|week|month|year)"
                          r"|the (day|week|month|year) (before|after)", low)
        if not m2:
            return None
        word = m2.group(1) or m2.group(4)
        unit = m2.group(2) or m2.group(3)
        n = 1
        sign = {"next": 1, "following": 1, "after": 1, "previous": -1, "preceding": -1, "before": -1, "same": 0}[word]
        from_pub = False
    if unit in ("hour", "minute"):
        return None  # "an hour later": a time, not a date the table can place
    if n is None:  # "several years ago": approximate, TIMEX3 leaves it vague
        return Resolved("PAST_REF" if sign < 0 else "FUTURE_REF", None, None, anchor="", granularity=unit)
    base: Resolved | None = None
    basis = "published"
    if not from_pub:
        base = _chain_base(previous, unit)
        basis = "previous" if base is not None else "published"
    if base is None:
        if anchor is None:
            return _unresolved(granularity=unit)
        ref = anchor
    else:
        ref = base.start
    d = _step(unit, ref, sign * n)
    # "a decade ago" names a year (1989), not the decade it falls in; "a week ago" counted from a
    # day (publication, or a dated day) names that day seven days back, not the calendar week.
    # ("the week before" stays the calendar week).
    day_based = m is not None and (base is None or base.granularity == "day")
    v, a, b, g = _unit_range("year" if unit in ("decade", "century") else
                             "day" if unit == "week" and day_based else unit, d)
    return Resolved(v, a, b, anchor=basis, granularity=g, base=ref if base is not None else None,
                    mod="APPROX" if approx else "")


def _h_deictic(t: str, *, anchor: date | None, **_) -> Resolved | None:
    low = t.lower()
    if anchor is None:
        return _unresolved()
    k = 0
    if "day before yesterday" in low:
        k = -2
    elif "day after tomorrow" in low:
        k = 2
    elif "yesterday" in low or low == "last night":
        k = -1
    elif "tomorrow" in low:
        k = 1
    part = next((code for w, code in _PARTS.items() if w in low), "")
    return _day(anchor + timedelta(days=k), "published", part=part)


def _h_weekday(t: str, *, anchor: date | None, tense: str, **_) -> Resolved | None:
    low = re.sub(r"^(?:early|late|earlier|later) ", "", t.lower())  # "earlier Sunday": the same day
    wd, *_rest = _parse_md(t)
    if wd is None:
        return None
    part = next((code for w, code in _PARTS.items() if re.search(rf"\b{w}\b", low)), "")
    if anchor is None:
        return _unresolved(kind="TIME" if part else "DATE")
    if re.match(r"(?:last|past)\b", low):
        d = anchor - timedelta(days=(anchor.weekday() - wd - 1) % 7 + 1)
    elif re.match(r"(?:next|coming)\b", low):
        d = anchor + timedelta(days=(wd - anchor.weekday() - 1) % 7 + 1)
    elif re.match(r"this\b", low):
        d = anchor + timedelta(days=wd - anchor.weekday())
    else:
        d = weekday_on(wd, anchor, tense)
    return _day(d, "published", part=part)


def _h_time(t: str, *, anchor: date | None, tense: str, **_) -> Resolved | None:
    low = t.lower()
    m = re.match(r"(\d{1,2})(?::(\d\d))? ?(a\.?m\.?|p\.?m\.?)?", low)
    if low.startswith(("noon", "midnight")):
        h, mm = (12, "00") if low.startswith("noon") else (24, "00")
    elif not m:
        return None
    else:
        h = int(m.group(1)) % 12 if m.group(3) else int(m.group(1))
        if m.group(3) and m.group(3).startswith("p"):
            h += 12
        mm = m.group(2) or "00"
    hhmm = f"{h:02d}:{mm}"
    if anchor is None:
        return _unresolved(kind="TIME", granularity="time")
    day = anchor
    wd = next((_WEEKDAYS[w] for w in _WEEKDAYS if w in low), None)
    date_part = re.search(rf"{_MONTH_ANY} {_DAY}(?:,? {_YEAR})?", t)
    if date_part:
        dated = _h_date(date_part.group(0), anchor=anchor, tense=tense)
        if dated is not None and dated.start is not None:
            day = dated.start
    elif wd is not None:
        day = weekday_on(wd, anchor, tense)
    elif "yesterday" in low:
        day = anchor - timedelta(days=1)
    elif "tomorrow" in low:
        day = anchor + timedelta(days=1)
    return Resolved(f"{day.isoformat()}T{hhmm}", day, day, kind="TIME", anchor="published", granularity="time")


def _h_holiday(t: str, *, anchor: date | None, tense: str, **_) -> Resolved | None:
    low = t.lower().replace("\u2019", "'")
    name = next((h for h in sorted(_HOLIDAYS, key=len, reverse=True) if h in low), None)
    if name is None:
        return None
    ym = re.search(_YEAR, t)
    if ym:
        d = holiday_on(name, int(ym.group(0)))
        return _day(d, "absolute") if d else None
    if anchor is None:
        return _unresolved()
    cands = [d for d in (holiday_on(name, y) for y in (anchor.year - 1, anchor.year, anchor.year + 1)) if d]
    if re.match(r"last\b", low):
        tense = "past"
        cands = [d for d in cands if d < anchor] or cands
    elif re.match(r"next\b", low):
        tense = "future"
        cands = [d for d in cands if d > anchor] or cands
    past = [d for d in cands if d <= anchor]
    fut = [d for d in cands if d >= anchor]
    if tense == "past" and past:
        d = past[-1]
    elif tense == "future" and fut:
        d = fut[0]
    else:
        d = min(cands, key=lambda c: (abs((c - anchor).days), c > anchor))
    return _day(d, "published")


def _h_set(t: str, **_) -> Resolved | None:
    low = t.lower()
    simple = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y",
              "yearly": "P1Y", "hourly": "PT1H"}
    if low in simple:
        return Resolved(simple[low], None, None, kind="SET", anchor="", granularity="")
    what = low.split()[-1]
    every = 2 if " other " in low else 1
    if what in _PARTS:
        v = f"XXXX-XX-XXT{_PARTS[what]}"
    elif what in _WEEKDAYS:
        v = f"XXXX-WXX-{_WEEKDAYS[what] + 1}"
    elif what in _MONTHS:
        v = f"XXXX-{_MONTHS[what]:02d}"
    elif what in _SEASONS:
        v = f"XXXX-{_SEASONS[what][0]}"
    else:
        v = f"P{every}{_UNIT_CODE.get(what, 'D')}"
    return Resolved(v, None, None, kind="SET", anchor="", granularity="")


def _h_vague(t: str, **_) -> Resolved | None:
    low = t.lower()
    if re.search(r"recent (days|weeks|months|years)", low):
        unit = re.search(r"(day|week|month|year)", low).group(1)
        return Resolved(f"PX{_UNIT_CODE[unit]}", None, None, kind="DURATION", anchor="", granularity=unit)
    if re.search(r"ahead|future|soon", low):
        v = "FUTURE_REF"
    elif re.search(r"past|recently|lately|at the time", low):
        v = "PAST_REF"
    else:
        v = "PRESENT_REF"
    return Resolved(v, None, None, anchor="", granularity="")


def _h_duration(t: str, **_) -> Resolved | None:
    low = t.lower()
    m = re.search(rf"({_NUM})[- ]({_UNIT})s?\b", low)
    if m:
        n, unit = _num(m.group(1)), m.group(2)
    else:
        unit = re.search(r"(decade|year|month|week|day|hour|minute)", low).group(1)
        n = None
    code = _UNIT_CODE[unit]
    if unit == "fortnight":
        n, code = (2 * n if n else None), "W"
    if unit == "decade" and n is not None:  # TimeML writes "a decade" as ten years
        n, code = 10 * n, "Y"
    time_unit = unit in ("hour", "minute")
    value = ("PT" if time_unit else "P") + (str(n) if n is not None else "X") + code
    return Resolved(value, None, None, kind="DURATION", anchor="", granularity=unit)


_HANDLERS = {
    "iso": _h_iso, "wd_date": _h_date, "day_month": _h_date, "month_day": _h_date,
    "mod_month": _h_month, "month_year": _h_month, "rel_month": _h_month, "month": _h_month,
    "month_rel_year": _h_month_rel_year, "day_range": _h_day_range, "year_range": _h_year_range,
    "mod_year": _h_year, "mod_rel": _h_mod_rel, "year": _h_year, "decade": _h_decade, "century": _h_century,
    "quarter": _h_quarter, "season": _h_season, "year_rel": _h_rel_unit, "offset": _h_offset,
    "deictic": _h_deictic, "weekday": _h_weekday, "time": _h_time, "vague": _h_vague, "duration": _h_duration,
    "holiday": _h_holiday, "set": _h_set, "weekend": _h_weekend,
}

# ============================================================================ finder (parsed docs)

# Prepositions a news timex takes into its span (the gold convention: "on Thursday", "since last
# June"); "by July" and "until this morning" are deadlines and limits around the date, left out.
_PREPS = {"in", "on", "at", "since"}
_FUTURE_AUX = {"will", "shall", "'ll", "wo", "would", "going"}
_FUTURE_ADJ = {"upcoming", "forthcoming", "planned", "scheduled", "proposed", "expected", "future", "coming",
               "next", "impending", "prospective"}
# Verbs whose infinitive complement is still ahead ("plans to visit in October"). "agreed to" and
# "promised to" are not here: "BP agreed to sell its stake in October" may date the agreement.
_FUTURE_VERBS = {"plan", "expect", "schedule", "set", "intend", "aim", "hope", "due", "prepare", "gear"}
# A bare year or season is too often a count ("2000 troops") or a verb ("fall"): keep it only
# after one of these words or when spaCy also calls it a date.
_YEAR_CUES = {"in", "since", "until", "till", "by", "from", "before", "after", "during", "of", "through",
              "to", "and", "early", "late", "mid", "between", "around", "as", "'s", "the", "that", "this"}


def clause_tense(tok: Token) -> str:
    """Tense of the clause governing ``tok``: walk up the parse to the first finite verb and read
    its auxiliaries (``will``/``would``/``going to`` → future; ``had``/``did``/past forms →
    past). Participles pass the question up; a date attached to a noun rather than to the verb
    ("a meeting scheduled for November", "the talks in September") gets ``unknown`` (nearest
    reading) unless the noun itself says "upcoming" or a clause on the date says "will"."""
    for c in tok.children:
        # "in November, where plans ... will be discussed": a clause on the date itself speaks for it.
        if c.dep_ == "relcl" and {a.lower_ for a in c.children if a.dep_ in ("aux", "auxpass")} & _FUTURE_AUX:
            return "future"
    if tok.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "appos", "dative"):
        # The date is an argument ("set Nov. 10 as the deadline"), not an adverbial: the verb's
        # tense places the setting, not the date.
        return "unknown"
    seen = 0
    cur = tok
    indirect = False
    while seen < 12:
        seen += 1
        if cur.pos_ == "NOUN":
            mods = {c.lemma_.lower() for c in cur.children if c.dep_ in ("amod", "compound")}
            if mods & _FUTURE_ADJ:
                return "future"  # "an upcoming meeting ... in November"
        if cur.i != tok.i and cur.pos_ in ("NOUN", "PROPN", "ADJ") and cur.dep_ != "compound":
            indirect = True
        if indirect and cur.pos_ in ("VERB", "AUX"):
            # The date hangs off a noun or adjective ("set Nov. 10 as the deadline", "payable Dec. 7",
            # "agreed to purchase the line in February"): the verb's tense dates the telling, not the
            # date, so the nearest reading is safer. Measured on TimeBank/AQUAINT: +0.6/+1.0 value F1.
            return "unknown"
        if cur.pos_ in ("VERB", "AUX") or cur.tag_ in ("VBD", "VBN", "VBG", "VBZ", "VBP", "VB", "MD"):
            auxes = [c for c in cur.children if c.dep_ in ("aux", "auxpass")]
            words = {a.lower_ for a in auxes}
            if words & _FUTURE_AUX or any(a.tag_ == "MD" and a.lower_ in _FUTURE_AUX for a in auxes):
                return "future"
            if any(a.tag_ == "VBD" for a in auxes) or (cur.tag_ == "VBD"):
                return "past"
            if any(a.lower_ in ("has", "have", "'ve", "'s") and a.tag_ in ("VBZ", "VBP") for a in auxes) and cur.tag_ == "VBN":
                return "past"  # present perfect reports what already happened
            if any(a.lower_ == "to" for a in auxes) and cur.tag_ == "VB":
                if cur.dep_ == "ROOT" or cur.head.i == cur.i:
                    return "future"  # headline infinitive: "Lavrov to visit North Korea"
                # "agreed to hold talks in September", "an agreement to acquire ... in January": an
                # infinitive looks ahead from its clause, so a past clause does not make the date past.
                if tok.i < cur.head.i < cur.i:
                    # "Roth on Thursday agreed to plead guilty": a date before the main verb belongs to
                    # it, whatever the parser attached it to.
                    cur = cur.head
                    continue
                if cur.dep_ == "xcomp" and cur.head.lemma_ in _FUTURE_VERBS:
                    return "future"
                return "unknown"
            if cur.tag_ == "VBG" and any(a.lemma_ == "be" for a in auxes):
                if any(a.tag_ == "VBD" for a in auxes):
                    return "past"
                return "future"  # "is travelling to Pyongyang on Friday"
            if auxes or cur.tag_ in ("VBZ", "VBP"):
                return "present"
            if cur.tag_ == "VBD":
                return "past"
        if cur.head.i == cur.i:
            return "unknown"
        cur = cur.head
    return "unknown"


def _deadline(tok: Token) -> bool:
    """ "has been postponed until Saturday", "is open until Friday": a date after "until" in a
    present or present-perfect clause lies ahead, even though the perfect reads as past."""
    prep = tok.head
    if prep.lower_ not in ("until", "till", "untill") or prep.i == tok.i:
        return False
    verb = prep.head
    if verb.pos_ not in ("VERB", "AUX", "ADJ"):
        return False
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    return bool(auxes & {"has", "have", "is", "are", "am", "'s", "'re"}) or verb.tag_ in ("VBZ", "VBP")


@dataclass
class _Cand:
    start: int
    end: int
    name: str
    source: str


def _candidate_spans(doc: Doc, *, ranges: bool = True) -> list[_Cand]:
    """Longest non-overlapping grammar matches, plus spaCy DATE/TIME entities the grammar missed.
    ``ranges=False`` leaves "18-19 October" as two expressions (TimeML marks each end)."""
    text = docview.view(doc).text
    found: list[_Cand] = []
    low = None if any(c in text for c in _FOLDS_TO_ASCII) else text.lower()
    # A digit other than 0-9 is a \\d the openings (folded to 0-9) would not see.
    if low is not None and not low.isascii() and any(not c.isascii() and c.isdecimal() for c in set(low)):
        low = None
    starts = _start_lists(text, low) if low is not None else None
    present: dict[str, bool] = {}
    for i, ((name, rx), req) in enumerate(zip(_COMPILED, _REQUIRED)):
        if not ranges and name in ("day_range", "year_range"):
            continue
        if starts is not None and _OPENINGS[i] is not None and not starts[i]:
            continue  # no word start opens like a match of this pattern
        if req is not None and low is not None and not any(
                present[k] if k in present else present.setdefault(k, k in low) for k in req):
            continue  # none of the words every match holds: no match (see _REQUIRED)
        # (a text with a letter that folds to ASCII under re.I is scanned in full)
        for m in rx.finditer(text) if starts is None or _OPENINGS[i] is None else _finditer(rx, text, starts[i]):
            if m.end() > m.start():
                found.append(_Cand(m.start(), m.end(), name, "grammar"))
    ents = [e for e in docview.view(doc).ents if e.label_ in ("DATE", "TIME")]
    ent_chars = set()
    for e in ents:
        ent_chars.update(range(e.start_char, e.end_char))
    keep: list[_Cand] = []
    for c in found:
        if c.name in ("year", "season", "month", "duration") and not _context_ok(doc, c, ent_chars):
            continue
        keep.append(c)
    # Longest first, then earliest: the greedy pick keeps "Thursday morning" over "Thursday".
    keep.sort(key=lambda c: (-(c.end - c.start), c.start))
    taken: list[_Cand] = []
    used = bytearray(len(text) + 1)
    for c in keep:
        if any(used[c.start:c.end]):
            continue
        taken.append(c)
        used[c.start:c.end] = b"\x01" * (c.end - c.start)
    for e in ents:
        if not any(used[e.start_char:e.end_char]):
            taken.append(_Cand(e.start_char, e.end_char, "ent", "spacy"))
    taken.sort(key=lambda c: c.start)
    return taken


def _context_ok(doc: Doc, c: _Cand, ent_chars: set[int]) -> bool:
    """Keep an ambiguous bare year/season/month/duration only in a date-like context."""
    if any(i in ent_chars for i in range(c.start, c.end)):
        return True
    span = docview.char_span(doc, c.start, c.end)
    if span is None:
        return False
    prev = doc[span.start - 1] if span.start > 0 else None
    if c.name == "month":
        # "May" and "March" are also words: a month needs a preposition/determiner before it.
        return prev is not None and prev.lower_ in (_YEAR_CUES | {"last", "next", "this", "every", "each"})
    if c.name == "year":
        nxt = doc[span.end] if span.end < len(doc) else None
        if nxt is not None and nxt.pos_ in ("NOUN",) and nxt.lower_ not in ("election", "elections"):
            return False  # "2000 troops"
        return prev is not None and prev.lower_ in _YEAR_CUES
    if c.name == "season":
        if re.match(r"(?:last|this|next) ", docview.view(doc).text[c.start:c.end], re.I):
            return True  # "this autumn": the determiner makes the season a date
        return prev is not None and prev.lower_ in (_YEAR_CUES | {"last", "next", "this"}) and span.root.pos_ == "NOUN"
    return span.root.pos_ in ("NOUN", "PROPN", "NUM", "ADJ")


def _extend(text: str, start: int, end: int, *, with_preposition: bool) -> tuple[int, int]:
    """Widen a span of ``text`` to the preposition that introduces it ("on Thursday", "since
    last November"). Takes the text, not the Doc: ``Doc.text`` is rebuilt on every access."""
    s = start
    # Trim a trailing possessive ("last month's visit" → "last month") and stray punctuation.
    e = end
    while e > s and text[e - 1] in " ,.;:":
        e -= 1
    if text[s:e].endswith("'s") or text[s:e].endswith("\u2019s"):
        e -= 2
    possessive = text[e:e + 2] in ("'s", "\u2019s")
    if with_preposition and not possessive:  # "in last month's vote": "in" belongs to "vote"
        m = re.search(r"(\b[A-Za-z]+)[ \t\u00a0]+$", text[max(0, s - 20):s])
        # "in"/"on"/"at" never introduce "next year" or "this week": in "kick in next year" the
        # "in" is the verb's particle ("since last November" keeps its "since").
        deictic = re.match(r"(?:this|that|last|next|these|those|today|tomorrow|yesterday|tonight)\b", text[s:e], re.I)
        if m and m.group(1).lower() in _PREPS and not (deictic and m.group(1).lower() in ("in", "on", "at")):
            s = s - len(m.group(0))
    return s, e


def find_timexes(
    doc: Doc,
    *,
    published: pd.Timestamp | date | None,
    with_preposition: bool = True,
    kinds: Iterable[str] = _DATE_KINDS,
    vague: bool = False,
    part_of_day: bool = False,
    use_dateparser: bool = True,
    timeml: bool = False,
) -> list[dict]:
    """Temporal expressions of one parsed text, in the text's own offsets, in document order.

    Each row holds ``start``, ``end``, ``text``, ``core_start``/``core_end`` (the expression
    without its preposition), the :class:`Resolved` fields and the ``tense`` used. ``kinds``
    selects TIMEX3 types (the chronology only needs DATE and TIME; TempEval also scores
    DURATION and SET); ``vague`` keeps PRESENT_REF/PAST_REF-style references. ``timeml=True``
    follows TimeML annotation instead of the news table: no prepositions, every type, vague
    references, part-of-day values, and "a day earlier" marked as the duration "a day" (TimeML
    makes "earlier" a signal; the news table wants the date it points to).
    """
    if timeml:
        with_preposition, kinds, vague, part_of_day = False, ("DATE", "TIME", "DURATION", "SET"), True, True
    anchor = _as_date(published)
    kinds = set(kinds)
    text = docview.view(doc).text
    rows: list[dict] = []
    previous: list[Resolved] = []
    spans: list[tuple[Resolved, tuple[int, int]]] = []
    quoted = _quoted(text)
    for c in _candidate_spans(doc, ranges=not timeml):
        core_s, core_e = _extend(text, c.start, c.end, with_preposition=False)
        if core_e <= core_s:
            continue
        core = text[core_s:core_e]
        if re.fullmatch(r"(?i)the weekend", core) and re.match(r"\s+of\b", text[core_e:core_e + 5]):
            continue  # "the weekend of 14 June": the date that follows says which
        span = docview.char_span(doc, core_s, core_e)
        tense = clause_tense(span.root) if span is not None else "unknown"
        if span is not None and tense in ("past", "present") and _deadline(span.root):
            tense = "future"
        res = resolve(core, anchor=anchor, tense=tense, previous=previous, part_of_day=part_of_day)
        if res is None and c.source == "spacy":
            res = _spacy_fallback(core, anchor=anchor, use_dateparser=use_dateparser)
        if res is None:
            continue
        base_span = None
        if res.anchor == "previous" and res.base is not None:
            base_span = next((sp for r0, sp in reversed(spans) if r0.start == res.base), None)
        # "Today" or "on Monday" inside quoted speech counts from the day the speaker spoke, which
        # the narration need not share: "a day earlier" in the narration chains from its own dates.
        speech_relative = quoted[c.start] and res.anchor == "published" and c.name in ("deictic", "weekday")
        if res.start is not None and res.kind in _DATE_KINDS and not speech_relative:
            previous.append(res)
            spans.append((res, _extend(text, c.start, c.end, with_preposition=with_preposition)))
        rel = re.fullmatch(rf"((?:almost|nearly|about|around|some|roughly|just|more than|less than|over) )?"
                           rf"((?:{_NUM}) {_UNIT}s?) (?:earlier|later|before|after|from now|hence)", core, re.I)
        if timeml and rel:
            core_s, core_e = core_s + rel.start(2), core_s + rel.end(2)
            res = _h_duration(rel.group(2))
            c = _Cand(core_s, core_e, "duration", c.source)
        if res.kind not in kinds:
            continue
        if not vague and res.value is not None and res.start is None and res.kind in _DATE_KINDS:
            continue  # PRESENT_REF and friends: no place on a timeline
        s, e = _extend(text, c.start, c.end, with_preposition=with_preposition) if with_preposition else (core_s, core_e)
        rows.append({"start": s, "end": e, "text": text[s:e], "core_start": core_s, "core_end": core_e,
                     "value": res.value, "date_start": res.start, "date_end": res.end, "anchor": res.anchor,
                     "type": res.kind, "granularity": res.granularity, "mod": res.mod, "tense": tense,
                     "source": c.source, "base": res.base, "base_span": base_span})
    _appositions(rows, text)
    return rows


_APPOSITION_GAP = re.compile(r"[\s,]*(?:\(\s*)?(?:on|in)?\s*")
#: Between the first dates of a list: a comma or a conjunction ("on Monday, on Tuesday and ...").
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and|or|&)?|and|or|&)\s*(?:on|in)?\s*")
_WEEKDAY_NAME = re.compile(rf"\b{_WD}")


def _appositions(rows: list[dict], text: str) -> None:
    """A day counted from an earlier date and named outright beside it ("A day earlier, on 2
    March, ..." / "Two days later (on Monday)") is the day it is named as: the count starts
    from the last date the text gave, which need not be the one it counts from.

    The named day must be a day (not a season or a year) and stand alone (not the first of a
    list: "The next day, on Monday and Tuesday"). A year it names wins; without one, it is
    placed next to the counted day (the same month and day in the nearest year, the same
    weekday within three days), not against the publication date, which a story about another
    year would get wrong, and the named date itself is placed there too; more than a month from
    the counted day, it is not the same day."""
    for i, (a, b) in enumerate(zip(rows, rows[1:])):
        if a["anchor"] != "previous" or b["anchor"] == "previous" or b["date_start"] is None:
            continue
        if a["granularity"] != "day" or b["granularity"] != "day" or a["date_start"] is None:
            continue
        if a["type"] not in _DATE_KINDS or b["type"] not in _DATE_KINDS or b["start"] < a["end"]:
            continue
        gap = text[a["end"]:b["start"]]
        if not (_APPOSITION_GAP.fullmatch(gap) and ("," in gap or "(" in gap)):
            continue
        c = rows[i + 2] if i + 2 < len(rows) else None
        tail = text[b["end"]:c["start"]] if c is not None and c["start"] >= b["end"] else None
        if tail is not None and _LIST_GAP.fullmatch(tail):
            continue
        counted, named = a["date_start"], b["date_start"]
        if b["anchor"] != "absolute":
            if _WEEKDAY_NAME.search(b["text"]) and not re.search(r"\d", b["text"]):
                named = counted + timedelta(days=(named.weekday() - counted.weekday() + 3) % 7 - 3)
            else:
                near = []
                for y in (counted.year - 1, counted.year, counted.year + 1):
                    try:
                        near.append(named.replace(year=y))
                    except ValueError:  # 29 February
                        continue
                if not near:
                    continue
                named = min(near, key=lambda d: abs((d - counted).days))
        if abs((named - counted).days) > 31:
            continue
        a["value"], a["date_start"], a["date_end"] = named.isoformat(), named, named
        a["anchor"], a["base"], a["base_span"] = "apposition", named, (b["start"], b["end"])
        if b["anchor"] != "absolute" and named != b["date_start"]:
            # the day it names is the counted one's: placed by it, not by the publication date
            b["value"], b["date_start"], b["date_end"] = named.isoformat(), named, named
            b["anchor"], b["base"], b["base_span"] = "apposition", counted, (a["start"], a["end"])


_QUOTE_MARKS = re.compile('[\u201c\u201d"\n]')


def _quoted(text: str) -> bytearray:
    """1 for each character of ``text`` inside quotation marks (curly pairs, or straight marks
    paired within a paragraph; a paragraph boundary closes an open quote)."""
    marks = bytearray(len(text) + 1)
    open_at = None
    # only the marks and line breaks matter: visit those (a loop over every character was slow)
    for m in _QUOTE_MARKS.finditer(text):
        i = m.start()
        ch = text[i]
        if ch == "\n":
            open_at = None
        elif ch == "\u201c" or (ch == '"' and open_at is None):
            open_at = i
        elif open_at is not None:  # a closing curly or straight mark
            marks[open_at:i] = b"\x01" * (i - open_at)
            open_at = None
    return marks


def _spacy_fallback(text: str, *, anchor: date | None, use_dateparser: bool) -> Resolved | None:
    """A spaCy DATE the grammar does not know: an absolute date dateparser can read, else vague."""
    if use_dateparser and re.search(r"\d", text) and re.search(r"[A-Za-z]{3}", text):
        import dateparser

        # Only absolute dates (year present): relative ones follow the grammar's conventions,
        # which dateparser does not share (it sends a bare "November" to the wrong year).
        if re.search(_YEAR, text):
            try:
                dt = dateparser.parse(text, settings={"REQUIRE_PARTS": ["year", "month", "day"],
                                                      "STRICT_PARSING": True})
            except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd input
                dt = None
            if dt is not None:
                return _day(dt.date(), "absolute")
    if re.search(r"\b(?:days?|weeks?|months?|years?|decades?|hours?|minutes?)\b", text, re.I):
        return _h_duration(text) if re.search(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b", text, re.I) else None
    return None


def _as_date(published) -> date | None:
    if published is None:
        return None
    try:
        if pd.isna(published):
            return None
    except (TypeError, ValueError):
        pass
    ts = pd.Timestamp(published)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC")
    return ts.date()


def doc_timexes(doc: Doc, art: Article, *, published: pd.Timestamp | None, **options) -> pd.DataFrame:
    """The ``timexes`` rows of one parsed article, resolved against ``published`` (raw offsets).

    Extra columns: ``type`` (TIMEX3 type), ``granularity``, ``mod`` (START/MID/END), ``tense``
    of the governing verb, ``clean_start``/``clean_end`` (offsets in the parsed text).
    ``options`` go to :func:`find_timexes`.
    """
    return timexes_frame(timex_rows(doc, art, published=published, **options))


#: Columns of the per-document timex rows: the table's, then the extra ones.
TIMEX_ROW_COLUMNS = TIMEX_COLUMNS + ["type", "granularity", "mod", "tense", "clean_start", "clean_end"]


def timexes_frame(rows: list[dict]) -> pd.DataFrame:
    """The ``timexes`` table (:data:`TIMEX_ROW_COLUMNS`) of some :func:`timex_rows` rows."""
    df = pd.DataFrame(rows, columns=TIMEX_ROW_COLUMNS)
    for c in ("date_start", "date_end"):
        df[c] = df[c].astype(DATE_DTYPE)
    return df


def timex_rows(doc: Doc, art: Article, *, published: pd.Timestamp | None, **options) -> list[dict]:
    """:func:`doc_timexes` as a list of row dicts (dates as ``datetime.date``; the build makes
    one frame per batch)."""
    rows = []
    for r in find_timexes(doc, published=published, **options):
        rs, re_ = art.view.span_to_raw(r["start"], r["end"])
        rows.append({"doc_id": art.doc_id, "text": art.raw[rs:re_], "start_char": rs, "end_char": re_,
                     "value": r["value"], "date_start": r["date_start"], "date_end": r["date_end"],
                     "anchor": _anchor_label(r, published, art), "type": r["type"],
                     "granularity": r["granularity"], "mod": r["mod"], "tense": r["tense"],
                     "clean_start": r["start"], "clean_end": r["end"]})
    return rows


def _anchor_label(row: dict, published, art: Article) -> str:
    """``published 2023-10-19`` / ``previous 1784-1803 (2023-10-19)`` (raw span of the date it
    was counted from) / ``apposition 812-822 (2025-03-02)`` (of the date named beside it) /
    ``absolute`` / ``""`` (unresolved)."""
    basis = row["anchor"]
    if basis == "published":
        return f"published {_as_date(published)}"
    if basis in ("previous", "apposition"):
        # "apposition": the date named beside it ("A day earlier, on 2 March")
        if row.get("base_span") is not None:
            rs, re_ = art.view.span_to_raw(*row["base_span"])
            return f"{basis} {rs}-{re_} ({row['base']})"
        return f"{basis} ({row['base']})"
    return basis


# ============================================================================ events

_PARTICIPANT_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT")
_NOT_PARTICIPANT = ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY")
_EVENT_NOUNS = {"meeting", "summit", "visit", "trip", "talks", "talk", "conference", "election", "attack",
                "interview", "speech", "vote", "agreement", "deal", "war", "invasion", "offensive", "tour",
                "session", "ceremony", "launch", "strike", "announcement", "arrival", "departure", "deliveries",
                "delivery", "negotiations", "exercise", "exercises", "test", "parade", "commission", "forum"}
CANDIDATE_COLUMNS = ["doc_id", "sent_start", "sent_end", "timex_start", "timex_end", "timex_text", "value",
                     "date_start", "date_end", "predicate", "event", "participant_texts",
                     "participant_spans", "evidence", "subject_span", "protagonist"]
_PERSONAL = {"he", "she", "him", "her"}
# A wire dateline opening a paragraph dates and places the report, so neither its date nor its
# names make a happening.
_DATELINE = DATELINE


def _predicate(doc: Doc, span: Span) -> Token:
    """The happening a date belongs to: an event noun it modifies ("the September summit",
    "last month's visit", "trip to Pyongyang in July"), else its governing verb."""
    root = span.root
    cur = root
    for _ in range(6):
        head = cur.head
        if head.i == cur.i:
            break
        if head.pos_ == "NOUN" and head.lemma_.lower() in _EVENT_NOUNS:
            return head
        if head.pos_ in ("VERB", "AUX"):
            # "a joint meeting scheduled for November": the participle describes the meeting,
            # which is the happening the date belongs to.
            if head.dep_ == "acl" and head.head.pos_ == "NOUN" and head.head.lemma_.lower() in _EVENT_NOUNS:
                return head.head
            return head
        cur = head
    return cur if cur.pos_ in ("VERB", "AUX", "NOUN") else root.head


def _describe(pred: Token, skip: set[int]) -> str:
    """A short description from the parse: subject, predicate, object and first prepositional
    phrase ("Lavrov had arrived in Pyongyang", "Sergei Shoigu's trip to Pyongyang")."""
    keep: set[int] = {pred.i}

    def add(tok: Token, limit: int) -> None:
        toks = [t for t in tok.subtree if t.i not in skip]
        if len(toks) <= limit:
            keep.update(t.i for t in toks)
        else:
            keep.add(tok.i)
            keep.update(t.i for t in tok.children
                        if t.dep_ in ("compound", "poss", "amod", "case") and t.i not in skip)
            for obj in (t for t in tok.children if t.dep_ == "pobj" and t.i not in skip):
                add(obj, 3)  # "meeting of the commission", not a bare "meeting of"

    has_subj = False
    for c in pred.children:
        if c.i in skip:
            continue
        if c.dep_ in ("nsubj", "nsubjpass", "agent"):
            if c.tag_ in ("WP", "WDT") and pred.dep_ == "relcl" and pred.head.pos_ in ("PROPN", "NOUN"):
                # "Lavrov, who laid wreaths": the description names Lavrov, not "who"
                head = pred.head
                keep.add(head.i)
                keep.update(t.i for t in head.children if t.dep_ in ("compound", "flat") and t.i not in skip)
                keep.update(t.i for t in head.lefts if t.dep_ == "compound")
                if pred.i - head.left_edge.i <= 8:  # "a four-year inquiry that began": the whole noun phrase
                    keep.update(t.i for t in head.subtree if t.i <= head.i and t.i not in skip)
            else:
                add(c, 6)
            has_subj = True
        elif c.dep_ in ("neg", "prt", "aux", "auxpass"):
            keep.add(c.i)
        elif c.dep_ in ("dobj", "attr", "compound", "poss", "amod", "nummod"):
            # An object after a comma of the clause is an afterthought the parser attached
            # (", a move that raised eyebrows"), not what was done.
            if c.i > pred.i and any(t.text == "," and t.head.i == pred.i for t in pred.doc[pred.i + 1:c.i]):
                continue
            add(c, 6)
        elif c.dep_ == "ccomp":  # "the US said deliveries were under way"
            doc = pred.doc
            left = c.left_edge
            if left.is_quote or left.i and doc[left.i - 1].is_quote:
                # a quotation: '"The worst is behind us," the governor said' is the saying; a
                # few words cut from the quote ("The worst is") would misquote it
                continue
            keep.add(c.i)
            for cc in c.children:
                if cc.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "neg", "acomp", "dobj") and cc.i not in skip:
                    add(cc, 4)
    if not has_subj and pred.dep_ in ("acl", "relcl") and pred.head.pos_ in ("NOUN", "PROPN"):
        head = pred.head  # "understanding established last year": the noun is what was established
        keep.add(head.i)
        keep.update(t.i for t in head.children if t.dep_ in ("compound", "amod", "poss") and t.i not in skip)
    preps = [c for c in pred.children if c.dep_ == "prep" and not any(t.i in skip for t in c.subtree)]
    if preps:
        add(preps[0], 7)
    lo, hi = min(keep), max(keep)
    # Skip what lies between a borrowed antecedent and its clause ("Lavrov, who laid" → "Lavrov laid").
    words = [t for t in pred.doc[lo:hi + 1] if t.i in keep and not t.is_space and t.tag_ not in ("WP", "WDT")
             and not (t.is_punct and t.i < pred.i and t.i + 1 < len(t.doc) and t.doc[t.i + 1].tag_ in ("WP", "WDT"))]
    out = "".join(t.text + (t.whitespace_ or (" " if i + 1 < len(words) and words[i + 1].i != t.i + 1 else ""))
                  for i, t in enumerate(words))
    out = re.sub(r"\s+", " ", out)
    return out.strip(" ,.;:\u201c\u201d\"")


def _event_text(pred: Token, skip: set[int], doc: Doc) -> str:
    """The description of a candidate: an event noun that is what a verb did or undid ("ended a
    strike", "reached an agreement") is told through that verb; a "he"/"she" subject is named
    ("Maria Jansen had warned ..."); a possessive cut from its date ("Today's decision") loses its "'s"."""
    head = pred
    if pred.pos_ == "NOUN" and pred.dep_ in ("dobj", "nsubjpass") and pred.head.pos_ == "VERB":
        head = pred.head
    text = _describe(head, skip) or pred.text
    subj = _subject(head) if head.pos_ in ("VERB", "AUX") else None
    if subj is not None and subj.lower_ in ("he", "she") and text.lower().startswith(subj.lower_ + " "):
        ante = _antecedent(doc, subj)
        if ante is not None:
            text = ante.text + text[len(subj.text):]
    return re.sub(r"^['\u2019]s\s+", "", text)


def _borrowed_subject(pred: Token) -> set[int]:
    """Tokens of the subject a subjectless predicate shares with the clause above it ("Lavrov
    said after arriving in the capital on Wednesday": Lavrov is who arrived)."""
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in pred.children):
        return set()
    cur = pred
    for _ in range(4):
        if cur.head.i == cur.i:
            break
        cur = cur.head
        subj = [c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subj:
            return {t.i for t in subj[0].subtree}
    return set()


def _title_modifier(ent: Span) -> bool:
    """A nationality inside a person's title ("Russian Foreign Minister Sergei Lavrov"): the
    person is the participant, the adjective only describes them."""
    if ent.label_ != "NORP":
        return False
    cur = ent.root
    for _ in range(4):
        if cur.dep_ not in ("amod", "compound", "nmod", "poss") or cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.ent_type_ == "PERSON":
            return True
    return False


def _describes_noun(ent: Span) -> bool:
    """A nationality that only describes a thing ("German yields", "the Irish regulator", "a
    European court"): an adjective or compound on a common noun, not someone taking part."""
    if ent.label_ != "NORP":
        return False
    root = ent.root
    return root.dep_ in ("amod", "compound", "nmod") and root.head.pos_ == "NOUN"


def _subject(pred: Token, skip: set[int] | frozenset[int] = frozenset()) -> Token | None:
    """The subject of the predicate's clause, or of the clause it hangs from ("He called the cut
    and had warned ...": "He" also warned; "the 22-year-old expected to undergo"); for a relative
    clause's "who"/"which", the noun the clause follows. Tokens in
    ``skip`` (a dateline the parser made a second subject) are passed over."""
    cur = pred
    for _ in range(5):
        subj = [c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in skip]
        if subj:
            if subj[0].tag_ in ("WP", "WDT") and cur.dep_ == "relcl" and cur.head.i != cur.i:
                return cur.head  # "Lavrov, who laid wreaths": the pronoun stands for the noun it follows
            return subj[0]
        if cur.dep_ not in ("conj", "xcomp", "advcl", "acl", "ccomp", "relcl", "pcomp") or cur.head.i == cur.i:
            return None
        cur = cur.head
    return None


def _clause(pred: Token) -> set[int]:
    """Token indices of the predicate's own clause: its subtree less the clauses hanging from it
    ("cut rates ... but signalled it could pause as U.S. tariffs loom": the U.S. is not a party to
    the cut) — who did what, not every name in the sentence."""
    out = {pred.i}
    stack = [c for c in pred.children if c.dep_ not in ("advcl", "ccomp", "conj", "parataxis", "relcl")]
    while stack:
        t = stack.pop()
        out.add(t.i)
        stack.extend(c for c in t.children if c.dep_ not in ("advcl", "ccomp", "relcl", "parataxis"))
    return out


def _antecedent(doc: Doc, pron: Token) -> Span | None:
    """The person a "he"/"she" stands for: the nearest PERSON named before it (as the quotes
    stage resolves speakers)."""
    best = None
    for e in docview.view(doc).ents:
        if e.start >= pron.i:
            break
        if e.label_ == "PERSON":
            best = e
    return best


def doc_event_candidates(doc: Doc, art: Article, timexes: pd.DataFrame) -> pd.DataFrame:
    """Dated happenings of one article before merging: one row per resolved DATE/TIME timex
    governed by a verb or an event noun. Participants are the named mentions (PERSON, ORG, GPE,
    NORP, LOC, FAC, EVENT; raw offsets, so canonical names can be looked up later) of the
    predicate's clause, else of the sentence, less nationalities that only describe a thing;
    ``subject_span`` is the subject's span (a "he"/"she" resolved to the person named before it),
    so a name the parser missed is still found in the mentions table; ``protagonist`` marks a
    happening with no name of its own ("The case returns to court in mid-June", "the next
    meeting"), which belongs to the article's main entity."""
    rows = timexes.to_dict("records") if timexes is not None and len(timexes) else []
    return event_candidates_frame(event_candidate_rows(doc, art, rows))


def event_candidates_frame(rows: list[dict]) -> pd.DataFrame:
    """The event candidates table (:data:`CANDIDATE_COLUMNS`) of some
    :func:`event_candidate_rows` rows."""
    df = pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
    for c in ("date_start", "date_end"):
        df[c] = df[c].astype(DATE_DTYPE)
    return df


def event_candidate_rows(doc: Doc, art: Article, timexes: list[dict]) -> list[dict]:
    """:func:`doc_event_candidates` as a list of row dicts, from :func:`timex_rows` rows (the
    build makes one frame per batch)."""
    rows: list[dict] = []
    kept = [r for r in timexes if not _missing(r["date_start"]) and r.get("type", "DATE") in _DATE_KINDS]
    if not kept:
        return rows
    dv = docview.view(doc)
    datelines = [m.span() for m in _DATELINE.finditer(dv.text)]
    in_dateline = {t.i for t in dv.tokens if any(a <= t.idx < b for a, b in datelines)} if datelines else set()
    for r in kept:
        cs, ce = int(r["clean_start"]), int(r["clean_end"])
        span = docview.char_span(doc, cs, ce)
        if span is None or span.start in in_dateline:
            continue
        sent = span.sent
        pred = _predicate(doc, span)
        if pred.pos_ not in ("VERB", "AUX", "NOUN"):
            continue  # a dateline ("FRANKFURT, March 6 (Reuters) -") dates the article, not a happening
        # Participants: named mentions in the predicate's clause, else in the whole sentence.
        scope = _clause(pred) if pred.pos_ in ("VERB", "AUX") else {t.i for t in pred.head.subtree}
        scope |= _borrowed_subject(pred)
        ents = [e for e in docview.span_ents(sent) if e.label_ in _PARTICIPANT_LABELS and not _title_modifier(e)
                and not _describes_noun(e) and e.start not in in_dateline]
        inside = [e for e in ents if e.root.i in scope]
        chosen = inside or ents
        subj = _subject(pred, in_dateline) if pred.pos_ in ("VERB", "AUX") else None
        subject_span = None
        described = False  # a subject that is a definite description naming no one ("the quake")
        if subj is not None and not span.start <= subj.i < span.end:
            sub_ents = [e for e in ents if subj.left_edge.i <= e.root.i <= subj.i]
            age = re.fullmatch(r"\d+-year-old", doc[subj.left_edge.i + 1:subj.i + 1].text.replace(" ", "")
                               if subj.left_edge.i < subj.i else "")
            if subj.lower_ in _PERSONAL or (age and subj.left_edge.lower_ == "the"):
                # "he", "she", "the 22-year-old": the person named last before it
                ante = _antecedent(doc, subj)
                if ante is not None and not any(e.start == ante.start for e in chosen):
                    chosen = [ante, *chosen]
            elif subj.tag_ not in ("PRP", "WP", "WDT", "EX"):
                described = (not sub_ents and subj.pos_ == "NOUN"
                             and any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children))
                toks = [t for t in subj.subtree if (t.dep_ not in ("relcl", "acl", "appos", "punct", "prep")
                        and t.i not in in_dateline) or t.i == subj.i]
                lo = min(t.idx for t in toks)
                hi = subj.idx + len(subj.text)
                subject_span = tuple(int(x) for x in art.view.span_to_raw(lo, hi))
        # An event noun with no name on it ("the next meeting") and a clause naming no one
        # ("The case returns to court") are the article's own story: its main entity takes part.
        bare_noun = pred.pos_ == "NOUN" and not any(e.root.i in {t.i for t in pred.subtree} for e in ents)
        protagonist = not chosen or bare_noun or described
        if not chosen and subject_span is None and not protagonist:
            continue
        spans, texts = [], []
        for e in chosen:
            rs, re_ = art.view.span_to_raw(e.start_char, e.end_char)
            spans.append((int(rs), int(re_)))
            texts.append(art.raw[rs:re_])
        ss, se = art.view.span_to_raw(sent.start_char, sent.end_char)
        skip = set(range(span.start, span.end)) | in_dateline
        rows.append({"doc_id": art.doc_id, "sent_start": ss, "sent_end": se, "timex_start": int(r["start_char"]),
                     "timex_end": int(r["end_char"]), "timex_text": r["text"], "value": r["value"],
                     "date_start": r["date_start"], "date_end": r["date_end"], "predicate": pred.lemma_.lower(),
                     "event": _event_text(pred, skip, doc), "participant_texts": texts,
                     "participant_spans": spans, "evidence": f"{art.doc_id}:{ss}-{se}",
                     "subject_span": subject_span, "protagonist": protagonist})
    return rows


def _missing(v: object) -> bool:
    """``None``, ``NaT`` or NaN: a date column's value read from rows or from a frame."""
    return v is None or v is pd.NaT or (isinstance(v, float) and v != v)


def event_candidates_with_names(candidates: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Candidates with ``participants``: canonical entity names (``mentions.entity``) of the
    mentions overlapping each participant span, falling back to the span's own text."""
    cands = candidates.copy()
    places: dict[str, str] = {}
    index = MentionIndex(None)
    if mentions is not None and len(mentions):
        m = mentions if "label" in mentions.columns else mentions.assign(label="")
        # Vectorised tests and row selections that keep the build's categorical columns as
        # they are: an object array or a Python list per mention costs ~10 MB per million.
        ent = m["entity"]
        keep = (~m["label"].isin(_NOT_PARTICIPANT) & ent.notna() & (ent != "")).to_numpy(dtype=bool)
        sub = m.loc[keep, ["doc_id", "start_char", "end_char", "entity", "label", "text"]]
        gpe = sub[(sub["label"] == "GPE").to_numpy(dtype=bool)]
        for txt, name in zip(gpe["text"], gpe["entity"], strict=True):
            places.setdefault(str(txt).strip(), name)
        del gpe
        index = MentionIndex(sub, columns=("entity", "label"))
        del sub
    ents, labs = index.cols.get("entity"), index.cols.get("label")

    def mentions_in(doc_id: str, s: int | None = None, e: int | None = None) -> list[tuple[int, int, str, str]]:
        """(start, end, entity, label) of a document's mentions, or of those over [s, e)."""
        rows = index.rows(doc_id) if s is None else index.overlapping(doc_id, s, e)
        return [(int(index.start[j]), int(index.end[j]), ents[j], labs[j]) for j in rows]

    # The article's main entity: the one it names most often (a nationality never is).
    main_of: dict[str, tuple[int, int, str] | None] = {}

    def main(doc_id: str) -> tuple[int, int, str] | None:
        if doc_id not in main_of:
            counts: dict[str, int] = {}
            first: dict[str, tuple[int, int, str]] = {}
            for s, e, ent, lab in mentions_in(doc_id):
                if lab in ("PERSON", "ORG", "GPE", "LOC"):
                    counts[ent] = counts.get(ent, 0) + 1
                    first.setdefault(ent, (s, e, ent))
            main_of[doc_id] = first[max(counts, key=lambda k: (counts[k], -first[k][0]))] if counts else None
        return main_of[doc_id]

    n = len(cands)
    subj_col = cands["subject_span"] if "subject_span" in cands.columns else pd.Series([None] * n, index=cands.index)
    prot_col = cands["protagonist"] if "protagonist" in cands.columns else pd.Series([False] * n, index=cands.index)
    names_col, strong_col, inferred_col = [], [], []
    for doc_id, spans, texts, subj, prot in zip(cands["doc_id"], cands["participant_spans"],
                                                 cands["participant_texts"], subj_col, prot_col, strict=False):
        names: list[str] = []
        strong: list[str] = []
        spans, texts = list(spans), list(texts)
        if subj is not None and not (isinstance(subj, float) and pd.isna(subj)):
            # A subject the parser left unnamed ("Isabel Schnabel", "the 22-year-old") is the
            # mention the entity stage found there (the longest one overlapping it).
            ss, se = int(subj[0]), int(subj[1])
            hits = [(me - ms, ms, me, ent) for ms, me, ent, lab in mentions_in(doc_id, ss, se) if lab != "NORP"]
            if hits:
                _, ms, me, ent = max(hits)
                if not any(min(e, me) > max(s, ms) for s, e in spans):
                    spans.insert(0, (ms, me))
                    texts.insert(0, ent)
        inferred = None
        if prot and main(doc_id) is not None:
            ms, me, ent = main(doc_id)
            spans.append((ms, me))
            texts.append(ent)
            inferred = len(spans) - 1
        from_text: list[str] = []
        for k, ((s, e), t) in enumerate(zip(spans, texts, strict=False)):
            hits = [(min(e, me) - max(s, ms), ent, lab) for ms, me, ent, lab in mentions_in(doc_id, s, e)]
            name, lab = (max(hits)[1], max(hits)[2]) if hits else (t, "")
            if lab in ("NORP", ""):
                # A nationality stands for its country when the corpus names that country.
                name = _country_of(t, places) or name
            elif name not in strong:
                strong.append(name)
            if name not in names:
                names.append(name)
            if k != inferred:
                from_text.append(name)
        names_col.append(names)
        strong_col.append(strong)
        inferred_col.append([x for x in names if x not in from_text])
    cands["participants"] = names_col
    cands["named_participants"] = strong_col  # named outright, not through a nationality ("Russian media")
    cands["inferred_participants"] = inferred_col  # the article's main entity, named nowhere in the sentence
    return cands


def _country_of(demonym: str, places: dict[str, str]) -> str | None:
    """The place a nationality word names, from the corpus's own GPE mentions ("North Korean" →
    "North Korea", "Russian" → "Russia", "Ukrainian" → "Ukraine"): a place name that, less its
    last letter, starts the word, which is at most three letters longer. No country list: only
    places the corpus mentions are candidates, and their canonical entity is used."""
    d = " ".join(demonym.replace("\u2019", "'").split()).removesuffix("'s")
    best = None
    for place, ent in places.items():
        if len(place) >= 4 and d.startswith(place[:-1]) and 0 < len(d) - len(place) <= 3:
            if best is None or len(place) > len(best[0]):
                best = (place, ent)
    return best[1] if best else None


def _ts(v) -> pd.Timestamp:
    return pd.Timestamp(v).tz_localize(None) if pd.Timestamp(v).tzinfo else pd.Timestamp(v)


def merge_events(candidates: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Merge candidates from all articles into the ``events`` table.

    Candidates join one event when their date ranges nest (the wider one holds the narrower:
    "in September" and "September 13") and they share a participant, and either share the
    predicate or two participants named outright (not through a nationality). Narrow candidates are placed first, so the event keeps the
    most precise date reported. Extra columns: ``predicate``, ``n_sources``, ``values``
    (every date value reported), ``reports`` (``doc_id: expression (value)`` per source),
    ``n_candidates`` (how many sentences) and ``inferred_participants``: participants no
    source sentence names, the article's main entity taken for a happening with no name of its
    own ("the next meeting", "The case returns to court in mid-June"); filter them out for
    only what the text says.
    """
    if candidates is None or not len(candidates):
        return _events_frame([])
    cands = event_candidates_with_names(candidates, mentions)
    cands = cands[cands["date_start"].notna()].copy()
    cands["t_a"] = cands["date_start"].map(_ts).astype(DATE_DTYPE)
    cands["t_b"] = cands["date_end"].map(_ts).astype(DATE_DTYPE)
    cands["t_w"] = (cands["t_b"] - cands["t_a"]).dt.days
    cands = cands.sort_values(["t_w", "t_a", "doc_id", "sent_start", "timex_start"], kind="stable")
    clusters: list[dict] = []
    # seed participant -> sorted (start, cluster index): only clusters that share a participant
    # and start inside the candidate's range can take it (keeps big corpora near-linear).
    by_part: dict[str, list[tuple[pd.Timestamp, int]]] = {}
    for r in cands.itertuples(index=False):
        parts = set(r.participants)
        best, best_score = None, 0
        near: set[int] = set()
        for p in parts:
            lst = by_part.get(p)
            if lst:
                lo = bisect.bisect_left(lst, (r.t_a, -1))
                hi = bisect.bisect_right(lst, (r.t_b, len(clusters)))
                near.update(i for _, i in lst[lo:hi])
        for cl in (clusters[i] for i in sorted(near)):
            if not (cl["a"] >= r.t_a and cl["b"] <= r.t_b):  # the cluster's (narrower) range sits inside
                continue
            # Compare with the first (most precise) report only: matching on the growing union
            # would let one crowded sentence chain unrelated events together.
            shared = len(parts & cl["seed"])
            if shared == 0:
                continue
            same_pred = r.predicate in cl["preds"]
            # Without the same predicate, two participants named outright must agree: "Russian
            # media" is not enough to join Lavrov's interview to his talks with Kim that day.
            if not (same_pred or len(set(r.named_participants) & cl["seed_named"]) >= 2):
                continue
            score = shared + 2 * same_pred
            if score > best_score:
                best, best_score = cl, score
        if best is None:
            # names, docs, evidence and values are dicts used as ordered sets: a list's `in` made
            # an event reported by thousands of articles cost the square of that
            best = {"a": r.t_a, "b": r.t_b, "seed": parts, "seed_named": set(r.named_participants), "parts": set(),
                    "names": {}, "in_text": set(), "preds": [], "docs": {}, "evidence": {}, "values": {}, "events": [],
                    "reports": [], "n": 0}
            clusters.append(best)
            for p in parts:
                bisect.insort(by_part.setdefault(p, []), (r.t_a, len(clusters) - 1))
        best["parts"] |= parts
        best["names"].update(dict.fromkeys(r.participants))
        best["in_text"].update(x for x in r.participants if x not in r.inferred_participants)
        best["preds"].append(r.predicate)
        best["docs"].setdefault(r.doc_id)
        best["evidence"].setdefault(r.evidence)
        best["values"].setdefault(r.value)
        best["reports"].append(f"{r.doc_id}: {r.timex_text} ({r.value})")
        best["events"].append(r.event)
        best["n"] += 1
    rows = []
    for cl in sorted(clusters, key=lambda c: (c["a"], c["b"])):
        # the most reported predicate; a tie goes to the first reported (a set would leave
        # it to string hashing, which differs between runs)
        pred = Counter(cl["preds"]).most_common(1)[0][0]
        # The most precise source's description, unless it is too thin ("joint meeting") and
        # another source says more ("upcoming meeting of the intergovernmental commission").
        desc = cl["events"][0]
        if len(str(desc).split()) < 4:
            desc = max(cl["events"], key=lambda d: min(len(str(d).split()), 12))
        rows.append({"event": desc, "date_start": cl["a"], "date_end": cl["b"],
                     "participants": list(cl["names"]), "reported_in": sorted(cl["docs"]), "evidence": list(cl["evidence"]),
                     "predicate": pred, "n_sources": len(cl["docs"]), "values": list(cl["values"]),
                     "reports": list(dict.fromkeys(cl["reports"])), "n_candidates": cl["n"],
                     "inferred_participants": [x for x in cl["names"] if x not in cl["in_text"]]})
    return _events_frame(rows)


def _events_frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=EVENT_COLUMNS[1:] + ["predicate", "n_sources", "values", "reports", "n_candidates",
                                                          "inferred_participants"])
    out.insert(0, "event_id", [f"V{i:04d}" for i in range(len(out))])
    for c in ("date_start", "date_end"):
        out[c] = out[c].astype(DATE_DTYPE)
    return out


def date_disagreements(events: pd.DataFrame, *, max_gap_days: int = 31) -> pd.DataFrame:
    """Where articles disagree about a date: pairs of events (from :func:`merge_events`) with the
    same predicate and participants in common (two, or all of the smaller list) whose date
    ranges do not overlap but lie within ``max_gap_days`` of each other, reported by different
    articles. A coarser date that holds a finer one ("in September" / "September 13") is not a
    disagreement: merging already joined them."""
    cols = ["predicate", "participants", "event_a", "dates_a", "reported_a", "event_b", "dates_b", "reported_b"]
    if events is None or not len(events) or "predicate" not in events.columns:
        return pd.DataFrame(columns=cols)
    recs = events.to_dict("records")
    for r in recs:  # plain day numbers and sets once, not per pair
        r["_a"] = _ts(r["date_start"]).toordinal()
        r["_b"] = _ts(r["date_end"]).toordinal()
        r["_p"] = set(r["participants"])
        r["_d"] = set(r["reported_in"])
    recs.sort(key=lambda r: (r["predicate"], r["_a"]))
    rows = []
    for i, x in enumerate(recs):
        for y in recs[i + 1:]:
            # Sorted by predicate and start: stop once past the predicate or the gap allowed.
            if y["predicate"] != x["predicate"] or y["_a"] - x["_b"] > max_gap_days:
                break
            if x["_d"] == y["_d"]:
                continue
            shared = x["_p"] & y["_p"]
            if not shared or len(shared) < min(2, len(x["_p"]), len(y["_p"])):
                continue
            gap = max(y["_a"] - x["_b"], x["_a"] - y["_b"])
            # Dates that do not overlap, but not so far apart that they are plainly two occasions
            # (a September summit and a November commission are both "meetings" of the same pair).
            if 0 < gap <= max_gap_days:
                rows.append({"predicate": x["predicate"], "participants": sorted(shared),
                             "event_a": x["event"], "dates_a": ", ".join(map(str, x.get("values") or [])),
                             "reported_a": list(x["reported_in"]), "event_b": y["event"],
                             "dates_b": ", ".join(map(str, y.get("values") or [])), "reported_b": list(y["reported_in"])})
    return pd.DataFrame(rows, columns=cols)
