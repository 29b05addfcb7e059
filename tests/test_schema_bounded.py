"""Hostile schema YAML: alias bombs, recursive aliases, deep nesting, foreign tags and values
PyYAML cannot build end quickly in a catalogue message with file and line, never a traceback,
and change nothing. The CLI cases run the real command in a subprocess: a regression to the old
walk of the expanded tree shows as the subprocess timeout (the bomb below took minutes)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.schema import SchemaError, parse_schema
from annotator.schema.bounded_yaml import MAX_ALIAS_NODES, MAX_DEPTH
from annotator.store import Project
from tests.cli_runs import Outcome, run_here
from tests.conftest import SAMPLE_CORPUS

# Nine levels of nine aliases: 9**9 (387 million) strings once expanded.
BOMB = "name: bomb\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)) + "span_labels: [*i]\n"
HOSTILE = {
    # file text, expected code, line of the problem
    "bomb": (BOMB, "[E220]", 6),
    "recursive": ("name: r\nspan_labels: &r [*r]\n", "[E222]", 2),
    "deep": ("name: d\nspan_labels: " + "[" * 5000 + "]" * 5000 + "\n", "[E221]", 2),
    "python": ("name: !!python/object/apply:os.system [echo hi]\nspan_labels: []\n", "[E223]", 1),
}


def run_cli(*args: str) -> Outcome:
    """The command, in this process; its 60 s alarm is far more than a refusal takes, far less
    than the bomb took (``tests/cli_runs.py``)."""
    return run_here(*args)


def assert_refused(result: Outcome, path: Path, code: str, line: int) -> None:
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{code} {path}, line {line}:" in result.stderr, result.stderr


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_schema_is_refused_by_schema_and_init(case: str, tmp_path: Path) -> None:
    text, code, line = HOSTILE[case]
    schema_file = tmp_path / f"{case}.yaml"
    schema_file.write_text(text, encoding="utf-8")
    project = tmp_path / "p.db"
    with Project.open(project) as opened:
        before = opened.schema
    assert_refused(run_cli("schema", str(project), str(schema_file)), schema_file, code, line)
    with Project.open(project) as opened:
        assert opened.schema == before
    fresh = tmp_path / "new.db"
    assert_refused(run_cli("init", str(fresh), "--schema", str(schema_file)), schema_file, code, line)
    assert not fresh.exists()


def test_import_with_a_bomb_schema_imports_nothing(tmp_path: Path) -> None:
    schema_file = tmp_path / "bomb.yaml"
    schema_file.write_text(BOMB, encoding="utf-8")
    project = tmp_path / "p.db"
    assert_refused(run_cli("import", str(project), str(SAMPLE_CORPUS), "--schema", str(schema_file)),
                   schema_file, "[E220]", 6)
    assert not project.exists()


def refusal(text: str) -> str:
    with pytest.raises(SchemaError) as caught:
        parse_schema(text, "s.yaml")
    return str(caught.value)


LABEL = "  - name: {name}\n    color: '#000000'\n    attributes: {attributes}\n"


def test_shared_attribute_lists_and_merge_keys_still_work() -> None:
    text = ("name: shared\nspan_labels:\n"
            + LABEL.format(name="ACTOR", attributes="&common\n      - &certainty {name: certainty, type: choice, "
                                                    "values: [high, low]}")
            + LABEL.format(name="CLAIM", attributes="*common")
            + LABEL.format(name="THREAT", attributes="\n      - <<: *certainty\n        name: severity"))
    schema = parse_schema(text)
    assert [[a.name for a in label.attributes] for label in schema.span_labels] == [
        ["certainty"], ["certainty"], ["severity"]]
    assert list(schema.span_labels[2].attributes[0].values) == ["high", "low"]


def test_alias_budget_counts_every_repeated_node() -> None:
    values = ", ".join(f"v{i}" for i in range(99))  # with the list itself: 100 nodes
    def schema_repeating(times: int) -> str:
        attributes = "".join(f"      - {{name: a{i}, type: choice, values: *v}}\n" for i in range(times))
        return ("name: budget\nspan_labels:\n" + LABEL.format(name="ACTOR", attributes="[]")
                + f"  - name: CLAIM\n    color: '#000000'\n    attributes:\n      - {{name: first, type: choice, "
                  f"values: &v [{values}]}}\n" + attributes)
    within = MAX_ALIAS_NODES // 100
    assert len(parse_schema(schema_repeating(within)).span_labels[1].attributes) == within + 1
    message = refusal(schema_repeating(within + 1))
    assert message.startswith(f"[E220] s.yaml, line {within + 10}:") and f"{MAX_ALIAS_NODES:,}" in message


def test_nesting_limit_is_exact() -> None:
    def nested(levels: int) -> str:  # the document mapping is the first level
        return "name: x\nspan_labels: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"
    assert "[E221]" not in refusal(nested(MAX_DEPTH))
    assert refusal(nested(MAX_DEPTH + 1)).startswith("[E221] s.yaml, line 2:")


@pytest.mark.parametrize(("value", "shown", "kind"), [
    ("2024-13-45", "2024-13-45", "a date"),
    ("1" * 5000, "1" * 37 + "...", "a whole number"),
    ("!!bool maybe", "maybe", "true or false"),
    ("!!int", "", "a whole number"),
    ("!!timestamp soon", "soon", "a date"),
])
def test_values_yaml_cannot_build_are_located(value: str, shown: str, kind: str) -> None:
    message = refusal(f"name: x\nspan_labels: []\ndescription: {value}\n")
    assert message == f"[E224] s.yaml, line 3: '{shown}' cannot be read as {kind}; correct it, or put it in " \
                      "quotes to keep it as text."


def test_custom_tags_are_refused_by_name() -> None:
    assert refusal("name: !label x\n").startswith("[E223] s.yaml, line 1: the tag !label is not allowed")
    assert "[E223]" not in refusal("name: !!str 2024\nspan_labels: []\n")  # standard tags are fine


TOKENS = ["&a ", "*a", "&b ", "*b", "!!binary ", "!!set ", "!!omap ", "!!pairs ", "!!int ", "!!float ",
          "!!bool ", "!!timestamp ", "!!str ", "!!seq ", "!!map ", "!x ", "<<: ", "? ", "[", "]", "{", "}",
          ", ", ": ", "- ", "\n", "  ", "'", '"', "|", "#", "---\n", "2024-13-45", "0x1F", "1:2:3", "~", "yes",
          "name", "span_labels", "color", "x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_any_yaml_gives_a_schema_or_a_schema_error(text: str) -> None:
    try:
        parse_schema(text)
    except SchemaError as error:
        assert str(error).startswith("[E2")


def special_files(folder: Path) -> dict[str, Path]:
    """Paths a careless or hostile user may give as a file to read: none may hang or be read."""
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "folder.yaml").mkdir()
    (folder / "huge.yaml").write_text("name: x\n" + "#" * 1_000_000 + "\n", encoding="utf-8")
    return {name: folder / f"{name}.yaml" for name in ("pipe", "zero", "folder", "huge")}


def test_pipes_devices_folders_huge_files_and_the_project_itself_are_not_read(tmp_path: Path) -> None:
    project = tmp_path / "p.db"
    with Project.open(project) as opened:
        before = opened.schema
    reasons = {"pipe": "a named pipe (FIFO), not a file", "zero": "a character device, not a file",
               "folder": "is a directory", "huge": "more than the 1 MB"}
    for name, path in special_files(tmp_path).items():
        result = run_cli("schema", str(project), str(path))
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert f"[E201] Cannot read label schema {path}:" in result.stderr and reasons[name] in result.stderr
    itself = run_cli("schema", str(project), str(project))
    assert itself.returncode == 1 and "[E146]" in itself.stderr and "Traceback" not in itself.stderr
    with Project.open(project) as opened:
        assert opened.schema == before
