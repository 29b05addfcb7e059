"""A small project for the dashboard tests: dated articles, actors, threats, claims and relations.

Built through the real store APIs (import, ``project.annotations``, ``project.actors``), so the
dashboard reads exactly what the editor would have written. The expected network, by hand:

- alice, doc 1 (2020-11-10): Russia source_of "nuclear strike" (nuclear) targets Belarus;
  the Cabinet speaker_of "Russia interferes" about Russia; "the army" (ACTOR, not linked to the
  registry) source_of "troops at the border" (military) targets Belarus: no edge;
  Russia source_of "pressure" targets "national security" (a TARGET): no edge.
- alice, doc 2 (2021-03-01): Moscow (= Russia) source_of "sanctions" (economic) targets Belarus;
  Moscow source_of "troops" (military) targets Minsk (= Belarus).
- bob, doc 1: Russia source_of "nuclear strike" (nuclear) targets Belarus.

So Russia→Belarus (threat) weighs 4 (3 by alice), Cabinet→Russia (claim) 1; doc 1 is marked done
by both, which gives the agreement trend one week.
"""

from __future__ import annotations

from pathlib import Path

from annotator.corpus.importer import import_paths
from annotator.store import Project

DOC1 = ("Russia announced a nuclear strike against Belarus. The Cabinet said Russia interferes. "
        "Maria Zakharova denied it. Then the army moved troops at the border near Belarus. "
        "Russia applied pressure on national security.")
DOC2 = "Moscow imposed sanctions on Belarus. Moscow also threatened Minsk with troops."


def _span(project: Project, doc_id: int, text: str, fragment: str, label: str, annotator: str,
          attrs: dict[str, object] | None = None, occurrence: int = 0) -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(fragment, start + 1)
    return project.annotations.add_span(doc_id, start, start + len(fragment), label, annotator,
                                        attrs=attrs or {}).id


def build_dashboard_project(project: Project, folder: Path) -> dict[str, int]:
    """Fill ``project`` as the module docstring says; returns the ids the tests need."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "dated.jsonl"
    corpus.write_text(
        f'{{"id": "d1", "title": "Strike threat", "published": "2020-11-10", "text": "{DOC1}"}}\n'
        f'{{"id": "d2", "title": "Sanctions", "published": "2021-03-01T09:00:00Z", "text": "{DOC2}"}}\n',
        encoding="utf-8")
    doc1, doc2 = [document.id for document in import_paths(project, [corpus]).imported]
    russia = project.actors.create("Russia", type="state").id
    belarus = project.actors.create("Belarus", type="state").id
    cabinet = project.actors.create("United Transitional Cabinet", type="opposition").id
    zakharova = project.actors.create("Maria Zakharova", type="official").id
    annotations = project.annotations

    def actor(doc: int, text: str, fragment: str, annotator: str, actor_id: int | None,
              occurrence: int = 0) -> int:
        span_id = _span(project, doc, text, fragment, "ACTOR", annotator, {"actor_type": "state"}, occurrence)
        if actor_id is not None:
            project.actors.link_span(span_id, actor_id, learn_alias=False)
        return span_id

    def threat(doc: int, text: str, fragment: str, annotator: str, kind: str, source: int, target: int) -> int:
        span_id = _span(project, doc, text, fragment, "THREAT", annotator, {"threat_type": kind})
        annotations.add_relation(source, span_id, "source_of", annotator)
        annotations.add_relation(span_id, target, "targets", annotator)
        return span_id

    for annotator in ("alice", "bob"):
        russia_1 = actor(doc1, DOC1, "Russia", annotator, russia)
        belarus_1 = actor(doc1, DOC1, "Belarus", annotator, belarus)
        threat(doc1, DOC1, "nuclear strike", annotator, "nuclear", russia_1, belarus_1)
        annotations.set_status(doc1, annotator, "done")
    cabinet_1 = actor(doc1, DOC1, "The Cabinet", "alice", cabinet)
    claim = _span(project, doc1, DOC1, "Russia interferes", "CLAIM", "alice", {"claim_type": "accusation"})
    russia_2 = actor(doc1, DOC1, "Russia", "alice", russia, occurrence=1)
    annotations.add_relation(cabinet_1, claim, "speaker_of", "alice")
    annotations.add_relation(claim, russia_2, "about", "alice")
    actor(doc1, DOC1, "Maria Zakharova", "alice", zakharova)
    army = actor(doc1, DOC1, "the army", "alice", None)
    belarus_2 = actor(doc1, DOC1, "Belarus", "alice", belarus, occurrence=1)
    threat(doc1, DOC1, "troops at the border", "alice", "military", army, belarus_2)
    russia_3 = actor(doc1, DOC1, "Russia", "alice", russia, occurrence=2)
    security = _span(project, doc1, DOC1, "national security", "TARGET", "alice", {"target_type": "security"})
    threat(doc1, DOC1, "pressure", "alice", "political_interference", russia_3, security)

    moscow_1 = actor(doc2, DOC2, "Moscow", "alice", russia)
    belarus_3 = actor(doc2, DOC2, "Belarus", "alice", belarus)
    sanctions = threat(doc2, DOC2, "sanctions", "alice", "economic", moscow_1, belarus_3)
    moscow_2 = actor(doc2, DOC2, "Moscow", "alice", russia, occurrence=1)
    minsk = actor(doc2, DOC2, "Minsk", "alice", belarus)
    threat(doc2, DOC2, "troops", "alice", "military", moscow_2, minsk)
    return {"doc1": doc1, "doc2": doc2, "russia": russia, "belarus": belarus, "cabinet": cabinet,
            "sanctions": sanctions}
