"""Web pages, PDF and Word files as analysts keep them: the article's text and its metadata, or a
message naming the file and the problem; document languages detected, corrected and searched."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from annotator.corpus import read_file
from annotator.corpus.corrections import Correction
from annotator.corpus.language import checked_language, detect_language
from annotator.corpus.pdf_files import join_lines
from annotator.corpus.previews import previewed_files, read_previews
from annotator.errors import UserError
from annotator.formats.detect import AUTO_SUFFIXES
from annotator.importing import ImportOptions, import_files
from annotator.ops import execute
from annotator.ops.languages import SetLanguage
from annotator.search import SearchFilters, search
from annotator.store import Project
from annotator.store.pending import catch_up
from tests.cli_runs import refused, run_here
from tests.news_pages import (
    DEBRIS,
    PARAGRAPHS,
    RUSSIAN_PARAGRAPHS,
    docx_file,
    news_page,
    not_an_article,
    pdf_file,
    scanned_pdf,
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def refusal(path: Path) -> str:
    with pytest.raises(UserError) as caught:
        read_file(path)
    message = str(caught.value)
    assert str(path) in message
    return message


# --- web pages -------------------------------------------------------------------------------


def test_news_page_gives_the_article_without_the_site_around_it(tmp_path: Path) -> None:
    [draft] = read_file(write(tmp_path / "exercises.html", news_page()))
    assert draft.text.split("\n") == ["Minsk announces joint exercises near the western border", *PARAGRAPHS]
    assert not any(words in draft.text for words in DEBRIS)
    assert draft.title == "Minsk announces joint exercises near the western border"
    assert draft.published == "2024-03-05"  # from the JSON-LD datePublished
    assert draft.url == "https://baltic-daily.example/news/2024/03/exercises"
    assert draft.meta == {"author": "Anna Kowalska", "source": "Baltic Daily"}
    assert draft.name == "exercises" and draft.source == str(tmp_path / "exercises.html")


def test_page_without_json_ld_takes_its_date_from_the_time_element(tmp_path: Path) -> None:
    page = news_page(published="2023-11-20T08:00:00Z", json_ld=False, site="Minsk Herald")
    [draft] = read_file(write(tmp_path / "page.htm", page))
    assert draft.published == "2023-11-20" and draft.meta["source"] == "Minsk Herald"


def test_russian_page_in_windows_1251_is_read_by_its_declared_charset(tmp_path: Path) -> None:
    page = news_page(title="Минск объявил о совместных учениях", paragraphs=RUSSIAN_PARAGRAPHS, lang="ru")
    page = page.replace('<meta charset="utf-8">', '<meta charset="windows-1251">')
    [draft] = read_file(write(tmp_path / "ru.html", page, encoding="cp1251"))
    assert RUSSIAN_PARAGRAPHS[0] in draft.text and draft.title == "Минск объявил о совместных учениях"


def test_page_with_nothing_article_like_is_refused_by_name(tmp_path: Path) -> None:
    message = refusal(write(tmp_path / "login.html", not_an_article()))
    assert message.startswith("[E1310]") and "short line" in message


def test_web_archive_gives_its_html_part_and_address(tmp_path: Path) -> None:
    page = news_page().replace("https://baltic-daily.example/news/2024/03/exercises", "")
    archive = ("From: <Saved by Blink>\nSnapshot-Content-Location: https://saved.example/a\nSubject: x\n"
               "MIME-Version: 1.0\nContent-Type: multipart/related; boundary=\"B\"\n\n--B\n"
               "Content-Type: text/html; charset=utf-8\nContent-Location: https://saved.example/a\n\n"
               f"{page}\n--B\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--B--\n")
    [draft] = read_file(write(tmp_path / "saved.mhtml", archive))
    assert draft.url == "https://saved.example/a" and PARAGRAPHS[1] in draft.text
    images_only = archive.replace("text/html", "text/css")
    assert refusal(write(tmp_path / "styles.mhtml", images_only)).startswith("[E1313]")


@pytest.mark.slow  # builds and parses pages of 150,000 elements and a million characters
def test_hostile_pages_are_refused_in_moments(tmp_path: Path) -> None:
    started = time.perf_counter()
    many = "<html><body>" + "<span>x</span>" * 160_000 + "</body></html>"
    assert refusal(write(tmp_path / "many.html", many)).startswith("[E1311]")
    text = "<html><body><article>" + "<p>word " * 250_000 + "</article></body></html>"
    assert refusal(write(tmp_path / "book.html", text)).startswith("[E1311]")
    deep = "<html><body>" + "<div>" * 50_000 + "text " * 40 + "</div>" * 50_000 + "</body></html>"
    assert refusal(write(tmp_path / "deep.html", deep)).startswith("[E1310]")
    assert refusal(write(tmp_path / "binary.html", "\x00\x01garbage")).startswith(("[E1312]", "[E1310]"))
    assert time.perf_counter() - started < 60  # a bound on a hang, not a speed target


# --- PDF and Word ------------------------------------------------------------------------------


def test_pdf_in_reading_order_with_hyphens_joined_and_page_starts(tmp_path: Path) -> None:
    [draft] = read_file(pdf_file(tmp_path / "statement.pdf"))
    assert draft.text.startswith("Statement of the ministry\nThe ministry announced joint military exercises with")
    assert "exer-" not in draft.text and "The second paragraph says the drills are defensive." in draft.text
    pages = draft.meta["pages"]
    assert isinstance(pages, list) and len(pages) == 2 and pages[0] == 0
    assert draft.text[pages[1]:].startswith("On the second page, the ministry thanks its partners for their")
    span = draft.text.index("partners")
    assert sum(start <= span for start in pages) == 2  # the span's page
    assert draft.title == "Statement of the ministry" and draft.meta["author"] == "Press office"


def test_line_joining_keeps_compounds_and_drops_line_end_hyphens() -> None:
    assert join_lines(["joint exer-", "cises began"]) == "joint exercises began"
    assert join_lines(["the Russo-", "Ukrainian war"]) == "the Russo-Ukrainian war"
    assert join_lines(["soft\u00ad", "hyphen"]) == "softhyphen"
    assert join_lines(["pages 10 -", "12"]) == "pages 10 - 12"
    assert join_lines(["one", "two"]) == "one two"


def test_pdf_without_text_layer_encrypted_or_damaged_gets_a_message(tmp_path: Path) -> None:
    assert refusal(scanned_pdf(tmp_path / "scan.pdf")).startswith("[E1314]")
    from reportlab.pdfgen import canvas

    locked = canvas.Canvas(str(tmp_path / "locked.pdf"), encrypt="secret")
    locked.drawString(72, 700, "Confidential text of the statement")
    locked.showPage()
    locked.save()
    assert refusal(tmp_path / "locked.pdf").startswith("[E1315]")
    (tmp_path / "cut.pdf").write_bytes(pdf_file(tmp_path / "whole.pdf").read_bytes()[:300])
    assert refusal(tmp_path / "cut.pdf").startswith("[E1316]")


def test_docx_paragraphs_title_and_damaged_file(tmp_path: Path) -> None:
    [draft] = read_file(docx_file(tmp_path / "statement.docx"))
    assert draft.text.split("\n") == ["Minsk announces joint exercises", *PARAGRAPHS]
    assert draft.title == "Minsk announces joint exercises" and draft.meta == {"author": "Press office"}
    (tmp_path / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0 an old binary Word file")
    assert refusal(tmp_path / "old.docx").startswith("[E1317]")


# --- languages ---------------------------------------------------------------------------------


def test_language_detected_for_english_russian_and_belarusian() -> None:
    assert detect_language(" ".join(PARAGRAPHS)) == "en"
    assert detect_language(" ".join(RUSSIAN_PARAGRAPHS)) == "ru"
    assert detect_language("Міністэрства замежных спраў Беларусі заявіла, што вучэнні пачнуцца ў наступным месяцы.") == "be"
    assert detect_language("OK 12") is None  # too little to tell
    assert checked_language(" RU ") == "ru"
    with pytest.raises(UserError, match=r"\[E1320\].*'ru' for Russian"):
        checked_language("rus")


def test_import_of_a_folder_of_sources_one_report_languages_and_duplicates(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    write(folder / "a.html", news_page())
    write(folder / "b.html", news_page(title="Минск объявил об учениях", paragraphs=RUSSIAN_PARAGRAPHS, lang="ru",
                                       url="https://ru.example/1", site="Новости"))
    write(folder / "login.html", not_an_article())
    pdf_file(folder / "c.pdf")
    docx_file(folder / "d.docx", paragraphs=PARAGRAPHS[:2])
    report = import_files(project, [folder])
    [(refused_path, message)] = report.refused
    assert refused_path == str(folder / "login.html") and message.startswith("[E1310]")
    assert len(report.imported) == 4
    catch_up(project)  # the languages are detected after the import, as the CLI and the window do
    rows = {row.name: row for row in _documents(project)}
    assert rows["a"].language == "en" and rows["b"].language == "ru"
    assert rows["a"].published == "2024-03-05" and rows["a"].url.startswith("https://baltic-daily")
    assert rows["b"].meta["source"] == "Новости" and rows["c"].meta["pages"][0] == 0
    again = import_files(project, [folder])
    assert len(again.imported) == 0 and len(again.duplicates) == 4
    ru = search(project, "lang:ru учения", SearchFilters())
    assert ru.hits and {hit.doc_id for hit in ru.hits} == {rows["b"].id}
    assert not search(project, "exercises", SearchFilters(languages=("ru",))).hits
    assert search(project, "exercises", SearchFilters(languages=("en",))).hits
    with pytest.raises(UserError, match=r"\[E1320\]"):
        search(project, "lang:xx1 exercises")


def test_corrections_from_the_preview_are_stored_with_the_import(project: Project, tmp_path: Path) -> None:
    page = write(tmp_path / "a.html", news_page())
    [preview] = read_previews(previewed_files([tmp_path], AUTO_SUFFIXES))
    assert (preview.title, preview.published, preview.source, preview.language) == (
        "Minsk announces joint exercises near the western border", "2024-03-05", "Baltic Daily", "en")
    with pytest.raises(UserError, match=r"\[E1323\]"):
        Correction(published="5 March").checked("a.html")
    correction = Correction(title="Exercises announced", published="2024-03-04", source="", language="be")
    import_files(project, [page], ImportOptions(corrections={preview.key: correction.checked("a.html")}))
    [row] = _documents(project)
    assert (row.title, row.published, row.language) == ("Exercises announced", "2024-03-04", "be")
    assert "source" not in row.meta and row.meta["author"] == "Anna Kowalska"


def test_language_change_is_one_undoable_operation_guarded_against_a_teammate(project: Project,
                                                                              tmp_path: Path) -> None:
    import_files(project, [write(tmp_path / "a.html", news_page())])
    catch_up(project)
    [row] = _documents(project)
    done = execute(project, SetLanguage(row.id, "ru", expected="en"))
    assert done.changes.documents == {row.id} and project.documents.languages([row.id]) == {row.id: "ru"}
    with pytest.raises(UserError, match=r"\[E1324\].*now: ru; you saw: en"):
        execute(project, SetLanguage(row.id, "be", expected="en"))
    assert done.undo is not None
    execute(project, done.undo)
    assert project.documents.languages([row.id]) == {row.id: "en"}


def test_cli_sets_a_language_and_refuses_bad_values(tmp_path: Path) -> None:
    location = tmp_path / "p.db"
    page = write(tmp_path / "statement.html", news_page())
    assert run_here("import", location, page).returncode == 0
    listed = run_here("docs", location, "--set-language", "statement=ru")
    assert listed.returncode == 0 and "language en -> ru" in listed.stderr
    assert "| ru " in listed.stdout or " ru " in listed.stdout
    assert refused(run_here("docs", location, "--set-language", "statement"), "E1321")
    assert refused(run_here("docs", location, "--set-language", "1=russian"), "E1320")
    found = run_here("search", location, "exercises", "--lang", "ru", "--json")
    assert found.returncode == 0 and found.stdout.strip()


def _documents(project: Project) -> list:
    import sqlalchemy as sa

    from annotator.store.tables import DOC

    with project.engine.connect() as connection:
        return list(connection.execute(sa.select(DOC).order_by(DOC.c.id)))


def test_documents_of_an_annotated_file_get_a_language_too(project: Project, tmp_path: Path) -> None:
    """A doccano export brings its texts with their spans; each text gets its language as a plain
    import gives it, so Russian ones go to the Russian pipeline and ``lang:ru`` finds them."""
    english, russian = PARAGRAPHS[0], RUSSIAN_PARAGRAPHS[0]
    path = tmp_path / "team.jsonl"
    write(path, "\n".join(json.dumps({"text": text, "label": [[0, 5, "ACTOR"]]}, ensure_ascii=False)
                          for text in (english, russian)) + "\n")
    report = import_files(project, [path], ImportOptions(format="doccano", annotator="bob"))
    assert len(report.imported) == 2 and not report.refused
    catch_up(project)
    by_text = {project.documents.get(doc_id).text: doc_id for doc_id in project.documents.ids()}
    languages = project.documents.languages(list(by_text.values()))
    assert languages[by_text[english]] == "en" and languages[by_text[russian]] == "ru"
