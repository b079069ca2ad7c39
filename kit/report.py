"""``kit report CORPUS --out DIR``: run the curated notebooks on a corpus and write an HTML report.

Each ``notebooks/NN_*.ipynb`` is executed with papermill (its ``parameters`` cell receives
``corpus``, the absolute corpus path, and ``out``, the report's tables folder), then exported to
HTML with nbconvert. The pages work offline: plotly.js is embedded once per page by the notebooks'
``plotly_mimetype+notebook`` renderer, and the CDN scripts nbconvert's template adds (MathJax,
require.js) are removed, since nothing in the notebooks needs them and an offline reader would
only wait for them. ``index.html`` links every page with one line on what it shows.

Scraped text stays text: pandas escapes table cells and plotly escapes its JSON; the browser
test renders a corpus whose headline holds a ``<script>`` to keep it that way.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from kit import __version__

__all__ = ["NOTEBOOKS_DIR", "PACKAGED_NOTEBOOKS_DIR", "Page", "Report", "find_chromium", "find_notebooks", "kernel_options",
           "main_cli", "render_dom", "report", "screenshot_figure", "screenshots"]

#: The curated notebooks of a source checkout: the repository's root ``notebooks/`` folder, next
#: to the ``kit`` package (there when ``kit`` runs from the checkout or an editable install). They
#: are edited there, so this copy wins when it exists.
NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
#: The copy of the same notebooks inside an installed (non-editable) ``kit``: pyproject.toml maps
#: the package ``kit._notebooks`` onto the root ``notebooks/`` folder, so wheels and sdists carry them.
PACKAGED_NOTEBOOKS_DIR = Path(__file__).resolve().parent / "_notebooks"
_NOTEBOOK_NAME = re.compile(r"^\d\d_[\w-]+\.ipynb$")
# nbconvert's lab template loads these from a CDN; the notebooks need neither MathJax nor
# require.js, and with require.js present plotly.js would register as an AMD module instead of
# ``window.Plotly``.
_CDN_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>\s*", re.I)
_PLOTLY_DIV = re.compile(r'class="plotly-graph-div"')


@dataclass
class Page:
    """One executed notebook and its HTML page."""

    notebook: Path
    html: Path
    title: str
    summary: str
    ok: bool = True
    error: str = ""
    seconds: float = 0.0
    n_figures: int = 0


@dataclass
class Report:
    """What ``report`` wrote: the index, one page per notebook, the tables folder."""

    out: Path
    index: Path
    tables: Path
    pages: list[Page] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every notebook executed without error."""
        return all(p.ok for p in self.pages)


def _numbered(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if _NOTEBOOK_NAME.match(p.name))


def find_notebooks(notebooks_dir: str | Path | None = None) -> list[Path]:
    """The curated notebooks (``NN_name.ipynb``) of a folder, in order.

    The folder is ``notebooks_dir`` when given (it must exist; it may hold none); otherwise the
    first of ``NOTEBOOKS_DIR`` (a source checkout) and ``PACKAGED_NOTEBOOKS_DIR`` (an installed
    wheel) that holds at least one; ``FileNotFoundError`` naming both when neither does.
    """
    if notebooks_dir is not None:
        folder = Path(notebooks_dir)
        if not folder.is_dir():
            raise FileNotFoundError(f"notebook folder not found: {folder}")
        return _numbered(folder)
    places = {NOTEBOOKS_DIR: "the source checkout", PACKAGED_NOTEBOOKS_DIR: "the installed kit package"}
    for folder in places:
        found = _numbered(folder) if folder.is_dir() else []
        if found:
            return found
    looked = " and ".join(f"{folder} ({what})" for folder, what in places.items())
    raise FileNotFoundError(f"no curated notebooks (NN_name.ipynb) found: looked in {looked}; "
                            "reinstall newskit (its wheel carries them)")


def _blurb(nb) -> tuple[str, str]:
    """Title (first markdown heading) and first sentence of a notebook's opening text."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = [ln.strip() for ln in cell.source.splitlines() if ln.strip()]
        if not lines:
            continue
        title = lines[0].lstrip("#").strip() if lines[0].startswith("#") else ""
        rest = " ".join(ln for ln in lines[1:] if not ln.startswith("#")) if title else " ".join(lines)
        rest = re.sub(r"[`*_]", "", rest)
        first = re.split(r"(?<=[.!?])\s+", rest, maxsplit=1)[0] if rest else ""
        return title, _one_line(first)
    return "", ""


def _one_line(text: str, limit: int = 160) -> str:
    """At most ``limit`` characters for the index: cut at a colon, else at a word, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.find(": ")
    if cut < 20:
        cut = head.rfind(" ")
    return head[: cut if cut > 0 else limit].rstrip(" ,;:(") + " …"


def _check_corpus(corpus: Path) -> None:
    from kit.corpus import CorpusError, list_inputs

    files, _ = list_inputs(corpus)  # raises CorpusError for a missing path or a file
    if not files:
        raise CorpusError(f"{corpus} holds no .txt articles: a corpus is a folder with one .txt file per "
                          "article (plus an optional manifest.csv)")


def kernel_options() -> dict:
    """Extra ``papermill.execute_notebook`` options: encrypt the kernel's sockets where
    jupyter_client and pyzmq can. ipykernel 7.3+ otherwise warns on every kernel start that it
    runs over TCP without encryption (one warning per notebook); older versions get nothing."""
    try:
        import zmq
        from jupyter_client.manager import KernelManager
        from traitlets.config import Config
    except ImportError:
        return {}
    if not (hasattr(KernelManager, "transport_encryption") and zmq.has("curve")):
        return {}
    return {"config": Config({"KernelManager": {"transport_encryption": "auto"}})}


def _execute(path: Path, executed: Path, *, corpus: Path, tables: Path, timeout: int, kernel: str,
             options: dict | None = None):
    """Run one notebook with papermill; return the executed notebook and an error message ('' when fine)."""
    import nbformat
    import papermill as pm

    error = ""
    try:
        pm.execute_notebook(
            # `options` only when there are some: a notebook of the user's without that
            # parameter then runs without papermill's "unknown parameter" warning
            str(path), str(executed), parameters={"corpus": str(corpus), "out": str(tables),
                                                  **({"options": options} if options else {})},
            kernel_name=kernel, language="python", cwd=str(path.parent), progress_bar=False,
            log_output=False, execution_timeout=timeout, request_save_on_cell_execute=False,
            **kernel_options(),
        )
    except pm.PapermillExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue}".strip()
    except Exception as exc:  # noqa: BLE001 - a dead kernel or a cell timeout must not sink the other pages
        error = f"{type(exc).__name__}: {exc}".strip()
    if not executed.exists():  # papermill failed before it wrote anything: show the unexecuted notebook
        nb = nbformat.read(path, as_version=4)
        nb.cells.insert(0, nbformat.v4.new_markdown_cell("**This notebook could not be run:** " + html.escape(error)))
        return nb, error or "papermill wrote no output notebook"
    return nbformat.read(executed, as_version=4), error


def export_html(nb, dest: str | Path, *, title: str, index_href: str | None = "index.html") -> int:
    """Write an executed notebook as a self-contained HTML page; return its number of plotly figures."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = _CDN_SCRIPT.sub("", body)
    if index_href:
        nav = (f'<nav style="font:14px sans-serif;padding:8px 16px;border-bottom:1px solid #ddd">'
               f'<a href="{html.escape(index_href)}">&larr; newskit report index</a></nav>')
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)
    Path(dest).write_text(body, encoding="utf-8")
    return len(_PLOTLY_DIV.findall(body))


def _index_html(rep: Report, *, corpus: Path, n_docs: int) -> str:
    esc = html.escape
    items = []
    for p in rep.pages:
        status = (f'<span class="ok">{p.n_figures} figure{"s" if p.n_figures != 1 else ""}</span>' if p.ok
                  else f'<span class="err">failed: {esc(p.error)}</span>')
        items.append(f'<li><a href="{esc(p.html.name)}">{esc(p.title or p.notebook.stem)}</a> '
                     f"&mdash; {esc(p.summary)} {status}</li>")
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newskit report: {esc(corpus.name)}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em; color: #222; }}
li {{ margin: .6em 0; }} .ok {{ color: #2a7; font-size: 85%; }} .err {{ color: #c22; font-size: 85%; }}
code {{ background: #f3f3f3; padding: 0 .2em; }} footer {{ color: #777; font-size: 85%; margin-top: 2em; }}
</style></head>
<body>
<h1>newskit report</h1>
<p>Corpus <code>{esc(str(corpus))}</code>: {n_docs} document{"s" if n_docs != 1 else ""}.
Tables (Parquet) in <code>{esc(rep.tables.name)}/</code>.</p>
<ul>
{chr(10).join(items)}
</ul>
<footer>newskit {esc(__version__)}, {when}. Charts are interactive: hover for values, drag to zoom,
double-click to reset; the camera icon saves a PNG.</footer>
</body></html>
"""


def report(
    corpus: str | Path,
    out: str | Path,
    *,
    notebooks: list[str | Path] | None = None,
    notebooks_dir: str | Path | None = None,
    tables: str | Path | None = None,
    timeout: int = 600,
    kernel: str = "python3",
    progress: bool = True,
    build_options: dict | None = None,
) -> Report:
    """Execute the curated notebooks on ``corpus`` and write ``out/index.html`` plus one page each.

    ``tables`` (default ``out/tables``) receives the built tables; they are built once before the
    notebooks run, so every notebook reads the same cached build. ``notebooks`` picks notebooks
    explicitly (default: every ``NN_*.ipynb`` in ``notebooks_dir``, else in the checkout's
    ``notebooks/``, else in the copy an installed wheel carries; see ``find_notebooks``).
    A notebook that fails still gets its page (showing the error) and is marked in the index.
    ``build_options`` are keyword options of :func:`kit.build` (``aliases``, ``capitals``,
    ``model``, ``n_process``), used for the build and handed to every notebook (its
    ``options`` parameter), so the notebooks read the tables built with them.
    """
    import kit

    corpus = Path(corpus).resolve()
    _check_corpus(corpus)
    paths = [Path(p).resolve() for p in notebooks] if notebooks is not None else find_notebooks(notebooks_dir)
    if not paths:
        raise FileNotFoundError("no notebooks given" if notebooks is not None
                                else f"no notebooks (NN_name.ipynb) in {notebooks_dir}")
    out = Path(out).resolve()
    tables_dir = Path(tables).resolve() if tables is not None else out / "tables"
    executed_dir = out / "executed"
    executed_dir.mkdir(parents=True, exist_ok=True)

    def say(msg: str) -> None:
        if progress:
            print(msg, file=sys.stderr, flush=True)

    say(f"building tables for {corpus} -> {tables_dir}")
    options = dict(build_options or {})
    if options.get("aliases"):  # the notebooks run in their own folder
        options["aliases"] = str(Path(options["aliases"]).resolve())
    built = kit.build(corpus, tables_dir, progress=progress, **options)
    rep = Report(out=out, index=out / "index.html", tables=tables_dir)
    for k, path in enumerate(paths, start=1):
        t0 = time.perf_counter()
        say(f"[{k}/{len(paths)}] running {path.name} ...")
        nb, error = _execute(path, executed_dir / path.name, corpus=corpus, tables=tables_dir, timeout=timeout,
                             kernel=kernel, options={key: v for key, v in options.items() if key != "n_process"})
        title, summary = _blurb(nb)
        page = Page(notebook=path, html=out / f"{path.stem}.html", title=title or path.stem, summary=summary,
                    ok=not error, error=error)
        page.n_figures = export_html(nb, page.html, title=page.title)
        page.seconds = time.perf_counter() - t0
        rep.pages.append(page)
        say(f"      {'ok' if page.ok else 'FAILED: ' + error} ({page.seconds:.1f} s, {page.n_figures} figures)"
            f" -> {page.html}")
    rep.index.write_text(_index_html(rep, corpus=corpus, n_docs=len(built.documents)), encoding="utf-8")
    say(f"report: {rep.index}")
    return rep


def main_cli(args: argparse.Namespace) -> int:
    """``kit report``: 0 when every notebook ran, 1 when one failed (its page shows the error)."""
    options = {"model": args.model, "aliases": args.aliases, "capitals": args.capitals_as_countries,
               "n_process": args.processes}
    rep = report(args.corpus, args.out, progress=not args.quiet,
                 build_options={k: v for k, v in options.items() if v not in (None, False)})
    failed = [p for p in rep.pages if not p.ok]
    print(f"{rep.index} ({len(rep.pages)} notebook pages{', ' + str(len(failed)) + ' failed' if failed else ''})")
    for p in failed:
        print(f"kit: notebook {p.notebook.name} failed: {p.error} (see {p.html})", file=sys.stderr)
    return 1 if failed else 0


# --------------------------------------------------------------------------- headless Chromium
# Used by the browser test and to take the README's screenshots from the real report pages.

_CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--hide-scrollbars", "--mute-audio")
_CELL_START = re.compile(r'<div class="jp-Cell ')
_BOX_HEIGHT = re.compile(r'<div style="height:(\d+)px[^"]*">\s*(?:<script>[^<]*</script>\s*)?<div class="plotly-graph-div"')
_LAYOUT_HEIGHT = re.compile(r'"height":(\d+)')


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome binary (``$KIT_CHROMIUM`` first), or None."""
    import os
    import shutil

    env = os.environ.get("KIT_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _chromium(args: list[str], *, timeout: int = 120) -> str:
    import subprocess
    import tempfile

    binary = find_chromium()
    if binary is None:
        raise FileNotFoundError("no Chromium found: install one (Debian: `apt-get install chromium`, or "
                                "`make chromium`) or set KIT_CHROMIUM to its path")
    with tempfile.TemporaryDirectory(prefix="kit-chromium-") as profile:
        proc = subprocess.run([binary, *_CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"chromium exited with {proc.returncode}: {proc.stderr[-2000:]}")
    return proc.stdout


def render_dom(page: str | Path, *, budget_ms: int = 20000) -> str:
    """The DOM of an HTML page after headless Chromium ran its scripts (``--dump-dom``)."""
    return _chromium([f"--virtual-time-budget={budget_ms}", "--dump-dom", Path(page).resolve().as_uri()])


def _figure_height(src: str, at: int) -> int:
    """Pixel height of the first figure after ``at``: its layout height, else its box (525 px)."""
    box = _BOX_HEIGHT.search(src, at)
    if box is None:
        return 525
    end = src.find("</script>", box.end())
    layout = list(_LAYOUT_HEIGHT.finditer(src, box.end(), end if end > 0 else len(src)))
    return int(layout[-1].group(1)) if layout else int(box.group(1))


def screenshot_figure(page: str | Path, png: str | Path, *, tag: str = "main-figure", width: int = 1100,
                      budget_ms: int = 20000) -> Path:
    """Screenshot one figure of a report page as rendered by headless Chromium.

    The figure is the output of the cell tagged ``tag`` (a cell tag set in the notebook), else the
    first plotly figure on the page. The page is shown as is, only with every other cell hidden.
    """
    page, png = Path(page).resolve(), Path(png).resolve()
    src = page.read_text(encoding="utf-8")
    at = src.find(f"celltag_{tag}")
    at = src.rfind('<div class="jp-Cell ', 0, at) if at >= 0 else -1
    if at < 0:
        fig = src.find('class="plotly-graph-div"')
        if fig < 0:
            raise ValueError(f"{page.name} has no plotly figure")
        at = max((m.start() for m in _CELL_START.finditer(src, 0, fig)), default=-1)
        if at < 0:
            raise ValueError(f"{page.name}: no notebook cell around its first figure")
    src = src[:at] + '<div class="kit-shot ' + src[at + len('<div class="'):]
    height = _figure_height(src, at)
    style = ("<style>body > nav, .jp-Cell:not(.kit-shot), .kit-shot .jp-Cell-inputWrapper, .kit-shot .jp-OutputPrompt,"
             " .kit-shot .jp-OutputArea-child:not(:has(.plotly-graph-div)), .kit-shot .jp-Collapser"
             " { display: none !important; }"
             " body, main, .jp-Notebook, .jp-Cell, .jp-OutputArea-output { margin: 0 !important; padding: 0 !important; }"
             "</style>")
    src = src.replace("</head>", style + "</head>", 1)
    tmp = page.with_name(f".shot-{page.name}")
    tmp.write_text(src, encoding="utf-8")
    try:
        png.parent.mkdir(parents=True, exist_ok=True)
        _chromium([f"--virtual-time-budget={budget_ms}", f"--window-size={width},{height + 10}",
                   f"--screenshot={png}", tmp.as_uri()])
    finally:
        tmp.unlink(missing_ok=True)
    if not png.exists():
        raise RuntimeError(f"chromium wrote no screenshot for {page.name}")
    return png


def screenshots(report_dir: str | Path, img_dir: str | Path, *, tag: str = "main-figure",
                width: int = 1100) -> list[Path]:
    """One PNG per notebook page of a report (``img_dir/<notebook>.png``): its main figure,
    the output of the cell tagged ``tag`` (else the page's first chart), as Chromium draws it."""
    report_dir, img_dir = Path(report_dir), Path(img_dir)
    pages = sorted(p for p in report_dir.glob("[0-9][0-9]_*.html"))
    if not pages:
        raise FileNotFoundError(f"no notebook pages in {report_dir}: run `kit report CORPUS --out {report_dir}` first")
    return [screenshot_figure(p, img_dir / f"{p.stem}.png", tag=tag, width=width) for p in pages]
