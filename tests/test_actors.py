"""The canonical actor registry: create, alias, find, rename, merge, link mentions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.store import Project
from annotator.store.actors import normalize

TEXT = "Maria Zakharova said the Kremlin would act. Zakharova added that Moscow and the Kremlin agree.\n"


@pytest.fixture
def doc_id(project: Project, tmp_path: Path) -> int:
    source = tmp_path / "doc.txt"
    source.write_text(TEXT, encoding="utf-8")
    return import_paths(project, [source]).imported[0].id


def mention(project: Project, doc_id: int, words: str, occurrence: int = 0, label: str = "ACTOR") -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(words, start + 1)
    return project.annotations.add_span(doc_id, start, start + len(words), label, "alice").id


def test_normalize_ignores_case_quotes_the_and_possessives() -> None:
    assert normalize("the Kremlin’s") == normalize("KREMLIN") == "kremlin"
    assert normalize("  Maria   Zakharova ") == "maria zakharova"
    assert normalize("“Official Minsk”") == "official minsk"
    assert normalize("the") == "the" and normalize(" ’ ") == ""


def test_create_alias_and_candidates(project: Project) -> None:
    actors = project.actors
    zakharova = actors.create("Maria Zakharova", type="official", country="Russia", aliases=["Zakharova"])
    actors.create("Russian Foreign Intelligence Service", type="security_service", country="Russia")
    cabinet = actors.create("United Transitional Cabinet", type="opposition", country="Belarus")
    assert zakharova.aliases == ("Maria Zakharova", "Zakharova")
    assert actors.add_alias(cabinet.id, "the Cabinet") is True
    assert actors.add_alias(cabinet.id, "cabinet") is False  # same alias once normalised

    [fuzzy] = actors.candidates("Zaharova")
    assert (fuzzy.actor.name, fuzzy.how) == ("Maria Zakharova", "fuzzy") and fuzzy.score >= 80
    exact = actors.candidates("the cabinet")
    assert (exact[0].actor.id, exact[0].how, exact[0].score) == (cabinet.id, "exact", 100.0)
    prefix = actors.candidates("Russian For")
    assert prefix[0].actor.name == "Russian Foreign Intelligence Service" and prefix[0].how == "prefix"
    assert actors.candidates("Zakh")[0].actor.id == zakharova.id
    assert actors.candidates("") == [] and actors.candidates("Lukashenka") == []
    assert [a.name for a in actors.all()] == [
        "Maria Zakharova", "Russian Foreign Intelligence Service", "United Transitional Cabinet"]


def test_names_and_types_are_checked(project: Project) -> None:
    actors = project.actors
    actors.create("Russia", type="state")
    with pytest.raises(UserError, match=r"\[E702\].*Russia"):
        actors.create("the russia")
    with pytest.raises(UserError, match=r"\[E701\]"):
        actors.create("  ‘’ ")
    with pytest.raises(UserError, match=r"\[E704\].*government_body"):
        actors.create("Belarusian Foreign Ministry", type="ministry")
    with pytest.raises(UserError, match=r"\[E703\]"):
        actors.get(999)
    with pytest.raises(UserError, match=r"\[E707\]"):
        actors.add_alias(actors.resolve("Russia").id, "“ ”")


def test_rename_keeps_the_old_name_as_an_alias(project: Project) -> None:
    actors = project.actors
    actor = actors.create("Kremlin", type="state", country="Russia")
    renamed = actors.rename(actor.id, "Russian government")
    assert renamed.name == "Russian government" and set(renamed.aliases) == {"Kremlin", "Russian government"}
    assert actors.find("russian GOVERNMENT") == renamed and actors.resolve(str(actor.id)) == renamed
    other = actors.create("Lukashenka")
    with pytest.raises(UserError, match=r"\[E702\]"):
        actors.rename(other.id, "Russian Government")
    updated = actors.update(other.id, type="official", country="Belarus")
    assert (updated.type, updated.country) == ("official", "Belarus")
    assert actors.update(other.id, country=None).country is None


def test_link_learns_an_alias_and_undo_forgets_it(project: Project, doc_id: int) -> None:
    actor = project.actors.create("Russian government", type="state")
    span_id = mention(project, doc_id, "Kremlin")
    link = project.actors.link_span(span_id, actor.id)
    assert (link.previous_actor_id, link.alias_added) == (None, "Kremlin")
    assert project.annotations.span(span_id).actor == "Russian government"
    assert project.actors.get(actor.id).mentions == 1
    again = project.actors.link_span(mention(project, doc_id, "Kremlin", 1), actor.id)
    assert again.alias_added is None  # already known
    project.actors.undo_link(link)
    assert project.annotations.span(span_id).actor is None
    assert project.actors.get(actor.id).aliases == ("Russian government",)
    unlinked = project.actors.link_span(again.span_id, None)
    assert unlinked.previous_actor_id == actor.id and project.annotations.span(again.span_id).actor is None
    claim = mention(project, doc_id, "the Kremlin would act", label="CLAIM")
    with pytest.raises(UserError, match=r"\[E706\].*CLAIM"):
        project.actors.link_span(claim, actor.id)


def test_create_from_span(project: Project, doc_id: int) -> None:
    span_id = mention(project, doc_id, "Maria Zakharova")
    project.annotations.update_span(span_id, attrs={"actor_type": "official", "country": "Russia"})
    actor, link = project.actors.create_from_span(span_id)
    assert (actor.name, actor.type, actor.country, actor.mentions) == ("Maria Zakharova", "official", "Russia", 1)
    assert link.actor_id == actor.id and link.alias_added is None  # the name is the alias already
    named, _ = project.actors.create_from_span(mention(project, doc_id, "Moscow"), name="Russian government",
                                               type="state")
    assert named.aliases == ("Russian government", "Moscow")


def test_merge_moves_mentions_and_aliases(project: Project, doc_id: int) -> None:
    actors = project.actors
    kremlin = actors.create("Kremlin", country="Russia")
    moscow = actors.create("Russian government", type="state", aliases=["Moscow"])
    actors.link_span(mention(project, doc_id, "Kremlin"), kremlin.id)
    actors.link_span(mention(project, doc_id, "Moscow"), moscow.id)
    merged = actors.merge(moscow.id, kremlin.id)
    assert merged.name == "Russian government" and merged.mentions == 2
    assert set(merged.aliases) == {"Russian government", "Moscow", "Kremlin"}
    assert (merged.type, merged.country) == ("state", "Russia")
    assert [a.name for a in actors.all()] == ["Russian government"]
    assert {s.actor for s in project.annotations.spans(doc_id)} == {"Russian government"}
    with pytest.raises(UserError, match=r"\[E705\]"):
        actors.merge(moscow.id, moscow.id)


def test_deleting_an_actor_unlinks_mentions_and_undo_of_a_span_delete_relinks(project: Project, doc_id: int) -> None:
    actor = project.actors.create("Maria Zakharova")
    span_id = mention(project, doc_id, "Zakharova", 1)
    project.actors.link_span(span_id, actor.id)
    deleted = project.annotations.delete_span(span_id)
    assert deleted.span.actor == "Maria Zakharova"
    project.annotations.restore_span(deleted)
    assert project.annotations.span(span_id).actor == "Maria Zakharova"
    project.actors.delete(actor.id)
    assert project.annotations.span(span_id).actor is None and project.actors.all() == []


def test_actors_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    location = str(tmp_path / "p.db")
    assert main(["init", location]) == 0
    assert main(["actors", location, "add", "Russian government", "--type", "state", "--country", "Russia",
                 "--alias", "Kremlin"]) == 0
    assert main(["actors", location, "alias", "Russian government", "Moscow", "Kremlin"]) == 0
    assert "1 new aliases" in capsys.readouterr().out
    assert main(["actors", location, "add", "Putin", "--type", "official"]) == 0
    assert main(["actors", location, "rename", "Putin", "Vladimir Putin"]) == 0
    capsys.readouterr()
    assert main(["actors", location, "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert listed == [
        {"id": 1, "name": "Russian government", "type": "state", "country": "Russia",
         "aliases": ["Russian government", "Kremlin", "Moscow"], "mentions": 0},
        {"id": 2, "name": "Vladimir Putin", "type": "official", "country": None,
         "aliases": ["Putin", "Vladimir Putin"], "mentions": 0},
    ]
    assert main(["actors", location, "merge", "Russian government", "2"]) == 0
    assert main(["actors", location]) == 0
    table = capsys.readouterr().out
    assert "Russian government" in table and "Vladimir Putin" in table.splitlines()[-1]
    assert main(["actors", location, "alias", "Nobody", "x"]) == 1
    assert "[E703]" in capsys.readouterr().err
