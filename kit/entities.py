"""Entity mentions and corpus-level canonical entities.

Two steps, matching the build's split between per-document and corpus-level work:

* :func:`doc_mentions` (per document, cached): every named-entity mention in the analysed text
  (title, standfirst, headings, body) with raw offsets, from spaCy's entities (filtered as textacy's
  ``extract.entities`` filters them), repaired with general rules (see the comments on each rule for the spaCy
  failure it avoids), plus *role* mentions (``kind == "role"``): descriptions such as "Russian
  Foreign Minister" or "his North Korean counterpart" that the text equates with a named person,
  and definite descriptions ("the Russian minister") that :func:`resolve` links later.
* :func:`resolve` (corpus level): clusters the mentions into canonical entities (spelling,
  transliteration, hyphen, case and possessive variants; surname/given-name-only mentions;
  acronyms; common country names; role descriptions), labels each entity by corpus majority
  and names it by its most complete, most frequent form.

Mention spans include a following possessive marker ("Lavrov’s"), as reference annotations do;
the ``name`` column holds the form without it, and clustering always ignores it.

Columns of ``mentions`` (beyond ``SCHEMA.md``): ``kind`` (``name`` or ``role``), ``name``,
``spacy_label`` (the label spaCy gave this mention; ``label`` is the entity's majority label),
``sent_id`` (the ``sentences`` table's id), ``nested`` (a name inside a longer role mention, e.g.
"Russian" in "Russian Foreign Minister": skip these when looking up who a span refers to),
``role_key`` (normalised role description), ``role_of`` (for a role: start offset of the name it
is attached to, else -1), ``alias_of`` (for an acronym defined in brackets, "Data Protection
Commission (DPC)": start offset of the name it abbreviates, else -1).

For the quotes and events stages: the entity a span refers to is the ``entity`` of the
non-``nested`` mention covering the span's head; a role mention (``kind == "role"``) carries the
entity of the person the text equates it with ("the Russian minister" -> "Sergey Lavrov"), or
an empty ``entity`` when the text never says who it is.

Analyst alias file
------------------
``resolve(..., aliases="my_aliases.csv")`` reads a CSV with a header ``action,name,target``
(``#`` starts a comment line); an example is ``data/aliases.example.csv``. Actions:

* ``merge,NAME,TARGET``: mentions of NAME (any spelling variant of it, or the entity named
  NAME) belong to the entity holding TARGET (e.g. ``merge,Kremlin,Russia``).
* ``forbid,NAME,OTHER``: NAME must never be in the same entity as OTHER; mentions of NAME are
  split off into their own entity if clustering joined them.
* ``label,NAME,LABEL``: force the label of NAME's entity (e.g. ``label,Lavrov,PERSON``).
* ``rename,NAME,NEW``: display NAME's entity as NEW.
* ``ignore,NAME,``: drop mentions of NAME (junk the NER keeps finding).

A YAML file (``.yaml``/``.yml``) with the same actions as keys is accepted too::

    merge: {Russia: [Kremlin]}
    forbid: [[Kim, Kim Jong Il]]
    label: {Lavrov: PERSON}
    rename: {Sergei Lavrov: Sergey Lavrov}
    ignore: [Comrade Minister]
"""

from __future__ import annotations

import bisect
import csv
import functools
import hashlib
import html
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
from spacy.parts_of_speech import DET
from spacy.tokens import Doc, Span, Token

from kit import docview
from kit.corpus import Article
from kit.offsets import span_mask

__all__ = [
    "MENTION_COLUMNS", "ENTITY_COLUMNS", "doc_mentions", "mention_rows", "mentions_frame", "resolve", "name_key",
    "read_aliases", "MentionIndex",
    "entity_counts", "doc_entity_counts", "doc_entity_matrix", "cooccurrence", "alias_table",
]

MENTION_COLUMNS = ["doc_id", "start_char", "end_char", "text", "label", "entity", "entity_id"]
ENTITY_COLUMNS = ["entity_id", "entity", "label", "n_mentions", "n_docs", "aliases"]
RAW_COLUMNS = ["doc_id", "start_char", "end_char", "text", "label", "kind", "name", "role_of",
               "role_key", "sent_id", "nested", "alias_of"]
EXTRA_COLUMNS = ["kind", "name", "spacy_label", "sent_id", "nested", "role_key", "role_of", "alias_of"]

#: spaCy labels kept as entity mentions (dates and numbers belong to other stages).
NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART",
               "LAW", "LANGUAGE"}

# ------------------------------------------------------------------------------ general tables

#: Head nouns of role descriptions ("Foreign Minister", "affairs expert"): titles, offices and
#: occupations news uses in front of or in apposition to a person's name.  Deliberately without
#: "general" (General Motors, General Electric) and other words that start organisation names.
ROLE_HEADS = frozenset("""
minister president leader chairman chairwoman chairperson chair premier chancellor secretary
spokesman spokeswoman spokesperson official diplomat ambassador envoy counterpart expert analyst
journalist correspondent reporter editor commentator columnist economist strategist researcher
scientist professor lecturer historian director executive ceo cfo coo cto founder co-founder
cofounder owner boss chief head governor mayor senator congressman congresswoman lawmaker
legislator representative deputy delegate commissioner commander colonel captain lieutenant
sergeant admiral marshal king queen prince princess emperor monarch dictator pope bishop
archbishop cleric imam rabbi judge attorney lawyer prosecutor adviser advisor aide negotiator
mediator observer activist candidate nominee politician fm pm vp vice-president coach manager
officer inspector detective doctor surgeon physician president-elect prime-minister
ruler strongman successor predecessor speaker general-secretary secretary-general
member campaigner counsel barrister solicitor midfielder striker defender goalkeeper winger
player
""".split())

#: Last words of organisation names: a "person" ending in one is an organisation ("Ukrainian
#: Premier League", "Executive Board"), and no title is split off it.
ORG_HEADS = frozenset("""
league board union party council committee commission association club bank court ministry
agency group company corporation university school college federation institute department
office police army navy force forces assembly parliament senate congress government authority
organisation organization foundation fund trust service services airlines airways team
""".split())

#: Phrase rewrites so equivalent role descriptions get the same key ("Russian FM", "the Russian
#: top diplomat" and "Russian Foreign Minister" all describe one office).
ROLE_SYNONYMS = [
    (r"\bfm\b", "foreign minister"), (r"\bpm\b", "prime minister"), (r"\bvp\b", "vice president"),
    (r"\btop diplomat\b", "foreign minister"), (r"\bforeign secretary\b", "foreign minister"),
    (r"\bdefence\b", "defense"), (r"\bdefense chief\b", "defense minister"),
    (r"\bchief executive( officer)?\b", "ceo"), (r"\bprime-minister\b", "prime minister"),
    (r"\bvice-president\b", "vice president"), (r"\bchairwoman\b|\bchairperson\b", "chairman"),
    (r"\bspokeswoman\b|\bspokesperson\b", "spokesman"), (r"\badvisor\b", "adviser"),
]
#: Modifiers that do not change whom a role describes ("the Russian top diplomat").
ROLE_NOISE = frozenset("a an the his her its their our my your top senior veteran then current "
                       "incumbent longtime long-time new influential prominent powerful leading "
                       "well-known renowned respected".split())

#: Well-known alternative names of countries and unions (general knowledge, not corpus data).
COUNTRY_ALIASES: dict[str, list[str]] = {
    "United States": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
    "United Kingdom": ["UK", "U.K.", "Britain", "Great Britain"],
    "Russia": ["Russian Federation"],
    "North Korea": ["DPRK", "D.P.R.K.", "Democratic People's Republic of Korea"],
    "South Korea": ["ROK", "Republic of Korea"],
    "China": ["PRC", "People's Republic of China", "mainland China"],
    "Iran": ["Islamic Republic of Iran"],
    "Syria": ["Syrian Arab Republic"],
    "Vietnam": ["Viet Nam"],
    "Czech Republic": ["Czechia"],
    "Turkey": ["Türkiye", "Turkiye"],
    "Myanmar": ["Burma"],
    "Ivory Coast": ["Côte d'Ivoire", "Cote d'Ivoire"],
    "United Arab Emirates": ["UAE", "U.A.E."],
    "Netherlands": ["Holland", "the Netherlands"],
    "Democratic Republic of the Congo": ["DRC", "DR Congo"],
    "European Union": ["EU", "E.U."],
    "United Nations": ["UN", "U.N."],
    "Saudi Arabia": ["KSA", "Kingdom of Saudi Arabia"],
    "Laos": ["Lao PDR"],
    "Moldova": ["Republic of Moldova"],
    "Tanzania": ["United Republic of Tanzania"],
}

#: Capitals and seats of government that news uses for the government itself ("Pyongyang
#: said", "the Kremlin denied"). Used only with ``resolve(..., capitals=True)``.
CAPITALS: dict[str, str] = {
    "Pyongyang": "North Korea", "Seoul": "South Korea", "Blue House": "South Korea",
    "Moscow": "Russia", "Kremlin": "Russia", "Washington": "United States",
    "White House": "United States", "Beijing": "China", "Zhongnanhai": "China",
    "Tokyo": "Japan", "Kyiv": "Ukraine", "Kiev": "Ukraine", "London": "United Kingdom",
    "Downing Street": "United Kingdom", "Whitehall": "United Kingdom", "Paris": "France",
    "Elysee": "France", "Élysée": "France", "Berlin": "Germany", "Rome": "Italy",
    "Madrid": "Spain", "Ottawa": "Canada", "Canberra": "Australia", "New Delhi": "India",
    "Islamabad": "Pakistan", "Tehran": "Iran", "Baghdad": "Iraq", "Damascus": "Syria",
    "Ankara": "Turkey", "Cairo": "Egypt", "Riyadh": "Saudi Arabia", "Taipei": "Taiwan",
    "Hanoi": "Vietnam", "Manila": "Philippines", "Jakarta": "Indonesia", "Bangkok": "Thailand",
    "Kabul": "Afghanistan", "Minsk": "Belarus", "Warsaw": "Poland", "Budapest": "Hungary",
    "Prague": "Czech Republic", "Vienna": "Austria", "Bern": "Switzerland",
    "Stockholm": "Sweden", "Oslo": "Norway", "Helsinki": "Finland", "Copenhagen": "Denmark",
    "Athens": "Greece", "Lisbon": "Portugal", "Dublin": "Ireland", "Brasilia": "Brazil",
    "Buenos Aires": "Argentina", "Mexico City": "Mexico", "Havana": "Cuba",
    "Caracas": "Venezuela", "Pretoria": "South Africa", "Nairobi": "Kenya", "Abuja": "Nigeria",
    "Addis Ababa": "Ethiopia", "Tbilisi": "Georgia", "Yerevan": "Armenia", "Baku": "Azerbaijan",
    "Astana": "Kazakhstan", "Ulaanbaatar": "Mongolia", "Naypyidaw": "Myanmar", "Dhaka": "Bangladesh",
}

_CORP_SUFFIXES = {"inc", "incorporated", "corp", "corporation", "co", "ltd", "limited", "llc",
                  "plc", "ag", "sa", "nv", "gmbh", "company", "group", "holdings", "holding", "spa",
                  "se", "bv", "pty", "lp", "llp"}
#: Abbreviated country names that open longer names ("US Air Force" = "United States Air Force").
_COUNTRY_PREFIXES = {"us": ("united", "states"), "usa": ("united", "states"), "uk": ("united", "kingdom"),
                     "eu": ("european", "union"), "un": ("united", "nations")}
#: Words that make a different place of the same name (North / South Korea): a name never
#: joins a longer one that only adds such a word.
_DIRECTIONS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
               "new", "old", "upper", "lower", "greater"}
_ACRONYM_SKIP = {"of", "the", "and", "for", "de", "&", "on", "in"}
_QUOTES = "“”\"«»„‟‘‚‹›"
_DETS = {"the", "a", "an"}
_POSS_PRON = {"his", "her", "its", "their", "our", "my", "your"}


# ------------------------------------------------------------------------------ normalisation

def _deaccent(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _translit(tok: str) -> str:
    """Collapse common romanisation variants of one lower-case token (Sergei/Sergey,
    Dmitri/Dmitry, Zelensky/Zelenskyy); applied to every token alike, so names that differ in
    anything else (Kim Jong Un / Kim Jong Il) stay apart."""
    t = tok.replace("y", "i").replace("ks", "x").replace("kh", "h").replace("tch", "ch").replace("ou", "u")
    return re.sub(r"(.)\1+", r"\1", t)


#: Possessive markers, including HTML entities scrapes leave behind ("Spain&#39;s").
_POSS_MARKS = ("’s", "'s", "&#39;s", "&apos;s", "&rsquo;s", "&#8217;s", "&#x27;s")


def _strip_possessive(s: str) -> str:
    s = s.rstrip()
    if not s.endswith("s"):
        return s
    for mark in _POSS_MARKS:
        if len(s) > len(mark) and s.endswith(mark):
            return s[: -len(mark)]
    return s


@functools.lru_cache(maxsize=65536)
def name_key(text: str) -> tuple[str, ...]:
    """The clustering key of a name: possessive, leading article, accents, case, hyphens,
    periods of acronyms, middle initials and company suffixes ignored; romanisation variants
    collapsed. ``name_key("Sergei Lavrov’s") == name_key("sergey lavrov")``."""
    s = _deaccent(html.unescape(_strip_possessive(" ".join(text.split()))))
    s = re.sub(r"^(the|The|THE)\s+", "", s)
    if re.fullmatch(r"(?:[A-Za-z]\.){2,}", s):
        s = s.replace(".", "")
    s = re.sub(r"[-‐‑–—_/]", " ", s)
    s = re.sub(r"[^\w\s&]", "", s).lower()
    toks = s.split()
    if len(toks) > 1:
        toks = [t for t in toks if len(t) > 1 or t == "&"] or toks  # middle initials
    while len(toks) > 1 and toks[-1] in _CORP_SUFFIXES:
        toks = toks[:-1]
    if len(toks) > 1 and toks[0] in _COUNTRY_PREFIXES:
        toks = [*_COUNTRY_PREFIXES[toks[0]], *toks[1:]]
    return tuple(_translit(t) for t in toks)


@functools.lru_cache(maxsize=1)
def _country_keys() -> frozenset:
    return frozenset(name_key(a) for canon, alts in COUNTRY_ALIASES.items() for a in [canon, *alts])


@functools.lru_cache(maxsize=65536)
def _role_key(text: str) -> str:
    """Normalised role description: lower case, no determiners or noise modifiers, synonyms
    rewritten ("The Russian top diplomat" -> "russian foreign minister")."""
    s = " " + " ".join(_deaccent(text).lower().replace("’", "'").split()) + " "
    s = re.sub(r"'s\b", "", s)
    for pat, rep in ROLE_SYNONYMS:
        s = re.sub(pat, rep, s)
    words = [w for w in s.split() if w not in ROLE_NOISE]
    return " ".join(words)


# ------------------------------------------------------------------------------ per document

@dataclass
class _Cand:
    start: int  # clean-view offsets
    end: int
    label: str
    kind: str = "name"
    role_of: int = -1  # clean start of the name a role is attached to
    forced: bool = False  # label known from context (a role in front of it: a person)
    alias_of: int = -1  # clean start of the name a bracketed acronym abbreviates


_SPLIT_RE = re.compile(
    r"\s*\n\s*"                    # a line break never sits inside a name
    r"|[“”\"«»„‟]"                 # nor a double quote mark (glued quotes: II.“The)
    r"|\s[–—]\s|[|•:;()\[\]]"      # dashes between words, separators, brackets
    r"|(?<=[a-z\]\)0-9IVX]{2})[.!?](?=[‘’']?[A-Z][a-z])"  # a glued sentence end (II.The)
    r"|\s(?:&amp;|&|and)\s(?=(?:the|The)\s)"  # coordination: "Ukraine & the Middle East"
)
#: Letters after a person's name that are not part of it ("Rónán Kennedy SC").
_POSTNOMINALS = {"SC", "QC", "KC", "MP", "MEP", "MSP", "PhD", "MD", "OBE", "MBE", "CBE", "KBE",
                 "Esq", "Esq.", "FRS"}
_CALENDAR = {"January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December", "Monday", "Tuesday", "Wednesday",
             "Thursday", "Friday", "Saturday", "Sunday"}


def _split(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Cut a candidate span at characters that cannot occur inside a name (spaCy glues
    'World War II.“The Russian Federation' or a heading and the next line into one entity)."""
    out, cur = [], s
    for m in _SPLIT_RE.finditer(text, s, e):
        out.append((cur, m.start()))
        cur = m.end()
    out.append((cur, e))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Strip space, edge punctuation and a leading article (keeping the final period of
    abbreviations such as U.S. or Inc.)."""
    while s < e and (text[s].isspace() or text[s] in _QUOTES + "‘’',.-–—*#_~!?"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in _QUOTES + "‘’,-–—*#_~!?:;"):
        e -= 1
    while e > s and text[e - 1] == "." and not re.search(
            r"(?:\b[A-Za-z]\.)+$|\b(?:Inc|Corp|Co|Ltd|Jr|Sr|St|Bros|Mr|Mrs|Dr)\.$", text[s:e]):
        e -= 1
    m = re.match(r"(?:the|The|THE|a|an|A|An)\s+", text[s:e])
    if m and e - s > m.end():
        s += m.end()
    return s, e


def _is_headline(line: str) -> bool:
    """A title-case line ("Lavrov’s Upcoming Visit to North Korea Raises Speculation"): spaCy
    tags runs of capitalised common words there as entities ("Lavrov’s Trip", "US
    Belligerence"), so entities in such lines are trimmed to words seen as names elsewhere."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", line) if len(w) > 3]
    if len(words) < 3 or line.rstrip().endswith("."):
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.75


def _tok_span(doc: Doc, s: int, e: int):
    return docview.char_span(doc, s, e)


def _is_role_head(t: Token) -> bool:
    w = t.text.lower().replace("’", "'")
    return (w in ROLE_HEADS and t.tag_ in ("NN", "NNP")) or (
        t.tag_ == "NN" and len(w) > 5 and w.endswith(("ist", "ian")) and w not in {"christian"})


def _capitalised(t: Token) -> bool:
    w = t.text
    return w[:1].isupper() and any(c.isalpha() for c in w)


# textacy's NUMERIC_ENT_TYPES: entity types left to the date, quantity and quote stages.
_NUMERIC_TYPES = frozenset({"ORDINAL", "CARDINAL", "MONEY", "QUANTITY", "PERCENT", "TIME", "DATE"})


def _name_entities(doc: Doc) -> Iterator[Span]:
    """spaCy's entities as ``textacy.extract.entities(doc, exclude_types="NUMERIC",
    drop_determiners=True)`` gives them: no whitespace-only or numeric ones, a leading
    determiner dropped. Done here because importing textacy costs seconds per process (it pulls
    in scikit-learn and scipy) for these few lines."""
    dv = docview.view(doc)
    text, toks = dv.text, dv.tokens  # shared: ent.text and ent[0] would make new Token objects
    for ent in dv.ents:
        if text[ent.start_char:ent.end_char].isspace() or ent.label_ in _NUMERIC_TYPES:
            continue
        yield Span(doc, ent.start + 1, ent.end, label=ent.label) if toks[ent.start].pos == DET else ent


def doc_mentions(doc: Doc, art: Article) -> pd.DataFrame:
    """Entity mentions of one parsed article, with raw offsets (not yet clustered).

    Name mentions come from spaCy's entities (as ``textacy.extract.entities`` gives them, numeric types
    left to other stages) repaired by general rules; role mentions are descriptions equated
    with a name in the text (pre-name titles, appositions) or definite role descriptions
    ("the Russian minister") that :func:`resolve` links across the document and corpus."""
    return mentions_frame(mention_rows(doc, art))


def mentions_frame(rows: list[dict]) -> pd.DataFrame:
    """The raw mentions table (:data:`RAW_COLUMNS`) of some :func:`mention_rows` rows."""
    return pd.DataFrame(rows, columns=RAW_COLUMNS)


def mention_rows(doc: Doc, art: Article) -> list[dict]:
    """:func:`doc_mentions` as a list of row dicts (the build makes one frame per batch)."""
    dv = docview.view(doc)
    text = dv.text
    # lines of the clean view, and which are title-case headlines
    line_spans: list[tuple[int, int, bool]] = []
    pos = 0
    for line in text.split("\n"):
        line_spans.append((pos, pos + len(line), _is_headline(line)))
        pos += len(line) + 1

    line_starts = [a for a, _, _ in line_spans]

    def in_headline(i: int) -> bool:
        return line_spans[max(0, bisect.bisect_right(line_starts, i) - 1)][2]

    # one pass over the tokens (creating spaCy Token objects is the costly part)
    toks = dv.tokens
    appos = [t for t in toks if t.dep_ == "appos"]
    # words attested as names: capitalised mid-sentence outside headlines
    namelike: set[str] = set()
    # the first letter read off the text: most tokens are not capitalised, and asking a Token
    # for its text builds a new string each time
    for i, a in enumerate(dv.starts):
        if text[a].isupper():
            t = toks[i]
            if _capitalised(t) and not t.is_sent_start and not in_headline(a):
                namelike.add(_strip_possessive(t.text))

    cands: list[_Cand] = []
    for span in _name_entities(doc):
        if span.label_ not in NAME_LABELS:
            continue
        for s, e in _split(text, span.start_char, span.end_char):
            s, e = _trim(text, s, e)
            if e > s:
                cands.append(_Cand(s, e, span.label_))

    cands = [p for c in cands for p in _headline_trim(text, c, namelike, in_headline)]
    for c in cands:  # spaCy's "persons" ending in League, Board, Party... are organisations
        words = _strip_possessive(text[c.start:c.end]).split()
        if c.label == "PERSON" and len(words) > 1 and words[-1].lower() in ORG_HEADS:
            c.label = "ORG"
    cands = [c for c in (_trim_common_tail(text, c, cands) for c in cands) if c]
    cands = [p for c in cands for p in _cut_possessive(text, c)]
    known = {_strip_possessive(text[c.start:c.end]) for c in cands}
    cands = [p for c in cands for p in _split_hyphen(text, c, known)]
    cands = [p for c in cands for p in _split_role_prefix(doc, c)]
    cands.extend(_names_after_roles(doc, cands, toks))
    cands.extend(_names_before_roles(doc, cands, appos))
    cands = [_extend_name(doc, c, cands) for c in cands]
    cands = [_drop_postnominal(text, c) for c in cands]
    cands.extend(_paren_acronyms(text, cands))
    for c in cands:  # a title in front makes a name a person ("Prime Minister Kiran Bahadur Thapa")
        span = _tok_span(doc, c.start, c.end)
        if span is not None and span.start > 0 and _is_role_head(doc[span.start - 1]):
            c.forced = True
    cands.extend(_gazetteer(text, cands, in_headline))
    cands = _datelines(text, cands)
    cands = _dedupe(cands)
    cands = [c for c in cands if not _sentence_initial_noun(doc, text, c, namelike)
             and not _bare_title(doc, text, c, cands)]
    cands = [_with_possessive(text, c) for c in cands]
    cands = [c for c in cands if re.search(r"[A-Za-z]", text[c.start:c.end])
             and any(ch.isupper() for ch in text[c.start:c.end])]
    roles = _roles(doc, cands, appos, toks)
    allc = cands + roles

    # sentence ids, numbered exactly as kit.nlp.doc_sentences numbers them
    # (from the token arrays: iterating doc.sents builds every Token again)
    sent_bounds: list[tuple[int, int, int]] = []
    k = 0
    starts = dv.sent_starts or [0]
    for a, b in zip(starts, [*starts[1:], len(toks)]):
        if a < b and not all(toks[j].is_space for j in range(a, b)):
            sent_bounds.append((toks[a].idx, toks[b - 1].idx + len(toks[b - 1].text), k))
            k += 1
    sent_starts = [a for a, _, _ in sent_bounds]

    def sent_of(i: int) -> int:
        j = bisect.bisect_right(sent_starts, i) - 1
        if j >= 0 and sent_bounds[j][0] <= i < sent_bounds[j][1]:
            return sent_bounds[j][2]
        for a, b, sid in sent_bounds:
            if a <= i < b:
                return sid
        return -1

    role_spans = [(r.start, r.end) for r in roles]
    rows = []
    for c in sorted(allc, key=lambda c: (c.start, -c.end)):
        rs, re_ = art.view.span_to_raw(c.start, c.end)
        raw = art.raw[rs:re_]
        if not raw.strip() or "\n" in raw.strip():
            continue  # a repair in the clean view cannot be traced to one raw span
        nested = c.kind == "name" and any(a <= c.start and c.end <= b and (a, b) != (c.start, c.end)
                                          for a, b in role_spans)
        role_of = -1
        if c.role_of >= 0:
            role_of = art.view.span_to_raw(c.role_of, c.role_of + 1)[0]
        alias_of = art.view.span_to_raw(c.alias_of, c.alias_of + 1)[0] if c.alias_of >= 0 else -1
        label = "PERSON" if (c.kind == "role" or c.forced) else c.label
        rows.append({"doc_id": art.doc_id, "start_char": rs, "end_char": re_, "text": raw,
                     "label": label, "kind": c.kind,
                     "name": _strip_possessive(raw) if c.kind == "name" else raw,
                     "role_of": role_of, "role_key": _role_key(raw) if c.kind == "role" else "",
                     "sent_id": sent_of(c.start), "nested": nested, "alias_of": alias_of})
    return rows


def _headline_trim(text: str, c: _Cand, namelike: set[str], in_headline) -> list[_Cand]:
    """In a title-case line keep only the runs of words attested as names elsewhere in the
    document ("Putin Meets Kim" -> "Putin", "Kim"; lower-case "of"/"the" may join a run).
    A one-word entity stays unless the document also writes it in lower case: a place named only
    in the headline ("... in Vladivostok") is still a place."""
    if not in_headline(c.start):
        return [c]
    words = list(re.finditer(r"\S+", text[c.start:c.end]))
    if len(words) == 1:
        core = _strip_possessive(words[0].group().strip(_QUOTES + "‘’,.:;!?"))
        lower = re.search(r"(?<![\w-])" + re.escape(core.lower()) + r"(?!\w)", text) if core else None
        return [c] if core and (core in namelike or not lower) else []

    def ok(w: str) -> bool:
        core = _strip_possessive(w.strip(_QUOTES + "‘’,.:;!?"))
        if not core:
            return False
        if core in namelike or (len(core) >= 2 and core.isupper()):
            return True
        parts = [p for p in re.split(r"[-‐‑]", core) if p]
        return len(parts) > 1 and all(p in namelike or p.isupper() for p in parts)

    good = [ok(w.group()) for w in words]
    for k in range(1, len(words) - 1):  # "Bank of England": a lower-case link between names
        if not good[k] and words[k].group() in _LINK_WORDS and good[k - 1] and good[k + 1]:
            good[k] = True
    out, k = [], 0
    while k < len(words):
        if not good[k]:
            k += 1
            continue
        j = k
        while j + 1 < len(words) and good[j + 1]:
            j += 1
        s, e = _trim(text, c.start + words[k].start(), c.start + words[j].end())
        if e > s:
            out.append(_Cand(s, e, c.label))
        k = j + 1
    return out


_LINK_WORDS = {"of", "the", "and", "de", "du", "des", "la", "le", "von", "van", "der", "den", "al",
               "bin", "for", "on", "&"}
_COMMON_SUFFIX = re.compile(r"ing$")


def _trim_common_tail(text: str, c: _Cand, cands: list[_Cand]) -> _Cand | None:
    """Drop a last word that the document uses as an ordinary word ("Russian Counterbalancing",
    a heading glued to the next line that spaCy took for a person: "counterbalancing" occurs in
    lower case too). Only gerunds at the end of a person's name are considered: organisations
    end in ordinary words ("Data Protection Commission") and names such as "White House" are
    safe. The rest takes the label the document gives it elsewhere."""
    words = text[c.start:c.end].split(" ")
    if len(words) < 2 or c.label != "PERSON":
        return c
    last = words[-1]
    if not (_COMMON_SUFFIX.search(last) and last[:1].isupper() and len(last) > 5):
        return c
    if not re.search(r"(?<![\w-])" + re.escape(last.lower()) + r"(?!\w)", text):
        return c
    e = c.end - len(last) - 1
    rest = text[c.start:e]
    labels = Counter(x.label for x in cands if text[x.start:x.end] == rest)
    return _Cand(c.start, e, labels.most_common(1)[0][0] if labels else c.label)


def _cut_possessive(text: str, c: _Cand) -> list[_Cand]:
    """A possessive ends a name: spaCy tags "Lavrov’s Upcoming Visit" and "North Korea’s
    Military" as one entity."""
    m = re.search(r"(?:[’']|&#39;|&apos;|&rsquo;|&#8217;|&#x27;)s\s", text[c.start:c.end])
    if m:
        return [_Cand(c.start, c.start + m.end() - 1, c.label, forced=c.forced)]
    return [c]


def _split_hyphen(text: str, c: _Cand, known: set[str]) -> list[_Cand]:
    """Split "Kim-Putin" (a hyphenated pair of names tagged as one person) when both parts are
    names found on their own in the document; "Asia-Pacific" or "Kim Jong-un" stay whole."""
    t = text[c.start:c.end]
    parts = re.split(r"(?<=\w)[-‐‑–](?=[A-Z])", t)
    if len(parts) < 2:
        return [c]
    if t.endswith("-"):
        return [c]
    if not all(_strip_possessive(p) in known for p in parts):
        return [c]
    out, off = [], c.start
    for p in parts:
        out.append(_Cand(off, off + len(p), c.label))
        off += len(p) + 1
    return out


def _split_role_prefix(doc: Doc, c: _Cand) -> list[_Cand]:
    """Split a title off a name spaCy tagged together ("Russian FM Sergey Lavrov" as ORG): the
    words after the last role noun are the person's name."""
    span = _tok_span(doc, c.start, c.end)
    if span is None or len(span) < 2:
        return [c]
    toks = docview.view(doc).tokens  # iterating the span would make new Token objects
    heads = [t for t in toks[span.start:span.end - 1] if _is_role_head(t)]
    if not heads:
        return [c]
    h = heads[-1]
    rest = toks[h.i + 1: span.end]
    if not rest or not all(_capitalised(t) or t.tag_ == "HYPH" or t.tag_ == "POS" for t in rest):
        return [c]
    # a person's name after the title: spaCy said so, or two words or more; never an
    # organisation's last word ("Executive Board", "Premier League")
    if (c.label != "PERSON" and len(rest) < 2) or _strip_possessive(rest[-1].text).lower() in ORG_HEADS:
        return [c]
    out = [_Cand(rest[0].idx, c.end, "PERSON", forced=True)]  # the role is found again by _roles
    # keep what comes before the title: the organisation or country of "Apple CEO Steve Jobs"
    pre = doc[span.start: heads[0].i]
    while len(pre) and (pre[-1].is_punct or not _capitalised(pre[-1])):
        pre = pre[:-1]
    if len(pre) and all(_capitalised(t) or t.tag_ in ("HYPH", "POS", "CC") for t in pre):
        s, e = pre.start_char, pre.end_char
        label = ("GPE" if name_key(pre.text) in _country_keys() else
                 "NORP" if all(t.tag_ == "JJ" for t in pre) else "ORG")
        out.insert(0, _Cand(s, e, label))
    return out


def _names_after_roles(doc: Doc, cands: list[_Cand], toks: list[Token]) -> list[_Cand]:
    """Names spaCy misses right after a role noun ("his North Korean counterpart Choe Son Hui",
    "counterpart Choe Son-hui"): a run of capitalised words there is a person."""
    covered = set()
    for c in cands:
        covered.update(range(c.start, c.end))
    out = []
    for t in toks[:-1]:
        if t.lower_ not in ROLE_HEADS and not t.lower_.endswith(("ist", "ian")):
            continue
        if not _is_role_head(t):
            continue
        j = t.i + 1
        run = []
        while j < len(doc):
            u = doc[j]
            if u.idx in covered or u.lower_ in ORG_HEADS:
                run = [] if u.lower_ in ORG_HEADS else run
                break
            if _capitalised(u) and u.tag_ in ("NNP", "NNPS") and u.sent == t.sent:
                run.append(u)
            elif (u.tag_ == "HYPH" and not doc[j - 1].whitespace_ and j + 1 < len(doc)
                  and run and doc[j + 1].is_alpha and not u.whitespace_):
                run.extend([u, doc[j + 1]])
                j += 1
            else:
                break
            j += 1
        if run:
            out.append(_Cand(run[0].idx, run[-1].idx + len(run[-1].text), "PERSON", forced=True))
    return out


def _names_before_roles(doc: Doc, cands: list[_Cand], appos: list[Token]) -> list[_Cand]:
    """Names spaCy misses in front of a role apposition ("Isabel Schnabel, an influential
    member of the ECB's board"): a run of capitalised proper nouns there is a person."""
    covered = set()
    for c in cands:
        covered.update(range(c.start, c.end))
    out = []
    for t in appos:
        if not _is_role_head(t) or t.head.i >= t.i:
            continue
        h = t.head
        run = [u for u in doc[h.left_edge.i: h.i + 1]]
        if not run or h.idx in covered or any(u.idx in covered for u in run):
            continue
        if not all(_capitalised(u) and u.tag_ in ("NNP", "NNPS") for u in run) or len(run) > 4:
            continue
        out.append(_Cand(run[0].idx, h.idx + len(h.text), "PERSON", forced=True))
    return out


def _drop_postnominal(text: str, c: _Cand) -> _Cand:
    """Leave post-nominal letters out of a person's name ("Rónán Kennedy SC")."""
    words = text[c.start:c.end].split(" ")
    if c.label == "PERSON" and len(words) > 2 and words[-1].rstrip(",") in _POSTNOMINALS:
        return _Cand(c.start, c.end - len(words[-1]) - 1, c.label, c.kind, c.role_of, c.forced)
    return c


def _abbreviates(acronym: str, name: str) -> bool:
    """The acronym's letters, in order, from the name, starting with its first letter ("SIA" of
    "Singapore Airlines"; not the agency "AP" after the dateline "Nepal")."""
    letters = [ch for ch in acronym.lower() if ch.isalpha()]
    rest = iter(name.lower())
    return bool(letters) and name[:1].lower() == letters[0] and all(ch in rest for ch in letters)


def _paren_acronyms(text: str, cands: list[_Cand]) -> list[_Cand]:
    """An acronym introduced in brackets after a name ("Data Protection Commission (DPC)") is a
    mention of it; spaCy rarely tags the bare acronym, later ones are found by the gazetteer."""
    out = []
    for c in cands:
        m = re.match(r"\s*\(([A-Z][A-Za-z&.]{1,7})\)", text[c.end:c.end + 12])
        if m and sum(ch.isupper() for ch in m.group(1)) >= 2 and _abbreviates(m.group(1), text[c.start:c.end]):
            s = c.end + m.start(1)
            e = s + len(m.group(1))
            same = [o for o in cands if o.start == s and o.end == e]
            for o in same:  # spaCy found the acronym itself: record what it abbreviates
                o.alias_of = c.start
            if not same:
                out.append(_Cand(s, e, c.label, alias_of=c.start))
    return out


def _extend_name(doc: Doc, c: _Cand, cands: list[_Cand]) -> _Cand:
    """Extend a person over capitalised words spaCy left out ("Choe" of "Choe Son Hui")."""
    if c.label != "PERSON":
        return c
    span = _tok_span(doc, c.start, c.end)
    if span is None or span.end >= len(doc) or doc[span.end - 1].tag_ == "POS":
        return c
    starts = {x.start for x in cands}
    j = span.end
    end = c.end
    while j < len(doc) and doc[j - 1].whitespace_ == " " and doc[j].idx not in starts:
        u = doc[j]
        if not (_capitalised(u) and u.tag_ == "NNP" and u.ent_type_ in ("", "PERSON")) or u.is_sent_start:
            break
        end = u.idx + len(u.text)
        j += 1
    if end == c.end:
        return c
    return _Cand(c.start, end, c.label, forced=c.forced)


_CAP_WORD = re.compile(r" ([A-Z][\w’'&.-]*)")


def _names_pattern(names: list[str]) -> re.Pattern:
    """``(?<![\\w-])(?:name|name...)(?!\\w)`` with the lookbehind moved after each name's first
    letter: the same matches, but each alternative opens with a literal, so sre jumps between
    those letters instead of testing the lookbehind and every name at every character."""
    alts = []
    for nm in names:
        first = re.escape(nm[0])
        alts.append(f"{first}(?<![\\w-]{first}){re.escape(nm[1:])}")
    return re.compile("(?:" + "|".join(alts) + r")(?!\w)")


def _gazetteer(text: str, cands: list[_Cand], in_headline) -> list[_Cand]:
    """Find again, in the whole document, names the NER tagged somewhere in it (spaCy misses
    "Russia" in "North Korea-Russia relations" while tagging it elsewhere)."""
    names: dict[str, str] = {}
    for c in cands:
        nm = _strip_possessive(text[c.start:c.end])
        if len(nm) >= 2 and nm[0].isupper():
            names.setdefault(nm, c.label)
    # surnames of the people named in full ("Prime Minister Kiran Bahadur Thapa ... Thapa said"),
    # unless the word also serves as an ordinary word in the document
    for c in cands:
        words = _strip_possessive(text[c.start:c.end]).split()
        if c.forced and len(words) >= 2:
            last = words[-1]
            if (len(last) >= 3 and last[0].isupper() and last[1:].islower() and last not in _CALENDAR
                    and not _names_pattern([last.lower()]).search(text)):
                names.setdefault(last, "PERSON")
    covered = span_mask(len(text), ((c.start, c.end) for c in cands))
    out = []
    if not names:
        return out
    # one pattern for all names, longest first, so "North Korea" wins over "Korea"
    for m in _names_pattern(sorted(names, key=len, reverse=True)).finditer(text):
        nm = m.group()
        s, e = m.start(), m.end()
        if any(covered[s:e]):
            continue
        before = text[max(0, s - 30):s]
        # part of a longer capitalised name ("Korea" in "North Korea"): leave it
        if re.search(r"[A-Z][\w’'.]*[ \t]\Z", before):
            continue
        # a name that opens a longer capitalised run spaCy missed ("Apple Computer today")
        # is that longer name, up to a title word ("Apple CEO")
        while (w := _CAP_WORD.match(text, e)) is not None:
            if w.group(1).lower().rstrip(".") in ROLE_HEADS or any(covered[w.start():w.end()]):
                break
            e = w.end()
        if e > m.end() and (in_headline(s) or text[e - 1] == "."):
            continue
        out.append(_Cand(s, e, names[nm]))
        covered[s:e] = b"\x01" * (e - s)
    return out


_DATELINE = re.compile(r"^([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3})(?=,|\s*\(|\s+[—–-]|\s*&#8212;)", re.M)


def _datelines(text: str, cands: list[_Cand]) -> list[_Cand]:
    """A place in capitals opening a paragraph ("MIAMI (AP) —", "BERLIN, June 3 (Wire) -") is
    the dateline: a place, whatever spaCy called it (it tags MIAMI as an organisation)."""
    out = list(cands)
    for m in _DATELINE.finditer(text):
        s, e = m.span(1)
        if sum(ch.isalpha() for ch in m.group(1)) < 3:
            continue
        same = [c for c in out if c.start == s and c.end == e]
        if same:
            for c in same:
                c.label = "GPE"
        elif not any(c.start < e and s < c.end for c in out):
            out.append(_Cand(s, e, "GPE"))
    return out


def _sentence_initial_noun(doc: Doc, text: str, c: _Cand, namelike: set[str]) -> bool:
    """A capitalised common noun opening a sentence that spaCy took for a name ("Turnout was
    67%" as a PERSON): one word, tagged a common noun, never capitalised elsewhere."""
    span = _tok_span(doc, c.start, c.end)
    if span is None or len(span) != 1 or c.forced:
        return False
    t = span[0]
    return t.is_sent_start and t.tag_ in ("NN", "NNS") and t.text not in namelike


def _bare_title(doc: Doc, text: str, c: _Cand, cands: list[_Cand]) -> bool:
    """A title on its own is a role, not a name ("Counsel for TikTok, ..." tagged a person),
    unless it is the surname of someone named in full in the document (King, Chancellor)."""
    word = _strip_possessive(text[c.start:c.end])
    if " " in word or word.lower() not in ROLE_HEADS:
        return False
    span = _tok_span(doc, c.start, c.end)
    if span is None or not (span[0].is_sent_start or (span.start and doc[span.start - 1].lower_ in _DETS)):
        return False
    return not any(text[o.start:o.end].split()[-1:] == [word] and o is not c for o in cands)


def _dedupe(cands: list[_Cand]) -> list[_Cand]:
    """One mention per span: overlapping candidates keep the longest (earliest on ties)."""
    if any(c.end <= c.start for c in cands):  # an empty span: compare spans one by one
        out: list[_Cand] = []
        for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.start)):
            if not any(c.start < o.end and o.start < c.end for o in out):
                out.append(c)
        return sorted(out, key=lambda c: c.start)
    out = []
    taken = bytearray(max((c.end for c in cands), default=0) + 1)  # characters of kept candidates
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.start)):
        if taken.find(1, c.start, c.end) != -1:
            continue
        out.append(c)
        taken[c.start:c.end] = b"\x01" * (c.end - c.start)
    return sorted(out, key=lambda c: c.start)


def _with_possessive(text: str, c: _Cand) -> _Cand:
    """Include a following possessive marker ("Lavrov’s"), as reference annotations do."""
    for mark in _POSS_MARKS:
        e = c.end + len(mark)
        if text[c.end:e] == mark and not text[e:e + 1].isalnum():
            return _Cand(c.start, e, c.label, c.kind, c.role_of, c.forced, c.alias_of)
    return c


_NP_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "appos", "attr", "ROOT", "conj", "dative", "obj",
            "obl", "nmod", "npadvmod", "pcomp"}


def _roles(doc: Doc, cands: list[_Cand], appos: list[Token], toks: list[Token]) -> list[_Cand]:
    """Role mentions: titles in front of a name ("Russian Foreign Minister Sergei Lavrov",
    "his North Korean counterpart Choe Son Hui"), appositions ("Sergei Shoigu, a top Kremlin
    security official"; "the Russian Foreign Minister, Sergey Lavrov") and definite role
    descriptions standing alone ("the Russian minister"; linked later by :func:`resolve`)."""
    tk = toks  # the shared token list: doc[i] makes a new Token each time
    names = [c for c in cands if c.kind == "name"]
    by_tok: dict[int, _Cand] = {}
    for c in names:
        span = _tok_span(doc, c.start, c.end)
        if span is not None:
            for i in range(span.start, span.end):
                by_tok[i] = c
    person_like = {id(c) for c in names if c.label in ("PERSON", "ORG") or c.forced}
    out: dict[tuple[int, int], _Cand] = {}

    def add(s_tok: int, e_tok: int, name: _Cand | None) -> None:
        while s_tok < e_tok and tk[s_tok].is_punct:
            s_tok += 1
        if s_tok >= e_tok:
            return
        s, e = tk[s_tok].idx, tk[e_tok - 1].idx + len(tk[e_tok - 1].text)
        key = (s, e)
        if key in out and out[key].role_of >= 0:
            return
        out[key] = _Cand(s, e, "PERSON", kind="role", role_of=name.start if name else -1)

    # 1. title chain right in front of a name
    for c in names:
        if id(c) not in person_like:
            continue
        span = _tok_span(doc, c.start, c.end)
        if span is None or span.start == 0:
            continue
        j = span.start - 1
        if not _is_role_head(tk[j]) or tk[j].sent != span[0].sent:
            continue
        i = j
        while i - 1 >= span.sent.start:
            u = tk[i - 1]
            ok = (u.tag_ in ("NN", "NNP", "JJ", "HYPH", "NNS") and u.dep_ in (
                "compound", "amod", "nmod", "punct", "npadvmod", "poss")) or (
                u.tag_ == "HYPH" and not u.whitespace_)
            if not ok or (i - 1 in by_tok and by_tok[i - 1].label == "PERSON"):
                break
            if u.tag_ == "NNS" and u.dep_ != "compound":
                break
            i -= 1
        if i - 1 >= span.sent.start and tk[i - 1].lower_ in _DETS | _POSS_PRON:
            i -= 1
        c.forced = True
        add(i, j + 1, c)

    # 2. appositions in either order
    for t in appos:
        h = t.head
        if _is_role_head(t) and h.i in by_tok and id(by_tok[h.i]) in person_like:
            role_tok, name = t, by_tok[h.i]  # "Shoigu, a top Kremlin security official"
        elif _is_role_head(h) and t.i in by_tok and id(by_tok[t.i]) in person_like:
            role_tok, name = h, by_tok[t.i]  # "the Russian Foreign Minister, Sergey Lavrov"
        else:
            continue
        if role_tok.tag_ not in ("NN", "NNP"):
            continue
        lo = role_tok.left_edge.i
        name_span = _tok_span(doc, name.start, name.end)
        if name_span is not None and lo < name_span.end <= role_tok.i:
            lo = name_span.end
        name.forced = True
        add(lo, role_tok.i + 1, name)

    # 3. definite role descriptions standing alone ("the Russian minister")
    # (the noun chunks of role nouns, computed as spaCy's English noun_chunks does, from the
    # head's left edge: iterating doc.noun_chunks walks the whole document again)
    for root in toks:
        if root.lower_ not in ROLE_HEADS or root.dep_ not in _NP_DEPS or not _is_role_head(root):
            continue
        lo = root.left_edge.i
        chunk = tk[lo:root.i + 1]
        if any(t.i in by_tok and by_tok[t.i].label == "PERSON" for t in chunk):
            continue
        first = chunk[0]
        if first.lower_ not in {"the"} | _POSS_PRON:
            continue
        if root.i + 1 < len(doc) and root.i + 1 in by_tok:
            continue  # a title in front of a name: handled above
        if len([t for t in chunk[:root.i - lo] if t.is_alpha]) == 1 and first.lower_ == "the" \
                and root.lower_ in ("head", "chief", "owner", "leader", "official", "expert"):
            continue  # "the head", "the leader": too vague to ever link
        s = first.idx
        e = root.idx + len(root.text)
        if any(s < x.end and x.start < e for x in out.values()):
            continue
        add(first.i, root.i + 1, None)
    return list(out.values())


# ------------------------------------------------------------------------------ corpus level

class _UF:
    def __init__(self) -> None:
        self.p: dict = {}

    def find(self, x):
        self.p.setdefault(x, x)
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[rb] = ra


def read_aliases(path: str | Path) -> list[tuple[str, str, str]]:
    """Read an analyst's alias file (CSV ``action,name,target`` or YAML; see the module
    docstring) into ``(action, name, target)`` rules."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"alias file {p} does not exist")
    rules: list[tuple[str, str, str]] = []
    if p.suffix.lower() in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        for target, names in (data.get("merge") or {}).items():
            for nm in [names] if isinstance(names, str) else names:
                rules.append(("merge", str(nm), str(target)))
        for pair in data.get("forbid") or []:
            rules.append(("forbid", str(pair[0]), str(pair[1])))
        for nm, lab in (data.get("label") or {}).items():
            rules.append(("label", str(nm), str(lab)))
        for nm, new in (data.get("rename") or {}).items():
            rules.append(("rename", str(nm), str(new)))
        for nm in data.get("ignore") or []:
            rules.append(("ignore", str(nm), ""))
        return rules
    lines = [ln for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for row in csv.DictReader(lines):
        action = (row.get("action") or "").strip().lower()
        if action in ("merge", "forbid", "label", "rename", "ignore"):
            rules.append((action, (row.get("name") or "").strip(), (row.get("target") or "").strip()))
    return rules


def _initials(key: tuple[str, ...]) -> str:
    return "".join(t[0] for t in key if t not in _ACRONYM_SKIP)


def _first_seen(*cols: np.ndarray) -> tuple[np.ndarray, ...]:
    """Distinct rows of some non-negative integer columns, in order of first appearance, and
    how often each occurs: ``(col_1_values, ..., col_n_values, counts)``."""
    if not len(cols[0]):
        return tuple(np.zeros(0, dtype=np.int64) for _ in range(len(cols) + 1))
    radix = [int(c.max()) + 1 for c in cols]
    combo = np.zeros(len(cols[0]), dtype=np.int64)
    for c, r in zip(cols, radix):
        combo = combo * r + c.astype(np.int64)
    codes, uniq = pd.factorize(combo, sort=False)
    counts = np.bincount(codes, minlength=len(uniq))
    values = []
    for r in reversed(radix):
        values.append(uniq % r)
        uniq = uniq // r
    return (*values[::-1], counts)


class _Rows:
    """Row positions grouped by an integer code (a form, a document), without a Python list
    per group: one stable argsort and the group bounds."""

    def __init__(self, codes: np.ndarray, rows: np.ndarray, n_codes: int) -> None:
        order = np.argsort(codes, kind="stable")
        self.rows = rows[order]
        self.bounds = np.searchsorted(codes[order], np.arange(n_codes + 1))

    def __getitem__(self, code: int) -> np.ndarray:
        if code < 0 or code + 1 >= len(self.bounds):
            return self.rows[:0]
        return self.rows[self.bounds[code]:self.bounds[code + 1]]


def resolve(
    mentions_raw: pd.DataFrame,
    *,
    aliases: str | Path | None = None,
    capitals: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cluster the corpus's mentions into canonical entities: ``(mentions, entities)``.

    Names with the same :func:`name_key` are one entity (spelling, romanisation, hyphen, case,
    possessive variants). A one-word name (surname or given name) joins the person whose full
    name has it as first or last word, when the document, or else the corpus, has exactly one
    such person (or one clearly dominant in the document). Acronyms join the name whose
    initials they are, common country names their country. Roles join the entity the text
    equates them with. People sharing a family name (Kim Jong Un / Kim Jong Il) and places that
    differ by a direction word (North / South Korea) are never merged. ``aliases`` is an
    analyst's alias file (module docstring); ``capitals=True`` counts capitals and seats of
    government as their country (Pyongyang -> North Korea, Kremlin -> Russia).

    Decisions are made per distinct form (a name key) and per (document, form); mentions are
    only ever held as integer codes and row positions, so memory grows with the corpus by a few
    machine words per mention and no step compares every mention with every other. The output's
    text columns are categoricals when the input's are (the build reads its input so), else
    Python strings."""
    m = mentions_raw
    if m is None or m.empty:
        m = pd.DataFrame(columns=RAW_COLUMNS)
    missing = {col: default for col, default in (("kind", "name"), ("role_of", -1), ("role_key", ""),
                                                 ("sent_id", -1), ("nested", False), ("alias_of", -1))
               if col not in m.columns}
    if missing:
        m = m.assign(**missing)
    if "name" not in m.columns:
        m = m.assign(name=m["text"].map(_strip_possessive))
    rules = read_aliases(aliases) if aliases else []

    ignore = {name_key(n) for a, n, _ in rules if a == "ignore"}
    if ignore:
        # decided per distinct name: mapping a categorical column to tuples would make a MultiIndex
        gone = [x for x in m["name"].unique() if name_key(x) in ignore]
        drop = (m["kind"] == "name") & m["name"].isin(gone)
        m = m[~drop.to_numpy()]

    mcode, ent_list, ents = _clusters(m, rules, capitals=capitals)
    return _mentions_table(m, mcode, ent_list), ents


def _clusters(m: pd.DataFrame, rules: list[tuple[str, str, str]], *, capitals: bool
              ) -> tuple[np.ndarray, list[tuple[str, str, str]], pd.DataFrame]:
    """The clustering of :func:`resolve`: per mention, a code into the list of entities
    (``(entity_id, entity, label)``, -1 for none), that list, and the entities table. Its many
    per-mention arrays are gone when it returns, before the mentions table is assembled."""
    n = len(m)
    # codes and masks straight from the columns (categorical in the build): no object array of
    # every mention's strings
    starts = m["start_char"].to_numpy(dtype=np.int64)
    dcode, _doc_ids = pd.factorize(m["doc_id"], sort=False)
    is_name = (m["kind"] == "name").to_numpy(dtype=bool)

    # Forms: one integer per distinct name key, numbered in order of first appearance (the
    # order every later tie-break follows); -1 for roles and names with an empty key.
    name_code = np.full(n, -1, dtype=np.int64)
    ncodes, uniq_names = pd.factorize(_values(m["name"])[is_name], sort=False, use_na_sentinel=False)
    uniq_names = np.asarray(uniq_names, dtype=object)
    name_code[is_name] = ncodes
    form_id: dict[tuple, int] = {}
    ufid = np.array([form_id.setdefault(k, len(form_id)) if k else -1
                     for k in (name_key(x) for x in uniq_names)], dtype=np.int64)
    forms: list[tuple] = list(form_id)
    fid = np.full(n, -1, dtype=np.int64)
    fid[is_name] = ufid[ncodes] if len(ncodes) else fid[is_name]
    name_rows = np.flatnonzero(fid >= 0)
    n_forms = len(forms)
    rows_of_form = _Rows(fid[name_rows], name_rows, n_forms)

    def rows_of(key: tuple) -> np.ndarray:
        return rows_of_form[form_id.get(key, -1)]

    cnt = np.bincount(fid[name_rows], minlength=n_forms)
    form_count: Counter = Counter({forms[f]: int(cnt[f]) for f in range(n_forms)})
    lab_code, lab_uniq = pd.factorize(_values(m["label"]), sort=False, use_na_sentinel=False)
    lab_uniq = np.asarray(lab_uniq, dtype=object)
    form_labels: dict[tuple, Counter] = defaultdict(Counter)
    for f, lc, c in zip(*_first_seen(fid[name_rows], lab_code[name_rows])):
        form_labels[forms[f]][lab_uniq[lc]] += int(c)
    uf = _UF()
    for key in form_count:
        uf.find(key)

    # country aliases (and capitals when asked): join the alias form to the country form
    country_of: dict[tuple, tuple] = {}
    for canon, alts in COUNTRY_ALIASES.items():
        for a in [canon, *alts]:
            country_of[name_key(a)] = name_key(canon)
    if capitals:
        for cap, country in CAPITALS.items():
            country_of[name_key(cap)] = name_key(country)
    for key in list(form_count):
        target = country_of.get(key)
        if target and target != key:
            form_count.setdefault(target, 0)
            uf.union(target, key)

    # an acronym the text defines ("Singapore Airlines (SIA)") is that name, everywhere
    alias_of = m["alias_of"].to_numpy(dtype=np.int64)
    defined = name_rows[alias_of[name_rows] >= 0]
    if len(defined):
        wanted = {(int(dcode[i]), int(alias_of[i])) for i in defined}
        key_at = {}
        for i in name_rows[np.isin(dcode[name_rows], [d for d, _ in wanted])]:
            if (int(dcode[i]), int(starts[i])) in wanted:
                key_at[(int(dcode[i]), int(starts[i]))] = forms[fid[i]]
        for i in defined:
            target = key_at.get((int(dcode[i]), int(alias_of[i])))
            if target is not None:
                uf.union(target, forms[fid[i]])

    # acronyms: an all-capitals one-word form joins the unique multiword form with its initials
    texts_of: dict[tuple, Counter] = defaultdict(Counter)
    for f, nc, c in zip(*_first_seen(fid[name_rows], name_code[name_rows])):
        texts_of[forms[f]][uniq_names[nc]] += int(c)
    multi = [k for k in form_count if len(k) > 1]
    by_initials: dict[str, set] = defaultdict(set)
    for k in multi:
        by_initials[_initials(k)].add(uf.find(k))
        by_initials["".join(t[0] for t in k)].add(uf.find(k))
    for key in form_count:
        if len(key) != 1 or not texts_of[key]:
            continue
        if not _is_acronym(texts_of[key].most_common(1)[0][0]):
            continue
        cands = by_initials.get(key[0], set())
        if len(cands) == 1:
            uf.union(next(iter(cands)), key)

    # person full names (two or more words, mostly PERSON)
    def person_share(key: tuple) -> float:
        c = form_labels.get(key, Counter())
        tot = sum(c.values())
        return c["PERSON"] / tot if tot else 0.0

    def major(key: tuple) -> str:
        c = form_labels.get(key)
        return c.most_common(1)[0][0] if c else ""

    full_person = {k for k in form_count if len(k) > 1 and person_share(k) >= 0.5}
    # multiword names spaCy called organisations ("Lorcan Daly" as ORG) count as full names for
    # a part that is itself mostly a person, in the same document only
    full_weak = {k for k in form_count if len(k) > 1 and k not in full_person and major(k) == "ORG"
                 and k not in country_of}
    # a part is a leading or trailing run of words: "Lavrov", "Kim", "Ní Bhriain", "Kovalenko Moroz"
    part_index: dict[tuple, set] = defaultdict(set)
    for k in full_person | full_weak:
        for n_part in range(1, len(k)):
            part_index[k[:n_part]].add(k)
            part_index[k[-n_part:]].add(k)

    # per-document full-name counts, for linking partial mentions in their own document
    is_full = np.zeros(n_forms + 1, dtype=bool)
    for k in full_person | full_weak:
        if k in form_id:
            is_full[form_id[k]] = True
    full_rows = name_rows[is_full[fid[name_rows]]]
    doc_full: dict[int, Counter] = defaultdict(Counter)
    for d, f, c in zip(*_first_seen(dcode[full_rows], fid[full_rows])):
        doc_full[int(d)][uf.find(forms[f])] += int(c)

    # Per-mention cluster decisions, as node numbers (an int per mention, -1 for none): a node
    # is a form key or an analyst's split-off group; nodes[i] is its key.
    node_id: dict[object, int] = dict(form_id)
    nodes: list[object] = list(forms)

    def node(x: object) -> int:
        j = node_id.get(x)
        if j is None:
            j = node_id[x] = len(nodes)
            nodes.append(x)
        return j

    mention_root = np.full(n, -1, dtype=np.int64)
    is_part = np.zeros(n_forms + 1, dtype=bool)
    for k in part_index:
        if k in form_id:
            is_part[form_id[k]] = True
    partial = name_rows[is_part[fid[name_rows]]]
    decided: dict[tuple[int, int], int] = {}  # (document, form): a partial's pick depends on nothing else
    for idx in partial:
        d, f = int(dcode[idx]), int(fid[idx])
        if (d, f) in decided:
            mention_root[idx] = decided[(d, f)]
            continue
        decided[(d, f)] = -1
        key = forms[f]
        # nationalities and countries are never a person's name part ("Russian Counterbalancing",
        # a heading spaCy took for a person, must not swallow "Russian")
        if key in country_of or (major(key) == "NORP" and not person_share(key)):
            continue
        own = uf.find(key)
        # an organisation's name opening a "person" is a company and its product or a title
        # ("Ford" / "Ford Falcon"); only a surname-position part joins then
        org_word = major(key) == "ORG" and person_share(key) < 0.5
        strong = {uf.find(k) for k in part_index[key] if k in full_person
                  and not (org_word and k[:len(key)] == key)} - {own}
        weak = ({uf.find(k) for k in part_index[key] if k in full_weak} - {own}
                if person_share(key) >= 0.5 else set())
        here = doc_full.get(d, Counter())
        in_doc = {r: here[r] for r in strong | weak if here[r]}
        cands = strong
        if not cands and not in_doc:
            continue
        # without the full name in the document, a word that is mostly something else
        # (Ford, Apple, Washington) is not taken for a surname
        if not in_doc and person_share(key) < 0.2:
            continue
        pick = None
        if len(in_doc) == 1:
            pick = next(iter(in_doc))
        elif len(in_doc) > 1:
            ranked = sorted(in_doc.items(), key=lambda kv: -kv[1])
            if ranked[0][1] > ranked[1][1]:
                pick = ranked[0][0]
        elif len(cands) == 1:
            pick = next(iter(cands))
        if pick is not None:
            decided[(d, f)] = mention_root[idx] = node(pick)
    del decided

    # short organisation names: "Northrop" for "Northrop Grumman", "Dow" for "Dow Jones". A name
    # that opens exactly one longer organisation name of its documents is that organisation;
    # when the whole corpus has only that candidate, every mention of it is. Longer names that
    # add a number or are products ("Airbus A380") are models, not the company. A one-word name
    # that ends exactly one organisation name of its document is it too ("the Commission").

    org_like = {"ORG", "FAC", "EVENT", "WORK_OF_ART", "LAW"}
    longer: dict[tuple, set] = defaultdict(set)
    ending: dict[tuple, set] = defaultdict(set)
    for k2 in form_count:
        if len(k2) < 2 or major(k2) not in org_like or k2 in country_of or any(c.isdigit() for t in k2 for c in t):
            continue
        for n_pre in range(1, len(k2)):
            longer[k2[:n_pre]].add(k2)
        if k2[0] not in _DIRECTIONS:  # "Korea" is never "North Korea"
            ending[k2[-1:]].add(k2)
    docs_with: dict[tuple, set[int]] = {}

    def docs_of(key: tuple) -> set[int]:
        if key not in docs_with:
            docs_with[key] = set(dcode[rows_of(key)].tolist())
        return docs_with[key]

    for k1 in list(form_count):
        rows_k1 = rows_of(k1)
        if len(k1) == 1 and k1 in ending and major(k1) in org_like and k1 not in longer:
            for idx in rows_k1:
                if mention_root[idx] >= 0:
                    continue
                d = int(dcode[idx])
                here = {uf.find(k) for k in ending[k1] if d in docs_of(k)} - {uf.find(k1)}
                if len(here) == 1:
                    mention_root[idx] = node(next(iter(here)))
        if k1 not in longer or major(k1) not in org_like or k1 in country_of or not form_labels.get(k1):
            continue
        # the short form must not dwarf the long one: "GM" (24) is not "GM Europe" (1)
        cand_forms = {k for k in longer[k1] if form_count[k1] <= 2 * form_count[k]}
        if not cand_forms:
            continue
        roots = {uf.find(k) for k in cand_forms} - {uf.find(k1)}
        docs_k1 = docs_of(k1)
        together = any(docs_k1 & docs_of(k) for k in cand_forms)
        if len(roots) == 1 and together:
            uf.union(next(iter(roots)), k1)
            continue
        for idx in rows_k1:
            d = int(dcode[idx])
            here = {uf.find(k) for k in cand_forms if d in docs_of(k)}
            if len(here) == 1:
                mention_root[idx] = node(next(iter(here)))
    docs_with.clear()

    # misspelt surnames: a one-off one-word person name one letter away from the first or last
    # word of exactly one person named in the same document ("Koh" for "Noh")
    joined = {uf.find(k) for k in form_count if uf.find(k) != k}
    full_of_root: dict[object, list[tuple]] = defaultdict(list)
    for k in full_person:
        full_of_root[uf.find(k)].append(k)
    for f in np.flatnonzero(cnt == 1):
        key = forms[f]
        if len(key) != 1 or person_share(key) < 1 or len(key[0]) < 3:
            continue
        if uf.find(key) != key or key in joined:
            continue
        for idx in rows_of_form[f]:
            if mention_root[idx] >= 0:
                continue
            hits = {r for r in doc_full.get(int(dcode[idx]), ()) for k in full_of_root.get(r, ())
                    for part in (k[0], k[-1]) if len(part) == len(key[0])
                    and sum(a != b for a, b in zip(part, key[0])) == 1}
            if len(hits) == 1:
                mention_root[idx] = node(next(iter(hits)))
    del doc_full

    # analyst merges
    merges = [(nm, t) for a, nm, t in rules if a == "merge"]
    for nm, t in merges:
        kn, kt = name_key(nm), name_key(t)
        form_count.setdefault(kt, 0)
        form_count.setdefault(kn, 0)
        texts_of[kt][t] += 0
        uf.union(kt, kn)

    # cluster of every name mention: its own pick, else its form's cluster, found again after
    # the later unions (one find per distinct node, not per mention)
    root = np.full(n, -1, dtype=np.int64)
    root[name_rows] = np.where(mention_root[name_rows] >= 0, mention_root[name_rows], fid[name_rows])
    del mention_root
    used_nodes = np.unique(root[name_rows])
    final = np.arange(len(nodes), dtype=np.int64)
    for j in used_nodes:
        final[j] = node(uf.find(nodes[j]))
    if len(nodes) > len(final):
        final = np.concatenate([final, np.arange(len(final), len(nodes), dtype=np.int64)])
    root[name_rows] = final[root[name_rows]]

    # analyst forbids: split NAME's mentions off when they share a cluster with OTHER
    for a, nm, t in rules:
        if a != "forbid":
            continue
        kn, kt = name_key(nm), name_key(t)
        clusters_t = set(root[rows_of(kt)].tolist())
        split_node = node(("forbid", kn))
        for i in rows_of(kn):
            if root[i] in clusters_t:
                root[i] = split_node

    # roles: attached ones take their name's cluster
    role_rows = np.flatnonzero((m["kind"] == "role").to_numpy(dtype=bool))
    role_of = m["role_of"].to_numpy(dtype=np.int64)
    # the role rows' own keys only (an object array of every mention's would be ~10 MB a million)
    role_keys = dict(zip(role_rows.tolist(), np.asarray(_values(m["role_key"]).take(role_rows), dtype=object)))
    attached = role_rows[role_of[role_rows] >= 0]
    start_root: dict[tuple[int, int], int] = {}
    if len(attached):
        wanted = {(int(dcode[i]), int(role_of[i])) for i in attached}
        for i in name_rows[np.isin(dcode[name_rows], [d for d, _ in wanted])]:
            if (int(dcode[i]), int(starts[i])) in wanted:
                start_root[(int(dcode[i]), int(starts[i]))] = int(root[i])
    # order in which mentions join clusters (names, then attached roles, then matched roles):
    # it decides which cluster is listed first, as ties in the entities table keep that order
    join_order = np.full(n, -1, dtype=np.int64)
    join_order[name_rows] = name_rows
    est_doc: dict[int, list[tuple[str, int]]] = defaultdict(list)
    est_all: dict[str, dict[frozenset, set[int]]] = defaultdict(lambda: defaultdict(set))
    for i in role_rows.tolist():
        d, ro = int(dcode[i]), int(role_of[i])
        if ro >= 0 and (d, ro) in start_root:
            r = start_root[(d, ro)]
            root[i] = r
            join_order[i] = n + i
            rk = role_keys[i]
            if rk:
                est_doc[d].append((rk, r))
                words = rk.split()
                if words:
                    est_all[words[-1]][frozenset(words[:-1])].add(r)
    del start_root

    def role_match(rk: str, pool: list[tuple[str, int]]) -> set:
        words = rk.split()
        if not words:
            return set()
        head, mods = words[-1], set(words[:-1])
        hits = set()
        for k, r in pool:
            kw = k.split()
            if kw and kw[-1] == head and mods <= set(kw[:-1]):
                hits.add(r)
        return hits

    def role_match_corpus(rk: str) -> set:
        # the corpus's attached roles indexed by head word, so an unattached role is compared
        # with the few role descriptions sharing its head, not with every attached role
        words = rk.split()
        if not words:
            return set()
        mods = set(words[:-1])
        hits: set = set()
        for kmods, rs in est_all.get(words[-1], {}).items():
            if mods <= kmods:
                hits |= rs
        return hits

    for i in role_rows.tolist():
        rk = role_keys[i]
        if root[i] >= 0 or not rk:
            continue
        hits = role_match(rk, est_doc.get(int(dcode[i]), []))
        if not hits:
            hits = role_match_corpus(rk)
        if len(hits) == 1:
            root[i] = next(iter(hits))
            join_order[i] = 2 * n + i
    est_doc.clear()
    est_all.clear()

    # assemble clusters: per cluster, the distinct (name, label) pairs and their counts, not
    # the mentions themselves
    in_cluster = np.flatnonzero(root >= 0)
    in_root = root[in_cluster]
    n_nodes = len(nodes)
    # per cluster, arrays indexed by node (no Python list or int per mention)
    first_join = np.full(n_nodes, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_join, in_root, join_order[in_cluster])
    n_mentions = np.bincount(in_root, minlength=n_nodes)
    n_docs = np.bincount(_first_seen(in_root, dcode[in_cluster])[0], minlength=n_nodes)
    clustered = np.flatnonzero(n_mentions)
    # join orders are distinct (one per mention), so no ties between clusters
    cluster_order = clustered[np.argsort(first_join[clustered], kind="stable")].tolist()
    del in_root, first_join
    role_votes: Counter = Counter(root[role_rows][root[role_rows] >= 0].tolist())
    named = name_rows[root[name_rows] >= 0]
    named = named[np.argsort(named, kind="stable")]
    pairs_of: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for r, nc, lc, c in zip(*_first_seen(root[named], name_code[named], lab_code[named])):
        pairs_of[int(r)].append((int(nc), int(lc), int(c)))
    role_forms_of: dict[int, set] = defaultdict(set)
    clustered_roles = role_rows[root[role_rows] >= 0]
    for r, t in zip(root[clustered_roles].tolist(), np.asarray(_values(m["text"]).take(clustered_roles), dtype=object)):
        role_forms_of[r].add(t)
    shouting = [_shouting(x) for x in uniq_names]
    display = [_display(x) for x in uniq_names]

    label_rules = {name_key(nm): t.upper() for a, nm, t in rules if a == "label"}
    rename_rules = {name_key(nm): t for a, nm, t in rules if a == "rename"}
    merge_targets = {name_key(t): t for _, t in merges}

    acronym_keys = {k for k, c in texts_of.items() if len(k) == 1 and c and _is_acronym(c.most_common(1)[0][0])}
    ent_rows = []
    ent_of_root: dict[int, tuple[str, str, str]] = {}
    used_ids: set[str] = set()
    for r in cluster_order:
        pairs = pairs_of.get(r)
        if not pairs:
            continue
        # a name in capitals (a dateline, a headline) says less about its label than prose does
        labels: Counter = Counter()
        keys: Counter = Counter()
        for nc, lc, c in pairs:
            labels[lab_uniq[lc]] += c * (0.5 if shouting[nc] else 1.0)
            keys[forms[ufid[nc]]] += c
        labels["PERSON"] += role_votes.get(r, 0)
        label = labels.most_common(1)[0][0]
        if labels["PERSON"] and labels["PERSON"] == labels.most_common(1)[0][1]:
            label = "PERSON"
        canon_key = _canonical_key(keys, acronym_keys)
        # a country is named by its common name ("Russia", not "Russian Federation")
        countries = [k for k in keys if k in country_of and country_of[k] == k]
        if countries and canon_key not in countries:
            canon_key = max(countries, key=lambda k: keys[k])
        forms_c: Counter = Counter()
        disp: Counter = Counter()
        for nc, _lc, c in pairs:
            disp[display[nc]] += c
            if forms[ufid[nc]] == canon_key:
                forms_c[display[nc]] += c
        canon = (max(forms_c, key=lambda f: (not _shouting(f), forms_c[f])) if forms_c
                 else merge_targets.get(canon_key, " ".join(canon_key)))
        # an analyst's merge target that never occurs names the entity
        for kt, t in merge_targets.items():
            if node(uf.find(kt)) == r and kt not in keys:
                canon = t
        for kk in keys:
            if kk in label_rules:
                label = label_rules[kk]
            if kk in rename_rules:
                canon = rename_rules[kk]
        eid = "E" + hashlib.sha1(f"{label}|{canon}".encode()).hexdigest()[:8]
        while eid in used_ids:
            eid = "E" + hashlib.sha1(f"{eid}+".encode()).hexdigest()[:8]
        used_ids.add(eid)
        alias_forms = sorted(disp, key=lambda s: (-disp[s], s))
        ent_of_root[r] = (eid, canon, label)
        ent_rows.append({"entity_id": eid, "entity": canon, "label": label,
                         "n_mentions": int(n_mentions[r]), "n_docs": int(n_docs[r]),
                         "aliases": alias_forms, "n_names": sum(c for _, _, c in pairs),
                         "roles": sorted(role_forms_of.get(r, ()))})

    # per mention: the cluster's entity (a code into a short list)
    codes = np.full(len(nodes) + 1, -1, dtype=np.int64)
    ent_list = list(ent_of_root.values())
    for j, r in enumerate(ent_of_root):
        codes[r] = j
    mcode = np.where(root >= 0, codes[root], -1)
    ents = pd.DataFrame(ent_rows, columns=ENTITY_COLUMNS + ["n_names", "roles"])
    ents = ents.sort_values(["n_mentions", "entity"], ascending=[False, True]).reset_index(drop=True)
    return mcode, ent_list, ents


def _mentions_table(m: pd.DataFrame, mcode: np.ndarray, ent_list: list[tuple[str, str, str]]) -> pd.DataFrame:
    """The mentions table: ``m`` with each mention's entity, id and label, in document order.

    Text columns stay categorical when ``m``'s are (the build's input, :mod:`kit.build`): a
    few bytes a mention instead of a pointer. Built column by column, each reordered once, into
    a frame that keeps them as separate blocks (assign, select, sort and reset would each copy
    the whole table, and a frame made from a dict of columns copies them into one block)."""
    compact = isinstance(m["doc_id"].dtype, pd.CategoricalDtype)
    ent_col = _text_column([e[1] for e in ent_list], mcode, fill="", compact=compact)
    eid_col = _text_column([e[0] for e in ent_list], mcode, fill="", compact=compact)
    # the entity's label where there is one, else spaCy's (as it was: None stays None)
    labels = m["label"]
    if isinstance(labels.dtype, pd.CategoricalDtype) and labels.notna().all():
        lab_code, lab_uniq = pd.factorize(labels.array, sort=False)
        lab_values = [*np.asarray(lab_uniq, dtype=object), *(e[2] for e in ent_list)]
        lab_col = _text_column(lab_values, np.where(mcode >= 0, mcode + len(lab_uniq), lab_code), compact=True)
        spacy_label = labels.array
    else:
        spacy_label = labels.to_numpy(dtype=object)
        lab_col = spacy_label.copy()
        has = mcode >= 0
        if has.any():
            lab_col[has] = np.array([e[2] for e in ent_list], dtype=object)[mcode[has]]
    new_cols = {"spacy_label": spacy_label, "entity": ent_col, "entity_id": eid_col, "label": lab_col}
    all_cols = list(m.columns) + [c for c in new_cols if c not in m.columns]
    cols = MENTION_COLUMNS + [c for c in EXTRA_COLUMNS if c in all_cols]
    cols += [c for c in all_cols if c not in cols]
    order = (m[["doc_id", "start_char", "end_char"]].reset_index(drop=True)
             .sort_values(["doc_id", "start_char", "end_char"]).index.to_numpy())
    casts = {"role_of": int, "sent_id": int, "nested": bool, "alias_of": int}
    out = pd.DataFrame(index=pd.RangeIndex(len(m)))
    for c in cols:
        col = pd.Series(new_cols.pop(c)) if c in new_cols else m[c]
        col = col.take(order).reset_index(drop=True)
        out[c] = col.astype(casts[c], copy=False) if c in casts else col
        del col
    return out


def _values(col: pd.Series) -> np.ndarray | pd.Categorical:
    """A column's values as an array: the categorical itself for the build's text columns (no
    object array of every mention's string), else the numpy array."""
    return col.array if isinstance(col.dtype, pd.CategoricalDtype) else col.to_numpy()


def _text_column(values: list[str], codes: np.ndarray, *, compact: bool, fill: str | None = None
                 ) -> np.ndarray | pd.Categorical:
    """``values[codes]`` (``fill`` where a code is -1) as a column: a categorical over the
    distinct values (sorted) when ``compact``, else an object array of the strings."""
    if fill is not None:
        values, codes = [fill, *values], codes + 1
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    if not compact:
        return arr.take(codes)
    cats, inverse = np.unique(arr, return_inverse=True)
    return pd.Categorical.from_codes(inverse.reshape(-1).take(codes), categories=pd.Index(cats, dtype=object))


class MentionIndex:
    """The mentions of a corpus grouped by document, as arrays: which mentions overlap a span.

    The quotes and events stages look up, per quote or event, the few mentions of its own
    document; a dict of per-mention tuples for that costs ~150 bytes a mention, these arrays a
    few machine words. Row order within a document is the table's order, so ties between
    equally good mentions break as they would scanning the table."""

    def __init__(self, mentions: pd.DataFrame | None, columns: Iterable[str] = ("entity", "label")) -> None:
        m = mentions if mentions is not None else pd.DataFrame(columns=["doc_id", "start_char", "end_char"])
        codes, uniq = pd.factorize(m["doc_id"], sort=False, use_na_sentinel=False)
        self._pos = {d: j for j, d in enumerate(uniq)}
        self._rows = _Rows(codes, np.arange(len(m)), len(uniq))
        self.start = m["start_char"].to_numpy(dtype=np.int64)
        self.end = m["end_char"].to_numpy(dtype=np.int64)
        self.cols = {c: m[c].to_numpy(dtype=object) for c in columns if c in m.columns}

    def __len__(self) -> int:
        return len(self.start)

    def rows(self, doc_id: str) -> np.ndarray:
        """Positions of ``doc_id``'s mentions (in table order)."""
        return self._rows[self._pos.get(doc_id, -1)]

    def overlapping(self, doc_id: str, start: int, end: int) -> np.ndarray:
        """Positions of ``doc_id``'s mentions that share a character with ``[start, end)``."""
        r = self.rows(doc_id)
        return r[(self.start[r] < end) & (self.end[r] > start)]


def _is_acronym(s: str) -> bool:
    """Two to six capitals, periods allowed: "SIA", "U.S.", "KCNA"."""
    t = str(s).replace(".", "")
    return 2 <= len(t) <= 6 and t.isalpha() and t.isupper()


def _shouting(s: str) -> bool:
    """All capitals and longer than an acronym ("BERLIN", not "NATO")."""
    letters = [c for c in str(s) if c.isalpha()]
    return len(letters) > 4 and all(c.isupper() for c in letters)


def _display(name: str) -> str:
    s = " ".join(html.unescape(str(name)).split())  # "Jo&#227;o Ferreira" -> "João Ferreira"
    return re.sub(r"^(the|The|THE)\s+", "", s)


def _canonical_key(keys: Counter, acronyms: set | frozenset = frozenset()) -> tuple:
    """Most complete, most frequent form: forms that are part of a longer form of the cluster
    (surnames) and acronyms (of it, or written in capitals: "SIA") are not candidates; among the
    rest the most frequent wins, then the longer."""
    def part_of(k: tuple, other: tuple) -> bool:
        if k == other or len(k) >= len(other):
            return False
        n = len(k)
        return any(other[i:i + n] == k for i in range(len(other) - n + 1))

    def acronym_of(k: tuple, other: tuple) -> bool:
        return len(k) == 1 and len(other) > 1 and (
            k in acronyms or k[0] in (_initials(other), "".join(t[0] for t in other)))

    cands = [k for k in keys if not any(part_of(k, o) or acronym_of(k, o) for o in keys)] or list(keys)
    return max(cands, key=lambda k: (keys[k], len(k), " ".join(k)))


# ------------------------------------------------------------------------------ helpers

def _named(mentions: pd.DataFrame, *, include_roles: bool = True, labels: Iterable[str] | None = None
           ) -> pd.DataFrame:
    m = mentions[mentions["entity"].fillna("").astype(str) != ""]
    if "nested" in m.columns:
        m = m[~m["nested"].astype(bool)]
    if not include_roles and "kind" in m.columns:
        m = m[m["kind"] == "name"]
    if labels is not None:
        m = m[m["label"].isin(list(labels))]
    return m


def entity_counts(mentions: pd.DataFrame, *, include_roles: bool = True,
                  labels: Iterable[str] | None = None) -> pd.DataFrame:
    """Mentions and documents per canonical entity, most mentioned first."""
    m = _named(mentions, include_roles=include_roles, labels=labels)
    out = (m.groupby(["entity_id", "entity", "label"]).agg(n_mentions=("doc_id", "size"),
                                                           n_docs=("doc_id", "nunique"))
           .reset_index().sort_values(["n_mentions", "entity"], ascending=[False, True]))
    return out.reset_index(drop=True)


def doc_entity_counts(mentions: pd.DataFrame, *, include_roles: bool = True,
                      labels: Iterable[str] | None = None) -> pd.DataFrame:
    """Mentions per document and entity (long form: ``doc_id, entity_id, entity, label, n``)."""
    m = _named(mentions, include_roles=include_roles, labels=labels)
    out = m.groupby(["doc_id", "entity_id", "entity", "label"]).size().rename("n").reset_index()
    return out.sort_values(["doc_id", "n", "entity"], ascending=[True, False, True]).reset_index(drop=True)


def doc_entity_matrix(mentions: pd.DataFrame, *, top: int | None = 20, include_roles: bool = True,
                      labels: Iterable[str] | None = None) -> pd.DataFrame:
    """Document x entity matrix of mention counts (rows ``doc_id``, columns canonical names,
    the ``top`` most mentioned entities, most mentioned first)."""
    long = doc_entity_counts(mentions, include_roles=include_roles, labels=labels)
    order = long.groupby("entity")["n"].sum().sort_values(ascending=False, kind="stable")
    if top is not None:
        order = order.head(top)
    mat = long[long["entity"].isin(order.index)].pivot_table(
        index="doc_id", columns="entity", values="n", aggfunc="sum", fill_value=0)
    return mat.reindex(columns=list(order.index)).fillna(0).astype(int)


def cooccurrence(mentions: pd.DataFrame, sentences: pd.DataFrame | None = None, *,
                 include_roles: bool = True, labels: Iterable[str] | None = None,
                 min_count: int = 1) -> pd.DataFrame:
    """Pairs of entities mentioned in the same sentence: ``entity_a, entity_b, n_sentences,
    n_docs`` (pairs ordered by name). Sentences come from the mentions' ``sent_id``, or from the
    ``sentences`` table's offsets when given."""
    m = _named(mentions, include_roles=include_roles, labels=labels).copy()
    if sentences is not None and len(sentences):
        sid = []
        by_doc = {d: g.sort_values("start_char") for d, g in sentences.groupby("doc_id")}
        for d, s in zip(m["doc_id"], m["start_char"]):
            g = by_doc.get(d)
            hit = g[(g["start_char"] <= s) & (g["end_char"] > s)] if g is not None else None
            sid.append(int(hit["sent_id"].iloc[0]) if hit is not None and len(hit) else -1)
        m["sent_id"] = sid
    m = m[m["sent_id"] >= 0]
    rows: Counter = Counter()
    docs: dict[tuple, set] = defaultdict(set)
    for (d, _), g in m.groupby(["doc_id", "sent_id"]):
        for a, b in combinations(sorted(set(g["entity"])), 2):
            rows[(a, b)] += 1
            docs[(a, b)].add(d)
    out = pd.DataFrame([{"entity_a": a, "entity_b": b, "n_sentences": n, "n_docs": len(docs[(a, b)])}
                        for (a, b), n in rows.items() if n >= min_count],
                       columns=["entity_a", "entity_b", "n_sentences", "n_docs"])
    return out.sort_values(["n_sentences", "entity_a", "entity_b"], ascending=[False, True, True]).reset_index(drop=True)


def alias_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """Every surface form of every entity with its count and kind (name or role):
    ``entity, label, form, kind, n, n_docs``."""
    m = mentions[mentions["entity"].fillna("").astype(str) != ""].copy()
    if "kind" not in m.columns:
        m["kind"] = "name"
    m["form"] = [" ".join(str(t).split()) for t in m["text"]]
    out = (m.groupby(["entity", "label", "form", "kind"]).agg(n=("doc_id", "size"), n_docs=("doc_id", "nunique"))
           .reset_index())
    tot = out.groupby("entity")["n"].transform("sum")
    out = out.assign(_tot=tot).sort_values(["_tot", "entity", "kind", "n"], ascending=[False, True, True, False])
    return out.drop(columns="_tot").reset_index(drop=True)
