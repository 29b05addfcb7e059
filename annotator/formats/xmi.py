"""UIMA CAS XMI with its TypeSystem.xml, as INCEpTION imports and exports it (via dkpro-cassis).

Export writes, into the folder OUT, one ``<document id>.xmi`` per document and one
``TypeSystem.xml`` shared by all of them, with INCEpTION's custom-layer conventions:

* ``webanno.custom.Span`` (a span layer): features ``label``, ``annotator``, ``layer``, ``note``,
  ``actor`` and one String feature per attribute name. Feature names must be Java identifiers, so
  each attribute feature carries the original attribute name in its description; values that are
  not strings (multi-valued choices, booleans, numbers) are stored as JSON text and the feature's
  description says so (``ATTRIBUTE_PREFIX`` … ``JSON_MARK``).
* ``webanno.custom.Relation`` (a relation layer on that span layer): ``Governor`` and ``Dependent``
  point at the two spans, begin/end are the dependent's, plus ``label``, ``annotator``, ``layer``
  and attribute features as above.
* Review rides on both layers: ``origin_annotator`` and ``adjudicator`` (a gold item's
  provenance) and, on spans, ``comments`` (the reviewers' comments as JSON text), each marked by
  its description (``REVIEW_PREFIX``) so that an attribute of the same name stays an attribute.
* DKPro's ``DocumentMetaData`` carries the document id and title.

UIMA offsets count UTF-16 code units; cassis converts them to and from code points, so canonical
offsets stay code points. Document metadata, labels, notes and status have no INCEpTION layer
here and are reported; discontinuous spans are exported whole.

Import reads every ``*.xmi`` under each PATH (a folder or a ``.zip``, extracted only if no entry
escapes the archive), with the ``TypeSystem.xml`` of its folder or a parent folder. Each XML file
is first parsed with defusedxml, which refuses DTDs and entities ("billion laughs"), all files
before the first document is yielded; then one CAS is read as its document is taken. Every layer of the CAS is read or counted by
``xmi_layers``: span and relation layers of any name become labels (``inception_layers``: the
user's ``--map``, else the label feature's value, else the layer's name), document layers become
document labels, and linguistic layers, chains, slot features and zero-width annotations are
counted in the loss report by kind.
"""

from __future__ import annotations

import json
import re
import tempfile
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from annotator.errors import Errors, UserError
from annotator.formats.base import CanonicalDoc, Format, LossReport, ReadOptions, register
from annotator.formats.foreign import report_unexportable
from annotator.formats.review_loss import REVIEW
from annotator.formats.xmi_layers import ATTRIBUTE_PREFIX, JSON_MARK, METADATA_TYPE, REVIEW_PREFIX, read_cas
from annotator.limits import ImportLimits
from annotator.output_files import OutputSet, staging

if TYPE_CHECKING:
    from cassis import TypeSystem

SPAN_TYPE = "webanno.custom.Span"
RELATION_TYPE = "webanno.custom.Relation"
NAMED_ENTITY_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
TYPESYSTEM_NAME = "TypeSystem.xml"
STRING = "uima.cas.String"
SPAN_FEATURES = ("label", "annotator", "layer", "note", "actor")
RELATION_FEATURES = ("label", "annotator", "layer")
SPAN_REVIEW = ("origin_annotator", "adjudicator", "comments")
RELATION_REVIEW = ("origin_annotator", "adjudicator")


def _type_system(docs: Sequence[CanonicalDoc]) -> TypeSystem:
    """Our types, with one feature for every attribute name the documents use (cassis types cannot
    gain features once annotations of them exist, hence the pass over all documents first)."""
    from cassis import TypeSystem

    system = TypeSystem()
    metadata = system.create_type(METADATA_TYPE, supertypeName="uima.tcas.DocumentAnnotation",
                                  description="DKPro Core document metadata")
    for name in ("documentTitle", "documentId"):
        system.create_feature(metadata, name, STRING)
    span = system.create_type(SPAN_TYPE, description="annotator span layer")
    for name in SPAN_FEATURES:
        system.create_feature(span, name, STRING)
    for name in SPAN_REVIEW:
        system.create_feature(span, name, STRING, description=REVIEW_PREFIX + name)
    relation = system.create_type(RELATION_TYPE, description="annotator relation layer")
    system.create_feature(relation, "Governor", SPAN_TYPE)
    system.create_feature(relation, "Dependent", SPAN_TYPE)
    for name in RELATION_FEATURES:
        system.create_feature(relation, name, STRING)
    for name in RELATION_REVIEW:
        system.create_feature(relation, name, STRING, description=REVIEW_PREFIX + name)
    for doc in docs:
        for type_name, items in ((SPAN_TYPE, doc["spans"]), (RELATION_TYPE, doc["relations"])):
            for item in items:
                for attribute, value in (item.get("attrs") or {}).items():
                    _attribute_feature(system, type_name, attribute, value)
    return system


def _attribute_feature(system: TypeSystem, type_name: str, attribute: str, value: Any) -> str:
    """The feature holding ``attribute`` on ``type_name``, created on first use; marks JSON values."""
    uima_type = system.get_type(type_name)
    for feature in uima_type.features:
        if (feature.description or "").removesuffix(JSON_MARK) == ATTRIBUTE_PREFIX + attribute:
            break
    else:
        taken = {feature.name for feature in uima_type.all_features}
        base = re.sub(r"\W", "_", attribute, flags=re.ASCII)
        base = base if base and base[0].isalpha() else f"a_{base}"
        name, number = base, 1
        while name in taken or name in ("Governor", "Dependent"):
            number += 1
            name = f"{base}_{number}"
        feature = system.create_feature(uima_type, name, STRING, description=ATTRIBUTE_PREFIX + attribute)
    if not isinstance(value, str) and not (feature.description or "").endswith(JSON_MARK):
        feature.description = f"{feature.description}{JSON_MARK}"
    return feature.name


def _set_attributes(system: TypeSystem, annotation: Any, type_name: str, attrs: dict[str, Any]) -> None:
    for attribute, value in attrs.items():
        feature = _attribute_feature(system, type_name, attribute, value)  # found: created up front
        annotation.set(feature, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _set_review(annotation: Any, item: dict[str, Any]) -> None:
    """A gold item's provenance and a span's comments (JSON text), where it has them."""
    for name in ("origin_annotator", "adjudicator"):
        if item.get(name):
            annotation.set(name, item[name])
    if item.get("comments"):
        annotation.set("comments", json.dumps(item["comments"], ensure_ascii=False))


def _file_name(doc_id: str, used: set[str]) -> str:
    base = re.sub(r"[^\w.-]", "_", str(doc_id)).strip(".") or "document"
    name, number = base, 1
    while name.lower() in used or name == TYPESYSTEM_NAME.removesuffix(".xml"):
        number += 1
        name = f"{base}_{number}"
    used.add(name.lower())
    return f"{name}.xmi"


def export(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet | None = None) -> None:
    with staging(outputs) as files:
        _export(docs, out, report, files)


def _export(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet) -> None:
    from cassis import Cas

    docs = list(docs)
    system = _type_system(docs)
    used: set[str] = set()
    for doc in docs:
        report_unexportable(doc, report, "XMI", doc_labels=True, fragments=True)
        report.add("document notes (XMI export has no layer for them)", len(doc.get("notes", [])))
        report.add("documents' metadata (XMI export keeps only id and title)", 1 if doc.get("meta") else 0)
        cas = Cas(typesystem=system, sofa_string=doc["text"])
        cas.add(system.get_type(METADATA_TYPE)(begin=0, end=len(doc["text"]), documentId=str(doc["id"]),
                                                documentTitle=doc.get("title")))
        annotations = {}
        for span in doc["spans"]:
            annotation = system.get_type(SPAN_TYPE)(
                begin=span["start"], end=span["end"],
                **{name: span.get(name) for name in SPAN_FEATURES if span.get(name) is not None})
            _set_attributes(system, annotation, SPAN_TYPE, span.get("attrs") or {})
            _set_review(annotation, dict(span))
            cas.add(annotation)
            annotations[span["id"]] = annotation
        for relation in doc["relations"]:
            governor, dependent = annotations[relation["head"]], annotations[relation["tail"]]
            annotation = system.get_type(RELATION_TYPE)(
                begin=dependent.begin, end=dependent.end, Governor=governor, Dependent=dependent,
                **{name: relation.get(name) for name in RELATION_FEATURES if relation.get(name) is not None})
            _set_attributes(system, annotation, RELATION_TYPE, relation.get("attrs") or {})
            _set_review(annotation, dict(relation))
            cas.add(annotation)
        outputs.write_text(out / _file_name(doc["id"], used), cas.to_xmi(), newline="")
    outputs.write_text(out / TYPESYSTEM_NAME, system.to_xml(), newline="")


def read(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    with tempfile.TemporaryDirectory(prefix="annotator-xmi-") as scratch:
        folders = [_extract(path, Path(scratch) / str(number), options.limits) if path.suffix.lower() == ".zip"
                   else path for number, path in enumerate(paths)]
        pairs = [(xmi, _type_system_file(xmi, folder)) for folder, path in zip(folders, paths, strict=True)
                 for xmi in _xmi_files(folder, path)]
        for file in {file for pair in pairs for file in pair}:
            _check_xml(file)
        for xmi, system_file in pairs:
            yield _read_cas(xmi, system_file, options, report)


def _extract(archive: Path, target: Path, limits: ImportLimits) -> Path:
    """Extract a zip into ``target``, refusing any entry that would land outside it, and an
    archive whose unpacked size is over the file limit (a zip bomb is refused unextracted)."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            for entry in zipped.namelist():
                posix = PurePosixPath(entry.replace("\\", "/"))
                if posix.is_absolute() or ".." in posix.parts or re.match(r"^[A-Za-z]:", entry):
                    raise UserError(Errors.E877.format(path=archive, entry=entry))
            limits.check_file_size(sum(info.file_size for info in zipped.infolist()), f"{archive} (unpacked)")
            zipped.extractall(target)
    except zipfile.BadZipFile as error:
        raise UserError(Errors.E880.format(path=archive, problem=error)) from None
    return target


def _xmi_files(folder: Path, shown: Path) -> list[Path]:
    files = [folder] if folder.is_file() else sorted(folder.rglob("*.xmi"))
    if not files:
        raise UserError(Errors.E879.format(path=shown, what=".xmi"))
    return files


def _type_system_file(xmi: Path, root: Path) -> Path:
    """``TypeSystem.xml`` (any case) in the XMI's folder or the nearest parent up to ``root``."""
    for folder in [xmi.parent, *xmi.parent.parents]:
        for candidate in folder.glob("*.xml"):
            if candidate.name.lower() == TYPESYSTEM_NAME.lower():
                return candidate
        if folder == root:
            break
    raise UserError(Errors.E878.format(path=xmi))


def _check_xml(path: Path) -> None:
    """Parse with defusedxml first: DTDs and entity declarations are refused before cassis sees them."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, parse

    try:
        parse(path, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise UserError(Errors.E875.format(path=path)) from None
    except ValueError as error:  # expat: "multi-byte encodings are not supported" (UTF-7, Shift-JIS…)
        raise UserError(Errors.E881.format(path=path, encoding=_declared_encoding(path), problem=error)) from None
    except (ParseError, LookupError) as error:  # LookupError: an unknown encoding in the XML declaration
        raise UserError(Errors.E876.format(path=path, problem=error)) from None


def _declared_encoding(path: Path) -> str:
    """The encoding named in the XML declaration at the start of ``path``, for the message."""
    with path.open("rb") as handle:
        found = re.match(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']{1,40})["']""", handle.read(200))
    return found.group(1).decode("ascii", "replace") if found else "unknown"


_UNDECLARED_TYPE = re.compile(r"Type with name \[(.*)\] not found")


def _report_cassis_warnings(caught: list[warnings.WarningMessage], report: LossReport) -> None:
    """What cassis only warns about on stderr, where it would show a Python source line to the
    analyst: annotations of a type the type system does not declare are skipped (lenient
    loading), so they are counted as left out; offsets outside the text are not, since every
    span's offsets are checked as it is read (E872) and the metadata annotation's are unused."""
    for item in caught:
        text = str(item.message)
        if text.startswith("Not mapping external offset"):
            continue
        undeclared = _UNDECLARED_TYPE.search(text)
        report.add(f"XMI annotations of type {undeclared.group(1)}, which the type system does not declare"
                   if undeclared else f"XMI content cassis could not read ({text})")


def _read_cas(xmi: Path, system_file: Path, options: ReadOptions, report: LossReport) -> CanonicalDoc:
    from cassis import load_cas_from_xmi, load_typesystem

    try:
        with system_file.open("rb") as handle:
            system = load_typesystem(handle)
        with xmi.open("rb") as handle, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cas = load_cas_from_xmi(handle, typesystem=system, lenient=True)
    except Exception as error:
        raise UserError(Errors.E880.format(path=xmi, problem=error)) from None
    _report_cassis_warnings(caught, report)
    return read_cas(cas, system, xmi, options, report)


FORMAT = register(Format(
    name="xmi",
    description="UIMA CAS XMI with TypeSystem.xml (INCEpTION; custom span and relation layers)",
    target="folder",
    suffix="",
    export=export,
    read=read,
    carries_review=REVIEW,
))
