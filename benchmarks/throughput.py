"""``kit build`` throughput against bare ``nlp.pipe`` on the same texts and model.

For each process count, times (a) spaCy alone: ``nlp.pipe`` over the clean article texts the
kit parses, with the kit's pipeline, and (b) a full ``kit build`` of the same corpus with no
cache (reading, line roles, the parse, every stage, the reductions, writing Parquet), and
prints docs/s and their ratio (best of each), and the median of the per-repeat ratios. Both run
in this process, back to back, so the ratio holds on a busy machine too. The model is loaded
before either clock starts. Also prints the ratio of CPU seconds per document (this process
and its workers), which a shared host's noisy neighbours disturb less than wall time.

    python benchmarks/make_corpus.py 500 --out /tmp/synth_500
    python benchmarks/throughput.py /tmp/synth_500 --processes 1 2
"""

from __future__ import annotations

import argparse
import importlib
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

__all__ = ["measure"]


def measure(corpus: str | Path, *, n_process: int, batch_size: int, repeats: int = 1) -> dict[str, float]:
    """Best-of-``repeats`` docs/s of bare ``nlp.pipe`` and of ``kit build`` on ``corpus``."""
    import kit
    from kit import DEFAULT_MODEL
    from kit.corpus import read_corpus
    from kit.nlp import load_pipeline

    texts = [a.text for a in read_corpus(corpus).articles if a.analysable and a.text.strip()]
    nlp = load_pipeline(DEFAULT_MODEL)  # the call kit.build makes (lru_cache keys on the arguments)
    list(nlp.pipe(texts[:4]))  # warm-up
    # Start-up is not throughput: import the stages (textacy alone takes seconds) before the
    # clocks start, as the model is loaded before them. Forked workers inherit both.
    for mod in ("kit.entities", "kit.quotes", "kit.chronology", "pyarrow.parquet"):
        importlib.import_module(mod)
    # ... and run the whole per-document path once on two files, as the parse is warmed up:
    # first calls load lazy resources (dateparser's locales alone take ~1.5 s).
    kb = importlib.import_module("kit.build")
    kb.analyse_batch(kb.input_records(corpus)[0][:2])
    bare, built, bare_cpu, built_cpu = [], [], [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), _cpu()
        n = sum(1 for _ in nlp.pipe(texts, n_process=n_process, batch_size=batch_size))
        bare.append(n / (time.perf_counter() - t))
        bare_cpu.append(_cpu() - c)
        out = Path(tempfile.mkdtemp(prefix="newskit_tp_"))
        try:
            t, c = time.perf_counter(), _cpu()
            kit.build(corpus, out, use_cache=False, n_process=n_process, batch_size=batch_size)
            built.append(len(texts) / (time.perf_counter() - t))
            built_cpu.append(_cpu() - c)
        finally:
            shutil.rmtree(out, ignore_errors=True)
    # Each repeat times the two back to back, so its own ratio sees the same host speed; the
    # best-of figures can pair a fast minute of one with a slow minute of the other.
    return {"n_docs": len(texts), "bare": max(bare), "kit": max(built),
            "cpu_ratio": min(bare_cpu) / min(built_cpu), "paired": statistics.median(k / b for b, k in zip(bare, built))}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (pool workers, spaCy's workers):
    unlike wall time, not inflated when a shared host lends the cores to someone else."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    """Command line: ``throughput.py CORPUS [--processes 1 2] [--batch-size 32]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=2, help="runs of each: the best of each, and the median of the paired ratios")
    args = ap.parse_args()
    print(f"{'processes':>9s} {'docs':>6s} {'bare nlp.pipe docs/s':>21s} {'kit build docs/s':>17s} {'ratio':>6s} "
          f"{'CPU-time ratio':>15s} {'median paired ratio':>20s}")
    for n in args.processes:
        r = measure(args.corpus, n_process=n, batch_size=args.batch_size, repeats=args.repeats)
        print(f"{n:9d} {r['n_docs']:6d} {r['bare']:21.2f} {r['kit']:17.2f} {r['kit'] / r['bare']:6.3f} "
              f"{r['cpu_ratio']:15.3f} {r['paired']:20.3f}", flush=True)


if __name__ == "__main__":
    main()
