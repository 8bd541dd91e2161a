"""The built book: zero warnings, reproducible notebooks, and the HTML as a reader gets it.

The module builds the book once (`jupyter-book build . -W -n --keep-going`, so a warning fails
it) and then serves `_build/html` on 127.0.0.1 and opens every page of `_toc.yml` in Chromium (Playwright).
  Any request to another host is blocked and counted as a failure: the book must work without
  internet. A screenshot of each page is saved in `test-artifacts/screenshots/` (the first screen;
  the whole page with `COURSE_SCREENSHOTS=full`). Each page is loaded once: on a chapter's page the
  same visit also answers its self-check questions and opens a solution.

That two executions of a notebook print the same numbers is checked by the second execution, in
JupyterLab (`tests/test_live_lab.py`) or under nbval (`conftest.py`): it is compared with the build's.

The browser tests need Debian's `chromium` (`apt-get install chromium`; `.ci/run` installs it)
and the widget JavaScript in `.webdeps/` (`make webdeps`, needs npm); without them they are
skipped with a message saying so.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest
from book import ROOT, notebook_calls, toc_files

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WEBDEPS = ROOT / ".webdeps" / "node_modules" / "@jupyter-widgets" / "html-manager" / "dist" / "embed-amd.js"
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "test-artifacts" / "screenshots"
# The first screen of every page by default; COURSE_SCREENSHOTS=full saves whole pages (about 2 s
# more per chapter), to look through everything a reader scrolls past.
FULL_PAGE_SHOTS = os.environ.get("COURSE_SCREENSHOTS") == "full"


def _need_browser():
    if CHROMIUM is None:
        pytest.skip("Chromium не найден: установите его (apt-get install chromium), чтобы проверить "
                    "книгу в браузере")
    if not WEBDEPS.exists():
        pytest.skip("нет .webdeps/ с JavaScript виджетов: выполните make webdeps (нужен npm)")
    return pytest.importorskip("playwright.sync_api", reason="pip install playwright")


def _markdown(doc: str) -> str:
    """The markdown text of a page of the TOC (all markdown cells of a notebook)."""
    nb = ROOT / f"{doc}.ipynb"
    if nb.exists():
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return (ROOT / f"{doc}.md").read_text(encoding="utf-8")


def _title(doc: str) -> str:
    """The H1 of a page of the TOC, as the sidebar shows it."""
    return re.search(r"^# (.+)$", _markdown(doc), re.M).group(1).strip()


@pytest.fixture(scope="module")
def built_book():
    """Builds the book exactly as `make book` does; a single warning fails the build."""
    # as `make book`: the notebooks are executed in parallel into the cache, then the build
    subprocess.run([sys.executable, str(ROOT / "tools" / "execute_book.py")], cwd=ROOT, check=True)
    jb = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run([str(jb), "build", ".", "-W", "-n", "--keep-going"], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    warnings = [line for line in result.stdout.splitlines() + result.stderr.splitlines()
                if "WARNING:" in line or "ERROR:" in line]
    assert result.returncode == 0 and not warnings, "книга собралась с ошибками:\n" + "\n".join(warnings)
    return HTML


def test_book_builds_without_warnings(built_book):
    assert (built_book / "index.html").exists()
    for doc in toc_files():
        assert (built_book / f"{doc}.html").exists(), f"нет страницы {doc}.html"


@pytest.fixture(scope="module")
def site(built_book):
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    sync_api = _need_browser()
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


class Visit:
    """A page opened with every console error and failed or external request recorded."""

    def __init__(self, browser, base: str, path: str):
        self.errors, self.failed, self.external = [], [], []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        self.page.on("response", lambda r: self.failed.append(f"{r.url}: HTTP {r.status}")
                     if r.status >= 400 else None)

        def route(r):
            if r.request.url.startswith(base):
                r.continue_()
            else:
                self.external.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.goto(base + path, wait_until="load")
        # after "load" every script has run: wait for MathJax to finish typesetting where it is used
        self.page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")

    def close(self):
        self.page.close()


PAGES = toc_files()
CHAPTER_PAGES = [d for d in PAGES if re.match(r"chapters/0\d_", d)]


@pytest.mark.parametrize("doc", PAGES)
def test_page_as_a_reader_sees_it(site, browser, doc):
    visit = Visit(browser, site, f"{doc}.html")
    page = visit.page
    try:
        nb = ROOT / f"{doc}.ipynb"
        shows = notebook_calls(nb, "widgets.show") if nb.exists() else []
        statics = notebook_calls(nb, "widgets.static") if nb.exists() else []
        if shows:  # the html-manager renders the saved widget state: wait for the plots inside
            page.wait_for_function(
                f"() => document.querySelectorAll('.widget-output img').length >= {len(shows)}",
                timeout=20000)
        page.wait_for_timeout(300)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{doc.replace('/', '__')}.png"), full_page=FULL_PAGE_SHOTS)

        assert not visit.external, f"{doc}: запросы во внешнюю сеть: {visit.external[:5]}"
        assert not visit.failed, f"{doc}: неудачные запросы: {visit.failed[:5]}"
        assert not visit.errors, f"{doc}: ошибки в консоли: {visit.errors[:5]}"

        # formulas: rendered by MathJax, no TeX errors, no raw delimiters left in the text
        # the reader's text without code, outputs and rendered formulas: no TeX may be left in it
        text = page.evaluate("""() => {
            const article = document.querySelector("article").cloneNode(true);
            article.querySelectorAll("pre, code, .cell_output, .output, mjx-container, script, style, "
                                     + ".MathJax_Preview, .jupyter-widgets").forEach(e => e.remove());
            return article.innerText;
        }""")
        if "$" in _markdown(doc):
            assert page.locator("mjx-container").count() > 0, f"{doc}: формулы не отрисованы"
        assert page.locator("mjx-merror").count() == 0, f"{doc}: MathJax не смог разобрать формулу"
        raw_tex = re.findall(r"\\[A-Za-z]{2,}|\\[()\[\]]|\$", text)
        assert not raw_tex, f"{doc}: в тексте остался сырой TeX: {sorted(set(raw_tex))[:8]}"
        # no MyST markup left unparsed (a broken fence shows as text or as inline code): the page
        # without its code cells must not contain a directive, an option or a role
        prose = page.evaluate("""() => {
            const article = document.querySelector("article").cloneNode(true);
            article.querySelectorAll(".cell, script, style").forEach(e => e.remove());
            return article.innerText;
        }""")
        raw_myst = [m for m in ("```{", "{exercise}", "{solution}", "{prf:", ":label:", ":class:", "{ref}`", "{numref}`")
                    if m in prose]
        assert not raw_myst, f"{doc}: на странице осталась сырая разметка MyST: {raw_myst}"

        # images: every one loaded; each static figure and each live panel's initial plot present
        broken = page.evaluate("() => Array.from(document.images)"
                               ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        assert not broken, f"{doc}: не загрузились картинки {broken[:3]}"
        output_images = page.locator(".cell_output img").count()
        widget_images = page.locator(".widget-output img").count()
        assert widget_images >= len(shows), f"{doc}: не у каждой панели виден начальный рисунок"
        assert output_images - widget_images >= len(statics), f"{doc}: не хватает статичных рисунков"

        # the sidebar lists every chapter of _toc.yml, in order
        sidebar = [t.strip() for t in page.locator("nav.bd-links a.reference.internal").all_inner_texts()]
        assert sidebar == [_title(d) for d in PAGES], f"{doc}: оглавление в боковой панели: {sidebar}"

        # on the same page (one load per page): the self-check questions of a chapter answer, and
        # its solutions open only when clicked
        if doc in CHAPTER_PAGES:
            _answer_self_check_questions(page, doc)
            _solution_is_hidden_until_clicked(page, doc)
        assert not visit.errors, f"{doc}: ошибки в консоли: {visit.errors[:5]}"
    finally:
        visit.close()


def _answer_self_check_questions(page, doc):
    """One choice and one numeric question per chapter, answered with the mouse and the keyboard."""
    from lib import quiz
    from lib.quizzes import QUESTIONS, load_all

    load_all()
    num = doc.split("/")[1][:2]
    keys = notebook_calls(ROOT / f"{doc}.ipynb", "ask")
    assert keys, f"{doc}: нет вопросов"
    choice = next(k for k in keys if isinstance(QUESTIONS[k], quiz.Single))
    numeric = next(k for k in keys if isinstance(QUESTIONS[k], quiz.Numeric))
    assert choice.startswith(f"ch{num}.")
    box = page.locator("#quiz-" + choice.replace(".", "-"))
    if "$" in QUESTIONS[choice].question + "".join(o.text for o in QUESTIONS[choice].options):
        assert box.locator("mjx-container").count() > 0, f"{choice}: формулы вопроса не отрисованы"
    options = QUESTIONS[choice].options
    wrong = next(i for i, o in enumerate(options) if not o.correct)
    right = next(i for i, o in enumerate(options) if o.correct)
    for i, verdict in ((wrong, "❌ Пока нет."), (right, "✅ Верно.")):
        box.locator("fieldset input").nth(i).check()
        box.locator("button").click()
        assert box.locator(".cq-verdict").inner_text() == verdict
        assert box.locator(f'[data-why="{i}"]').is_visible(), f"{choice}: не видно объяснения варианта {i}"
    q = QUESTIONS[numeric]
    field = page.locator("#quiz-" + numeric.replace(".", "-") + " input[type=text]")
    for value, verdict in ((q.answer + 0.5 * q.tol, "✅ Верно."), (q.answer + 10 * q.tol + 1, "❌ Пока нет.")):
        field.fill(f"{value:.10g}".replace(".", ","))
        field.press("Enter")
        assert page.locator("#quiz-" + numeric.replace(".", "-") + " .cq-verdict").inner_text() == verdict


def _solution_is_hidden_until_clicked(page, doc):
    solution = page.locator("div.solution.dropdown").first
    body = solution.locator("section").first
    assert not body.is_visible(), f"{doc}: решение видно до нажатия"
    solution.locator("button.toggle-button").first.click()
    body.wait_for(state="visible", timeout=5000)
    assert body.is_visible()


# inflected forms: the Russian stemmer must map them to the chapter's words
SEARCHES = [("нейрона", "chapters/01_neuron"), ("Цыбенко", "chapters/02_cybenko"),
            ("градиента", "chapters/03_gradient_descent"), ("обратного", "chapters/04_backprop"),
            ("переобучения", "chapters/07_dropout"), ("цифр", "chapters/08_digits")]


@pytest.mark.parametrize("word, doc", SEARCHES)
def test_russian_search_finds_the_chapter_first(site, browser, word, doc):
    visit = Visit(browser, site, "search.html?q=" + urllib.parse.quote(word))
    try:
        visit.page.wait_for_selector("#search-results ul.search li a", timeout=20000)
        first = visit.page.locator("#search-results ul.search li a").first.get_attribute("href")
        assert first.split("?")[0].split("#")[0].endswith(f"{doc}.html"), (word, first)
        assert not visit.errors and not visit.failed and not visit.external
    finally:
        visit.close()


def test_the_book_has_a_favicon(site, browser):
    visit = Visit(browser, site, "intro.html")
    try:
        href = visit.page.locator("link[rel~=icon]").first.get_attribute("href")
        assert href and href.endswith("favicon.svg")
        status = visit.page.evaluate("h => fetch(h).then(r => r.status)", href)
        assert status == 200
    finally:
        visit.close()


def test_every_page_offers_the_book_pdf_in_its_download_menu(built_book):
    """The download menu of each page links the whole book's PDF, next to index.html (make pdf
    copies it there; the Pages workflow publishes it)."""
    for doc in PAGES:
        html = (built_book / f"{doc}.html").read_text(encoding="utf-8")
        menu = re.search(r'<div class="dropdown dropdown-download-buttons">.*?</ul>', html, re.S)
        assert menu, f"{doc}: нет меню скачивания"
        href = re.search(r'href="([^"]*nn-basics\.pdf)"', menu.group(0))
        assert href and "PDF всей книги" in menu.group(0), f"{doc}: в меню скачивания нет PDF книги"
        target = (built_book / doc).parent / href.group(1)
        assert target.resolve() == (built_book / "nn-basics.pdf").resolve(), (doc, href.group(1))
