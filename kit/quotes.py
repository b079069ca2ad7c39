"""Quote attribution (stub: filled in by the quotes issue)."""

from __future__ import annotations

import pandas as pd
from spacy.tokens import Doc

from kit.corpus import Article

QUOTE_COLUMNS = ["doc_id", "quote_id", "kind", "quote", "start_char", "end_char", "speaker",
                 "speaker_text", "speaker_start", "speaker_end", "cue"]


def doc_quotes(doc: Doc, art: Article) -> pd.DataFrame:
    """Quotes of one parsed article, speakers as text spans (not yet resolved to entities)."""
    return pd.DataFrame(columns=QUOTE_COLUMNS)


def resolve(quotes: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """Name each quote's speaker with a canonical entity from the entities stage."""
    return quotes.reindex(columns=QUOTE_COLUMNS)
