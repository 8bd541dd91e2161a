r"""Sphinx extension loaded only by `tools/pdf_build.py` (the PDF of the book): it changes the
doctree for the LaTeX builder and does nothing for any other builder.

* A live panel (``widgets.show(...)``, an ipywidgets output) means nothing on paper and its text
  repr is ``VBox(children=...)``: the whole cell is removed. The static figure beside it stays.
* A self-check question (``ask(...)``, a ``QuizOutput``: HTML with a script) has no paper form:
  its cell is removed too.
* The output of a homework check on the stub («⏳ Задание ещё не выполнено: …») is an invitation
  to run the cell; on paper it is noise: the output is removed, the code cell stays.
* ANSI escape sequences (colours of tracebacks and warnings) are stripped from outputs.
* The solutions of the exercises (sphinx-exercise, folded in the HTML book) are moved to the
  chapter's last section «Решения упражнений», so that the reader of the paper tries an exercise
  before seeing its solution.

After the build, the LaTeX files are patched:

* the class `jupyterBook.cls` that sphinx-jupyterbook-latex copies loads `bbm` (Debian's 500 MB
  texlive-fonts-extra) only for `\mathbbm`: the copy is given `\mathbb` in its place;
* in the `.tex`, the intro page becomes the unnumbered chapter «Введение» (in the contents and in
  the running heads, which otherwise say «Содержание»); a long table of plain `l` columns (the
  notation table) gets proportional widths so that it wraps inside the page instead of running off it;
  the chapter titles lose their «Глава 3. » / «Приложение A. » (the class prints «Глава 3» above
  the title itself, and the appendices are lettered after `\appendix`), the sections numbered by
  hand in appendix A their «1. » (LaTeX numbers them A.1), and the captions sphinx-proof and
  sphinx-exercise write in English or in broken Russian («Theorem 2», «Решение к Упражнение 4»)
  become Russian («Теорема 2», «Решение упражнения 4»).
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_exercise.nodes import solution_node

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
HOMEWORK_TODO = "⏳ Задание ещё не выполнено"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def _mime_types(bundle) -> dict:
    return {child.get("mime_type"): child for child in bundle.children}


def _is_quiz(mimes: dict) -> bool:
    plain = mimes.get("text/plain")
    return plain is not None and plain.astext().lstrip().startswith("QuizOutput(")


def _cell_of(node):
    while node is not None and node.get("nb_element") != "cell_code":
        node = node.parent
    return node


class PaperCells(SphinxPostTransform):
    """Removes the cells of live panels and quiz questions; strips ANSI escapes."""

    builders = ("latex",)
    default_priority = 3  # before myst-nb keeps one mime type of each output (SelectMimeType, 4)

    def run(self, **kwargs) -> None:
        bundles = [n for n in self.document.findall(nodes.container) if n.get("nb_element") == "mime_bundle"]
        doomed = []
        for bundle in bundles:
            mimes = _mime_types(bundle)
            if WIDGET_MIME in mimes or _is_quiz(mimes):
                cell = _cell_of(bundle)
                doomed.append(cell if cell is not None else bundle)
        for block in self.document.findall(nodes.literal_block):
            if block.astext().lstrip().startswith(HOMEWORK_TODO):
                doomed.append(block)
        for node in doomed:
            if node.parent is not None:
                node.parent.remove(node)
        for text in list(self.document.findall(nodes.Text)):
            if "\x1b" in text:
                text.parent.replace(text, nodes.Text(ANSI.sub("", str(text))))


class SolutionsAtChapterEnd(SphinxPostTransform):
    """Moves every solution of a chapter to a new last section of it, «Решения упражнений».

    The LaTeX builder has put all the documents into one doctree (a `start_of_file` node per
    document); this runs after sphinx-exercise has given the solutions their titles."""

    builders = ("latex",)
    default_priority = 30
    TITLE = "Решения упражнений"

    def run(self, **kwargs) -> None:
        for number, start in enumerate(self.document.findall(addnodes.start_of_file)):
            chapter = next((c for c in start.children if isinstance(c, nodes.section)), None)
            solutions = [s for s in start.findall(solution_node)]
            if chapter is None or not solutions:
                continue
            section = nodes.section(ids=[f"pdf-solutions-{number}"], names=[])
            section += nodes.title(self.TITLE, self.TITLE)
            for solution in solutions:
                solution.parent.remove(solution)
                section += solution
            chapter += section


# sphinx-proof's English captions (its own names of the directives) in Russian.
PROOF_NAMES = {
    "Theorem": "Теорема", "Lemma": "Лемма", "Definition": "Определение", "Corollary": "Следствие",
    "Proposition": "Утверждение", "Remark": "Замечание", "Example": "Пример", "Algorithm": "Алгоритм",
    "Property": "Свойство", "Conjecture": "Гипотеза", "Axiom": "Аксиома", "Criterion": "Критерий",
    "Assumption": "Предположение", "Observation": "Наблюдение", "Proof": "Доказательство",
}
_CAPTION = re.compile(r"(\\begin\{sphinxadmonition\}\{[a-z]+\}\{)(" + "|".join(PROOF_NAMES) + r")\b")
_SOLUTION = re.compile(r"(\\begin\{sphinxadmonition\}\{[a-z]+\}\{)Решение к Упражнение\b")
_LONGTABLE = re.compile(r"\\begin\{longtable\}\{(l{3,})\}")
INTRO = "\\chapter*{Введение}\\addcontentsline{toc}{chapter}{Введение}\\markboth{Введение}{Введение}\n"
# sphinx-proof writes a proof as an admonition without a title (an empty coloured bar on the page)
# that starts with an emphasised «Доказательство.»: the word becomes the title.
_PROOF = re.compile(r"\\begin\{sphinxadmonition\}\{([a-z]+)\}\n\\sphinxAtStartPar\n"
                    r"\\sphinxstyleemphasis\{Доказательство\.\}\s*")
_NUMBERED_SECTION = re.compile(r"^(\\section\{)\d+\.\s+", re.MULTILINE)
_CHAPTER = re.compile(r"^\\chapter\{(?:Глава \d+|Приложение [A-ZА-Я])\.\s+", re.MULTILINE)


def _widths(columns: int) -> str:
    """Sphinx's proportional columns: the second (the meaning) four times as wide as the first."""
    weights = [2, 8] + [3] * (columns - 2)
    return "".join(f"\\X{{{w}}}{{{sum(weights)}}}" for w in weights)


def patch_tex(text: str) -> str:
    """The `.tex` of the book with Russian captions, bare chapter titles and lettered appendices."""
    text = _CAPTION.sub(lambda m: m.group(1) + PROOF_NAMES[m.group(2)], text)
    text = _SOLUTION.sub(r"\1Решение упражнения", text)
    text = _PROOF.sub(r"\\begin{sphinxadmonition}{\1}{Доказательство}\n\\sphinxAtStartPar\n", text)
    text = _CHAPTER.sub(r"\\chapter{", text)
    text = _NUMBERED_SECTION.sub(r"\1", text)
    text = _LONGTABLE.sub(lambda m: "\\begin{longtable}{" + _widths(len(m.group(1))) + "}", text)
    if INTRO not in text:
        text = text.replace("\\pagestyle{normal}\n", "\\pagestyle{normal}\n" + INTRO, 1)
    if "\\appendix\n" not in text:
        text = text.replace("\\part{Приложения}", "\\appendix\n\\part{Приложения}", 1)
    return text


def _patch_files(app, exception) -> None:
    if exception is not None or app.builder.name != "latex":
        return
    out = Path(app.outdir)
    cls = out / "jupyterBook.cls"
    if cls.exists():
        text = cls.read_text(encoding="utf-8")
        cls.write_text(text.replace("\\RequirePackage{bbm}", "\\providecommand{\\mathbbm}[1]{\\mathbb{#1}}"),
                       encoding="utf-8")
    for tex in out.glob("*.tex"):
        text = tex.read_text(encoding="utf-8")
        if "\\documentclass" in text:
            tex.write_text(patch_tex(text), encoding="utf-8")


def setup(app):
    app.add_post_transform(PaperCells)
    app.add_post_transform(SolutionsAtChapterEnd)
    app.connect("build-finished", _patch_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
