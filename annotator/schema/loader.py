"""Read a label schema from YAML and report every problem as ``file, line N, field: ...``.

Why compose first: ``yaml.safe_load`` throws away where each value came from. Composing gives the
node tree with line marks (``bounded_yaml`` first refuses deep nesting, runaway aliases and
non-standard tags, so no later walk can take long); we check it for duplicate keys (which PyYAML
would silently resolve to the last one), construct plain Python data from the same tree, validate
that with the pydantic models, and walk each pydantic error's ``loc`` back down the tree to find
its line. All problems are collected and raised as one ``SchemaError`` so the user can fix them in
one pass.
"""

from __future__ import annotations

import difflib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from annotator import paths
from annotator.errors import Errors, UserError
from annotator.input_files import UnreadableInput, read_input_file
from annotator.schema import bounded_yaml
from annotator.schema.model import (
    YAML_BOOLEAN_HINT,
    LabelSchema,
    Loc,
    Problem,
    SchemaValueError,
    consistency_problems,
    field_path,
)

# The default schema is 14 KB and takes 0.1 s to check; checking is pure-Python YAML, about 6 s a
# megabyte, so a file over 1 MB is not a hand-written schema but a wrong path.
MAX_SCHEMA_BYTES = 1_000_000


@dataclass(frozen=True)
class SchemaIssue:
    """One located problem, kept so a GUI schema editor can jump to ``line``."""

    line: int
    field: str
    message: str


class SchemaError(UserError):
    """A schema file that cannot be used; ``str()`` has one line per problem."""

    def __init__(self, issues: list[SchemaIssue]) -> None:
        self.issues = sorted(issues, key=lambda issue: issue.line)
        super().__init__("\n".join(issue.message for issue in self.issues))


def _issue(source: str, line: int, loc: Loc, problem: Problem) -> SchemaIssue:
    path = field_path(loc)
    where = f"{source}, line {line}" + (f", {path}" if path else "")
    return SchemaIssue(line, path, problem.message(where))


# --- public API ------------------------------------------------------------------------------


def parse_schema(text: str, source: str = "<schema>", *, shipped: bool = False) -> LabelSchema:
    """Parse and validate schema YAML; ``source`` names the file in messages. Raises SchemaError.
    ``shipped``: the text is annotator's own schema file, read with libyaml when PyYAML has it
    (``bounded_yaml.SHIPPED_LOADER``)."""
    try:
        root = bounded_yaml.compose(text, bounded_yaml.SHIPPED_LOADER if shipped else yaml.SafeLoader)
        if root is None:
            raise SchemaError([_issue(source, 1, (), Problem("E218"))])
        duplicates = [_issue(source, line, loc, problem) for line, loc, problem in _duplicate_keys(root, (), set())]
        if duplicates:
            raise SchemaError(duplicates)
        data = bounded_yaml.construct(root)
    except bounded_yaml.YamlRefused as refused:
        raise SchemaError([_issue(source, refused.line, (), refused.problem)]) from None
    except yaml.YAMLError as error:
        line, problem = _describe_yaml_error(error, text)
        raise SchemaError([_issue(source, line, (), Problem("E202", (), {"problem": problem}))]) from None
    try:
        return LabelSchema.model_validate(data)
    except ValidationError as error:
        raise SchemaError(_issues_from_validation(error, data, root, source)) from None


def load_schema(path: str | Path, *, shipped: bool = False) -> LabelSchema:
    """Read a schema file (UTF-8, a BOM is fine). Raises SchemaError, or UserError for a file
    that cannot be read: missing, not a regular file, or over ``MAX_SCHEMA_BYTES``.
    ``shipped``: annotator's own file (see ``parse_schema``)."""
    path = Path(path)
    try:
        raw = read_input_file(path, MAX_SCHEMA_BYTES, "a label schema")
    except UnreadableInput as error:
        raise UserError(Errors.E201.format(path=path, reason=error)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        reason = f"line {line} is not UTF-8 text; save the file as UTF-8"
        raise UserError(Errors.E201.format(path=path, reason=reason)) from None
    return parse_schema(text, str(path), shipped=shipped)


_default: dict[tuple[Path, int, int], LabelSchema] = {}  # the last one read, by (path, mtime_ns, size)


def load_default_schema() -> LabelSchema:
    """The schema shipped with annotator, used by new projects: read and checked once per process
    unless the file changed since (the models are frozen, so one object serves every project).
    Parsed with libyaml when PyYAML has it: the pure-Python parser's two passes took 0.06 s of
    CPU, a third of creating a project; with it, the parse is pydantic's validation, 0.01 s."""
    path = paths.default_schema_path()
    try:
        stat = path.stat()
    except OSError:
        return load_schema(path)  # load_schema says what is wrong with the file
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _default:
        schema = load_schema(path, shipped=True)
        _default.clear()
        _default[key] = schema
    return _default[key]


def dump_schema(schema: LabelSchema) -> str:
    """Readable YAML for ``schema``: field order kept, defaults left out, long text as blocks."""
    data = schema.model_dump(mode="json", exclude_defaults=True)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text as ``|`` blocks and short lists as ``[a, b]``, to stay editable by hand."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    short = all(isinstance(item, str) and "\n" not in item and len(item) < 40 for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=bool(value) and short)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


# --- YAML problems ---------------------------------------------------------------------------


def _describe_yaml_error(error: yaml.YAMLError, text: str) -> tuple[int, str]:
    """(line, readable problem) for any PyYAML error, including reader errors without marks."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "unexpected text"
        if error.context:
            context_line = f" on line {error.context_mark.line + 1}" if error.context_mark else ""
            problem = f"{error.context}{context_line}, {problem}"
        return (mark.line + 1 if mark else 1), problem
    if isinstance(error, yaml.reader.ReaderError):
        line = text.count("\n", 0, error.position) + 1
        return line, f"character {error.character!r} is not allowed in YAML; delete it"
    return 1, str(error)


def _duplicate_keys(node: yaml.Node, loc: Loc, seen: set[int]) -> list[tuple[int, Loc, Problem]]:
    """Every key that repeats within one mapping, anywhere in the tree. Each node is visited once
    (``seen`` holds their ids): an aliased mapping is one place in the file, reported once."""
    found: list[tuple[int, Loc, Problem]] = []
    if id(node) in seen:
        return found
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first_lines: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                continue
            line = key.start_mark.line + 1
            if key.value in first_lines:
                details = {"value": key.value, "first_line": first_lines[key.value]}
                found.append((line, loc + (key.value,), Problem("E217", (), details)))
            else:
                first_lines[key.value] = line
            found += _duplicate_keys(value, loc + (key.value,), seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found += _duplicate_keys(item, loc + (index,), seen)
    return found


# --- pydantic problems -----------------------------------------------------------------------


def _line_of(root: yaml.Node, loc: Loc) -> int:
    """1-based line of the deepest node ``loc`` reaches; a mapping entry counts from its key."""
    node, line = root, root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            entries = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)]
            entry = entries[-1] if entries else None  # the last one wins, as when constructing
            if entry is None:
                break
            node, line = entry[1], entry[0].start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _issues_from_validation(
    error: ValidationError, data: Any, root: yaml.Node, source: str
) -> list[SchemaIssue]:
    """Every pydantic error, plus the cross-entry checks pydantic skips when an entry is invalid."""
    located: list[tuple[Loc, Problem]] = []
    for detail in error.errors():
        loc: Loc = tuple(part for part in detail["loc"] if part != "[key]")
        cause = detail.get("ctx", {}).get("error")
        if isinstance(cause, SchemaValueError):
            located += [(loc + problem.loc, problem) for problem in cause.problems]
        else:
            located.append((loc, _problem_from_pydantic(detail, loc)))
    seen = {(loc, problem.code) for loc, problem in located}
    located += [(p.loc, p) for p in consistency_problems(data) if (p.loc, p.code) not in seen]
    return [_issue(source, _line_of(root, loc), loc, problem) for loc, problem in located]


_EXPECTED = {
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "float_type": "a number",
    "float_parsing": "a number",
    "list_type": "a list (lines starting with '- ', or [a, b])",
    "dict_type": "a mapping (lines of 'key: value')",
    "model_type": "a mapping (lines of 'key: value')",
    "model_attributes_type": "a mapping (lines of 'key: value')",
}


def _problem_from_pydantic(detail: Any, loc: Loc) -> Problem:
    """Translate pydantic's own error types into catalogue problems."""
    kind, value = detail["type"], detail.get("input")
    name = str(loc[-1]) if loc else ""
    if kind == "missing":
        return Problem("E206", (), {"value": name})
    if kind == "extra_forbidden":
        known = _known_fields(loc[:-1])
        close = difflib.get_close_matches(name, known, n=1)
        suggestion = f" Did you mean '{close[0]}'?" if close else ""
        return Problem("E205", (), {"value": name, "suggestion": suggestion, "known": ", ".join(known)})
    if kind == "literal_error":
        return Problem("E207", (), {"value": value, "expected": detail["ctx"]["expected"]})
    expected = _EXPECTED.get(kind, detail["msg"].removeprefix("Input should be ").lower())
    return Problem("E208", (), {"expected": expected, "found": _describe_value(value)})


def _describe_value(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} ({YAML_BOOLEAN_HINT})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"'{value}'"
    return repr(value)


def _known_fields(loc: Loc) -> list[str]:
    """Field names of the model found at ``loc`` (walking LabelSchema's annotations down)."""
    model: type[BaseModel] = LabelSchema
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        inner = _model_in(info.annotation) if info else None
        if inner is None:
            break
        model = inner
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The BaseModel inside ``list[X]``, ``X | None`` and the like, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
