"""Schema YAML read with bounded cost: nesting, aliases and tags checked before any tree exists.

A schema file comes from a user and is small and hand-written, but YAML lets a few lines stand
for a huge document: nine aliases of nine aliases of … ("billion laughs") expand to millions of
nodes that every later walk (duplicate keys, pydantic, line lookup) pays for; an alias inside its
own anchor (``&r [*r]``) never ends; and PyYAML's composer recurses once per nesting level, so
5000 nested brackets end in RecursionError. ``compose`` therefore first reads the event stream
(``yaml.parse`` is iterative and lazy) and stops at the first of these, with its line:

- nesting deeper than ``MAX_DEPTH`` levels. The default schema's deepest value is 6 levels down
  (document, span_labels, a label, attributes, an attribute, values); 32 leaves room for any
  hand-written schema while PyYAML's composer and pydantic stay far below Python's recursion
  limit (about two frames a level). Stopping at the limit also matters because PyYAML's scanner
  is quadratic in flow nesting: parsing all of 5000 ``[`` takes 9 s, the check stops after 33.
- aliases that repeat more than ``MAX_ALIAS_NODES`` nodes in all (each alias counts the nodes of
  what it names, nested aliases included). The default schema has about 450 nodes; sharing an
  attribute list of 40 values among 50 labels repeats about 2,000. 20,000 is ten times that,
  and checking and validating that many nodes takes well under a second.
- an alias of a collection it is itself inside, which would repeat forever.
- a tag other than the standard YAML types SafeLoader builds (``!!python/…``, ``!custom``):
  refused by name rather than by PyYAML's "could not determine a constructor".

Building the data can still fail on a value that looks like a type but is not one (``2024-13-45``
is read as a date, a 5000-digit number as an integer) or on an explicit tag that does not fit
(``!!bool maybe``, an empty ``!!int``): SafeConstructor lets ValueError, KeyError, IndexError or
AttributeError escape there, so ``construct`` turns them into a located problem too.
"""

from __future__ import annotations

from typing import Any

import yaml

from annotator.schema.model import Problem

MAX_DEPTH = 32
MAX_ALIAS_NODES = 20_000
# The tags SafeLoader can build (None is its fallback for unknown tags), plus "!" (a plain string).
STANDARD_TAGS = frozenset(tag for tag in yaml.SafeLoader.yaml_constructors if tag is not None) | {"!"}
_TYPE_NAMES = {"bool": "true or false", "int": "a whole number", "float": "a number", "timestamp": "a date",
               "binary": "base64 data", "null": "nothing (null)"}


class YamlRefused(Exception):
    """A schema file refused before or while building its data: the line and the catalogue problem."""

    def __init__(self, line: int, problem: Problem) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem.code}")


#: libyaml's parser, when PyYAML was built with it: for the schema shipped with annotator only.
#: It reads the default schema about 30 times faster than PyYAML's pure-Python one (2 ms
#: instead of 60 for both passes), but it words errors its own way and meets some (a depth
#: limit of its own) before ``check_events`` would, so a user's file keeps the parser whose
#: messages the catalogue's codes and the tests describe.
SHIPPED_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose(text: str, loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = yaml.SafeLoader) -> yaml.Node | None:
    """The node tree of ``text`` once its event stream passed ``check_events``; ``loader``
    parses both passes (``SHIPPED_LOADER`` for annotator's own schema file).

    Raises YamlRefused, or yaml.YAMLError for text that is not YAML."""
    check_events(text, loader)
    return yaml.compose(text, Loader=loader)


def check_events(text: str, loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = yaml.SafeLoader) -> None:
    """Refuse deep nesting, runaway or recursive aliases and non-standard tags (see the module
    docstring), reading events only as far as the first problem. Syntax errors are left to
    PyYAML (yaml.YAMLError), which meets them at the same place when composing."""
    sizes: dict[str, int] = {}  # anchor -> nodes it stands for, once its node is complete
    open_nodes: list[tuple[str | None, list[int]]] = []  # (anchor, [nodes so far]) per open collection
    repeated = 0

    def add(count: int) -> None:
        if open_nodes:
            open_nodes[-1][1][0] += count

    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.DocumentStartEvent):
            sizes.clear()  # anchors belong to one document
        elif isinstance(event, yaml.AliasEvent):
            size = sizes.get(event.anchor)
            if size is None:
                if any(anchor == event.anchor for anchor, _ in open_nodes):
                    raise YamlRefused(line, Problem("E222", (), {"name": event.anchor}))
                continue  # an undefined alias: the composer reports it
            repeated += size
            if repeated > MAX_ALIAS_NODES:
                raise YamlRefused(line, Problem("E220", (), {"name": event.anchor, "limit": f"{MAX_ALIAS_NODES:,}"}))
            add(size)
        elif isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            if event.tag is not None and event.tag not in STANDARD_TAGS:
                raise YamlRefused(line, Problem("E223", (), {"tag": _readable_tag(event.tag)}))
            if isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                add(1)
            else:
                open_nodes.append((event.anchor, [1]))
                if len(open_nodes) > MAX_DEPTH:
                    raise YamlRefused(line, Problem("E221", (), {"limit": MAX_DEPTH}))
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, (count,) = open_nodes.pop()
            if anchor is not None:
                sizes[anchor] = count
            add(count)


def construct(root: yaml.Node) -> Any:
    """Plain Python data from a checked node tree. Raises YamlRefused or yaml.YAMLError."""
    return _Constructor("").construct_document(root)


class _Constructor(yaml.SafeLoader):
    """SafeLoader's constructor, with the exceptions its scalar constructors let escape located."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, KeyError, IndexError, AttributeError, OverflowError):
            kind = _TYPE_NAMES.get(node.tag.rsplit(":", 1)[-1], node.tag)
            value = str(node.value)
            shown = value if len(value) <= 40 else f"{value[:37]}..."
            raise YamlRefused(node.start_mark.line + 1, Problem("E224", (), {"value": shown, "kind": kind})) from None


def _readable_tag(tag: str) -> str:
    """``tag:yaml.org,2002:python/object`` as the user wrote it, ``!!python/object``."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
