"""Every suggestion a routed run stores, as text, to compare two versions of the code byte for byte.

Run on demand (not part of the suite), once before and once after a change, and compare the files:
    python tests/benchmarks/suggestions_dump_ru.py before.txt [--docs 200] [--postgres URL]
    python tests/benchmarks/suggestions_dump_ru.py after.txt ... && cmp before.txt after.txt

It builds a project from the sample corpus (the five English articles and the three Russian
statements) and ``bench_suggest_ru``'s Russian documents, registers actors whose aliases are
written in both scripts (so that actor links and their attributes are stored), runs
``suggest_by_language``, rejects and accepts some suggestions, and runs it twice more (decided
keys are skipped, relations may end at an accepted suggestion, a re-run replaces the pending
ones). After each run it writes one line per suggestion and per suggested relation: every column
but the id — document name, offsets, label, annotator, status, source, score, actor, note,
fragments, the attributes' text exactly as stored, and the form of the timestamps (each digit
shown as 9). Relations name their ends by label and offsets.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_suggest_ru import make_corpus, store_languages

from annotator.corpus.importer import import_paths
from annotator.corpus.sample import russian_sample_dir
from annotator.nlp.language_route import suggest_by_language
from annotator.nlp.pipelines import BLANK, load_pipeline
from annotator.nlp.russian import load_russian_pipeline
from annotator.paths import sample_corpus_dir
from annotator.store import Project

ACTORS = [  # name, type, country, aliases: Latin and Cyrillic spellings of the samples' people
    ("Alexander Lukashenka", "official", "Belarus", ["Lukashenka", "Lukashenko", "Лукашенко"]),
    ("Maria Zakharova", "official", "Russia", ["Zakharova", "Захарова"]),
    ("Ministry of Foreign Affairs of Russia", None, "Russia", ["МИД", "MFA"]),
    ("Kremlin", None, "Russia", ["Кремль"]),
]

_DIGIT = re.compile(r"\d")
_STAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:")
_SPANS = """
SELECT d.name, s.start_offset, s.end_offset, l.name, a.name, s.layer, s.status, s.source, s.score, s.actor_id,
       s.note, CAST(s.fragments AS TEXT), CAST(s.attrs AS TEXT), s.version, s.origin_annotator, s.adjudicator, s.created_at, s.updated_at
FROM span s JOIN document d ON d.id = s.document_id JOIN label l ON l.id = s.label_id
JOIN annotator a ON a.id = s.annotator_id
WHERE s.layer = 'suggestion' ORDER BY d.name, s.start_offset, s.end_offset, l.name, a.name
"""
_RELATIONS = """
SELECT d.name, l.name, a.name, r.layer, CAST(r.attrs AS TEXT), r.version, r.created_at, hl.name, h.start_offset, h.end_offset, h.status,
       tl.name, t.start_offset, t.end_offset, t.status
FROM relation r JOIN document d ON d.id = r.document_id JOIN label l ON l.id = r.label_id
JOIN annotator a ON a.id = r.annotator_id
JOIN span h ON h.id = r.head_id JOIN label hl ON hl.id = h.label_id
JOIN span t ON t.id = r.tail_id JOIN label tl ON tl.id = t.label_id
WHERE r.layer = 'suggestion'
ORDER BY d.name, h.start_offset, h.end_offset, hl.name, t.start_offset, t.end_offset, tl.name, l.name
"""


def dump(project: Project) -> list[str]:
    """One line per suggestion and per suggested relation, in a fixed order (raw column text)."""
    with project.reading() as connection:
        spans = connection.exec_driver_sql(_SPANS).all()
        relations = connection.exec_driver_sql(_RELATIONS).all()
    return [_line(row) for row in spans] + [_line(("relation", *row)) for row in relations]


def _line(row: Sequence[Any]) -> str:
    """A row as text; a timestamp (which differs from run to run) by its form: each digit a 9."""
    return repr(tuple(_DIGIT.sub("9", str(value)) if isinstance(value, datetime) or _STAMP.match(str(value)) else value
                      for value in row))


def run(project: Project, folder: Path, count: int) -> list[str]:
    corpus = folder / "corpus"
    corpus.mkdir()
    make_corpus(corpus, count)
    import_paths(project, [sample_corpus_dir(), russian_sample_dir(), corpus])
    store_languages(project)
    for name, kind, country, aliases in ACTORS:
        project.actors.create(name, type=kind, country=country, aliases=aliases)
    russian, blank = load_russian_pipeline(), load_pipeline(BLANK)
    lines = []
    for round_ in range(3):
        result = suggest_by_language(project, pipeline=blank, russian=russian)
        lines.append(f"# run {round_}: {result.documents} documents, {sum(result.spans.values())} spans, "
                     f"{result.relations} relations, {result.already_decided} already decided")
        lines += dump(project)
        if round_ == 0:  # decide on some, so the next runs skip them and may link relations to them
            decided = 0
            for doc_id in list(project.documents.ids())[::7]:
                spans = project.suggestions.spans(doc_id)
                for span in spans[::5]:
                    project.suggestions.reject(span.id)
                    decided += 1
                for span in spans[2::5]:
                    project.suggestions.accept(span.id, "analyst")
                    decided += 1
            lines.append(f"# decided {decided}")
    return lines


@contextmanager
def project_location(server: str | None, folder: Path) -> Iterator[str]:
    """A SQLite file in ``folder``, or a new database on the PostgreSQL ``server`` (dropped after)."""
    if server is None:
        yield str(folder / "dump.db")
        return
    admin_url = sa.make_url(server)
    name = f"annotator_dump_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield admin_url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--postgres", metavar="URL",
                        help="a PostgreSQL server (e.g. $ANNOTATOR_TEST_POSTGRES_URL) to use instead of SQLite: "
                             "a new database is made there and dropped afterwards")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, project_location(args.postgres, Path(tmp)) as location:
        with Project.open(location) as project:
            lines = run(project, Path(tmp), args.docs)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines):,} lines written to {args.output}")


if __name__ == "__main__":
    main()
