"""Peak memory of ``annotator import`` for the formats read from one large file (issue 20).

Run on demand (not part of the suite):
    python tests/benchmarks/bench_import_memory.py [--mb 50] [--formats label-studio,spacy-v2,conll,spacy]
        [--source DIR]

For each format it writes one file of about ``--mb`` megabytes (news-like texts, English and
Russian sentences, every text different, an emoji in some, entities on place names), and one
file of the same kind holding only the first document; each is imported into a new SQLite
project by its own ``python -m annotator import DB FILE --format NAME`` process, whose peak RSS
(``ru_maxrss``) and CPU time come from ``wait4`` (this child's alone). Printed per format: the
file's size, the peak for the large file, the peak for the one-document file (the interpreter,
the libraries, the language model: what does not grow with the file), and what the file adds over
that, as a multiple of its size. The issue's target: at most twice the file size. The import
limit is raised (``--max-file-mb 4096``): a DocBin of 50 MB unpacks to about ten times that, over
the default limit of 512 MB.

``--source DIR`` runs the importer from another checkout (e.g. ``git archive HEAD annotator | tar
-x -C DIR``) to measure the code before a change beside the code after it, on the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024

SENTENCES = [
    "The delegation from Minsk arrived in Vilnius on Tuesday morning.",
    "Officials in Warsaw said the border crossing would stay closed until further notice.",
    "Протестующие собрались на площади в Гродно вечером в субботу.",
    "Министр заявил, что переговоры в Москве продолжатся на следующей неделе.",
    "Analysts in Kyiv expect the talks to resume after the holidays.",
    "The court in Brest adjourned the hearing without giving a reason.",
    "Журналисты из Бреста сообщили о задержаниях у здания суда.",
    "A spokesman for the ministry declined to comment on the reports.",
]
PLACES = ("Minsk", "Vilnius", "Warsaw", "Kyiv", "Brest", "Гродно", "Москве", "Бреста")


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    returncode: int


def texts(count: int, seed: int = 20) -> list[str]:
    """``count`` different articles of about 3 KB; one in fifty has an emoji (astral plane)."""
    rng = random.Random(seed)
    out = []
    for number in range(count):
        body = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(35, 45)))
        mark = " 🇧🇾" if number % 50 == 7 else ""
        out.append(f"Report {number}.{mark} {body}")
    return out


def places_in(text: str) -> list[tuple[int, int, str]]:
    found = []
    for place in PLACES:
        start = text.find(place)
        while start >= 0 and len(found) < 12:
            found.append((start, start + len(place), "LOC"))
            start = text.find(place, start + 1)
    return sorted(found)


def label_studio(items: list[str]) -> bytes:
    tasks = []
    for number, text in enumerate(items):
        user: object = {"id": 1 + number % 3, "email": f"user{number % 3}@example.org"} if number < 3 else 1 + number % 3
        result = [{"id": f"r{number}-{index}", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}
                  for index, (start, end, label) in enumerate(places_in(text))]
        tasks.append({"id": number + 1, "data": {"text": text}, "meta": {"source": "bench"},
                      "annotations": [{"completed_by": user, "ground_truth": False, "was_cancelled": False,
                                       "result": result}], "predictions": []})
    return json.dumps(tasks, ensure_ascii=False, indent=1).encode("utf-8")


def spacy_v2(items: list[str]) -> bytes:
    return json.dumps([[text, {"entities": [list(place) for place in places_in(text)]}] for text in items],
                      ensure_ascii=False).encode("utf-8")


def conll(items: list[str]) -> bytes:
    lines = []
    for text in items:
        lines.append("-DOCSTART- -X- O O\n")
        starts = {start for start, _end, _label in places_in(text)}
        offset = 0
        for index, token in enumerate(text.split(" ")):
            if index % 25 == 0:
                lines.append("\n")
            if token:
                lines.append(f"{token} -X- _ {'B-LOC' if offset in starts else 'O'}\n")
            offset += len(token) + 1
    return "".join(lines).encode("utf-8")


def docbin(items: list[str]) -> bytes:
    import spacy
    from spacy.tokens import Doc, DocBin

    vocab = spacy.blank("en").vocab
    found = DocBin()
    for text in items:
        words = text.split(" ")
        doc = Doc(vocab, words=words, spaces=[True] * (len(words) - 1) + [False])
        doc.ents = [span for span in (doc.char_span(start, end, label=label) for start, end, label in places_in(text))
                    if span is not None][:1]
        found.add(doc)
    return found.to_bytes()


#: Format name → (file suffix, writer, bytes a document takes roughly, to size the file). A DocBin
#: holds the spaCy v2 file's documents (its size would be ten times more documents than the
#: others, which spaCy packs to about 70 bytes a token: gigabytes once unpacked).
FORMATS: dict[str, tuple[str, Callable[[list[str]], bytes], int]] = {
    "label-studio": (".json", label_studio, 5200),
    "spacy-v2": (".json", spacy_v2, 3700),
    "conll": (".conll", conll, 6500),
    "spacy": (".spacy", docbin, 3700),
}


def unpacked_size(path: Path) -> int:
    """A DocBin's size once unpacked, counted a megabyte at a time (not held: see ``run``)."""
    import zlib

    inflater, size = zlib.decompressobj(), 0
    pending = path.read_bytes()
    while pending:
        size += len(inflater.decompress(pending, MB))
        pending = inflater.unconsumed_tail
    return size


def run(command: list[str], env: dict[str, str]) -> Run:
    """Run ``command`` to its end and read its own resource use (``wait4``: this child's alone)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0 and process.stderr is not None:
        print(process.stderr.read().decode("utf-8", "replace")[-2000:], file=sys.stderr)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)  # Linux: kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=50, help="size of each large file in megabytes (default 50)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated format names")
    parser.add_argument("--source", type=Path, help="import with the annotator package found in this folder")
    parser.add_argument("--keep", type=Path, help="write (or reuse) the files in this folder")
    parser.add_argument("--write", nargs=4, metavar=("FORMAT", "DOCS", "LARGE", "SMALL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        name, count, large, small = args.write
        items = texts(max(1, int(count)))
        Path(large).write_bytes(FORMATS[name][1](items))
        Path(small).write_bytes(FORMATS[name][1](items[:1]))
        return
    env = dict(os.environ)
    if args.source:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(args.source.resolve()), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{'format':<13}{'file MB':>9}{'peak MB':>9}{'1 doc MB':>9}{'added/file':>11}"
              f"{'wall s':>8}{'cpu s':>8}")
        for name in args.formats.split(","):
            suffix, write, per_document = FORMATS[name]
            large = folder / f"large-{name}{suffix}"
            small = folder / f"small-{name}{suffix}"
            if not large.exists():  # in another process: a child forked from a big parent starts with its peak
                subprocess.run([sys.executable, __file__, "--write", name, str(int(args.mb * MB / per_document)),
                                str(large), str(small)], check=True)
            runs = []
            for path in (large, small):
                database = Path(scratch) / f"{path.stem}.db"
                database.unlink(missing_ok=True)
                runs.append(run([sys.executable, "-m", "annotator", "import", str(database), str(path),
                                 "--format", name, "--max-file-mb", "4096"], env))
            big, one = runs
            size = large.stat().st_size / MB
            failed = "" if big.returncode == 0 else f"  (exit {big.returncode})"
            if suffix == ".spacy":
                failed += f"  (unpacked {unpacked_size(large) / MB:.0f} MB)"
            print(f"{name:<13}{size:9.1f}{big.peak_mb:9.0f}{one.peak_mb:9.0f}"
                  f"{(big.peak_mb - one.peak_mb) / size:10.2f}x{big.wall:8.1f}{big.cpu:8.1f}{failed}", flush=True)


if __name__ == "__main__":
    main()
