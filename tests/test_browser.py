"""The report in a real browser: headless Chromium runs each page's scripts and the plotly
charts must have drawn (an SVG with traces and data points), while scraped markup never runs."""

from __future__ import annotations

import re

import pytest

from kit.report import find_chromium, render_dom
from tests.reportrun import CORPORA, rendered, run_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None, reason="headless Chromium not installed "
                       "(Debian: `apt-get install chromium`, or `make chromium`); browser test skipped"),
]


def _count(pattern: str, text: str) -> int:
    return len(re.findall(pattern, text))


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_charts_render_in_chromium(corpus):
    rep = run_report(corpus)
    for page in rep.pages:
        dom = rendered(page.html)
        # plotly marks a graph div it has drawn with `js-plotly-plot` and fills it with SVG
        drawn = _count(r'class="plotly-graph-div js-plotly-plot"', dom)
        assert drawn == page.n_figures, f"{page.notebook.name} on {corpus}: {drawn} of {page.n_figures} charts drawn"
        assert _count(r'<svg class="main-svg"', dom) >= page.n_figures
        # data, not empty axes: bar/scatter/heatmap traces with marks in them
        traces = _count(r'<g class="trace[ "]', dom) + _count(r'class="hm"', dom) + _count(r'class="[^"]*heatmaplayer', dom)
        assert traces >= page.n_figures, f"{page.notebook.name} on {corpus}: no traces drawn"
        assert _count(r'class="point"|class="js-line"|class="scatterpts"|<image ', dom) > 0


def test_scraped_script_never_runs_but_reads_as_text():
    """The fixture's headline `<script>...setAttribute("data-injected","yes")</script>` and its
    `<img onerror>` would mark the page if they ever ran; the headline must show as text."""
    rep = run_report("other")
    for page in rep.pages:
        dom = rendered(page.html)
        root = re.search(r"<html[^>]*>", dom).group(0)
        assert "data-injected" not in root, f"{page.notebook.name}: scraped markup executed"
        if page.notebook.name.startswith("00_"):
            assert "Mayor says &lt;script&gt;document.documentElement" in dom


def test_index_page_renders_links():
    rep = run_report("seeds")
    dom = render_dom(rep.index, budget_ms=2000)
    for page in rep.pages:
        assert f'<a href="{page.html.name}">' in dom
    assert "newskit report" in dom


def test_screenshot_of_main_figure(tmp_path):
    """The README pictures come from here: one PNG per page, as wide as asked, as tall as the figure."""
    import struct

    from kit.report import screenshots

    rep = run_report("seeds")
    shots = screenshots(rep.out, tmp_path, width=900)
    assert [s.stem for s in shots] == [p.html.stem for p in rep.pages]
    for shot in shots:
        head = shot.read_bytes()[:24]
        assert head.startswith(b"\x89PNG")
        width, height = struct.unpack(">II", head[16:24])
        assert width == 900 and 250 <= height <= 2000
        assert shot.stat().st_size > 15_000, f"{shot.name} looks blank"
