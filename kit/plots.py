"""Plotly figures from the kit's tables. Aggregates and draws; never parses.

Each stage's figures live in their own section below.
"""

from __future__ import annotations

import pandas as pd  # noqa: F401
import plotly.express as px  # noqa: F401
import plotly.graph_objects as go  # noqa: F401

# ============================================================================ corpus overview


# ============================================================================ entities


# ============================================================================ quotes


# ============================================================================ chronology
