"""Time to execute every curated notebook on a corpus (default: the seeds), headless.

Runs each ``notebooks/*.ipynb`` with papermill (parameters ``corpus`` and ``out`` injected,
kernel start-up included) into a temporary folder, twice: first with an empty table folder
(the first notebook pays for the build, the others reuse its cache), then again with the
tables in place. Prints seconds per notebook and the totals beside the cold build alone,
measured in the same run.

    python benchmarks/notebooks.py            # the seeds
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["run_all"]


def run_all(corpus: Path, out: Path, work: Path, *, timeout: int = 600) -> dict[str, float]:
    """Execute every notebook once; seconds per notebook name."""
    import papermill as pm

    from kit.report import kernel_options

    secs = {}
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        t = time.perf_counter()
        pm.execute_notebook(str(nb), str(work / nb.name), parameters={"corpus": str(corpus), "out": str(out)},
                            cwd=str(nb.parent), kernel_name="python3", progress_bar=False,
                            execution_timeout=timeout, **kernel_options())
        secs[nb.name] = time.perf_counter() - t
    return secs


def main() -> None:
    """Command line: ``notebooks.py [CORPUS]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT / "seeds"))
    args = ap.parse_args()
    corpus = Path(args.corpus).resolve()
    work = Path(tempfile.mkdtemp(prefix="newskit_nb_"))
    try:
        import subprocess

        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kit", "build", str(corpus), "--out", str(work / "build_only"), "-q"],
                       cwd=ROOT, check=True)
        build_only = time.perf_counter() - t
        cold = run_all(corpus, work / "tables", work)
        warm = run_all(corpus, work / "tables", work)
        print(f"notebooks on {corpus}")
        print(f"{'notebook':32s} {'cold s':>7s} {'warm s':>7s}")
        for name in cold:
            print(f"{name:32s} {cold[name]:7.1f} {warm[name]:7.1f}")
        total_cold, total_warm = sum(cold.values()), sum(warm.values())
        print(f"{'all notebooks':32s} {total_cold:7.1f} {total_warm:7.1f}")
        print(f"cold build alone (python -m kit build): {build_only:.1f} s; "
              f"all notebooks cold = {total_cold / build_only:.1f}x that; budget 60 s: "
              f"{'met' if total_cold <= 60 else 'NOT met'} cold, {'met' if total_warm <= 60 else 'NOT met'} warm")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
