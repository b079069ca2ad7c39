"""``kit report``: one HTML page per notebook with embedded, offline plotly charts, an index,
scraped text escaped, helpful errors (the pages' rendering is checked in test_browser.py)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from kit.cli import main
from kit.report import _blurb, export_html, find_notebooks, report
from tests.reportrun import CORPORA, INJECTED, run_report

NOTEBOOKS = find_notebooks()


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_index_links_every_notebook(corpus):
    rep = run_report(corpus)
    index = rep.index.read_text(encoding="utf-8")
    assert [p.notebook.name for p in rep.pages] == [p.name for p in NOTEBOOKS]
    for page in rep.pages:
        assert page.html.exists() and page.html.parent == rep.index.parent
        assert f'href="{page.html.name}"' in index
        assert page.title and page.summary, f"{page.notebook.name}: no title or opening sentence for the index"
    n_docs = {"seeds": 5, "other": 5}[corpus]  # other: 4 files and a manifest row whose file is missing
    assert f"{n_docs} documents" in index
    assert (rep.tables / "documents.parquet").exists()


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_pages_are_offline_and_hold_charts(corpus):
    rep = run_report(corpus)
    for page in rep.pages:
        html = page.html.read_text(encoding="utf-8")
        assert page.ok, f"{page.notebook.name} failed on {corpus}: {page.error}"
        # plotly.js embedded exactly once (by the renderer), charts present, nothing from a CDN
        assert html.count("window.Plotly = Plotly") == 1, page.notebook.name
        assert page.n_figures >= 1 and len(re.findall(r'class="plotly-graph-div"', html)) == page.n_figures
        assert html.count("Plotly.newPlot(") >= page.n_figures
        assert not re.search(r'<script[^>]+src="https?://', html), f"{page.notebook.name} loads a script from the web"
        assert 'href="index.html"' in html


def test_scraped_markup_stays_text():
    """The fixture's headline holds a <script>, its body an <img onerror>: no page may carry
    them as markup (pandas tables escape, plotly JSON escapes; a raw Markdown/HTML display would not)."""
    rep = run_report("other")
    overview = next(p for p in rep.pages if p.notebook.name.startswith("00_"))
    assert "Mayor says &lt;script&gt;document.documentElement" in overview.html.read_text(encoding="utf-8")
    for page in rep.pages:
        html = page.html.read_text(encoding="utf-8")
        for payload in INJECTED:
            assert payload not in html, f"{page.notebook.name}: scraped markup {payload!r} left unescaped"


def test_overview_shows_seed_repairs():
    """Seed 001's title lost its &quot; entities (`Kim Jong Un quotStable ... Russiaquot`): the
    overview's repairs table lists them with their raw offsets."""
    rep = run_report("seeds")
    nb = nbformat.read(rep.out / "executed" / "00_corpus_overview.ipynb", as_version=4)
    html_tables = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code"
                          for o in c.get("outputs", []))
    assert "stripped &amp;quot; entity" in html_tables
    assert "<td>001_2ccd8ab5c758b667</td>" in html_tables


# --------------------------------------------------------------------------- units and errors


def test_find_notebooks_takes_numbered_notebooks_only(tmp_path):
    for name in ("01_b.ipynb", "00_a.ipynb", "scratch.ipynb", "1_c.ipynb", "02_c.txt"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in find_notebooks(tmp_path)] == ["00_a.ipynb", "01_b.ipynb"]
    with pytest.raises(FileNotFoundError):
        find_notebooks(tmp_path / "nope")


CURATED = ["00_corpus_overview.ipynb", "01_entities.ipynb", "02_quotes.ipynb", "03_chronology.ipynb"]


def _packaged_copy(dest: Path) -> Path:
    """What a wheel build puts in ``kit/_notebooks``: the files pyproject.toml's package-dir and
    package-data select for ``kit._notebooks`` (what setuptools' build_py copies), under ``dest``."""
    tomllib = pytest.importorskip("tomllib")
    root = Path(__file__).resolve().parents[1]
    setup = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "kit._notebooks" in setup["packages"]
    source = root / setup["package-dir"]["kit._notebooks"]
    target = dest.joinpath(*"kit._notebooks".split("."))
    target.mkdir(parents=True)
    for pattern in setup["package-data"]["kit._notebooks"]:
        for f in source.glob(pattern):
            (target / f.name).write_bytes(f.read_bytes())
    return target


def test_installed_package_carries_and_finds_the_notebooks(tmp_path, monkeypatch):
    """Outside a checkout (a regular wheel install) the notebooks come from kit/_notebooks."""
    import kit.report

    assert kit.report.PACKAGED_NOTEBOOKS_DIR == Path(kit.report.__file__).resolve().parent / "_notebooks"
    assert kit.report.NOTEBOOKS_DIR == Path(__file__).resolve().parents[1] / "notebooks"
    assert [p.name for p in NOTEBOOKS] == CURATED  # from the checkout, here
    packaged = _packaged_copy(tmp_path / "site-packages")
    monkeypatch.setattr("kit.report.NOTEBOOKS_DIR", tmp_path / "no-checkout" / "notebooks")
    monkeypatch.setattr("kit.report.PACKAGED_NOTEBOOKS_DIR", packaged)
    found = find_notebooks()
    assert [p.name for p in found] == CURATED
    assert all(p.parent == packaged for p in found)
    assert [p.read_bytes() for p in found] == [p.read_bytes() for p in NOTEBOOKS]


def test_notebook_lookup_order_and_error(tmp_path, monkeypatch, capsys):
    checkout, packaged, explicit = (tmp_path / d for d in ("checkout", "packaged", "explicit"))
    for folder, name in ((checkout, "00_checkout.ipynb"), (packaged, "00_packaged.ipynb"),
                         (explicit, "00_explicit.ipynb")):
        folder.mkdir()
        (folder / name).write_text("{}")
    monkeypatch.setattr("kit.report.NOTEBOOKS_DIR", checkout)
    monkeypatch.setattr("kit.report.PACKAGED_NOTEBOOKS_DIR", packaged)
    assert [p.name for p in find_notebooks(explicit)] == ["00_explicit.ipynb"]
    assert [p.name for p in find_notebooks()] == ["00_checkout.ipynb"]
    (checkout / "00_checkout.ipynb").unlink()  # a checkout folder with no notebook is skipped
    assert [p.name for p in find_notebooks()] == ["00_packaged.ipynb"]
    (packaged / "00_packaged.ipynb").unlink()
    with pytest.raises(FileNotFoundError) as err:
        find_notebooks()
    assert f"looked in {checkout} (the source checkout) and {packaged} (the installed kit package)" in str(err.value)
    monkeypatch.setattr("kit.report.NOTEBOOKS_DIR", tmp_path / "missing")  # no checkout at all
    assert main(["report", str(CORPORA["other"]), "--out", str(tmp_path / "rep")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kit: error: no curated notebooks (NN_name.ipynb) found: looked in ")
    assert str(tmp_path / "missing") in err and str(packaged) in err
    assert not (tmp_path / "rep" / "index.html").exists()


@pytest.mark.parametrize(("cells", "expected"), [
    (["# 01 · Entities\n\nWho the corpus is about. More text.", "## Next"], ("01 · Entities", "Who the corpus is about.")),
    (["No heading here, just `text`. Second."], ("", "No heading here, just text.")),
    ([], ("", "")),
    (["# Long\n\nEvery statement, from the quotes table: " + "direct quotes, " * 12 + "and more."],
     ("Long", "Every statement, from the quotes table …")),
    (["# Long\n\n" + "word " * 50], ("Long", ("word " * 32).strip() + " …")),
])
def test_blurb(cells, expected):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]
                                  + [nbformat.v4.new_markdown_cell(c) for c in cells])
    assert _blurb(nb) == expected


def test_export_strips_cdn_scripts(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T")])
    assert export_html(nb, tmp_path / "t.html", title="T") == 0
    html = (tmp_path / "t.html").read_text(encoding="utf-8")
    # nbconvert's template loads MathJax and require.js from a CDN; its mermaid loader only runs for diagrams
    assert not re.search(r'<script[^>]+src="https?://', html)
    assert "require.min.js" not in html and "mathjax/" not in html.lower()
    assert "&larr; newskit report index" in html


def test_failing_notebook_gets_a_page_and_exit_1(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Broken\n\nRaises on purpose."),
        nbformat.v4.new_code_cell('corpus = "x"\nout = None', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('raise ValueError("on purpose")'),
    ])
    path = tmp_path / "09_broken.ipynb"
    nbformat.write(nb, path)
    rep = report(CORPORA["other"], tmp_path / "rep", notebooks=[path], progress=False)
    assert not rep.ok and rep.pages[0].error == "ValueError: on purpose"
    assert "failed: ValueError: on purpose" in rep.index.read_text(encoding="utf-8")
    assert "on purpose" in rep.pages[0].html.read_text(encoding="utf-8")


def test_kernel_start_prints_no_transport_warning(tmp_path, capfd):
    # ipykernel 7.3+ warns on stderr at every start over unencrypted TCP; the report asks
    # jupyter_client for CurveZMQ keys where it can, so a user's terminal stays quiet.
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('corpus = "x"\nout = None', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print(6 * 7)"),
    ])
    path = tmp_path / "09_quiet.ipynb"
    nbformat.write(nb, path)
    rep = report(CORPORA["other"], tmp_path / "rep", notebooks=[path], progress=False)
    assert rep.ok and "42" in rep.pages[0].html.read_text(encoding="utf-8")
    assert "without encryption" not in capfd.readouterr().err


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d / "does-not-exist", "corpus folder not found"),
    (lambda d: d, "holds no .txt articles"),
    (lambda d: (d / "a.txt").write_text("x") and d / "a.txt", "not a folder"),
])
def test_wrong_path_or_empty_corpus_exit_2(tmp_path, capsys, make, message):
    corpus = make(tmp_path)
    assert main(["report", str(corpus), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kit: error:") and message in err
    assert not (tmp_path / "out" / "index.html").exists()


def test_cli_report_exit_0_and_prints_index(monkeypatch, tmp_path, capsys):
    """The CLI path, with the notebooks swapped for a tiny one (the real ones run above)."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Tiny\n\nOne line."),
        nbformat.v4.new_code_cell('corpus = "x"\nout = None', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import kit\nlen(kit.load(out).documents)"),
    ])
    nbformat.write(nb, tmp_path / "00_tiny.ipynb")
    monkeypatch.setattr("kit.report.NOTEBOOKS_DIR", Path(tmp_path))
    assert main(["report", str(CORPORA["other"]), "--out", str(tmp_path / "rep")]) == 0
    assert str(tmp_path / "rep" / "index.html") in capsys.readouterr().out
    executed = nbformat.read(tmp_path / "rep" / "executed" / "00_tiny.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["data"]["text/plain"] == "5"  # 4 files + the manifest's ghost row


def test_cli_report_with_a_pipeline_not_installed_exits_2(tmp_path, capsys):
    assert main(["report", str(CORPORA["other"]), "--out", str(tmp_path / "rep"), "--model", "no_such_model",
                 "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kit: error:") and "'no_such_model' is not installed" in err


def test_cli_report_build_options_reach_the_notebooks(monkeypatch, tmp_path, capsys):
    """`kit report --aliases FILE`: the tables are built with it, and each notebook's own
    `kit.build(corpus, out, **options)` finds that build instead of making one without it."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Tiny\n\nOne line."),
        nbformat.v4.new_code_cell('corpus = "x"\nout = None\noptions = {}', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import kit\nt = kit.build(corpus, out, **options)\n"
                                  "(t.from_cache, sorted(set(t.entities.entity) & {'Sergei Lavrov', 'Sergey Lavrov'}))"),
    ])
    nbformat.write(nb, tmp_path / "00_tiny.ipynb")
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("action,name,target\nrename,Sergey Lavrov,Sergei Lavrov\n", encoding="utf-8")
    monkeypatch.setattr("kit.report.NOTEBOOKS_DIR", Path(tmp_path))
    assert main(["report", str(CORPORA["seeds"]), "--out", str(tmp_path / "rep"), "--aliases", str(aliases), "-q"]) == 0
    executed = nbformat.read(tmp_path / "rep" / "executed" / "00_tiny.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["data"]["text/plain"] == "(True, ['Sergei Lavrov'])"


# --------------------------------------------------------------------------- static pictures


def test_save_html_needs_nothing_and_static_export_explains_what_is_missing(tmp_path, monkeypatch):
    import sys

    import plotly.express as px

    from kit.plots import save

    fig = px.bar(x=["a", "b"], y=[1, 2])
    page = save(fig, tmp_path / "fig.html")
    assert "Plotly.newPlot" in page.read_text(encoding="utf-8")
    monkeypatch.setitem(sys.modules, "kaleido", None)  # as if the `export` extra were not installed
    with pytest.raises(RuntimeError, match=r"newskit\[export\]"):
        save(fig, tmp_path / "fig.png")


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_save_static_picture(tmp_path, suffix):
    pytest.importorskip("kaleido", reason="static export needs the `export` extra (kaleido)")
    from kit.report import find_chromium

    if find_chromium() is None:
        pytest.skip("static export needs a Chromium (apt-get install chromium)")
    import plotly.express as px

    from kit.plots import save

    out = save(px.bar(x=["a", "b"], y=[1, 2], title="two bars"), tmp_path / f"fig{suffix}", width=400, height=300)
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:500] and b"two bars" in data


def test_notebook_that_cannot_start_still_gets_a_page(tmp_path):
    """A kernel that does not exist: papermill fails before executing; the page says why."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# K\n\nNever runs."),
                                         nbformat.v4.new_code_cell("1 + 1")])
    nbformat.write(nb, tmp_path / "05_k.ipynb")
    rep = report(CORPORA["other"], tmp_path / "rep", notebooks=[tmp_path / "05_k.ipynb"], kernel="no-such-kernel",
                 progress=False)
    assert not rep.ok and "no-such-kernel" in rep.pages[0].error
    assert "could not be run" in rep.pages[0].html.read_text(encoding="utf-8")
