"""Checks the programs, LaTeX packages and fonts the PDF of the book needs (`make pdf`).

Whatever is missing is installed with apt-get when this runs as root on Debian/Ubuntu; otherwise
the script names the Debian packages in Russian and exits with status 1.
`--packages` prints the package list (for CI: `sudo apt-get install $(python3 tools/pdf_deps.py --packages)`).

Standard library only: it runs before anything is built.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# Debian package -> what shows that it is installed: programs on PATH, files kpsewhich finds and
# font families fontconfig knows (XeLaTeX finds the fonts through fontconfig).
PACKAGES = {
    "texlive-xetex": {"programs": ["xelatex"], "files": ["ucharclasses.sty", "xunicode.sty"]},
    "texlive-latex-recommended": {"files": ["polyglossia.sty", "gloss-russian.ldf", "unicode-math.sty",
                                            "fontspec.sty"]},
    "texlive-latex-extra": {"files": ["fncychap.sty", "tabulary.sty", "wrapfig.sty", "needspace.sty", "capt-of.sty"]},
    "texlive-lang-cyrillic": {"files": ["hyph-ru.tex"]},
    "texlive-fonts-recommended": {"files": ["phvr7t.tfm"]},
    "fonts-lmodern": {"files": ["latinmodern-math.otf"]},
    "fonts-freefont-otf": {"files": ["FreeSerif.otf", "FreeSans.otf", "FreeMono.otf"]},
    # fc-list is in fontconfig, which the font packages do not pull in (seen on a fresh Debian 12)
    "fontconfig": {"programs": ["fc-list"]},
    "fonts-dejavu-core": {"families": ["DejaVu Sans Mono"]},
    # the oblique mono (code in italic context) is in -extra: without it XeLaTeX substitutes upright
    "fonts-dejavu-extra": {"families": ["DejaVu Sans Mono:style=Oblique"]},
    "latexmk": {"programs": ["latexmk"]},
    "xindy": {"programs": ["xindy"]},
    "poppler-utils": {"programs": ["pdftotext", "pdfimages", "pdftoppm", "pdfinfo"]},
    "make": {"programs": ["make"]},
}


def _has_file(name: str) -> bool:
    if shutil.which("kpsewhich") is None:
        return False
    found = subprocess.run(["kpsewhich", name], capture_output=True, text=True)
    return found.returncode == 0 and bool(found.stdout.strip())


def _has_family(name: str) -> bool:
    if shutil.which("fc-list") is None:
        return False
    return bool(subprocess.run(["fc-list", name], capture_output=True, text=True).stdout.strip())


def missing() -> list[str]:
    """The Debian packages of PACKAGES with something not found."""
    out = []
    for package, needs in PACKAGES.items():
        if any(shutil.which(p) is None for p in needs.get("programs", ())) or \
                any(not _has_file(f) for f in needs.get("files", ())) or \
                any(not _has_family(f) for f in needs.get("families", ())):
            out.append(package)
    return out


def main() -> int:
    if "--packages" in sys.argv[1:]:
        print(" ".join(PACKAGES))
        return 0
    absent = missing()
    if not absent:
        return 0
    names = " ".join(absent)
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"Для PDF не хватает пакетов Debian: {names}. Устанавливаю через apt-get…", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *absent],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        absent = missing()
        if not absent:
            return 0
        names = " ".join(absent)
    print("Для сборки PDF нужны XeLaTeX с русскими переносами, шрифты с кириллицей, latexmk, xindy и\n"
          f"poppler-utils. Не найдено (пакеты Debian/Ubuntu): {names}\n"
          f"Установите их:  sudo apt-get install {names}\n"
          "(в другой системе — TeX Live с пакетами polyglossia, fncychap, unicode-math, шрифты GNU FreeFont,\n"
          "DejaVu Sans Mono и Latin Modern Math, программы latexmk, xindy, pdftotext/pdfimages/pdftoppm из poppler).",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
