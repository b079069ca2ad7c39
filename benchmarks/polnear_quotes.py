"""Benchmark: the kit's quote stage on PolNeAR (source / cue / content), beside textacy.

PolNeAR (Newell, Margolin, Ruths, LREC 2018) annotates attribution relations in US political
news: a *source* span, a *cue* span and a *content* span. It is read in place from
``../shared/external/polnear/gold/`` (see its README); nothing is copied into the project.
Develop on ``--split train`` (or ``dev``), report on ``--split test`` (the default).

Each article goes through the kit exactly as in ``kit build``: ``build_article`` (line roles,
clean view with its map back to raw offsets), one spaCy parse of the clean view, then
``kit.quotes.doc_quotes``. textacy's ``direct_quotations`` runs on the same parse in the same
loop as the baseline (a document where it raises on an odd number of quote marks counts as
no predictions, which is what a user of it gets).

Three kit configurations run: the default (as ``kit build``: mixed quotes as their quoted
fragments, no object noun phrases), ``mixed="whole"`` (PolNeAR's convention for mixed quotes)
and that plus ``objects=True`` (object noun phrases of statement verbs as content, which PolNeAR
also annotates).

Figures (span level, per document; as in the seeds scorer a prediction counts when it matches
some reference and a reference when some prediction matches it):

* exact: the spans are equal after trimming whitespace, quote marks, edge punctuation and a
  leading "that";
  discontinuous content (``“A,” he said. “B”``) matches on any of its fragments;
* overlap: the spans share at least one character.

Precision = matched predictions / predictions, recall = matched references / references,
separately for source, cue and content. PolNeAR's attributions are broader than quotes
(beliefs, intentions, "polls show") and its sources are often pronouns; the published CofeNet
figures are token-level BIO scores of trained models on sentences, printed only for context.

Run: ``.venv/bin/python benchmarks/polnear_quotes.py [--split test] [--limit N] [--n-process 2]``
(about one minute for the 84 test articles on 2 cores).

Last run (test split, en_core_web_sm 3.8.0, 2 cores), P/R/F1 in %:

    system                      match    source           cue              content
    kit (default)               exact    86.5/51.2/64.3   80.7/42.0/55.3   69.7/36.0/47.4
    kit (default)               overlap  92.4/55.4/69.2   92.8/48.2/63.4   97.5/49.8/65.9
    kit (mixed whole + objects) exact    85.9/53.3/65.8   79.6/43.6/56.4   71.2/38.7/50.2
    textacy direct_quotations   exact    66.5/13.0/21.7   86.6/15.0/25.6   71.1/12.3/21.0
    textacy direct_quotations   overlap  92.2/18.4/30.6   91.8/16.1/27.4   98.1/17.8/30.1

textacy raised on 21 of the 84 documents. Content recall by PolNeAR kind (overlap): direct 0.94,
mixed 0.79, indirect 0.32.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kit.corpus import build_article  # noqa: E402
from kit.nlp import DEFAULT_MODEL, load_pipeline  # noqa: E402
from kit.quotes import doc_quotes  # noqa: E402

POLNEAR = ROOT.parent / "shared" / "external" / "polnear" / "gold"
_TRIM = " \t\n\"'“”‘’„«»,.;:!?—–-"

PUBLISHED = [
    # Wang et al., CofeNet, COLING 2022, Tables 6-8 (token-level BIO, exact spans, test split)
    ("BERT + CofeNet (best), exact", (82.9, 83.6, 83.2), (75.9, 74.7, 75.3), (74.9, 71.1, 72.9)),
    ("BERT + CRF, exact", (81.5, 82.9, 82.2), (75.0, 74.7, 74.9), (72.4, 69.7, 71.0)),
    ("Rule baseline, exact (F1 only)", (None, None, 10.7), (None, None, 22.8), (None, None, 5.6)),
    ("CoreNLP quote annotator, exact (F1 only)", (None, None, 13.9), (None, None, None), (None, None, 17.5)),
]


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Shrink ``[s, e)`` past whitespace, quote marks, edge punctuation and a leading
    complementiser "that" (PolNeAR includes it in the content, the kit's convention leaves it
    out, as the seeds' reference annotations do)."""
    while True:
        s0 = s
        while s < e and text[s] in _TRIM:
            s += 1
        if text[s:s + 5].lower() == "that " and e - s > 5:
            s += 5
        if s == s0:
            break
    while e > s and text[e - 1] in _TRIM:
        e -= 1
    return s, e


def load(split: str, limit: int | None) -> tuple[list[dict], dict[str, list[dict]]]:
    docs = [d for d in map(json.loads, (POLNEAR / "docs.jsonl").open(encoding="utf-8")) if d["split"] == split]
    docs.sort(key=lambda d: d["doc_id"])
    if limit:
        docs = docs[:limit]
    keep = {d["doc_id"] for d in docs}
    gold: dict[str, list[dict]] = defaultdict(list)
    for q in map(json.loads, (POLNEAR / "quotes.jsonl").open(encoding="utf-8")):
        if q["doc_id"] in keep:
            gold[q["doc_id"]].append(q)
    return docs, gold


class Counts:
    """Matched / total counts for one (system, field, match mode)."""

    def __init__(self) -> None:
        self.tp_p = self.n_p = self.tp_r = self.n_r = 0

    def add(self, text: str, preds: list[list[tuple[int, int]]], golds: list[list[tuple[int, int]]], mode: str) -> None:
        """``preds``/``golds``: one list of fragments per item."""
        def norm(frags: list[tuple[int, int]]) -> list[tuple[int, int]]:
            return [t for t in (trim(text, s, e) for s, e in frags) if t[1] > t[0]]

        P = [norm(f) for f in preds]
        G = [norm(f) for f in golds]
        P = [p for p in P if p]
        G = [g for g in G if g]

        def match(p: list[tuple[int, int]], g: list[tuple[int, int]]) -> bool:
            if mode == "exact":
                return any(a == b for a in p for b in g) or (len(p) == 1 and p[0] == (g[0][0], g[-1][1]))
            return any(a[0] < b[1] and b[0] < a[1] for a in p for b in g)

        # As in the seeds scorer: a prediction counts when it matches some reference, a
        # reference when some prediction matches it (a quote split in two by "he said" is
        # two predictions of one discontinuous reference).
        self.tp_p += sum(any(match(p, g) for g in G) for p in P)
        self.tp_r += sum(any(match(p, g) for p in P) for g in G)
        self.n_p += len(P)
        self.n_r += len(G)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp_p / self.n_p if self.n_p else 0.0
        r = self.tp_r / self.n_r if self.n_r else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return 100 * p, 100 * r, 100 * f


def textacy_rows(doc, art) -> tuple[list[dict], bool]:
    """textacy's direct_quotations on the same parse; (rows with raw spans, raised?)."""
    from textacy.extract.triples import direct_quotations

    rows = []
    try:
        triples = list(direct_quotations(doc))
    except ValueError:
        return [], True
    for t in triples:
        def raw(tokens) -> list[tuple[int, int]]:
            toks = sorted(tokens, key=lambda x: x.i)
            return [art.view.span_to_raw(toks[0].idx, toks[-1].idx + len(toks[-1].text))] if toks else []
        rows.append({"content": raw(list(t.content)), "source": raw(t.speaker), "cue": raw(t.cue)})
    return rows, False


def kit_rows(doc, art, **options) -> list[dict]:
    df = doc_quotes(doc, art, **options)
    rows = []
    for r in df.itertuples(index=False):
        rows.append({"content": [(int(r.start_char), int(r.end_char))],
                     "source": [(int(r.speaker_start), int(r.speaker_end))] if r.speaker_start >= 0 else [],
                     "cue": [(int(r.cue_start), int(r.cue_end))] if r.cue_start >= 0 else []})
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="test", choices=["train", "dev", "test"])
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents (by doc_id)")
    ap.add_argument("--n-process", type=int, default=1)
    ap.add_argument("--model", default=DEFAULT_MODEL)
    args = ap.parse_args(argv)

    t0 = time.time()
    docs, gold = load(args.split, args.limit)
    nlp = load_pipeline(args.model)
    arts = [build_article(d["doc_id"], d["doc_id"] + ".txt", d["text"].encode("utf-8")) for d in docs]
    systems = {"kit (default)": {}, "kit (mixed whole)": {"mixed": "whole"},
               "kit (mixed whole + objects)": {"mixed": "whole", "objects": True},
               "textacy direct_quotations": None}
    counts = {(s, f, m): Counts() for s in systems for f in ("source", "cue", "content") for m in ("exact", "overlap")}
    raised = 0
    n_gold = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    pairs = ((a.text, a) for a in arts)
    for doc, art in nlp.pipe(pairs, as_tuples=True, n_process=args.n_process, batch_size=8):
        g = gold.get(art.doc_id, [])
        n_gold += len(g)
        text = art.raw
        G = {"content": [[tuple(x) for x in q["quote_fragments"]] for q in g],
             "source": [[tuple(x) for x in q["speaker_fragments"]] for q in g if q.get("speaker_fragments")],
             "cue": [[(q["cue_start"], q["cue_end"])] for q in g if q.get("cue_start") is not None]}
        for name, opts in systems.items():
            if opts is None:
                rows, bad = textacy_rows(doc, art)
                raised += bad
            else:
                rows = kit_rows(doc, art, **opts)
            for f in ("source", "cue", "content"):
                P = [r[f] for r in rows if r[f]]
                for m in ("exact", "overlap"):
                    counts[(name, f, m)].add(text, P, G[f], m)
            if name == "kit (default)":
                for q in g:
                    hit = any(a[0] < q["end_char"] and q["start_char"] < a[1] for r in rows for a in r["content"])
                    by_kind[q["kind"]][0] += hit
                    by_kind[q["kind"]][1] += 1

    print(f"PolNeAR {args.split}: {len(docs)} documents, {n_gold} reference attributions "
          f"(model {args.model}, {time.time() - t0:.0f} s)")
    print(f"textacy direct_quotations raised (odd quote-mark count) on {raised} of {len(docs)} documents\n")
    head = f"{'system':44} {'match':8} " + " ".join(f"{f + ' P/R/F1':>20}" for f in ("source", "cue", "content"))
    print(head)
    print("-" * len(head))

    def fmt(t: tuple) -> str:
        return "/".join("  - " if v is None else f"{v:4.1f}" for v in t)

    for name in systems:
        for m in ("exact", "overlap"):
            cells = [fmt(counts[(name, f, m)].prf()) for f in ("source", "cue", "content")]
            print(f"{name:44} {m:8} " + " ".join(f"{c:>20}" for c in cells))
    print("\npublished on PolNeAR test (token-level BIO on sentences, trained models; context only):")
    for name, s, c, x in PUBLISHED:
        print(f"{name:44} {'':8} " + " ".join(f"{fmt(v):>20}" for v in (s, c, x)))
    print("\nkit content recall by PolNeAR kind (overlap): "
          + ", ".join(f"{k} {v[0] / v[1]:.2f} ({v[1]})" for k, v in sorted(by_kind.items()) if v[1]))


if __name__ == "__main__":
    main()
