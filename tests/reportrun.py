"""One ``kit report`` run per corpus per test session, shared by the report, notebook and
browser tests (executing every notebook costs seconds each; run them once)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = {
    "seeds": ROOT / "seeds",
    # Hand-written articles in other styles: bylines, "Published:" lines, a wire dateline, a
    # manifest that names outlets, and a headline holding a <script> tag.
    "other": ROOT / "tests" / "fixtures" / "other_corpus",
}
#: What the fixture's hostile headline and body try to do if they were ever rendered as markup.
INJECTED = ('<script>document.documentElement.setAttribute', '<img src=x onerror')


@cache
def run_report(name: str):
    """``kit.report.report`` on one of ``CORPORA`` into a temporary folder (once per session)."""
    from kit.report import report

    out = Path(tempfile.mkdtemp(prefix=f"kit-report-{name}-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    return report(CORPORA[name], out / "report", progress=False)


@cache
def rendered(page: Path) -> str:
    """A report page's DOM after headless Chromium ran its scripts (once per page per session)."""
    from kit.report import render_dom

    return render_dom(page)
