"""Import speed: ``annotator import`` against raw sqlite3 inserting the same texts.

Run on demand (not part of the suite):  python tests/benchmarks/bench_import.py [--docs 10000]

Generates N articles of about 4.5 KB (sentences of the sample corpus, shuffled, so every text is
different: about 45 MB for 10,000), then times two whole processes on the same files:
1. ``python -m annotator import DB FOLDER`` (read, decode, title, hash, duplicate check, bulk insert);
2. a bare Python process that reads the same files and inserts (name, text) with sqlite3's
   ``executemany`` in one transaction, with the same WAL/synchronous=FULL settings;
3. the same bare process with the full-text index annotator keeps (an FTS5 table over the text
   filled by an insert trigger, as ``annotator.store.search_index`` creates it): the floor for any
   program that makes imported articles searchable.
Prints the times and the ratios (the target is at most 2.5).
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RAW_IMPORT = r"""
import sqlite3, sys
from pathlib import Path
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE document (id INTEGER PRIMARY KEY, name TEXT, text TEXT NOT NULL)")
if len(sys.argv) > 3:
    db.execute("CREATE VIRTUAL TABLE document_fts USING fts5(text, content='document', content_rowid='id', "
               "tokenize='unicode61 remove_diacritics 2')")
    db.execute("CREATE TRIGGER document_fts_insert AFTER INSERT ON document BEGIN "
               "INSERT INTO document_fts(rowid, text) VALUES (new.id, new.text); END")
rows = ((p.stem, p.read_bytes().decode("utf-8")) for p in sorted(Path(sys.argv[2]).rglob("*.txt")))
with db:
    db.executemany("INSERT INTO document (name, text) VALUES (?, ?)", rows)
db.close()
"""


def generate_corpus(folder: Path, count: int, seed: int = 7) -> int:
    """Write ``count`` distinct articles; return the total size in bytes."""
    sentences = [
        s.strip()
        for path in sorted((ROOT / "sample_corpus").glob("*.txt"))
        for s in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8"))
        if len(s.strip()) > 40
    ]
    rng = random.Random(seed)
    total = 0
    for index in range(count):
        title = f"Article {index}: {rng.choice(sentences)[:60]}"
        body: list[str] = []
        while sum(len(s) for s in body) < 4400:
            body.append(rng.choice(sentences))
        paragraphs = [" ".join(body[i:i + 4]) for i in range(0, len(body), 4)]
        text = title + "\n\n" + "\n\n".join(paragraphs) + f"\n\n(ref {index})\n"
        data = text.encode("utf-8")
        (folder / f"article_{index:05d}.txt").write_bytes(data)
        total += len(data)
    return total


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        size = generate_corpus(folder, args.docs)
        app_times, raw_times, indexed_times = [], [], []
        for run in range(args.repeat):
            app_times.append(timed([sys.executable, "-m", "annotator", "import", f"{tmp}/app{run}.db", str(folder)]))
            raw_times.append(timed([sys.executable, "-c", RAW_IMPORT, f"{tmp}/raw{run}.db", str(folder)]))
            indexed_times.append(timed([sys.executable, "-c", RAW_IMPORT, f"{tmp}/fts{run}.db", str(folder), "fts"]))
        app, raw, indexed = min(app_times), min(raw_times), min(indexed_times)
        print(f"corpus: {args.docs} articles, {size / 1e6:.1f} MB")
        print(f"annotator import        (whole process): {app:6.2f} s  ({args.docs / app:,.0f} docs/s)")
        print(f"raw sqlite3             (whole process): {raw:6.2f} s")
        print(f"raw sqlite3 + FTS5 index (whole process): {indexed:6.2f} s")
        print(f"ratio to raw inserts: {app / raw:.2f}; to raw inserts with the same index: {app / indexed:.2f}"
              "  (target <= 2.5)")


if __name__ == "__main__":
    main()
