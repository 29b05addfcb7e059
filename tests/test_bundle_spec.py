"""The desktop build's spec and the Linux launcher, checked without building anything.

The build (``make bundle``, resources/bundle/annotator.spec) leaves out modules that only
optional imports of other packages reach, to keep PyInstaller's analysis short. Leaving out one
that annotator itself imports would give a build that starts and then fails on the first
command needing it, which only the smoke check of a full build (minutes) would show: this
test reads the spec's exclusion list and every import in the annotator package and fails at
once. The launcher and icons are what README's "Linux desktop menu entry" installs.
"""

from __future__ import annotations

import ast
import configparser
import re
import struct
from pathlib import Path

import defusedxml.ElementTree

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "resources" / "bundle" / "annotator.spec"


def _spec_excludes() -> list[str]:
    """The spec's EXCLUDES list, read as Python source (the spec runs only inside PyInstaller)."""
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "EXCLUDES" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError(f"{SPEC} has no EXCLUDES list")


def _annotator_imports(words: set[str]) -> set[str]:
    """Every absolute module name imported, at any depth, in the annotator modules with an import
    line naming one of the packages ``words`` (parsing only those keeps the test under a second)."""
    mentions = re.compile(rf"^\s*(from|import)\s+({'|'.join(map(re.escape, words))})\b", re.MULTILINE)
    names: set[str] = set()
    for path in (ROOT / "annotator").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if not mentions.search(source):
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_build_leaves_out_nothing_annotator_imports() -> None:
    excludes = _spec_excludes()
    imported = _annotator_imports({name.split(".")[0] for name in excludes} | {"natasha", "scipy"})
    assert {"natasha", "scipy.optimize"} <= imported  # the scan sees the imports inside functions
    clashes = sorted(f"{name} (excluded: {excluded})" for name in imported for excluded in excludes
                     if name == excluded or name.startswith(excluded + "."))
    assert clashes == []


def test_the_build_leaves_out_the_heavy_optional_packages() -> None:
    """pandas alone was a fifth of the analysed modules of the first build; the test packages
    inside spaCy and thinc another tenth."""
    assert {"pandas", "setuptools", "spacy.tests", "thinc.tests", "pytest"} <= set(_spec_excludes())


def test_the_linux_launcher_names_the_command_and_an_icon_that_exists() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(ROOT / "resources" / "linux" / "annotator.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"].split()[0] == "annotator"
    icons = ROOT / "resources" / "icons"
    assert (icons / f"{desktop['Icon']}.png").is_file() and (icons / f"{desktop['Icon']}.svg").is_file()


def test_the_icons_are_a_256_pixel_png_and_a_square_svg() -> None:
    """README installs them under hicolor/256x256 and hicolor/scalable."""
    head = (ROOT / "resources" / "icons" / "annotator.png").read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    assert struct.unpack(">II", head[16:24]) == (256, 256)
    svg = defusedxml.ElementTree.parse(ROOT / "resources" / "icons" / "annotator.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("viewBox") == "0 0 256 256"
