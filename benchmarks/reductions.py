"""Do the corpus-level steps scale? Time and peak memory of ``kit.build.reduce_corpus`` at
several corpus sizes, without parsing every document.

Parses ``--distinct`` documents of a corpus once (``analyse_batch``, as a build does), then
replicates their per-document results under new ``doc_id``\\ s up to each size and runs the
corpus-level reductions (entity clustering, speaker resolution, event merging) on them the way
the build does (inputs spooled to disk as pieces and read back step by step, each table
written as soon as it is made). Exact
copies are a hard case on purpose: every copy of an event lands in the same cluster and every
copy of a name in the same entity, so a step whose cost grows with a cluster's size shows up.
Each size runs in a fresh child process. Prints seconds (reading the inputs back and writing
the tables included), seconds per 1,000 documents, how far the reductions raise resident
memory (``growth``) and the process's peak, each as a ratio to the first size measured in the
same run.

    python benchmarks/reductions.py /tmp/synth_2000 --sizes 2000 20000
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

__all__ = ["parts_of", "replicate", "measure"]


def parts_of(corpus: str | Path, *, distinct: int) -> tuple[object, dict[str, list]]:
    """Parse the first ``distinct`` documents of ``corpus``: ``(corpus, {part: [frames]})``."""
    kb = importlib.import_module("kit.build")
    from kit import corpus as kc

    records, _ = kb.input_records(corpus)
    records = [r for r in records if not r["missing"]][:distinct]
    results = kb.analyse_batch(records)  # each document's rows by table name
    parts: dict[str, list] = {}
    for res in results:
        for name, rows in res.items():
            if name not in kb.TABLES:
                parts.setdefault(name, []).append(kb.frame(name, rows))
    docs = kb.frame("documents", [row for r in results for row in r["documents"]]).drop(columns=["text"])
    c = kc.Corpus(folder=Path(corpus), articles=[], documents=docs, lines=kb.frame("lines", []), notes=[])
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


def measure(parts_file: Path, n: int) -> dict[str, float]:
    """Seconds and peak memory of ``reduce_corpus`` over ``n`` replicated documents, run in a
    fresh child process (peak resident memory is a high-water mark: one size per process)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(parts_file), str(n)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def _child(parts_file: Path, n: int) -> None:
    kb = importlib.import_module("kit.build")
    for mod in ("kit.entities", "kit.quotes", "kit.chronology"):  # imports are not the reductions' memory
        importlib.import_module(mod)
    c, parts = pickle.loads(parts_file.read_bytes())
    with tempfile.TemporaryDirectory(prefix="newskit_red_") as tmp:
        # The build's own path: inputs spooled as pieces, read back step by step, every table
        # written as it is made.
        spool = kb._Spool(Path(tmp) / "spool")
        for name in list(parts):
            full = [f for f in replicate({name: parts.pop(name)}, n)[name] if f is not None and len(f)]
            for a in range(0, len(full), 256):
                spool.add(name, pd.concat(full[a:a + 256], ignore_index=True))
            del full
        kb.release_memory()  # what making the inputs freed is not the reductions' memory
        before = _rss_mb()
        # ru_maxrss would include the imports and unpickling: sample resident memory instead
        peak, done = [before], threading.Event()

        def sample() -> None:
            while not done.wait(0.01):
                peak[0] = max(peak[0], _rss_mb())

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        t = time.perf_counter()
        tables = Path(tmp) / "tables"
        tables.mkdir()
        kb.reduce_corpus(c, spool.reduction_inputs(),
                         sink=lambda name, df: kb._write_frame(df, tables / f"{name}.parquet", plain_text=True))
        secs = time.perf_counter() - t
        done.set()
        th.join()
    peak = max(peak[0], _rss_mb())
    print(json.dumps({"seconds": secs, "peak_mb": peak, "growth_mb": peak - before}))


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    """Command line: ``reductions.py CORPUS [--distinct N] [--sizes N N ...]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?")
    ap.add_argument("--distinct", type=int, default=200, help="documents actually parsed")
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(Path(args.child[0]), int(args.child[1]))
        return
    if not args.corpus:
        ap.error("CORPUS is required")
    c, parts = parts_of(args.corpus, distinct=args.distinct)
    with tempfile.TemporaryDirectory(prefix="newskit_red_") as tmp:
        parts_file = Path(tmp) / "parts.pkl"
        parts_file.write_bytes(pickle.dumps((c, parts), protocol=pickle.HIGHEST_PROTOCOL))
        print(f"{args.distinct} parsed documents from {args.corpus}, replicated; memory in MiB (resident)")
        print(f"{'docs':>7s} {'seconds':>8s} {'s/1k docs':>9s} {'x first':>8s} {'growth':>7s} "
              f"{'x first':>8s} {'peak':>6s} {'x first':>8s}")
        first = None
        for n in args.sizes:
            r = measure(parts_file, n)
            r["per_k"] = 1000 * r["seconds"] / n
            first = first or r
            print(f"{n:7d} {r['seconds']:8.1f} {r['per_k']:9.2f} {r['per_k'] / first['per_k']:8.2f} "
                  f"{r['growth_mb']:7.0f} {r['growth_mb'] / max(first['growth_mb'], 1):8.2f} "
                  f"{r['peak_mb']:6.0f} {r['peak_mb'] / first['peak_mb']:8.2f}", flush=True)


if __name__ == "__main__":
    main()
