"""INCEpTION's layers as this app's labels: one rule for the XMI and the WebAnno TSV readers.

INCEpTION annotates in layers (UIMA types) with features; this app has one label per span or
relation. Both readers turn a layer's annotation into a label the same way, so a file gives the
same labels whichever of the two INCEpTION exported:

- the user's mapping first (``--map LAYER.FEATURE=LABEL``: an annotation of LAYER with a value in
  FEATURE becomes a LABEL span; ``--map LAYER=LABEL``: every annotation of LAYER does). LAYER is the
  type's full name (``webanno.custom.Sentiment``) or its short name (``Sentiment``);
- else the value of the layer's label feature (``value``, INCEpTION's default, else ``label``,
  else the layer's first text feature);
- else, for an annotation without that value (INCEpTION allows it), the layer's short name.

The label feature's value is kept as an attribute whenever it did not become the label, and every
other feature with a value is an attribute, so a mapping never loses what the file held.

DKPro Core's linguistic layers (tokens, sentences, POS, lemmas, dependencies…) are not part of
an annotation schema here: ``linguistic_kind`` names them for the loss report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from annotator.errors import Errors, UserError

DKPRO = "de.tudarmstadt.ukp.dkpro.core.api."
#: DKPro Core packages whose layers are linguistic analysis, not annotation of the kind kept here.
LINGUISTIC_PACKAGES = tuple(DKPRO + name for name in (
    "segmentation.type.", "lexmorph.type.", "syntax.type.", "semantics.type.SemanticField",
    "transform.type.", "frequency.type.", "phonetics.type.", "parameter.type."))
#: The kinds a report names, by DKPro base type: a ``POS_NOUN`` is counted with the ``POS``.
LINGUISTIC_KINDS = ("Token", "Sentence", "POS", "Lemma", "Stem", "MorphologicalFeatures", "Dependency", "Chunk",
                    "Constituent", "PennTree", "Paragraph", "Heading", "NGram", "Compound", "Split")
#: Label features in order of preference; after them, a layer's first text feature.
LABEL_FEATURES = ("value", "label")
#: Features of this app's own layers (its XMI and TSV exports) that are not attributes.
OWN_FEATURES = ("label", "annotator", "layer", "note", "actor")
LINGUISTIC_NOTE = "DKPro layer, not part of the schema"


def short_name(type_name: str) -> str:
    return type_name.rsplit(".", 1)[-1]


def linguistic_kind(type_name: str, ancestors: Iterable[str] = ()) -> str | None:
    """The DKPro linguistic kind of a type (``POS`` for ``…pos.POS_NOUN``), None for any other layer."""
    if not type_name.startswith(LINGUISTIC_PACKAGES):
        return None
    for name in (type_name, *ancestors):
        if short_name(name) in LINGUISTIC_KINDS:
            return short_name(name)
    return short_name(type_name)


def linguistic_loss(kind: str, what: str = "annotations") -> str:
    """The loss report's sentence for a linguistic layer: "POS annotations (DKPro layer, …)"."""
    return f"{kind} {what} ({LINGUISTIC_NOTE})"


@dataclass(frozen=True)
class Layer:
    """A span or relation layer as a reader found it: its type name and its features that hold
    text or numbers (not references to other annotations), in declaration order."""

    name: str
    features: tuple[str, ...]

    @property
    def short(self) -> str:
        return short_name(self.name)

    @cached_property
    def own(self) -> bool:
        """A layer this app exported: its spans name their annotator and layer."""
        return all(name in self.features for name in OWN_FEATURES[:3])

    def label_feature(self, text_features: Sequence[str] | None = None) -> str | None:
        """``value``, else ``label``, else the first text feature (``text_features``; all features
        when the reader cannot tell text from numbers, as in TSV); ``label`` on this app's own layers."""
        if self.own:
            return "label"
        for name in LABEL_FEATURES:
            if name in self.features:
                return name
        candidates = self.features if text_features is None else text_features
        return next(iter(candidates), None)


@dataclass(frozen=True)
class LabelMap:
    """The user's ``LAYER[.FEATURE]=LABEL`` entries, as ``parse`` checked them."""

    entries: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def parse(texts: Iterable[str]) -> tuple[tuple[str, str], ...]:
        """``["NamedEntity.value=ACTOR"]`` → ``(("NamedEntity.value", "ACTOR"),)``; a malformed
        entry is refused (E960) before any file is read."""
        entries = []
        for text in texts:
            key, equals, label = text.partition("=")
            if not equals or not key.strip() or not label.strip() or key.strip().startswith("."):
                raise UserError(Errors.E960.format(entry=text))
            entries.append((key.strip(), label.strip()))
        return tuple(entries)

    def label(self, layer: Layer, values: Mapping[str, Any], where: Path) -> str | None:
        """The label the user mapped this annotation to, or None; an entry naming a feature the
        layer lacks is refused (E961), since it is a typing mistake that would map nothing."""
        whole = None
        for key, label in self.entries:
            feature = _feature_of(key, layer)
            if feature is None:
                continue
            if feature == "":
                whole = whole or label
                continue
            if feature not in layer.features:
                raise UserError(Errors.E961.format(path=where, key=key, layer=layer.name, feature=feature,
                                                   known=", ".join(layer.features) or "none"))
            if _has_value(values.get(feature)):
                return label
        return whole


def _feature_of(key: str, layer: Layer) -> str | None:
    """"" when ``key`` names the layer itself, the feature it names on the layer, None when it
    names another layer."""
    for name in (layer.name, layer.short):
        if key == name:
            return ""
        if key.startswith(name + "."):
            return key[len(name) + 1:]
    return None


def _has_value(value: Any) -> bool:
    return value is not None and value != "" and value != []


def label_and_attributes(layer: Layer, values: Mapping[str, Any], label_map: LabelMap, where: Path,
                         text_features: Sequence[str] | None = None) -> tuple[str, dict[str, Any]]:
    """An annotation's label and attributes by the rule of this module's docstring. ``values``
    are its feature values (None for no value); the own layers' bookkeeping features are left to
    the reader."""
    kept = {name: value for name, value in values.items()
            if value is not None and not (layer.own and name in OWN_FEATURES)}
    mapped = label_map.label(layer, values, where)
    if mapped is not None:
        if layer.own and _has_value(values.get("label")):
            kept["label"] = values["label"]
        return mapped, kept
    feature = layer.label_feature(text_features)
    value = values.get(feature) if feature else None
    if isinstance(value, str) and value.strip():
        kept.pop(feature or "", None)
        return value, kept
    return layer.short, kept
