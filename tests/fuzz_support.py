"""Hostile input for every importer: valid seed files, hypothesis strategies that break them, and
the one property every import must keep, shared by ``test_import_fuzz.py`` (a bounded run) and
``benchmarks/fuzz_importers.py`` (thousands of cases).

The property: an import either succeeds or raises ``UserError`` (the corpus importer reports it
as a failure), and when it fails the project's tables hold exactly the rows they held before.
Seeds are real files: the corpus formats written by hand, the dataset formats written by each
format's own exporter from ``format_fixtures.sample_docs``, so mutations start from what the
readers are meant to accept.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from hypothesis import strategies as st

from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.formats import LossReport, formats
from annotator.store import Project
from annotator.store.tables import DOC
from tests.format_fixtures import sample_docs
from tests.import_runs import import_strictly


def table_counts(project: Project) -> dict[str, int]:
    """Rows in every table of the project: what a refused import must leave unchanged."""
    with project.engine.connect() as connection:
        return {table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in DOC.metadata.sorted_tables}


@dataclass(frozen=True)
class Importer:
    """One importer under test: the files of a valid input, which of them to mutate, how to import."""

    name: str
    seed_files: Callable[[], dict[str, bytes]]  # file name -> content of a valid input
    target: str  # the file name mutated
    json_lines: bool  # whether the target is JSON lines (structured mutations apply)
    run: Callable[[Project, Path], None]  # import the input folder into the project; raises UserError


def _corpus(project: Project, folder: Path) -> None:
    report = import_paths(project, [folder])
    if report.failures:
        raise UserError("; ".join(message for _path, message in report.failures))


def _dataset(format_name: str, *, whole_folder: bool = False, file_name: str = "") -> Callable[[Project, Path], None]:
    def run(project: Project, folder: Path) -> None:
        import_strictly(project, [folder if whole_folder else folder / file_name], format_name)
    return run


ARTICLE = "Лукашэнка said the Kremlin 😀 would defend the Union State.\nMinsk insisted on sovereignty.\n"


_SPACY_V2_PAIRS = [[ARTICLE, {"entities": [[0, 9, "ACTOR"], [19, 26, "ACTOR"]], "cats": {"RELEVANT": 1.0}}],
                   ["Minsk insisted.", {"entities": [[0, 5, "LOCATION"]], "spans": {"sc": [[0, 5, "ACTOR"]]}}]]
SPACY_V2_SEED = json.dumps(_SPACY_V2_PAIRS, ensure_ascii=False).encode()  # TRAIN_DATA as teams keep it
SPACY_V2_LINES_SEED = "".join(json.dumps(pair, ensure_ascii=False) + "\n" for pair in _SPACY_V2_PAIRS).encode()


def _corpus_seeds(suffix: str) -> Callable[[], dict[str, bytes]]:
    contents = {
        ".txt": ARTICLE.encode(),
        ".md": ("# Title\n\n" + ARTICLE).encode(),
        ".jsonl": "\n".join(json.dumps({"id": f"a{n}", "text": ARTICLE, "title": "T", "meta": {"n": n},
                                        "url": "http://x", "published": "2024-01-01"}, ensure_ascii=False)
                            for n in range(2)).encode() + b"\n",
        ".csv": ("id,title,text,source\n1,One,\"" + ARTICLE.replace('"', '""') + "\",wire\n2,Two,Short text,tass\n"
                 ).encode(),
    }
    return lambda: {f"doc{suffix}": contents[suffix]}


@cache
def _exported(format_name: str) -> dict[str, bytes]:
    """The files ``format_name``'s exporter writes for the sample documents (first document only for
    folder formats, which keeps a mutation's target unambiguous)."""
    fmt = formats()[format_name]
    assert fmt.export is not None
    scratch = Path(tempfile.mkdtemp(prefix="fuzz-seed-"))
    try:
        docs = sample_docs()[:1] if fmt.target == "folder" else sample_docs()
        out = scratch / "out" if fmt.target == "folder" else scratch / f"data{fmt.suffix}"
        fmt.export(docs, out, LossReport())
        root = out if fmt.target == "folder" else scratch
        return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*"))
                if path.is_file() and path.name != "config.cfg"}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


IMPORTERS: dict[str, Importer] = {
    **{f"corpus{suffix}": Importer(f"corpus{suffix}", _corpus_seeds(suffix), f"doc{suffix}", suffix == ".jsonl",
                                   _corpus) for suffix in (".txt", ".md", ".jsonl", ".csv")},
    "jsonl": Importer("jsonl", lambda: _exported("jsonl"), "data.jsonl", True, _dataset("jsonl", file_name="data.jsonl")),
    "doccano": Importer("doccano", lambda: _exported("doccano"), "data.jsonl", True,
                        _dataset("doccano", file_name="data.jsonl")),
    "prodigy": Importer("prodigy", lambda: _exported("prodigy"), "data.jsonl", True,
                        _dataset("prodigy", file_name="data.jsonl")),
    "conll": Importer("conll", lambda: _exported("conll"), "data.conll", False, _dataset("conll", file_name="data.conll")),
    "spacy": Importer("spacy", lambda: _exported("spacy"), "data.spacy", False, _dataset("spacy", file_name="data.spacy")),
    "brat": Importer("brat", lambda: _exported("brat"), "doc-1.ann", False, _dataset("brat", whole_folder=True)),
    "brat-text": Importer("brat-text", lambda: _exported("brat"), "doc-1.txt", False, _dataset("brat", whole_folder=True)),
    "xmi": Importer("xmi", lambda: _exported("xmi"), "doc-1.xmi", False, _dataset("xmi", whole_folder=True)),
    "xmi-typesystem": Importer("xmi-typesystem", lambda: _exported("xmi"), "TypeSystem.xml", False,
                               _dataset("xmi", whole_folder=True)),
    "webanno-tsv": Importer("webanno-tsv", lambda: _exported("webanno-tsv"), "doc-1.tsv", False,
                            _dataset("webanno-tsv", whole_folder=True)),
    "label-studio": Importer("label-studio", lambda: _exported("label-studio"), "data.json", False,
                             _dataset("label-studio", file_name="data.json")),
    "spacy-v2": Importer("spacy-v2", lambda: {"train.json": SPACY_V2_SEED}, "train.json", False,
                         _dataset("spacy-v2", file_name="train.json")),
    "spacy-v2-lines": Importer("spacy-v2-lines", lambda: {"train.jsonl": SPACY_V2_LINES_SEED}, "train.jsonl", True,
                               _dataset("spacy-v2", file_name="train.jsonl")),
}


# --- strategies ----------------------------------------------------------------------------------

INTERESTING = [b"\x00", b"-1", b"99999999999999999999999", b'"', b"{", b"[", b"]", b"}", b"\xff\xfe", b"\r",
               "²".encode(), b"\\ud800", b"\\u0000", b"null", b"1e999", b"NaN", b"true", b"\t", b"\n", b";", b":",
               b"<!DOCTYPE a [<!ENTITY e 'x'>]>", b"&e;", b"O", b"B-", b"I-X", b"-DOCSTART-", b"T1", b"R1", b"A1",
               b"#1", b" 0 5", b"0 99999", b"Arg1:T9", b"\xd0", b"\xc3\x28", "ї".encode("cp1251")]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=8,
)


@st.composite
def byte_mutation(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few random edits: truncation, byte flips, insertions, deletions, splices."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "splice"]))
        at = draw(st.integers(min_value=0, max_value=len(data)))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip" and at < len(data):
            data[at] ^= draw(st.integers(min_value=1, max_value=255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at:at + draw(st.integers(min_value=1, max_value=16))]
        else:
            data[at:at + draw(st.integers(min_value=0, max_value=4))] = draw(st.sampled_from(INTERESTING))
    return bytes(data)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into a JSON value (the root excluded)."""
    found = []
    if isinstance(value, dict):
        items: list[tuple[Any, Any]] = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return found
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


@st.composite
def json_mutation(draw: st.DrawFn, seed: bytes) -> bytes:
    """A JSON-lines ``seed`` with fields deleted or given values of the wrong type (offsets out of
    range, negative, reversed, non-integer; ids duplicated or missing), still well-formed JSON."""
    records = [json.loads(line) for line in seed.decode("utf-8").splitlines() if line.strip()]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        index = draw(st.integers(min_value=0, max_value=len(records) - 1))
        paths = _paths(records[index])
        if not paths:
            records[index] = draw(json_values)
            continue
        path = draw(st.sampled_from(paths))
        parent = records[index]
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        action = draw(st.sampled_from(["delete", "replace", "number", "duplicate"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(json_values)
        elif action == "number":
            parent[key] = draw(st.sampled_from([-1, 0, 10**6, 2**63, 2**70, 1.5, "3", None, [], {}, True]))
        elif isinstance(parent, list):
            parent.append(parent[key])
        else:
            records.append(records[index])
    return "\n".join(json.dumps(record, ensure_ascii=False) for record in records).encode("utf-8", "surrogatepass")


def hostile_input(importer: Importer) -> st.SearchStrategy[bytes]:
    """Random bytes, byte-level mutations of the seed, and (for JSON lines) structured mutations."""
    seed = importer.seed_files()[importer.target]
    choices = [st.binary(max_size=256), byte_mutation(seed)]
    if importer.json_lines:
        choices.append(json_mutation(seed))
    return st.one_of(*choices)


# --- the property ----------------------------------------------------------------------------------


def write_input(importer: Importer, content: bytes, folder: Path) -> None:
    """The importer's seed files in ``folder``, with ``content`` as its target file."""
    for name, data in importer.seed_files().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / importer.target).write_bytes(content)


def check_import(project: Project, importer: Importer, content: bytes) -> str:
    """Import ``content`` as the importer's target file (the other seed files beside it).

    Returns "ok" or "refused"; any exception other than ``UserError`` propagates (a crash), and a
    refused import that changed any table fails an assertion.
    """
    folder = Path(tempfile.mkdtemp(prefix=f"fuzz-{importer.name}-"))
    try:
        write_input(importer, content, folder)
        before = table_counts(project)
        try:
            importer.run(project, folder)
        except UserError as error:
            assert str(error).startswith("[E"), f"a UserError without a code: {error}"
            after = table_counts(project)
            assert after == before, f"a refused import changed the project: {before} -> {after}"
            return "refused"
        return "ok"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- explicit hostile cases ------------------------------------------------------------------------

HUGE = 20_000_000  # characters in a "huge line"
BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
                             for n in range(1, 10))
                  + b']>\n<lolz>&lol9;</lolz>\n')
EXTERNAL_ENTITY = (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
                   b'<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmi:version="2.0">&e;</xmi:XMI>\n')


def docbin_bytes(text: str, user_data: str | None) -> bytes:
    """A well-formed DocBin of one document, optionally carrying ``user_data`` as annotator's JSON."""
    from spacy.tokens import DocBin

    from annotator.formats.docbin import USER_DATA_KEY, blank_english

    doc = blank_english().make_doc(text)
    if user_data is not None:
        doc.user_data[USER_DATA_KEY] = user_data
    docbin = DocBin(store_user_data=True)
    docbin.add(doc)
    return docbin.to_bytes()


def _json_edit(seed: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    records = [json.loads(line) for line in seed.decode("utf-8").splitlines() if line.strip()]
    edit(records[0])
    return "\n".join(json.dumps(record) for record in records).encode("ascii")  # \\ud800 stays an escape


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(record: dict[str, Any]) -> None:
        parent: Any = record
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = value
    return edit


def _encodings(seed: bytes) -> dict[str, bytes]:
    text = seed.decode("utf-8")
    return {"cp1251": text.encode("cp1251", "replace"), "utf-16 without BOM": text.encode("utf-16-le"),
            "latin-1": text.encode("latin-1", "replace")}


# Per importer: case name -> content of the target file (or a callable taking the seed).
_SPAN_EDITS: dict[str, dict[str, tuple[tuple[Any, ...], Any]]] = {
    "jsonl": {"offset out of range": (("spans", 0, "end"), 10**6), "negative offset": (("spans", 0, "start"), -3),
              "reversed offsets": (("spans", 0, "start"), 20), "non-integer offset": (("spans", 0, "end"), "5"),
              "float offset": (("spans", 0, "end"), 5.0), "huge span id": (("spans", 3, "id"), 2**70),
              "relation to a missing span": (("relations", 0, "head"), 77), "duplicate span id": (("spans", 1, "id"), 1),
              "NUL in meta": (("meta", "source"), "wi\u0000re"), "lone surrogate in title": (("title",), "War\ud800ning"),
              "unhashable status": (("status", "alice"), ["done"]), "list as span id": (("spans", 3, "id"), [1]),
              "NUL in text": (("text",), "Putin \u0000🇷🇺 warned NATO 😀 today.\nThe Kremlin threatened Kyiv.")},
    "doccano": {"offset out of range": (("entities", 0, "end_offset"), 10**6),
                "negative offset": (("entities", 0, "start_offset"), -3),
                "reversed offsets": (("entities", 0, "start_offset"), 20),
                "non-integer offset": (("entities", 0, "end_offset"), "5"),
                "relation to a missing span": (("relations", 0, "from_id"), 77),
                "duplicate entity id": (("entities", 1, "id"), 1), "list as entity id": (("entities", 0, "id"), [1]),
                "entities not a list": (("entities",), 5), "label not a string": (("entities", 0, "label"), {"x": 1})},
    "prodigy": {"offset out of range": (("spans", 0, "end"), 10**6), "negative offset": (("spans", 0, "start"), -3),
                "reversed offsets": (("spans", 0, "start"), 20), "non-integer offset": (("spans", 0, "end"), [5]),
                "meta not an object": (("meta",), [1, 2]), "relation to a span not there": (
                    ("relations", 0, "head_span"), {"start": 0, "end": 99999, "label": "X"}),
                "spans not a list": (("spans",), "x")},
}

_BRAT_ANN = {
    "offset out of range": b"T1\tACTOR 0 999999\tPutin\n", "negative offset": b"T1\tACTOR -1 5\tPutin\n",
    "reversed offsets": b"T1\tACTOR 5 0\tPutin\n", "non-integer offset": b"T1\tACTOR a 5\tPutin\n",
    "superscript digit offset": "T1\tACTOR ² 5\tPutin\n".encode(), "relation to a missing span":
    b"T1\tACTOR 0 5\tPutin\nR1\trel Arg1:T1 Arg2:T9\n", "duplicate ids": b"T1\tACTOR 0 5\tPutin\nT1\tACTOR 0 5\tPutin\n",
    "attribute of a missing span": b"A1\tNeg T4\n", "huge offset": b"T1\tACTOR 0 99999999999999999999999\tx\n",
}


def hostile_cases() -> list[tuple[str, str, bytes]]:
    """(importer, case, content of the target file) for every explicit hostile case."""
    cases: list[tuple[str, str, bytes]] = []
    for name, importer in IMPORTERS.items():
        seed = importer.seed_files()[importer.target]
        cases += [(name, "empty file", b""), (name, "only NUL bytes", b"\x00" * 64),
                  (name, "NUL byte inside", seed[:20] + b"\x00" + seed[20:])]
        if name != "spacy":
            cases += [(name, f"encoded as {encoding}", data) for encoding, data in _encodings(seed).items()]
        if importer.json_lines or name in ("corpus.txt", "conll"):
            cases.append((name, "100,000 nested brackets", b"[" * 100_000 + b"]" * 100_000 + b"\n"))
            cases.append((name, "nested brackets in a field", b'{"text": "x", "meta": ' + b"[" * 100_000 + b"\n"))
        for case, (path, value) in _SPAN_EDITS.get(name, {}).items():
            cases.append((name, case, _json_edit(seed, _set(path, value))))
    cases += [("brat", case, content) for case, content in _BRAT_ANN.items()]
    for name in ("xmi", "xmi-typesystem"):
        cases += [(name, "billion laughs", BILLION_LAUGHS), (name, "external entity", EXTERNAL_ENTITY)]
    xmi_seed = IMPORTERS["xmi"].seed_files()["doc-1.xmi"].decode("utf-8")
    for case, replacement in (("negative offset", 'begin="-4"'), ("offset out of range", 'begin="999999"'),
                              ("non-integer offset", 'begin="abc"')):
        cases.append(("xmi", case, xmi_seed.replace('begin="0"', replacement, 1).encode()))
    cases += [("spacy", "user data not JSON", docbin_bytes("Putin spoke.", "{not json")),
              ("spacy", "user data a list", docbin_bytes("Putin spoke.", "[1, 2]")),
              ("spacy", "user data with bad span", docbin_bytes(
                  "Putin spoke.", json.dumps({"id": "d", "spans": [{"id": 1, "start": -1, "end": 99, "label": "X"}]}))),
              ("spacy", "zlib bomb", _zlib_bomb())]
    return cases


def _zlib_bomb() -> bytes:
    import zlib

    return zlib.compress(b"\x00" * 50_000_000, 9)


def huge_line_cases() -> list[tuple[str, str, bytes]]:
    """A 20 MB single line for each line-based importer (kept apart: each case costs a second or two)."""
    body = b"Minsk " * (HUGE // 6)
    return [("corpus.txt", "20 MB single line", body), ("corpus.jsonl", "20 MB single line",
                                                         b'{"text": "' + body + b'"}\n'),
            ("corpus.csv", "20 MB single line", b"text\n" + body + b"\n"),
            ("jsonl", "20 MB single line", b'{"text": "' + body + b'", "spans": []}\n'),
            ("conll", "20 MB single token", b"M" * HUGE + b" O\n"),
            ("doccano", "20 MB single line", b'{"text": "' + body + b'", "entities": [[0, 5, "LOC"]]}\n')]
