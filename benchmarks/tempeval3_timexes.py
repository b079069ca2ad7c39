"""TempEval-3 Task A (timexes): the kit's timex stage beside dateparser, on the TE3 gold.

Reads ``../shared/external/tempeval3/gold/`` in place (never copied). Each document is parsed
once with the kit's pipeline and its timexes found by :func:`kit.chronology.find_timexes` with
the document creation time as ``published`` and TimeML conventions (no leading preposition;
durations, sets and vague references kept; part-of-day suffixes). Figures use character offsets:

* strict span: exact extent; relaxed span: any overlap (one prediction per gold timex);
* value: relaxed match and the same TIMEX3 ``value`` (TE3's "value F1" is computed the same way
  over relaxed matches, but on tokens after its normaliser, so figures are close, not equal).

Baselines measured in the same run: dateparser's ``search_dates`` (spans and values) and spaCy
DATE/TIME entities valued by dateparser. HeidelTime's published value F1 on the platinum test
is printed for reference (77.61, UzZaman et al. 2013; its other figures are not checked here).

Usage: ``.venv/bin/python benchmarks/tempeval3_timexes.py [--split test|train-timebank|train-aquaint|train]
[--limit N] [--errors N]``
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import warnings
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kit.chronology import find_timexes, iso_week  # noqa: E402
from kit.nlp import load_pipeline  # noqa: E402

GOLD = ROOT.parent / "shared" / "external" / "tempeval3" / "gold"
HEIDELTIME_VALUE_F1 = 77.61  # TE3 platinum, Task A value F1 (published)


def read_jsonl(p: Path) -> list[dict]:
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]


def prf(tp_p: int, n_p: int, tp_r: int, n_g: int) -> tuple[float, float, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_g if n_g else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(pred: dict[str, list[dict]], gold: dict[str, list[dict]]) -> dict[str, tuple[float, float, float]]:
    """Strict, relaxed and value P/R/F1 over character spans."""
    n_p = sum(len(v) for v in pred.values())
    n_g = sum(len(v) for v in gold.values())
    counts = {"strict": [0, 0], "relaxed": [0, 0], "value": [0, 0]}
    for doc_id, gs in gold.items():
        ps = pred.get(doc_id, [])

        def ov(a: dict, b: dict) -> bool:
            return min(a["end"], b["end"]) > max(a["start"], b["start"])

        for g in gs:
            counts["strict"][1] += any(p["start"] == g["start"] and p["end"] == g["end"] for p in ps)
            counts["relaxed"][1] += any(ov(p, g) for p in ps)
            counts["value"][1] += any(ov(p, g) and p["value"] == g["value"] for p in ps)
        for p in ps:
            counts["strict"][0] += any(p["start"] == g["start"] and p["end"] == g["end"] for g in gs)
            counts["relaxed"][0] += any(ov(p, g) for g in gs)
            counts["value"][0] += any(ov(p, g) and p["value"] == g["value"] for g in gs)
    return {k: prf(v[0], n_p, v[1], n_g) for k, v in counts.items()}


# --------------------------------------------------------------------------- systems


def kit_system(doc, dct: datetime) -> list[dict]:
    rows = find_timexes(doc, published=dct, timeml=True)
    return [{"start": r["start"], "end": r["end"], "text": r["text"], "value": r["value"] or ""} for r in rows]


def _dp_value(text: str, dct: datetime) -> str:
    """A TIMEX3-style value from dateparser: the period it reports decides the granularity."""
    from dateparser.date import DateDataParser

    try:
        data = DateDataParser(languages=["en"], settings={"RELATIVE_BASE": dct, "RETURN_TIME_AS_PERIOD": True}).get_date_data(text)
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd input
        return ""
    if data is None or data.date_obj is None:
        return ""
    d, period = data.date_obj, data.period
    if period == "year":
        return f"{d.year}"
    if period == "month":
        return f"{d.year}-{d.month:02d}"
    if period == "week":
        return iso_week(d.date())[0]
    if period == "time":
        return d.strftime("%Y-%m-%dT%H:%M")
    return d.date().isoformat()


def dateparser_system(text: str, dct: datetime) -> list[dict]:
    """dateparser's own finder (``search_dates``) with the DCT as base."""
    from dateparser.search import search_dates

    try:
        found = search_dates(text, languages=["en"], settings={"RELATIVE_BASE": dct}) or []
    except Exception:  # noqa: BLE001
        found = []
    out, pos = [], 0
    for sub, _dt in found:
        i = text.find(sub, pos)
        if i < 0:
            i = text.find(sub)
            if i < 0:
                continue
        pos = i + len(sub)
        out.append({"start": i, "end": i + len(sub), "text": sub, "value": _dp_value(sub, dct)})
    return out


def spacy_dateparser_system(doc, dct: datetime) -> list[dict]:
    """spaCy DATE/TIME entities as spans, valued by dateparser (the issue's starting point)."""
    return [{"start": e.start_char, "end": e.end_char, "text": e.text, "value": _dp_value(e.text, dct)}
            for e in doc.ents if e.label_ in ("DATE", "TIME")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", help="test (platinum), train-timebank, train-aquaint or train")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    ap.add_argument("--errors", type=int, default=0, help="print N value errors of the kit")
    args = ap.parse_args(argv)
    if not GOLD.exists():
        print(f"no TempEval-3 gold at {GOLD}", file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore")
    docs = [d for d in read_jsonl(GOLD / "docs.jsonl")
            if d["split"] == args.split or (args.split == "train" and d["split"].startswith("train"))]
    if args.limit:
        docs = docs[: args.limit]
    ids = {d["doc_id"] for d in docs}
    gold: dict[str, list[dict]] = {d["doc_id"]: [] for d in docs}
    for t in read_jsonl(GOLD / "timexes.jsonl"):
        if t["doc_id"] in ids:
            gold[t["doc_id"]].append({"start": t["start_char"], "end": t["end_char"], "text": t["text"],
                                      "value": t["value"], "type": t["type"]})
    nlp = load_pipeline()
    systems: dict[str, dict[str, list[dict]]] = {"kit": {}, "dateparser search_dates": {},
                                                 "spaCy DATE/TIME + dateparser": {}}
    timing: dict[str, float] = dict.fromkeys(systems, 0.0)
    t0 = time.perf_counter()
    parsed = list(nlp.pipe((d["text"] for d in docs), batch_size=16))
    t_parse = time.perf_counter() - t0
    runners: dict[str, Callable] = {
        "kit": lambda d, doc, dct: kit_system(doc, dct),
        "dateparser search_dates": lambda d, doc, dct: dateparser_system(d["text"], dct),
        "spaCy DATE/TIME + dateparser": lambda d, doc, dct: spacy_dateparser_system(doc, dct),
    }
    for d, doc in zip(docs, parsed, strict=True):
        dct = datetime.fromisoformat(re.sub(r"T.*$", "", d["published"]))
        for name, run in runners.items():
            t1 = time.perf_counter()
            systems[name][d["doc_id"]] = run(d, doc, dct)
            timing[name] += time.perf_counter() - t1

    n_gold = sum(len(v) for v in gold.values())
    print(f"TempEval-3 {args.split}: {len(docs)} documents, {n_gold} gold timexes "
          f"(parse {t_parse:.1f}s with {nlp.meta.get('name', '?')})")
    head = f"{'system':32} {'strict P/R/F1':>20} {'relaxed P/R/F1':>20} {'value P/R/F1':>20} {'n_pred':>7} {'sec':>6}"
    print(head)
    print("-" * len(head))
    for name, pred in systems.items():
        s = score(pred, gold)
        cells = ["/".join(f"{100 * x:.1f}" for x in s[k]) for k in ("strict", "relaxed", "value")]
        print(f"{name:32} {cells[0]:>20} {cells[1]:>20} {cells[2]:>20} "
              f"{sum(len(v) for v in pred.values()):>7} {timing[name]:>6.1f}")
    print(f"{'HeidelTime (published, TE3 test)':32} {'':>20} {'':>20} {f'F1 {HEIDELTIME_VALUE_F1:.2f}':>20}")

    # Where the kit's value errors are: recall per gold TIMEX3 type (relaxed span / value).
    print("\nkit recall by gold type (relaxed span / value):")
    for typ in ("DATE", "TIME", "DURATION", "SET"):
        gs = [(doc_id, g) for doc_id, lst in gold.items() for g in lst if g["type"] == typ]
        if not gs:
            continue
        span_hit = val_hit = 0
        for doc_id, g in gs:
            ps = [p for p in systems["kit"][doc_id] if min(p["end"], g["end"]) > max(p["start"], g["start"])]
            span_hit += bool(ps)
            val_hit += any(p["value"] == g["value"] for p in ps)
        print(f"  {typ:9} n={len(gs):5}  span {100 * span_hit / len(gs):5.1f}  value {100 * val_hit / len(gs):5.1f}")

    if args.errors:
        print("\nkit value errors (gold text | gold value | predicted text | predicted value):")
        shown = 0
        for doc_id, gs in gold.items():
            for g in gs:
                ps = [p for p in systems["kit"][doc_id] if min(p["end"], g["end"]) > max(p["start"], g["start"])]
                if not ps or all(p["value"] != g["value"] for p in ps):
                    pt = ps[0]["text"] if ps else "-"
                    pv = ps[0]["value"] if ps else "-"
                    print(f"  {doc_id[:24]:24} {g['text']!r:28} {g['value']:18} {pt!r:28} {pv}")
                    shown += 1
                    if shown >= args.errors:
                        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
