"""Order the stages, stream documents through one parse, cache per document, write Parquet.

``build`` is the only place that touches the disk: stages are pure functions of the parsed
documents and tables. The build streams: files are read lazily in batches, every batch goes
through one spaCy parse and every per-document stage (:func:`analyse_batch`, the same function
the Dask engine maps over partitions), and the per-document tables are written piece by piece,
so memory stays flat however large the corpus. Only the corpus-level reductions
(:func:`reduce_corpus`: entity clustering, speaker resolution, event merging) see the whole
corpus, and they read small tables.

Per-document results are cached by the file's content, its manifest row, the kit's code and
the pipeline, so a changed file re-parses only itself; a stamp over the whole input makes an
unchanged rebuild instant. That path imports neither pandas nor spaCy: heavy modules are bound
lazily below (keep it that way: ``tests/test_build.py`` checks it).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit import DEFAULT_MODEL, __version__

if TYPE_CHECKING:  # annotations only: importing these costs a second on every CLI call
    import pandas  # noqa: F401
    import spacy  # noqa: F401

    from kit.corpus import Article, Corpus


class _Lazy:
    """A module imported on first attribute access (``pd.concat`` works as usual)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(importlib.import_module(self._name), attr)


# Bound lazily so that an unchanged rebuild never imports pandas, spaCy or the stages.
pd = _Lazy("pandas")
entities = _Lazy("kit.entities")
quotes = _Lazy("kit.quotes")
chronology = _Lazy("kit.chronology")
kit_nlp = _Lazy("kit.nlp")
kit_corpus = _Lazy("kit.corpus")

__all__ = ["TABLES", "Tables", "build", "load", "write", "read_parquet", "analyse_doc", "analyse_batch", "frame",
           "reduce_corpus", "input_records"]

#: Every table ``kit build`` writes, in the order of ``SCHEMA.md``.
TABLES = ("documents", "lines", "sentences", "mentions", "entities", "quotes", "timexes", "events")
CACHE_DIR = ".kit-cache"
#: Documents per batch: what one worker reads, parses and analyses at a time. spaCy's parser
#: gains little above ~32 docs a batch while memory grows with it (issue 8: 1.6 GB at 256).
DEFAULT_BATCH = 32
#: Below this many documents to parse, extra processes cost more (each loads the model, ~2 s)
#: than they save.
AUTO_PROCESSES_FROM = 200
#: Rows (of all tables) gathered before they are written as one piece per table: a pandas frame
#: and a Parquet write cost the same whether they hold one batch or a few, while memory stays
#: bounded (about 15 MB of rows; ~115 rows per seed-sized article).
PIECE_ROWS = 16384
_LIST_COLUMNS = (("documents", ("problems",)), ("entities", ("aliases",)),
                 ("events", ("participants", "reported_in", "evidence", "inferred_participants")))
#: Rows (of mentions; of all tables after the parse) from which the build hands freed memory
#: back to the system between steps (:func:`release_memory`): about 1,500 articles' mentions.
RELEASE_FROM_ROWS = 100_000
#: Chunks in flight per worker process: enough that no worker waits for its next chunk.
POOL_WINDOW = 4
#: Reduction inputs read with text columns as categoricals (:meth:`_Spool.categorical`): the
#: mentions, the largest by far, whose step (``entities.resolve``) keeps them categorical
#: through to the written table. The quotes and events steps sort, group and compare Python
#: strings, and their inputs are small.
_CATEGORICAL_INPUTS = ("mentions_raw",)
_EMPTY_COLUMNS = {"sentences": ["doc_id", "sent_id", "start_char", "end_char", "text"]}


# --------------------------------------------------------------------------- tables


class Tables:
    """The kit's tables for one corpus, as pandas dataframes (attribute or ``[name]`` access).

    Tables that ``build`` wrote to disk are read on first use, so asking for one table does not
    load the others.
    """

    def __init__(self, documents: pandas.DataFrame | None = None, lines: pandas.DataFrame | None = None,
                 sentences: pandas.DataFrame | None = None, mentions: pandas.DataFrame | None = None,
                 entities: pandas.DataFrame | None = None, quotes: pandas.DataFrame | None = None,
                 timexes: pandas.DataFrame | None = None, events: pandas.DataFrame | None = None,
                 notes: list[str] | None = None, from_cache: bool = False, *,
                 folder: str | Path | None = None, summary: dict | None = None) -> None:
        given = (documents, lines, sentences, mentions, entities, quotes, timexes, events)
        self._frames: dict[str, pandas.DataFrame] = {n: df for n, df in zip(TABLES, given) if df is not None}
        self.notes: list[str] = list(notes or [])
        self.from_cache = from_cache
        self.folder = Path(folder) if folder is not None else None
        self._summary = summary or {}

    def __getattr__(self, name: str) -> pandas.DataFrame:
        # Only called when normal lookup fails: the table attributes.
        if name.startswith("_") or name not in TABLES:
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError as exc:  # getattr(tables, name, None) must work for an absent table
            raise AttributeError(str(exc)) from None

    def __getitem__(self, name: str) -> pandas.DataFrame:
        if name not in self._frames:
            if self.folder is None or name not in TABLES:
                raise KeyError(f"no {name!r} table")
            self._frames[name] = _read_table(self.folder, name)
        return self._frames[name]

    def __setitem__(self, name: str, df: pandas.DataFrame) -> None:
        self._frames[name] = df

    def __contains__(self, name: str) -> bool:
        return name in self._frames or (self.folder is not None and (self.folder / f"{name}.parquet").exists())

    def __repr__(self) -> str:
        where = f" from {self.folder}" if self.folder is not None else ""
        return f"<Tables{where}: {', '.join(f'{t}={self.n_rows(t)}' for t in TABLES if t in self)}>"

    def as_dict(self) -> dict[str, pandas.DataFrame]:
        """The tables by name."""
        return {name: self[name] for name in TABLES}

    def n_rows(self, name: str) -> int:
        """Rows of one table, without reading it when the build recorded the count."""
        if name not in self._frames and name in self._summary.get("counts", {}):
            return int(self._summary["counts"][name])
        return len(self[name])

    def problems(self) -> dict[str, list[str]]:
        """``doc_id`` -> problems, for the documents that have any."""
        if "documents" not in self._frames and "problems" in self._summary:
            return {k: list(v) for k, v in self._summary["problems"].items()}
        docs = self["documents"]
        return {d: list(p) for d, p in zip(docs["doc_id"], docs["problems"]) if len(p)}


def read_parquet(path: str | Path, *, columns: list[str] | None = None) -> pandas.DataFrame:
    """``pandas.read_parquet(path)``, read by path. pandas opens a local file itself and hands
    pyarrow the Python file object; reads of it from Arrow's thread pool can then abort the
    interpreter as it exits ("terminate called without an active exception": apache/arrow
    issues 34314 and 50482), which fails a command that has done all its work."""
    import pyarrow.parquet as pq

    return pq.read_table(str(path), columns=columns).to_pandas()


def _read_table(folder: Path, name: str, *, columns: list[str] | None = None) -> pandas.DataFrame:
    df = read_parquet(folder / f"{name}.parquet", columns=columns)
    for t, cols in _LIST_COLUMNS:
        if t == name:
            for c in cols:
                if c in df.columns:
                    # Parquet gives numpy arrays back; the contract says lists.
                    df[c] = df[c].map(lambda v: list(v) if v is not None and not isinstance(v, float) else [])
    return df


# --------------------------------------------------------------------------- the stages


def analyse_doc(doc: spacy.tokens.Doc, art: Article, *, published: pandas.Timestamp | None) -> dict[str, list[dict]]:
    """Run every per-document stage on one parsed article: rows (dicts) by table name.

    Keys named like a table in :data:`TABLES` are final rows, written as they come; the others
    are collected for :func:`reduce_corpus`. :func:`frame` makes a table of any key's rows; the
    build makes one per batch, not one per document (a pandas frame costs about as much to make
    as a small stage does to run).
    """
    timexes = chronology.timex_rows(doc, art, published=published)
    return {
        "sentences": kit_nlp.sentence_rows(doc, art),
        "mentions_raw": entities.mention_rows(doc, art),
        "quotes_raw": quotes.quote_rows(doc, art),
        "timexes": timexes,
        "event_candidates": chronology.event_candidate_rows(doc, art, timexes),
    }


#: The function that makes each per-document result's rows a table (module, name).
_FRAMES = {"documents": ("kit.corpus", "documents_frame"), "lines": ("kit.corpus", "lines_frame"),
           "sentences": ("kit.nlp", "sentences_frame"), "mentions_raw": ("kit.entities", "mentions_frame"),
           "quotes_raw": ("kit.quotes", "quotes_frame"), "timexes": ("kit.chronology", "timexes_frame"),
           "event_candidates": ("kit.chronology", "event_candidates_frame")}


def frame(name: str, rows: list[dict]) -> pandas.DataFrame:
    """The table of some per-document rows of ``name`` (a key of :func:`analyse_batch`'s
    results), with that table's columns and dtypes however few rows there are."""
    module, func = _FRAMES[name]
    return getattr(importlib.import_module(module), func)(rows)


def reduce_corpus(
    corpus: Corpus,
    parts: dict[str, list[pandas.DataFrame]],
    *,
    aliases: str | Path | None = None,
    capitals: bool = False,
    sink: Callable[[str, pandas.DataFrame], None] | None = None,
) -> Tables:
    """Corpus-level steps over the per-document results: entity clustering, speaker
    resolution, event merging.

    ``parts`` maps each non-table key of :func:`analyse_doc` to its frames, or to a function
    returning them (called when that step starts, so only one step's input is in memory at a
    time); each entry is removed from ``parts`` once used. ``corpus`` carries the ``documents``
    table (without its ``text`` column, to keep memory flat) and the notes; its ``articles``
    and ``lines`` are empty in a streamed build. Return only the tables made here: a table
    returned here replaces the streamed one of the same name. With ``sink``, each table is
    handed to ``sink(name, frame)`` as soon as it is made (the build writes it) and not kept.
    Inputs read back by ``_Spool.reduction_inputs`` (the build's) make the mentions' text
    columns categorical, with every category of the corpus: the build writes them as plain
    strings (``_write_frame(..., plain_text=True)``).
    """
    def cat(name: str) -> pandas.DataFrame:
        frames = parts.pop(name, [])
        if callable(frames):
            frames = frames()
        full = [f for f in frames if f is not None and len(f)]
        if not full:
            empty = [f for f in frames if f is not None]
            return empty[0].iloc[0:0].copy() if empty else pd.DataFrame()
        del frames
        return pd.concat(full, ignore_index=True) if len(full) > 1 else full[0]

    made: dict[str, pandas.DataFrame] = {}

    def done(name: str, df: pandas.DataFrame) -> None:
        if sink is None:
            made[name] = df
        else:
            sink(name, df)

    # Between steps, the memory a step freed goes back to the system (release_memory), so the
    # next step's peak does not stack on top of it; not worth a full garbage collection (50 ms
    # with a model loaded) for a small corpus.
    raw = cat("mentions_raw")
    tidy = release_memory if len(raw) >= RELEASE_FROM_ROWS else (lambda: None)
    tidy()  # reading the pieces leaves freed pages behind
    mentions, ents = entities.resolve(raw, aliases=aliases, capitals=capitals)
    del raw
    done("entities", ents)
    tidy()
    done("quotes", quotes.resolve(cat("quotes_raw"), mentions, ents))
    del ents
    tidy()
    done("events", chronology.merge_events(cat("event_candidates"), mentions))
    tidy()
    done("mentions", mentions)
    del mentions
    tidy()
    return Tables(**made, notes=list(corpus.notes))


def release_memory() -> None:
    """Hand the memory freed so far back to the operating system.

    A step of the build frees most of what it allocated, but the C allocator keeps the freed
    pages for reuse and Python's and Arrow's allocators keep their own pools: the process's
    resident memory then climbs step after step, each one adding its peak to what the last
    left behind (at 20,000 articles, 170 MB of the mentions input's 300 MB were freed pages).
    ``malloc_trim`` (glibc; a no-op elsewhere) and Arrow's ``release_unused`` return them,
    after a garbage collection frees the cycles pandas leaves.
    """
    import ctypes
    import gc
    import sys

    gc.collect()
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError, TypeError):  # not glibc (TypeError: no CDLL(None) on Windows)
        pass


def _read_article(rec: dict) -> Article:
    """One input record -> :class:`~kit.corpus.Article` (as ``read_corpus`` reads each file)."""
    if rec["missing"]:
        return kit_corpus.read_article(rec["doc_id"], None)
    # "file" is absolute: a Dask worker need not share the driver's working directory.
    return kit_corpus.read_article(rec["doc_id"], rec.get("file") or rec["path"], shown_path=rec["path"])


def analyse_batch(records: Sequence[dict], *, model: str = DEFAULT_MODEL,
                  batch_size: int = DEFAULT_BATCH) -> list[dict[str, list[dict]]]:
    """Read, parse once and analyse some input files: for each, its per-document rows by
    table name (``documents`` and ``lines`` always; the stages' when it could be analysed).

    This is the per-partition function of every engine (in process, a process pool, Dask):
    it only needs the records (``doc_id``, ``path`` as listed, absolute ``file``, ``manifest``
    row, ``missing``; see :func:`input_records`) and loads the model once per process.
    """
    if not len(records):
        return []
    arts = [_read_article(r) for r in records]
    out: list[dict[str, list[dict]]] = []
    for art, rec in zip(arts, records):
        doc_row, line_rows = kit_corpus.article_rows(art, rec.get("manifest"))
        out.append({"documents": [doc_row], "lines": line_rows})
    todo = [i for i, a in enumerate(arts) if a.analysable and a.text.strip()]
    if todo:
        # the publication dates as the documents table holds them (UTC timestamps)
        published = frame("documents", [out[i]["documents"][0] for i in todo])["published"]
        nlp = kit_nlp.load_pipeline(model)
        where = {id(arts[i]): (i, None if pd.isna(p) else p) for i, p in zip(todo, published)}
        for art, doc in kit_nlp.parse(nlp, [arts[i] for i in todo], n_process=1, batch_size=batch_size):
            i, pub = where[id(art)]
            out[i].update(analyse_doc(doc, art, published=pub))
    return out


# --------------------------------------------------------------------------- cache keys


def _code_key() -> str:
    """The kit's own source: a changed stage invalidates every cached result it made."""
    h = hashlib.sha1(__version__.encode())
    root = Path(__file__).resolve().parent
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".csv", ".yaml", ".yml", ".json", ".txt") and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _dist_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def _input_state(corpus_dir: Path, model: str, aliases: str | Path | None, capitals: bool) -> tuple[str, str, dict[str, str | None]]:
    """``(whole-build key, per-document key prefix, file name -> sha1)`` of a corpus folder."""
    h = hashlib.sha1()
    prefix = hashlib.sha1()
    for part in (_code_key(), model, _dist_version(model), _dist_version("spacy")):
        prefix.update(str(part).encode() + b"\0")
    h.update(prefix.digest() + str(capitals).encode())
    shas: dict[str, str | None] = {}
    for p in sorted(corpus_dir.iterdir()):
        if p.name.startswith("."):
            continue
        sha = None
        if p.is_file() and (p.suffix.lower() == ".txt" or p.name == "manifest.csv"):
            try:
                sha = hashlib.sha1(p.read_bytes()).hexdigest()
            except OSError:
                sha = None
        shas[p.name] = sha
        h.update(p.name.encode() + b"\0" + str(sha).encode() + b"\0")
    if aliases:
        ap = Path(aliases)
        h.update(ap.read_bytes() if ap.is_file() else b"missing")
    return h.hexdigest(), prefix.hexdigest(), shas


def _doc_key(prefix: str, rec: dict, sha: str | None) -> str | None:
    if sha is None or rec["missing"]:
        return None  # unreadable or missing: cheap to redo, and its problem may be transient
    h = hashlib.sha1(prefix.encode())
    h.update(json.dumps([rec["doc_id"], sha, rec.get("manifest") or {}], sort_keys=True).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- writing


class _Spool:
    """Per-document rows gathered and written as pieces; final tables combined at the end.

    Rows are made into one frame per table every :data:`PIECE_ROWS` rows (:func:`frame`).
    Final tables are Parquet pieces merged into one file with a unified schema (a column that
    is all-null in one piece and text in another is text); reduction inputs are pickled frames,
    read back by ``reduce_corpus``.
    """

    def __init__(self, folder: Path, *, piece_rows: int | None = None) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.pieces: dict[str, list[Path]] = {}
        self.counts: dict[str, int] = {}
        self.piece_rows = PIECE_ROWS if piece_rows is None else piece_rows
        self._pending: dict[str, list[dict]] = {}
        self._n_pending = 0

    def add_rows(self, doc_res: dict[str, list[dict]]) -> None:
        """Take one document's rows (by table name); written with the next piece."""
        for name, rows in doc_res.items():
            self._pending.setdefault(name, []).extend(rows)
            self._n_pending += len(rows)
        if self._n_pending >= self.piece_rows:
            self.flush()

    def flush(self) -> None:
        """Write the rows taken so far as one piece per table."""
        for name, rows in self._pending.items():
            self.add(name, frame(name, rows))
        self._pending, self._n_pending = {}, 0

    def add(self, name: str, df: pandas.DataFrame) -> None:
        """Write a table of ``name`` as its next piece."""
        paths = self.pieces.setdefault(name, [])
        path = self.folder / f"{name}.{len(paths):06d}"
        if name in TABLES:
            df.to_parquet(path, index=False)
        else:
            path.write_bytes(pickle.dumps(df, protocol=pickle.HIGHEST_PROTOCOL))
        paths.append(path)
        self.counts[name] = self.counts.get(name, 0) + len(df)

    def frames(self, name: str) -> list[pandas.DataFrame]:
        """The pickled pieces of a reduction input, short strings shared between rows.

        A mention table repeats the same few strings (doc ids, labels, names) hundreds of
        thousands of times; one object per distinct value keeps the reductions' memory small.
        Values and dtypes are unchanged.
        """
        import numpy as np

        shared: dict[str, str] = {}
        out = []
        for p in self.pieces.get(name, []):
            df = pickle.loads(p.read_bytes())
            for c in df.columns:
                if df[c].dtype != object or not len(df):
                    continue
                values = df[c].to_numpy()
                if pd.api.types.infer_dtype(values, skipna=False) == "string":
                    # all text: look up each distinct value once (factorize runs in C)
                    codes, uniques = pd.factorize(values)
                    uniq = np.empty(len(uniques), dtype=object)
                    uniq[:] = [shared.setdefault(v, v) for v in uniques]
                    vals = uniq.take(codes)
                else:
                    vals = [shared.setdefault(v, v) if type(v) is str and len(v) <= 80 else v for v in values]
                df[c] = pd.Series(vals, index=df.index, dtype=object)
            out.append(df)
        return out

    def reduction_inputs(self) -> dict[str, Callable[[], list[pandas.DataFrame]]]:
        """The ``parts`` of :func:`reduce_corpus`: per reduction input, a function that reads
        it back when its step starts (:meth:`categorical` or :meth:`frames`)."""
        return {name: functools.partial(self.categorical if name in _CATEGORICAL_INPUTS else self.frames, name)
                for name in self.pieces if name not in TABLES}

    def categorical(self, name: str) -> list[pandas.DataFrame]:
        """The pickled pieces of a reduction input as one frame, text columns as categoricals.

        A column that holds only strings in every piece becomes a ``pandas.Categorical`` over
        its distinct values, sorted (so sorting by it orders rows as the strings would): a few
        bytes a row, where an object column costs an eight-byte pointer a row and concatenating
        the pieces copies those once more. Other columns are concatenated as they are. Values
        are unchanged; only the dtype of the text columns differs from :meth:`frames`.
        """
        import numpy as np

        paths = self.pieces.get(name, [])
        ids: dict[str, dict[str, int]] = {}  # text column -> value -> code (first seen)
        parts: dict[str, list] = {}          # column -> per piece: codes (text), else a Series
        columns: list[str] | None = None
        empty = None
        n = 0
        for p in paths:
            df = pickle.loads(p.read_bytes())
            if empty is None:
                empty = df.iloc[0:0]
            if not len(df):
                continue
            if columns is None:
                columns = list(df.columns)
                ids = {c: {} for c in columns if df[c].dtype == object}
                parts = {c: [] for c in columns}
            elif list(df.columns) != columns:  # pieces of another shape: read them the plain way
                return self.frames(name)
            n += len(df)
            for c in columns:
                col = df[c]
                if c in ids:
                    values = col.to_numpy() if col.dtype == object else None
                    if values is not None and pd.api.types.infer_dtype(values, skipna=False) == "string":
                        local, uniques = pd.factorize(values)
                        seen = ids[c]
                        lookup = np.fromiter((seen.setdefault(u, len(seen)) for u in uniques), dtype=np.int32,
                                             count=len(uniques))
                        parts[c].append(lookup.take(local))
                        continue
                    # not all text after all: the earlier pieces' codes back to their values
                    cats = np.array(list(ids.pop(c)), dtype=object)
                    parts[c] = [pd.Series(cats.take(k), dtype=object) for k in parts[c]]
                parts[c].append(col.reset_index(drop=True))
            del df
        if columns is None:  # no rows at all
            return [empty] if empty is not None else []
        # Column by column into a frame that keeps each as its own block: concatenating whole
        # frames, or making one from a dict of columns, copies every column once more.
        out = pd.DataFrame(index=pd.RangeIndex(n))
        for c in columns:
            got, parts[c] = parts[c], []
            if c in ids:
                cats = np.array(list(ids[c]), dtype=object)
                order = np.argsort(cats, kind="stable")
                rank = np.empty(len(order), dtype=np.int32)
                rank[order] = np.arange(len(order), dtype=np.int32)
                codes = rank.take(np.concatenate(got))
                out[c] = pd.Categorical.from_codes(codes, categories=pd.Index(cats.take(order), dtype=object))
            else:  # as concatenating the pieces would (dtypes unified)
                out[c] = pd.concat(got, ignore_index=True) if len(got) > 1 else got[0]
            del got
        return [out]

    def combine(self, name: str, dest: Path) -> None:
        """Merge the Parquet pieces of a final table into ``dest`` one piece at a time."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        paths = self.pieces.get(name, [])
        if not paths:
            cols = _EMPTY_COLUMNS.get(name) or (list(chronology.TIMEX_COLUMNS) if name == "timexes" else [])
            pd.DataFrame(columns=cols).to_parquet(dest, index=False)
            return
        schemas = [pq.read_schema(p) for p in paths]
        schema = pa.unify_schemas([s.remove_metadata() for s in schemas], promote_options="permissive")
        # Keep pandas' metadata (dtypes of empty/object columns) from a piece with every column.
        meta = next((s.metadata for s in schemas if s.names == schema.names and s.metadata), None)
        schema = schema.with_metadata(meta) if meta else schema
        with pq.ParquetWriter(dest, schema) as writer:
            for p in paths:
                t = pq.read_table(p)
                cols = [t[f.name].cast(f.type) if f.name in t.column_names else pa.nulls(len(t), f.type)
                        for f in schema]
                writer.write_table(pa.Table.from_arrays(cols, schema=schema))


def write(tables: Tables, out: str | Path) -> None:
    """Write every table as ``out/<name>.parquet``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        _write_frame(tables[name], out / f"{name}.parquet")


#: Rows converted to Arrow and written at a time when a table has categorical columns.
WRITE_ROWS = 65536


def _write_frame(df: pandas.DataFrame, dest: Path, *, plain_text: bool = False) -> None:
    """``df.to_parquet(dest)``, written to a temporary name first.

    With ``plain_text`` (the build's own tables), categorical columns are written as the
    object columns they stand for would be (same file, read back as Python strings), a slice
    of rows at a time: converting a whole 1M-row frame at once would hold all its strings in
    Arrow too."""
    tmp = dest.with_name(f".{dest.name}.tmp")
    cats = [c for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)] if plain_text else []
    # Only a column of text with at least one value keeps Arrow's string type when written as
    # objects (all-null or empty ones are typed null); any other goes through as objects.
    odd = [c for c in cats if not df[c].notna().any()
           or pd.api.types.infer_dtype(df[c].cat.categories, skipna=False) != "string"]
    if odd:
        df = df.astype({c: object for c in odd})
        cats = [c for c in cats if c not in odd]
    if not cats:
        df.to_parquet(tmp, index=False)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = _plain_schema(pa.Schema.from_pandas(df, preserve_index=False))
        with pq.ParquetWriter(tmp, schema) as writer:
            for a in range(0, len(df), WRITE_ROWS):
                # the slice's strings only (a dictionary array would carry every category)
                part = df.iloc[a:a + WRITE_ROWS].astype({c: object for c in cats})
                writer.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))
    tmp.replace(dest)


def _plain_schema(schema: Any) -> Any:
    """An Arrow schema with each dictionary (categorical) field as its value type, and pandas'
    metadata saying what an object column of those values would: a table read back gets
    Python strings, as the contract's text columns are."""
    import pyarrow as pa

    meta = json.loads(schema.metadata[b"pandas"]) if schema.metadata and b"pandas" in schema.metadata else None
    fields = []
    for f in schema:
        if pa.types.is_dictionary(f.type):
            f = f.with_type(f.type.value_type)
            for col in (meta or {}).get("columns", []):
                if col.get("field_name") == f.name:
                    col.update(pandas_type="unicode" if pa.types.is_string(f.type) else "object",
                               numpy_type="object", metadata=None)
        fields.append(f)
    out = pa.schema(fields)
    return out.with_metadata({**schema.metadata, b"pandas": json.dumps(meta).encode()}) if meta else out


def load(out: str | Path) -> Tables:
    """The tables that ``kit build`` wrote into ``out`` (each read on first use)."""
    out = Path(out)
    missing = [t for t in TABLES if not (out / f"{t}.parquet").exists()]
    if missing:
        raise FileNotFoundError(f"{out} has no {', '.join(missing)} table(s): run `kit build CORPUS --out {out}` first")
    stamp = _read_stamp(out / CACHE_DIR / "build.json")
    return Tables(folder=out, notes=stamp.get("notes", []), summary=stamp)


def _read_stamp(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


# --------------------------------------------------------------------------- build


def build(
    corpus_dir: str | Path,
    out: str | Path | None = None,
    *,
    model: str | None = None,
    n_process: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    aliases: str | Path | None = None,
    capitals: bool = False,
    use_cache: bool = True,
    progress: bool | Callable[..., Any] = False,
    engine: str = "local",
    workers: int | str | None = None,
) -> Tables:
    """Read, parse once and analyse a corpus folder; write ``out/<table>.parquet``.

    Documents stream through in batches of ``batch_size`` on ``n_process`` processes (default:
    one for small jobs, else up to four, one per core), or on a Dask cluster with
    ``engine="dask"`` (``workers``: a number of local workers or a scheduler address). With
    ``out`` the per-document results are cached in ``out/.kit-cache``: an unchanged rebuild
    reads the tables back lazily, and a changed file re-parses only itself. Without ``out`` the
    tables are built in a temporary folder and returned in memory.
    """
    corpus_dir = Path(corpus_dir)
    model = model or DEFAULT_MODEL
    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', not {engine!r}")
    out_path = Path(out) if out is not None else None
    cache = out_path / CACHE_DIR if out_path is not None and use_cache else None
    if corpus_dir.is_dir():
        key, prefix, shas = _input_state(corpus_dir, model, aliases, capitals)
        if cache is not None:
            stamp = _read_stamp(cache / "build.json")
            if stamp.get("key") == key and all((out_path / f"{t}.parquet").exists() for t in TABLES):
                return Tables(folder=out_path, notes=stamp.get("notes", []), from_cache=True, summary=stamp)
    records, notes = input_records(corpus_dir)  # raises CorpusError for a bad path

    keys = [_doc_key(prefix, r, shas.get(Path(r["path"]).name) if r["path"] else None) for r in records]
    docs_dir = cache / "docs" if cache is not None else None
    hit = [k is not None and docs_dir is not None and (docs_dir / f"{k}.pkl").exists() for k in keys]
    batches = [list(range(i, min(i + batch_size, len(records)))) for i in range(0, len(records), batch_size)]
    tasks = [[records[j] for j in b if not hit[j]] for b in batches]
    n_todo = sum(map(len, tasks))

    work_root = out_path if out_path is not None else Path(tempfile.gettempdir())
    work_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".kit-build-", dir=work_root))
    try:
        spool = _Spool(work / "spool")
        bar = _progress(progress, total=len(records))
        results = _run(tasks, engine=engine, model=model, n_process=n_process, batch_size=batch_size,
                       workers=workers, n_todo=n_todo)
        used: set[str] = set()
        for b, res in zip(batches, results):
            fresh = iter(res)
            for j in b:
                k = keys[j]
                if hit[j]:
                    doc_res = _load_cached(docs_dir / f"{k}.pkl")
                    if doc_res is None:  # a corrupt entry: redo this one document here
                        doc_res = analyse_batch([records[j]], model=model, batch_size=batch_size)[0]
                else:
                    doc_res = next(fresh)
                    if docs_dir is not None and k is not None:
                        # The worker's own hash: the file may have changed since it was listed.
                        sha = doc_res["documents"][0]["sha1"]
                        k = _doc_key(prefix, records[j], sha)
                        docs_dir.mkdir(parents=True, exist_ok=True)
                        (docs_dir / f"{k}.pkl").write_bytes(pickle.dumps(doc_res, protocol=pickle.HIGHEST_PROTOCOL))
                if k is not None:
                    used.add(f"{k}.pkl")
                spool.add_rows(doc_res)
            if bar is not None:
                bar(len(b))
        # zip stops on `batches` and leaves the engine suspended: close it now, so worker
        # processes (and their models) are gone before the corpus-level reductions.
        results.close()
        spool.flush()
        if bar is not None:
            bar(0, close=True)
        if sum(spool.counts.values()) >= RELEASE_FROM_ROWS:
            release_memory()

        final = work / "tables"
        final.mkdir()
        if "documents" not in spool.pieces:  # no input files at all
            spool.add("documents", frame("documents", []))
            spool.add("lines", frame("lines", []))
        for name in dict.fromkeys(["documents", "lines", "sentences", "timexes", *spool.pieces]):
            if name in TABLES:
                spool.combine(name, final / f"{name}.parquet")

        import pyarrow.parquet as pq

        # The reductions get the documents table without its text (the corpus's bulk) and
        # no lines: everything they need is in the per-document parts.
        doc_cols = [c for c in pq.read_schema(final / "documents.parquet").names if c != "text"]
        documents = _read_table(final, "documents", columns=doc_cols)
        lines = pq.read_schema(final / "lines.parquet").empty_table().to_pandas()
        corpus = kit_corpus.Corpus(folder=corpus_dir, articles=[], documents=documents, lines=lines, notes=list(notes))
        parts = spool.reduction_inputs()
        counts = {t: spool.counts.get(t, 0) for t in TABLES}

        def sink(name: str, df: pandas.DataFrame) -> None:
            _write_frame(df, final / f"{name}.parquet", plain_text=True)
            counts[name] = len(df)

        reduced = reduce_corpus(corpus, parts, aliases=aliases, capitals=capitals, sink=sink)
        del corpus, parts, documents
        notes = reduced.notes or notes
        problems = _problems(final / "documents.parquet")
        summary = {"key": key, "notes": notes, "counts": counts, "problems": problems, "version": __version__}

        if out_path is None:
            tables = Tables(folder=final, notes=notes, summary=summary)
            for name in TABLES:
                tables[name]  # read into memory before the folder goes  # noqa: B018
            tables.folder = None
            return tables
        for name in TABLES:
            (final / f"{name}.parquet").replace(out_path / f"{name}.parquet")
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            if docs_dir is not None and docs_dir.exists():
                for f in docs_dir.iterdir():  # drop results of removed or changed files
                    if f.name not in used:
                        f.unlink(missing_ok=True)
            (cache / "build.json").write_text(json.dumps(summary))
        elif (out_path / CACHE_DIR / "build.json").exists():
            (out_path / CACHE_DIR / "build.json").unlink()  # the tables no longer match the stamp
        return Tables(folder=out_path, notes=notes, summary=summary)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _problems(documents_parquet: Path) -> dict[str, list[str]]:
    docs = read_parquet(documents_parquet, columns=["doc_id", "problems"])
    return {d: [str(x) for x in p] for d, p in zip(docs["doc_id"], docs["problems"]) if p is not None and len(p)}


def _load_cached(path: Path) -> dict | None:
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - a corrupt or stale cache entry is simply rebuilt
        return None


def _run(tasks: list[list[dict]], *, engine: str, model: str, n_process: int | None, batch_size: int,
         workers: int | str | None, n_todo: int) -> Iterator[list[dict]]:
    """Run :func:`analyse_batch` over the tasks, yielding results in task order."""
    if engine == "dask":
        from kit import dask_engine

        yield from dask_engine.run(tasks, model=model, batch_size=batch_size, workers=workers or n_process)
        return
    if n_process is None:
        n_process = min(os.cpu_count() or 1, 4) if n_todo >= AUTO_PROCESSES_FROM else 1
    if n_todo == 0:
        for t in tasks:
            yield analyse_batch(t, model=model, batch_size=batch_size)
        return
    if n_process > 1:
        yield from _pool(tasks, model=model, n_process=n_process, batch_size=batch_size)
        return
    import gc

    # Load the model, then freeze the heap for the run: the cyclic garbage collector stops
    # rescanning the model's (and the session's) long-lived objects on every full collection,
    # which the stages' many small allocations trigger often. Unfrozen when the run ends, so
    # the caller's process is left as it was.
    _load_and_freeze(model)
    try:
        for t in tasks:
            yield analyse_batch(t, model=model, batch_size=batch_size)
    finally:
        gc.unfreeze()


def _load_and_freeze(model: str) -> None:
    """Load the model and freeze the heap out of the garbage collector's sight (also the pool's
    initialiser). A model that fails to load is left to :func:`analyse_batch` to report when a
    document needs it: an initialiser that raises would make the pool restart workers forever."""
    import gc

    try:
        kit_nlp.load_pipeline(model)
    except Exception:  # noqa: BLE001 - reported by analyse_batch, with the documents it concerns
        return
    gc.freeze()


def _pool(tasks: list[list[dict]], *, model: str, n_process: int, batch_size: int) -> Iterator[list[dict]]:
    import collections
    import functools
    import multiprocessing as mp

    # Each worker reads, parses and analyses whole batches, so only small tables cross
    # processes (spaCy's own n_process pipe tokenises every text in the parent and ships every
    # Doc back to it). Fork where there is fork, as spaCy does: "spawn" re-runs the caller's
    # script in every worker, which loops forever in a script without a __main__ guard.
    # The parent does not load the model: it would hold it through the corpus-level steps.
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else methods[0])
    func = functools.partial(analyse_batch, model=model, batch_size=batch_size)
    # Workers take small chunks (a quarter batch): with whole batches one worker can sit idle
    # while the other parses the last batch, a tenth of the run on a few hundred documents.
    size = max(1, batch_size // 4)
    chunks = [(k, t[i:i + size]) for k, t in enumerate(tasks) for i in range(0, len(t), size)]
    # A bounded window of chunks in flight, not pool.imap: imap queues every finished result in
    # this process, so workers that outpace it (cached stages, slow disk, many workers) would
    # grow its memory with the corpus.
    window = max(1, POOL_WINDOW * n_process)
    with ctx.Pool(n_process, initializer=_load_and_freeze, initargs=(model,)) as pool:
        pending: collections.deque = collections.deque()
        submitted = 0
        for k in range(len(tasks)):
            res: list[dict] = []
            while True:
                while submitted < len(chunks) and len(pending) < window:
                    pending.append((chunks[submitted][0], pool.apply_async(func, (chunks[submitted][1],))))
                    submitted += 1
                if not pending or pending[0][0] != k:
                    break
                res.extend(pending.popleft()[1].get())
            yield res


def _progress(progress: bool | Callable[..., Any], *, total: int) -> Callable[..., None] | None:
    """An ``update(n, close=False)`` callback for a tqdm bar (or a custom tqdm-like class)."""
    if not progress:
        return None
    if callable(progress):
        bar = progress(total=total)
    else:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="building", unit="doc")

    def update(n: int, close: bool = False) -> None:
        if n:
            bar.update(n)
        if close and hasattr(bar, "close"):
            bar.close()

    return update


def input_records(corpus_dir: str | Path) -> tuple[list[dict], list[str]]:
    """The input records of a corpus folder, as :func:`analyse_batch` takes them (every
    ``*.txt`` file, then manifest rows whose file is missing), and notes on the folder."""
    corpus_dir = Path(corpus_dir)
    files, notes = kit_corpus.list_inputs(corpus_dir)
    manifest, problems = kit_corpus._read_manifest(corpus_dir)
    notes.extend(problems)
    records = [{"doc_id": p.stem, "path": str(p), "file": str(p.resolve()), "manifest": manifest.get(p.stem),
                "missing": False} for p in files]
    seen = {p.stem for p in files}
    records += [{"doc_id": d, "path": "", "file": "", "manifest": row, "missing": True}
                for d, row in manifest.items() if d not in seen]
    return records, notes
