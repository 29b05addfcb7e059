"""Import speed of saved web pages: ``annotator import`` of N news pages, and extraction alone.

Run on demand (not part of the suite):  python tests/benchmarks/bench_import_html.py [--pages 1000]

Writes N different pages as a browser saves them (``tests/news_pages.news_page``: navigation,
cookie banner, JSON-LD, related links, comments; 4-6 paragraphs of sample-corpus sentences each,
every fifth page in Russian), then times
1. the whole ``python -m annotator import DB FOLDER`` process (start-up, trafilatura's extraction,
   language detection, duplicate check, bulk insert, full-text index);
2. extraction alone in this process (``html_files.page_draft`` on each page's bytes), and language
   detection alone (``detect_language`` on each extracted text), so the share of each is seen.
The target is at most 30 s for 1,000 pages on 2 cores. Prints the times; other work on the machine
inflates them, so run it on a quiet machine for figures to compare.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.news_pages import RUSSIAN_PARAGRAPHS, news_page  # noqa: E402


def write_pages(folder: Path, count: int, seed: int = 5) -> int:
    """``count`` distinct pages; the total size in bytes."""
    sentences = [s.strip() for path in sorted((ROOT / "sample_corpus").glob("*.txt"))
                 for s in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8")) if len(s.strip()) > 40]
    rng = random.Random(seed)
    total = 0
    for index in range(count):
        if index % 5 == 4:
            paragraphs = tuple(f"{text} Сообщение {index}." for text in RUSSIAN_PARAGRAPHS)
            page = news_page(title=f"Заявление министерства номер {index}", paragraphs=paragraphs, lang="ru",
                             url=f"https://ru.example/{index}", site="Новости")
        else:
            paragraphs = tuple(" ".join(rng.choice(sentences) for _ in range(3)) for _ in range(rng.randint(4, 6)))
            page = news_page(title=f"Article {index}: {rng.choice(sentences)[:60]}", paragraphs=paragraphs,
                             published=f"2024-{index % 12 + 1:02d}-{index % 28 + 1:02d}T10:00:00Z",
                             url=f"https://news.example/{index}")
        data = page.encode("utf-8")
        (folder / f"page_{index:05d}.html").write_bytes(data)
        total += len(data)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "pages"
        folder.mkdir()
        size = write_pages(folder, args.pages)
        print(f"{args.pages} pages, {size / 1e6:.1f} MB; load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "annotator", "import", str(Path(temp) / "p.db"), str(folder)],
                       check=True, stdout=subprocess.DEVNULL)
        whole = time.perf_counter() - start
        print(f"annotator import: {whole:.1f} s ({whole / args.pages * 1000:.1f} ms a page; target <= 30 s "
              "for 1,000)")

        from annotator.corpus.drafts import ReadOptions
        from annotator.corpus.html_files import page_draft
        from annotator.corpus.language import detect_language

        detect_language("warm the model up once, as the import does")
        files = sorted(folder.iterdir())
        start = time.perf_counter()
        drafts = [page_draft(path.read_bytes(), path, ReadOptions()) for path in files]
        extraction = time.perf_counter() - start
        start = time.perf_counter()
        languages = [detect_language(draft.text) for draft in drafts]
        detection = time.perf_counter() - start
        print(f"extraction alone: {extraction:.1f} s ({extraction / len(files) * 1000:.1f} ms a page); "
              f"language detection alone: {detection:.2f} s ({detection / len(files) * 1000:.2f} ms a page; "
              f"{languages.count('ru')} ru, {languages.count('en')} en)")


if __name__ == "__main__":
    main()
