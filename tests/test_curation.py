"""Curation: every kind of difference compared (spans, attribute values, actor links, relations,
document labels), and taking any annotator's version of each into gold as one undoable step."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from annotator.errors import UserError
from annotator.formats.ingest import ingest_documents
from annotator.ops import History
from annotator.ops.curation import take_version, version_title
from annotator.review import adjudicate
from annotator.review.comparison import NOT_SET, Difference, compare
from annotator.store import Project
from annotator.store.records import SpanRecord
from annotator.store.tables import REL
from annotator.store.versions import ConflictError

TEXT = "Lukashenko said that the West interferes in Belarus. Moscow promised guarantees to Minsk."
NAMES = ("anna", "boris")


def at(word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


def craft(project: Project) -> int:
    """anna and boris: the same ACTOR (Lukashenko) linked to different actors, the same CLAIM
    with claim_type evaluation / accusation and a stance only anna set, a speaker_of only anna
    drew, a relation between the same two ACTORs (Moscow, Minsk) of another type for each, and the
    document labels RELEVANT / NOT_RELEVANT (one group) and NEEDS_DISCUSSION (anna only)."""
    ingest_documents(project, [{"id": "crafted", "text": TEXT, "spans": [], "relations": []}])
    doc_id = project.documents.resolve("crafted")  # the one document: the tests' crafted layers
    annotations = project.annotations
    lukashenko_actor = project.actors.create("Alexander Lukashenko")
    other_actor = project.actors.create("Lukashenko's office")
    claim = (at("the West")[0], at("Belarus")[1])
    for who, claim_type, actor in (("anna", "evaluation", lukashenko_actor), ("boris", "accusation", other_actor)):
        speaker = annotations.add_span(doc_id, *at("Lukashenko"), "ACTOR", who, attrs={"actor_type": "official"})
        project.actors.link_span(speaker.id, actor.id, learn_alias=False)
        attrs = {"claim_type": claim_type, **({"stance": "critical"} if who == "anna" else {})}
        said = annotations.add_span(doc_id, *claim, "CLAIM", who, attrs=attrs)
        moscow = annotations.add_span(doc_id, *at("Moscow"), "ACTOR", who, attrs={"actor_type": "state"})
        minsk = annotations.add_span(doc_id, *at("Minsk"), "ACTOR", who, attrs={"actor_type": "state"})
        if who == "anna":
            annotations.add_relation(speaker.id, said.id, "speaker_of", who)
        annotations.add_relation(moscow.id, minsk.id, "participant_in" if who == "anna" else "speaker_of", who,
                                 check_schema=False)
    annotations.set_doc_label(doc_id, "RELEVANT", "anna", True)
    annotations.set_doc_label(doc_id, "NEEDS_DISCUSSION", "anna", True)
    annotations.set_doc_label(doc_id, "NOT_RELEVANT", "boris", True)
    return doc_id


@pytest.fixture
def crafted(project: Project) -> tuple[Project, int]:
    return project, craft(project)


def by_kind(items: list[Difference], kind: str) -> list[Difference]:
    return [item for item in items if item.kind == kind]


def test_every_kind_of_difference_is_listed_with_who_said_what(crafted: tuple[Project, int]) -> None:
    project, doc_id = crafted
    items = compare(project, doc_id, NAMES)
    assert [item.kind for item in items][:2] == ["doc_label", "doc_label"]  # the document's first
    assert [item.start for item in items[2:]] == sorted(item.start for item in items[2:])  # then text order
    relevance, discussion = sorted(by_kind(items, "doc_label"), key=lambda item: str(item.key))[::-1]
    assert relevance.key == "relevance" and relevance.values == (("anna", ("RELEVANT",)), ("boris", ("NOT_RELEVANT",)))
    assert discussion.key == "NEEDS_DISCUSSION" and discussion.values == (("anna", ("NEEDS_DISCUSSION",)), ("boris", ()))
    attributes = {item.key: item for item in by_kind(items, "attribute")}
    assert set(attributes) == {"claim_type", "stance"}  # actor_type is the same for both: not listed
    assert attributes["claim_type"].values == (("anna", "evaluation"), ("boris", "accusation"))
    assert attributes["stance"].values == (("anna", "critical"), ("boris", NOT_SET))
    [actor] = by_kind(items, "actor")
    assert actor.values == (("anna", "Alexander Lukashenko"), ("boris", "Lukashenko's office"))
    relations = by_kind(items, "relation")
    assert [item.values for item in relations] == [
        (("anna", ("speaker_of",)), ("boris", ())),                     # only anna made it
        (("anna", ("participant_in",)), ("boris", ("speaker_of",)))]    # same ends, other types
    # The agreed spans (Moscow, Minsk) stay agreements; nothing is pending in gold yet.
    assert [item.start for item in by_kind(items, "agreement")] == [at("Moscow")[0], at("Minsk")[0]]
    assert not any(item.in_gold for item in items)
    assert all(item.state == "pending" for item in items)
    assert version_title(attributes["claim_type"], "boris") == "boris's claim_type=accusation"


def take(project: Project, item: Difference, who: str) -> object:
    return History.of(project, "rita").perform(take_version(item, who, "rita")).result


def item_of(project: Project, doc_id: int, kind: str, key: str | None = None, index: int = 0) -> Difference:
    return [item for item in by_kind(compare(project, doc_id, NAMES), kind) if key is None or item.key == key][index]


def gold(project: Project, doc_id: int) -> list[SpanRecord]:
    return project.annotations.spans(doc_id, layers=["gold"])


def test_taking_an_attribute_value_copies_the_span_first_then_replaces_the_value(
        crafted: tuple[Project, int]) -> None:
    project, doc_id = crafted
    history = History.of(project, "rita")
    take(project, item_of(project, doc_id, "attribute", "claim_type"), "boris")  # no gold copy: boris's span
    [copy] = gold(project, doc_id)
    assert copy.attrs == {"claim_type": "accusation"} and adjudicate.provenance(project, copy.id) == ("boris", "rita")
    assert history.undo_label == "Take boris's claim_type=accusation"
    item = item_of(project, doc_id, "attribute", "claim_type")
    assert item.in_gold and item.state == "gold" and item.gold_value == "accusation"
    stance = item_of(project, doc_id, "attribute", "stance")
    # the copy holds no stance: boris's "(not set)", but nobody decided that yet
    assert not stance.in_gold and stance.state == "pending"
    take(project, stance, "anna")  # onto the gold copy, one value
    assert gold(project, doc_id)[0].attrs == {"claim_type": "accusation", "stance": "critical"}
    history.undo()
    assert gold(project, doc_id)[0].attrs == {"claim_type": "accusation"}
    history.undo()  # the copy goes, as one step
    assert gold(project, doc_id) == []
    history.redo()
    assert [span.id for span in gold(project, doc_id)] == [copy.id]  # under its id
    history.redo()
    assert gold(project, doc_id)[0].attrs["stance"] == "critical"


def test_taking_an_actor_link_and_undo(crafted: tuple[Project, int]) -> None:
    project, doc_id = crafted
    history = History.of(project, "rita")
    take(project, item_of(project, doc_id, "actor"), "anna")
    [copy] = [span for span in gold(project, doc_id) if span.label == "ACTOR"]
    assert copy.actor == "Alexander Lukashenko"
    take(project, item_of(project, doc_id, "actor"), "boris")  # replaces the link on the same copy
    assert project.annotations.span(copy.id).actor == "Lukashenko's office"
    assert item_of(project, doc_id, "actor").in_gold
    history.undo()
    assert project.annotations.span(copy.id).actor == "Alexander Lukashenko"
    history.redo()
    assert project.annotations.span(copy.id).actor == "Lukashenko's office"
    history.undo()
    history.undo()
    assert gold(project, doc_id) == []


def test_a_stale_gold_copy_is_a_conflict(crafted: tuple[Project, int]) -> None:
    project, doc_id = crafted
    take(project, item_of(project, doc_id, "attribute", "claim_type"), "anna")
    item = item_of(project, doc_id, "attribute", "claim_type")  # as the reviewer read it
    assert item.gold is not None
    project.annotations.update_span(item.gold.id, note="another reviewer's note")
    with pytest.raises(ConflictError):
        take(project, item, "boris")
    assert project.annotations.span(item.gold.id).attrs["claim_type"] == "evaluation"


def test_taking_a_relation_copies_its_ends_and_a_type_difference_replaces(crafted: tuple[Project, int]) -> None:
    project, doc_id = crafted
    history = History.of(project, "rita")
    only_anna, types = by_kind(compare(project, doc_id, NAMES), "relation")
    take(project, only_anna, "anna")  # the ends come into gold first, one step
    relations = project.annotations.relations(doc_id, layers=["gold"])
    assert [relation.label for relation in relations] == ["speaker_of"]
    assert {span.label for span in gold(project, doc_id)} == {"ACTOR", "CLAIM"}
    assert item_of(project, doc_id, "relation").in_gold
    with pytest.raises(UserError, match="E1200"):
        take(project, item_of(project, doc_id, "relation"), "anna")  # already what gold holds
    history.undo()
    assert gold(project, doc_id) == [] and project.annotations.relations(doc_id, layers=["gold"]) == []
    history.redo()
    assert [relation.label for relation in project.annotations.relations(doc_id, layers=["gold"])] == ["speaker_of"]

    take(project, types, "anna")
    take(project, item_of(project, doc_id, "relation", index=1), "boris")  # boris's type replaces anna's
    moscow_minsk = [r for r in project.annotations.relations(doc_id, layers=["gold"])
                    if project.annotations.span(r.head_id).start == at("Moscow")[0]]
    assert [relation.label for relation in moscow_minsk] == ["speaker_of"]
    with project.reading() as connection:
        row = connection.execute(sa.select(REL.c.origin_annotator, REL.c.adjudicator)
                                 .where(REL.c.id == moscow_minsk[0].id)).one()
    assert tuple(row) == ("boris", "rita")
    history.undo()  # anna's participant_in comes back, with its provenance
    labels = sorted(r.label for r in project.annotations.relations(doc_id, layers=["gold"]))
    assert labels == ["participant_in", "speaker_of"]
    take_none = item_of(project, doc_id, "relation", index=0)
    assert take_none.values[1] == ("boris", ())
    take(project, take_none, "boris")  # boris drew no speaker_of there: gold's goes
    assert sorted(r.label for r in project.annotations.relations(doc_id, layers=["gold"])) == ["participant_in"]
    history.undo()
    assert len(project.annotations.relations(doc_id, layers=["gold"])) == 2


def test_taking_document_labels_replaces_the_group(crafted: tuple[Project, int]) -> None:
    project, doc_id = crafted
    history = History.of(project, "rita")
    relevance = item_of(project, doc_id, "doc_label", "relevance")
    take(project, relevance, "anna")
    assert project.annotations.doc_labels(doc_id, "rita", layer="gold") == ["RELEVANT"]
    assert item_of(project, doc_id, "doc_label", "relevance").in_gold
    take(project, item_of(project, doc_id, "doc_label", "relevance"), "boris")
    assert project.annotations.doc_labels(doc_id, "rita", layer="gold") == ["NOT_RELEVANT"]
    history.undo()
    assert project.annotations.doc_labels(doc_id, "rita", layer="gold") == ["RELEVANT"]
    history.redo()
    assert project.annotations.doc_labels(doc_id, "rita", layer="gold") == ["NOT_RELEVANT"]
    take(project, item_of(project, doc_id, "doc_label", "NEEDS_DISCUSSION"), "boris")  # gold has none either:
    discussion = item_of(project, doc_id, "doc_label", "NEEDS_DISCUSSION")            # the decision is kept
    assert discussion.decision == "taken:boris" and discussion.state == "gold"
    assert project.annotations.doc_labels(doc_id, "rita", layer="gold") == ["NOT_RELEVANT"]
    with pytest.raises(UserError, match="E1200"):
        take(project, discussion, "boris")  # taken already


def test_span_items_keep_their_kinds_and_show_rejections(crafted: tuple[Project, int]) -> None:
    project, doc_id = crafted
    only = project.annotations.add_span(doc_id, *at("guarantees"), "CLAIM", "anna", attrs={"claim_type": "promise"})
    item = next(item for item in compare(project, doc_id, NAMES) if item.start == only.start)
    assert item.kind == "only_one" and item.state == "pending"
    adjudicate.reject_span(project, only.id)
    item = next(item for item in compare(project, doc_id, NAMES) if item.start == only.start)
    assert item.state == "rejected" and item.spans[0].status == "rejected"
    take(project, item, "anna")
    item = next(item for item in compare(project, doc_id, NAMES) if item.start == only.start)
    assert item.state == "gold"
    with pytest.raises(UserError, match="E542"):
        take_version(item, "boris", "rita")


def test_an_actor_gone_from_the_registry_is_refused_by_name(crafted: tuple[Project, int]) -> None:
    project, doc_id = crafted
    take(project, item_of(project, doc_id, "actor"), "anna")
    item = item_of(project, doc_id, "actor")  # as the reviewer read it: boris linked Lukashenko's office
    office = project.actors.find("Lukashenko's office")
    assert office is not None
    project.actors.delete(office.id)
    with pytest.raises(UserError, match=r"E1201.*Lukashenko's office.*boris"):
        take(project, item, "boris")
    assert [span.actor for span in gold(project, doc_id)] == ["Alexander Lukashenko"]


def test_taking_a_value_left_unset_is_recorded_as_a_decision_with_the_copy(crafted: tuple[Project, int]) -> None:
    """boris gave no stance: taking his version makes the gold copy (without a stance) and records
    the decision in the same step, since a copy without the value reads as undecided; on a copy
    that already lacks it, only the decision is new; taking it twice is refused (E1200)."""
    project, doc_id = crafted
    history = History.of(project, "rita")
    take(project, item_of(project, doc_id, "attribute", "stance"), "boris")
    [copy] = gold(project, doc_id)
    assert "stance" not in copy.attrs
    stance = item_of(project, doc_id, "attribute", "stance")
    assert (stance.decision, stance.state) == ("taken:boris", "gold")
    history.undo()  # the copy and the decision, one step
    assert gold(project, doc_id) == [] and item_of(project, doc_id, "attribute", "stance").decision is None

    take(project, item_of(project, doc_id, "attribute", "claim_type"), "boris")  # a copy without stance
    take(project, item_of(project, doc_id, "attribute", "stance"), "boris")
    assert item_of(project, doc_id, "attribute", "stance").state == "gold" and len(gold(project, doc_id)) == 1
    with pytest.raises(UserError, match="E1200"):
        take(project, item_of(project, doc_id, "attribute", "stance"), "boris")


def test_two_reviewers_taking_document_labels_do_not_overwrite_each_other(crafted: tuple[Project, int]) -> None:
    """Document label rows have no version: the take expects the gold labels the reviewer saw, so
    rita's take of boris's NOT_RELEVANT, decided while gold was empty, is refused (E1264) after
    sam took anna's RELEVANT, and sam's undo is refused once rita has changed them again."""
    project, doc_id = crafted
    seen_by_rita = item_of(project, doc_id, "doc_label", "relevance")
    sam = History.of(project, "sam")
    sam.perform(take_version(item_of(project, doc_id, "doc_label", "relevance"), "anna", "sam"))
    with pytest.raises(ConflictError, match="E1264"):
        History.of(project, "rita").perform(take_version(seen_by_rita, "boris", "rita"))
    assert item_of(project, doc_id, "doc_label", "relevance").gold_value == ("RELEVANT",)
    take(project, item_of(project, doc_id, "doc_label", "relevance"), "boris")
    with pytest.raises(ConflictError, match=r"E190.*changed gold's document labels"):
        sam.undo()
    assert item_of(project, doc_id, "doc_label", "relevance").gold_value == ("NOT_RELEVANT",)
