"""Queries that used to mislead: a word given twice, overlapping terms, emoji and symbols,
--limit 0. Both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.search import search
from annotator.store import Project
from tests.cli_runs import run_here as run_cli

ARTICLES = [
    "Belarus said Belarus would stay neutral. Lukashenko agreed.",
    "Rally 😀 in Minsk: Belarus 🇧🇾 flags and € prices.",
]


@pytest.fixture
def articles(project: Project, tmp_path: Path) -> Project:
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in ARTICLES),
                      encoding="utf-8")
    import_paths(project, [source])
    return project


def _places(project: Project, query: str) -> list[tuple[int, int, str]]:
    return [(hit.doc_id, hit.start, hit.hit) for hit in search(project, query).hits]


def test_a_word_given_twice_lists_each_place_once(articles: Project) -> None:
    once = _places(articles, "Belarus")
    assert len(once) == 3
    assert _places(articles, "Belarus Belarus") == once
    assert _places(articles, 'Belarus "belarus"') == once


def test_a_place_two_terms_match_is_one_hit(articles: Project) -> None:
    assert [hit for *_, hit in _places(articles, "lukash* Lukashenko")] == ["Lukashenko"]
    assert [hit for *_, hit in _places(articles, 'said "Belarus said"')] == ["Belarus said"]


@pytest.mark.parametrize("query, part", [("😀", "😀"), ("Minsk 🇧🇾", "🇧🇾"), ("€", "€"), ("Belarus ❤", "❤")])
def test_symbols_are_named_as_what_the_index_cannot_find(articles: Project, query: str, part: str) -> None:
    with pytest.raises(UserError, match="E169") as raised:
        search(articles, query)
    assert f"asks for “{part}”" in str(raised.value) and "emoji" in str(raised.value)
    assert "punctuation" not in str(raised.value)


def test_punctuation_alone_is_still_explained_as_such(articles: Project) -> None:
    with pytest.raises(UserError, match="E160"):
        search(articles, "... --")


def test_limit_below_one_is_refused_by_the_command(tmp_path: Path) -> None:
    project = tmp_path / "p.db"
    source = tmp_path / "a.txt"
    source.write_text(ARTICLES[0], encoding="utf-8")
    assert run_cli("import", str(project), str(source)).returncode == 0
    for limit in ("0", "-5"):
        result = run_cli("search", str(project), "Belarus", "--limit", limit)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert f"[E401] --limit must be 1 or more (the most hits to list), not {limit}." in result.stderr
        assert result.stdout == ""
