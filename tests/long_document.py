"""A long document made of the sample articles, for work that must report progress within one."""

from __future__ import annotations

from pathlib import Path

from annotator.corpus.importer import import_paths
from annotator.store import Project

SAMPLE_CORPUS = Path(__file__).resolve().parents[1] / "sample_corpus"


def long_text(chars: int) -> str:
    """At least ``chars`` characters: the sample articles over and over, as paragraphs, each copy
    numbered (import refuses a text it already holds)."""
    articles = [path.read_text(encoding="utf-8").strip() for path in sorted(SAMPLE_CORPUS.glob("*.txt"))]
    parts: list[str] = []
    length = 0
    while length < chars:
        parts.append(f"{articles[len(parts) % len(articles)]}\n\n(part {len(parts)})\n\n")
        length += len(parts[-1])
    return "".join(parts)


def import_long_document(project: Project, folder: Path, chars: int = 120_000) -> int:
    """Import one document of about ``chars`` characters into ``project``; its id."""
    source = folder / "long.txt"
    source.write_text(long_text(chars), encoding="utf-8")
    return import_paths(project, [source]).imported[0].id
