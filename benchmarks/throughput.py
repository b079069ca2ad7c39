"""``kit build`` throughput against bare ``nlp.pipe`` on the same texts and model.

For each process count, times (a) spaCy alone: ``nlp.pipe`` over the clean article texts the
kit parses, with the stock pipeline (``spacy.load`` of the same package; the kit's own
paragraph-break rule counts as the kit's work), and (b) a full ``kit build`` of the same corpus
with no cache (reading, line roles, the parse, every stage, the reductions, writing Parquet).
The models are loaded and every lazy resource touched before any clock starts.

Two designs, because this kind of host (a KVM guest on a shared machine) moves the speed of
the same run by 10-20% from one minute to the next, bare spaCy included:

- ``sequential`` (every process count): both run in this process, back to back, alternating
  which goes first (ABBA...), ``--repeats`` times.
- ``concurrent`` (one process, on a machine with two cores or more; the default there): bare
  spaCy and the build run at the same time in two forked processes, each pinned to a core of
  its own, swapping cores every repeat; whichever finishes first keeps parsing until the other
  is done, so both run under the same load throughout. Each repeat's ratio then compares the
  two over the same minutes, which the sequential design cannot.

Prints docs/s (best of each) and their ratio, the ratio of CPU seconds per document (this
process and its workers), the median of the per-repeat ratios (the figure to read), the pooled
ratio (total time of one over total time of the other) and every repeat's ratio.

    python benchmarks/make_corpus.py 300 --out /tmp/synth_300
    python benchmarks/throughput.py /tmp/synth_300 --processes 1 2 --repeats 6
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing as mp
import os
import queue
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["measure"]


def measure(corpus: str | Path, *, n_process: int, batch_size: int, repeats: int = 1,
            design: str = "sequential") -> dict[str, float]:
    """Docs/s of bare ``nlp.pipe`` and of ``kit build`` on ``corpus`` (best of ``repeats``), and
    their ratios, timed with ``design`` (``sequential`` or ``concurrent``: the module docstring)."""
    import spacy

    import kit
    from kit import DEFAULT_MODEL
    from kit.corpus import read_corpus
    from kit.nlp import load_pipeline

    texts = [a.text for a in read_corpus(corpus).articles if a.analysable and a.text.strip()]
    load_pipeline(DEFAULT_MODEL)  # the kit's (lru_cache keys on the arguments, as kit.build calls it)
    nlp = spacy.load(DEFAULT_MODEL)  # the stock pipeline
    # Start-up is not throughput: import the stages (textacy alone takes seconds) before the
    # clocks start, as the model is loaded before them. Forked workers inherit both.
    for mod in ("kit.entities", "kit.quotes", "kit.chronology", "pyarrow.parquet"):
        importlib.import_module(mod)
    kb = importlib.import_module("kit.build")
    two = kb.input_records(corpus)[0][:2]

    def warm() -> None:
        # ... and run the parse and the whole per-document path once, as the model is loaded:
        # first calls load lazy resources (dateparser's locales alone take ~1.5 s), and in a
        # forked process the first touch of each page of the model copies it.
        list(nlp.pipe(texts[:4]))
        kb.analyse_batch(two)

    def run_bare() -> None:
        for _ in nlp.pipe(texts, n_process=n_process, batch_size=batch_size):
            pass

    def run_kit() -> None:
        out = Path(tempfile.mkdtemp(prefix="newskit_tp_"))
        try:
            kit.build(corpus, out, use_cache=False, n_process=n_process, batch_size=batch_size)
        finally:
            shutil.rmtree(out, ignore_errors=True)

    warm()
    runs = {"bare": run_bare, "kit": run_kit}
    if design == "concurrent":
        times = _concurrent(runs, warm=warm, repeats=repeats)
    else:
        times = {"bare": [], "kit": []}
        for r in range(repeats):
            # Alternate which one goes first (ABBA...): a host that speeds up or slows down
            # during a repeat then favours each side equally often.
            for side in (("bare", "kit") if r % 2 == 0 else ("kit", "bare")):
                times[side].append(_timed(runs[side]))
    n = len(texts)
    bare = [n / w for w, _ in times["bare"]]
    built = [n / w for w, _ in times["kit"]]
    # Each repeat times the two over the same stretch of the host's speed, so its own ratio
    # pairs like with like; the best-of figures can pair a fast minute of one with a slow
    # minute of the other.
    paired = [k / b for b, k in zip(bare, built)]
    return {"n_docs": n, "bare": max(bare), "kit": max(built),
            "cpu_ratio": min(c for _, c in times["bare"]) / min(c for _, c in times["kit"]),
            "paired": statistics.median(paired),
            "pooled": sum(w for w, _ in times["bare"]) / sum(w for w, _ in times["kit"]), "ratios": paired}


def _timed(run: Callable[[], None]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    t, c = time.perf_counter(), _cpu()
    run()
    return time.perf_counter() - t, _cpu() - c


def _concurrent(runs: dict[str, Callable[[], None]], *, warm: Callable[[], None],
                repeats: int) -> dict[str, list[tuple[float, float]]]:
    """Time both at once, each in a forked process pinned to its own core, swapping cores every
    repeat. The first to finish keeps parsing (untimed) until the other reports, so the two
    share the host's load for the whole of both timings."""
    ctx = mp.get_context("fork")
    cores = sorted(os.sched_getaffinity(0))[:2]
    times: dict[str, list[tuple[float, float]]] = {"bare": [], "kit": []}

    def side(name: str, core: int, ready: mp.synchronize.Barrier, out: mp.Queue) -> None:
        os.sched_setaffinity(0, {core})
        warm()
        ready.wait()
        out.put((name, _timed(runs[name])))
        while True:  # load for the other side until the parent ends this process
            runs["bare"]()

    for r in range(repeats):
        ready, out = ctx.Barrier(2), ctx.Queue()
        order = cores if r % 2 == 0 else cores[::-1]
        procs = [ctx.Process(target=side, args=(name, core, ready, out), daemon=True)
                 for name, core in zip(("bare", "kit"), order)]
        for p in procs:
            p.start()
        try:
            while len(times["bare"]) + len(times["kit"]) < 2 * (r + 1):
                try:
                    name, t = out.get(timeout=5)
                except queue.Empty:
                    dead = [p for p in procs if p.exitcode is not None]
                    if dead:  # a side that died reports nothing: say so instead of waiting forever
                        raise RuntimeError(f"a timed process exited with code {dead[0].exitcode}") from None
                    continue
                times[name].append(t)
        finally:
            for p in procs:
                p.terminate()
                p.join()
    return times


def _cpu() -> float:
    """CPU seconds of this process and its finished children (pool workers, spaCy's workers):
    unlike wall time, not inflated when a shared host lends the cores to someone else."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    """Command line: ``throughput.py CORPUS [--processes 1 2] [--batch-size 32] [--design ...]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=4,
                    help="runs of each: the best of each, the median of the paired ratios")
    ap.add_argument("--design", choices=["auto", "sequential", "concurrent", "both"], default="auto",
                    help="auto: concurrent for one process on two cores or more, else sequential")
    args = ap.parse_args()
    print(f"{'processes':>9s} {'design':>10s} {'docs':>5s} {'bare nlp.pipe docs/s':>21s} {'kit build docs/s':>17s} "
          f"{'ratio':>6s} {'CPU-time ratio':>15s} {'median paired ratio':>20s} {'pooled ratio':>13s}  per-repeat ratios")
    can_pair = len(os.sched_getaffinity(0)) >= 2 and "fork" in mp.get_all_start_methods()
    for n in args.processes:
        if args.design == "both":
            designs = ["sequential", "concurrent"] if n == 1 and can_pair else ["sequential"]
        elif args.design == "auto":
            designs = ["concurrent" if n == 1 and can_pair else "sequential"]
        else:
            designs = [args.design]
        for design in designs:
            if design == "concurrent" and not (n == 1 and can_pair):
                ap.error("--design concurrent needs one process, two cores and fork")
            r = measure(args.corpus, n_process=n, batch_size=args.batch_size, repeats=args.repeats, design=design)
            print(f"{n:9d} {design:>10s} {r['n_docs']:5d} {r['bare']:21.2f} {r['kit']:17.2f} "
                  f"{r['kit'] / r['bare']:6.3f} {r['cpu_ratio']:15.3f} {r['paired']:20.3f} {r['pooled']:13.3f}  "
                  f"{' '.join(f'{x:.3f}' for x in r['ratios'])}", flush=True)


if __name__ == "__main__":
    main()
