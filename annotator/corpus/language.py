"""Which language a document is in, detected on import and correctable by the analyst.

The value is an ISO 639-1 code ("en", "ru", "be") stored in ``document.language``: suggestions
are routed to the pipeline of that language and search filters by it. Detection uses py3langid
0.2 (langid.py's maintained fork: 97 languages, Belarusian and Ukrainian among them, a 2 MB
model in the package, no download; its later releases need numpy 2, which the agreement
library's SciPy pin rules out). Its feature walk is pure Python over the UTF-8 bytes (about 3 ms per
1,000 characters of Cyrillic), so only a sample of the text is looked at: the first
``SAMPLE_CHARS`` characters, which hold the headline and the lead and decide the language of a
news article as well as the whole would. A text too short to judge gives None (unknown) rather
than a guess, and so does a result the model is not confident of.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING

from annotator.errors import Errors, UserError

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

SAMPLE_CHARS = 400
MIN_LETTERS = 20  # fewer letters than a short sentence: no guess
MIN_CONFIDENCE = 0.5  # a normalised probability; below it the language stays unknown
_LETTER = re.compile(r"[^\W\d_]")
_CODE = re.compile(r"[a-z]{2}")

_identifier: LanguageIdentifier | None = None
_loading = threading.Lock()


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in, or None when it cannot tell."""
    sample = text[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return None
    language, confidence = _model().classify(sample)
    if confidence < MIN_CONFIDENCE or not _CODE.fullmatch(language):
        return None
    return str(language)


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
