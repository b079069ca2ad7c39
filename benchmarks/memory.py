"""Peak memory of ``kit build`` at two (or more) corpus sizes: does it stay flat?

For each size, writes a synthetic corpus (``make_corpus.py``; reused if the folder already
holds that many documents), runs ``python -m kit build CORPUS --no-cache`` in a child process
and samples the resident memory of the whole process tree (the build and its workers) every
0.2 s. Prints the peak of the tree (proportional set size, so pages shared between
processes count once) and of the main process (resident set), each as a ratio to the first
size, measured in the same run, and the main process's peak while it has no workers (with
``-j 2`` or more: the corpus-level steps and writing, after the parse).

    python benchmarks/memory.py 2000 20000 --processes 2 --work /tmp/newskit_mem

Needs ``psutil`` (installed with the notebooks and dask extras).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from make_corpus import make_corpus  # noqa: E402

__all__ = ["peak_memory"]


def peak_memory(corpus: Path, out: Path, *, n_process: int, batch_size: int) -> dict[str, float]:
    """Run one build of ``corpus`` and return its peak memory (MB) and wall time (s)."""
    cmd = [sys.executable, "-m", "kit", "build", str(corpus), "--out", str(out), "--no-cache", "-q",
           "-j", str(n_process), "--batch-size", str(batch_size)]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    root = psutil.Process(proc.pid)
    peak_tree = peak_main = peak_alone = 0
    while proc.poll() is None:
        try:
            main = root.memory_info().rss
            workers = root.children(recursive=True)
            # PSS: pages a forked worker shares with its parent (the model) count once.
            tree = sum(p.memory_full_info().pss for p in [root, *workers])
        except psutil.Error:  # a worker came or went between listing and reading it
            continue
        peak_main, peak_tree = max(peak_main, main), max(peak_tree, tree)
        if not workers:  # before the pool starts and after it has gone: the corpus-level steps
            peak_alone = max(peak_alone, main)
        time.sleep(0.2)
    if proc.returncode:
        raise SystemExit(f"kit build failed with exit code {proc.returncode}")
    return {"tree_mb": peak_tree / 1e6, "main_mb": peak_main / 1e6, "alone_mb": peak_alone / 1e6,
            "seconds": time.perf_counter() - t}


def main() -> None:
    """Command line: ``memory.py SIZE [SIZE ...] [--processes N] [--work DIR]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", type=int, nargs="*", default=[2000, 20000])
    ap.add_argument("--processes", "-j", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--work", default=None, help="folder for the corpora and outputs (default: a temporary one)")
    args = ap.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="newskit_mem_"))
    print(f"{'docs':>7s} {'peak tree MB':>13s} {'x first':>8s} {'peak main MB':>13s} {'x first':>8s} "
          f"{'no workers MB':>14s} {'docs/s':>7s}")
    first = None
    for n in args.sizes:
        corpus = work / f"synth_{n}"
        if len(list(corpus.glob("*.txt"))) != n:
            make_corpus(n, corpus)
        r = peak_memory(corpus, work / f"out_{n}", n_process=args.processes, batch_size=args.batch_size)
        first = first or r
        print(f"{n:7d} {r['tree_mb']:13.0f} {r['tree_mb'] / first['tree_mb']:8.2f} {r['main_mb']:13.0f} "
              f"{r['main_mb'] / first['main_mb']:8.2f} {r['alone_mb']:14.0f} {n / r['seconds']:7.1f}", flush=True)


if __name__ == "__main__":
    main()
