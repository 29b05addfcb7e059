"""Which language a document is in, detected after import and correctable by the analyst.

The value is an ISO 639-1 code ("en", "ru", "be") stored in ``document.language``: suggestions
are routed to the pipeline of that language and search filters by it. Detection uses py3langid
0.2's model (langid.py's maintained fork: 97 languages, Belarusian and Ukrainian among them, a
2 MB model in the package, no download; its later releases need numpy 2, which the agreement
library's SciPy pin rules out). Only a sample of the text is looked at: the first
``SAMPLE_CHARS`` characters, which hold the headline and the lead and decide the language of a
news article as well as the whole would. A text too short to judge gives None (unknown) rather
than a guess, and so does a result the model is not confident of.

Documents are judged many at a time (``detect_languages``): py3langid's own ``classify`` walks
its byte automaton in a Python loop and multiplies a 7,480-feature vector by the whole model
for every text (3 ms a document, more than the rest of an import), while here the automaton
steps every sample of a batch at once with numpy, and each of its states carries the summed
log-probabilities of the features it emits, so a batch is one sparse product: the same
arithmetic, about 0.05 ms a document. The import leaves detection to the catch-up after its
transaction (``annotator.store.pending``).
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.errors import Errors, UserError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from py3langid.langid import LanguageIdentifier

SAMPLE_CHARS = 400
MIN_LETTERS = 20  # fewer letters than a short sentence: no guess
MIN_CONFIDENCE = 0.5  # a normalised probability; below it the language stays unknown
BATCH = 1000  # samples stepped through the automaton together: a few MB of states
_LETTER = re.compile(r"[^\W\d_]")
_CODE = re.compile(r"[a-z]{2}")

_identifier: LanguageIdentifier | None = None
_batched: _BatchModel | None = None
_loading = threading.Lock()


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in, or None when it cannot tell."""
    return detect_languages([text])[0]


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """``detect_language`` of each text, judged together (much faster than one by one)."""
    samples = [text[:SAMPLE_CHARS] for text in texts]
    judged = [index for index, sample in enumerate(samples) if _has_letters(sample)]
    found: list[str | None] = [None] * len(samples)
    if not judged:
        return found
    model = _batch_model()
    for start in range(0, len(judged), BATCH):
        chunk = judged[start:start + BATCH]
        for index, language in zip(chunk, model.classify([samples[i] for i in chunk]), strict=True):
            found[index] = language
    return found


def _has_letters(sample: str) -> bool:
    """At least ``MIN_LETTERS`` letters: counted only as far as needed."""
    return sum(1 for _ in itertools.islice(_LETTER.finditer(sample), MIN_LETTERS)) >= MIN_LETTERS


def checked_language(value: str) -> str:
    """A language code as the analyst typed it, lower-cased; E1320 unless it is two letters
    the detector knows (so a typo like "rus" or "ry" is refused, not stored)."""
    code = value.strip().lower()
    if not _CODE.fullmatch(code) or code not in known_languages():
        extra = "; 'ru' for Russian, 'be' for Belarusian" if code in ("rus", "bel", "by") else ""
        raise UserError(Errors.E1320.format(value=value, extra=extra))
    return code


def known_languages() -> list[str]:
    """The codes the detector can give, sorted (the choices offered when setting a language)."""
    return sorted(code for code in _model().nb_classes if _CODE.fullmatch(code))


def _model() -> LanguageIdentifier:
    """The identifier, loaded once per process (about a second) and shared by every thread:
    classifying only reads it."""
    global _identifier
    with _loading:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    return _identifier


def _batch_model() -> _BatchModel:
    global _batched
    model = _model()
    with _loading:
        if _batched is None:
            _batched = _BatchModel.of(model)
    return _batched


@dataclass(frozen=True)
class _BatchModel:
    """py3langid's model rearranged to judge many samples in one pass.

    Its tokenizer is an automaton over UTF-8 bytes whose states emit feature indexes; a text's
    log-probability per language is ``prior + sum(feature counts * per-feature log-probability)``.
    Summing each emitting state's features' rows once (``weights``) makes that
    ``prior + sum(state visits * weights[state])``: the visits of a batch are a sparse matrix,
    and the scores one product with ``weights``.
    """

    next_state: NDArray[np.int64]  # (state << 8) + byte -> the next state
    row_of: NDArray[np.int64]  # state -> its row in ``weights``; -1 for a state emitting nothing
    weights: NDArray[np.float32]  # (emitting states, languages)
    prior: NDArray[np.float32]  # (languages,)
    classes: tuple[str, ...]

    @classmethod
    def of(cls, model: LanguageIdentifier) -> _BatchModel:
        import numpy as np

        next_state = np.asarray(model.tk_nextmove, dtype=np.int64)
        emitting = sorted(model.tk_output)
        row_of = np.full(len(next_state) // 256 + 1, -1, dtype=np.int64)
        row_of[emitting] = np.arange(len(emitting))
        rows = np.fromiter((row for row, state in enumerate(emitting) for _ in model.tk_output[state]), np.int64)
        features = np.fromiter((f for state in emitting for f in model.tk_output[state]), np.int64)
        weights = np.zeros((len(emitting), model.nb_ptc.shape[1]), dtype=np.float64)
        np.add.at(weights, rows, model.nb_ptc[features].astype(np.float64))  # repeated features count twice
        # single precision, as py3langid computes: twice as fast a product
        return cls(next_state, row_of, weights.astype(np.float32), model.nb_pc.astype(np.float32),
                   tuple(model.nb_classes))

    def classify(self, samples: list[str]) -> list[str | None]:
        """The language of each sample, None where the model is not confident enough."""
        import numpy as np
        from scipy.sparse import csr_matrix

        data = [sample.encode("utf-8", "surrogatepass") for sample in samples]
        lengths = np.fromiter(map(len, data), np.int64, len(data))
        width = int(lengths.max())
        padded = np.frombuffer(b"".join(item.ljust(width, b"\0") for item in data), np.uint8)
        steps = np.ascontiguousarray(padded.reshape(len(data), width).T, dtype=np.int64)
        visits = np.empty_like(steps)
        state = np.zeros(len(data), np.int64)
        for position in range(width):  # every sample one byte further, together
            state = self.next_state[(state << 8) + steps[position]]
            visits[position] = state
        rows = self.row_of[visits.T]  # one sample a row from here on: a CSR matrix's row order
        kept = (rows >= 0) & (np.arange(width)[None, :] < lengths[:, None])
        pointers = np.concatenate(([0], np.cumsum(kept.sum(axis=1))))
        # a state visited twice is listed twice; the product adds both, so no sorting is needed
        counts = csr_matrix((np.ones(int(pointers[-1]), np.float32), rows[kept], pointers),
                            shape=(len(data), len(self.weights)))
        scores = np.asarray(counts @ self.weights) + self.prior
        best = scores.argmax(axis=1)
        # py3langid's normalised probability of the best class: 1 / sum(exp(score - best score))
        confidence = 1 / np.exp(scores - scores[np.arange(len(data)), best][:, None]).sum(axis=1)
        return [self.classes[b] if c >= MIN_CONFIDENCE and _CODE.fullmatch(self.classes[b]) else None
                for b, c in zip(best.tolist(), confidence.tolist(), strict=True)]
