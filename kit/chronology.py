"""Temporal expressions and dated events (stub: filled in by the chronology issue)."""

from __future__ import annotations

import pandas as pd
from spacy.tokens import Doc

from kit.corpus import Article

TIMEX_COLUMNS = ["doc_id", "text", "start_char", "end_char", "value", "date_start", "date_end", "anchor"]
EVENT_COLUMNS = ["event_id", "event", "date_start", "date_end", "participants", "reported_in", "evidence"]


def doc_timexes(doc: Doc, art: Article, *, published: pd.Timestamp | None) -> pd.DataFrame:
    """Temporal expressions of one parsed article, resolved against ``published``."""
    return pd.DataFrame(columns=TIMEX_COLUMNS)


def doc_event_candidates(doc: Doc, art: Article, timexes: pd.DataFrame) -> pd.DataFrame:
    """Dated happenings of one article before merging across articles."""
    return pd.DataFrame()


def merge_events(candidates: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Merge candidates from all articles into the ``events`` table."""
    return pd.DataFrame(columns=EVENT_COLUMNS)
