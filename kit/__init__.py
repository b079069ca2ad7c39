"""newskit: read a corpus of news articles into clean, traceable tables.

>>> import kit
>>> tables = kit.build("seeds", "data/out")       # doctest: +SKIP
>>> tables.mentions.head()                         # doctest: +SKIP
"""

__version__ = "0.1.0"

from kit.build import TABLES, Tables, build, load  # noqa: E402
from kit.corpus import CorpusError, read_corpus  # noqa: E402

__all__ = ["TABLES", "Tables", "build", "load", "read_corpus", "CorpusError", "__version__"]
