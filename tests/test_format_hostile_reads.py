"""Dataset files that used to crash their reader: an XMI declaring an encoding the XML parser
cannot read, a DocBin without token attributes. Each is refused with a message naming it."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.formats import LossReport, ReadOptions, docbin, xmi
from tests.cli_runs import run_here as run_cli
from tests.format_fixtures import sample_docs


@pytest.mark.parametrize("encoding", ["UTF-7", "Shift_JIS", "UTF-32"])
def test_xmi_declaring_an_unreadable_encoding_is_refused_by_name(tmp_path: Path, encoding: str) -> None:
    xmi.export(sample_docs()[:1], tmp_path, LossReport())
    file = tmp_path / "doc-1.xmi"
    file.write_text(file.read_text(encoding="utf-8").replace("encoding='UTF-8'", f"encoding='{encoding}'", 1),
                    encoding="utf-8")
    with pytest.raises(UserError, match=rf"E881.*doc-1\.xmi declares the encoding '{encoding}'"):
        list(xmi.read([tmp_path], ReadOptions(), LossReport()))


def _docbin_without_attrs(path: Path) -> None:
    import spacy
    import srsly
    from spacy.tokens import DocBin

    content = srsly.msgpack_loads(zlib.decompress(DocBin(docs=[spacy.blank("en")("Hello Minsk")]).to_bytes()))
    content["attrs"] = []
    path.write_bytes(zlib.compress(srsly.msgpack_dumps(content)))


def test_docbin_with_empty_attrs_is_refused_through_the_command(tmp_path: Path) -> None:
    _docbin_without_attrs(tmp_path / "empty.spacy")
    with pytest.raises(UserError, match=r"E874.*empty\.spacy.*'attrs' is empty"):
        list(docbin.read([tmp_path / "empty.spacy"], ReadOptions(), LossReport()))
    project = tmp_path / "p.db"
    result = run_cli("import", str(project), str(tmp_path / "empty.spacy"), "--format", "spacy")
    assert result.returncode == 1 and "Traceback" not in result.stderr and "[E874]" in result.stderr
