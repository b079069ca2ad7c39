"""Rebuild times: a cold build, an unchanged rebuild and a one-file-changed rebuild.

Copies a corpus (default: the seeds) to a temporary folder and times ``python -m kit build``
as a user runs it, Python start-up included: once cold (no cache), then unchanged (best of
``--repeats``), then after appending a sentence to one file. Bare ``python -c pass`` start-up
is timed in the same run as the floor.

    python benchmarks/rebuild.py            # the seeds
    python benchmarks/rebuild.py /tmp/synth_200
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["timed_build"]


def _run(cmd: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def timed_build(corpus: Path, out: Path, *extra: str) -> float:
    """Wall seconds of one ``python -m kit build CORPUS --out OUT -q`` (start-up included)."""
    return _run([sys.executable, "-m", "kit", "build", str(corpus), "--out", str(out), "-q", *extra])


def main() -> None:
    """Command line: ``rebuild.py [CORPUS] [--repeats N]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT / "seeds"))
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newskit_rebuild_"))
    try:
        corpus = work / "corpus"
        shutil.copytree(args.corpus, corpus)
        out = work / "out"
        n = len(list(corpus.glob("*.txt")))
        start = min(_run([sys.executable, "-c", "pass"]) for _ in range(args.repeats))
        cold = timed_build(corpus, out)
        unchanged = [timed_build(corpus, out) for _ in range(args.repeats)]
        victim = sorted(corpus.glob("*.txt"))[n // 2]
        victim.write_text(victim.read_text(encoding="utf-8").rstrip("\n")
                          + "\n\nThe minister said on Monday that talks would resume next week.\n", encoding="utf-8")
        changed = timed_build(corpus, out)
        print(f"{n} documents from {args.corpus}")
        print(f"{'run':32s} {'seconds':>8s} {'x cold':>7s}")
        for label, s in (("python start-up (floor)", start), ("cold build (no cache)", cold),
                         ("unchanged rebuild (best)", min(unchanged)),
                         ("unchanged rebuild (median)", sorted(unchanged)[len(unchanged) // 2]),
                         ("one file changed", changed)):
            print(f"{label:32s} {s:8.2f} {s / cold:7.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
