"""The streaming build: tables written, per-document cache, incremental rebuilds, bad input."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import kit
from kit.corpus import CorpusError

from .conftest import ROOT, SEEDS

kb = importlib.import_module("kit.build")  # the module: `kit.build` is the function

SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))


@pytest.fixture(autouse=True)
def _pinned_code_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other edits to kit/ while a test runs must not look like a changed stage."""
    monkeypatch.setattr(kb, "_code_key", lambda: "pinned")


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A private copy of three seed articles (and the manifest), free to edit."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for doc_id in SEED_IDS[:3]:
        shutil.copy(SEEDS / f"{doc_id}.txt", folder)
    rows = (SEEDS / "manifest.csv").read_text(encoding="utf-8").splitlines(True)
    (folder / "manifest.csv").write_text("".join(r for r in rows if not r.startswith(tuple(SEED_IDS[3:]))),
                                         encoding="utf-8")
    return folder


@pytest.fixture()
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The doc_ids that go through the parse and the stages, in order (spied on)."""
    seen: list[str] = []
    real = kb.analyse_batch

    def spy(records, **kw):
        seen.extend(r["doc_id"] for r in records)
        return real(records, **kw)

    monkeypatch.setattr(kb, "analyse_batch", spy)
    return seen


def _frames(tables: kb.Tables) -> dict[str, pd.DataFrame]:
    return {t: tables[t].reset_index(drop=True) for t in kit.TABLES}


def test_writes_every_table(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    tables = kit.build(corpus, out)
    assert sorted(p.name for p in out.glob("*.parquet")) == sorted(f"{t}.parquet" for t in kit.TABLES)
    assert list(tables.documents["doc_id"]) == SEED_IDS[:3]
    assert set(tables.sentences["doc_id"]) == set(SEED_IDS[:3])
    # What is on disk is what was returned, and every row still points into its raw file.
    again = kit.load(out)
    for name, df in _frames(tables).items():
        pd.testing.assert_frame_equal(df, again[name].reset_index(drop=True))
    raw = {d: (corpus / f"{d}.txt").read_text(encoding="utf-8") for d in SEED_IDS[:3]}
    for r in tables.sentences.itertuples():
        assert raw[r.doc_id][r.start_char:r.end_char] == r.text


def test_raw_text_is_what_every_offset_indexes(corpus: Path, tmp_path: Path) -> None:
    # A byte-order mark and Windows line endings: Path.read_text would shift every offset.
    first = corpus / f"{SEED_IDS[0]}.txt"
    first.write_bytes(b"\xef\xbb\xbf" + first.read_bytes().replace(b"\n", b"\r\n"))
    t = kit.build(corpus, tmp_path / "out")
    docs = t.documents.set_index("doc_id")
    assert docs.loc[SEED_IDS[0], "encoding"] == "utf-8-sig" and docs.loc[SEED_IDS[1], "encoding"] == "utf-8"
    raw = {d: kit.raw_text(docs.loc[d, "path"]) for d in docs.index}
    assert "\r\n" in raw[SEED_IDS[0]]
    for name, col in (("lines", "text"), ("sentences", "text"), ("mentions", "text"), ("timexes", "text"),
                      ("quotes", "quote")):
        df = kit.read_parquet(tmp_path / "out" / f"{name}.parquet")
        assert len(df[df["doc_id"] == SEED_IDS[0]]), name
        for r in df.itertuples():
            assert raw[r.doc_id][r.start_char:r.end_char] == getattr(r, col), (name, r)


def test_unchanged_rebuild_reuses_everything(corpus: Path, tmp_path: Path, parsed: list[str]) -> None:
    out = tmp_path / "out"
    first = kit.build(corpus, out)
    assert parsed == SEED_IDS[:3]
    parsed.clear()
    second = kit.build(corpus, out)
    assert second.from_cache and parsed == []
    assert second.n_rows("sentences") == len(first.sentences)
    assert second.problems() == first.problems()


def test_changed_file_reparses_only_itself(corpus: Path, tmp_path: Path, parsed: list[str]) -> None:
    out = tmp_path / "out"
    before = kit.build(corpus, out)
    before_frames = _frames(before)
    parsed.clear()
    changed = SEED_IDS[1]
    path = corpus / f"{changed}.txt"
    added = "The harbour master said on Tuesday that the ferry to Oslo would sail again."
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + added + "\n", encoding="utf-8")

    after = kit.build(corpus, out)
    assert not after.from_cache
    assert parsed == [changed]
    sents = after.sentences
    assert added in set(sents.loc[sents["doc_id"] == changed, "text"])
    assert len(sents[sents["doc_id"] == changed]) == len(before_frames["sentences"].query("doc_id == @changed")) + 1
    # The other documents' rows are exactly what they were.
    for name in ("documents", "lines", "sentences"):
        old = before_frames[name].query("doc_id != @changed").reset_index(drop=True)
        new = after[name].query("doc_id != @changed").reset_index(drop=True)
        pd.testing.assert_frame_equal(old, new)
    # ... and a rebuild from scratch gives the same tables as the incremental one.
    fresh = kit.build(corpus, tmp_path / "fresh", use_cache=False)
    for name, df in _frames(fresh).items():
        pd.testing.assert_frame_equal(df, after[name].reset_index(drop=True))


def test_removed_file_is_dropped(corpus: Path, tmp_path: Path, parsed: list[str]) -> None:
    out = tmp_path / "out"
    kit.build(corpus, out)
    n_cached = len(list((out / kb.CACHE_DIR / "docs").glob("*.pkl")))
    parsed.clear()
    gone = SEED_IDS[0]
    (corpus / f"{gone}.txt").unlink()
    # The manifest still lists it: the document stays, flagged, with no analysis rows.
    after = kit.build(corpus, out)
    assert parsed == [gone]  # only the missing file's record is re-read; nothing is parsed
    docs = after.documents.set_index("doc_id")
    assert docs.loc[gone, "problems"] == ["listed in manifest.csv but the file is missing"]
    assert gone not in set(after.sentences["doc_id"]) and gone not in set(after.mentions["doc_id"])
    assert len(list((out / kb.CACHE_DIR / "docs").glob("*.pkl"))) == n_cached - 1

    manifest = corpus / "manifest.csv"
    manifest.write_text("".join(ln for ln in manifest.read_text(encoding="utf-8").splitlines(True) if gone not in ln),
                        encoding="utf-8")
    parsed.clear()
    final = kit.build(corpus, out)
    assert parsed == [] and list(final.documents["doc_id"]) == SEED_IDS[1:3]


@pytest.mark.parametrize(("batch_size", "piece_rows"), [(1, 1), (2, 1), (2, 150)])
def test_batches_do_not_change_the_tables(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          batch_size: int, piece_rows: int) -> None:
    # Pieces written a few rows at a time and merged must equal one piece of everything
    # (schemas unified: a column all empty in one piece is typed in another).
    (corpus / "empty.txt").write_bytes(b"")
    one = kit.build(corpus, tmp_path / "one", use_cache=False, batch_size=64)
    monkeypatch.setattr(kb, "PIECE_ROWS", piece_rows)
    many = kit.build(corpus, tmp_path / "many", use_cache=False, batch_size=batch_size)
    for name, df in _frames(one).items():
        pd.testing.assert_frame_equal(df, many[name].reset_index(drop=True))
    assert many.documents.set_index("doc_id").loc["empty", "problems"] == ["empty file"]


def test_build_without_out_returns_tables_in_memory(corpus: Path) -> None:
    tables = kit.build(corpus)
    assert tables.folder is None and len(tables.documents) == 3
    assert set(tables.as_dict()) == set(kit.TABLES)


def test_every_input_file_is_a_document(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    shutil.copy(SEEDS / f"{SEED_IDS[0]}.txt", folder)
    (folder / "blank.txt").write_text("  \n\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    (folder / "manifest.csv").write_text("doc_id,published\nghost,2024-01-02\n", encoding="utf-8")
    tables = kit.build(folder, tmp_path / "out")
    problems = tables.problems()
    assert list(tables.documents["doc_id"]) == [SEED_IDS[0], "binary", "blank", "ghost"]
    assert problems == {"binary": ["binary file: not text; not analysed"], "blank": ["blank file: only whitespace"],
                        "ghost": ["listed in manifest.csv but the file is missing"]}
    assert tables.notes == ["ignored (not a .txt article): notes.md"]
    assert set(tables.sentences["doc_id"]) == {SEED_IDS[0]}


def test_empty_folder_gives_empty_tables(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    tables = kit.build(tmp_path / "empty", tmp_path / "out")
    assert len(tables.documents) == 0 and "problems" in tables.documents.columns
    assert all(tables.n_rows(t) == 0 for t in kit.TABLES)


@pytest.mark.parametrize("where", ["missing", "file"])
def test_bad_corpus_path_raises(tmp_path: Path, where: str) -> None:
    path = tmp_path / "nope"
    if where == "file":
        path.write_text("x", encoding="utf-8")
    with pytest.raises(CorpusError):
        kit.build(path, tmp_path / "out")


def test_cli_bad_corpus_path_exits_2(tmp_path: Path) -> None:
    from kit.cli import main

    assert main(["build", str(tmp_path / "nope"), "--out", str(tmp_path / "out"), "-q"]) == 2


def test_cache_hit_imports_neither_pandas_nor_spacy(corpus: Path, tmp_path: Path) -> None:
    # The unchanged-rebuild budget (<= 1 s with Python start-up) leaves no room for spaCy.
    out = tmp_path / "out"
    code = ("import sys; from kit.cli import main; rc = main(['build', sys.argv[1], '--out', sys.argv[2]]); "
            "heavy = sorted(m for m in ('spacy', 'pandas', 'pyarrow', 'textacy') if m in sys.modules); "
            "print('HEAVY', heavy); sys.exit(rc)")
    for _ in range(2):  # the first run builds (with the real code fingerprint), the second reuses
        res = subprocess.run([sys.executable, "-c", code, str(corpus), str(out)], capture_output=True, text=True,
                             cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "HEAVY []" in res.stdout
    assert "3 documents" in res.stdout and "tables reused from the cache" in res.stdout


def test_code_change_invalidates_the_cache(corpus: Path, tmp_path: Path, parsed: list[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    kit.build(corpus, out)
    parsed.clear()
    monkeypatch.setattr(kb, "_code_key", lambda: "a stage was edited")
    tables = kit.build(corpus, out)
    assert parsed == SEED_IDS[:3] and not tables.from_cache


def test_process_pool_gives_the_same_tables(corpus: Path, tmp_path: Path) -> None:
    # Two worker processes, two documents per batch: batches come back in order.
    (corpus / "empty.txt").write_bytes(b"")
    one = kit.build(corpus, tmp_path / "one", use_cache=False, n_process=1, batch_size=2)
    two = kit.build(corpus, tmp_path / "two", use_cache=False, n_process=2, batch_size=2)
    for name, df in _frames(one).items():
        pd.testing.assert_frame_equal(df, two[name].reset_index(drop=True), obj=name)


def test_process_pool_window_keeps_batches_in_order(corpus: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # One chunk in flight per worker: the driver asks for the next only as it takes one.
    one = kit.build(corpus, tmp_path / "one", use_cache=False, n_process=1, batch_size=1)
    monkeypatch.setattr(kb, "POOL_WINDOW", 1)
    two = kit.build(corpus, tmp_path / "two", use_cache=False, n_process=2, batch_size=1)
    for name, df in _frames(one).items():
        pd.testing.assert_frame_equal(df, two[name].reset_index(drop=True), obj=name)


def _spool_of(tmp_path: Path, pieces: list[pd.DataFrame]) -> kb._Spool:
    spool = kb._Spool(tmp_path / "spool")
    for df in pieces:
        spool.add("input", df)
    return spool


def test_spool_categorical_gives_the_values_of_the_pieces(tmp_path: Path) -> None:
    pieces = [
        pd.DataFrame({"doc": ["b", "a"], "n": [1, 2], "maybe": ["x", "y"], "spans": [[(1, 2)], []]}),
        pd.DataFrame({"doc": pd.Series([], dtype=object), "n": pd.Series([], dtype="int64"),
                      "maybe": pd.Series([], dtype=object), "spans": pd.Series([], dtype=object)}),
        pd.DataFrame({"doc": ["c", "b"], "n": [3, 4], "maybe": [None, "y"], "spans": [[], [(5, 6)]]}),
    ]
    spool = _spool_of(tmp_path, pieces)
    [got] = spool.categorical("input")
    # all text in every piece: categorical, categories sorted so sorting by it sorts the strings
    assert isinstance(got["doc"].dtype, pd.CategoricalDtype)
    assert list(got["doc"].cat.categories) == ["a", "b", "c"]
    assert list(got["doc"]) == ["b", "a", "c", "b"]
    # a None in one piece: the column stays Python objects, values as they were
    assert got["maybe"].dtype == object and list(got["maybe"]) == ["x", "y", None, "y"]
    assert list(got["n"]) == [1, 2, 3, 4] and got["n"].dtype == "int64"
    assert list(got["spans"]) == [[(1, 2)], [], [], [(5, 6)]]
    assert list(got.columns) == ["doc", "n", "maybe", "spans"]
    plain = pd.concat(spool.frames("input"), ignore_index=True)
    pd.testing.assert_frame_equal(got.astype({"doc": object}), plain)


@pytest.mark.parametrize("later", [
    pd.DataFrame({"doc": [5, 6], "n": [3, 4]}),                 # a text column turns out numeric
    pd.DataFrame({"doc": [float("nan")] * 2, "n": [3.5, 4.0]}),  # all missing; ints become floats
    pd.DataFrame({"doc": pd.Categorical(["c", "a"]), "n": [3, 4]}),
    pd.DataFrame({"doc": ["c", "a"], "n": ["x", "y"]}),          # a numeric column turns out text
    pd.DataFrame({"doc": ["c", "a"], "other": [3, 4]}),          # another shape altogether
])
def test_spool_categorical_of_disagreeing_pieces_is_their_concatenation(tmp_path: Path, later: pd.DataFrame) -> None:
    first = pd.DataFrame({"doc": ["b", "a"], "n": [1, 2]})
    spool = _spool_of(tmp_path, [first, later])
    got = pd.concat(spool.categorical("input"), ignore_index=True)
    want = pd.concat([first, later], ignore_index=True)
    cats = [c for c in got.columns if isinstance(got[c].dtype, pd.CategoricalDtype)]
    pd.testing.assert_frame_equal(got.astype({c: object for c in cats}),
                                  want.astype({c: object for c in cats}), check_dtype=False)
    assert [str(got[c].dtype) for c in got.columns if c not in cats] == \
        [str(want[c].dtype) for c in want.columns if c not in cats]


def test_spool_categorical_of_no_rows_keeps_the_columns(tmp_path: Path) -> None:
    empty = pd.DataFrame({"doc": pd.Series([], dtype=object), "n": pd.Series([], dtype="int64")})
    [got] = _spool_of(tmp_path, [empty, empty]).categorical("input")
    assert list(got.columns) == ["doc", "n"] and len(got) == 0
    assert _spool_of(tmp_path / "none", []).categorical("input") == []


def test_categorical_columns_are_written_as_plain_strings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.parquet as pq

    plain = pd.DataFrame({"doc_id": ["d1", "d1", "d2", "d3", "d3"], "start_char": [0, 5, 1, 2, 9],
                          "entity": ["", "Russia", "Kim Jong Un", "Russia", ""], "nested": [False, True] + [False] * 3})
    cat = plain.astype({"doc_id": "category", "entity": "category"})
    monkeypatch.setattr(kb, "WRITE_ROWS", 2)  # three row groups
    kb._write_frame(plain, tmp_path / "plain.parquet")
    kb._write_frame(cat, tmp_path / "cat.parquet", plain_text=True)
    a, b = pq.read_table(tmp_path / "plain.parquet"), pq.read_table(tmp_path / "cat.parquet")
    assert a.schema.equals(b.schema, check_metadata=True) and a.equals(b)
    back = kb.read_parquet(tmp_path / "cat.parquet")
    assert back["entity"].dtype == object and list(back["entity"]) == list(plain["entity"])
    # no rows, or a column with no value: typed as the object column would be (null)
    for frame in (plain.iloc[0:0], plain.assign(entity=None)):
        kb._write_frame(frame, tmp_path / "plain.parquet")
        kb._write_frame(frame.astype({"doc_id": "category", "entity": "category"}), tmp_path / "cat.parquet",
                        plain_text=True)
        a, b = pq.read_table(tmp_path / "plain.parquet"), pq.read_table(tmp_path / "cat.parquet")
        assert a.schema.equals(b.schema, check_metadata=True) and a.equals(b)


def test_releasing_memory_between_steps_changes_nothing(corpus: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    one = kit.build(corpus, tmp_path / "one", use_cache=False)
    calls: list[int] = []
    real = kb.release_memory
    monkeypatch.setattr(kb, "release_memory", lambda: calls.append(1) or real())
    monkeypatch.setattr(kb, "RELEASE_FROM_ROWS", 0)
    two = kit.build(corpus, tmp_path / "two", use_cache=False)
    assert len(calls) == 6  # after the parse, after reading the mentions and after each step
    for name, df in _frames(one).items():
        pd.testing.assert_frame_equal(df, two[name].reset_index(drop=True), obj=name)
