"""The command line as a script would use it: real project files, real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli.main import COMMANDS, main
from annotator.store import Project
from tests.conftest import SAMPLE_CORPUS

TRICKY = {
    "emoji.txt": "Rally 😀👍🏽 in Minsk 🇧🇾: NATO said so.\n".encode(),
    "combining.txt": "Caf\u0065\u0301 owners in Lviv said Moscow lies.\n".encode(),
    "cyrillic.txt": "Лукашэнка заявіў, што Беларусь не аддасць суверэнітэт.\n".encode(),
    "rtl.txt": "قال المتحدث إن موسكو تهدد مينسك. NATO replied.\n".encode(),
    "crlf.txt": b"Line one about Minsk.\r\nLine two about Moscow.\rLine three.\r\n",
    "bom.txt": "\ufeffBOM article on the Kremlin and Minsk.\n".encode(),
    "cp1251.txt": "Министерство иностранных дел России заявило, что Запад вмешивается в дела Белоруссии.\n".encode("cp1251"),
}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True, timeout=120)


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for name in COMMANDS:
        with pytest.raises(SystemExit) as exit_info:
            main([name, "--help"])
        assert exit_info.value.code == 0
        assert name in capsys.readouterr().out


@pytest.mark.slow
def test_import_sample_corpus_then_docs_show_stats(project_location: str) -> None:
    # a PostgreSQL project is named the way psql names it, without a driver (psycopg 3 is used)
    project = project_location.replace("postgresql+psycopg://", "postgresql://")
    result = run_cli("import", str(project), str(SAMPLE_CORPUS))
    assert result.returncode == 0, result.stderr
    assert "Imported 5 documents" in result.stdout
    docs = [json.loads(line) for line in run_cli("docs", str(project), "--json").stdout.splitlines()]
    assert [d["name"] for d in docs] == sorted(p.stem for p in SAMPLE_CORPUS.glob("*.txt"))
    for doc, path in zip(docs, sorted(SAMPLE_CORPUS.glob("*.txt")), strict=True):
        assert doc["characters"] == len(path.read_text(encoding="utf-8"))
    shown = json.loads(run_cli("show", str(project), docs[0]["name"], "--json").stdout)
    assert shown["text"] == (SAMPLE_CORPUS / f"{docs[0]['name']}.txt").read_text(encoding="utf-8")
    stats = json.loads(run_cli("stats", str(project), "--json").stdout)
    assert stats["documents"] == 5
    table = run_cli("docs", str(project)).stdout
    assert "Minsk attempts to bolster Belarus’ independence" in table


@pytest.mark.slow
def test_tricky_texts_keep_their_offsets(tmp_path: Path, project_location: str) -> None:
    folder = tmp_path / "tricky"
    folder.mkdir()
    for name, data in TRICKY.items():
        (folder / name).write_bytes(data)
    project_path = project_location
    assert main(["import", str(project_path), str(folder)]) == 0
    expected_texts = {
        "crlf": "Line one about Minsk.\nLine two about Moscow.\nLine three.\n",
        "bom": "BOM article on the Kremlin and Minsk.\n",
        "cp1251": TRICKY["cp1251.txt"].decode("cp1251"),
    }
    with Project.open(project_path) as project:
        for doc_id in project.documents.ids():
            document = project.documents.get(doc_id)
            if document.name in expected_texts:
                assert document.text == expected_texts[document.name]
            # annotate every word-like stretch after the astral/combining characters
            for word in ("NATO", "Minsk", "Moscow", "Lviv", "Беларусь", "Запад", "Kremlin", "موسكو"):
                start = document.text.find(word)
                if start >= 0:
                    project.annotations.add_span(doc_id, start, start + len(word), "ACTOR", "alice")
    for line in run_cli("docs", str(project_path), "--json").stdout.splitlines():
        doc = json.loads(line)
        shown = json.loads(run_cli("show", str(project_path), str(doc["id"]), "--json").stdout)
        assert shown["spans"], doc["name"]
        for span in shown["spans"]:
            assert shown["text"][span["start"]:span["end"]] == span["text"]
            assert span["text"] in ("NATO", "Minsk", "Moscow", "Lviv", "Беларусь", "Запад", "Kremlin", "موسكو")


@pytest.mark.slow
def test_bad_files_are_refused_by_name_and_change_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("A good article about Minsk and Moscow.\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "broken.jsonl").write_text('{"text": "fine line about NATO"}\n{"text": oops}\n', encoding="utf-8")
    project = tmp_path / "p.db"
    result = run_cli("import", str(project), str(folder))
    assert result.returncode == 1
    assert "empty.txt" in result.stderr and "image.txt" in result.stderr
    assert "broken.jsonl" in result.stderr and "line 2" in result.stderr
    assert "Traceback" not in result.stderr
    docs = [json.loads(line) for line in run_cli("docs", str(project), "--json").stdout.splitlines()]
    assert [d["name"] for d in docs] == ["good"]  # nothing of the broken jsonl, not even its good line


@pytest.mark.slow
def test_duplicates_are_skipped_and_reported(tmp_path: Path) -> None:
    project = tmp_path / "p.db"
    assert run_cli("import", str(project), str(SAMPLE_CORPUS)).returncode == 0
    copy = tmp_path / "copy.txt"
    copy.write_bytes((SAMPLE_CORPUS / "002_55196e5725b5044d.txt").read_bytes())
    result = run_cli("import", str(project), str(copy))
    assert result.returncode == 0
    assert "skipped duplicate" in result.stderr and "copy.txt" in result.stderr
    assert "Imported 0 documents" in result.stdout


@pytest.mark.slow
def test_user_errors_go_to_stderr_with_nonzero_exit(tmp_path: Path) -> None:
    missing = run_cli("docs", str(tmp_path / "nothing.db"))
    assert missing.returncode == 1
    assert "[E101]" in missing.stderr and "nothing.db" in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "nothing.db").exists()
    project = tmp_path / "p.db"
    run_cli("import", str(project), str(SAMPLE_CORPUS))
    unknown = run_cli("show", str(project), "no-such-doc")
    assert unknown.returncode == 1 and "[E105]" in unknown.stderr
    bad_path = run_cli("import", str(project), str(tmp_path / "nowhere"))
    assert bad_path.returncode == 1 and "nowhere" in bad_path.stderr


@pytest.mark.slow
def test_jsonl_and_csv_import_with_metadata(tmp_path: Path) -> None:
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text(
        json.dumps({"id": "a1", "title": "Statement", "text": "Minsk rejects interference.", "meta": {"outlet": "Belsat"}})
        + "\n" + json.dumps({"text": "Moscow warns of a reserve force."}) + "\n",
        encoding="utf-8",
    )
    csv_file = tmp_path / "docs.csv"
    csv_file.write_text("id,title,text,outlet\nc1,CSV article,The Kremlin said nothing new.,TASS\n", encoding="utf-8")
    project = tmp_path / "p.db"
    assert main(["import", str(project), str(jsonl), str(csv_file)]) == 0
    shown = json.loads(run_cli("show", str(project), "a1", "--json").stdout)
    assert shown["title"] == "Statement" and shown["meta"]["outlet"] == "Belsat"
    shown_csv = json.loads(run_cli("show", str(project), "c1", "--json").stdout)
    assert shown_csv["text"] == "The Kremlin said nothing new." and shown_csv["meta"]["outlet"] == "TASS"


@pytest.mark.slow
def test_schema_command_round_trip(tmp_path: Path) -> None:
    project = tmp_path / "p.db"
    assert main(["init", str(project)]) == 0
    printed = run_cli("schema", str(project))
    assert printed.returncode == 0 and "ACTOR" in printed.stdout
    schema_file = tmp_path / "schema.yaml"
    schema_file.write_text(printed.stdout, encoding="utf-8")
    assert main(["schema", str(project), str(schema_file)]) == 0
