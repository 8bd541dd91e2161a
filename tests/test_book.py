"""The book as a whole: the TOC, the notebooks nbval runs, stored outputs, determinism."""

from __future__ import annotations

import json
import re
import subprocess

import nbformat
import pytest
from _pytest.config import Config
from nbclient import NotebookClient

from book import ROOT, toc_files, toc_notebooks


def test_every_toc_entry_exists():
    for f in toc_files():
        candidates = [ROOT / f"{f}{ext}" for ext in (".ipynb", ".md")]
        assert any(p.exists() for p in candidates), f"в _toc.yml указан {f}, но такого файла нет"


def test_chapters_are_notebooks_in_chapters_folder():
    notebooks = toc_notebooks()
    assert notebooks, "в _toc.yml нет ни одного блокнота"
    for nb in notebooks:
        assert nb.parent == ROOT / "chapters", f"{nb} лежит не в chapters/, nbval его не найдёт"


def test_every_toc_notebook_is_collected_by_nbval(request):
    config = request.config
    if config.args_source != Config.ArgsSource.TESTPATHS:
        pytest.skip("запущена часть тестов: проверка сбора блокнотов идёт при полном запуске (make test)")
    collected = getattr(config, "_collected_notebooks", set())
    missing = [str(nb.relative_to(ROOT)) for nb in toc_notebooks() if nb.resolve() not in collected]
    assert not missing, f"nbval не собрал блокноты из _toc.yml: {missing}"


def test_committed_notebooks_carry_no_outputs():
    files = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()
    files = sorted(set(files) | {str(p.relative_to(ROOT)) for p in (ROOT / "chapters").glob("*.ipynb")})
    dirty = []
    for f in files:
        nb = json.loads((ROOT / f).read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
                dirty.append(f)
                break
    assert not dirty, f"блокноты с сохранёнными выходами (очистите их, например nbstripout): {dirty}"


_ADDRESS = re.compile(r"0x[0-9a-f]+")


def _text_outputs(path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                texts.append(out["text"])
            elif "data" in out and "text/plain" in out["data"]:
                texts.append(_ADDRESS.sub("0x…", out["data"]["text/plain"]))
    return texts


@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.name)
def test_notebook_prints_the_same_numbers_twice(path):
    first, second = _text_outputs(path), _text_outputs(path)
    assert first, f"{path.name} ничего не напечатал — нечего сравнивать"
    assert first == second, f"{path.name}: два запуска напечатали разное"
