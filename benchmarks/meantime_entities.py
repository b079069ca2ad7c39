"""Benchmark: the kit's entity clustering on MEANTIME English (120 Wikinews articles with
cross-document entity clusters), beside an exact-string baseline measured in the same run.

Reads ``../shared/external/meantime/gold/`` in place (never copied into the project).

Two settings, each scored with B-cubed precision / recall / F1 against the gold instances:

1. *System mentions*: each article goes through the kit's own reading (line roles, clean view,
   one spaCy parse, ``kit.entities.doc_mentions``) and the corpus through ``resolve``. A
   predicted name mention is scored when it matches a gold named mention (``NAM`` or
   ``PRE.NAM``) of the same document: same span, or same span once a leading "the" and a
   possessive are ignored, or the same end with the gold span the shortest such. Gold mention
   coverage is printed too.
2. *Gold mentions*: the gold named mentions themselves (text and type) are clustered by
   ``resolve`` -- the clustering alone, without NER errors.

The baseline clusters the same mentions by their exact string.

Usage: ``.venv/bin/python benchmarks/meantime_entities.py [--gold DIR] [--limit N]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kit.corpus import build_article  # noqa: E402
from kit.entities import doc_mentions, resolve  # noqa: E402
from kit.nlp import DEFAULT_MODEL, load_pipeline  # noqa: E402

DEFAULT_GOLD = ROOT.parent / "shared" / "external" / "meantime" / "gold"
NAMED = {"NAM", "PRE.NAM"}
#: MEANTIME entity types as spaCy labels (for the gold-mention setting)
TYPE_LABEL = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "PRO": "PRODUCT", "FIN": "ORG", "MIX": "ORG"}


def b_cubed(pairs: list[tuple[object, object]]) -> tuple[float, float, float]:
    """B-cubed over items given as ``(gold_cluster, predicted_cluster)``."""
    if not pairs:
        return 0.0, 0.0, 0.0
    by_pred: dict = defaultdict(list)
    by_gold: dict = defaultdict(list)
    for g, p in pairs:
        by_pred[p].append(g)
        by_gold[g].append(p)
    from collections import Counter

    pc = {p: Counter(gs) for p, gs in by_pred.items()}
    gc = {g: Counter(ps) for g, ps in by_gold.items()}
    prec = sum(pc[p][g] / len(by_pred[p]) for g, p in pairs) / len(pairs)
    rec = sum(gc[g][p] / len(by_gold[g]) for g, p in pairs) / len(pairs)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def _norm_span(text: str, s: int, e: int) -> tuple[int, int]:
    seg = text[s:e]
    if seg.lower().startswith("the "):
        s += 4
    if text[s:e].endswith(("'s", "’s")):
        e -= 2
    elif text[s:e].endswith(" 's"):
        e -= 3
    return s, e


def align(pred: pd.DataFrame, gold: list[dict], texts: dict[str, str]) -> list[tuple[int, dict]]:
    """Pair predicted name mentions with gold named mentions of the same document."""
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        by_doc[g["doc_id"]].append(g)
    out = []
    for i, r in pred.iterrows():
        golds = by_doc.get(r.doc_id, [])
        if not golds:
            continue
        t = texts[r.doc_id]
        ps = _norm_span(t, int(r.start_char), int(r.end_char))
        hit = [g for g in golds if (g["start_char"], g["end_char"]) == (r.start_char, r.end_char)]
        hit = hit or [g for g in golds if _norm_span(t, g["start_char"], g["end_char"]) == ps]
        hit = hit or sorted([g for g in golds if _norm_span(t, g["start_char"], g["end_char"])[1] == ps[1]
                             and g["start_char"] <= ps[0]], key=lambda g: g["end_char"] - g["start_char"])
        if hit:
            out.append((i, hit[0]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents (quick check)")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    args = ap.parse_args()
    if not (args.gold / "docs.jsonl").exists():
        sys.exit(f"MEANTIME gold not found in {args.gold} (see ../shared/external/meantime/README.md)")
    docs = [json.loads(x) for x in (args.gold / "docs.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    if args.limit:
        docs = docs[: args.limit]
    keep = {d["doc_id"] for d in docs}
    texts = {d["doc_id"]: d["text"] for d in docs}
    gold_all = [json.loads(x) for x in (args.gold / "entities.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    gold = [g for g in gold_all if g["doc_id"] in keep and g.get("syntactic_type") in NAMED and g.get("instance_id")]

    t0 = time.perf_counter()
    nlp = load_pipeline(args.model)
    arts = [build_article(d["doc_id"], d["doc_id"] + ".txt", d["text"].encode("utf-8")) for d in docs]
    arts = [a for a in arts if a.analysable and a.text.strip()]
    parts = []
    for doc, art in nlp.pipe(((a.text, a) for a in arts), as_tuples=True, batch_size=32):
        parts.append(doc_mentions(doc, art))
    raw = pd.concat(parts, ignore_index=True)
    t_parse = time.perf_counter() - t0
    t1 = time.perf_counter()
    mentions, ents = resolve(raw)
    t_resolve = time.perf_counter() - t1

    # 1. system mentions
    names = mentions[(mentions["kind"] == "name") & ~mentions["nested"]]
    pairs = align(names, gold, texts)
    covered = {(g["doc_id"], g["start_char"], g["end_char"]) for _, g in pairs}
    kit_pairs = [(g["instance_id"], names.at[i, "entity_id"]) for i, g in pairs]
    base_pairs = [(g["instance_id"], names.at[i, "text"]) for i, g in pairs]

    # 2. gold mentions
    gm = pd.DataFrame([{"doc_id": g["doc_id"], "start_char": g["start_char"], "end_char": g["end_char"],
                        "text": g["text"], "label": TYPE_LABEL.get(g.get("entity_type") or "", "ORG")}
                       for g in gold])
    gm_res, _ = resolve(gm)
    gm_res = gm_res.set_index(["doc_id", "start_char", "end_char"])
    gold_kit = [(g["instance_id"], gm_res.loc[(g["doc_id"], g["start_char"], g["end_char"]), "entity_id"])
                for g in gold]
    gold_kit = [(a, b if isinstance(b, str) else b.iloc[0]) for a, b in gold_kit]
    gold_base = [(g["instance_id"], g["text"]) for g in gold]

    n_inst = len({g["instance_id"] for g in gold})
    print(f"MEANTIME English: {len(docs)} documents, {len(gold)} gold named mentions, {n_inst} gold entities")
    print(f"kit reading + spaCy ({args.model}): {len(raw)} raw mentions in {t_parse:.1f}s; resolve {t_resolve:.2f}s; "
          f"{len(ents)} predicted entities")
    print(f"system mentions matched to gold named mentions: {len(pairs)} "
          f"(gold coverage {len(covered) / max(1, len(gold)):.3f})")
    print()
    print(f"{'setting':<34}{'method':<22}{'B3 P':>7}{'B3 R':>7}{'B3 F1':>7}")
    for setting, rows in (("system mentions (kit NER)", (("exact string", base_pairs), ("kit resolve", kit_pairs))),
                          ("gold named mentions", (("exact string", gold_base), ("kit resolve", gold_kit)))):
        for method, pr in rows:
            p, r, f = b_cubed(pr)
            print(f"{setting:<34}{method:<22}{p:7.3f}{r:7.3f}{f:7.3f}")


if __name__ == "__main__":
    main()
