"""Write a synthetic corpus of any size: perturbed copies of the seed articles.

Each copy keeps its seed's page furniture (title, date, byline lines...) and shuffles, drops
and re-numbers body paragraphs, so every file is distinct text of realistic length and shape
(the parse cost of a copy is close to that of its seed). A ``manifest.csv`` gives each copy its
seed's publication date shifted by a few days. Output goes to a folder you name (default: a
fresh temporary folder); never commit it.

    python benchmarks/make_corpus.py 2000 --out /tmp/synth_2k
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

__all__ = ["make_corpus"]


def _paragraphs(raw: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", raw) if p.strip()]


def _perturb(raw: str, rng: random.Random) -> str:
    """Shuffle the middle of the article, drop a paragraph now and then, nudge numbers."""
    paras = _paragraphs(raw)
    # The first few paragraphs carry the header (title, date, byline) in scraped pages: keep
    # them in place so the line-role rules see a realistic page.
    head, body = paras[:3], paras[3:]
    rng.shuffle(body)
    if len(body) > 4 and rng.random() < 0.5:
        body.pop(rng.randrange(len(body)))
    text = "\n\n".join(head + body) + "\n"

    def nudge(m: re.Match) -> str:
        s = m.group(0)
        if len(s) == 4 and s.startswith(("19", "20")):  # keep years plausible
            return s
        return str(max(1, int(s) + rng.randint(-3, 3)))

    return re.sub(r"\b\d{1,3}\b", nudge, text)


def make_corpus(n_docs: int, out: str | Path | None = None, *, seed: int = 0, seeds: str | Path = SEEDS) -> Path:
    """Write ``n_docs`` perturbed copies of the ``seeds`` articles (plus a manifest) to ``out``."""
    rng = random.Random(seed)
    out = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="newskit_synth_"))
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted(Path(seeds).glob("*.txt"))
    if not sources:
        raise SystemExit(f"no seed articles in {seeds}")
    raws = [p.read_text(encoding="utf-8") for p in sources]
    published: dict[str, str] = {}
    mpath = Path(seeds) / "manifest.csv"
    if mpath.exists():
        with mpath.open(encoding="utf-8") as fh:
            published = {r["doc_id"]: r.get("published", "")[:10] for r in csv.DictReader(fh)}
    rows = []
    width = len(str(n_docs))
    for i in range(n_docs):
        k = i % len(sources)
        doc_id = f"synth_{i:0{width}d}_{sources[k].stem[:3]}"
        (out / f"{doc_id}.txt").write_text(_perturb(raws[k], rng), encoding="utf-8")
        pub = published.get(sources[k].stem, "")
        if pub:
            pub = (date.fromisoformat(pub) + timedelta(days=rng.randint(-5, 5))).isoformat()
        rows.append({"doc_id": doc_id, "published": pub})
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["doc_id", "published"])
        w.writeheader()
        w.writerows(rows)
    return out


def main() -> None:
    """Command line: ``make_corpus.py N [--out DIR] [--seed S]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n_docs", type=int)
    ap.add_argument("--out", default=None, help="folder to write (default: a new temporary folder)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    out = make_corpus(args.n_docs, args.out, seed=args.seed)
    size = sum(p.stat().st_size for p in out.glob("*.txt"))
    print(f"{args.n_docs} documents ({size / 1e6:.1f} MB) -> {out}")


if __name__ == "__main__":
    main()
