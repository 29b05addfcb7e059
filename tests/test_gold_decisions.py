"""Gold decisions that replace, relabel and clear (issue 17), through the editing core on SQLite
and PostgreSQL: taking a second version of a decided item leaves one gold span (relations
re-attached or counted, the first version marked rejected) and undoes to exactly the previous
gold; Accept all agreed takes agreed attribute values and relations and reports what it left;
a relabel follows the new label's attributes and asks for required ones; a value can be
cleared unless it is required. Each is one step: one transaction, one undo, one redo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from annotator.errors import UserError
from annotator.ops import History
from annotator.ops.adjudication import AcceptAgreed, AcceptRelations, AcceptSpans
from annotator.ops.gold_edits import ClearAttribute, RelabelGold
from annotator.ops.spans import DeleteRelation, DeleteSpan
from annotator.review.adjudicate import provenance
from annotator.store import Project
from annotator.store.tables import REL, SPAN
from tests.ops_support import import_article, log_rows

REVIEWER = "rita"
# "Lukashenko said that Moscow threatened Belarus with new sanctions.\n"
MOSCOW, THREATENED, BELARUS, LUKASHENKO = (21, 27), (28, 38), (39, 46), (0, 10)


@pytest.fixture
def doc_id(project: Project, tmp_path: Path) -> int:
    """anna and boris agree on Moscow (ACTOR) and "threatened" (THREAT, source_of from Moscow);
    Belarus is an ACTOR for anna and a TARGET for boris, each the target of the threat. They
    agree on Moscow's actor_type, not on its country nor on the threat_type; only anna marked
    Lukashenko."""
    doc = import_article(project, tmp_path)
    annotations = project.annotations
    for name, belarus, country, threat_type in (("anna", "ACTOR", "Russia", "military"),
                                                ("boris", "TARGET", None, "economic")):
        moscow_attrs = {"actor_type": "state", **({"country": country} if country else {})}
        moscow = annotations.add_span(doc, *MOSCOW, "ACTOR", name, attrs=moscow_attrs)
        threat = annotations.add_span(doc, *THREATENED, "THREAT", name, attrs={"threat_type": threat_type})
        target = annotations.add_span(doc, *BELARUS, belarus, name)
        annotations.add_relation(moscow.id, threat.id, "source_of", name)
        annotations.add_relation(threat.id, target.id, "targets", name)
    annotations.add_span(doc, *LUKASHENKO, "ACTOR", "anna", attrs={"actor_type": "official"})
    return doc


def _of(project: Project, doc_id: int, who: str, place: tuple[int, int]) -> Any:
    return next(s for s in project.annotations.spans(doc_id, annotators=[who], layers=["annotation"])
                if (s.start, s.end) == place)


def gold_state(project: Project, doc_id: int) -> dict[str, Any]:
    """Gold exactly (ids, versions, attributes, provenance of spans and relations) and the marks."""
    with project.reading() as connection:
        spans = sorted(connection.execute(
            sa.select(SPAN.c.id, SPAN.c.version, SPAN.c.start_offset, SPAN.c.end_offset, SPAN.c.label_id,
                      SPAN.c.origin_annotator, SPAN.c.adjudicator)
            .where(SPAN.c.document_id == doc_id, SPAN.c.layer == "gold")).all())
        relations = sorted(connection.execute(
            sa.select(REL.c.id, REL.c.version, REL.c.head_id, REL.c.tail_id, REL.c.label_id,
                      REL.c.origin_annotator, REL.c.adjudicator)
            .where(REL.c.document_id == doc_id, REL.c.layer == "gold")).all())
    attrs = {s.id: s.attrs for s in project.annotations.spans(doc_id, layers=["gold"])}
    marks = {(s.annotator, s.start, s.label): s.status
             for s in project.annotations.spans(doc_id, layers=["annotation"])}
    return {"spans": spans, "relations": relations, "attrs": attrs, "marks": marks}


def _gold_at(project: Project, doc_id: int, place: tuple[int, int]) -> list[Any]:
    return [s for s in project.annotations.spans(doc_id, layers=["gold"]) if (s.start, s.end) == place]


def _boris_decided(project: Project, doc_id: int, history: History) -> None:
    """boris's THREAT and TARGET taken, and his targets relation between them."""
    history.perform(AcceptSpans([_of(project, doc_id, "boris", THREATENED)], REVIEWER))
    history.perform(AcceptSpans([_of(project, doc_id, "boris", BELARUS)], REVIEWER))
    boris_targets = [r for r in project.annotations.relations(doc_id, annotators=["boris"], layers=["annotation"])
                     if r.label == "targets"]
    history.perform(AcceptRelations(boris_targets, REVIEWER))


def test_taking_another_version_replaces_the_gold_span_and_undoes_exactly(project: Project, doc_id: int) -> None:
    history = History.of(project, REVIEWER)
    _boris_decided(project, doc_id, history)
    [old] = _gold_at(project, doc_id, BELARUS)
    before = gold_state(project, doc_id)
    rows = log_rows(project)

    decision = history.perform(AcceptSpans([_of(project, doc_id, "anna", BELARUS)], REVIEWER,
                                           label="Accept anna's ACTOR")).result

    [new] = _gold_at(project, doc_id, BELARUS)  # one gold span on Belarus, never TARGET and ACTOR
    assert new.label == "ACTOR" and new.id != old.id and provenance(project, new.id) == ("anna", REVIEWER)
    assert (decision.replaced, decision.reattached, decision.dropped_relations) == (1, 1, 0)
    [targets] = [r for r in project.annotations.relations(doc_id, layers=["gold"]) if r.label == "targets"]
    assert targets.tail_id == new.id  # the threat's relation now reaches the new gold span
    with project.reading() as connection:
        moved = connection.execute(sa.select(REL.c.origin_annotator, REL.c.adjudicator)
                                   .where(REL.c.id == targets.id)).one()
    assert tuple(moved) == ("boris", REVIEWER)
    marks = gold_state(project, doc_id)["marks"]
    assert marks[("boris", BELARUS[0], "TARGET")] == "rejected" and marks[("anna", BELARUS[0], "ACTOR")] == "accepted"
    assert log_rows(project) == rows + 1 and history.undo_label == "Accept anna's ACTOR"

    after = gold_state(project, doc_id)
    history.undo()  # one step: boris's TARGET back under its id, version and provenance, with its relation
    assert gold_state(project, doc_id) == before
    history.redo()
    assert gold_state(project, doc_id) == after
    history.undo()
    assert gold_state(project, doc_id) == before
    assert log_rows(project) == rows + 4


def test_a_relation_the_new_label_does_not_allow_is_removed_and_counted(project: Project, doc_id: int) -> None:
    history = History.of(project, REVIEWER)
    _boris_decided(project, doc_id, history)
    before = gold_state(project, doc_id)
    date = project.annotations.add_span(doc_id, *BELARUS, "DATE", "carol")  # a third reading: targets cannot reach a DATE
    decision = history.perform(AcceptSpans([date], REVIEWER)).result
    assert (decision.replaced, decision.reattached, decision.dropped_relations) == (1, 0, 1)
    assert [s.label for s in _gold_at(project, doc_id, BELARUS)] == ["DATE"]
    assert [r.label for r in project.annotations.relations(doc_id, layers=["gold"])] == []
    history.undo()
    assert gold_state(project, doc_id)["relations"] == before["relations"]


def test_taking_the_version_gold_already_holds_replaces_nothing(project: Project, doc_id: int) -> None:
    history = History.of(project, REVIEWER)
    _boris_decided(project, doc_id, history)
    before = gold_state(project, doc_id)
    decision = history.perform(AcceptSpans([_of(project, doc_id, "boris", BELARUS)], REVIEWER)).result
    assert decision.replaced == 0 and not any(item.created for item in decision.accepted)
    assert gold_state(project, doc_id)["spans"] == before["spans"]


def test_accept_all_agreed_takes_agreed_values_and_relations_and_reports_the_rest(
        project: Project, doc_id: int) -> None:
    history = History.of(project, REVIEWER)
    rows = log_rows(project)
    report = history.perform(AcceptAgreed(doc_id, ["anna", "boris"], REVIEWER)).result
    gold = {(s.start, s.end): s for s in project.annotations.spans(doc_id, layers=["gold"])}
    assert set(gold) == {MOSCOW, THREATENED}  # Belarus differs, Lukashenko is anna's alone
    assert gold[MOSCOW].attrs == {"actor_type": "state"}  # the country only anna gave is left out
    assert gold[THREATENED].attrs == {}  # military against economic: neither
    [relation] = project.annotations.relations(doc_id, layers=["gold"])
    assert (relation.label, relation.head_id, relation.tail_id) == ("source_of", gold[MOSCOW].id, gold[THREATENED].id)
    with project.reading() as connection:
        assert tuple(connection.execute(sa.select(REL.c.origin_annotator, REL.c.adjudicator)
                                        .where(REL.c.id == relation.id)).one()) == ("anna", REVIEWER)
    assert (report.spans, report.marked, report.relations, report.attribute_values) == (2, 4, 1, 1)
    assert (report.differing_items, report.disputed_values, report.differing_relations) == (2, 2, 2)
    assert "2 span(s), 1 relation(s), 1 attribute value(s)" in report.text()
    assert "2 item(s) whose versions differ" in report.text()
    assert log_rows(project) == rows + 1

    after = gold_state(project, doc_id)
    history.undo()
    assert gold_state(project, doc_id)["spans"] == [] and gold_state(project, doc_id)["relations"] == []
    assert set(gold_state(project, doc_id)["marks"].values()) == {None}
    history.redo()  # the same rows under their ids
    assert gold_state(project, doc_id) == after
    again = history.perform(AcceptAgreed(doc_id, ["anna", "boris"], REVIEWER))
    assert (again.result.spans, again.result.relations) == (0, 0) and again.undo is None


def test_accept_all_agreed_replaces_an_earlier_version_but_keeps_a_decided_place(
        project: Project, doc_id: int) -> None:
    history = History.of(project, REVIEWER)
    _boris_decided(project, doc_id, history)
    history.perform(AcceptSpans([_of(project, doc_id, "anna", MOSCOW)], REVIEWER))
    history.perform(AcceptSpans([_of(project, doc_id, "boris", MOSCOW)], REVIEWER))
    [moscow] = _gold_at(project, doc_id, MOSCOW)
    history.perform(RelabelGold(moscow, "LOCATION", REVIEWER))  # the reviewer's own decision on a decided place
    boris_belarus = _of(project, doc_id, "boris", BELARUS)
    project.annotations.update_span(boris_belarus.id, label="ACTOR")  # boris now agrees with anna
    before = gold_state(project, doc_id)

    report = history.perform(AcceptAgreed(doc_id, ["anna", "boris"], REVIEWER)).result

    assert [s.label for s in _gold_at(project, doc_id, BELARUS)] == ["ACTOR"]  # replaced, not stacked
    assert [s.label for s in _gold_at(project, doc_id, MOSCOW)] == ["LOCATION"]  # the reviewer's, kept
    assert report.replaced == 1 and report.dropped_relations == 0
    [targets] = [r for r in project.annotations.relations(doc_id, layers=["gold"]) if r.label == "targets"]
    assert targets.tail_id == _gold_at(project, doc_id, BELARUS)[0].id
    history.undo()
    assert gold_state(project, doc_id) == before


def test_relabel_follows_the_new_labels_attributes_and_records_the_reviewer(project: Project, doc_id: int) -> None:
    history = History.of(project, REVIEWER)
    history.perform(AcceptSpans([_of(project, doc_id, "anna", MOSCOW)], REVIEWER))
    [gold] = _gold_at(project, doc_id, MOSCOW)
    before = gold_state(project, doc_id)
    rows = log_rows(project)

    with pytest.raises(UserError, match=r"E1220.*claim_type \(one of: assertion, evaluation"):
        history.perform(RelabelGold(gold, "CLAIM", REVIEWER))  # claim_type is required and has no default
    with pytest.raises(UserError, match="E1221"):
        history.perform(RelabelGold(gold, "CLAIM", REVIEWER, {"claim_type": "rumour"}))
    assert gold_state(project, doc_id) == before and log_rows(project) == rows

    history.perform(RelabelGold(gold, "CLAIM", REVIEWER, {"claim_type": "evaluation"}))
    relabelled = project.annotations.span(gold.id)
    assert relabelled.label == "CLAIM"  # ACTOR's actor_type and country dropped, CLAIM's default filled
    assert relabelled.attrs == {"claim_type": "evaluation", "sovereignty_position": "not_addressed"}
    assert provenance(project, gold.id) == (REVIEWER, REVIEWER)
    assert log_rows(project) == rows + 1
    after = gold_state(project, doc_id)
    history.undo()
    assert gold_state(project, doc_id) | {"spans": None} == before | {"spans": None}
    assert provenance(project, gold.id) == ("anna", REVIEWER) and project.annotations.span(gold.id).label == "ACTOR"
    history.redo()
    assert gold_state(project, doc_id)["attrs"] == after["attrs"] and provenance(project, gold.id) == (REVIEWER, REVIEWER)


def test_an_attribute_value_is_cleared_unless_it_is_required(project: Project, doc_id: int) -> None:
    history = History.of(project, REVIEWER)
    history.perform(AcceptSpans([_of(project, doc_id, "anna", MOSCOW)], REVIEWER))
    [gold] = _gold_at(project, doc_id, MOSCOW)
    with pytest.raises(UserError, match="E1222"):
        history.perform(ClearAttribute(gold, "actor_type"))
    with pytest.raises(UserError, match="E1223"):
        history.perform(ClearAttribute(gold, "metonym"))
    history.perform(ClearAttribute(gold, "country"))
    assert project.annotations.span(gold.id).attrs == {"actor_type": "state"}
    assert history.undo_label == "Clear country of gold ACTOR"
    assert provenance(project, gold.id) == ("anna", REVIEWER)  # still anna's version, less a value
    history.undo()
    assert project.annotations.span(gold.id).attrs == {"actor_type": "state", "country": "Russia"}


def test_accept_all_agreed_links_an_actor_only_when_every_annotator_linked_it(project: Project, doc_id: int) -> None:
    """The actor link is a value like an attribute's: anna linked Moscow to "Russia", boris to
    "Kremlin", so the gold copy of the agreed ACTOR gets no link (the reviewer settles it) and
    the report counts it; when both link the same actor, gold gets it."""
    moscow = {who: _of(project, doc_id, who, MOSCOW) for who in ("anna", "boris")}
    russia, kremlin = project.actors.create("Russia"), project.actors.create("Kremlin")
    project.actors.link_span(moscow["anna"].id, russia.id, learn_alias=False)
    project.actors.link_span(moscow["boris"].id, kremlin.id, learn_alias=False)
    history = History.of(project, REVIEWER)
    report = history.perform(AcceptAgreed(doc_id, ["anna", "boris"], REVIEWER)).result
    [gold] = _gold_at(project, doc_id, MOSCOW)
    assert gold.actor is None and report.disputed_actors == 1
    assert "1 actor link(s) given differently" in report.text()

    history.undo()
    project.actors.link_span(moscow["boris"].id, russia.id, learn_alias=False)
    report = history.perform(AcceptAgreed(doc_id, ["anna", "boris"], REVIEWER)).result
    [gold] = _gold_at(project, doc_id, MOSCOW)
    assert gold.actor == "Russia" and report.disputed_actors == 0


def _provenances(project: Project, doc_id: int) -> tuple[list[Any], list[Any]]:
    state = gold_state(project, doc_id)
    return ([(row.id, row.origin_annotator, row.adjudicator) for row in state["spans"]],
            [(row.id, row.origin_annotator, row.adjudicator) for row in state["relations"]])


def test_deleting_gold_in_the_editor_and_undoing_keeps_the_provenance(project: Project, doc_id: int) -> None:
    """The main editor's Gold layer deletes with the editing core's DeleteSpan and DeleteRelation:
    their undo puts back the gold span's and its relations' origin and adjudicator, and a
    deleted gold relation's, as the comparison window's delete does (nothing says "made in gold"
    after an undo)."""
    history = History.of(project, REVIEWER)
    history.perform(AcceptAgreed(doc_id, ["anna", "boris"], REVIEWER))
    before = _provenances(project, doc_id)
    assert before[1] and all(origin == "anna" for _id, origin, _adj in before[1])
    [relation] = project.annotations.relations(doc_id, layers=["gold"])
    history.perform(DeleteRelation(relation))
    history.undo()
    assert _provenances(project, doc_id) == before
    history.redo()
    history.undo()
    assert _provenances(project, doc_id) == before

    [moscow] = _gold_at(project, doc_id, MOSCOW)
    history.perform(DeleteSpan(moscow))
    assert not _provenances(project, doc_id)[1]  # its relation went with it
    history.undo()
    assert _provenances(project, doc_id) == before
    history.redo()
    history.undo()
    assert _provenances(project, doc_id) == before
