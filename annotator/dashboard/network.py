"""The actor network: who threatens whom, and who speaks about whom.

Nodes are canonical actors of the registry (``actor`` table); a mention reaches its actor
through ``span.actor_id``, so "Moscow" and "the Kremlin" are one node once linked to one actor.
An edge actor A → actor B is derived from two relations of the schema that meet in one span:

- **threat**: an ACTOR span of A ``source_of`` a THREAT span, and that THREAT ``targets`` an
  ACTOR span of B (A poses the threat, B is threatened);
- **claim**: an ACTOR span of A ``speaker_of`` a CLAIM span, and that CLAIM ``about`` an ACTOR
  span of B (A says something about B).

Both relations are followed within one annotator's layer (a relation never links two layers).
Targets that are not actors (a TARGET such as "national security", a LOCATION) and mentions not
linked to the registry give no edge: the network is about actors. A threat or claim that is
about its own source gives an edge from A to A: kept and listed, but not drawn (a loop would
hide the actor's name).

The weight of an edge is the number of distinct THREAT (or CLAIM) spans behind it. Two analysts
annotating the same statement make two spans, so with several annotators selected a statement
counts once per annotator; choose one annotator or the gold layer to count each statement once.
Every path behind an edge is kept as ``EdgeEvidence`` so that clicking the edge can list them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx

from annotator.dashboard.data import SpanData

EdgeKind = Literal["threat", "claim"]
CIRCLE_MAX = 16
ELLIPSE_WIDTH = 1.5  # names are wider than tall: a flattened circle keeps neighbours' names apart

#: kind -> (relation from the source actor, middle label, relation to the target, target label)
PATHS: dict[EdgeKind, tuple[str, str, str, str]] = {
    "threat": ("source_of", "THREAT", "targets", "ACTOR"),
    "claim": ("speaker_of", "CLAIM", "about", "ACTOR"),
}


@dataclass(frozen=True, slots=True)
class EdgeEvidence:
    """One path behind an edge: source mention → threat/claim → target mention."""

    document_id: int
    document_title: str
    annotator: str
    source_span_id: int
    middle_span_id: int
    target_span_id: int
    source_text: str
    middle_text: str
    target_text: str
    threat_type: str | None


@dataclass
class NetworkEdge:
    source: int  # actor ids
    target: int
    kind: EdgeKind
    evidence: list[EdgeEvidence] = field(default_factory=list)

    @property
    def weight(self) -> int:
        return len({item.middle_span_id for item in self.evidence})


@dataclass(frozen=True, slots=True)
class ActorNode:
    id: int
    name: str
    type: str | None
    country: str | None
    mentions: int  # linked ACTOR spans in the selection


@dataclass
class ActorNetwork:
    nodes: dict[int, ActorNode]
    edges: list[NetworkEdge]
    positions: dict[int, tuple[float, float]] = field(default_factory=dict)

    def weights(self) -> dict[tuple[str, str, str], int]:
        """``(source name, target name, kind) -> weight``, the shape tests and reports compare."""
        return {(self.nodes[e.source].name, self.nodes[e.target].name, e.kind): e.weight for e in self.edges}

    def edge(self, source: str, target: str, kind: EdgeKind) -> NetworkEdge | None:
        """The edge between two actors named ``source`` and ``target``, if there is one."""
        for candidate in self.edges:
            if (self.nodes[candidate.source].name, self.nodes[candidate.target].name, candidate.kind) == (
                    source, target, kind):
                return candidate
        return None


def actor_network(data: SpanData) -> ActorNetwork:
    """The network of the spans and relations in ``data`` (already filtered), laid out."""
    outgoing: dict[tuple[int, str], list[int]] = defaultdict(list)  # (head span, relation) -> tails
    incoming: dict[tuple[int, str], list[int]] = defaultdict(list)  # (tail span, relation) -> heads
    for relation in data.relations:
        outgoing[(relation.head_id, relation.label)].append(relation.tail_id)
        incoming[(relation.tail_id, relation.label)].append(relation.head_id)
    edges: dict[tuple[int, int, EdgeKind], NetworkEdge] = {}
    spans = data.spans
    for middle in spans.values():
        for kind, (from_source, middle_label, to_target, target_label) in PATHS.items():
            if middle.label != middle_label:
                continue
            sources = [spans[i] for i in incoming[(middle.id, from_source)]
                       if spans[i].label == "ACTOR" and spans[i].actor_id is not None]
            targets = [spans[i] for i in outgoing[(middle.id, to_target)]
                       if spans[i].label == target_label and spans[i].actor_id is not None]
            document = data.documents[middle.document_id]
            for source in sources:
                for target in targets:
                    assert source.actor_id is not None and target.actor_id is not None  # filtered above
                    key = (source.actor_id, target.actor_id, kind)
                    if key not in edges:
                        edges[key] = NetworkEdge(source.actor_id, target.actor_id, kind)
                    edges[key].evidence.append(EdgeEvidence(
                        middle.document_id, document.title, middle.annotator, source.id, middle.id, target.id,
                        source.text, middle.text, target.text,
                        middle.attrs.get("threat_type") if kind == "threat" else None))
    mentions: dict[int, int] = defaultdict(int)
    for span in spans.values():
        if span.label == "ACTOR" and span.actor_id is not None:
            mentions[span.actor_id] += 1
    in_edges = {actor for edge in edges.values() for actor in (edge.source, edge.target)}
    nodes = {}
    for actor_id in sorted(in_edges, key=lambda i: data.actors[i].name):
        actor = data.actors[actor_id]
        nodes[actor_id] = ActorNode(actor_id, actor.name, actor.type, actor.country, mentions[actor_id])
    ordered = sorted(edges.values(), key=lambda e: (-e.weight, nodes[e.source].name, nodes[e.target].name, e.kind))
    network = ActorNetwork(nodes, ordered)
    network.positions = layout(network)
    return network


def layout(network: ActorNetwork) -> dict[int, tuple[float, float]]:
    """Node positions, the same for the same data, so a report and the window agree.

    Up to ``CIRCLE_MAX`` actors sit on an ellipse, heaviest-linked first and then alternating
    around it, so that hubs are far apart and no name or edge hides under another node (a spring
    layout pulls the hubs of a small network together). Larger networks use networkx's spring
    layout with a fixed seed.
    """
    graph = nx.Graph()
    graph.add_nodes_from(network.nodes)
    for edge in network.edges:
        if edge.source != edge.target:
            previous = graph.get_edge_data(edge.source, edge.target, {"weight": 0})["weight"]
            graph.add_edge(edge.source, edge.target, weight=previous + edge.weight)
    if not graph:
        return {}
    if len(graph) == 1:
        return {node: (0.0, 0.0) for node in graph}
    if len(graph) <= CIRCLE_MAX:
        by_weight = sorted(graph, key=lambda node: (-graph.degree(node, weight="weight"), network.nodes[node].name))
        order = by_weight[0::2] + by_weight[1::2]  # the two heaviest end up opposite each other
        positions = {node: (x * ELLIPSE_WIDTH, y) for node, (x, y) in nx.circular_layout(order).items()}
    else:
        positions = nx.spring_layout(graph, seed=7, k=3.0 / len(graph) ** 0.5, iterations=200)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}
