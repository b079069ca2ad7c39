"""Every curated notebook runs headless on the seeds and on a second, hand-written corpus.

The notebooks are executed once per corpus by the shared ``kit report`` run (papermill, the
same path as ``make report``); these tests read the executed notebooks. New notebooks in
``notebooks/`` are picked up automatically.
"""

from __future__ import annotations

import base64
import json

import nbformat
import numpy as np
import pytest

from kit.report import find_notebooks
from tests.reportrun import CORPORA, run_report

NOTEBOOKS = find_notebooks()
PLOTLY_MIME = "application/vnd.plotly.v1+json"
CASES = [(c, nb.name) for c in sorted(CORPORA) for nb in NOTEBOOKS]


def _executed(corpus: str, name: str):
    return nbformat.read(run_report(corpus).out / "executed" / name, as_version=4)


def _values(v) -> np.ndarray:
    """A trace's data array; plotly >= 6 stores numeric arrays as base64 typed arrays."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v)


def _outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.mark.parametrize("name", [nb.name for nb in NOTEBOOKS])
def test_committed_clean_with_parameters_cell(name):
    """Committed with outputs cleared; first code cell tagged `parameters` with corpus and out."""
    nb = nbformat.read(find_notebooks()[0].parent / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "outputs not cleared"
    first = code[0]
    assert "parameters" in first.metadata.get("tags", [])
    assert "corpus =" in first.source and "out =" in first.source
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("#")
    # papermill reads every parameter (a line it cannot parse makes it warn on each report)
    from papermill.translators import PythonTranslator

    assert [p.name for p in PythonTranslator.inspect(first)] == ["corpus", "out", "options"]


@pytest.mark.parametrize(("corpus", "name"), CASES)
def test_runs_without_errors_and_draws(corpus, name):
    nb = _executed(corpus, name)
    outs = _outputs(nb)
    errors = [o for o in outs if o.get("output_type") == "error"]
    assert not errors, f"{name} on {corpus}: {errors[0]['ename']}: {errors[0]['evalue']}" if errors else ""
    stderr = "".join(o.get("text", "") for o in outs if o.get("output_type") == "stream" and o.get("name") == "stderr")
    assert "Traceback" not in stderr
    figures = [o for o in outs if PLOTLY_MIME in o.get("data", {})]
    assert figures, f"{name} on {corpus}: no plotly figure"
    for fig in figures:
        data = fig["data"][PLOTLY_MIME]
        data = json.loads(data) if isinstance(data, str) else data
        assert data.get("data"), f"{name} on {corpus}: a figure without traces"
    # the renderer also gave every figure an HTML version (what nbconvert shows)
    assert all("text/html" in f["data"] for f in figures)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and str(CORPORA[corpus]) in injected[0].source


@pytest.mark.parametrize(("corpus", "n_docs", "outlets"), [
    ("seeds", 5, {"Euronews", "Sputnik International", "BNN Breaking"}),
    ("other", 5, {"The Harbour Gazette", "Wire Service", "Riverton Weekly"}),  # 4 files + a manifest row without one
])
def test_overview_counts(corpus, n_docs, outlets):
    """The overview's summary and per-outlet chart show this corpus, not the default seeds."""
    nb = _executed(corpus, "00_corpus_overview.ipynb")
    outs = _outputs(nb)
    summary = next(o["data"]["text/plain"] for o in outs if "words (clean text)" in o.get("data", {}).get("text/plain", ""))
    assert summary.splitlines()[1].split() == ["documents", str(n_docs)]
    bar = next(o["data"][PLOTLY_MIME] for o in outs if PLOTLY_MIME in o.get("data", {}))
    bar = json.loads(bar) if isinstance(bar, str) else bar
    assert "Articles per publication date" in bar["layout"]["title"]["text"]
    assert {t["name"] for t in bar["data"]} >= outlets
    assert sum(_values(t["y"]).sum() for t in bar["data"]) == n_docs


def test_overview_lists_problems_of_the_second_corpus():
    """The fixture's manifest names a file that does not exist, and its folder holds a README:
    the overview says so rather than dropping either silently."""
    nb = _executed("other", "00_corpus_overview.ipynb")
    last = nb.cells[-1].outputs
    html = "".join(o.get("data", {}).get("text/html", "") for o in last)
    assert "<td>ghost_article</td>" in html and "listed in manifest.csv but the file is missing" in html
    assert "ignored (not a .txt article): README.md" in html


@pytest.mark.parametrize("name", [nb.name for nb in NOTEBOOKS])
def test_every_figure_is_explained(name):
    """Each cell that draws a chart follows a Markdown cell written since the previous chart."""
    nb = _executed("seeds", name)
    explained, bare = False, []
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source.strip():
            explained = True
        elif any(PLOTLY_MIME in o.get("data", {}) for o in cell.get("outputs", [])):
            if not explained:
                bare.append(k)
            explained = False
    assert not bare, f"{name}: cells {bare} draw a chart with no explanation before them"
