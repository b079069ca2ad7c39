"""Entity mentions and corpus-level canonical entities (stub: filled in by the entities issue)."""

from __future__ import annotations

import pandas as pd
from spacy.tokens import Doc

from kit.corpus import Article

MENTION_COLUMNS = ["doc_id", "start_char", "end_char", "text", "label", "entity", "entity_id"]
ENTITY_COLUMNS = ["entity_id", "entity", "label", "n_mentions", "n_docs", "aliases"]


def doc_mentions(doc: Doc, art: Article) -> pd.DataFrame:
    """Entity mentions of one parsed article, with raw offsets (not yet clustered)."""
    rows = []
    for ent in doc.ents:
        rs, re_ = art.view.span_to_raw(ent.start_char, ent.end_char)
        rows.append({"doc_id": art.doc_id, "start_char": rs, "end_char": re_, "text": art.raw[rs:re_],
                     "label": ent.label_})
    return pd.DataFrame(rows, columns=["doc_id", "start_char", "end_char", "text", "label"])


def resolve(mentions: pd.DataFrame, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cluster the corpus's mentions into canonical entities: ``(mentions, entities)``."""
    m = mentions.copy()
    m["entity"] = m["text"]
    ids = {t: f"E{i:04d}" for i, t in enumerate(sorted(m["entity"].unique()))}
    m["entity_id"] = m["entity"].map(ids)
    ents = (m.groupby(["entity_id", "entity"]).agg(label=("label", "first"), n_mentions=("text", "size"),
                                                   n_docs=("doc_id", "nunique")).reset_index())
    ents["aliases"] = ents["entity"].map(lambda e: [e])
    return m[MENTION_COLUMNS + [c for c in m.columns if c not in MENTION_COLUMNS]], ents[ENTITY_COLUMNS]
