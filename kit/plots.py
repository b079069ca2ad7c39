"""Plotly figures from the kit's tables. Aggregates and draws; never parses.

Each stage's figures live in their own section below.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd  # noqa: F401
import plotly.express as px  # noqa: F401
import plotly.graph_objects as go  # noqa: F401

# ============================================================================ corpus overview

#: Line roles grouped into what the cleaner does with them (for colours and legends).
ROLE_GROUPS: dict[str, tuple[str, ...]] = {
    "kept: article text": ("title", "standfirst", "heading", "body"),
    "removed: metadata": ("title_duplicate", "author", "byline", "date", "date_updated", "publisher",
                          "locale", "url", "section"),
    "removed: tags and links": ("tag", "keywords", "related_link", "image_url", "caption"),
    "removed: boilerplate": ("ad", "newsletter", "comments", "scrape_junk"),
}
_ROLE_COLORS = {
    "title": "#08306b", "standfirst": "#2171b5", "heading": "#6baed6", "body": "#9ecae1",
    "title_duplicate": "#fdae6b", "author": "#fd8d3c", "byline": "#f16913", "date": "#d94801",
    "date_updated": "#a63603", "publisher": "#7f2704", "locale": "#fdd0a2", "url": "#feedde",
    "section": "#e6550d",
    "tag": "#74c476", "keywords": "#31a354", "related_link": "#006d2c", "image_url": "#a1d99b",
    "caption": "#c7e9c0",
    "ad": "#de2d26", "newsletter": "#fb6a4a", "comments": "#fcae91", "scrape_junk": "#a50f15",
}
_UNDATED = "undated"
_UNKNOWN_OUTLET = "(outlet unknown)"


def role_group(role: str) -> str:
    """The group a line role belongs to (``kept: article text``, ``removed: ...``)."""
    for group, roles in ROLE_GROUPS.items():
        if role in roles:
            return group
    return "removed: other"


def corpus_summary(documents: pd.DataFrame) -> pd.DataFrame:
    """One-column overview of a ``documents`` table: counts, date range, words, problems."""
    pub = pd.to_datetime(documents["published"], utc=True) if len(documents) else pd.Series(dtype="datetime64[ns, UTC]")
    outlets = documents["outlet"].fillna("").astype(str).str.strip() if len(documents) else pd.Series(dtype=str)
    n_problems = documents["problems"].map(lambda p: len(p) if p is not None else 0) if len(documents) else pd.Series(dtype=int)
    rows = {
        "documents": len(documents),
        "outlets named": int(outlets[outlets != ""].nunique()),
        "documents without outlet": int((outlets == "").sum()),
        "earliest published": str(pub.min().date()) if pub.notna().any() else "-",
        "latest published": str(pub.max().date()) if pub.notna().any() else "-",
        "documents without date": int(pub.isna().sum()),
        "words (clean text)": int(documents["n_words"].sum()) if len(documents) else 0,
        "median words per document": int(documents["n_words"].median()) if len(documents) else 0,
        "documents with problems": int((n_problems > 0).sum()),
    }
    return pd.DataFrame({"value": pd.Series(rows, dtype=object)})


def _doc_frame(documents: pd.DataFrame) -> pd.DataFrame:
    df = documents.copy()
    df["outlet"] = df["outlet"].fillna("").astype(str).str.strip().replace("", _UNKNOWN_OUTLET)
    pub = pd.to_datetime(df["published"], utc=True)
    df["date"] = pub.dt.strftime("%Y-%m-%d").fillna(_UNDATED)
    return df


def document_table(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents table for reading: metadata columns, the date as a day, problems counted."""
    df = documents.copy()
    df["published"] = pd.to_datetime(df["published"], utc=True).dt.strftime("%Y-%m-%d").fillna("")
    df["problems"] = df["problems"].map(lambda p: len(p) if p is not None else 0)
    cols = ["doc_id", "title", "outlet", "author", "published", "published_basis", "n_words", "problems"]
    return df[[c for c in cols if c in df.columns]]


def articles_by_outlet_date(documents: pd.DataFrame) -> go.Figure:
    """Bar chart: number of articles per publication date, stacked by outlet (undated last)."""
    df = _doc_frame(documents)
    counts = df.groupby(["date", "outlet"]).size().reset_index(name="articles")
    order = sorted(d for d in counts["date"].unique() if d != _UNDATED) + (
        [_UNDATED] if (counts["date"] == _UNDATED).any() else [])
    fig = px.bar(counts, x="date", y="articles", color="outlet", category_orders={"date": order},
                 title="Articles per publication date and outlet",
                 labels={"date": "published (UTC date)", "articles": "articles"})
    # Dates are categories: a few articles months apart would otherwise be slivers on a time axis.
    fig.update_xaxes(type="category")
    fig.update_yaxes(dtick=1)
    return fig


def document_lengths(documents: pd.DataFrame) -> go.Figure:
    """Horizontal bars: clean words per document, coloured by outlet."""
    df = _doc_frame(documents).sort_values("n_words")
    fig = px.bar(df, x="n_words", y="doc_id", color="outlet", orientation="h",
                 hover_data={"title": True, "date": True}, title="Length of each article (words of clean text)",
                 labels={"n_words": "words", "doc_id": "document"})
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(df["doc_id"]))
    fig.update_layout(height=max(320, 28 * len(df) + 140))
    return fig


def role_chars(lines: pd.DataFrame) -> pd.DataFrame:
    """Characters and lines per document and line role, with the role's group (kept or removed why)."""
    df = lines.assign(chars=(lines["end_char"] - lines["start_char"]).astype(int))
    out = df.groupby(["doc_id", "role"]).agg(lines=("line", "size"), chars=("chars", "sum")).reset_index()
    out["group"] = out["role"].map(role_group)
    return out.sort_values(["doc_id", "group", "role"], ignore_index=True)


def cleaning_by_role(lines: pd.DataFrame) -> go.Figure:
    """Stacked bars: each document's raw characters by line role; blue is kept, the rest removed."""
    df = role_chars(lines)
    roles = [r for g in ROLE_GROUPS.values() for r in g if r in set(df["role"])]
    roles += sorted(set(df["role"]) - set(roles))
    fig = px.bar(df, x="chars", y="doc_id", color="role", orientation="h", hover_data=["group", "lines"],
                 category_orders={"role": roles}, color_discrete_map=_ROLE_COLORS,
                 title="What the cleaner kept (blue) and removed, in raw characters per line role",
                 labels={"chars": "characters in the raw file", "doc_id": "document"})
    fig.update_yaxes(type="category")
    # Tall enough for one legend entry per role (a scrolled legend hides what was removed).
    fig.update_layout(height=max(30 * df["doc_id"].nunique() + 160, 20 * len(roles) + 240),
                      legend_title_text="line role")
    return fig


def removed_lines(lines: pd.DataFrame, *, max_chars: int = 80) -> pd.DataFrame:
    """Lines the cleaner left out of the analysed text, per document and role, with an example."""
    df = lines[~lines["role"].isin(ROLE_GROUPS["kept: article text"])].copy()
    df["chars"] = (df["end_char"] - df["start_char"]).astype(int)
    df["example"] = df["text"].astype(str).map(lambda t: t if len(t) <= max_chars else t[: max_chars - 1] + "…")
    out = df.groupby(["doc_id", "role"]).agg(lines=("line", "size"), chars=("chars", "sum"),
                                            first_line=("line", "min"), example=("example", "first"))
    out = out.reset_index()
    out.insert(2, "why", out["role"].map(role_group).str.replace("removed: ", "", regex=False))
    return out


def repairs(lines: pd.DataFrame) -> pd.DataFrame:
    """Every repair the cleaner made inside the analysed lines (``quot`` -> quote mark, glued
    sentences split, odd spaces), with raw offsets: ``raw[start_char:end_char]`` is ``found``."""
    from kit.corpus import ARTICLE_ROLES, repair_edits

    rows = []
    for r in lines[lines["role"].isin(ARTICLE_ROLES)].itertuples():
        text = str(r.text)
        # The same rule function the build applies to the same line, so the list is exactly what
        # the clean view holds (offsets within the line, shifted to raw file offsets).
        for e in repair_edits(text, 0, len(text)):
            lo, hi = max(0, e.start - 20), min(len(text), e.end + 20)
            rows.append({"doc_id": r.doc_id, "line": int(r.line), "start_char": int(r.start_char) + e.start,
                         "end_char": int(r.start_char) + e.end, "reason": e.reason, "found": text[e.start:e.end],
                         "replaced_by": e.text, "context": text[lo:hi]})
    return pd.DataFrame(rows, columns=["doc_id", "line", "start_char", "end_char", "reason", "found",
                                       "replaced_by", "context"])


def repairs_by_reason(repairs_df: pd.DataFrame) -> go.Figure:
    """Bars: number of repairs per document, stacked by reason."""
    counts = repairs_df.groupby(["doc_id", "reason"]).size().reset_index(name="repairs")
    fig = px.bar(counts, x="repairs", y="doc_id", color="reason", orientation="h",
                 title="Scraping damage repaired in the analysed text",
                 labels={"doc_id": "document", "repairs": "repairs"})
    fig.update_yaxes(type="category")
    fig.update_layout(height=max(300, 30 * max(1, counts["doc_id"].nunique()) + 160))
    return fig


def problems(documents: pd.DataFrame, notes: list[str] | None = None) -> pd.DataFrame:
    """One row per recorded problem (per document, plus corpus-level notes as ``doc_id`` ``*``)."""
    rows = [{"doc_id": r.doc_id, "problem": p} for r in documents.itertuples() for p in (r.problems or [])]
    rows += [{"doc_id": "*", "problem": n} for n in (notes or [])]
    return pd.DataFrame(rows, columns=["doc_id", "problem"])


def save(fig: go.Figure, path: str | Path, *, width: int = 1000, height: int | None = None, scale: float = 2) -> Path:
    """Save any figure as a static picture; the format follows the suffix (``.png``, ``.svg``,
    ``.pdf``). ``.html`` writes an interactive page and needs nothing extra.

    Static formats need the ``export`` extra (kaleido) and a Chromium (Debian: ``apt-get install
    chromium``); a clear error says which one is missing.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".html", ".htm"):
        fig.write_html(path, include_plotlyjs=True, full_html=True)
        return path
    try:
        import kaleido  # noqa: F401
    except ImportError as exc:
        raise RuntimeError("static export needs kaleido: pip install 'newskit[export]' "
                           "(and a Chromium, e.g. `apt-get install chromium`)") from exc
    try:
        fig.write_image(path, width=width, height=height or fig.layout.height or 525, scale=scale)
    except Exception as exc:  # kaleido raises several private error types when Chromium is missing
        if "chrom" in str(exc).lower() or "browser" in str(exc).lower():
            raise RuntimeError(f"static export needs a Chromium that kaleido can start ({exc}); "
                               "install one with `apt-get install chromium` or `plotly_get_chrome`") from exc
        raise
    return path


# ============================================================================ entities

_LABEL_COLORS = {"PERSON": "#1f77b4", "GPE": "#2ca02c", "ORG": "#ff7f0e", "NORP": "#9467bd",
                 "LOC": "#8c564b", "FAC": "#e377c2", "EVENT": "#7f7f7f", "PRODUCT": "#bcbd22",
                 "WORK_OF_ART": "#17becf", "LAW": "#d62728", "LANGUAGE": "#aec7e8"}


#: Labels the entity charts leave out unless asked: nationality and group adjectives
#: ("Russian", "North Korean") are mentioned in almost every sentence about a country and crowd
#: out the people and organisations an analyst is looking for. The tables keep them.
CHART_EXCLUDED_LABELS: tuple[str, ...] = ("NORP",)


def _chart_mentions(mentions: pd.DataFrame, labels: list[str] | None,
                    exclude_labels: Iterable[str] | None) -> pd.DataFrame:
    if labels is not None or not exclude_labels or "label" not in mentions.columns:
        return mentions
    return mentions[~mentions["label"].isin(list(exclude_labels))]


def top_entities(mentions: pd.DataFrame, *, top: int = 20, labels: list[str] | None = None,
                 include_roles: bool = True,
                 exclude_labels: Iterable[str] | None = CHART_EXCLUDED_LABELS) -> go.Figure:
    """Horizontal bars: the ``top`` most mentioned canonical entities, coloured by label, with
    the number of articles each appears in on hover. ``labels`` keeps only those labels;
    otherwise ``exclude_labels`` are left out (nationalities, by default; ``None`` keeps all)."""
    from kit.entities import entity_counts

    mentions = _chart_mentions(mentions, labels, exclude_labels)
    counts = entity_counts(mentions, include_roles=include_roles, labels=labels).head(top)
    order = counts["entity"].tolist()
    fig = px.bar(counts, x="n_mentions", y="entity", color="label", orientation="h",
                 hover_data={"n_docs": True, "label": True}, color_discrete_map=_LABEL_COLORS,
                 category_orders={"entity": order}, title=f"Top {len(counts)} entities",
                 labels={"n_mentions": "mentions (names and linked roles)", "entity": "entity",
                         "n_docs": "articles"})
    fig.update_layout(legend_title_text="label", height=max(350, 24 * len(counts) + 120))
    return fig


def entity_heatmap(mentions: pd.DataFrame, *, top: int = 20, labels: list[str] | None = None,
                   documents: pd.DataFrame | None = None, max_docs: int = 40,
                   exclude_labels: Iterable[str] | None = CHART_EXCLUDED_LABELS) -> go.Figure:
    """Heatmap of mention counts, articles x the ``top`` entities: which article is about whom.
    Rows are labelled with the article's title when ``documents`` is given; in a large corpus
    only the ``max_docs`` articles with most mentions of these entities are drawn.
    ``labels``/``exclude_labels`` as in :func:`top_entities`."""
    from kit.entities import doc_entity_matrix

    mentions = _chart_mentions(mentions, labels, exclude_labels)
    mat = doc_entity_matrix(mentions, top=top, labels=labels)
    if len(mat) > max_docs:
        mat = mat.loc[mat.sum(axis=1).sort_values(ascending=False).index[:max_docs]]
    rows = list(mat.index)
    if documents is not None and len(documents) and "title" in documents:
        titles = dict(zip(documents["doc_id"], documents["title"].fillna("").astype(str)))
        rows = [f"{d[:12]} {titles.get(d, '')[:45]}" for d in mat.index]
    fig = go.Figure(go.Heatmap(z=mat.values, x=list(mat.columns), y=rows, colorscale="Blues",
                               hovertemplate="%{y}<br>%{x}: %{z} mentions<extra></extra>",
                               colorbar={"title": "mentions"}))
    fig.update_layout(title="Who each article is about", xaxis={"tickangle": -45},
                      yaxis={"autorange": "reversed"}, height=max(300, 30 * len(rows) + 200))
    return fig


def cooccurrence_network(pairs: pd.DataFrame, mentions: pd.DataFrame | None = None, *,
                         min_sentences: int = 1, top: int = 40, seed: int = 7,
                         exclude_labels: Iterable[str] | None = CHART_EXCLUDED_LABELS) -> go.Figure:
    """Network of entities mentioned in the same sentence (from
    :func:`kit.entities.cooccurrence`): edge width = shared sentences, node size = mentions.
    With ``mentions``, entities with an ``exclude_labels`` label are left out (as in
    :func:`top_entities`)."""
    import networkx as nx

    p = pairs[pairs["n_sentences"] >= min_sentences]
    if mentions is not None and len(mentions) and exclude_labels and "label" in mentions.columns:
        hidden = set(mentions.loc[mentions["label"].isin(list(exclude_labels)), "entity"]) - {""}
        p = p[~p["entity_a"].isin(hidden) & ~p["entity_b"].isin(hidden)]
    g = nx.Graph()
    for r in p.itertuples(index=False):
        g.add_edge(r.entity_a, r.entity_b, weight=int(r.n_sentences))
    size: dict[str, int] = {}
    label: dict[str, str] = {}
    if mentions is not None and len(mentions):
        from kit.entities import entity_counts

        ec = entity_counts(mentions)
        size = dict(zip(ec["entity"], ec["n_mentions"]))
        label = dict(zip(ec["entity"], ec["label"]))
    keep = sorted(g.nodes, key=lambda n: (-size.get(n, g.degree(n, weight="weight")), n))[:top]
    g = g.subgraph(keep).copy()
    fig = go.Figure()
    if not g.number_of_nodes():
        fig.update_layout(title="Entities mentioned together (no pairs)")
        return fig
    pos = nx.spring_layout(g, seed=seed, weight="weight", k=1.5 / max(1, g.number_of_nodes()) ** 0.5)
    wmax = max(d["weight"] for _, _, d in g.edges(data=True))
    for a, b, d in g.edges(data=True):
        fig.add_trace(go.Scatter(x=[pos[a][0], pos[b][0]], y=[pos[a][1], pos[b][1]], mode="lines",
                                 line={"width": 0.5 + 6 * d["weight"] / wmax, "color": "rgba(120,120,120,0.5)"},
                                 hoverinfo="text", text=f"{a} – {b}: {d['weight']} sentences", showlegend=False))
    nodes = pd.DataFrame({"entity": list(g.nodes)})
    nodes["x"] = [pos[n][0] for n in nodes["entity"]]
    nodes["y"] = [pos[n][1] for n in nodes["entity"]]
    nodes["mentions"] = [size.get(n, 1) for n in nodes["entity"]]
    nodes["label"] = [label.get(n, "") for n in nodes["entity"]]
    smax = max(nodes["mentions"].max(), 1)
    for lab, grp in nodes.groupby("label"):
        fig.add_trace(go.Scatter(
            x=grp["x"], y=grp["y"], mode="markers+text", text=grp["entity"], textposition="top center",
            name=lab or "entity", marker={"size": 10 + 30 * (grp["mentions"] / smax) ** 0.5,
                                          "color": _LABEL_COLORS.get(lab, "#888"), "line": {"width": 1, "color": "white"}},
            customdata=grp[["mentions"]].values,
            hovertemplate="%{text}<br>%{customdata[0]} mentions<extra></extra>"))
    fig.update_layout(title="Entities mentioned in the same sentence", showlegend=True, height=650,
                      xaxis={"visible": False}, yaxis={"visible": False}, legend_title_text="label")
    return fig


def alias_overview(entities: pd.DataFrame, *, top: int = 25) -> pd.DataFrame:
    """The ``top`` entities with their surface forms and linked role descriptions, as a table
    for display: ``entity, label, n_mentions, n_docs, aliases, roles`` (lists joined)."""
    df = entities.head(top).copy()
    for col in ("aliases", "roles"):
        if col in df.columns:
            df[col] = df[col].map(lambda v: " · ".join(list(v)) if v is not None and not isinstance(v, float) else "")
    cols = [c for c in ("entity", "label", "n_mentions", "n_docs", "aliases", "roles") if c in df.columns]
    return df[cols].reset_index(drop=True)


# ============================================================================ quotes

_UNKNOWN_SPEAKER = "(speaker unknown)"
_KIND_COLORS = {"direct": "#08519c", "partial": "#6baed6", "indirect": "#fd8d3c"}
_KIND_ORDER = ["direct", "partial", "indirect"]


def _quote_frame(quotes: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Quotes with a display speaker (unknown ones named as such) and the article's outlet."""
    df = quotes.copy()
    df["speaker"] = df["speaker"].fillna("").astype(str).str.strip().replace("", _UNKNOWN_SPEAKER)
    if documents is not None and len(documents) and "outlet" in documents:
        outlets = dict(zip(documents["doc_id"], documents["outlet"].fillna("").astype(str).str.strip()))
        df["outlet"] = df["doc_id"].map(outlets).fillna("").replace("", _UNKNOWN_OUTLET)
    else:
        df["outlet"] = _UNKNOWN_OUTLET
    return df


def quotes_by_speaker(quotes: pd.DataFrame, *, top: int = 15) -> go.Figure:
    """Horizontal bars: how often each speaker is quoted, split by kind (direct / partial /
    indirect); the ``top`` most quoted speakers, unknown speakers as one bar."""
    df = _quote_frame(quotes)
    counts = df.groupby(["speaker", "kind"]).size().reset_index(name="quotes")
    order = counts.groupby("speaker")["quotes"].sum().sort_values(ascending=False).head(top).index.tolist()
    counts = counts[counts["speaker"].isin(order)]
    fig = px.bar(counts, x="quotes", y="speaker", color="kind", orientation="h", title="Who is quoted, and how",
                 color_discrete_map=_KIND_COLORS, category_orders={"speaker": order, "kind": _KIND_ORDER},
                 labels={"quotes": "quotes", "speaker": "speaker (canonical entity)"})
    fig.update_layout(legend_title_text="kind")
    return fig


def quotes_by_outlet(quotes: pd.DataFrame, documents: pd.DataFrame) -> go.Figure:
    """Stacked bars: quotes per outlet by kind - which outlets report speech verbatim and which
    paraphrase it."""
    df = _quote_frame(quotes, documents)
    counts = df.groupby(["outlet", "kind"]).size().reset_index(name="quotes")
    fig = px.bar(counts, x="outlet", y="quotes", color="kind", title="Quotes per outlet, by kind",
                 color_discrete_map=_KIND_COLORS, category_orders={"kind": _KIND_ORDER},
                 labels={"outlet": "outlet", "quotes": "quotes"})
    fig.update_xaxes(type="category")
    return fig


def quote_table(quotes: pd.DataFrame, documents: pd.DataFrame | None = None, *, max_chars: int = 160) -> pd.DataFrame:
    """The quotes for reading: outlet, speaker, cue, kind and the (shortened) quote, in text order."""
    df = _quote_frame(quotes, documents)
    df["quote"] = df["quote"].astype(str).map(lambda t: " ".join(t.split())).map(
        lambda t: t if len(t) <= max_chars else t[:max_chars - 1] + "…")
    df = df.sort_values(["doc_id", "start_char"])
    cols = ["outlet", "doc_id", "speaker", "speaker_text", "cue", "kind", "quote"]
    return df[[c for c in cols if c in df.columns]].reset_index(drop=True)


def speaker_outlet_counts(quotes: pd.DataFrame, documents: pd.DataFrame, *, top: int = 10) -> pd.DataFrame:
    """Speaker x outlet table of quote counts for the ``top`` known speakers."""
    df = _quote_frame(quotes, documents)
    df = df[df["speaker"] != _UNKNOWN_SPEAKER]
    keep = df["speaker"].value_counts().head(top).index
    df = df[df["speaker"].isin(keep)]
    if df.empty:
        return pd.DataFrame()
    tab = df.pivot_table(index="speaker", columns="outlet", values="quote_id", aggfunc="count", fill_value=0)
    return tab.loc[tab.sum(axis=1).sort_values(ascending=False).index]


def speakers_across_outlets(quotes: pd.DataFrame, documents: pd.DataFrame, *, top: int = 10) -> go.Figure:
    """Heatmap: how often each of the ``top`` speakers is quoted by each outlet (hover shows the
    count); the same person can be quoted at length by one outlet and paraphrased by another."""
    tab = speaker_outlet_counts(quotes, documents, top=top)
    if tab.empty:
        return go.Figure().update_layout(title="Speakers across outlets (no attributed quotes)")
    fig = px.imshow(tab, text_auto=True, aspect="auto", color_continuous_scale="Blues",
                    labels={"x": "outlet", "y": "speaker", "color": "quotes"}, title="Speakers across outlets")
    return fig


def speaker_kinds_by_outlet(quotes: pd.DataFrame, documents: pd.DataFrame, speaker: str) -> go.Figure:
    """Stacked bars for one speaker: per outlet, how many quotes of each kind."""
    df = _quote_frame(quotes, documents)
    df = df[df["speaker"] == speaker]
    counts = df.groupby(["outlet", "kind"]).size().reset_index(name="quotes")
    return px.bar(counts, x="outlet", y="quotes", color="kind", color_discrete_map=_KIND_COLORS,
                  category_orders={"kind": _KIND_ORDER}, title=f"How outlets quote {speaker}")


# ============================================================================ chronology


def _chr_short(s: str, n: int = 60) -> str:
    s = " ".join(str(s or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _chr_list(v) -> list:
    if v is None or isinstance(v, float):
        return []
    return list(v)


def event_timeline(events: pd.DataFrame, *, max_events: int = 60, min_sources: int = 1) -> go.Figure:
    """The events as bars over their date ranges (one row each, earliest at the top), coloured by
    how many articles report them; hover shows participants (those no sentence names marked
    "inferred"), sources and every date reported."""
    ev = events.copy() if events is not None else pd.DataFrame()
    if ev.empty or "date_start" not in ev.columns:
        return go.Figure().update_layout(title="No dated events found")
    ev = ev[ev["date_start"].notna()]
    ev["n_sources"] = ev["reported_in"].map(lambda v: len(_chr_list(v)))
    ev = ev[ev["n_sources"] >= min_sources]
    ev = ev.sort_values(["n_sources", "date_start"], ascending=[False, True]).head(max_events)
    ev = ev.sort_values(["date_start", "date_end"])
    ev["start"] = pd.to_datetime(ev["date_start"])
    # A one-day event still needs a visible bar: the range is inclusive, so end + 1 day.
    ev["end"] = pd.to_datetime(ev["date_end"]).fillna(ev["start"]) + pd.Timedelta(days=1)
    ev["label"] = [f"{_chr_short(e, 48)} ({pd.Timestamp(a).date()})" for e, a in zip(ev["event"], ev["start"], strict=False)]
    # a participant no sentence names (the article's main entity) is marked as inferred
    inferred = ev["inferred_participants"] if "inferred_participants" in ev.columns else [None] * len(ev)
    ev["participants_"] = [", ".join(f"{p} (inferred)" if p in set(_chr_list(i)) else p for p in _chr_list(v)[:8])
                           for v, i in zip(ev["participants"], inferred, strict=False)]
    ev["sources"] = ev["reported_in"].map(lambda v: ", ".join(_chr_list(v)))
    ev["dates reported"] = (ev["values"] if "values" in ev.columns else ev["date_start"]).map(
        lambda v: ", ".join(map(str, _chr_list(v))) if not isinstance(v, pd.Timestamp) else str(v.date()))
    ev["articles"] = ev["n_sources"].astype(str)
    shades = ["#9ecae1", "#4292c6", "#2171b5", "#08519c", "#08306b"]
    fig = px.timeline(ev, x_start="start", x_end="end", y="label", color="articles",
                      hover_data={"participants_": True, "sources": True, "dates reported": True, "label": False,
                                  "start": False, "end": False, "articles": True},
                      labels={"participants_": "participants", "label": "event", "articles": "articles reporting"},
                      color_discrete_map={str(k): shades[min(k, len(shades)) - 1] for k in range(1, 40)},
                      category_orders={"articles": sorted(ev["articles"].unique(), key=int, reverse=True),
                                       "label": list(ev["label"])})
    # Day-long bars vanish on a multi-year axis: mark short ranges with a dot at their middle.
    short = ev[(ev["end"] - ev["start"]) <= pd.Timedelta(days=8)]
    if len(short):
        fig.add_trace(go.Scatter(x=short["start"] + (short["end"] - short["start"]) / 2, y=short["label"], mode="markers",
                                 marker={"symbol": "diamond", "size": 9, "color": "#08306b"}, showlegend=False,
                                 hoverinfo="skip"))
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=list(ev["label"])[::-1])
    fig.update_layout(title="Events by date (bar = date range reported; colour = number of articles)",
                      height=max(320, 28 * len(ev) + 140), margin={"l": 10, "r": 10, "t": 60, "b": 40})
    return fig


def timexes_by_article(timexes: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every temporal expression per article: its text, TIMEX3 value, date range and what it was
    resolved against (publication date, the previous date, or nothing when the article is undated)."""
    cols = ["doc_id", "text", "value", "date_start", "date_end", "anchor", "tense", "start_char", "end_char"]
    if timexes is None or timexes.empty:
        return pd.DataFrame(columns=cols)
    tx = timexes.reindex(columns=cols).copy()
    for c in ("date_start", "date_end"):
        tx[c] = pd.to_datetime(tx[c]).dt.date
    if documents is not None and "published" in documents.columns:
        pub = documents.set_index("doc_id")["published"]
        tx.insert(1, "published", tx["doc_id"].map(lambda d: None if pd.isna(pub.get(d)) else pd.Timestamp(pub.get(d)).date()))
    return tx.sort_values(["doc_id", "start_char"]).reset_index(drop=True)


def timex_ranges(timexes: pd.DataFrame, documents: pd.DataFrame | None = None) -> go.Figure:
    """Each article's resolved dates as bars (one row per article, coloured by granularity), with
    the publication date they were resolved against as a black tick when ``documents`` is given."""
    tx = timexes[timexes["date_start"].notna()].copy() if timexes is not None and len(timexes) else pd.DataFrame()
    if tx.empty:
        return go.Figure().update_layout(title="No resolved dates")
    tx["start"] = pd.to_datetime(tx["date_start"])
    tx["end"] = pd.to_datetime(tx["date_end"]) + pd.Timedelta(days=1)
    if "granularity" not in tx.columns:
        tx["granularity"] = "date"
    order = sorted(tx["doc_id"].unique())
    fig = px.timeline(tx, x_start="start", x_end="end", y="doc_id", color="granularity",
                      hover_data={"text": True, "value": True, "anchor": True, "start": False, "end": False},
                      opacity=0.6, category_orders={"doc_id": order})
    if documents is not None and "published" in documents.columns:
        pub = documents[documents["doc_id"].isin(order) & documents["published"].notna()]
        if len(pub):
            x = pd.to_datetime(pub["published"], utc=True).dt.tz_localize(None).dt.normalize() + pd.Timedelta(hours=12)
            fig.add_trace(go.Scatter(x=x, y=pub["doc_id"], mode="markers", name="published",
                                     marker={"symbol": "line-ns-open", "size": 22, "color": "black",
                                             "line": {"width": 3}}))
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=order[::-1])
    fig.update_layout(title="Dates each article mentions (black tick: publication date)",
                      height=max(260, 40 * len(order) + 140))
    return fig


def event_sources(events: pd.DataFrame) -> pd.DataFrame:
    """One row per event and article: which expression that article used for the date (the
    merged event keeps the most precise one; this shows what each source said)."""
    rows = []
    for r in (events.itertuples() if events is not None else []):
        for rep in _chr_list(getattr(r, "reports", None)):
            doc, _, said = str(rep).partition(": ")
            rows.append({"event_id": r.event_id, "event": r.event, "date_start": pd.Timestamp(r.date_start).date(),
                         "date_end": pd.Timestamp(r.date_end).date(), "doc_id": doc, "said": said})
    return pd.DataFrame(rows, columns=["event_id", "event", "date_start", "date_end", "doc_id", "said"])
