"""The corpus reader: line roles and metadata against the gold files, exact offsets, bad input."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.build import read_parquet
from kit.corpus import (
    ARTICLE_ROLES,
    LINE_ROLES,
    CorpusError,
    classify_lines,
    decode,
    raw_text,
    read_corpus,
    repair_edits,
    split_lines,
)
from kit.offsets import TextView

from .conftest import ROOT, SEEDS


def _words(s) -> str:
    return " ".join(re.findall(r"\w+", str(s or "").lower()))


# ----------------------------------------------------------------------------- gold figures


def test_line_roles_match_gold(seeds_corpus, gold):
    pred = {(r.doc_id, r.line): r.role for r in seeds_corpus.lines.itertuples()}
    exact = sum(pred.get((g["doc_id"], g["line"])) == g["role"] for g in gold["lines"])
    body = sum((pred.get((g["doc_id"], g["line"])) == "body") == (g["role"] == "body") for g in gold["lines"])
    assert len(gold["lines"]) == 94
    assert exact / 94 >= 0.95
    assert body == 94


@pytest.mark.parametrize(
    ("doc", "line", "role"),
    [
        ("001", 1, "title"),  # "Kim Jong Un quotStable ... Russiaquot"
        ("001", 3, "title_duplicate"),  # the same title with its quote marks and the outlet's name
        ("001", 7, "ad"),  # ADVERTISING
        ("002", 1, "url"),
        ("002", 7, "standfirst"),  # prose teaser cut off from the body by a metadata block
        ("002", 13, "date_updated"),  # a later, different time stamp
        ("002", 31, "scrape_junk"),  # /html/head/meta[...]
        ("002", 33, "image_url"),
        ("002", 37, "related_link"),
        ("002", 49, "publisher"),
        ("002", 59, "locale"),
        ("002", 63, "scrape_junk"),  # 1920 1080 true
        ("002", 73, "keywords"),
        ("003", 2, "tag"),  # upper-case topic list
        ("003", 3, "author"),
        ("003", 4, "comments"),  # 0 Comments
        ("003", 6, "standfirst"),  # bullet under the title
        ("004", 6, "related_link"),  # (Read Also: ...)
        ("004", 16, "heading"),  # Conclusion
        ("004", 18, "newsletter"),  # Subscribe to ...
    ],
)
def test_hard_line_roles(seeds_corpus, doc, line, role):
    lines = seeds_corpus.lines
    row = lines[lines["doc_id"].str.startswith(doc) & (lines["line"] == line)]
    assert row["role"].tolist() == [role]


def test_metadata_matches_gold(seeds_corpus, gold):
    docs = seeds_corpus.documents.set_index("doc_id")
    for g in gold["metadata"]:
        d = docs.loc[g["doc_id"]]
        for f in ("title", "outlet", "author", "url"):
            assert _words(d[f]) == _words(g[f]), (g["doc_id"], f, d[f])
        assert str(d["published"].date()) == g["published"][:10]


def test_manifest_overrides_text_date(seeds_corpus):
    d = seeds_corpus.documents.set_index("doc_id")
    assert d.loc["002_96ebd0cb3ac89dc6", "published"] == pd.Timestamp("2023-10-20T14:34:00Z")
    assert set(d["published_basis"]) == {"manifest"}
    assert d.loc["003_b635026d472f7ad1", "date_basis"].startswith("estimated")


def test_line_vocabulary_and_offsets(seeds_corpus):
    assert set(seeds_corpus.lines["role"]) <= set(LINE_ROLES)
    for art in seeds_corpus.articles:
        for r in seeds_corpus.lines[seeds_corpus.lines["doc_id"] == art.doc_id].itertuples():
            assert art.raw[r.start_char : r.end_char] == r.text


def test_clean_view_repairs_artefacts(seeds_corpus):
    title = seeds_corpus.article("001_2ccd8ab5c758b667").view.text.split("\n\n")[0]
    assert title == 'Kim Jong Un "Stable and far sighted relations with Russia"'
    text = seeds_corpus.article("002_96ebd0cb3ac89dc6").view.text
    assert "agreements.” Meeting with Lavrov" in text
    assert "Kim said. At a reception" in text
    # boilerplate never reaches the analysed text
    assert "1920 1080" not in text and "feedback@" not in text and "sergey lavrov\n" not in text


def test_sentences_are_exact_and_split_glued_text(seeds_tables):
    sents = seeds_tables.sentences
    raws = {}
    for did in sents["doc_id"].unique():
        raws[did] = (SEEDS / f"{did}.txt").read_text(encoding="utf-8")
    for r in sents.itertuples():
        assert raws[r.doc_id][r.start_char : r.end_char] == r.text
    s002 = sents[sents["doc_id"] == "002_96ebd0cb3ac89dc6"]["text"].tolist()
    assert any(s.startswith("Meeting with Lavrov on Thursday") for s in s002)
    assert any(s.startswith("At a reception in Lavrov’s honor") for s in s002)


# ----------------------------------------------------------------------------- properties

_piece = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from([
        "quotStable", "Russiaquot", "agreements.”Meeting", "said.At", "&quot;x&quot;", "&#8217;", "\u00a0",
        "\u200b", "\r\n", "\n\n", "  ", "leaders’", "„Rosiya Segodnya“", "ADVERTISING\n", "https://a.b/c\n",
    ]),
)
raw_texts = st.lists(_piece, max_size=25).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_texts)
def test_lines_are_exact_and_cover_every_non_blank_char(raw):
    lines = split_lines(raw)
    covered = set()
    for ln in lines:
        assert raw[ln.start : ln.end] == ln.text
        assert ln.text == ln.text.strip() and ln.text
        covered.update(range(ln.start, ln.end))
    for i, ch in enumerate(raw):
        if not ch.isspace() and ch not in "\r\n":
            assert i in covered, (i, ch)
    nums = [ln.line for ln in lines]
    assert nums == sorted(set(nums))


@settings(max_examples=200, deadline=None)
@given(raw_texts)
def test_clean_view_maps_back_to_raw(raw):
    lines = split_lines(raw)
    pieces = [(ln.start, ln.end) for ln in lines]
    edits = [e for a, b in pieces for e in repair_edits(raw, a, b)]
    view = TextView.build(raw, pieces, edits=edits)
    # every unrepaired stretch of the clean view reads the same in raw
    for c0, c1, r0, r1 in view.copied_segments():
        assert raw[r0:r1] == view.text[c0:c1]
    # any span maps to an ordered, in-bounds raw span that is monotone in the clean offsets
    n = len(view.text)
    prev = 0
    for i in range(n + 1):
        r = view.to_raw(i)
        assert 0 <= r <= len(raw)
        assert r >= prev
        prev = r
    for a in range(0, n, 7):
        for b in range(a, n + 1, 11):
            rs, re_ = view.span_to_raw(a, b)
            assert 0 <= rs <= re_ <= len(raw)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["hello world", "quotHiquot", "Ok.”Then", "x"]), max_size=8).map(" ".join))
def test_repairs_only_touch_artefacts(s):
    view = TextView.build(s, [(0, len(s))], edits=repair_edits(s, 0, len(s)))
    assert "quot" not in view.text.replace("quote", "")
    assert view.text.replace('"', "").replace(" ", "") == s.replace("quot", "").replace(" ", "")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=60).filter(lambda t: t.strip() == t and t), max_size=30))
def test_every_line_gets_a_known_role(texts):
    roles = classify_lines(texts)
    assert len(roles) == len(texts)
    assert set(roles) <= set(LINE_ROLES)


# ----------------------------------------------------------------------------- bad input


@pytest.fixture()
def messy(tmp_path):
    d = tmp_path / "messy"
    d.mkdir()
    good = (SEEDS / "000_24980b39df1ee97a.txt").read_bytes()
    (d / "good.txt").write_bytes(good)
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_bytes(b"  \n\n\t\n")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (d / "latin.txt").write_bytes("Café owners said prices rose – “sharply”, officials said.\n".encode("cp1252"))
    (d / "utf16.txt").write_bytes("Officials said the talks went well.\n".encode("utf-16"))
    (d / "big.txt").write_bytes(b"word " * 300_000)
    (d / "notes.md").write_text("not an article")
    (d / "manifest.csv").write_text(
        "doc_id,published,outlet\ngood,not a date,Daily Example\nghost,2023-01-01,\nlatin.txt,2023-10-19,\n",
        encoding="utf-8",
    )
    return d


def test_bad_inputs_are_recorded_not_dropped(messy):
    c = read_corpus(messy, max_bytes=1_000_000)
    docs = c.documents.set_index("doc_id")
    assert set(docs.index) == {"good", "empty", "blank", "binary", "latin", "utf16", "big", "ghost"}
    probs = docs["problems"].map("; ".join)
    assert probs["empty"] == "empty file"
    assert "only whitespace" in probs["blank"]
    assert "binary" in probs["binary"]
    assert "decoded as cp1252" in probs["latin"]
    assert "utf-16" in probs["utf16"]
    assert "very large file" in probs["big"]
    assert "missing" in probs["ghost"] and docs.loc["ghost", "path"] == ""
    assert "not a date" in probs["good"]
    # a bad manifest date falls back, an outlet from the manifest still applies
    assert docs.loc["good", "outlet"] == "Daily Example"
    assert docs.loc["good", "published_basis"] == "missing"
    # "latin.txt" in the manifest names the file by its full name
    assert docs.loc["latin", "published"] == pd.Timestamp("2023-10-19", tz="UTC")
    art = c.article("latin")
    assert "Café" in art.raw and "“sharply”" in art.raw
    assert any("notes.md" in n for n in c.notes)
    assert probs["utf16"] == "encoding: utf-16-le (byte-order mark)"
    assert c.article("utf16").text.startswith("Officials said")
    # what each file was decoded as; nothing for files that were not decoded
    assert docs["encoding"].to_dict() == {"good": "utf-8", "empty": "utf-8", "blank": "utf-8", "binary": "",
                                          "latin": "cp1252", "utf16": "utf-16", "big": "", "ghost": ""}


@pytest.mark.parametrize(("data", "encoding", "text"), [
    # one acute accent (0xB4) made charset-normalizer pick a Baltic code page: "Sćo Paulo"
    ("S\u00e3o Paulo mayor\u00b4s office said Jo\u00e3o Pereira paid \u00a312.\n".encode("latin-1"), "cp1252",
     "S\u00e3o Paulo mayor\u00b4s office said Jo\u00e3o Pereira paid \u00a312.\n"),
    ("\ufeffOfficials said.\r\nThey left.\r\n".encode("utf-8"), "utf-8-sig", "Officials said.\r\nThey left.\r\n"),
    ("Officials said.\n".encode("utf-16"), "utf-16", "Officials said.\n"),
    # one stray double-encoded "Ã¡" in cp1252 text: still cp1252, not Central European
    ("Señor Núñez met JuliÃ¡n Castro in São Paulo on Monday, the mayor’s office said.\n".encode("cp1252"), "cp1252",
     "Señor Núñez met JuliÃ¡n Castro in São Paulo on Monday, the mayor’s office said.\n"),
    ("Президент заявил во вторник, что переговоры продолжатся.\n".encode("cp1251"), "cp1251",
     "Президент заявил во вторник, что переговоры продолжатся.\n"),
    ("Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144, powiedzia\u0142 minister "
     "w Warszawie we wtorek.\n".encode("cp1250"), None, "Za\u017c\u00f3\u0142\u0107"),
])
def test_decode_names_the_encoding_it_used(tmp_path, data, encoding, text):
    got, enc, problems = decode(data)
    if encoding is not None:
        assert (got, enc) == (text, encoding)
        assert data.decode(enc) == got  # what the encoding column says reproduces the text
    else:  # a Central European text stays readable
        assert got.startswith(text), (enc, got)
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    assert raw_text(path) == got  # the text every offset indexes


def test_build_survives_bad_inputs(messy, tmp_path):
    import kit

    t = kit.build(messy, tmp_path / "out")
    assert len(t.documents) == 8
    assert set(t.sentences["doc_id"]) == {"good", "latin", "utf16"}


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        read_corpus(tmp_path / "nope")
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(CorpusError, match="not a folder"):
        read_corpus(f)


def test_cli_missing_folder_exit_code_2(tmp_path):
    r = subprocess.run([sys.executable, "-m", "kit", "build", str(tmp_path / "nope"), "--out", str(tmp_path / "o")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert "corpus folder not found" in r.stderr
    assert "Traceback" not in r.stderr


def test_cli_build_writes_every_table(tmp_path):
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "kit", "build", str(SEEDS), "--out", str(out), "-q"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    from kit.build import TABLES

    for t in TABLES:
        assert (out / f"{t}.parquet").exists()
    docs = read_parquet(out / "documents.parquet")
    assert len(docs) == 5
    lines = read_parquet(out / "lines.parquet")
    assert len(lines) == 94 and set(lines.columns) >= {"doc_id", "line", "start_char", "end_char", "role", "text"}


def test_article_roles_feed_the_analysis(seeds_corpus):
    art = seeds_corpus.article("003_b635026d472f7ad1")
    roles = dict(zip([ln.line for ln in art.lines], art.roles))
    analysed = {ln for ln, r in roles.items() if r in ARTICLE_ROLES}
    assert analysed == {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}


# ----------------------------------------------------------------------------- other outlets' layouts

OUTLETS = ROOT / "tests" / "data" / "outlets"


@pytest.fixture(scope="module")
def outlets():
    return read_corpus(OUTLETS)


@pytest.mark.parametrize(
    ("doc", "text_start", "role"),
    [
        ("reuters", "US and China agree", "title"),
        ("reuters", "By Jane Doe", "byline"),
        ("reuters", "5 min read", "scrape_junk"),
        ("reuters", "Reporting by Jane Doe", "byline"),
        ("ap", "Published 10:30 AM EDT", "date"),
        ("ap", "Updated 2:15 PM EDT", "date_updated"),
        ("ap", "Photo: A man walks", "caption"),
        ("ap", "Copyright 2023", "publisher"),
        ("ap", "“It was the worst", "body"),
        ("bbc", "Share", "scrape_junk"),
        ("bbc", "2 hours ago", "date"),
        ("bbc", "Jane Doe", "author"),
        ("bbc", "Political correspondent", "byline"),
        ("bbc", "Getty Images", "caption"),
        ("bbc", "What happens next?", "heading"),
        ("guardian", "Scientists warn", "standfirst"),
        ("guardian", "Tue 18 Jul 2023", "date"),
        ("guardian", "Tourists shelter", "caption"),
        ("guardian", "Temperatures soared", "body"),
        ("guardian", "Reuse this content", "scrape_junk"),
        ("yonhap", "https://www.koreaherald.com", "url"),  # the page's address, after the title
        ("yonhap", "Published : Oct. 19, 2023 - 15:30", "date"),
        ("yonhap", "Updated : Oct. 19", "date_updated"),
        ("yonhap", "(END)", "scrape_junk"),
        ("yonhap", "yonhap@yna.co.kr", "publisher"),
        ("aljazeera", "Published On 18 Oct 2023", "date"),
        ("aljazeera", "3 mins", "scrape_junk"),
        ("aljazeera", "Save articles to read later", "scrape_junk"),
        ("aljazeera", "Image caption,", "caption"),
        ("aljazeera", "Source: Al Jazeera", "byline"),
    ],
)
def test_other_layouts(outlets, doc, text_start, role):
    lines = outlets.lines
    row = lines[(lines["doc_id"] == doc) & lines["text"].str.startswith(text_start)]
    assert row["role"].tolist() == [role]


def test_other_layouts_metadata(outlets):
    d = outlets.documents.set_index("doc_id")
    assert d.loc["reuters", "title"] == "US and China agree to resume military talks after year-long freeze"
    assert d.loc["reuters", "outlet"] == "Reuters"
    assert d.loc["reuters", "author"] == "Jane Doe"
    assert d.loc["ap", "published"] == pd.Timestamp("2023-10-05T14:30Z")  # 10:30 EDT
    assert d.loc["guardian", "published"] == pd.Timestamp("2023-07-18T11:05Z")  # 12.05 BST
    assert d.loc["guardian", "author"] == "Jane Doe"
    # a " - Site Name" suffix is cut from the title when the page's address names the same site
    assert d.loc["yonhap", "title"] == "N. Korea's Kim meets Russian FM Lavrov in Pyongyang"
    assert d.loc["yonhap", "outlet"] == "The Korea Herald"
    assert d.loc["yonhap", "published"] == pd.Timestamp("2023-10-19T15:30Z")
    # "2 hours ago" has no anchor: the publication date stays missing rather than invented
    assert pd.isna(d.loc["bbc", "published"]) and d.loc["bbc", "published_basis"] == "missing"


def test_hard_wrapped_paragraphs_are_body_and_rejoined(outlets):
    lines = outlets.lines[outlets.lines["doc_id"] == "wrapped"]
    assert lines["role"].tolist() == ["title", "byline"] + ["body"] * 6
    text = outlets.article("wrapped").view.text
    assert "after a debate that lasted more than six hours" in text
    assert '"This budget protects the services people rely on," the mayor said after the vote.' in text
    assert outlets.documents.set_index("doc_id").loc["wrapped", "author"] == "Sam Lee"


def test_copyright_line_names_the_outlet(outlets):
    d = outlets.documents.set_index("doc_id")
    assert d.loc["ap", "outlet"] == "The Associated Press"
    assert d.loc["reuters", "outlet"] == "Reuters"  # from "Title | Reuters"


# ----------------------------------------------------------------------------- held-out gold

HELDOUT = ROOT / "tests" / "data" / "heldout"
HELDOUT_GOLD = ROOT / "tests" / "data" / "heldout_gold"


def test_heldout_line_roles_and_metadata():
    """Five articles in other outlets' layouts, annotated independently of the kit."""
    from .conftest import read_jsonl

    c = read_corpus(HELDOUT)
    pred = {(r.doc_id, r.line): r.role for r in c.lines.itertuples()}
    gold = read_jsonl(HELDOUT_GOLD / "heldout_lines.jsonl")
    exact = sum(pred.get((g["doc_id"], g["line"])) == g["role"] for g in gold)
    body = sum((pred.get((g["doc_id"], g["line"])) == "body") == (g["role"] == "body") for g in gold)
    assert len(gold) == 96
    assert exact >= 91 and body == 96
    docs = c.documents.set_index("doc_id")
    for g in read_jsonl(HELDOUT_GOLD / "heldout_metadata.jsonl"):
        for f in ("title", "outlet", "author", "url"):
            assert _words(docs.loc[g["doc_id"], f]) == _words(g[f]), (g["doc_id"], f)
        assert str(docs.loc[g["doc_id"], "published"].date()) == g["published"][:10]
    # h02 has no manifest row: its date comes from its "Published:" line
    assert docs.loc["h02_courts_tiktok", "published_basis"] == "text"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=list('aZbA.!?,”"’“0)] \nx'), max_size=16))
def test_glued_mark_finds_the_glued_sentence_places(text):
    """repair_edits' fast _GLUED_MARK ends exactly where _GLUED_SENT matches."""
    from kit import corpus as kc

    assert [m.end() for m in kc._GLUED_MARK.finditer(text)] == [m.start() for m in kc._GLUED_SENT.finditer(text)]


LABELLED = """Title: Health minister resigns after hospital audit
Date: Monday, 3 March 2025 14:30 GMT
Author: Priya Natarajan
URL: https://example-news.test/health/minister-resigns

The health minister, Thomas Berg, resigned on Monday, days after an audit found serious failings at three hospitals.

Berg said in a statement that he took "full responsibility" for the delays, and that he would help the inquiry.

Source: Mountain Herald and news agencies
Subscribe to our newsletter
"""


def test_labelled_header_fields():
    # "Key: value" lines name their role by the label; the metadata is what follows it
    from kit.corpus import build_article

    art = build_article("labelled", "labelled.txt", LABELLED.encode("utf-8"))
    assert art.roles == ["title", "date", "byline", "url", "body", "body", "byline", "newsletter"]
    assert art.meta["title"] == "Health minister resigns after hospital audit"
    assert art.meta["author"] == "Priya Natarajan"
    assert art.meta["url"] == "https://example-news.test/health/minister-resigns"
    # "Subscribe to our newsletter" names no outlet; the source line does
    assert art.meta["outlet"] == "Mountain Herald"
    # the label is not part of the text the stages read, and offsets still map to the raw file
    assert art.text.startswith("Health minister resigns after hospital audit\n\nThe health minister")
    s, e = art.view.span_to_raw(0, len("Health minister"))
    assert art.raw[s:e] == "Health minister"


@pytest.mark.parametrize(("lines", "roles", "outlet", "author"), [
    # a wire dateline names the agency: a credit under a chart does not outrank it
    (["MARLOW, March 6 (Reuters) - Residents began returning home on Sunday, officials said.",
      "Source: Environment Agency"], ["body", "byline"], "Reuters", ""),
    (["Source: Office for National Statistics"], ["byline"], "", ""),   # a data credit, not an outlet
    (["Source: Officials said the deal was close."], ["byline"], "", ""),
    (["Written by Sally Rooney, the novel sold a million copies in its first year."], ["body"], "", ""),
    (["Subscribe To Our Newsletter"], ["newsletter"], "", ""),
])
def test_credits_and_prose_that_look_like_header_fields(lines, roles, outlet, author):
    from kit.corpus import build_article

    body = "The council said repairs would take weeks and cost millions of pounds to complete."
    text = "Floodwaters recede in Marlow Valley\n\n" + "\n\n".join(lines) + "\n\n" + body + "\n"
    art = build_article("c", "c.txt", text.encode("utf-8"))
    assert art.roles[1:-1] == roles and (art.meta["outlet"], art.meta["author"]) == (outlet, author)


def test_title_label_does_not_hide_a_repeated_title():
    from kit.corpus import build_article

    text = ("Title: Floodwaters recede in Marlow Valley\n\nFloodwaters recede in Marlow Valley\n\n"
            "Residents began returning to their homes on Sunday after the river fell, officials said.\n")
    assert build_article("t", "t.txt", text.encode("utf-8")).roles == ["title", "title_duplicate", "body"]


@pytest.mark.parametrize(("byline", "outlet"), [
    ("Staff reporter | Valley Gazette", "Valley Gazette"),
    ("By Jane Doe • The Daily Star", "The Daily Star"),
    ("By Jane Doe | Political correspondent", ""),
    ("Written by Jane Roe", ""),
])
def test_outlet_named_in_a_byline(byline, outlet):
    from kit.corpus import build_article

    text = f"Floodwaters recede in Marlow Valley\n{byline}\n\nResidents began returning to their homes on Sunday after the river fell.\n"
    art = build_article("b", "b.txt", text.encode("utf-8"))
    assert art.roles[1] == "byline" and art.meta["outlet"] == outlet
    if byline.startswith(("By", "Written")):
        assert art.meta["author"] in ("Jane Doe", "Jane Roe")


@pytest.mark.parametrize(("text", "sentences"), [
    # a closing quote glued to the full stop stays with its sentence
    ('"Our members have waited three years for a fair contract." The port said no.',
     ['"Our members have waited three years for a fair contract."', "The port said no."]),
    # a dash never opens a sentence ("MARLOW", "—", "Residents ..." was three), and a wire
    # dateline is a sentence of its own (joined, the parser made MARLOW a speaker)
    ("MARLOW — Residents began returning to their homes on Sunday after the river peaked, the mayor said.",
     ["MARLOW —", "Residents began returning to their homes on Sunday after the river peaked, the mayor said."]),
    ("Prices rose again — and again — officials said on Tuesday.",
     ["Prices rose again — and again — officials said on Tuesday."]),
    # a lower-case headline is one sentence; a blank line still ends one
    ("café owners in São Paulo protest new tax\n\nOwners marched on Monday.",
     ["café owners in São Paulo protest new tax", "Owners marched on Monday."]),
])
def test_sentence_guards(text, sentences):
    from kit.nlp import load_pipeline

    assert [s.text.strip() for s in load_pipeline()(text).sents] == sentences
