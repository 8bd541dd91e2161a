"""Вопросы для самопроверки с мгновенным ответом — в HTML-книге без ядра и в JupyterLab.

Вопрос — это данные (``Single``, ``Multiple``, ``Numeric``); ``show(вопрос)`` в ячейке блокнота
выводит его как HTML с небольшим встроенным скриптом. Тот же вывод работает и в собранной книге
(скрипт выполняется браузером, ядро не нужно, внешних файлов нет), и в живом JupyterLab.

* ``Single`` — один верный вариант; у каждого варианта своё объяснение: у неверного — почему
  он неверен (какое заблуждение он выдаёт), у верного — короткое подтверждение.
* ``Multiple`` — несколько верных; при ошибке объясняется каждый неверно выбранный и каждый
  пропущенный вариант.
* ``Numeric`` — число с допуском ``tol`` (запятая или точка); ``traps`` — частые неверные
  ответы со своими объяснениями.

Формулы пишутся как в тексте главы: ``$…$``. Вывод детерминирован (id — из ключа вопроса).
"""

from __future__ import annotations

import html
import json
import numbers
import re
from dataclasses import dataclass, field

__all__ = ["Option", "Single", "Multiple", "Numeric", "show", "ru", "tex", "QuizOutput", "SCRIPT", "STYLE"]


@dataclass(frozen=True)
class Option:
    """Вариант ответа: текст, верен ли он и объяснение (почему неверен или почему верен)."""

    text: str
    correct: bool
    why: str


def ru(x: float, digits: int = 4) -> str:
    """Число для русского текста: ``digits`` значащих цифр, десятичная запятая (0,25; 2,303)."""
    return f"{float(x):.{digits}g}".replace(".", ",").replace("-", "−")


def tex(x: float, digits: int = 2) -> str:
    """Число для формулы: ``digits`` значащих цифр, «{,}» и «\\cdot 10^{k}» (−1{,}1 \\cdot 10^{-86})."""
    mant, _, exp = f"{float(x):.{digits}g}".partition("e")
    mant = mant.replace(".", "{,}")
    return f"{mant} \\cdot 10^{{{int(exp)}}}" if exp else mant


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", key):
        raise ValueError(f"ключ вопроса — латиница, цифры, «.», «_», «-», например 'ch01.bias'; получено {key!r}")


def _check_text(name: str, value) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name}: ожидался непустой текст, получено {value!r}")


@dataclass(frozen=True)
class Single:
    """Вопрос с одним верным вариантом."""

    key: str
    question: str
    options: tuple

    def __post_init__(self):
        _check_key(self.key)
        _check_text(f"{self.key}: вопрос", self.question)
        _check_options(self.key, self.options)
        n = sum(o.correct for o in self.options)
        if n != 1:
            raise ValueError(f"{self.key}: в вопросе с одним ответом должен быть ровно один верный вариант, а их {n}")


@dataclass(frozen=True)
class Multiple:
    """Вопрос, где верных вариантов может быть несколько (хотя бы один)."""

    key: str
    question: str
    options: tuple

    def __post_init__(self):
        _check_key(self.key)
        _check_text(f"{self.key}: вопрос", self.question)
        _check_options(self.key, self.options)
        if not any(o.correct for o in self.options):
            raise ValueError(f"{self.key}: нет ни одного верного варианта")


@dataclass(frozen=True)
class Numeric:
    """Вопрос с числовым ответом ``answer`` ± ``tol``.

    right: подтверждение верного ответа; wrong: объяснение для любого другого числа;
    traps: кортеж (значение, допуск, объяснение) — частые неверные ответы с их причиной.
    """

    key: str
    question: str
    answer: float
    tol: float
    right: str
    wrong: str
    traps: tuple = field(default_factory=tuple)

    def __post_init__(self):
        _check_key(self.key)
        _check_text(f"{self.key}: вопрос", self.question)
        _check_text(f"{self.key}: подтверждение", self.right)
        _check_text(f"{self.key}: объяснение неверного ответа", self.wrong)
        for name, v in (("answer", self.answer), ("tol", self.tol)):
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or v != v or abs(v) == float("inf"):
                raise ValueError(f"{self.key}: {name} должен быть конечным числом, получено {v!r}")
        if self.tol < 0:
            raise ValueError(f"{self.key}: допуск tol должен быть ≥ 0, получено {self.tol}")
        for t in self.traps:
            if len(t) != 3:
                raise ValueError(f"{self.key}: ловушка — (значение, допуск, объяснение), получено {t!r}")
            if abs(t[0] - self.answer) <= self.tol + t[1]:
                raise ValueError(f"{self.key}: ловушка {t[0]} попадает в допуск верного ответа {self.answer}")


def _check_options(key, options) -> None:
    if not isinstance(options, tuple) or len(options) < 2:
        raise ValueError(f"{key}: нужен кортеж хотя бы из двух вариантов Option")
    for o in options:
        if not isinstance(o, Option):
            raise ValueError(f"{key}: вариант должен быть Option, получен {type(o).__name__}")
        _check_text(f"{key}: текст варианта", o.text)
        _check_text(f"{key}: объяснение варианта «{o.text}»", o.why)


# --- HTML ----------------------------------------------------------------------------------------

STYLE = """<style>
.course-quiz{border:1px solid var(--pst-color-border,var(--jp-border-color1,#c8c8c8));border-radius:6px;
 padding:.7em 1em;margin:1em 0;background:var(--pst-color-surface,var(--jp-layout-color1,transparent));
 color:var(--pst-color-text-base,var(--jp-content-font-color1,inherit));font-size:1rem;line-height:1.5}
.course-quiz .cq-title{font-weight:600;font-size:.85em;opacity:.8;margin-bottom:.2em}
.course-quiz fieldset{border:0;margin:.4em 0;padding:0}
.course-quiz label{display:block;margin:.2em 0;cursor:pointer}
.course-quiz input[type=text]{font-size:1em;padding:.15em .4em;width:10em;
 border:1px solid var(--pst-color-border,var(--jp-border-color1,#999));border-radius:4px;
 background:var(--pst-color-background,var(--jp-layout-color0,#fff));color:inherit}
.course-quiz button{font-size:.95em;padding:.2em .9em;margin-top:.3em;border-radius:4px;cursor:pointer;
 border:1px solid var(--pst-color-primary,var(--jp-brand-color1,#1976d2));
 background:var(--pst-color-primary,var(--jp-brand-color1,#1976d2));color:#fff}
.course-quiz .cq-feedback[hidden],.course-quiz .cq-why[hidden]{display:none}
.course-quiz .cq-verdict{font-weight:600}
.course-quiz .cq-feedback{margin-top:.5em;padding:.4em .7em;border-radius:4px;border-left:4px solid}
.course-quiz .cq-feedback.cq-right{border-color:var(--pst-color-success,#2e7d32)}
.course-quiz .cq-feedback.cq-wrong{border-color:var(--pst-color-danger,#c62828)}
.course-quiz .cq-feedback p{margin:.2em 0}
</style>"""

SCRIPT = r"""<script>
(function () {
  function parseNumber(text) {
    var t = String(text).trim().replace(/\s+/g, "").replace(",", ".").replace("\u2212", "-");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return NaN;
    return parseFloat(t);
  }
  // Every explanation is already in the page (hidden), so formulas are typeset with the page,
  // in the book (MathJax) and in JupyterLab alike; judging only shows the right ones.
  function judge(box) {
    var data = JSON.parse(box.querySelector(".cq-data").textContent);
    var verdict = box.querySelector(".cq-verdict");
    var whys = box.querySelectorAll(".cq-why");
    whys.forEach(function (w) { w.hidden = true; });
    function reveal(sel, prefix) {
      var w = box.querySelector(sel);
      if (!w) return;
      var p = w.querySelector(".cq-prefix");
      if (p) p.textContent = prefix || "";
      w.hidden = false;
    }
    var right = false, answered = true;
    if (data.kind === "numeric") {
      var v = parseNumber(box.querySelector("input[type=text]").value);
      if (isNaN(v)) { answered = false; reveal('[data-why="nan"]'); }
      else if (Math.abs(v - data.answer) <= data.tol) { right = true; reveal('[data-why="right"]'); }
      else {
        var k = -1;
        data.traps.forEach(function (t, i) { if (k < 0 && Math.abs(v - t[0]) <= t[1]) k = i; });
        reveal(k >= 0 ? '[data-why="trap' + k + '"]' : '[data-why="wrong"]');
      }
    } else {
      var chosen = [];
      box.querySelectorAll("fieldset input").forEach(function (inp, i) { if (inp.checked) chosen.push(i); });
      if (!chosen.length) { answered = false; reveal('[data-why="none"]'); }
      else if (data.kind === "single") {
        right = data.correct.indexOf(chosen[0]) >= 0; reveal('[data-why="' + chosen[0] + '"]');
      } else {
        right = chosen.length === data.correct.length &&
                chosen.every(function (i) { return data.correct.indexOf(i) >= 0; });
        for (var i = 0; i < data.n; i++) {
          var picked = chosen.indexOf(i) >= 0, ok = data.correct.indexOf(i) >= 0;
          if (right && picked) reveal('[data-why="' + i + '"]', "");
          if (!right && picked && !ok) reveal('[data-why="' + i + '"]', "Неверно выбран: ");
          if (!right && !picked && ok) reveal('[data-why="' + i + '"]', "Пропущен верный вариант: ");
        }
      }
    }
    verdict.textContent = !answered ? "" : (right ? "\u2705 Верно." : "\u274c Пока нет.");
    var fb = box.querySelector(".cq-feedback");
    fb.hidden = false;
    fb.className = "cq-feedback " + (!answered ? "" : (right ? "cq-right" : "cq-wrong"));
  }
  function init(box) {
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    box.querySelector("button").addEventListener("click", function () { judge(box); });
    var text = box.querySelector("input[type=text]");
    if (text) text.addEventListener("keydown", function (e) { if (e.key === "Enter") judge(box); });
  }
  document.querySelectorAll(".course-quiz").forEach(init);
})();
</script>"""


def _kind(q) -> str:
    return {Single: "single", Multiple: "multiple", Numeric: "numeric"}[type(q)]


def _html_text(text: str) -> str:
    """Escapes HTML but keeps $…$ for MathJax (written as \\(…\\), which both renderers typeset)."""
    escaped = html.escape(text, quote=False)
    return re.sub(r"\$([^$]+)\$", r"\\(\1\\)", escaped)


def _data(q) -> dict:
    if isinstance(q, Numeric):
        return {"kind": "numeric", "answer": float(q.answer), "tol": float(q.tol),
                "traps": [[float(a), float(t)] for a, t, _ in q.traps]}
    return {"kind": _kind(q), "n": len(q.options), "correct": [i for i, o in enumerate(q.options) if o.correct]}


def _why(tag: str, text: str, prefix: bool = False) -> str:
    pre = '<span class="cq-prefix"></span>' if prefix else ""
    return f'<p class="cq-why" data-why="{tag}" hidden>{pre}{_html_text(text)}</p>'


def render(q) -> str:
    """HTML одного вопроса (без стиля и скрипта)."""
    if not isinstance(q, (Single, Multiple, Numeric)):
        raise TypeError(f"ожидался вопрос Single, Multiple или Numeric, получен {type(q).__name__}")
    qid = "quiz-" + q.key.replace(".", "-")
    title = {"single": "Вопрос для самопроверки: выберите один ответ",
             "multiple": "Вопрос для самопроверки: выберите все верные ответы",
             "numeric": "Вопрос для самопроверки: введите число"}[_kind(q)]
    parts = [f'<div class="course-quiz tex2jax_process mathjax_process" id="{qid}" data-kind="{_kind(q)}">',
             f'<div class="cq-title">{title}</div>', f'<div class="cq-question">{_html_text(q.question)}</div>']
    whys = []
    if isinstance(q, Numeric):
        parts.append(f'<label>Ответ: <input type="text" inputmode="decimal" autocomplete="off" '
                     f'aria-label="Ваш ответ" name="{qid}"></label>')
        whys += [_why("right", q.right), _why("wrong", q.wrong),
                 _why("nan", "Введите число, например 0,5 или −2 (дробную часть можно отделять запятой).")]
        whys += [_why(f"trap{k}", w) for k, (_, _, w) in enumerate(q.traps)]
    else:
        kind = "radio" if isinstance(q, Single) else "checkbox"
        parts.append(f'<fieldset aria-label="{html.escape(title)}">')
        for i, o in enumerate(q.options):
            parts.append(f'<label><input type="{kind}" name="{qid}" value="{i}"> {_html_text(o.text)}</label>')
        parts.append("</fieldset>")
        multiple = isinstance(q, Multiple)
        whys += [_why(str(i), (f"«{o.text}» — " if multiple else "") + o.why, prefix=multiple)
                 for i, o in enumerate(q.options)]
        whys.append(_why("none", "Выберите вариант ответа."))
    payload = json.dumps(_data(q), ensure_ascii=False)
    parts += ['<button type="button">Проверить</button>',
              '<div class="cq-feedback" role="status" aria-live="polite" hidden>',
              '<p class="cq-verdict"></p>', *whys, "</div>",
              f'<script type="application/json" class="cq-data">{payload}</script>', "</div>"]
    return "\n".join(parts)


class QuizOutput:
    """Вывод ``show``: в блокноте и в книге — HTML вопроса со стилем и скриптом."""

    def __init__(self, questions):
        self.questions = questions

    def _repr_html_(self) -> str:
        return STYLE + "\n".join(render(q) for q in self.questions) + SCRIPT

    def __repr__(self) -> str:
        return f"QuizOutput({', '.join(q.key for q in self.questions)})"


def show(*questions) -> QuizOutput:
    """Показывает вопросы (один или несколько) в ячейке: ``quiz.show(Q)``."""
    if not questions:
        raise ValueError("show: передайте хотя бы один вопрос")
    for q in questions:
        if not isinstance(q, (Single, Multiple, Numeric)):
            raise TypeError(f"show: ожидался вопрос Single, Multiple или Numeric, получен {type(q).__name__}")
    return QuizOutput(questions)
