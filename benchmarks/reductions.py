"""Do the corpus-level steps scale? Time and peak memory of ``kit.build.reduce_corpus`` at
several corpus sizes, without parsing every document.

Parses ``--distinct`` documents of a corpus once (``analyse_batch``, as a build does), then
replicates their per-document results under new ``doc_id``\\ s up to each size and runs the
corpus-level reductions (entity clustering, speaker resolution, event merging) on them. Exact
copies are a hard case on purpose: every copy of an event lands in the same cluster and every
copy of a name in the same entity, so a step whose cost grows with a cluster's size shows up.
Prints seconds, seconds per 1,000 documents and the traced peak memory (``tracemalloc``: what
the reductions allocate, not the interpreter and model), each as a ratio to the first size
measured in the same run.

    python benchmarks/reductions.py /tmp/synth_2000 --sizes 2000 20000
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

__all__ = ["parts_of", "replicate", "measure"]


def parts_of(corpus: str | Path, *, distinct: int) -> tuple[object, dict[str, list]]:
    """Parse the first ``distinct`` documents of ``corpus``: ``(corpus, {part: [frames]})``."""
    kb = importlib.import_module("kit.build")
    from kit import corpus as kc

    records, _ = kb.input_records(corpus)
    records = [r for r in records if not r["missing"]][:distinct]
    results = kb.analyse_batch(records)
    parts: dict[str, list] = {}
    for res in results:
        for name, df in res.items():
            if name not in kb.TABLES:
                parts.setdefault(name, []).append(df)
    docs = kb.pd.concat([r["documents"] for r in results], ignore_index=True).drop(columns=["text"])
    empty = kc.assemble(Path(corpus), [], {}, [])
    c = kc.Corpus(folder=Path(corpus), articles=[], documents=docs, lines=empty.lines, notes=[])
    return c, parts


def replicate(parts: dict[str, list], n: int) -> dict[str, list]:
    """``n`` documents' worth of ``parts``, cycling through them with fresh ``doc_id``\\ s."""
    out: dict[str, list] = {}
    for name, frames in parts.items():
        k = len(frames)
        rows = []
        for i in range(n):
            f = frames[i % k]
            if f is None or not len(f):
                rows.append(f)
                continue
            f = f.copy()
            f["doc_id"] = f"c{i // k:04d}_" + f["doc_id"].astype(str)
            rows.append(f)
        out[name] = rows
    return out


def measure(c: object, parts: dict[str, list], n: int) -> dict[str, float]:
    """Seconds and traced peak MB of ``reduce_corpus`` over ``n`` replicated documents."""
    kb = importlib.import_module("kit.build")

    rep = replicate(parts, n)
    gc.collect()
    tracemalloc.start()
    t = time.perf_counter()
    kb.reduce_corpus(c, rep)
    secs = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # the input frames themselves, for scale
    size = sum(int(f.memory_usage(deep=True).sum()) for fs in rep.values() for f in fs if f is not None)
    return {"seconds": secs, "peak_mb": peak / 1e6, "input_mb": size / 1e6}


def main() -> None:
    """Command line: ``reductions.py CORPUS [--distinct N] [--sizes N N ...]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--distinct", type=int, default=200, help="documents actually parsed")
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    args = ap.parse_args()
    c, parts = parts_of(args.corpus, distinct=args.distinct)
    print(f"{args.distinct} parsed documents from {args.corpus}, replicated")
    print(f"{'docs':>7s} {'seconds':>8s} {'s/1k docs':>9s} {'x first':>8s} {'peak MB':>8s} {'x first':>8s} "
          f"{'input MB':>9s}")
    first = None
    for n in args.sizes:
        r = measure(c, parts, n)
        per_k = 1000 * r["seconds"] / n
        first = first or {**r, "per_k": per_k}
        print(f"{n:7d} {r['seconds']:8.1f} {per_k:9.2f} {per_k / first['per_k']:8.2f} {r['peak_mb']:8.0f} "
              f"{r['peak_mb'] / first['peak_mb']:8.2f} {r['input_mb']:9.0f}", flush=True)


if __name__ == "__main__":
    main()
