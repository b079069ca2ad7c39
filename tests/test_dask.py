"""``kit build --engine dask`` gives exactly the tables of the single-process build."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

import kit

from .conftest import SEEDS

pytest.importorskip("dask.distributed")


def test_dask_engine_matches_local_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pin the code fingerprint: this test is about the engine, not about edits to kit/ meanwhile.
    monkeypatch.setattr(importlib.import_module("kit.build"), "_code_key", lambda: "pinned")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    ids = sorted(p.stem for p in SEEDS.glob("*.txt"))[:3]
    for doc_id in ids:
        shutil.copy(SEEDS / f"{doc_id}.txt", corpus)
    (corpus / "empty.txt").write_bytes(b"")  # unanalysable files travel through the cluster too
    local = kit.build(corpus, tmp_path / "local", use_cache=False, n_process=1, batch_size=2)
    # batch_size=2 gives two partitions with documents, so both workers of the cluster get some.
    dask = kit.build(corpus, tmp_path / "dask", engine="dask", workers=2, batch_size=2)
    assert list(dask.documents["doc_id"]) == [*ids, "empty"]
    for name in kit.TABLES:
        pd.testing.assert_frame_equal(local[name], dask[name], obj=name)
    assert set(dask.sentences["doc_id"]) == set(ids)
    # The Dask build caches per document like any other: a rebuild reuses everything.
    assert kit.build(corpus, tmp_path / "dask", engine="dask", workers=2, batch_size=2).from_cache
