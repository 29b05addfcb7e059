"""UIMA CAS XMI: round trip through cassis, UTF-16 offsets, INCEpTION NamedEntity, hostile input."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.formats import LossReport, ReadOptions, xmi
from tests.format_fixtures import carried, sample_docs

SPAN_KEYS = ("start", "end", "text", "label", "annotator", "layer", "attrs", "note", "actor")


def test_round_trip_keeps_spans_relations_attributes(tmp_path: Path) -> None:
    report = LossReport()
    xmi.export(sample_docs(), tmp_path / "out", report)
    assert (tmp_path / "out" / "TypeSystem.xml").exists()
    back = list(xmi.read([tmp_path / "out"], ReadOptions(), LossReport()))
    for before, after in zip(sample_docs(), back, strict=True):
        keys = ("id", "title", "text")
        assert carried(after, SPAN_KEYS, ("label", "annotator", "layer", "attrs"), keys) == \
            carried(before, SPAN_KEYS, ("label", "annotator", "layer", "attrs"), keys)
    assert report.lines() == ["left out 1 document labels (XMI has none)",
                              "left out 1 documents' metadata (XMI export keeps only id and title)"]


def test_offsets_are_utf16_in_the_file_and_code_points_back(tmp_path: Path) -> None:
    from cassis import load_cas_from_xmi, load_typesystem

    xmi.export(sample_docs()[:1], tmp_path, LossReport())
    with (tmp_path / "TypeSystem.xml").open("rb") as handle:
        system = load_typesystem(handle)
    raw = (tmp_path / "doc-1.xmi").read_text(encoding="utf-8")
    nato = sample_docs()[0]["text"].index("NATO")
    assert f'begin="{nato + 2}"' in raw  # the flag is two code points, four UTF-16 units
    with (tmp_path / "doc-1.xmi").open("rb") as handle:
        cas = load_cas_from_xmi(handle, typesystem=system)
    assert [a.get_covered_text() for a in cas.select(xmi.SPAN_TYPE)][1:3] == ["warned NATO", "NATO"]


def test_reads_inception_named_entities_from_a_zip(tmp_path: Path) -> None:
    from cassis import Cas, TypeSystem

    system = TypeSystem()
    entity = system.create_type(xmi.NAMED_ENTITY_TYPE)
    system.create_feature(entity, "value", "uima.cas.String")
    cas = Cas(typesystem=system, sofa_string="😀 Berlin talks")
    cas.add(entity(begin=2, end=8, value="LOC"))
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("TypeSystem.xml", system.to_xml())
        zipped.writestr("docs/talks.xmi", cas.to_xmi())
    [doc] = xmi.read([archive], ReadOptions(annotator="inception"), LossReport())
    assert doc["id"] == "talks"
    assert [(s["text"], s["label"], s["annotator"]) for s in doc["spans"]] == [("Berlin", "LOC", "inception")]


def test_zip_entry_outside_the_archive_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("TypeSystem.xml", "<x/>")
        zipped.writestr("../escape.xmi", "<x/>")
    with pytest.raises(UserError, match=r"E877.*'\.\./escape\.xmi'"):
        list(xmi.read([archive], ReadOptions(), LossReport()))
    assert not (tmp_path.parent / "escape.xmi").exists()


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmi:version="2.0"><cas:Sofa xmlns:cas="http:///uima/cas.ecore"
 xmi:id="1" sofaNum="1" sofaID="_InitialView" mimeType="text" sofaString="&lol3;"/></xmi:XMI>
"""


def test_entity_bomb_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    xmi.export(sample_docs(), tmp_path, LossReport())
    (tmp_path / "zz-bomb.xmi").write_text(BOMB, encoding="utf-8")
    yielded = []
    with pytest.raises(UserError, match=r"E875.*zz-bomb\.xmi.*billion laughs"):
        yielded.extend(xmi.read([tmp_path], ReadOptions(), LossReport()))
    assert yielded == []


def test_missing_type_system_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="E879"):
        list(xmi.read([tmp_path], ReadOptions(), LossReport()))
    xmi.export(sample_docs()[:1], tmp_path, LossReport())
    (tmp_path / "TypeSystem.xml").unlink()
    with pytest.raises(UserError, match="E878"):
        list(xmi.read([tmp_path], ReadOptions(), LossReport()))


def test_annotations_of_an_undeclared_type_are_counted_not_warned_about(tmp_path: Path) -> None:
    """cassis skips them with a Python warning on stderr; the reader counts them as left out, and
    offsets outside the text (checked span by span anyway) give no warning either."""
    import warnings

    xmi.export(sample_docs()[:1], tmp_path / "out", LossReport())
    document = next((tmp_path / "out").glob("*.xmi"))
    text = document.read_text(encoding="utf-8")
    document.write_text(text.replace('<cas:Sofa ', '<custom:Bogus xmi:id="900" sofa="1" begin="0" end="3"/>'
                                                  '<cas:Sofa ', 1), encoding="utf-8")
    report = LossReport()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        [doc] = list(xmi.read([tmp_path / "out"], ReadOptions(), report))
    assert not caught, [str(item.message) for item in caught]
    assert "left out 1 XMI annotations of type webanno.custom.Bogus, which the type system does not declare" \
        in report.lines()
    assert doc["spans"]
