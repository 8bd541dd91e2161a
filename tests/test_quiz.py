"""Self-check questions: complete, placed in their chapters, deterministic, and judged right in Chromium.

The browser part renders every question of the course on one local page (no server, no network)
and answers each one every way: each option of a choice question must show its own explanation
and the right verdict; a numeric answer inside and outside the tolerance, a trap value and a
non-number must be judged as such; Enter in the number field and Space on a radio button work,
so the questions are usable from the keyboard. The built book is checked the same way, one
question per chapter, in ``test_built_book.py``.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from book import notebook_calls, toc_notebooks

from lib import quiz
from lib.quizzes import QUESTIONS, ask, load_all

load_all()
CHAPTERS = {p.stem[:2]: p for p in toc_notebooks() if p.stem[:2].isdigit()}
MIN_PER_CHAPTER = 6


def test_every_chapter_asks_at_least_six_questions_of_its_own():
    for num, path in CHAPTERS.items():
        asked = notebook_calls(path, "ask")
        own = [k for k in QUESTIONS if k.startswith(f"ch{num}.")]
        assert len(own) >= MIN_PER_CHAPTER, f"глава {num}: вопросов {len(own)} < {MIN_PER_CHAPTER}"
        assert sorted(asked) == sorted(own), f"{path.name}: задаются {sorted(asked)}, а в lib/quizzes {sorted(own)}"


def test_questions_are_spread_over_the_chapter_not_only_at_its_end():
    for path in CHAPTERS.values():
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        sections = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                    and re.match(r"^## ", "".join(c["source"]))]
        with_quiz = {max(s for s in sections if s < i) for i, c in enumerate(cells)
                     if c["cell_type"] == "code" and "ask(" in "".join(c["source"])}
        assert len(with_quiz) >= 2, f"{path.name}: вопросы только в одном разделе"


def test_the_quiz_cells_show_no_code_in_the_book():
    for path in CHAPTERS.values():
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for c in cells:
            if c["cell_type"] == "code" and "ask(" in "".join(c["source"]):
                assert "remove-input" in c.get("metadata", {}).get("tags", []), path.name


@pytest.mark.parametrize("key", sorted(QUESTIONS))
def test_every_option_has_its_own_explanation(key):
    q = QUESTIONS[key]
    if isinstance(q, quiz.Numeric):
        texts = [q.right, q.wrong] + [t[2] for t in q.traps]
    else:
        texts = [o.why for o in q.options]
        assert len({o.text for o in q.options}) == len(q.options), f"{key}: повторяющиеся варианты"
    assert all(t.strip() for t in texts)
    assert len(set(texts)) == len(texts), f"{key}: у разных ответов одно и то же объяснение"
    for t in texts + [q.question]:
        assert t.count("$") % 2 == 0, f"{key}: непарный $ в «{t[:40]}…»"


def test_bad_questions_are_refused_in_russian():
    good, bad = quiz.Option("a", True, "да"), quiz.Option("b", False, "нет")
    with pytest.raises(ValueError, match="ровно один верный"):
        quiz.Single("x.y", "?", (good, good))
    with pytest.raises(ValueError, match="объяснение"):
        quiz.Single("x.y", "?", (good, quiz.Option("b", False, " ")))
    with pytest.raises(ValueError, match="ни одного верного"):
        quiz.Multiple("x.y", "?", (bad, bad))
    with pytest.raises(ValueError, match="попадает в допуск"):
        quiz.Numeric("x.y", "?", 1.0, 0.1, "да", "нет", traps=((1.05, 0.01, "ловушка"),))
    with pytest.raises(ValueError, match="ключ вопроса"):
        quiz.Single("Глава 1", "?", (good, bad))
    with pytest.raises(ValueError, match="нет вопросов"):
        ask("ch99.none")
    with pytest.raises(TypeError, match="Single, Multiple или Numeric"):
        quiz.show("ch01.bias")


def test_rendering_is_deterministic_and_ids_are_unique():
    html1 = ask(*sorted(QUESTIONS))._repr_html_()
    html2 = ask(*sorted(QUESTIONS))._repr_html_()
    assert html1 == html2
    ids = re.findall(r'class="course-quiz[^"]*" id="([^"]+)"', html1)
    assert len(ids) == len(set(ids)) == len(QUESTIONS)


def test_numbers_in_russian_text():
    assert quiz.ru(0.25) == "0,25" and quiz.ru(-2.5) == "−2,5"
    assert quiz.tex(-1.1e-86) == "-1{,}1 \\cdot 10^{-86}" and quiz.tex(0.905, 3) == "0{,}905"


# --- in Chromium -----------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def quiz_page(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("Chromium не найден: установите его (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    path = tmp_path_factory.mktemp("quiz") / "all.html"
    path.write_text("<!doctype html><html lang='ru'><head><meta charset='utf-8'></head><body>"
                    + ask(*sorted(QUESTIONS))._repr_html_() + "</body></html>", encoding="utf-8")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = b.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(path.as_uri())
        yield page, errors
        b.close()


# Answers one question in the page: sets the inputs, clicks «Проверить» (a real click event) and
# returns what the reader then sees — the verdict, the visible explanations and their prefixes.
_ANSWER = """([box, answers]) => answers.map(answer => {
    const inputs = box.querySelectorAll("fieldset input");
    if (typeof answer === "string") {
        box.querySelector("input[type=text]").value = answer;
    } else {
        inputs.forEach((inp, i) => { inp.checked = answer.includes(i); });
    }
    box.querySelector("button").click();
    const shown = Array.from(box.querySelectorAll(".cq-why")).filter(w => !w.hidden);
    return {verdict: box.querySelector(".cq-verdict").textContent,
            shown: shown.map(w => w.dataset.why),
            prefixes: shown.map(w => (w.querySelector(".cq-prefix") || {}).textContent || "")};
})"""
RIGHT, WRONG = "✅ Верно.", "❌ Пока нет."


def _answers(page, key, answers):
    """What the reader sees after each answer in turn (one round trip to the browser)."""
    box = page.locator("#quiz-" + key.replace(".", "-")).element_handle()
    return page.evaluate(_ANSWER, [box, answers])


@pytest.mark.parametrize("key", sorted(QUESTIONS))
def test_each_answer_is_judged_with_its_explanation(quiz_page, key):
    page, errors = quiz_page
    q = QUESTIONS[key]
    if isinstance(q, quiz.Single):
        for i, (o, seen) in enumerate(zip(q.options, _answers(page, key, [[i] for i in range(len(q.options))]))):
            assert seen["verdict"] == (RIGHT if o.correct else WRONG) and seen["shown"] == [str(i)], (i, seen)
    elif isinstance(q, quiz.Multiple):
        right = [i for i, o in enumerate(q.options) if o.correct]
        # exactly the right set; then each option flipped in turn; then nothing chosen
        flips = [[k for k in right if k != i] if o.correct else right + [i] for i, o in enumerate(q.options)]
        seen_right, *seen_flips, seen_none = _answers(page, key, [right, *flips, []])
        assert seen_right["verdict"] == RIGHT and seen_right["shown"] == [str(i) for i in right], seen_right
        for i, (o, seen) in enumerate(zip(q.options, seen_flips)):
            assert seen["verdict"] == WRONG and str(i) in seen["shown"], (i, seen)
            prefix = seen["prefixes"][seen["shown"].index(str(i))]
            assert prefix == ("Пропущен верный вариант: " if o.correct else "Неверно выбран: "), prefix
        assert seen_none["shown"] == ["none"]
    else:
        inside = f"{q.answer + 0.9 * q.tol:.12g}".replace(".", ",")
        outside = f"{q.answer + 10 * q.tol + 1:g}"
        cases = [(inside, RIGHT, "right"), (outside, WRONG, "wrong"), ("сорок", "", "nan")]
        cases += [(f"{value:.12g}", WRONG, f"trap{k}") for k, (value, _, _) in enumerate(q.traps)]
        for (text, verdict, why), seen in zip(cases, _answers(page, key, [c[0] for c in cases])):
            assert seen["verdict"] == verdict and seen["shown"] == [why], (text, seen)
    assert not errors, errors


def test_a_choice_question_works_from_the_keyboard(quiz_page):
    page, _ = quiz_page
    key = next(k for k, q in sorted(QUESTIONS.items()) if isinstance(q, quiz.Single))
    q = QUESTIONS[key]
    box = page.locator("#quiz-" + key.replace(".", "-"))
    right = next(i for i, o in enumerate(q.options) if o.correct)
    box.locator("fieldset input").nth(right).focus()
    page.keyboard.press("Space")
    box.locator("button").focus()
    page.keyboard.press("Enter")
    assert box.locator(".cq-verdict").inner_text() == RIGHT
    key = next(k for k, q in sorted(QUESTIONS.items()) if isinstance(q, quiz.Numeric))
    field = page.locator("#quiz-" + key.replace(".", "-") + " input[type=text]")
    field.fill(f"{QUESTIONS[key].answer:.12g}".replace(".", ","))
    field.press("Enter")
    assert page.locator("#quiz-" + key.replace(".", "-") + " .cq-verdict").inner_text() == RIGHT


def test_no_question_text_breaks_the_html():
    html = ask(*sorted(QUESTIONS))._repr_html_()
    assert html.count("<div") == html.count("</div>")
    # the output is self-contained: no link to a file or a host
    assert "http" not in html and "src=" not in html
