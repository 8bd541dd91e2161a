"""Builds the book as one PDF: Jupyter Book 1's LaTeX builder, then XeLaTeX through latexmk.

What `jupyter-book build . --builder pdflatex` does, with four differences:

* the doctrees go to `_build/.doctrees-latex`, so the HTML build keeps its own (switching builders
  would make each build re-read every page; two builds at once would write the same files);
* `tools/pdf_latex.py` is loaded as an extension: the cells of live panels and quiz questions are
  left out of the LaTeX (the static figures stay), solutions go to the end of their chapter, and
  the `.tex` gets Russian captions (see its docstring);
* no domain indices (sphinx-proof's «Proof Index», the Python module index): only the general
  index of `lib`'s names;
* the LaTeX log is checked: an undefined reference or a glyph missing from the fonts is an error.

The notebooks are read from the execution cache `_build/.jupyter_cache` (`tools/execute_book.py`
fills it; `make pdf` runs it first). The PDF is `_build/latex/nn-basics.pdf`; when the HTML book
exists it is also copied to `_build/html/nn-basics.pdf`, where the intro page links it.
`--latex-only` writes the `.tex` and stops; `--skip-sphinx` runs only XeLaTeX on it (for fixing
TeX-level problems without the minute of Sphinx).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
LATEX = BUILD / "latex"
NAME = "nn-basics"
PDF = LATEX / f"{NAME}.pdf"

# Lines of the XeLaTeX log that mean a defect of the PDF.
BAD_LOG = [
    (re.compile(r"Missing character: There is no (.+?) in font (.+?)!"), "в шрифте нет символа"),
    (re.compile(r"LaTeX Warning: (Reference|Citation|Hyper reference) .+ undefined"), "неразрешённая ссылка"),
    (re.compile(r"There were undefined references"), "неразрешённые ссылки"),
    (re.compile(r"LaTeX Warning: Label .+ multiply defined"), "метка определена дважды"),
]


def derived_config() -> Path:
    """`_config.yml` plus the extension `tools/pdf_latex.py`; local extension folders made absolute."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config.setdefault("sphinx", {})
    local = {name: str((ROOT / path).resolve()) for name, path in (sphinx.get("local_extensions") or {}).items()}
    local["pdf_latex"] = str(ROOT / "tools")
    sphinx["local_extensions"] = local
    path = BUILD / "pdf" / "_config.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build_latex() -> int:
    from jupyter_book.sphinx import build_sphinx

    return build_sphinx(
        ROOT, LATEX, noconfig=True, path_config=str(derived_config()),
        confoverrides={"external_toc_path": (ROOT / "_toc.yml").as_posix(),
                       "latex_individualpages": False, "nitpicky": True,
                       # no «Proof Index» of sphinx-proof, no Python module index; the general index stays
                       "latex_domain_indices": False},
        doctreedir=BUILD / ".doctrees-latex", builder="latex",
        warningiserror=True, keep_going=True)


def build_pdf(timeout: int) -> int:
    # Sphinx's Makefile and latexmkrc: latexmk runs xelatex as often as needed, xindy for the index.
    env = {**os.environ, "LATEXMKOPTS": "-silent -interaction=nonstopmode -halt-on-error"}
    try:
        done = subprocess.run(["make", "all-pdf"], cwd=LATEX, env=env, timeout=timeout,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    except subprocess.TimeoutExpired:
        print(f"XeLaTeX не уложился в {timeout} с", file=sys.stderr)
        return 1
    if done.returncode != 0 or not PDF.exists():
        print(done.stdout[-6000:], file=sys.stderr)
        print(f"XeLaTeX завершился с ошибкой: см. {LATEX / (NAME + '.log')}", file=sys.stderr)
        return 1
    return 0


def log_problems() -> list[str]:
    log = (LATEX / f"{NAME}.log").read_text(encoding="utf-8", errors="replace")
    problems = []
    for pattern, what in BAD_LOG:
        for m in pattern.finditer(log):
            problems.append(f"{what}: {m.group(0)}")
    return sorted(set(problems))


OVERFULL = re.compile(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\) "
                      r"(?:detected at line|in paragraph at lines) (\d+)")


def wide_lines(limit_pt: float = 40.0) -> list[str]:
    """Lines of the PDF wider than the text by more than `limit_pt` (a formula or a table running
    into the margin): not an error, but named with the start of their LaTeX source."""
    log = (LATEX / f"{NAME}.log").read_text(encoding="utf-8", errors="replace")
    tex = (LATEX / f"{NAME}.tex").read_text(encoding="utf-8").splitlines()
    found = []
    for m in OVERFULL.finditer(log):
        if float(m.group(1)) > limit_pt:
            line = int(m.group(2))
            source = " ".join(tex[max(line - 8, 0):line]).split("\\begin{equation")[-1][-160:]
            found.append(f"на {float(m.group(1)):.0f} pt шире полосы (строка {line} .tex): …{source}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=int, default=900, help="limit for latexmk, seconds")
    parser.add_argument("--skip-sphinx", action="store_true", help="only run latexmk on the existing .tex")
    parser.add_argument("--latex-only", action="store_true", help="only write the .tex (Sphinx), no XeLaTeX")
    args = parser.parse_args()
    os.chdir(ROOT)
    if not args.skip_sphinx:
        code = build_latex()
        if code:
            print("Сборка LaTeX (Sphinx) завершилась с предупреждениями или ошибками: см. выше.", file=sys.stderr)
            return code
    if args.latex_only:
        return 0
    if build_pdf(args.timeout):
        return 1
    problems = log_problems()
    if problems:
        print("В журнале XeLaTeX:\n  " + "\n  ".join(problems[:40]), file=sys.stderr)
        return 1
    for wide in wide_lines():
        print(f"Предупреждение: {wide}", file=sys.stderr)
    if (BUILD / "html").is_dir():
        shutil.copy2(PDF, BUILD / "html" / PDF.name)
    print(f"PDF книги: {PDF.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
