"""What a user types to name a document: an id always wins, a shared name is called ambiguous
and its documents listed, and nothing typed crashes the query. Both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.store import Project
from tests.cli_runs import run_here as run_cli

RECORDS = [
    {"id": "x", "text": "First document called x, about Minsk.", "title": "First x"},
    {"id": "x", "text": "Second document called x, about Moscow.", "title": "Second x"},
    {"id": "1", "text": "A document named 1, about Kyiv.", "title": "Named one"},
    {"id": "solo", "text": "The only document called solo.", "title": "Solo"},
]


def _import(project: Project, folder: Path) -> dict[str, list[int]]:
    source = folder / "records.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in RECORDS), encoding="utf-8")
    ids: dict[str, list[int]] = {}
    for document in import_paths(project, [source]).imported:
        ids.setdefault(document.name, []).append(document.id)
    return ids


def test_a_shared_name_is_ambiguous_and_an_id_always_wins(project: Project, tmp_path: Path) -> None:
    ids = _import(project, tmp_path)
    with pytest.raises(UserError, match=r"E402.*'x' is the name of 2 documents") as raised:
        project.documents.resolve("x")
    for doc_id, title in zip(ids["x"], ("First x", "Second x"), strict=True):
        assert f"id {doc_id} ({title})" in str(raised.value)
    assert project.documents.resolve("solo") == ids["solo"][0]
    named_one = ids["1"][0]
    assert named_one != 1
    assert project.documents.resolve("1") == 1  # the id, although another document is named "1"
    assert project.documents.resolve(str(named_one)) == named_one


@pytest.mark.parametrize("reference", ["99999999999999999999999", "2147483648", "²", "٣", "nul\x00name", "caf\udce9"])
def test_references_no_document_can_have_are_not_found_without_a_crash(project: Project, tmp_path: Path,
                                                                       reference: str) -> None:
    _import(project, tmp_path)
    with pytest.raises(UserError, match="E105"):
        project.documents.resolve(reference)


def test_show_names_the_candidates_of_an_ambiguous_name(project_location: str, tmp_path: Path) -> None:
    with Project.open(project_location) as project:
        ids = _import(project, tmp_path)
    location = project_location.replace("postgresql+psycopg://", "postgresql://")
    result = run_cli("show", location, "x")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "[E402]" in result.stderr and "No document" not in result.stderr
    assert f"id {ids['x'][0]} (First x); id {ids['x'][1]} (Second x)" in result.stderr
