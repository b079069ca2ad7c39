"""Chronology: the resolver (hand-checked values and properties), the timexes and events of
the seeds against the gold files, and event merging on small hand-made tables."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import chronology as chronology_module
from kit.chronology import (
    date_disagreements,
    find_timexes,
    iso_week,
    merge_events,
    month_on,
    resolve,
    weekday_on,
)

D = date.fromisoformat

# --------------------------------------------------------------------------- resolver, by hand

# (text, anchor, tense, value, start, end): the first block is the seeds' gold, the rest hand-checked.
CASES = [
    ("November", "2023-10-19", "future", "2023-11", "2023-11-01", "2023-11-30"),
    ("in September", "2023-10-19", "unknown", "2023-09", "2023-09-01", "2023-09-30"),
    ("mid-September", "2023-10-19", "past", "2023-09", "2023-09-11", "2023-09-20"),
    ("on Thursday morning", "2023-10-19", "past", "2023-10-19", "2023-10-19", "2023-10-19"),
    ("Last week", "2023-10-19", "past", "2023-W41", "2023-10-09", "2023-10-15"),
    ("this week", "2023-10-20", "past", "2023-W42", "2023-10-16", "2023-10-22"),
    ("last month", "2023-10-20", "present", "2023-09", "2023-09-01", "2023-09-30"),
    ("on Wednesday", "2023-10-20", "past", "2023-10-18", "2023-10-18", "2023-10-18"),
    ("this week", "2025-07-09", "future", "2025-W28", "2025-07-07", "2025-07-13"),
    ("on Friday", "2025-07-09", "present", "2025-07-11", "2025-07-11", "2025-07-11"),
    ("since last November", "2025-07-09", "past", "2024-11", "2024-11-01", "2024-11-30"),
    ("last year", "2025-07-09", "past", "2024", "2024-01-01", "2024-12-31"),
    ("next month", "2023-09-24", "future", "2023-10", "2023-10-01", "2023-10-31"),
    ("September 13", "2023-09-24", "unknown", "2023-09-13", "2023-09-13", "2023-09-13"),
    # hand-checked
    ("November", "2023-10-19", "past", "2022-11", "2022-11-01", "2022-11-30"),
    ("on Friday", "2023-10-19", "past", "2023-10-13", "2023-10-13", "2023-10-13"),
    ("on Friday", "2023-10-19", "future", "2023-10-20", "2023-10-20", "2023-10-20"),
    ("last Friday", "2023-10-20", "unknown", "2023-10-13", "2023-10-13", "2023-10-13"),
    ("yesterday", "2023-10-20", "past", "2023-10-19", "2023-10-19", "2023-10-19"),
    ("three years ago", "2023-10-20", "past", "2020", "2020-01-01", "2020-12-31"),
    ("early 2011", "2013-03-22", "past", "2011", "2011-01-01", "2011-04-30"),
    ("late July", "2023-10-20", "past", "2023-07", "2023-07-21", "2023-07-31"),
    ("the 1990s", "2023-10-20", "past", "199", "1990-01-01", "1999-12-31"),
    ("May 2010", "2013-03-22", "past", "2010-05", "2010-05-01", "2010-05-31"),
    ("Feb. 28", "2013-03-21", "past", "2013-02-28", "2013-02-28", "2013-02-28"),
    ("March 13, 2024", None, "unknown", "2024-03-13", "2024-03-13", "2024-03-13"),
    ("last summer", "2013-03-22", "past", "2012-SU", "2012-06-01", "2012-08-31"),
    ("the third quarter of 2023", None, "unknown", "2023-Q3", "2023-07-01", "2023-09-30"),
    ("next year", "2013-03-22", "future", "2014", "2014-01-01", "2014-12-31"),
    ("June last year", "1998-03-05", "past", "1997-06", "1997-06-01", "1997-06-30"),
    ("nearly four years ago", "1998-03-05", "past", "1994", "1994-01-01", "1994-12-31"),
    ("earlier Sunday", "1998-03-05", "past", "1998-03-01", "1998-03-01", "1998-03-01"),
    ("18-19 October 2023", None, "unknown", "2023-10-18/2023-10-19", "2023-10-18", "2023-10-19"),
    ("Oct. 18-19", "2023-10-25", "past", "2023-10-18/2023-10-19", "2023-10-18", "2023-10-19"),
    ("1957-58", None, "unknown", "1957/1958", "1957-01-01", "1958-12-31"),
]


@pytest.mark.parametrize(("text", "anchor", "tense", "value", "start", "end"), CASES)
def test_resolve_cases(text, anchor, tense, value, start, end):
    r = resolve(text, anchor=D(anchor) if anchor else None, tense=tense)
    assert r is not None
    assert (r.value, r.start, r.end) == (value, D(start), D(end))
    assert r.anchor == ("published" if anchor and not re.search(r"\d{4}", text) else "absolute")


@pytest.mark.parametrize(("text", "prev", "value"), [
    ("a day earlier", "2023-10-19", "2023-10-18"),
    ("two days later", "2023-10-19", "2023-10-21"),
    ("the next day", "2023-10-31", "2023-11-01"),
    ("the day before", "2024-03-01", "2024-02-29"),
])
def test_resolve_chains_from_previous_date(text, prev, value):
    previous = resolve(prev, anchor=None)
    r = resolve(text, anchor=D("2030-01-01"), previous=[previous])
    assert (r.value, r.anchor) == (value, "previous")


def test_chain_needs_a_fine_enough_previous_date():
    # "in September" cannot anchor "a day earlier": fall back to the publication date.
    month = resolve("in September", anchor=D("2023-10-19"))
    r = resolve("a day earlier", anchor=D("2023-10-19"), previous=[month])
    assert (r.value, r.anchor) == ("2023-10-18", "published")


@pytest.mark.parametrize("text", ["on Thursday", "last week", "November", "a day earlier", "next month",
                                  "yesterday", "mid-September", "this year"])
def test_relative_expressions_stay_unresolved_without_a_date(text):
    r = resolve(text, anchor=None)
    assert r is not None and r.value is None and r.start is None and r.anchor == ""


@pytest.mark.parametrize("text", ["Lavrov", "the meeting", "troops", "Thursday's paper trail"])
def test_non_expressions_are_not_resolved(text):
    assert resolve(text, anchor=D("2023-10-19")) is None


# --------------------------------------------------------------------------- resolver, properties

dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2080, 12, 31))
tenses = st.sampled_from(["past", "future", "present", "unknown"])
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


@settings(max_examples=200, deadline=None)
@given(anchor=dates, wd=st.integers(0, 6), tense=tenses, prep=st.sampled_from(["", "on "]))
def test_weekday_property(anchor, wd, tense, prep):
    r = resolve(prep + WEEKDAYS[wd], anchor=anchor, tense=tense)
    assert r.start == r.end and r.start.weekday() == wd
    assert abs((r.start - anchor).days) <= 6
    if tense == "past":
        assert r.start <= anchor
    if tense == "future":
        assert r.start >= anchor
    assert r.start == weekday_on(wd, anchor, tense)


@settings(max_examples=200, deadline=None)
@given(anchor=dates, m=st.integers(1, 12), tense=tenses, mod=st.sampled_from(["", "early ", "mid-", "late "]))
def test_month_property(anchor, m, tense, mod):
    r = resolve(mod + MONTHS[m - 1], anchor=anchor, tense=tense)
    assert r.start <= r.end
    assert r.start.month == m == r.end.month
    assert r.value == f"{r.start.year}-{m:02d}"
    assert r.start.year == month_on(m, anchor, tense)
    if tense == "past":
        assert (r.start.year, m) <= (anchor.year, anchor.month)
    if tense == "future":
        assert (r.start.year, m) >= (anchor.year, anchor.month)


@settings(max_examples=200, deadline=None)
@given(anchor=dates, tense=tenses, text=st.sampled_from([
    "last week", "this week", "next week", "last month", "this month", "next month", "last year", "next year",
    "yesterday", "tomorrow", "today", "two weeks ago", "three months ago", "last summer", "next winter",
    "early this year", "late last year", "the end of this month", "last quarter", "the 1990s", "early next week",
    "last November", "next May", "this spring",
]))
def test_ranges_are_ordered_and_hold_their_value(anchor, tense, text):
    r = resolve(text, anchor=anchor, tense=tense)
    assert r is not None and r.start is not None
    assert r.start <= r.end
    if re.fullmatch(r"\d{4}-W\d\d", r.value):
        week, monday, sunday = iso_week(r.start)
        assert week == r.value and monday <= r.start <= r.end <= sunday
        assert (r.start, r.end) == (monday, sunday) or r.mod in ("START", "END")
    if re.fullmatch(r"\d{4}-\d\d", r.value):
        assert r.start.strftime("%Y-%m") == r.value == r.end.strftime("%Y-%m")
    if text.startswith("last") or text in ("yesterday",) or text.endswith("ago"):
        assert r.start <= anchor
    if text.startswith("next") or text == "tomorrow":
        assert r.end >= anchor


@settings(max_examples=100, deadline=None)
@given(prev=dates, n=st.integers(1, 12), unit=st.sampled_from(["day", "week"]),
       rel=st.sampled_from(["earlier", "later"]))
def test_chained_offsets_move_by_exactly_that_much(prev, n, unit, rel):
    text = f"{n} {unit}{'s' if n > 1 else ''} {rel}"
    r = resolve(text, anchor=prev + timedelta(days=400), previous=[resolve(prev.isoformat(), anchor=None)])
    delta = timedelta(days=n * (7 if unit == "week" else 1)) * (1 if rel == "later" else -1)
    assert r.anchor == "previous"
    assert r.start <= prev + delta <= r.end


# --------------------------------------------------------------------------- seeds against gold


def _dates(row) -> tuple[str, str]:
    return str(pd.Timestamp(row.date_start).date()), str(pd.Timestamp(row.date_end).date())


def test_seed_timexes_match_gold(seeds_tables, gold):
    tx = seeds_tables.timexes
    misses = []
    for g in gold["timexes"]:
        hits = tx[(tx.doc_id == g["doc_id"]) & (tx.start_char < g["end_char"]) & (tx.end_char > g["start_char"])]
        if not any(_dates(r) == (g["date_start"], g["date_end"]) for r in hits.itertuples()):
            misses.append(g["text"])
    assert len(misses) <= 2, misses  # target value F1 >= 0.90; 27/27 when written


@pytest.mark.parametrize(("doc_id", "start", "text", "value"), [
    ("001_2ccd8ab5c758b667", 1784, "on Thursday morning", "2023-10-19"),
    ("001_2ccd8ab5c758b667", 1830, "a day earlier", "2023-10-18"),
    ("001_2ccd8ab5c758b667", 2250, "Last week", "2023-W41"),
    ("001_2ccd8ab5c758b667", 1017, "mid-September", "2023-09"),
    ("003_b635026d472f7ad1", 2118, "since last November", "2024-11"),
    ("002_96ebd0cb3ac89dc6", 2820, "in November", "2023-11"),
])
def test_seed_timex_spans_and_values(seeds_tables, doc_id, start, text, value):
    tx = seeds_tables.timexes
    row = tx[(tx.doc_id == doc_id) & (tx.start_char == start)]
    assert len(row) == 1
    r = row.iloc[0]
    assert (r.text, r.end_char - r.start_char, r.value) == (text, len(text), value)


def test_seed_timex_rows_point_into_raw(seeds_tables, seeds_corpus):
    raw = {a.doc_id: a.raw for a in seeds_corpus.articles}
    tx = seeds_tables.timexes
    assert len(tx)
    for r in tx.itertuples():
        assert raw[r.doc_id][r.start_char:r.end_char] == r.text
        if r.value is not None and not pd.isna(r.date_start):
            assert r.date_start <= r.date_end
    # "a day earlier" chains from the date before it and says so
    chained = tx[tx.text == "a day earlier"].iloc[0]
    assert chained.anchor.startswith("previous 1784-1803")


def test_seed_events_recall(seeds_tables, gold):
    canon = {}

    def norm(s: str) -> str:
        t = " ".join(str(s).replace("\u2019", "'").split()).lower()
        return t[4:] if t.startswith("the ") else t

    for c in gold["entities"]["clusters"]:
        for s in [c["entity"], *c["surface_forms"]]:
            canon[norm(s)] = norm(c["entity"])
    ev = seeds_tables.events
    assert set(ev.columns) >= {"event_id", "event", "date_start", "date_end", "participants", "reported_in", "evidence"}
    found = []
    for g in gold["events"]:
        g0, g1 = pd.Timestamp(g["date_start"]), pd.Timestamp(g["date_end"])
        gp = {canon.get(norm(x), norm(x)) for x in g["participants"]}
        found.append(any(
            p.date_start <= g1 and g0 <= p.date_end and (p.date_end - p.date_start).days <= max(31, 2 * (g1 - g0).days)
            and {canon.get(norm(x), norm(x)) for x in p.participants} & gp for p in ev.itertuples()))
    assert sum(found) / len(found) >= 0.8, [g["event"] for g, f in zip(gold["events"], found, strict=True) if not f]
    for r in ev.itertuples():
        for e in r.evidence:
            assert re.fullmatch(r"[\w]+:\d+-\d+", e) and e.split(":")[0] in r.reported_in


def test_seed_events_merge_across_articles(seeds_tables):
    ev = seeds_tables.events
    # Lavrov's arrival on 18 October 2023 is told in two articles ("a day earlier", "on Wednesday").
    arr = ev[(ev.date_start == pd.Timestamp("2023-10-18")) & ev.participants.map(lambda p: "Sergey Lavrov" in p
                                                                                  or "Sergei Lavrov" in p or "Lavrov" in p)]
    assert len(arr) >= 1
    assert max(len(r) for r in ev.reported_in) >= 2


def test_document_without_date_leaves_relative_expressions_unresolved():
    from kit.nlp import load_pipeline

    doc = load_pipeline()("The minister arrived on Thursday and left a day later. The treaty was signed in March 2014.")
    rows = find_timexes(doc, published=None)
    by_text = {r["text"]: r for r in rows}
    assert by_text["on Thursday"]["value"] is None and by_text["on Thursday"]["date_start"] is None
    assert by_text["a day later"]["value"] is None
    assert by_text["in March 2014"]["value"] == "2014-03"


# --------------------------------------------------------------------------- merging, by hand


def _cand(doc_id, start, ds, de, pred, names, value):
    return {"doc_id": doc_id, "sent_start": start, "sent_end": start + 50, "timex_start": start, "timex_end": start + 5,
            "timex_text": value, "value": value, "date_start": pd.Timestamp(ds), "date_end": pd.Timestamp(de),
            "predicate": pred, "event": f"{pred} event", "participant_texts": names,
            "participant_spans": [(start + 10 * i, start + 10 * i + 5) for i in range(len(names))],
            "evidence": f"{doc_id}:{start}-{start + 50}"}


def test_merge_events_nested_dates_and_shared_participants():
    cands = pd.DataFrame([
        _cand("a", 0, "2023-09-01", "2023-09-30", "meet", ["Putin", "Kim"], "2023-09"),
        _cand("b", 100, "2023-09-13", "2023-09-13", "meet", ["Vladimir Putin", "Kim Jong Un"], "2023-09-13"),
        _cand("c", 200, "2023-09-13", "2023-09-13", "launch", ["NASA"], "2023-09-13"),
    ])
    # the mentions table names "Putin" in doc a as the canonical "Vladimir Putin"
    mentions = pd.DataFrame([
        {"doc_id": "a", "start_char": 0, "end_char": 5, "text": "Putin", "label": "PERSON", "entity": "Vladimir Putin"},
        {"doc_id": "a", "start_char": 10, "end_char": 13, "text": "Kim", "label": "PERSON", "entity": "Kim Jong Un"},
    ])
    ev = merge_events(cands, mentions)
    assert len(ev) == 2
    summit = ev[ev.predicate == "meet"].iloc[0]
    assert summit.reported_in == ["a", "b"]
    assert (summit.date_start, summit.date_end) == (pd.Timestamp("2023-09-13"), pd.Timestamp("2023-09-13"))
    assert set(summit.participants) == {"Vladimir Putin", "Kim Jong Un"}
    assert summit.evidence == ["b:100-150", "a:0-50"]


def test_disagreements_are_non_overlapping_dates_for_the_same_happening():
    cands = pd.DataFrame([
        _cand("a", 0, "2023-10-18", "2023-10-18", "arrive", ["Lavrov", "Pyongyang"], "2023-10-18"),
        _cand("b", 0, "2023-10-17", "2023-10-17", "arrive", ["Lavrov", "Pyongyang"], "2023-10-17"),
        _cand("c", 0, "2023-10-01", "2023-10-31", "arrive", ["Lavrov", "Pyongyang"], "2023-10"),
    ])
    ev = merge_events(cands, pd.DataFrame(columns=["doc_id", "start_char", "end_char", "text", "label", "entity"]))
    assert len(ev) == 2  # the month joins the first day; the other day stays apart
    dis = date_disagreements(ev)
    assert len(dis) == 1
    dates = sorted([dis.iloc[0].dates_a, dis.iloc[0].dates_b])
    assert dates in (["2023-10-17", "2023-10-18, 2023-10"], ["2023-10-17, 2023-10", "2023-10-18"])
    assert sorted(dis.iloc[0].participants) == ["Lavrov", "Pyongyang"]


def test_gold_files_are_what_the_tests_assume(gold):
    assert len(gold["timexes"]) == 27 and len(gold["events"]) == 12
    assert json.dumps(gold["timexes"][0])


@pytest.mark.parametrize(("text", "anchor", "tense", "value"), [
    ("Thanksgiving Day", "1999-12-01", "past", "1999-11-25"),  # fourth Thursday of November
    ("Election Day", "2023-10-01", "future", "2023-11-07"),  # Tuesday after the first Monday
    ("last Christmas", "2024-03-01", "unknown", "2023-12-25"),
    ("Easter 2024", None, "unknown", "2024-03-31"),
])
def test_holidays(text, anchor, tense, value):
    r = resolve(text, anchor=D(anchor) if anchor else None, tense=tense)
    assert (r.value, r.start, r.end) == (value, D(value), D(value))


@pytest.mark.parametrize(("text", "value"), [("daily", "P1D"), ("every Thursday", "XXXX-WXX-4"),
                                             ("each morning", "XXXX-XX-XXTMO"), ("three-day", "P3D"),
                                             ("recent weeks", "PXW"), ("now", "PRESENT_REF"),
                                             ("the past decade", "P10Y"), ("two years", "P2Y")])
def test_sets_durations_and_vague_references_have_no_calendar_range(text, value):
    r = resolve(text, anchor=D("2023-10-19"))
    assert r.value == value and r.start is None and r.end is None


def test_other_outlet_wire_story():
    """A wire story from the fixtures (not a seed): dateline, weekday, a month after "agreed to",
    and "A day earlier" counted from the weekday, not from the month between them."""
    from pathlib import Path

    from kit.chronology import doc_timexes
    from kit.corpus import read_corpus
    from kit.nlp import load_pipeline, parse

    corpus = read_corpus(Path(__file__).parent / "fixtures" / "other_corpus")
    art = corpus.article("wire_summit")
    (_, doc), = list(parse(load_pipeline(), [art]))
    tx = doc_timexes(doc, art, published=pd.Timestamp("2024-06-03", tz="UTC"))
    got = dict(zip(tx.text, tx.value, strict=True))
    assert got["on Monday"] == "2024-06-03"
    assert got["in September"] == "2024-09"  # "agreed to hold talks in September": ahead, not last year
    assert got["A day earlier"] == "2024-06-02"
    row = tx[tx.text == "A day earlier"].iloc[0]
    assert row.anchor.startswith("previous ") and "(2024-06-03)" in row.anchor
    for r in tx.itertuples():
        assert art.raw[r.start_char:r.end_char] == r.text


def test_historical_dates_are_kept(tmp_path):
    """A year before 1677 does not fit pandas' default nanosecond timestamps: the build used to
    stop with a traceback on "in October 1648". The date columns are milliseconds instead."""
    import kit
    from kit.chronology import DATE_DTYPE

    src = tmp_path / "corpus"
    src.mkdir()
    (src / "history.txt").write_text("Peace treaty anniversary\n\nThe Peace of Westphalia was signed in October "
                                     "1648, the historian said on Monday.\n", encoding="utf-8")
    (src / "manifest.csv").write_text("doc_id,published\nhistory,2024-06-03\n", encoding="utf-8")
    t = kit.build(src, tmp_path / "out", use_cache=False)
    tx = t.timexes.set_index("text")
    assert tx.loc["in October 1648", "value"] == "1648-10"
    assert tx.loc["in October 1648", "date_start"] == pd.Timestamp("1648-10-01")
    assert tx.loc["in October 1648", "date_end"] == pd.Timestamp("1648-10-31")
    assert tx.loc["on Monday", "date_start"] == pd.Timestamp("2024-06-03")
    signed = t.events[t.events.date_start == pd.Timestamp("1648-10-01")]
    assert list(signed.event) == ["The Peace of Westphalia was signed"]
    for table in (t.timexes, t.events):
        assert str(table.date_start.dtype) == str(table.date_end.dtype) == DATE_DTYPE


# --------------------------------------------------------------------------- figures


def test_chronology_figures(seeds_tables):
    import kit.plots as kp

    ev, tx, docs = seeds_tables.events, seeds_tables.timexes, seeds_tables.documents
    fig = kp.event_timeline(ev)
    bars = fig.data[0]
    assert bars.type == "bar" and sum(len(t.y) for t in fig.data if t.type == "bar") == len(ev)
    table = kp.timexes_by_article(tx, docs)
    assert len(table) == len(tx) and {"published", "value", "anchor"} <= set(table.columns)
    assert len(kp.event_sources(ev)) == sum(len(r) for r in ev.reports)
    ranges = kp.timex_ranges(tx, docs)
    assert any(t.name == "published" for t in ranges.data)
    empty = kp.event_timeline(ev.iloc[0:0])
    assert not empty.data


@pytest.mark.parametrize(("sentence", "published", "text", "value"), [
    # "until"/"by" are limits around the date, outside the span (only on/in/at/since come in)
    ("The qualifier has been postponed until Saturday because of snow.", "2013-03-22", "Saturday", "2013-03-23"),
    ("The commission expects payment in full by next month.", "2025-05-14", "next month", "2025-06"),
    ("Markets price about two more cuts by July.", "2025-03-06", "July", "2025-07"),
    # a season with last/this/next is a date even without a preposition before it
    ("Villa return to the Europa League this autumn.", "2025-08-15", "this autumn", "2025-FA"),
    # "the weekend" is the one next to publication (a Thursday), as the tense says
    ("Protesters gathered over the weekend in Paris.", "2025-06-12", "the weekend", "2025-W23-WE"),
    ("The minister will travel to Rome at the weekend.", "2025-06-12", "at the weekend", "2025-W24-WE"),
    ("Talks resumed this weekend.", "2025-06-15", "this weekend", "2025-W24-WE"),
    ("The team flew home on the weekend of 14 June.", "2025-06-20", "14 June", "2025-06-14"),
    # "a week ago" counts seven days back from publication: a day, not the calendar week
    ("Schnabel said a week ago that the debate should begin.", "2025-03-06", "a week ago", "2025-02-27"),
    ("The minister arrived on Saturday.", "2013-03-22", "on Saturday", "2013-03-16"),
    ("The minister will arrive on Saturday.", "2013-03-22", "on Saturday", "2013-03-23"),
    ("Prices will rise when the law kicks in next year.", "2013-03-22", "next year", "2014"),
])
def test_tense_from_the_parse(sentence, published, text, value):
    from kit.nlp import load_pipeline

    rows = find_timexes(load_pipeline()(sentence), published=pd.Timestamp(published))
    assert [(r["text"], r["value"]) for r in rows] == [(text, value)]


@pytest.mark.parametrize(("text", "anchor", "value", "start", "end"), [
    # "earlier/later this week" split the week at publication (a Thursday and a Tuesday)
    ("earlier this week", "2025-03-06", "2025-W10", "2025-03-03", "2025-03-05"),
    ("later this week", "2025-11-04", "2025-W45", "2025-11-05", "2025-11-09"),
    ("later this month", "2025-06-12", "2025-06", "2025-06-13", "2025-06-30"),
    ("earlier this year", "2025-06-12", "2025", "2025-01-01", "2025-06-11"),
    # "early"/"late" still take the unit's first and last part
    ("late this month", "2025-06-12", "2025-06", "2025-06-21", "2025-06-30"),
    # weeks counted from publication name a day; "two weeks later" from a dated day, too
    ("a week ago", "2025-03-06", "2025-02-27", "2025-02-27", "2025-02-27"),
    ("two weeks ago", "2025-03-06", "2025-02-20", "2025-02-20", "2025-02-20"),
    ("three months ago", "2025-03-06", "2024-12", "2024-12-01", "2024-12-31"),
])
def test_split_weeks_and_week_offsets(text, anchor, value, start, end):
    r = resolve(text, anchor=D(anchor), tense="unknown")
    assert (r.value, r.start, r.end) == (value, D(start), D(end))


def test_week_offset_from_a_week_stays_a_week():
    base = resolve("last week", anchor=D("2025-03-06"), tense="past")
    r = resolve("the week before", anchor=D("2025-03-06"), tense="past", previous=[base])
    assert r.value == "2025-W08"


@pytest.mark.parametrize(("sentences", "published", "text", "value"), [
    # "Today" inside quoted speech is the speaker's day: the narration's "a day earlier" chains
    # from the narration's own last day (Tuesday 13 May), not from the quote.
    ('The High Court refused the stay on Tuesday. "Today\'s decision confirms the rules," Furlong said. '
     'Counsel had argued a day earlier that the penalty was unfair.', "2025-05-14", "a day earlier", "2025-05-12"),
    ('Rescuers arrived on Monday. "We will leave on Friday," the captain said. Aid followed a day later.',
     "2025-11-05", "a day later", "2025-11-04"),
    # outside quotes the last day still counts
    ("The court sat on Tuesday. Today the ministers met. A day earlier the union marched.",
     "2025-05-14", "A day earlier", "2025-05-13"),
])
def test_quoted_deictics_are_no_chain_base(sentences, published, text, value):
    from kit.nlp import load_pipeline

    rows = find_timexes(load_pipeline()(sentences), published=pd.Timestamp(published))
    assert {r["text"]: r["value"] for r in rows}[text] == value


# --------------------------------------------------------------------------- events of hand-written articles

MINI = {
    "t01_port": ("2025-06-12", """Harbour strike ends in Rotterdam

By Jan de Vries

ROTTERDAM, June 12 (Wire) - Dock workers at the Port of Rotterdam ended a strike on Thursday after the union \
accepted a pay offer from the Port of Rotterdam.

Union leader Maria Jansen said the deal was fair. She had warned on Monday that the stoppage could last weeks.

The Port of Rotterdam said Dutch exports fell sharply last week. The dispute returns to arbitration in mid-July.

Shipping lines expect the 45-year-old to retire in September, a spokesman for the Port of Rotterdam said.

The Port of Rotterdam raised its fees on Friday as imports from China slowed.
"""),
    "t02_quake": ("2025-11-04", """Aid reaches Nepal villages

KATHMANDU, Nepal (AP) \u2014 Rescuers in Nepal reached remote villages on Tuesday.

The quake struck late on Sunday in the hills of Nepal. A magnitude 7.8 quake in April 2015 killed nearly \
9,000 people.

Nepal asked for help from the United Nations and Nepal opened schools as shelters.
"""),
    "t03_visit": ("2025-03-07", """Minister visits Lisbon

LISBON, March 7 (Wire) - Foreign Minister Ana Costa arrived in Lisbon on Friday.

Costa, who signed a trade agreement with Portugal on Thursday, will fly home next week.
"""),
}


@pytest.fixture(scope="module")
def mini_events(tmp_path_factory):
    import kit

    src = tmp_path_factory.mktemp("mini")
    for doc_id, (_, text) in MINI.items():
        (src / f"{doc_id}.txt").write_text(text.replace("\\\n", ""), encoding="utf-8")
    (src / "manifest.csv").write_text("doc_id,published\n" + "".join(f"{d},{p}\n" for d, (p, _) in MINI.items()))
    tables = kit.build(src, tmp_path_factory.mktemp("mini_out"), use_cache=False)
    return tables.events


def _event_on(ev, day, doc_id):
    rows = ev[(ev.date_start == pd.Timestamp(day)) & ev.reported_in.map(lambda r: doc_id in list(r))]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_pronoun_subject_is_the_person_named_before(mini_events):
    e = _event_on(mini_events, "2025-06-09", "t01_port")  # "She had warned on Monday"
    assert list(e.participants) == ["Maria Jansen"]
    assert e.event.startswith("Maria Jansen had warned")


def test_relative_pronoun_subject_is_the_noun_it_follows(mini_events):
    e = _event_on(mini_events, "2025-03-06", "t03_visit")  # "Costa, who signed ... on Thursday"
    assert e.predicate == "sign"
    assert "Ana Costa" in list(e.participants)


def test_age_description_is_the_person_named_before(mini_events):
    e = _event_on(mini_events, "2025-09-01", "t01_port")  # "the 45-year-old to retire in September"
    assert "Maria Jansen" in list(e.participants)


def test_nationality_on_a_thing_is_not_a_participant(mini_events):
    e = _event_on(mini_events, "2025-06-02", "t01_port")  # "Dutch exports fell sharply last week"
    assert "Dutch" not in list(e.participants) and "Port of Rotterdam" in list(e.participants)


def test_nameless_happening_belongs_to_the_main_entity(mini_events):
    e = _event_on(mini_events, "2025-07-11", "t01_port")  # "The dispute returns to arbitration in mid-July"
    assert list(e.participants) == ["Port of Rotterdam"]
    e = _event_on(mini_events, "2015-04-01", "t02_quake")  # "A magnitude 7.8 quake in April 2015 killed ..."
    assert list(e.participants) == ["Nepal"]


def test_definite_description_subject_brings_the_main_entity(mini_events):
    e = _event_on(mini_events, "2025-11-02", "t02_quake")  # "The quake struck late on Sunday"
    assert "Nepal" in list(e.participants)


def test_dateline_is_not_an_event(mini_events):
    ev = mini_events
    assert not ev.event.str.contains(r"ROTTERDAM|KATHMANDU|\(Wire\)|\(AP\)").any()
    e = _event_on(ev, "2025-06-12", "t01_port")  # the strike, told through its verb
    assert e.event == "Dock workers ended a strike"
    assert "Rotterdam" not in list(e.participants)
    e = _event_on(ev, "2025-11-04", "t02_quake")
    assert "AP" not in list(e.participants)


def test_participants_come_from_the_predicates_own_clause(mini_events):
    e = _event_on(mini_events, "2025-06-06", "t01_port")  # "... raised its fees on Friday as imports from China slowed"
    assert list(e.participants) == ["Port of Rotterdam"]


# --------------------------------------------------------------------------- pattern shortcuts

_SHORTCUT_WORDS = (re.findall(r"[A-Za-z']+|\d+", " ".join(p for _, p in chronology_module._PATTERNS))
                   + ["2023", "1999", "18", "3", "12:30", "Q3", "’", "-", "–", ",", "the", "a", "01", "1st", "5pm",
                      "3 p.m.", "é", "_", "Jan.", "'80s"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_SHORTCUT_WORDS), st.sampled_from(["", " ", " ", "-", ".", "\n", "’", "_"])),
                min_size=1, max_size=12))
def test_pattern_shortcuts_find_what_a_full_scan_finds(parts):
    """The required-string test and the word-start openings of _candidate_spans skip nothing a
    full ``finditer`` of every pattern would find."""
    ch = chronology_module
    text = "".join(w + sep for w, sep in parts)
    low = text.lower()
    starts = ch._start_lists(text, low)
    for i, (name, rx) in enumerate(ch._COMPILED):
        full = [m.span() for m in rx.finditer(text)]
        req = ch._REQUIRED[i]
        if req is not None and not any(k in low for k in req):
            assert full == [], name
        if ch._OPENINGS[i] is not None:
            assert [m.span() for m in ch._finditer(rx, text, starts[i])] == full, name


def test_inferred_participants_are_the_ones_no_sentence_names(seeds_tables):
    # "the meeting" names no one: the article's main entity takes part, and says so
    ev = seeds_tables.events
    assert all(set(i) <= set(p) for i, p in zip(ev["inferred_participants"], ev["participants"]))
    bare = ev[ev["event"] == "meeting"].iloc[0]
    assert list(bare["participants"]) == ["Sergey Lavrov"] and list(bare["inferred_participants"]) == ["Sergey Lavrov"]
    wreaths = ev[ev["event"].str.startswith("Lavrov laid wreaths")].iloc[0]
    assert list(wreaths["inferred_participants"]) == []


@pytest.mark.parametrize(("text", "want", "anchor"), [
    # counted from Thursday it would be 5 March; the date beside it says 2 March
    ("The talks collapsed on Thursday. A day earlier, on 2 March, the ministry had warned of it.", "2025-03-02",
     "apposition"),
    ("The talks collapsed on Thursday. Two days earlier (on 2 March) the ministry had warned of it.", "2025-03-02",
     "apposition"),
    ("The talks collapsed on Thursday. A day earlier the ministry had warned of it on 2 March.", "2025-03-05",
     "previous"),
    # a story about another year: the named day goes next to the counted one, not to 2025
    ("The minister resigned on 3 March 2021. A day earlier, on 2 March, he had met the president.", "2021-03-02",
     "apposition"),
    ("The fire broke out on Saturday 12 June 2021. Two days later, on Monday, crews found the cause.", "2021-06-14",
     "apposition"),
    # the first of a list is not an apposition; nor is a season
    ("The fire broke out on 12 June 2021. The next day, on Monday and on Tuesday, crews fought it.", "2021-06-13",
     "previous"),
    ("The strike began on 3 February. Two weeks later, in the spring, workers returned.", "2025-02-17", "previous"),
])
def test_a_counted_date_named_beside_it_is_that_date(text, want, anchor):
    from kit.nlp import load_pipeline

    rows = find_timexes(load_pipeline()(text), published=pd.Timestamp("2025-03-07", tz="UTC"))
    counted = next(r for r in rows if re.search(r"earlier|later|next day", r["text"]))
    assert (counted["value"], counted["anchor"]) == (want, anchor)
    if anchor == "apposition":  # the day named beside it is placed the same
        named = rows[rows.index(counted) + 1]
        assert named["value"] == want


def test_event_from_a_quotation_is_the_saying_not_words_of_the_quote(tmp_path):
    import kit

    src = tmp_path / "c"
    src.mkdir()
    (src / "flood.txt").write_text(
        "Floodwaters recede in Marlow Valley\n\n"
        '"The worst is behind us, but the cleanup will take months," Governor Elena Petrova said at a '
        "briefing yesterday.\n\nThe National Weather Service said on Friday that the levee would hold.\n", encoding="utf-8")
    (src / "manifest.csv").write_text("doc_id,published\nflood,2025-03-03\n", encoding="utf-8")
    events = set(kit.build(src, tmp_path / "out").events["event"])
    assert "Governor Elena Petrova said at a briefing" in events  # not "The worst is ... said"
    assert any(e.startswith("The National Weather Service said") and "levee" in e for e in events)  # reported speech keeps its clause
