"""Per-document values every stage needs, computed once per parsed ``Doc``.

spaCy rebuilds these on every access: ``doc.text`` re-joins every token, ``doc.ents`` makes
new ``Span`` objects, and ``doc[i]``, ``for t in doc`` and ``doc.char_span`` each create new
Python ``Token`` objects (about 15,000 per article over the kit's stages before this module).
The stages of one article run one after the other in one process, so one cached view, for
the most recent ``Doc``, is enough: it is not stored on the ``Doc`` (a token list in
``doc.user_data`` would make a reference cycle that keeps every parsed document alive until
the garbage collector runs). A ``Doc`` must not be changed while its stages run.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span, Token

__all__ = ["DocView", "view", "tokens_in", "char_span", "span_ents"]


class DocView:
    """Text, tokens, entities and token offsets of one ``Doc``, each built on first use."""

    __slots__ = ("doc", "_text", "_tokens", "_ents", "_starts", "_sent_starts", "_spans")

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._text: str | None = None
        self._tokens: list[Token] | None = None
        self._ents: tuple[Span, ...] | None = None
        self._starts: list[int] | None = None
        self._sent_starts: list[int] | None = None
        self._spans: dict[tuple[int, int], Span | None] = {}

    @property
    def text(self) -> str:
        """``doc.text``."""
        if self._text is None:  # as spaCy builds it, from the shared tokens
            self._text = "".join([t.text_with_ws for t in self.tokens])
        return self._text

    @property
    def tokens(self) -> list[Token]:
        """``list(doc)``: index it instead of ``doc[i]``."""
        if self._tokens is None:
            self._tokens = list(self.doc)
        return self._tokens

    @property
    def ents(self) -> tuple[Span, ...]:
        """``doc.ents``."""
        if self._ents is None:
            self._ents = self.doc.ents
        return self._ents

    @property
    def starts(self) -> list[int]:
        """Character offset of each token (``t.idx``)."""
        if self._starts is None:
            self._starts = [t.idx for t in self.tokens]
        return self._starts

    @property
    def sent_starts(self) -> list[int]:
        """Token index of each sentence start, as ``doc.sents`` splits (without making Spans)."""
        if self._sent_starts is None:
            doc = self.doc
            if not doc.has_annotation("SENT_START") or "sents" in doc.user_hooks:
                self._sent_starts = [s.start for s in doc.sents]
            else:
                flags = doc.to_array([SENT_START]).reshape(-1)
                self._sent_starts = [0, *(int(i) for i in (flags[1:] == 1).nonzero()[0] + 1)] if len(doc) else []
        return self._sent_starts

    def _by_char(self, c: int) -> int:
        """spaCy's ``token_by_char``: the token whose text or trailing space holds char ``c``."""
        starts = self.starts
        if c < 0 or not starts or c >= len(self.text):
            return -1
        return bisect_right(starts, c) - 1

    def expand_bounds(self, start_idx: int, end_idx: int) -> tuple[int, int] | None:
        """Token bounds of ``doc.char_span(start_idx, end_idx, alignment_mode="expand")``."""
        start = self._by_char(start_idx)
        if start < 0:
            return None
        end = self._by_char(end_idx - 1)
        if end < 0:
            return None
        t = self.tokens[start]
        if start_idx == t.idx + len(t):  # the trailing space is not part of the token
            start += 1
        return start, end + 1


_LAST: list[DocView] = []


def view(doc: Doc) -> DocView:
    """The cached view of ``doc`` (a new one when ``doc`` is not the last one asked for)."""
    if _LAST and _LAST[0].doc is doc:
        return _LAST[0]
    v = DocView(doc)
    _LAST[:] = [v]
    return v


def span_ents(span: Span) -> list[Span]:
    """``span.ents`` (spaCy's loop over ``doc.ents``) over the shared entities."""
    out = []
    for ent in view(span.doc).ents:
        if ent.start >= span.start:
            if ent.end <= span.end:
                out.append(ent)
            else:
                break
    return out


def char_span(doc: Doc, start_idx: int, end_idx: int) -> Span | None:
    """``doc.char_span(start_idx, end_idx, alignment_mode="expand")``, made once per document
    and range (the entity rules ask for the same candidate's span many times)."""
    v = view(doc)
    key = (start_idx, end_idx)
    if key not in v._spans:
        b = v.expand_bounds(start_idx, end_idx)
        v._spans[key] = None if b is None else Span(doc, b[0], b[1])
    return v._spans[key]


def tokens_in(doc: Doc, start_idx: int, end_idx: int) -> list[Token]:
    """The tokens of :func:`char_span` (``[]`` when there is none), from the shared token list."""
    b = view(doc).expand_bounds(start_idx, end_idx)
    if b is None:
        return []
    if b[0] > b[1]:  # an odd range: let spaCy decide, as before
        span = doc.char_span(start_idx, end_idx, alignment_mode="expand")
        return list(span) if span is not None else []
    return view(doc).tokens[b[0]:b[1]]
