"""Document ▸ Set language… (and the document list's context menu): correct a detected language.

The choice is a combo box of the codes the detector knows, common ones named, typed into or
picked with the arrow keys; Enter sets it, Esc changes nothing. The change is one operation of
the editor's history (``ops.languages.SetLanguage``), so Ctrl+Z takes it back, and the list's row
shows it once the change arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QWidget

from annotator.corpus.language import checked_language, known_languages
from annotator.errors import UserError
from annotator.ops.languages import SetLanguage

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow

#: Names for the languages the analysts' sources are mostly in; the other codes are shown bare.
NAMES = {"en": "English", "ru": "Russian", "be": "Belarusian", "uk": "Ukrainian", "pl": "Polish",
         "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian", "de": "German", "fr": "French"}


def language_choices() -> list[str]:
    """"ru — Russian"-style entries, the named languages first."""
    named = [f"{code} — {name}" for code, name in NAMES.items()]
    return named + [code for code in known_languages() if code not in NAMES]


def ask_language(parent: QWidget, title: str, current: str | None) -> str | None:
    """The code the analyst chose for a document called ``title``, or None when cancelled."""
    choices = language_choices()
    start = next((index for index, entry in enumerate(choices) if entry.split(" ")[0] == current), 0)
    entry, accepted = QInputDialog.getItem(
        parent, "Set language", f"Language of “{title}” (now: {current or 'not known'}):", choices, start, True)
    if not accepted or not entry.strip():
        return None
    return checked_language(entry.split(" ")[0])


def set_language_dialog(window: MainWindow, doc_id: int) -> None:
    """Ask for ``doc_id``'s language and set it as one undoable step; a refusal goes to the status bar."""
    summary = next(iter(window.project.documents.summaries([doc_id])), None)
    if summary is None:
        return
    current = window.project.documents.languages([doc_id]).get(doc_id)
    try:
        language = ask_language(window, summary.title or summary.name, current)
    except UserError as error:
        window.show_message(str(error))
        return
    if language is None or language == current:
        return
    if window.editor.perform(SetLanguage(doc_id, language, expected=current)) is not None:
        window.show_message(f"Language of document {doc_id} set to {language} (Ctrl+Z takes it back).")
