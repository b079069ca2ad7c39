"""A clean view of raw text that remembers where every character came from.

Repairs such as ``quot`` -> ``"`` or a space inserted after a glued ``.”`` change the length of
the text, so offsets found in the clean view are mapped back to the raw file through a sorted
list of segments (bisect), never by string search.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["TextView", "Edit", "span_mask"]


@dataclass(frozen=True)
class Edit:
    """Replace ``raw[start:end]`` with ``text`` in the clean view (``start == end`` inserts)."""

    start: int
    end: int
    text: str
    reason: str = ""


@dataclass
class TextView:
    """Clean text assembled from raw pieces and replacements, with an exact map back to raw.

    ``segments`` holds ``(clean_start, clean_end, raw_start, raw_end)``; a segment copied from
    raw has equal lengths, a replaced one may not (its inner offsets snap to its ends).
    """

    raw: str
    text: str = ""
    segments: list[tuple[int, int, int, int]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)
    _copied: list[bool] = field(default_factory=list, repr=False)

    @classmethod
    def build(
        cls,
        raw: str,
        pieces: Iterable[tuple[int, int]],
        *,
        edits: Iterable[Edit] = (),
        sep: str = "\n\n",
        seps: list[str] | None = None,
    ) -> TextView:
        """Join the raw ranges ``pieces`` with ``sep`` (or ``seps[k]`` before piece ``k``),
        applying ``edits`` that fall inside them."""
        view = cls(raw=raw)
        edits = sorted(edits, key=lambda e: (e.start, e.end))
        out: list[str] = []
        pos = 0
        for k, (a, b) in enumerate(pieces):
            gap = (seps[k] if seps is not None else sep) if k else ""
            if gap:
                # A separator maps to the gap between pieces (zero raw width at ``a``).
                view._add(pos, pos + len(gap), a, a, copied=False)
                out.append(gap)
                pos += len(gap)
            cur = a
            for e in edits:
                if e.start < a or e.end > b or e.start < cur:
                    continue
                if e.start > cur:
                    view._add(pos, pos + e.start - cur, cur, e.start)
                    out.append(raw[cur : e.start])
                    pos += e.start - cur
                view._add(pos, pos + len(e.text), e.start, e.end, copied=False)
                out.append(e.text)
                pos += len(e.text)
                cur = e.end
            if b > cur:
                view._add(pos, pos + b - cur, cur, b)
                out.append(raw[cur:b])
                pos += b - cur
        view.text = "".join(out)
        return view

    def _add(self, c0: int, c1: int, r0: int, r1: int, *, copied: bool = True) -> None:
        if c1 == c0 and r1 == r0:
            return
        self.segments.append((c0, c1, r0, r1))
        self._starts.append(c0)
        self._copied.append(copied)

    def copied_segments(self) -> list[tuple[int, int, int, int]]:
        """The segments copied verbatim from raw (not separators, not repairs)."""
        return [s for s, c in zip(self.segments, self._copied) if c]

    def _seg(self, i: int, *, end: bool) -> tuple[int, int, int, int] | None:
        if not self.segments:
            return None
        # For an end offset we want the segment that contains position i-1.
        k = bisect.bisect_right(self._starts, i - 1 if end else i) - 1
        return self.segments[max(k, 0)]

    def to_raw(self, i: int, *, end: bool = False) -> int:
        """Map a clean offset to a raw offset (``end=True`` for an exclusive span end)."""
        seg = self._seg(i, end=end)
        if seg is None:
            return 0
        c0, c1, r0, r1 = seg
        if (c1 - c0) == (r1 - r0):
            return r0 + min(max(i - c0, 0), r1 - r0)
        # A replaced stretch: a start inside it snaps to its raw start, an end to its raw end.
        if end:
            return r1 if i > c0 else r0
        return r0 if i < c1 else r1

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean ``[start, end)`` span to raw offsets covering what it was made from."""
        rs = self.to_raw(start)
        re_ = self.to_raw(end, end=True) if end > start else rs
        return rs, max(re_, rs)


def span_mask(n: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    """1 at each of ``n + 1`` offsets inside one of ``spans`` (``a <= i < b``): an
    inside-or-not test per character in O(1), for stages that ask it of every token."""
    mask = bytearray(n + 1)
    for a, b in spans:
        b = min(b, len(mask))
        if b > a:
            mask[a:b] = b"\x01" * (b - a)
    return mask
