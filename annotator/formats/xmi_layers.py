"""One CAS of an INCEpTION XMI export as a canonical document: every element stored or counted.

Each type of the CAS is taken for what INCEpTION makes of it:

- a **span layer** (a subtype of ``uima.tcas.Annotation``): each annotation a span, labelled by
  ``inception_layers`` (the user's mapping, the label feature's value, else the layer's name),
  its other features attributes. This app's own ``webanno.custom.Span`` (features ``label``,
  ``annotator``, ``layer``…) keeps its annotators, layers, notes and actors. Zero-width
  annotations and ones outside the text are counted, not refused: a span needs a character.
- a **relation layer** (features ``Governor`` and ``Dependent``): a relation when both ends were
  read as spans, whatever their layers; otherwise counted by what its ends are.
- a **document layer** (a custom subtype of ``uima.cas.AnnotationBase``): a document label.
- DKPro Core's linguistic layers (Token, Sentence, POS, Lemma, Dependency…), **chains** (a
  ``…Chain`` with ``first`` and its ``…Link``s with ``next``) and **slot features** (arrays of links
  with ``role`` and ``target``) are counted by kind in the loss report.
- DKPro's ``DocumentMetaData`` gives the document's id and title; INCEpTION's ``CASMetadata``
  gives the annotator whose CAS it is (so a project export's per-user files stay apart; its
  curation CAS goes to the gold layer). Anything else, including other views, is counted.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.formats.base import LossReport, ReadOptions
from annotator.formats.canonical import CanonicalDoc, ItemId, new_document
from annotator.formats.foreign import add_relation, add_span
from annotator.formats.inception_layers import (
    OWN_FEATURES,
    LabelMap,
    Layer,
    label_and_attributes,
    linguistic_kind,
    linguistic_loss,
    short_name,
)

if TYPE_CHECKING:
    from cassis import Cas, TypeSystem
    from cassis.typesystem import Type

METADATA_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
CAS_METADATA_TYPE = "de.tudarmstadt.ukp.clarin.webanno.api.type.CASMetadata"
METADATA_PACKAGE = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type."
ATTRIBUTE_PREFIX = "annotator attribute: "
JSON_MARK = " (JSON)"
REVIEW_PREFIX = "annotator review: "  # a feature holding a gold item's provenance or a span's comments
#: INCEpTION's own CAS owners: the curated result, and the document as first imported.
CURATION_USER, INITIAL_CAS = "CURATION_USER", "INITIAL_CAS"
_BUILT_IN = ("sofa", "begin", "end")
_RELATION_ENDS = ("Governor", "Dependent")
_CHAIN_NOTE = "chain layer; chains are not part of the schema"


def read_cas(cas: Cas, system: TypeSystem, xmi: Path, options: ReadOptions, report: LossReport) -> CanonicalDoc:
    """The document one XMI holds; what it cannot hold is counted in ``report``."""
    return _CasReader(cas, system, xmi, options, report).document()


class _CasReader:
    def __init__(self, cas: Cas, system: TypeSystem, xmi: Path, options: ReadOptions, report: LossReport) -> None:
        self.cas, self.system, self.xmi, self.options, self.report = cas, system, xmi, options, report
        self.label_map = LabelMap(options.label_map)
        self.text = cas.sofa_string or ""
        self.span_ids: dict[int, ItemId] = {}  # xmi:id of an annotation read as a span → its span id
        self.left_out: set[int] = set()  # xmi:ids of span-layer annotations counted instead
        self.annotator, self.layer = options.annotator, options.layer
        self.layers: dict[str, tuple[Layer, list[str]]] = {}  # type name → its layer and text features

    def document(self) -> CanonicalDoc:
        by_type: dict[str, list[Any]] = defaultdict(list)
        for fs in self.cas.select_all_fs():
            by_type[fs.type.name].append(fs)
        metadata = by_type.get(METADATA_TYPE, [None])[0]
        doc = new_document((metadata and metadata.get("documentId")) or self.xmi.stem, self.text,
                           title=metadata.get("documentTitle") if metadata else None)
        self._owner(by_type.get(CAS_METADATA_TYPE, []))
        relations = []
        for name in sorted(by_type):
            kind = self._kind(self.system.get_type(name))
            if kind == "span":
                for annotation in by_type[name]:
                    self._span(doc, annotation)
            elif kind == "relation":
                relations.append(name)
            elif kind == "document":
                for fs in by_type[name]:
                    self._document_label(doc, fs)
            elif kind:
                self.report.add(kind, len(by_type[name]))
        for name in relations:
            for annotation in by_type[name]:
                self._relation(doc, annotation)
        self._other_views()
        return doc

    # --- what a type is

    def _kind(self, uima_type: Type) -> str | None:
        """"span", "relation", "document", None (metadata read elsewhere) or the loss report's
        sentence for the annotations of a type that is not read."""
        name, features = uima_type.name, {feature.name for feature in uima_type.all_features}
        ancestors = _ancestors(uima_type)
        relation = all(end in features for end in _RELATION_ENDS)
        linguistic = linguistic_kind(name, ancestors)
        if linguistic:
            return linguistic_loss(linguistic, "relations" if relation else "annotations")
        if name in (METADATA_TYPE, CAS_METADATA_TYPE) or "uima.tcas.DocumentAnnotation" in (name, *ancestors):
            return None
        if name.startswith(METADATA_PACKAGE):
            return f"{short_name(name)} metadata (not annotations of the text)"
        if "first" in features and "uima.tcas.Annotation" not in ancestors:
            return f"{short_name(name)} chains ({_CHAIN_NOTE})"
        if "next" in features and "referenceType" in features:
            return f"{short_name(name)} chain links ({_CHAIN_NOTE})"
        if {"role", "target"} <= features and "uima.tcas.Annotation" not in ancestors:
            return None  # slot links, counted with the span that holds them
        if relation:
            return "relation"
        if "uima.tcas.Annotation" in ancestors:
            return "span"
        if "uima.cas.AnnotationBase" in ancestors and self._layer(uima_type).features:
            return "document"
        return f"{short_name(name)} feature structures (not a span, relation or document layer)"

    def _layer(self, uima_type: Type) -> Layer:
        """The layer with its features that hold values (text, numbers, lists of them)."""
        return self._layer_and_texts(uima_type)[0]

    def _layer_and_texts(self, uima_type: Type) -> tuple[Layer, list[str]]:
        """The layer, and its features that hold text (the candidates for its label), once per type."""
        if uima_type.name not in self.layers:
            layer = Layer(uima_type.name, tuple(
                feature.name for feature in uima_type.all_features
                if feature.name not in _BUILT_IN and (self.system.is_primitive(feature.rangeType)
                                                      or self.system.is_primitive_array(feature.rangeType))))
            self.layers[uima_type.name] = (layer, _text_features(uima_type, layer))
        return self.layers[uima_type.name]

    # --- spans, relations, document labels

    def _owner(self, cas_metadata: list[Any]) -> None:
        """INCEpTION's CASMetadata names the user whose CAS this is: their annotator layer."""
        username = cas_metadata[0].get("username") if cas_metadata else None
        if username == CURATION_USER:
            self.layer = "gold"
        elif isinstance(username, str) and username.strip() and username != INITIAL_CAS:
            self.annotator = username.strip()

    def _span(self, doc: CanonicalDoc, annotation: Any) -> None:
        layer = self._layer(annotation.type)
        begin, end = annotation.begin, annotation.end
        self._count_links(annotation, layer)
        if not (isinstance(begin, int) and isinstance(end, int) and 0 <= begin <= end <= len(self.text)):
            self.report.add(f"{layer.short} annotations outside the text (offsets {begin}-{end})")
            self.left_out.add(annotation.xmiID)
        elif begin == end:
            self.report.add(f"{layer.short} annotations of zero width (a span needs at least one character)")
            self.left_out.add(annotation.xmiID)
        else:
            label, extra = self._labelled(annotation, layer)
            span = add_span(doc, begin, end, label, self.options, where=(self.xmi, 0), **extra)
            self.span_ids[annotation.xmiID] = span["id"]

    def _relation(self, doc: CanonicalDoc, annotation: Any) -> None:
        layer = self._layer(annotation.type)
        governor, dependent = (annotation.get(end) for end in _RELATION_ENDS)
        if governor is None or dependent is None:
            self.report.add(f"{layer.short} relations without both ends")
            return
        ends = (governor.xmiID, dependent.xmiID)
        if all(end in self.span_ids for end in ends):
            label, extra = self._labelled(annotation, layer)
            extra.pop("note", None), extra.pop("actor", None)
            add_relation(doc, self.span_ids[ends[0]], self.span_ids[ends[1]], label, self.options, **extra)
        elif any(end in self.left_out for end in ends):
            self.report.add(f"{layer.short} relations whose ends were left out")
        else:
            kinds = sorted({end.type.name for end in (governor, dependent) if end.xmiID not in self.span_ids})
            self.report.add(f"{layer.short} relations between {' and '.join(map(short_name, kinds))} "
                            "annotations, which are not imported")

    def _document_label(self, doc: CanonicalDoc, fs: Any) -> None:
        layer = self._layer(fs.type)
        label, attrs = label_and_attributes(layer, _values(fs, layer), self.label_map, self.xmi)
        doc["doc_labels"].append({"label": label, "annotator": self.annotator, "layer": self.layer})
        self.report.add(f"{layer.short} feature values besides the label (document labels have no attributes)",
                        len(attrs))

    def _labelled(self, annotation: Any, layer: Layer) -> tuple[str, dict[str, Any]]:
        """The label and the ``add_span``/``add_relation`` extras of an annotation."""
        values = _values(annotation, layer)
        self._count_references(annotation, layer)
        label, attrs = label_and_attributes(layer, values, self.label_map, self.xmi,
                                            self._layer_and_texts(annotation.type)[1])
        if not layer.own:
            return label, {"annotator": self.annotator, "layer": self.layer, "attrs": attrs}
        extra = {name: values[name] for name in OWN_FEATURES[1:] if values.get(name) is not None}
        attrs, review = _own_review(annotation.type, attrs, self.report)
        return label, {**extra, **review, "attrs": _own_attributes(annotation.type, attrs)}

    # --- what is counted

    def _count_links(self, annotation: Any, layer: Layer) -> None:
        """Slot features: arrays of links (``role``, ``target``) to other annotations."""
        for feature in annotation.type.all_features:
            if feature.name in _BUILT_IN or feature.name in layer.features:
                continue
            value = annotation.get(feature.name)
            elements = getattr(value, "elements", None)
            if elements and all(_is_link(element) for element in elements):
                self.report.add(f"slot links of {layer.short} ({feature.name}; slot features are not part "
                                "of the schema)", len(elements))

    def _count_references(self, annotation: Any, layer: Layer) -> None:
        """Features that point at other annotations (other than a relation's ends and slot links)."""
        for feature in annotation.type.all_features:
            if feature.name in (*_BUILT_IN, *_RELATION_ENDS) or feature.name in layer.features:
                continue
            value = annotation.get(feature.name)
            elements = getattr(value, "elements", None)
            if value is not None and elements != [] and not (elements and all(map(_is_link, elements))):
                self.report.add(f"{layer.short} features pointing at other annotations ({feature.name})")

    def _other_views(self) -> None:
        for view in self.cas.views:
            if view.sofa.sofaID != "_InitialView":
                self.report.add(f"annotations in the view '{view.sofa.sofaID}' (only the initial view is read)",
                                len(view.get_all_fs()))


def _ancestors(uima_type: Type) -> list[str]:
    found = []
    parent = uima_type.supertype
    while parent is not None:
        found.append(parent.name)
        parent = parent.supertype
    return found


def _is_link(fs: Any) -> bool:
    return fs is not None and {"role", "target"} <= {feature.name for feature in fs.type.all_features}


def _values(fs: Any, layer: Layer) -> dict[str, Any]:
    """Feature name → value, arrays as lists, for the features ``layer`` reads."""
    values = {}
    for name in layer.features:
        value = fs.get(name)
        elements = getattr(value, "elements", None)
        values[name] = list(elements) if elements is not None else value
    return values


def _text_features(uima_type: Type, layer: Layer) -> list[str]:
    """The layer's features that hold text: the candidates for its label."""
    strings = {feature.name for feature in uima_type.all_features
               if feature.rangeType.name == "uima.cas.String" or _ancestors(feature.rangeType)[:1] == ["uima.cas.String"]}
    return [name for name in layer.features if name in strings]


def _own_review(uima_type: Type, attrs: dict[str, Any], report: LossReport) -> tuple[dict[str, Any], dict[str, Any]]:
    """This app's review features (``REVIEW_PREFIX`` in their description, see ``xmi``) taken out
    of the attributes: a gold item's provenance, and a span's comments from their JSON text."""
    fields = {feature.name: (feature.description or "").removeprefix(REVIEW_PREFIX)
              for feature in uima_type.all_features if (feature.description or "").startswith(REVIEW_PREFIX)}
    kept: dict[str, Any] = {}
    review: dict[str, Any] = {}
    for name, value in attrs.items():
        field = fields.get(name)
        if field in ("origin_annotator", "adjudicator"):
            review[field] = value
        elif field == "comments":
            try:
                comments = json.loads(value) if isinstance(value, str) else None
            except json.JSONDecodeError:
                comments = None
            if isinstance(comments, list):
                review["comments"] = comments
            else:
                report.add("reviewer comments that are not a JSON list")
        else:
            kept[name] = value
    return kept, review


def _own_attributes(uima_type: Type, attrs: dict[str, Any]) -> dict[str, Any]:
    """This app's attribute features carry the attribute's name in their description, and JSON
    text for values that were not strings (see ``xmi``)."""
    descriptions = {feature.name: feature.description or "" for feature in uima_type.all_features}
    named = {}
    for feature, value in attrs.items():
        description = descriptions.get(feature, "")
        if not description.startswith(ATTRIBUTE_PREFIX):
            named[feature] = value
            continue
        if description.endswith(JSON_MARK) and isinstance(value, str):
            try:
                decoded = json.loads(value)
            except json.JSONDecodeError:
                decoded = value
            value = value if isinstance(decoded, str) else decoded
        named[description.removeprefix(ATTRIBUTE_PREFIX).removesuffix(JSON_MARK)] = value
    return named
