"""``kit evaluate DIR --gold GOLD_DIR``: score built tables against reference annotations.

The figures are the ones ``SCHEMA.md`` defines (and that the project's referee scorer prints),
computed with the same matching rules, so an analyst who annotates a few of their own articles
in the ``data/gold/`` format learns how far to trust each table:

- lines: share of gold lines with the exact role, and with the right body / not-body split;
- metadata: share of documents whose title, outlet, author, url, published date match (letters
  and digits only; empty equals missing);
- entities: B-cubed precision/recall/F1 over predicted mentions whose text is a gold surface
  form, share of gold surface forms found, and ``must_not_merge`` pairs merged (must be 0);
- quotes: span match when the spans overlap by at least half of each; attribution also needs
  the speaker to name the gold speaker (or an alias, or a surface form of its entity);
- timexes: span match on any overlap; value match also needs equal ``date_start``/``date_end``;
- events: a gold event is found when a predicted event overlaps its dates, is not much wider,
  and shares a participant.

Gold files (``<prefix>lines.jsonl``, ``metadata.jsonl``, ``entities.json``, ``quotes.jsonl``,
``timexes.jsonl``, ``events.jsonl``) may be partial: a missing one gives ``{"missing_gold": true}``.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["GOLD_FILES", "evaluate", "format_table", "main_cli"]

#: Gold file per section (after the prefix, e.g. ``seeds_lines.jsonl``).
GOLD_FILES = {
    "lines": "lines.jsonl",
    "metadata": "metadata.jsonl",
    "entities": "entities.json",
    "quotes": "quotes.jsonl",
    "timexes": "timexes.jsonl",
    "events": "events.jsonl",
}
_TABLE_OF = {"lines": "lines", "metadata": "documents", "entities": "mentions", "quotes": "quotes",
             "timexes": "timexes", "events": "events"}
_META_FIELDS = ("title", "outlet", "author", "url", "published")


# --------------------------------------------------------------------------- reading


def _read_table(folder: Path, name: str) -> pd.DataFrame | None:
    """A table written by ``kit build`` (Parquet), or JSONL / CSV written by another tool."""
    from kit.build import read_parquet  # by path (see there)

    readers = ((".parquet", read_parquet), (".jsonl", lambda p: pd.read_json(p, lines=True)),
               (".csv", pd.read_csv))
    for ext, reader in readers:
        path = folder / f"{name}{ext}"
        if path.exists():
            return reader(path)
    return None


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _read_gold(gold_dir: Path, prefix: str) -> dict[str, Any]:
    gold: dict[str, Any] = {}
    for section, fname in GOLD_FILES.items():
        path = gold_dir / f"{prefix}{fname}"
        if not path.exists():
            gold[section] = None
        elif path.suffix == ".json":
            gold[section] = json.loads(path.read_text(encoding="utf-8"))
        else:
            gold[section] = _read_jsonl(path)
    return gold


# --------------------------------------------------------------------------- comparisons


def _norm(s: Any) -> str:
    """Case, whitespace, apostrophe style and a leading "the" do not matter."""
    t = " ".join(str(s or "").replace("’", "'").split()).strip().lower()
    return t[4:] if t.startswith("the ") else t


def _words(s: Any) -> str:
    """Letters and digits only: punctuation and quote marks do not matter."""
    return " ".join(re.findall(r"\w+", str(s or "").lower()))


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> list[float]:
    """[precision, recall, F1], rounded to 3 places; precision counts matched predictions and
    recall matched gold items (they differ when one prediction matches two gold items)."""
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return [round(p, 3), round(r, 3), round(f, 3)]


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _canon(entities_gold: dict | None) -> dict[str, str]:
    """Normalised surface form -> normalised canonical name, from the gold entity clusters."""
    canon: dict[str, str] = {}
    for cluster in (entities_gold or {}).get("clusters", []):
        for s in [cluster["entity"], *cluster["surface_forms"]]:
            canon[_norm(s)] = _norm(cluster["entity"])
    return canon


def _day(v: Any) -> str:
    return "" if pd.isna(v) else str(pd.Timestamp(v).date())


def _naive(ts: pd.Timestamp) -> pd.Timestamp:
    return ts.tz_localize(None) if ts.tzinfo else ts


# --------------------------------------------------------------------------- sections


def score_lines(pred: pd.DataFrame, gold: list[dict]) -> dict:
    """Share of gold lines with the exact role, and with the right body / not-body split."""
    role = {(r.doc_id, int(r.line)): r.role for r in pred.itertuples()}
    n = len(gold)
    got = [role.get((g["doc_id"], g["line"])) for g in gold]
    exact = sum(p == g["role"] for p, g in zip(got, gold))
    body = sum((p == "body") == (g["role"] == "body") for p, g in zip(got, gold))
    return {"n": n, "role_exact": round(exact / n, 3) if n else 0.0, "body_vs_rest": round(body / n, 3) if n else 0.0}


def score_metadata(pred: pd.DataFrame, gold: list[dict]) -> dict:
    """Share of gold documents whose field equals the prediction (dates compared as days)."""
    pred = pred.set_index("doc_id")
    out = {}
    for f in _META_FIELDS:
        ok = 0
        for g in gold:
            if g["doc_id"] not in pred.index or f not in pred.columns:
                continue
            v = pred.loc[g["doc_id"], f]
            if f == "published":
                ok += _day(v) == str(g[f])[:10]
            else:
                ok += _words("" if pd.isna(v) else v) == _words(g[f])
        out[f] = round(ok / len(gold), 3) if gold else 0.0
    return out


def score_entities(pred: pd.DataFrame, gold: dict) -> dict:
    """B-cubed over predicted mentions whose text is a gold surface form; forms found; merges
    of ``must_not_merge`` pairs."""
    form_to_gold = {_norm(s): c["entity"] for c in gold["clusters"] for s in c["surface_forms"]}
    texts = [_norm(t) for t in pred["text"]]
    pairs = [(form_to_gold[t], str(e)) for t, e in zip(texts, pred["entity"]) if t in form_to_gold]
    if not pairs:
        return {"b3_p": 0, "b3_r": 0, "b3_f1": 0, "forms_found": 0.0}
    by_pred: dict[str, list[str]] = {}
    by_gold: dict[str, list[str]] = {}
    for g, p in pairs:
        by_pred.setdefault(p, []).append(g)
        by_gold.setdefault(g, []).append(p)
    # B-cubed: for each mention, the share of its predicted cluster with the same gold entity
    # (precision) and of its gold cluster with the same predicted entity (recall).
    prec = sum(by_pred[p].count(g) / len(by_pred[p]) for g, p in pairs) / len(pairs)
    rec = sum(by_gold[g].count(p) / len(by_gold[g]) for g, p in pairs) / len(pairs)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0
    found = set(texts)
    forms = [_norm(s) for c in gold["clusters"] for s in c["surface_forms"]]
    gold_sets = [set(gs) for gs in by_pred.values()]
    merged = [pair for pair in gold.get("must_not_merge", []) if any(set(pair) <= s for s in gold_sets)]
    return {"b3_p": round(prec, 3), "b3_r": round(rec, 3), "b3_f1": round(f1, 3),
            "forms_found": round(sum(f in found for f in forms) / len(forms), 3),
            "must_not_merge_violations": len(merged)}


def _span_match(doc: str, s: int, e: int, g: dict) -> bool:
    if doc != g["doc_id"]:
        return False
    ov = _overlap(s, e, g["start_char"], g["end_char"])
    return ov >= 0.5 * (g["end_char"] - g["start_char"]) and ov >= 0.5 * (e - s)


def score_quotes(pred: pd.DataFrame, gold: list[dict], entities_gold: dict | None = None) -> dict:
    """Span and attribution precision/recall/F1 and attribution recall per kind."""
    canon = _canon(entities_gold)

    def speaker_names(g: dict) -> set[str]:
        names = {_norm(a) for a in [g["speaker"], *g.get("speaker_aliases", [])]}
        heads = {canon.get(n, n) for n in names}
        return names | {form for form, head in canon.items() if head in heads}

    preds = [(r.doc_id, int(r.start_char), int(r.end_char), _norm(r.speaker)) for r in pred.itertuples()]
    names = [speaker_names(g) for g in gold]
    span = [[_span_match(d, s, e, g) for g in gold] for d, s, e, _ in preds]
    attrib = [[span[i][j] and preds[i][3] in names[j] for j in range(len(gold))] for i in range(len(preds))]

    def hits(m: list[list[bool]]) -> tuple[int, int]:
        return sum(any(row) for row in m), sum(any(m[i][j] for i in range(len(preds))) for j in range(len(gold)))

    (sp, sr), (ap, ar) = hits(span), hits(attrib)
    res: dict[str, Any] = {"n_gold": len(gold), "n_pred": len(preds), "span_prf": _prf(sp, len(preds), sr, len(gold)),
                           "attrib_prf": _prf(ap, len(preds), ar, len(gold))}
    for kind in ("direct", "partial", "indirect"):
        idx = [j for j, g in enumerate(gold) if g["kind"] == kind]
        if idx:
            found = sum(any(attrib[i][j] for i in range(len(preds))) for j in idx)
            res[f"recall_{kind}"] = round(found / len(idx), 3)
    return res


def score_timexes(pred: pd.DataFrame, gold: list[dict]) -> dict:
    """Span (any overlap) and value (also equal start and end day) precision/recall/F1."""
    preds = [(r.doc_id, int(r.start_char), int(r.end_char), _day(r.date_start), _day(r.date_end))
             for r in pred.itertuples()]
    span = [[d == g["doc_id"] and _overlap(s, e, g["start_char"], g["end_char"]) > 0 for g in gold]
            for d, s, e, _, _ in preds]
    value = [[span[i][j] and preds[i][3] == g["date_start"] and preds[i][4] == g["date_end"]
              for j, g in enumerate(gold)] for i in range(len(preds))]

    def hits(m: list[list[bool]]) -> tuple[int, int]:
        return sum(any(row) for row in m), sum(any(m[i][j] for i in range(len(preds))) for j in range(len(gold)))

    (sp, sr), (vp, vr) = hits(span), hits(value)
    return {"n_gold": len(gold), "n_pred": len(preds), "span_prf": _prf(sp, len(preds), sr, len(gold)),
            "value_prf": _prf(vp, len(preds), vr, len(gold))}


def _participants(v: Any, canon: dict[str, str]) -> set[str]:
    if isinstance(v, str):
        v = json.loads(v) if v.startswith("[") else v.split(";")
    names = {_norm(x) for x in (list(v) if v is not None else [])}
    return {canon.get(x, x) for x in names}


def score_events(pred: pd.DataFrame, gold: list[dict], entities_gold: dict | None = None) -> dict:
    """Recall of gold events: a predicted event overlaps the gold dates, is at most twice as
    wide (or a month), and shares a participant (compared through the gold entity clusters)."""
    canon = _canon(entities_gold)
    spans = []
    for r in pred.itertuples():
        if pd.isna(r.date_start):
            continue
        p0 = _naive(pd.Timestamp(r.date_start))
        p1 = _naive(pd.Timestamp(r.date_end if not pd.isna(r.date_end) else r.date_start))
        spans.append((p0, p1, r.participants))
    found = 0
    for g in gold:
        g0, g1 = pd.Timestamp(g["date_start"]), pd.Timestamp(g["date_end"])
        gp = {canon.get(_norm(x), _norm(x)) for x in g["participants"]}
        width = max(31, (g1 - g0).days * 2)
        if any(p0 <= g1 and g0 <= p1 and (p1 - p0).days <= width and _participants(ps, canon) & gp
               for p0, p1, ps in spans):
            found += 1
    return {"n_gold": len(gold), "n_pred": len(pred), "recall": round(found / len(gold), 3) if gold else 0}


# --------------------------------------------------------------------------- entry points


def evaluate(tables_dir: str | Path | Any, gold_dir: str | Path, *, prefix: str = "seeds_") -> dict:
    """Score the tables in ``tables_dir`` (a ``kit build`` folder, or a :class:`kit.Tables`)
    against the gold files ``gold_dir/<prefix>*.json[l]``; return the figures of ``SCHEMA.md``.

    A section whose table is absent gives ``{"missing": true}``; one whose gold file is absent
    gives ``{"missing_gold": true}``.
    """
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise FileNotFoundError(f"gold folder not found: {gold_dir}")
    gold = _read_gold(gold_dir, prefix)
    if all(v is None for v in gold.values()):
        expected = ", ".join(prefix + f for f in GOLD_FILES.values())
        raise FileNotFoundError(f"no gold files in {gold_dir} with prefix {prefix!r} (expected any of: {expected}; "
                                "use --prefix for another name prefix)")
    if isinstance(tables_dir, (str, Path)):
        folder = Path(tables_dir)
        if not folder.is_dir():
            raise FileNotFoundError(f"tables folder not found: {folder} (run `kit build CORPUS --out {folder}` first)")

        def table(name: str) -> pd.DataFrame | None:
            return _read_table(folder, name)
    else:
        def table(name: str) -> pd.DataFrame | None:
            return getattr(tables_dir, name, None)

    ents = gold["entities"]
    scorers = {
        "lines": lambda p, g: score_lines(p, g),
        "metadata": lambda p, g: score_metadata(p, g),
        "entities": lambda p, g: score_entities(p, g),
        "quotes": lambda p, g: score_quotes(p, g, ents),
        "timexes": lambda p, g: score_timexes(p, g),
        "events": lambda p, g: score_events(p, g, ents),
    }
    result: dict[str, dict] = {}
    for section, scorer in scorers.items():
        pred = table(_TABLE_OF[section])
        if gold[section] is None:
            result[section] = {"missing_gold": True}
        elif pred is None:
            result[section] = {"missing": True}
        else:
            result[section] = scorer(pred, gold[section])
    return result


_LABELS = {
    "n": "gold items", "n_gold": "gold items", "n_pred": "predicted items", "role_exact": "role exact",
    "body_vs_rest": "body vs rest", "b3_p": "B-cubed precision", "b3_r": "B-cubed recall", "b3_f1": "B-cubed F1",
    "forms_found": "surface forms found", "must_not_merge_violations": "must-not-merge violations",
    "span_prf": "span P / R / F1", "attrib_prf": "attribution P / R / F1", "value_prf": "value P / R / F1",
    "recall_direct": "recall, direct", "recall_partial": "recall, partial", "recall_indirect": "recall, indirect",
    "recall": "recall", "missing": "table missing", "missing_gold": "no gold file",
}


def _fmt(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return " / ".join(_fmt(x) for x in v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def format_table(result: dict) -> str:
    """The figures of :func:`evaluate` as a plain-text table (section, figure, value)."""
    rows: list[tuple[str, str, str]] = []
    for section, figures in result.items():
        for k, (name, v) in enumerate(figures.items()):
            rows.append((section if k == 0 else "", _LABELS.get(name, name), _fmt(v)))
    widths = [max(len(r[i]) for r in [("section", "figure", "value"), *rows]) for i in range(3)]

    def line(cells: Iterable[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(("section", "figure", "value")), line("-" * w for w in widths)]
    out += [line(r) for r in rows]
    return "\n".join(out)


def main_cli(args: argparse.Namespace) -> int:
    """``kit evaluate``: print the figures as JSON (after a readable table with ``--table``)."""
    result = evaluate(args.dir, args.gold, prefix=getattr(args, "prefix", "seeds_"))
    if getattr(args, "table", False):
        print(format_table(result))
        print()
    print(json.dumps(result))
    return 0
