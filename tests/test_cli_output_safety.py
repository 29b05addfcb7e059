"""Terminal escape sequences in texts, titles and file names reach the terminal as visible
escapes, never as commands; --json stays exactly the stored value."""

from __future__ import annotations

import json
import re
from pathlib import Path

from annotator.cli.output import printable
from tests.cli_runs import Outcome
from tests.cli_runs import run_here as cli

# ESC sequences that recolour, clear the screen and retitle the window; a C1 CSI (U+009B) that
# clears it too; a right-to-left override that would show "evil" reversed and the rest of the line
# after it; a bell inside an OSC window title.
TEXT = "\x1b[31mRED\x1b[0m headline about Belarus\nBody \u202eevil\u202c text \x9b2J about Belarus.\n"
TITLE = "Title \x1b]0;pwned\x07 about Minsk"
FILE_NAME = "evil\x1b[2J.txt"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def run_cli(*args: str | Path) -> Outcome:
    result = cli(*args)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_printable_shows_controls_overrides_and_undecodable_bytes_as_escapes() -> None:
    assert printable("plain Лукашэнка 😀\tand\nlines") == "plain Лукашэнка 😀\tand\nlines"
    assert printable("\x1b[31mred\r") == "\\x1b[31mred\\x0d"
    assert printable("\x9b2J \u202eevil\u2066") == "\\x9b2J \\u202eevil\\u2066"
    assert printable("caf\udce9.txt") == "caf\\xe9.txt"  # the byte that was not UTF-8


def test_docs_show_and_search_print_escapes_and_json_stays_exact(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / FILE_NAME).write_text(TEXT, encoding="utf-8")
    record = {"id": "titled\x1b[1m", "title": TITLE, "text": "An article about Minsk and \x1b[5mMoscow."}
    (folder / "records.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    project = tmp_path / "p.db"
    assert run_cli("import", str(project), str(folder)).returncode == 0
    outputs = {
        "docs": run_cli("docs", str(project)).stdout,
        "show": run_cli("show", str(project), "evil\x1b[2J").stdout,
        "show titled": run_cli("show", str(project), "titled\x1b[1m").stdout,
        "search": run_cli("search", str(project), "Belarus").stdout,
        "search Minsk": run_cli("search", str(project), "Minsk").stdout,
    }
    for command, output in outputs.items():
        assert not RAW.search(output), (command, output)
    assert "evil\\x1b[2J" in outputs["docs"] and "Title \\x1b]0;pwned\\x07 about Minsk" in outputs["docs"]
    assert "Body \\u202eevil\\u202c text \\x9b2J about Belarus." in outputs["show"]
    assert "\\x1b[31mRED\\x1b[0m" in outputs["search"]

    raw_json = run_cli("show", str(project), "evil\x1b[2J", "--json").stdout
    assert not RAW.search(raw_json)
    assert json.loads(raw_json)["text"] == TEXT  # the same value, written with JSON escapes
    listed = [json.loads(line) for line in run_cli("docs", str(project), "--json").stdout.splitlines()]
    assert {doc["name"] for doc in listed} == {"evil\x1b[2J", "titled\x1b[1m"}
    hits = [json.loads(line) for line in run_cli("search", str(project), "Belarus", "--json").stdout.splitlines()]
    assert hits[0]["left"].startswith("\x1b[31mRED")


def test_error_messages_show_file_names_with_escapes(tmp_path: Path) -> None:
    odd = tmp_path / "report\x1b]0;pwned\x07.odt"
    odd.write_bytes(b"PK")
    result = run_cli("import", str(tmp_path / "p.db"), str(odd))
    assert result.returncode == 1 and "[E302]" in result.stderr
    assert "report\\x1b]0;pwned\\x07.odt" in result.stderr and not RAW.search(result.stderr)


def test_names_and_paths_in_every_other_command_are_printable(tmp_path: Path) -> None:
    """Paths, actor names and labels come from outside too: backup, copy, export, actors, init
    and stats print them made safe, as docs, show and search print texts."""
    folder = tmp_path / "\x1b]0;pwned\x07"
    folder.mkdir()
    project = folder / "P.db"
    for args in (["init", project], ["actors", project, "add", "Evil \x1b[2J Name"], ["backup", project],
                 ["export", project, folder / "x.jsonl", "--format", "jsonl"], ["copy", project, folder / "c.db"],
                 ["stats", project], ["limits", project]):
        result = run_cli(*args)
        assert "\x1b" not in result.stdout + result.stderr, (args, result.stdout, result.stderr)
