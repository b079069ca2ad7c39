import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GOLD = ROOT / "data" / "gold"


def read_jsonl(p: Path) -> list[dict]:
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.fixture(scope="session")
def seeds_corpus():
    from kit.corpus import read_corpus

    return read_corpus(SEEDS)


@pytest.fixture(scope="session")
def seeds_tables(tmp_path_factory):
    """The seeds built once per test session (no cache: the build under test runs for real)."""
    import kit

    return kit.build(SEEDS, tmp_path_factory.mktemp("seeds_out"), use_cache=False)


@pytest.fixture(scope="session")
def gold():
    return {
        "lines": read_jsonl(GOLD / "seeds_lines.jsonl"),
        "metadata": read_jsonl(GOLD / "seeds_metadata.jsonl"),
        "quotes": read_jsonl(GOLD / "seeds_quotes.jsonl"),
        "timexes": read_jsonl(GOLD / "seeds_timexes.jsonl"),
        "events": read_jsonl(GOLD / "seeds_events.jsonl"),
        "entities": json.loads((GOLD / "seeds_entities.json").read_text(encoding="utf-8")),
    }
