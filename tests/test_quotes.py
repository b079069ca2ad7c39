"""Quote attribution: mark pairing, direct/partial/indirect quotes, speakers, seeds figures.

Every hard case named in the quotes issue has a test here: glued marks, the plural possessive
``leaders’``, ``„Rosiya Segodnya“`` low-9 marks, short quotes ("dangerous"), pronoun and role
speakers, ``quot`` artefacts in a headline, quotes spanning paragraphs, one bad mark.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.corpus import build_article
from kit.quotes import QUOTE_COLUMNS, doc_quotes, pair_marks, resolve

from .conftest import GOLD, read_jsonl

GOLD_QUOTES = read_jsonl(GOLD / "seeds_quotes.jsonl")


# --------------------------------------------------------------------------- mark pairing

def contents(text: str) -> list[str]:
    return [text[a + 1:b] for a, b in pair_marks(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # glued closing mark (scraped paragraphs run together)
    ("They signed agreements.”Meeting later, he called it “a good day.”",
     ["a good day."]),
    ("the “dangerous” approach", ["dangerous"]),  # one-word quote (textacy skips < 4 tokens)
    # plural possessive: not a closing quote, and it must not swallow the next quote
    ("the leaders’ September meeting was “historic,” he said", ["historic,"]),
    ("Lavrov’s visit was ‘strategic’ and Russia’s aims clear", ["strategic"]),
    # low-9 opening mark closed by a high-6 mark (German style, as scraped)
    ("the agency „Rosiya Segodnya“ reported it", ["Rosiya Segodnya"]),
    # straight marks, both glued
    ('He said "yes" and then "no."', ["yes", "no."]),
    # a single quote nested in a double one belongs to the outer quote
    ("“He told me ‘never’ twice,” she said.", ["He told me ‘never’ twice,"]),
    # a stray opening mark loses at most its own quote, never the rest
    ("He said “this was bad. Later “good news” arrived.", ["good news"]),
    # British style: single quotes hold the quote, with apostrophes and a plural possessive inside
    ("‘The leaders’ plans are clear,’ he said. ‘We won’t back down.’",
     ["The leaders’ plans are clear,", "We won’t back down."]),
    # an unpaired closing mark is ignored
    ("Odd” mark here, but “fine” there.", ["fine"]),
])
def test_pair_marks_hard_cases(text: str, expected: list[str]) -> None:
    assert contents(text) == expected


def test_pair_marks_quote_spanning_paragraphs() -> None:
    text = "“The first paragraph of the statement.\n\n“And the second one,” he said.\n\nThen “short.”"
    pairs = pair_marks(text)
    assert text[pairs[0][0] + 1:pairs[0][1]] == ("The first paragraph of the statement.\n\n“And the second one,")
    assert text[pairs[1][0] + 1:pairs[1][1]] == "short."


def test_pair_marks_unclosed_at_paragraph_end_is_dropped() -> None:
    text = "He said “this never closes.\n\nA new paragraph with “its own quote” here."
    assert contents(text) == ["its own quote"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,\n’‘“”„\"'s")), max_size=80))
def test_pair_marks_never_raises_and_pairs_are_disjoint(text: str) -> None:
    pairs = pair_marks(text)
    for a, b in pairs:
        assert 0 <= a < b < len(text)
    for (_a, b), (c, _d) in zip(pairs, pairs[1:]):
        assert b < c  # sorted, non-overlapping


# --------------------------------------------------------------------------- one document

@lru_cache(maxsize=1)
def _nlp():
    from kit.nlp import load_pipeline

    return load_pipeline()


def quotes_of(body: str, *, title: str = "Diplomats meet in the capital", **options) -> pd.DataFrame:
    raw = f"{title}\n\n{body}\n"
    art = build_article("t", "t.txt", raw.encode("utf-8"))
    df = doc_quotes(_nlp()(art.text), art, **options)
    for r in df.itertuples():  # every row traces back to the raw text
        assert raw[r.start_char:r.end_char] == r.quote
        if r.speaker_start >= 0:
            assert raw[r.speaker_start:r.speaker_end] == r.speaker_text
    return df


def row(df: pd.DataFrame, quote: str) -> pd.Series:
    hits = df[df["quote"] == quote]
    assert len(hits) == 1, f"{quote!r} not in {df['quote'].tolist()}"
    return hits.iloc[0]


@pytest.mark.parametrize(("body", "quote", "kind", "speaker", "cue"), [
    ("“We are ready to help our friends in every way,” Lavrov said on Thursday.",
     "We are ready to help our friends in every way,", "direct", "Lavrov", "said"),
    ("Minister Lavrov said: “We are ready to help our friends in every way.”",
     "We are ready to help our friends in every way.", "direct", "Minister Lavrov", "said"),
    ("Lavrov condemned the “dangerous” policies of Washington.",
     "dangerous", "partial", "Lavrov", "condemned"),
    ("Moscow wants to help North Korea meet its energy needs, Lavrov told Russian media.",
     "Moscow wants to help North Korea meet its energy needs", "indirect", "Lavrov", "told"),
    ("Kim Jong Un declared that he wanted to build a future-oriented relationship with Russia.",
     "he wanted to build a future-oriented relationship with Russia", "indirect", "Kim Jong Un", "declared"),
    ("At a reception, Foreign Minister Choe expressed hope that his trip would help expand the ties.",
     "his trip would help expand the ties", "indirect", "Foreign Minister Choe", "expressed hope"),
    ("According to the Russian Foreign Minister, the Americans are building new bases in the region.",
     "the Americans are building new bases in the region", "indirect", "the Russian Foreign Minister",
     "According to"),
    ("This three-day trip, commencing on Friday as reported by the Korean Central News Agency, reflects "
     "the effort.", "This three-day trip, commencing on Friday", "indirect", "the Korean Central News Agency",
     "as reported by"),
    ("Peskov was quoted as saying that the talks had been very productive for both sides.",
     "the talks had been very productive for both sides", "indirect", "Peskov", "was quoted as saying"),
    ("Last week, the US said deliveries were already underway and North Korea had delivered more than "
     "1,000 containers.", "deliveries were already underway and North Korea had delivered more than 1,000 "
     "containers", "indirect", "the US", "said"),
    ("It is worth noting that South Korea estimates that around 4,000 soldiers may have been killed.",
     "around 4,000 soldiers may have been killed", "indirect", "South Korea", "estimates"),
    ("TASS quoted Deputy Foreign Minister Andrei Rudenko as saying that consultations would continue in November.",
     "consultations would continue in November", "indirect", "Deputy Foreign Minister Andrei Rudenko", "as saying"),
    ("MOSCOW, October 20 (TASS) - Russia and North Korea signed an agreement on cooperation, TASS reported.",
     "Russia and North Korea signed an agreement on cooperation", "indirect", "TASS", "reported"),
    # the same fronted report with a glued sentence before it
    ("The visit ended.“Relations have reached a new level,” the Russian minister told his counterpart.",
     "Relations have reached a new level,", "direct", "the Russian minister", "told"),
])
def test_doc_quotes_kinds_speakers_cues(body: str, quote: str, kind: str, speaker: str, cue: str) -> None:
    r = row(quotes_of(body), quote)
    assert (r.kind, r.speaker_text, r.cue) == (kind, speaker, cue)


@pytest.mark.parametrize(("title", "quote", "speaker"), [
    ("“Relations are strategic” – Sergei Lavrov", "Relations are strategic", "Sergei Lavrov"),
    ('"We will win": Kim Jong Un', "We will win", "Kim Jong Un"),
])
def test_headline_form_with_speaker_after(title: str, quote: str, speaker: str) -> None:
    r = row(quotes_of("The minister met his counterpart on Thursday in the capital.", title=title), quote)
    assert (r.kind, r.speaker_text) == ("direct", speaker)


def test_vox_pop_dash_form_and_a_cue_without_parsed_subject() -> None:
    df = quotes_of("“Donald Trump started attacking Latinos at the beginning of his campaign.” ― Karen Bobadilla, 34\n\n"
                   "“I will just make this promise to you: We will achieve justice in this case,” Tulsa police Chief "
                   "Chuck Jordan said Monday.")
    assert df[["kind", "speaker_text"]].values.tolist() == [["direct", "Karen Bobadilla"], ["direct", "Chuck Jordan"]]


def test_quote_inside_a_possessed_utterance_is_the_possessors() -> None:
    r = row(quotes_of("Lavrov’s “dangerous” remarks angered Washington on Friday."), "dangerous")
    assert (r.kind, r.speaker_text, r.cue) == ("partial", "Lavrov", "remarks")


def test_quote_closed_by_a_full_stop_is_not_attributed_to_the_next_sentence() -> None:
    df = quotes_of("Sergei Lavrov met Choe Son Hui on Wednesday. The Russian foreign minister later told reporters: "
                   "“Our cooperation is not directed against anyone.” He said the two sides would discuss trade.")
    r = row(df, "Our cooperation is not directed against anyone.")
    assert (r.kind, r.speaker_text, r.cue) == ("direct", "The Russian foreign minister", "told")
    assert len(df[df["quote"].str.startswith("Our cooperation")]) == 1  # no indirect duplicate


def test_speaker_keeps_its_parenthesis() -> None:
    df = quotes_of("Lavrov arrived in North Korea on Wednesday, the official Korean Central News Agency (KCNA) reported.")
    assert df["speaker_text"].tolist() == ["the official Korean Central News Agency (KCNA)"]


def test_parenthetical_report_keeps_the_longer_side_of_the_clause() -> None:
    df = quotes_of("The museum, Mr. Bush said, celebrated several of his heroes including Chuck Berry.")
    assert df[["kind", "quote", "speaker_text", "cue"]].values.tolist() == [
        ["indirect", "celebrated several of his heroes including Chuck Berry", "Mr. Bush", "said"]]


def test_glued_straight_mark_after_a_full_stop_opens_a_quote() -> None:
    df = quotes_of('Mette Lindholm said the old system no longer worked for anyone.'
                   '"This is about making the rules mean something," she said.')
    r = row(df, "This is about making the rules mean something,")
    assert (r.kind, r.speaker_text, r.speaker_ref_text) == ("direct", "she", "Mette Lindholm")


@pytest.mark.parametrize(("body", "quote", "core"), [
    # a spokesperson or a data set speaks for its organisation
    ("A Meta spokesperson said the company was “disappointed” by the ruling.", "disappointed", "Meta"),
    ("Markets now price in one more rate cut by July, according to Refinitiv data.",
     "Markets now price in one more rate cut by July", "Refinitiv"),
    # a description with a name in apposition is that person
    ("Counsel for Meta, John Smith, argued that the penalty was out of step with earlier decisions.",
     "the penalty was out of step with earlier decisions", "John Smith"),
])
def test_speaker_head_is_the_name_behind_the_description(body: str, quote: str, core: str) -> None:
    assert row(quotes_of(body), quote).speaker_core_text == core


def test_organisation_role_and_pronoun_after_a_possessive_name() -> None:
    df = quotes_of("The European Central Bank cut rates again on Thursday. According to the central bank, "
                   "uncertainty was likely to weigh on business investment. Christine Lagarde said the decision was "
                   "unanimous. Robert Holzmann's term at the Austrian National Bank ends in August, she noted.")
    assert row(df, "uncertainty was likely to weigh on business investment")[["speaker_kind", "speaker_ref_text"]].tolist() \
        == ["org_role", "The European Central Bank"]
    assert row(df, "Robert Holzmann's term at the Austrian National Bank ends in August").speaker_ref_text == \
        "Christine Lagarde"


def test_complement_split_by_the_parser_is_one_statement_and_questions_are_not_statements() -> None:
    df = quotes_of("Oduya said the club had moved quickly once it became clear Shevchuk wanted to come to England. "
                   "Asked whether the bank was nearing the end of its cycle, Lagarde said it was too early to tell.")
    assert "the club had moved quickly once it became clear Shevchuk wanted to come to England" in set(df["quote"])
    assert not any(q.startswith("whether") for q in df["quote"])


def test_content_excludes_speaker_and_cue() -> None:
    df = quotes_of("Lavrov emphasized that discussions on energy supply would take place in November.")
    r = row(df, "discussions on energy supply would take place in November")
    assert "Lavrov" not in r.quote and "emphasized" not in r.quote and not r.quote.startswith("that")


def test_pronoun_speaker_gets_nearest_preceding_name() -> None:
    df = quotes_of("Sergei Lavrov arrived in Pyongyang on Wednesday with a delegation. "
                   "He added that the United States was deploying strategic infrastructure in the area.")
    r = row(df, "the United States was deploying strategic infrastructure in the area")
    assert (r.speaker_text, r.speaker_kind, r.speaker_ref_text) == ("He", "pronoun", "Sergei Lavrov")


def test_role_speaker_gets_the_name_the_text_gives_that_title() -> None:
    df = quotes_of("Russian Foreign Minister Sergei Lavrov met Kim Jong Un on Thursday. Putin was not there. "
                   "“Relations have reached a new level,” the Russian minister told reporters.")
    r = row(df, "Relations have reached a new level,")
    assert (r.speaker_kind, r.speaker_ref_text) == ("role", "Sergei Lavrov")


def test_anonymous_and_group_speakers_are_not_named_after_a_nearby_name() -> None:
    df = quotes_of("Kremlin spokesman Dmitry Peskov said Moscow remained open to talks with Kyiv.\n\n"
                   "According to a senior European diplomat, the European Union is preparing new sanctions. "
                   "The diplomat, who spoke on condition of anonymity, said the measures could be agreed next week.\n\n"
                   "She said the package would target banks. Analysts say the sanctions have had a limited effect.")
    kinds = dict(zip(df["speaker_text"], zip(df["speaker_kind"], df["speaker_ref_text"])))
    assert kinds["Kremlin spokesman Dmitry Peskov"] == ("name", "")
    assert kinds["a senior European diplomat"] == ("anonymous", "")
    assert kinds["The diplomat, who spoke on condition of anonymity"] == ("anonymous", "")
    assert kinds["She"] == ("pronoun", "")  # the anonymous diplomat, not Peskov
    assert kinds["Analysts"] == ("group", "")


def test_quote_with_its_own_cue_inside_a_reported_clause_keeps_both() -> None:
    df = quotes_of("Ukrainian President Volodymyr Zelensky said on Monday that his country would never cede "
                   "territory to Russia, rejecting what he called “a dictated peace”.")
    assert df[["kind", "cue"]].values.tolist() == [["indirect", "said"], ["partial", "called"]]
    assert df["quote"].iloc[0].endswith("“a dictated peace”")


def test_role_tied_to_another_country_is_not_named_after_the_nearest_name() -> None:
    df = quotes_of("A spokesman for China's defence ministry, Zhang Xiaogang, accused Taipei of provocation. "
                   "Japan's chief cabinet secretary told a news conference that Tokyo had conveyed its concerns.")
    r = row(df, "Tokyo had conveyed its concerns")
    assert (r.speaker_kind, r.speaker_ref_text) == ("role", "")


def test_whole_paragraph_continuation_keeps_the_speaker() -> None:
    df = quotes_of("“We will support our allies whatever happens,” Lavrov said.\n\n"
                   "“And we will not be told what to do by anyone in Washington.”")
    r = row(df, "And we will not be told what to do by anyone in Washington.")
    assert (r.kind, r.speaker_text) == ("direct", "Lavrov")


def test_headline_form_with_colon() -> None:
    df = quotes_of("The two ministers met on Thursday in the capital.", title="Lavrov: “Relations are strategic”")
    r = row(df, "Relations are strategic")
    assert (r.kind, r.speaker_text, r.cue) == ("direct", "Lavrov", "")


def test_headline_form_with_quot_artefact() -> None:
    """The marks survive only as ``quot``: corpus.py repairs them in the clean view."""
    df = quotes_of("The leader met the minister on Thursday.",
                   title="Kim Jong Un quotStable and far sighted relations with Russiaquot")
    r = row(df, "Stable and far sighted relations with Russia")
    assert (r.kind, r.speaker_text) == ("direct", "Kim Jong Un")


def test_transcript_turns_are_direct_quotes_of_the_named_person() -> None:
    df = quotes_of("Chris Wallace interviewed Mike Pence on Sunday.\n\n"
                   "WALLACE: Will Gennifer Flowers be there on Monday night?\n\n"
                   "PENCE: I think yesterday was all about demonstrating that we have a candidate.\n\n"
                   "UPDATE: The debate was moved to Tuesday.")
    assert df[["kind", "speaker_text", "speaker_ref_text"]].values.tolist() == [
        ["direct", "WALLACE", "Chris Wallace"], ["direct", "PENCE", "Mike Pence"]]


def test_one_bad_mark_does_not_lose_the_document() -> None:
    from textacy.extract.triples import direct_quotations

    body = ("The leaders’ meeting was brief. Lavrov called the talks “very productive” on Friday. "
            "“We have agreed on everything that matters for both of our countries,” Choe said.")
    art = build_article("t", "t.txt", f"Ministers meet\n\n{body}\n".encode())
    doc = _nlp()(art.text)
    with pytest.raises(ValueError):  # the failure avoided: textacy gives up on the whole document
        list(direct_quotations(doc))
    df = doc_quotes(doc, art)
    assert set(df["quote"]) == {"very productive",
                                "We have agreed on everything that matters for both of our countries,"}


def test_scare_quotes_and_titles_without_speaker_are_not_attributed() -> None:
    body = ("The two leaders discussed a possible “logistics triangle” in the region. "
            "He appeared on “Sunday Morning Futures” last week.")
    assert quotes_of(body).empty
    assert set(quotes_of(body, keep_unattributed=True)["quote"]) >= {"logistics triangle"}


def test_mixed_quote_fragments_or_whole() -> None:
    body = "Kim remarked that the “real friendship” between Russia and North Korea was growing stronger."
    frag = quotes_of(body)
    assert frag[["kind", "quote", "speaker_text"]].values.tolist() == [["partial", "real friendship", "Kim"]]
    whole = quotes_of(body, mixed="whole")
    assert whole["kind"].tolist() == ["indirect"]
    assert whole["quote"].iloc[0].startswith("the “real friendship” between")


# --------------------------------------------------------------------------- resolve

def test_resolve_by_head_overlap_antecedent_and_unknown() -> None:
    q = pd.DataFrame([
        # "the Russian minister": the NORP mention "Russian" does not cover the head word
        dict(doc_id="d", quote_id="d:q0", kind="direct", quote="x", start_char=0, end_char=1, speaker="",
             speaker_text="the Russian minister", speaker_start=100, speaker_end=120, cue="told",
             speaker_kind="role", speaker_head_start=112, speaker_head_end=120,
             speaker_candidates=[[10, 23]]),
        dict(doc_id="d", quote_id="d:q1", kind="indirect", quote="y", start_char=2, end_char=3, speaker="",
             speaker_text="the US", speaker_start=200, speaker_end=206, cue="said", speaker_kind="name",
             speaker_head_start=204, speaker_head_end=206, speaker_candidates=[]),
        dict(doc_id="d", quote_id="d:q2", kind="indirect", quote="z", start_char=4, end_char=5, speaker="",
             speaker_text="he", speaker_start=300, speaker_end=302, cue="added", speaker_kind="pronoun",
             speaker_head_start=300, speaker_head_end=302, speaker_candidates=[]),
    ])
    mentions = pd.DataFrame([
        dict(doc_id="d", start_char=10, end_char=23, text="Sergei Lavrov", label="PERSON",
             entity="Sergey Lavrov", entity_id="E1"),
        dict(doc_id="d", start_char=104, end_char=111, text="Russian", label="NORP", entity="Russia",
             entity_id="E2"),
        dict(doc_id="d", start_char=204, end_char=206, text="US", label="GPE", entity="United States",
             entity_id="E3"),
    ])
    ents = pd.DataFrame({"entity_id": ["E1", "E2", "E3"], "entity": ["Sergey Lavrov", "Russia", "United States"],
                         "label": ["PERSON", "NORP", "GPE"]})
    out = resolve(q, mentions, ents)
    assert out["speaker"].tolist() == ["Sergey Lavrov", "United States", ""]
    assert list(out.columns[:len(QUOTE_COLUMNS)]) == QUOTE_COLUMNS


@pytest.mark.parametrize(("speaker", "named"), [
    ("Lopez", "Maria Lopez"),   # a surname the NER missed: the article's one person of that name
    ("Maria", "Maria Lopez"),   # a given name, likewise
    ("Kim", "Kim"),             # two people it could be: the text itself, as before
    ("Ortega", "Ortega"),       # no such person in the article
    ("Washington", "Washington"),  # the corpus knows it as a place, not as Ryan Washington
    ("MARLOW", "MARLOW"),       # capitals: a dateline, not Jane Marlow
])
def test_name_the_ner_missed_is_the_articles_person(speaker: str, named: str) -> None:
    q = pd.DataFrame([dict(doc_id="d", quote_id="d:q0", kind="indirect", quote="x", start_char=0, end_char=1,
                           speaker="", speaker_text=speaker, speaker_start=300, speaker_end=300 + len(speaker),
                           cue="told", speaker_kind="name", speaker_head_start=300,
                           speaker_head_end=300 + len(speaker), speaker_candidates=[])])
    mentions = pd.DataFrame([
        dict(doc_id="d", start_char=10, end_char=21, text="Maria Lopez", label="PERSON", entity="Maria Lopez"),
        dict(doc_id="d", start_char=40, end_char=51, text="Kim Jong Un", label="PERSON", entity="Kim Jong Un"),
        dict(doc_id="d", start_char=60, end_char=71, text="Kim Yo Jong", label="PERSON", entity="Kim Yo Jong"),
        dict(doc_id="d", start_char=80, end_char=95, text="Ryan Washington", label="PERSON", entity="Ryan Washington"),
        dict(doc_id="d", start_char=100, end_char=111, text="Jane Marlow", label="PERSON", entity="Jane Marlow"),
        dict(doc_id="other", start_char=0, end_char=12, text="Luis Ortega", label="PERSON", entity="Luis Ortega"),
        dict(doc_id="other", start_char=20, end_char=30, text="Washington", label="GPE", entity="Washington"),
    ])
    ents = pd.DataFrame({"entity": ["Maria Lopez", "Kim Jong Un", "Kim Yo Jong", "Ryan Washington", "Jane Marlow",
                                    "Luis Ortega", "Washington"], "label": ["PERSON"] * 6 + ["GPE"]})
    assert resolve(q, mentions, ents)["speaker"].tolist() == [named]


def test_name_the_ner_missed_that_is_a_whole_persons_name() -> None:
    # "Lopez" is an entity of its own (an alias file kept it apart): the exact name wins
    q = pd.DataFrame([dict(doc_id="d", quote_id="d:q0", kind="indirect", quote="x", start_char=0, end_char=1,
                           speaker="", speaker_text="Lopez", speaker_start=300, speaker_end=305, cue="told",
                           speaker_kind="name", speaker_head_start=300, speaker_head_end=305, speaker_candidates=[])])
    mentions = pd.DataFrame([
        dict(doc_id="d", start_char=10, end_char=21, text="Maria Lopez", label="PERSON", entity="Maria Lopez"),
        dict(doc_id="d", start_char=40, end_char=45, text="Lopez", label="PERSON", entity="Lopez"),
    ])
    ents = pd.DataFrame({"entity": ["Maria Lopez", "Lopez"], "label": ["PERSON", "PERSON"]})
    assert resolve(q, mentions, ents)["speaker"].tolist() == ["Lopez"]


def test_resolve_empty() -> None:
    assert list(resolve(pd.DataFrame(), pd.DataFrame(), pd.DataFrame()).columns[:len(QUOTE_COLUMNS)]) == QUOTE_COLUMNS


# --------------------------------------------------------------------------- seeds

def _norm(s: object) -> str:
    t = " ".join(str(s or "").replace("’", "'").split()).strip().lower()
    return t[4:] if t.startswith("the ") else t


def _aliases(g: dict, clusters: list[dict]) -> set[str]:
    names = {_norm(a) for a in [g["speaker"], *g.get("speaker_aliases", [])]}
    for c in clusters:
        forms = {_norm(x) for x in [c["entity"], *c["surface_forms"]]}
        if forms & names:
            names |= forms
    return names


def _match(p, g: dict) -> bool:
    ov = max(0, min(int(p.end_char), g["end_char"]) - max(int(p.start_char), g["start_char"]))
    return (p.doc_id == g["doc_id"] and ov >= 0.5 * (g["end_char"] - g["start_char"])
            and ov >= 0.5 * (int(p.end_char) - int(p.start_char)))


def test_seeds_rows_trace_to_raw(seeds_tables, seeds_corpus) -> None:
    raw = {a.doc_id: a.raw for a in seeds_corpus.articles}
    q = seeds_tables.quotes
    assert len(q) > 0
    for r in q.itertuples():
        assert raw[r.doc_id][r.start_char:r.end_char] == r.quote
        assert r.kind in ("direct", "partial", "indirect")
        if r.speaker_start >= 0:
            assert raw[r.doc_id][r.speaker_start:r.speaker_end] == r.speaker_text


@pytest.mark.parametrize("g", GOLD_QUOTES, ids=lambda g: f"{g['doc_id'][:3]}:{g['quote'][:30]}")
def test_seeds_gold_quote_found_with_kind_and_speaker(seeds_tables, gold, g) -> None:
    if g["doc_id"].startswith("000") and g["cue"] == "criticized":
        pytest.xfail("a noun-phrase object ('criticized the activities ...') is not taken as a statement: "
                     "'highlighted the progress' in the same article is not one either")
    hits = [p for p in seeds_tables.quotes.itertuples() if _match(p, g)]
    assert hits, "span not found"
    names = _aliases(g, gold["entities"]["clusters"])
    assert any(_norm(p.speaker) in names for p in hits), [p.speaker for p in hits]
    assert any(p.kind == g["kind"] for p in hits)


def test_seeds_attribution_figures(seeds_tables, gold) -> None:
    preds = list(seeds_tables.quotes.itertuples())
    clusters = gold["entities"]["clusters"]
    ok = [[p for p in preds if _match(p, g) and _norm(p.speaker) in _aliases(g, clusters)] for g in GOLD_QUOTES]
    recall = sum(bool(x) for x in ok) / len(GOLD_QUOTES)
    precision = sum(any(_match(p, g) and _norm(p.speaker) in _aliases(g, clusters) for g in GOLD_QUOTES)
                    for p in preds) / len(preds)
    assert 2 * precision * recall / (precision + recall) >= 0.90
    for kind in ("direct", "partial", "indirect"):
        idx = [i for i, g in enumerate(GOLD_QUOTES) if g["kind"] == kind]
        assert sum(bool(ok[i]) for i in idx) / len(idx) >= 0.8, kind


def test_gold_file_is_what_the_tests_assume() -> None:
    kinds = pd.Series([g["kind"] for g in GOLD_QUOTES]).value_counts().to_dict()
    assert kinds == {"partial": 18, "indirect": 10, "direct": 5}
    assert json.loads((GOLD / "seeds_quotes.jsonl").read_text(encoding="utf-8").splitlines()[0])["quote"] == "dangerous"


def test_resolve_uses_role_mentions_from_the_entities_stage() -> None:
    """When the entities stage links "the Russian minister" to Lavrov (a ``kind == "role"``
    mention), the quote takes that entity without the per-document fallback."""
    q = pd.DataFrame([dict(doc_id="d", quote_id="d:q0", kind="direct", quote="x", start_char=0, end_char=1,
                           speaker="", speaker_text="the Russian minister", speaker_start=100, speaker_end=120,
                           cue="told", speaker_kind="role", speaker_head_start=112, speaker_head_end=120,
                           speaker_candidates=[])])
    mentions = pd.DataFrame([dict(doc_id="d", start_char=100, end_char=120, text="the Russian minister",
                                  label="PERSON", entity="Sergey Lavrov", entity_id="E1", kind="role")])
    ents = pd.DataFrame({"entity_id": ["E1"], "entity": ["Sergey Lavrov"], "label": ["PERSON"]})
    assert resolve(q, mentions, ents)["speaker"].tolist() == ["Sergey Lavrov"]
