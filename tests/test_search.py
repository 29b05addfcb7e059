"""Full-text search with filters, on both backends: exactly the expected hits and spans."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator.cli.main import main
from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.search import SearchFilters, search, write_csv
from annotator.store import Project
from annotator.store.database import create_project_engine, location_to_url
from annotator.store.migrate import upgrade
from annotator.store.tables import DOC
from tests.conftest import simulate_newer_release

ARTICLES = [
    {"id": "warsaw", "published": "2024-01-15",
     "text": "Moscow warned of a nuclear strike on Warsaw. Lukašenko said the nuclear arsenal is ready."},
    {"id": "kremlin", "published": "2024-03-02T09:30:00Z",
     "text": "The Kremlin denied any nuclear plans. Lukashenko met Putin in Minsk."},
    {"id": "sanctions", "published": "2023-11-30",
     "text": "Sanctions hit the Belarusian economy; Lukashenka blamed the West."},
    {"id": "undated",
     "text": "Nuclear weapons in Belarus, says LUKASHENKO. Лукашенко сказал: ядерное оружие."},
    {"id": "quiet", "published": "2024-02-01", "text": "Minsk stayed quiet."},
]


def _at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def corpus(project: Project, tmp_path: Path) -> dict[str, int]:
    """Four articles imported from JSONL (so through the importer's bulk insert), with spans by
    alice and bob, a gold span, a suggestion, two actors and statuses; returns span ids by name."""
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    report = import_paths(project, [source])
    docs = {d.name: d.id for d in report.imported}
    texts = {a["id"]: a["text"] for a in ARTICLES}
    add = project.annotations.add_span
    spans: dict[str, int] = {}

    def span(name: str, doc: str, phrase: str, label: str, annotator: str, **kwargs: object) -> None:
        start, end = _at(texts[doc], phrase)
        spans[name] = add(docs[doc], start, end, label, annotator, **kwargs).id  # type: ignore[arg-type]

    span("strike", "warsaw", "nuclear strike", "THREAT", "alice", attrs={"threat_type": "nuclear"})
    span("arsenal", "warsaw", "nuclear arsenal is ready", "THREAT", "bob", attrs={"threat_type": "military"})
    span("moscow", "warsaw", "Moscow", "ACTOR", "alice")
    span("plans", "kremlin", "denied any nuclear plans", "THREAT", "alice", attrs={"threat_type": "nuclear"})
    span("plans_gold", "kremlin", "denied any nuclear plans", "THREAT", "reviewer", layer="gold",
         attrs={"threat_type": "nuclear"})
    span("kremlin", "kremlin", "The Kremlin", "ACTOR", "bob")
    span("economy", "sanctions", "Sanctions hit the Belarusian economy", "THREAT", "alice",
         attrs={"threat_type": "economic"})
    span("weapons", "undated", "Nuclear weapons in Belarus", "THREAT", "alice", attrs={"threat_type": "nuclear"})
    span("suggested", "undated", "Nuclear weapons", "THREAT", "model", layer="suggestion")
    russia = project.actors.create("Russian government")
    project.actors.link_span(spans["moscow"], russia.id)
    project.actors.link_span(spans["kremlin"], russia.id)
    project.annotations.set_status(docs["warsaw"], "alice", "done")
    project.annotations.set_status(docs["kremlin"], "alice", "in_progress")
    project.annotations.set_status(docs["undated"], "bob", "done")
    spans.update({f"doc:{name}": doc_id for name, doc_id in docs.items()})
    return spans


def _texts(project: Project, query: str, filters: SearchFilters | None = None) -> list[tuple[str, str]]:
    return [(hit.doc_name, hit.hit) for hit in search(project, query, filters).hits]


def test_words_ignore_case_and_latin_accents_but_stay_whole(project: Project, corpus: dict[str, int]) -> None:
    assert _texts(project, "lukasenko") == [("warsaw", "Lukašenko")]
    assert _texts(project, "LUKAŠENKO") == [("warsaw", "Lukašenko")]
    assert _texts(project, "lukashenko") == [("kremlin", "Lukashenko"), ("undated", "LUKASHENKO")]
    assert _texts(project, "лукашенко") == [("undated", "Лукашенко")]
    assert _texts(project, "lukash") == []  # whole words only
    assert _texts(project, "lukash*") == [("kremlin", "Lukashenko"), ("sanctions", "Lukashenka"),
                                          ("undated", "LUKASHENKO")]


def test_every_word_must_occur_and_phrases_keep_order(project: Project, corpus: dict[str, int]) -> None:
    assert _texts(project, "nuclear lukashenko") == [
        ("kremlin", "nuclear"), ("kremlin", "Lukashenko"), ("undated", "Nuclear"), ("undated", "LUKASHENKO")]
    assert _texts(project, '"nuclear strike"') == [("warsaw", "nuclear strike")]
    assert _texts(project, '"strike nuclear"') == []
    assert _texts(project, '"belarus says"') == [("undated", "Belarus, says")]  # punctuation between is fine
    result = search(project, '"nuclear strike"')
    text = ARTICLES[0]["text"]
    hit = result.hits[0]
    assert (hit.start, hit.end) == _at(text, "nuclear strike")
    assert hit.left == "Moscow warned of a " and hit.right.startswith(" on Warsaw.")
    assert (result.documents, result.truncated) == (1, False)


def test_combined_filters_return_exactly_the_expected_spans(project: Project, corpus: dict[str, int]) -> None:
    nuclear_threats = SearchFilters(labels=("THREAT",), attrs=(("threat_type", "nuclear"),), annotators=("alice",),
                                    published_from="2024-01-01", published_to="2024-12-31")
    hits = search(project, "nuclear", nuclear_threats).hits
    assert [hit.span_id for hit in hits] == [corpus["strike"], corpus["plans"]]
    assert [(hit.label, hit.annotator, hit.layer, hit.hit) for hit in hits] == [
        ("THREAT", "alice", "annotation", "nuclear strike"), ("THREAT", "alice", "annotation", "denied any nuclear plans")]
    done = SearchFilters(**{**nuclear_threats.__dict__, "statuses": ("done",)})
    assert [hit.span_id for hit in search(project, "nuclear", done).hits] == [corpus["strike"]]
    # The date range ends with the last day named: March 2024 includes the 2nd at 09:30.
    march = SearchFilters(labels=("THREAT",), published_from="2024-03", published_to="2024-03")
    assert [hit.span_id for hit in search(project, "", march).hits] == [corpus["plans"], corpus["plans_gold"]]


def test_span_hits_hold_every_word_inside_the_span(project: Project, corpus: dict[str, int]) -> None:
    threats = SearchFilters(labels=("THREAT",))
    assert [hit.span_id for hit in search(project, "nuclear", threats).hits] == [
        corpus["strike"], corpus["arsenal"], corpus["plans"], corpus["plans_gold"], corpus["suggested"],
        corpus["weapons"]]  # in text order: same start, the shorter first
    # "ready" is in bob's arsenal span; "warsaw" is in the document but in no THREAT span.
    assert [hit.span_id for hit in search(project, "nuclear ready", threats).hits] == [corpus["arsenal"]]
    assert search(project, "warsaw", threats).hits == []
    assert [hit.span_id for hit in search(project, "belarus", SearchFilters(
        layers=("annotation",), labels=("THREAT",))).hits] == [corpus["weapons"]]


def test_actor_layer_and_status_filters(project: Project, corpus: dict[str, int]) -> None:
    actor = search(project, "", SearchFilters(actors=("russian government",))).hits
    assert [(hit.span_id, hit.actor) for hit in actor] == [(corpus["moscow"], "Russian government"),
                                                          (corpus["kremlin"], "Russian government")]
    gold = search(project, "", SearchFilters(layers=("gold",))).hits
    assert [(hit.span_id, hit.annotator) for hit in gold] == [(corpus["plans_gold"], "reviewer")]
    suggestions = search(project, "weapons", SearchFilters(layers=("suggestion",))).hits
    assert [hit.span_id for hit in suggestions] == [corpus["suggested"]]
    # Status without span filters narrows the documents of text hits; todo = nobody started
    # (adding a span starts a document: alice's spans put "sanctions" in progress).
    assert _texts(project, "minsk", SearchFilters(statuses=("todo",))) == [("quiet", "Minsk")]
    assert _texts(project, "belarusian", SearchFilters(statuses=("in_progress",))) == [("sanctions", "Belarusian")]
    assert _texts(project, "nuclear", SearchFilters(statuses=("done",))) == [
        ("warsaw", "nuclear"), ("warsaw", "nuclear"), ("undated", "Nuclear")]
    assert _texts(project, "lukashenko", SearchFilters(published_from="2024")) == [("kremlin", "Lukashenko")]


def test_limit_stops_early_and_says_so(project: Project, corpus: dict[str, int]) -> None:
    result = search(project, "nuclear", limit=2)
    assert [hit.hit for hit in result.hits] == ["nuclear", "nuclear"]
    assert result.truncated and result.summary().startswith("first 2 hits")


def test_index_follows_inserts_updates_and_deletes(project: Project, corpus: dict[str, int]) -> None:
    warsaw = corpus["doc:warsaw"]
    with project.transaction() as connection:
        connection.execute(DOC.update().where(DOC.c.id == warsaw).values(text="Grodno hosted talks.", n_chars=20))
        connection.execute(DOC.delete().where(DOC.c.id == corpus["doc:sanctions"]))
    assert _texts(project, "grodno") == [("warsaw", "Grodno")]
    assert _texts(project, "warsaw") == []
    assert _texts(project, "belarusian") == []
    with project.transaction() as connection:  # a title-only change leaves the text searchable
        connection.execute(DOC.update().where(DOC.c.id == warsaw).values(title="Renamed"))
    assert _texts(project, "talks") == [("warsaw", "talks")]


def test_mistakes_are_explained(project: Project, corpus: dict[str, int]) -> None:
    with pytest.raises(UserError, match=r"\[E160\]"):
        search(project, "-- !!")
    with pytest.raises(UserError, match=r"\[E167\]"):
        search(project, "", SearchFilters(published_from="2024"))
    with pytest.raises(UserError, match=r"\[E162\].*THRET.*THREAT"):
        search(project, "x", SearchFilters(labels=("THRET",)))
    with pytest.raises(UserError, match=r"\[E163\].*carol"):
        search(project, "x", SearchFilters(annotators=("carol",)))
    with pytest.raises(UserError, match=r"\[E166\].*--to.*2024-13"):
        search(project, "x", SearchFilters(published_to="2024-13"))
    with pytest.raises(UserError, match=r"\[E703\].*Politburo"):
        search(project, "x", SearchFilters(actors=("Politburo",)))
    with pytest.raises(UserError, match=r"\[E164\]"):
        search(project, "x", SearchFilters(layers=("draft",)))


def test_csv_export_and_command_line(project: Project, corpus: dict[str, int], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "hits.csv"
    write_csv(search(project, "nuclear", SearchFilters(labels=("THREAT",), layers=("gold",))).hits, out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["document"], r["hit"], r["label"], r["annotator"], r["layer"], r["published"]) for r in rows] == [
        ("kremlin", "denied any nuclear plans", "THREAT", "reviewer", "gold", "2024-03-02T09:30:00Z")]
    assert main(["search", project.location, "nuclear", "--label", "THREAT", "--attr", "threat_type=nuclear",
                 "--annotator", "alice", "--from", "2024-01-01", "--json"]) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["span_id"] for row in printed] == [corpus["strike"], corpus["plans"]]
    assert main(["search", project.location, "nuclear", "--attr", "threat_type"]) == 1
    assert "[E161]" in capsys.readouterr().err


def test_upgrade_to_0006_indexes_existing_documents(project_location: str) -> None:
    engine = create_project_engine(location_to_url(project_location))
    upgrade(engine, "0005")
    with engine.begin() as connection:
        connection.execute(DOC.insert().values(name="old", title="Old", source="", content_hash="h", n_chars=26,
                                               meta={}, text="Minsk said nothing at all."))
    engine.dispose()
    with Project.open(project_location) as project:
        assert _texts(project, "minsk") == [("old", "Minsk")]


@pytest.mark.slow
def test_ten_megabyte_document_with_a_huge_vocabulary_is_found(project: Project) -> None:
    """Past PostgreSQL's 1 MB tsvector limit (a million different words): the document imports
    and a word near its end is still found."""
    words = " ".join(f"w{index}x" for index in range(1_200_000))
    text = words + " Zaslawye ends it."
    assert len(text) > 10_000_000
    with project.transaction() as connection:
        connection.execute(DOC.insert().values(name="huge", title="Huge", source="", content_hash="huge",
                                               n_chars=len(text), meta={}, text=text))
    hits = search(project, "zaslawye").hits
    assert [(hit.doc_name, hit.start) for hit in hits] == [("huge", len(words) + 1)]
    with project.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(DOC)).scalar_one() == 1


def test_index_survives_a_later_migration_that_rebuilds_the_document_table(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Alembic's batch mode on SQLite copies ``document`` and drops the original, triggers and
    all; the upgrade puts them back, so documents added afterwards are still found."""
    path = tmp_path / "p.db"
    Project.open(path).close()
    simulate_newer_release(tmp_path, monkeypatch,
                           "    with op.batch_alter_table('document', recreate='always') as batch:\n"
                           "        batch.add_column(sa.Column('extra', sa.Text(), nullable=True))")
    with Project.open(path) as project:
        source = tmp_path / "new.txt"
        source.write_text("Vitebsk voted.\n", encoding="utf-8")
        import_paths(project, [source])
        assert _texts(project, "vitebsk") == [("new", "Vitebsk")]
