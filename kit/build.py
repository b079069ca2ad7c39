"""Order the stages, cache per-document results, and write every table as Parquet.

``build`` is the only place that touches the disk: stages are pure functions of the parsed
documents and tables. Per-document results are cached by the file's content, the publication
date it is resolved against, the kit's version and the pipeline, so an unchanged rebuild is
instant and a changed file re-parses only itself.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import spacy

from kit import __version__, chronology, entities, quotes
from kit.corpus import Article, Corpus, read_corpus
from kit.nlp import DEFAULT_MODEL, doc_sentences, load_pipeline, parse

__all__ = ["TABLES", "Tables", "build", "load", "analyse_doc", "reduce_corpus"]

#: Every table ``kit build`` writes, in the order of ``SCHEMA.md``.
TABLES = ("documents", "lines", "sentences", "mentions", "entities", "quotes", "timexes", "events")
_PER_DOC = ("sentences", "mentions_raw", "quotes_raw", "timexes", "event_candidates")
CACHE_DIR = ".kit-cache"


@dataclass
class Tables:
    """The kit's tables for one corpus, as pandas dataframes (attribute or ``[name]`` access)."""

    documents: pd.DataFrame
    lines: pd.DataFrame
    sentences: pd.DataFrame
    mentions: pd.DataFrame
    entities: pd.DataFrame
    quotes: pd.DataFrame
    timexes: pd.DataFrame
    events: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    from_cache: bool = False

    def __getitem__(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def as_dict(self) -> dict[str, pd.DataFrame]:
        """The tables by name."""
        return {name: getattr(self, name) for name in TABLES}


def analyse_doc(doc: spacy.tokens.Doc, art: Article, *, published: pd.Timestamp | None) -> dict[str, pd.DataFrame]:
    """Run every per-document stage on one parsed article."""
    timexes = chronology.doc_timexes(doc, art, published=published)
    return {
        "sentences": doc_sentences(doc, art),
        "mentions_raw": entities.doc_mentions(doc, art),
        "quotes_raw": quotes.doc_quotes(doc, art),
        "timexes": timexes,
        "event_candidates": chronology.doc_event_candidates(doc, art, timexes),
    }


def reduce_corpus(
    corpus: Corpus,
    parts: dict[str, list[pd.DataFrame]],
    *,
    aliases: str | Path | None = None,
    capitals: bool = False,
) -> Tables:
    """Corpus-level steps over the per-document results: entity clustering, speaker
    resolution, event merging."""
    def cat(name: str) -> pd.DataFrame:
        frames = [f for f in parts.get(name, []) if f is not None and len(f)]
        if not frames:
            empty = [f for f in parts.get(name, []) if f is not None]
            return empty[0].iloc[0:0].copy() if empty else pd.DataFrame()
        return pd.concat(frames, ignore_index=True)

    mentions, ents = entities.resolve(cat("mentions_raw"), aliases=aliases, capitals=capitals)
    qs = quotes.resolve(cat("quotes_raw"), mentions, ents)
    events = chronology.merge_events(cat("event_candidates"), mentions)
    return Tables(documents=corpus.documents, lines=corpus.lines, sentences=cat("sentences"), mentions=mentions,
                  entities=ents, quotes=qs, timexes=cat("timexes").reindex(columns=_timex_cols(cat("timexes"))),
                  events=events, notes=list(corpus.notes))


def _timex_cols(df: pd.DataFrame) -> list[str]:
    base = list(chronology.TIMEX_COLUMNS)
    return base + [c for c in df.columns if c not in base]


def _doc_key(art: Article, published: pd.Timestamp | None, model: str) -> str:
    h = hashlib.sha1()
    for part in (__version__, model, spacy.__version__, art.doc_id, art.sha1, str(published)):
        h.update(str(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def _input_key(corpus_dir: Path, model: str, aliases: str | Path | None, capitals: bool) -> str:
    h = hashlib.sha1()
    for part in (__version__, model, spacy.__version__, str(capitals)):
        h.update(str(part).encode() + b"\0")
    for p in sorted(corpus_dir.iterdir()):
        if p.is_file() and (p.suffix.lower() == ".txt" or p.name == "manifest.csv"):
            h.update(p.name.encode() + b"\0" + hashlib.sha1(p.read_bytes()).digest())
    if aliases:
        ap = Path(aliases)
        h.update(ap.read_bytes() if ap.exists() else b"missing")
    return h.hexdigest()


def build(
    corpus_dir: str | Path,
    out: str | Path | None = None,
    *,
    model: str = DEFAULT_MODEL,
    n_process: int = 1,
    batch_size: int = 32,
    aliases: str | Path | None = None,
    capitals: bool = False,
    use_cache: bool = True,
    progress: bool | Callable[[Iterable], Iterable] = False,
) -> Tables:
    """Read, parse once and analyse a corpus folder; write ``out/<table>.parquet`` when ``out``
    is given. An unchanged rebuild into the same ``out`` reads the tables back from disk."""
    corpus_dir = Path(corpus_dir)
    from kit.corpus import list_inputs

    list_inputs(corpus_dir)  # raises CorpusError with a clear message for a bad path
    out_path = Path(out) if out is not None else None
    cache = out_path / CACHE_DIR if out_path is not None and use_cache else None
    key = _input_key(corpus_dir, model, aliases, capitals)
    if cache is not None and (cache / "build.json").exists():
        try:
            stamp = json.loads((cache / "build.json").read_text())
        except (OSError, ValueError):
            stamp = {}
        if stamp.get("key") == key and all((out_path / f"{t}.parquet").exists() for t in TABLES):
            tables = load(out_path)
            tables.notes = stamp.get("notes", [])
            tables.from_cache = True
            return tables

    corpus = read_corpus(corpus_dir)
    published = dict(zip(corpus.documents["doc_id"], corpus.documents["published"]))
    parts: dict[str, list[pd.DataFrame]] = {k: [] for k in _PER_DOC}
    todo: list[Article] = []
    results: dict[str, dict[str, pd.DataFrame]] = {}
    for art in corpus.articles:
        if not art.analysable or not art.text.strip():
            continue
        pub = published.get(art.doc_id)
        pub = None if pd.isna(pub) else pub
        if cache is not None:
            f = cache / "docs" / f"{_doc_key(art, pub, model)}.pkl"
            if f.exists():
                try:
                    results[art.doc_id] = pickle.loads(f.read_bytes())
                    continue
                except Exception:  # noqa: BLE001 - a corrupt cache entry is simply rebuilt
                    pass
        todo.append(art)

    if todo:
        nlp = load_pipeline(model)
        stream = parse(nlp, todo, n_process=n_process, batch_size=batch_size)
        if progress:
            wrap = progress if callable(progress) else _tqdm
            stream = wrap(stream, total=len(todo))
        for art, doc in stream:
            pub = published.get(art.doc_id)
            pub = None if pd.isna(pub) else pub
            res = analyse_doc(doc, art, published=pub)
            results[art.doc_id] = res
            if cache is not None:
                f = cache / "docs" / f"{_doc_key(art, pub, model)}.pkl"
                f.parent.mkdir(parents=True, exist_ok=True)
                f.write_bytes(pickle.dumps(res, protocol=pickle.HIGHEST_PROTOCOL))

    for art in corpus.articles:
        res = results.get(art.doc_id)
        if res is not None:
            for k in _PER_DOC:
                parts[k].append(res.get(k))
    tables = reduce_corpus(corpus, parts, aliases=aliases, capitals=capitals)
    if out_path is not None:
        write(tables, out_path)
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            (cache / "build.json").write_text(json.dumps({"key": key, "notes": tables.notes, "version": __version__}))
    return tables


def _tqdm(it: Iterable, total: int) -> Iterable:
    from tqdm.auto import tqdm

    return tqdm(it, total=total, desc="parsing", unit="doc")


def write(tables: Tables, out: str | Path) -> None:
    """Write every table as ``out/<name>.parquet``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        df = tables[name]
        tmp = out / f".{name}.parquet.tmp"
        df.to_parquet(tmp, index=False)
        tmp.replace(out / f"{name}.parquet")


def load(out: str | Path) -> Tables:
    """Read the tables that ``kit build`` wrote into ``out``."""
    out = Path(out)
    missing = [t for t in TABLES if not (out / f"{t}.parquet").exists()]
    if missing:
        raise FileNotFoundError(f"{out} has no {', '.join(missing)} table(s): run `kit build CORPUS --out {out}` first")
    frames = {t: pd.read_parquet(out / f"{t}.parquet") for t in TABLES}
    for t, cols in (("documents", ["problems"]), ("entities", ["aliases"]),
                    ("events", ["participants", "reported_in", "evidence"])):
        for c in cols:
            if c in frames[t].columns:
                frames[t][c] = frames[t][c].map(lambda v: list(v) if v is not None and not isinstance(v, float) else [])
    return Tables(**frames)
