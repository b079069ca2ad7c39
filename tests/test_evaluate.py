"""``kit evaluate``: the SCHEMA.md figures, equal to the referee scorer's, plus hand-checked cases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kit import evaluate as ev
from kit.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "data" / "gold"
SCORE = ROOT.parent / "shared" / "tools" / "score.py"
needs_score = pytest.mark.skipif(not SCORE.exists(), reason=f"referee scorer not found at {SCORE}")


def _score_py(out: Path) -> dict:
    proc = subprocess.run([sys.executable, str(SCORE), str(out), str(GOLD)], capture_output=True, text=True,
                          check=True, timeout=120)
    return json.loads(proc.stdout)


def _kit_evaluate(out: Path, *extra: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "kit", "evaluate", str(out), "--gold", str(GOLD), *extra],
                          capture_output=True, text=True, check=True, timeout=120, cwd=ROOT)
    return proc.stdout


def write(tables, out: Path) -> None:
    """Every table as Parquet, as `kit build` writes them."""
    for name, df in tables.as_dict().items():
        df.to_parquet(out / f"{name}.parquet", index=False)


@pytest.fixture(scope="module")
def seeds_out(seeds_tables, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("eval_seeds")
    write(seeds_tables, out)
    return out


@needs_score
def test_same_figures_as_referee_on_seeds(seeds_out):
    """`kit evaluate` prints exactly what ../shared/tools/score.py prints on the seeds build."""
    assert json.loads(_kit_evaluate(seeds_out)) == _score_py(seeds_out)


HELDOUT = ROOT / "tests" / "data" / "heldout"
HELDOUT_GOLD = ROOT / "tests" / "data" / "heldout_gold"


@needs_score
@pytest.mark.skipif(not (HELDOUT_GOLD / "heldout_lines.jsonl").exists(), reason="held-out gold not present")
def test_same_figures_as_referee_on_heldout(tmp_path):
    """Other articles, other gold (prefix heldout_): still the referee's figures, digit for digit."""
    import kit

    kit.build(HELDOUT, tmp_path, use_cache=False)
    ref = subprocess.run([sys.executable, str(SCORE), str(tmp_path), str(HELDOUT_GOLD), "--prefix", "heldout_"],
                         capture_output=True, text=True, check=True, timeout=120)
    mine = subprocess.run([sys.executable, "-m", "kit", "evaluate", str(tmp_path), "--gold", str(HELDOUT_GOLD),
                           "--prefix", "heldout_"], capture_output=True, text=True, check=True, timeout=120, cwd=ROOT)
    assert json.loads(mine.stdout) == json.loads(ref.stdout)


def _damaged(t, out: Path) -> None:
    """Seeds tables with deliberate errors of every kind, so that no figure is a trivial 1.0."""
    lines = t.lines.copy()
    lines.loc[lines.index[::7], "role"] = "body"
    lines.loc[lines.index[1::9], "role"] = "tag"
    docs = t.documents.copy()
    docs.loc[docs.index[1], "title"] = ""
    docs.loc[docs.index[2], "published"] = pd.NaT
    docs.loc[docs.index[3], "author"] = "Someone Else"
    mentions = t.mentions.copy()
    mentions.loc[mentions.index[::3], "entity"] = "One Big Cluster"
    mentions = mentions.drop(index=mentions.index[1::11])
    quotes = t.quotes.copy()
    quotes.loc[quotes.index[::4], "speaker"] = ""
    quotes.loc[quotes.index[1::5], "start_char"] += 40
    quotes.loc[quotes.index[2::6], "end_char"] += 400
    timexes = t.timexes.copy()
    timexes.loc[timexes.index[::3], "date_start"] = pd.Timestamp("2001-01-01")
    timexes = timexes.drop(index=timexes.index[1::5])
    events = t.events.iloc[::2].copy()
    damaged = type(t)(documents=docs, lines=lines, sentences=t.sentences, mentions=mentions, entities=t.entities,
                      quotes=quotes, timexes=timexes, events=events)
    write(damaged, out)


@needs_score
def test_same_figures_as_referee_on_damaged_tables(seeds_tables, tmp_path):
    _damaged(seeds_tables, tmp_path)
    mine = json.loads(json.dumps(ev.evaluate(tmp_path, GOLD)))
    ref = _score_py(tmp_path)
    assert mine == ref
    # the damage shows: these are no longer perfect
    assert ref["lines"]["role_exact"] < 1 and ref["metadata"]["title"] < 1 and ref["metadata"]["published"] < 1
    assert ref["entities"]["b3_p"] < 1 and ref["quotes"]["attrib_prf"][0] < 1 and ref["timexes"]["value_prf"][0] < 1


def test_table_output_and_json(seeds_out):
    text = _kit_evaluate(seeds_out, "--table")
    table, js = text.rstrip().rsplit("\n", 1)
    assert json.loads(js)["lines"]["n"] == 94  # gold lines in data/gold/seeds_lines.jsonl
    for label in ("role exact", "B-cubed F1", "attribution P / R / F1", "value P / R / F1", "recall, indirect"):
        assert label in table
    assert table.splitlines()[0].split() == ["section", "figure", "value"]


# --------------------------------------------------------------------------- hand-checked figures


def _write(folder: Path, **tables: pd.DataFrame) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def _gold(folder: Path, **files) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        path = folder / f"my_{ev.GOLD_FILES[name]}"
        if isinstance(rows, dict):
            path.write_text(json.dumps(rows), encoding="utf-8")
        else:
            path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def test_bcubed_and_must_not_merge_by_hand(tmp_path):
    """Two gold people predicted as one entity: precision (2/3*2 + 1/3)/3 = 5/9, recall 1."""
    mentions = pd.DataFrame({"doc_id": ["d"] * 3, "start_char": [0, 10, 20], "end_char": [5, 15, 25],
                             "text": ["Kim Jong Un", "Kim Jong-un", "Kim Jong Il"], "entity": ["Kim"] * 3})
    gold = {"clusters": [{"entity": "Kim Jong Un", "surface_forms": ["Kim Jong Un", "Kim Jong-un"]},
                         {"entity": "Kim Jong Il", "surface_forms": ["Kim Jong Il", "Kim Il"]}],
            "must_not_merge": [["Kim Jong Un", "Kim Jong Il"]]}
    res = ev.evaluate(_write(tmp_path / "t", mentions=mentions), _gold(tmp_path / "g", entities=gold), prefix="my_")
    assert res["entities"] == {"b3_p": 0.556, "b3_r": 1.0, "b3_f1": 0.714, "forms_found": 0.75,
                               "must_not_merge_violations": 1}
    assert res["lines"] == {"missing_gold": True}


@pytest.mark.parametrize(("start", "end", "speaker", "span_ok", "attrib_ok"), [
    (100, 200, "Sergei Lavrov", True, True),      # exact span
    (150, 200, "Lavrov", True, True),             # half of the gold span, speaker via the entity cluster
    (100, 320, "Lavrov", False, False),           # covers the gold span but is more than twice as long
    (100, 200, "he", True, False),                # right span, unresolved speaker
    (160, 260, "Sergei Lavrov", False, False),    # overlap 40 < half of either span
])
def test_quote_matching_by_hand(tmp_path, start, end, speaker, span_ok, attrib_ok):
    quotes = pd.DataFrame({"doc_id": ["d"], "quote_id": [0], "kind": ["direct"], "start_char": [start],
                           "end_char": [end], "speaker": [speaker]})
    gold_q = [{"doc_id": "d", "start_char": 100, "end_char": 200, "kind": "direct", "speaker": "Sergei Lavrov"}]
    ents = {"clusters": [{"entity": "Sergei Lavrov", "surface_forms": ["Sergey Lavrov", "Lavrov"]}]}
    res = ev.evaluate(_write(tmp_path / "t", quotes=quotes), _gold(tmp_path / "g", quotes=gold_q, entities=ents),
                      prefix="my_")["quotes"]
    assert res["span_prf"] == ([1.0, 1.0, 1.0] if span_ok else [0.0, 0.0, 0.0])
    assert res["attrib_prf"] == ([1.0, 1.0, 1.0] if attrib_ok else [0.0, 0.0, 0.0])
    assert res["recall_direct"] == (1.0 if attrib_ok else 0.0)
    assert "recall_partial" not in res  # no gold partial quotes: no figure


def test_timex_value_and_metadata_by_hand(tmp_path):
    timexes = pd.DataFrame({"doc_id": ["d", "d"], "text": ["on Thursday", "last month"], "start_char": [0, 50],
                            "end_char": [11, 60], "value": ["2023-10-19", "2023-09"],
                            "date_start": pd.to_datetime(["2023-10-19", "2023-09-01"]),
                            "date_end": pd.to_datetime(["2023-10-19", "2023-09-15"])})
    docs = pd.DataFrame({"doc_id": ["d"], "title": ["Lavrov’s “trip”"], "outlet": [""], "author": [None],
                         "url": ["x"], "published": pd.to_datetime(["2023-10-19T14:00"], utc=True)})
    gold_t = [{"doc_id": "d", "start_char": 3, "end_char": 11, "date_start": "2023-10-19", "date_end": "2023-10-19"},
              {"doc_id": "d", "start_char": 50, "end_char": 60, "date_start": "2023-09-01", "date_end": "2023-09-30"}]
    gold_m = [{"doc_id": "d", "title": "Lavrov's trip", "outlet": None, "author": "", "url": "y",
               "published": "2023-10-19"}]
    res = ev.evaluate(_write(tmp_path / "t", timexes=timexes, documents=docs),
                      _gold(tmp_path / "g", timexes=gold_t, metadata=gold_m), prefix="my_")
    assert res["timexes"] == {"n_gold": 2, "n_pred": 2, "span_prf": [1.0, 1.0, 1.0], "value_prf": [0.5, 0.5, 0.5]}
    assert res["metadata"] == {"title": 1.0, "outlet": 1.0, "author": 1.0, "url": 0.0, "published": 1.0}
    assert res["quotes"] == {"missing_gold": True}


def test_accepts_tables_object(seeds_tables):
    res = ev.evaluate(seeds_tables, GOLD)
    assert res["lines"]["n"] == 94 and set(res) == set(ev.GOLD_FILES)


@pytest.mark.parametrize("case", ["no tables", "no gold dir", "no gold files"])
def test_helpful_errors_exit_2(tmp_path, capsys, case):
    tables, gold = tmp_path / "missing", GOLD
    if case == "no gold dir":
        tables, gold = GOLD, tmp_path / "nogold"
    elif case == "no gold files":
        tables, gold = GOLD, tmp_path
    assert main(["evaluate", str(tables), "--gold", str(gold)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kit: error:")
    assert {"no tables": "kit build", "no gold dir": "gold folder not found", "no gold files": "--prefix"}[case] in err
