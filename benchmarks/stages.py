"""Where a build's time goes: reading, the parse and each stage, per document, in one process.

Times every per-document function that ``kit.build.analyse_doc`` calls (found by name, so new
stages show up without editing this script) and the corpus-level reductions, and prints each as
a share of the bare parse of the same texts, measured in the same run.

    python benchmarks/stages.py seeds
    python benchmarks/stages.py /tmp/synth_200 --limit 100
"""

from __future__ import annotations

import argparse
import importlib
import time
from collections import defaultdict
from pathlib import Path

__all__ = ["profile"]


def profile(corpus: str | Path, *, limit: int | None = None, batch_size: int = 32) -> dict[str, float]:
    """Seconds spent in each step over the first ``limit`` documents of ``corpus``."""
    import pandas as pd

    kb = importlib.import_module("kit.build")
    from kit import corpus as kc
    from kit import nlp as kn

    records, _ = kb.input_records(corpus)
    records = [r for r in records if not r["missing"]][:limit]
    secs: dict[str, float] = defaultdict(float)

    t = time.perf_counter()
    arts = [kb._read_article(r) for r in records]
    manifest = {r["doc_id"]: r["manifest"] for r in records if r.get("manifest")}
    c = kc.assemble(Path(corpus), arts, manifest, [])
    secs["read + line roles (corpus)"] = time.perf_counter() - t
    published = {d: (None if pd.isna(p) else p) for d, p in zip(c.documents["doc_id"], c.documents["published"])}
    todo = [a for a in arts if a.analysable and a.text.strip()]

    nlp = kn.load_pipeline()
    list(nlp.pipe([a.text for a in todo[:4]]))  # warm-up
    t = time.perf_counter()
    docs = list(nlp.pipe([a.text for a in todo], batch_size=batch_size))
    secs["parse (bare nlp.pipe)"] = time.perf_counter() - t

    # Wrap every module-level function analyse_doc reaches through the lazy stage modules.
    timed: dict[str, float] = defaultdict(float)
    originals = {}
    for mod_name in ("kit.entities", "kit.quotes", "kit.chronology", "kit.nlp"):
        mod = importlib.import_module(mod_name)
        for fname in ("mention_rows", "quote_rows", "timex_rows", "event_candidate_rows", "sentence_rows"):
            f = getattr(mod, fname, None)
            if f is None:
                continue

            label = f"{mod_name.split('.')[-1]}.{fname}"

            def wrap(*a, _f=f, _n=label, **kw):
                t0 = time.perf_counter()
                try:
                    return _f(*a, **kw)
                finally:
                    timed[_n] += time.perf_counter() - t0

            originals[(mod, fname)] = f
            setattr(mod, fname, wrap)
    rows: list[dict[str, list[dict]]] = []
    try:
        t = time.perf_counter()
        for art, doc in zip(todo, docs):
            rows.append(kb.analyse_doc(doc, art, published=published[art.doc_id]))
        secs["analyse_doc (all stages)"] = time.perf_counter() - t
    finally:
        for (mod, fname), f in originals.items():
            setattr(mod, fname, f)
    for k, v in sorted(timed.items(), key=lambda kv: -kv[1]):
        secs[f"  {k}"] = v

    # The stages' rows become tables one batch at a time, as kit.build does.
    parts: dict[str, list] = defaultdict(list)
    t = time.perf_counter()
    for i in range(0, len(rows), batch_size):
        for k in rows[i]:
            parts[k].append(kb.frame(k, [r for res in rows[i:i + batch_size] for r in res.get(k, [])]))
    secs["per-batch tables (kit.build.frame)"] = time.perf_counter() - t

    t = time.perf_counter()
    kb.reduce_corpus(c, {k: v for k, v in parts.items() if k not in kb.TABLES})
    secs["reduce_corpus (corpus-level)"] = time.perf_counter() - t
    secs["_n_docs"] = len(todo)
    return dict(secs)


def main() -> None:
    """Command line: ``stages.py CORPUS [--limit N]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--limit", type=int, default=None, help="profile only the first N documents")
    args = ap.parse_args()
    secs = profile(args.corpus, limit=args.limit)
    n = secs.pop("_n_docs")
    parse = secs["parse (bare nlp.pipe)"]
    print(f"{n} documents from {args.corpus}; times relative to the bare parse of the same texts")
    print(f"{'step':40s} {'seconds':>8s} {'ms/doc':>8s} {'x parse':>8s}")
    for k, v in secs.items():
        print(f"{k:40s} {v:8.2f} {1000 * v / max(n, 1):8.1f} {v / parse:8.2f}")


if __name__ == "__main__":
    main()
