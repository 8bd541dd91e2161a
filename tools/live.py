"""`make live` helpers: the student's own copy of the chapters and JupyterLab's settings.

    python tools/live.py copy my-chapters          # copy the chapters that are not there yet
    python tools/live.py fresh my-chapters 01_neuron   # put the old copy aside, take a fresh one
    python tools/live.py settings                  # widget state saved with the notebook

The copy lives outside version control (.gitignore), so a student's edits and saved outputs never touch
the tracked notebooks and `git pull` never conflicts. An existing copy is never overwritten.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"


def chapter_notebooks() -> list[Path]:
    return sorted(CHAPTERS.glob("*.ipynb"))


def copy(dest: Path) -> list[Path]:
    """Copies every chapter notebook missing from ``dest``; returns the new copies."""
    dest.mkdir(parents=True, exist_ok=True)
    made = []
    for nb in chapter_notebooks():
        target = dest / nb.name
        if not target.exists():
            shutil.copy2(nb, target)
            made.append(target)
    if made:
        print(f"Скопированы главы в {dest}/: {', '.join(p.stem for p in made)}")
    return made


def fresh(dest: Path, chapter: str) -> Path:
    """Moves the student's copy of ``chapter`` aside (never deletes it) and copies a fresh one."""
    matches = [nb for nb in chapter_notebooks() if nb.stem == chapter or nb.stem.startswith(chapter + "_")]
    if len(matches) != 1:
        names = ", ".join(nb.stem for nb in chapter_notebooks())
        raise SystemExit(f"Нет такой главы «{chapter}». Есть: {names}")
    source = matches[0]
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / source.name
    if target.exists():
        aside = dest / f"{source.stem}-old-{time.strftime('%Y%m%d-%H%M%S')}.ipynb"
        target.rename(aside)
        print(f"Ваша прежняя копия сохранена как {aside}")
    shutil.copy2(source, target)
    print(f"Свежая копия главы: {target}")
    return target


def settings(prefix: Path = Path(sys.prefix)) -> Path:
    """JupyterLab overrides: the widget manager saves widget state (the panels' last pictures) in the
    notebook, so a reopened chapter shows its panels instead of «Error displaying widget»."""
    path = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text()) if path.exists() else {}
    data.setdefault("@jupyter-widgets/jupyterlab-manager:plugin", {})["saveState"] = True
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path


def main(argv: list[str]) -> None:
    if argv[:1] == ["copy"] and len(argv) == 2:
        copy(Path(argv[1]))
    elif argv[:1] == ["fresh"] and len(argv) == 3:
        fresh(Path(argv[1]), argv[2])
    elif argv == ["settings"]:
        settings()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
