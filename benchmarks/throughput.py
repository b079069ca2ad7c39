"""``kit build`` throughput against bare ``nlp.pipe`` on the same texts and model.

For each process count, times (a) spaCy alone: ``nlp.pipe`` over the clean article texts the
kit parses, with the stock pipeline (``spacy.load`` of the same package; the kit's own
paragraph-break rule counts as the kit's work), and (b) a full ``kit build`` of the same corpus
with no cache (reading, line roles, the parse, every stage, the reductions, writing Parquet).
Both run in this process, back to back, alternating which goes first, ``--repeats`` times; the
models are loaded and every lazy resource touched before any clock starts. Prints docs/s (best
of each) and their ratio, the ratio of CPU seconds per document (this process and its
workers), the median of the per-repeat ratios (each repeat sees one host speed: the figure to
read on a shared host, where the same run moves by 10% from one minute to the next), the
pooled ratio (total time of one over total time of the other) and every repeat's ratio.

    python benchmarks/make_corpus.py 300 --out /tmp/synth_300
    python benchmarks/throughput.py /tmp/synth_300 --processes 1 2 --repeats 6
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
    """Docs/s of bare ``nlp.pipe`` and of ``kit build`` on ``corpus`` (best of ``repeats``), and
    their ratios (see the module docstring)."""
    import spacy

    import kit
    from kit import DEFAULT_MODEL
    from kit.corpus import read_corpus
    from kit.nlp import load_pipeline

    texts = [a.text for a in read_corpus(corpus).articles if a.analysable and a.text.strip()]
    load_pipeline(DEFAULT_MODEL)  # the kit's (lru_cache keys on the arguments, as kit.build calls it)
    nlp = spacy.load(DEFAULT_MODEL)  # the stock pipeline
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

    def time_bare() -> None:
        t, c = time.perf_counter(), _cpu()
        n = sum(1 for _ in nlp.pipe(texts, n_process=n_process, batch_size=batch_size))
        bare.append(n / (time.perf_counter() - t))
        bare_cpu.append(_cpu() - c)

    def time_kit() -> None:
        out = Path(tempfile.mkdtemp(prefix="newskit_tp_"))
        try:
            t, c = time.perf_counter(), _cpu()
            kit.build(corpus, out, use_cache=False, n_process=n_process, batch_size=batch_size)
            built.append(len(texts) / (time.perf_counter() - t))
            built_cpu.append(_cpu() - c)
        finally:
            shutil.rmtree(out, ignore_errors=True)

    for r in range(repeats):
        # Alternate which one goes first (ABBA...): a host that speeds up or slows down during
        # a repeat then favours each side equally often.
        for step in ((time_bare, time_kit) if r % 2 == 0 else (time_kit, time_bare)):
            step()
    # Each repeat times the two back to back, so its own ratio sees the same host speed; the
    # best-of figures can pair a fast minute of one with a slow minute of the other.
    paired = [k / b for b, k in zip(bare, built)]
    return {"n_docs": len(texts), "bare": max(bare), "kit": max(built),
            "cpu_ratio": min(bare_cpu) / min(built_cpu), "paired": statistics.median(paired),
            "pooled": sum(1 / b for b in bare) / sum(1 / k for k in built), "ratios": paired}


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
    ap.add_argument("--repeats", type=int, default=4,
                    help="runs of each, alternating which goes first: the best of each, the median of the paired ratios")
    args = ap.parse_args()
    print(f"{'processes':>9s} {'docs':>6s} {'bare nlp.pipe docs/s':>21s} {'kit build docs/s':>17s} {'ratio':>6s} "
          f"{'CPU-time ratio':>15s} {'median paired ratio':>20s} {'pooled ratio':>13s}  per-repeat ratios")
    for n in args.processes:
        r = measure(args.corpus, n_process=n, batch_size=args.batch_size, repeats=args.repeats)
        print(f"{n:9d} {r['n_docs']:6d} {r['bare']:21.2f} {r['kit']:17.2f} {r['kit'] / r['bare']:6.3f} "
              f"{r['cpu_ratio']:15.3f} {r['paired']:20.3f} {r['pooled']:13.3f}  "
              f"{' '.join(f'{x:.3f}' for x in r['ratios'])}", flush=True)


if __name__ == "__main__":
    main()
