"""Project-wide pytest hooks.

* Start with the two longest files: the book's build and browser tests, and the live JupyterLab.
* The second execution of every notebook (the first is the book's, ``tools/execute_book.py``):
  in a full run (``make test``) with Chromium and Playwright at hand it is JupyterLab's, in
  ``tests/test_live_lab.py``, which compares what the cells printed with the book's execution;
  nbval then does not execute the notebooks a third time. Otherwise (no browser, a part of the
  tests selected with -k/-m, a notebook named on the command line, or ``COURSE_NBVAL=1``) nbval
  executes them. ``tests/test_book.py`` checks that one of the two covers every notebook of
  ``_toc.yml``.
* Under nbval, after the last cell of every notebook, one more item of that notebook,
  ``…ipynb::prints the same as the build``, compares what nbval's execution printed with what the
  build's execution printed (the outputs stored in ``_build/.jupyter_cache`` by
  ``tools/execute_book.py``, which ``make test`` runs first). Two executions of a notebook must print
  the same numbers. When the cache holds no execution of the notebook's current code (pytest run
  without ``make test``), the item runs ``tools/execute_book.py`` itself; the book build then
  reuses that execution.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest
from _pytest.config import Config

ROOT = Path(__file__).resolve().parent


def _helpers():
    for folder in ("tests", "tools"):
        if str(ROOT / folder) not in sys.path:
            sys.path.insert(0, str(ROOT / folder))
    import book
    import execute_book

    return book, execute_book


class PrintsTheSameAsTheBuild(pytest.Item):
    """Compares nbval's execution of a notebook (the cells of ``cells``) with the build's."""

    def __init__(self, *, cells, **kwargs):
        super().__init__(**kwargs)
        self.cells = cells

    def runtest(self):
        book, _ = _helpers()
        path = Path(str(self.parent.fspath))
        not_run = [c.name for c in self.cells if getattr(c, "test_outputs", None) is None]
        if not_run:
            raise AssertionError(f"{path.name}: nbval не выполнил ячейки {not_run}, сравнивать нечего")
        book.assert_prints_as_the_build(path, [(c.cell.source, c.test_outputs) for c in self.cells], "nbval")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, AssertionError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.name}: {Path(str(self.parent.fspath)).name}"


def _lab_executes_notebooks(config) -> bool:
    """Whether ``tests/test_live_lab.py`` runs every notebook in JupyterLab in this session."""
    if not hasattr(config, "_lab_executes"):
        config._lab_executes = (
            config.args_source == Config.ArgsSource.TESTPATHS        # the whole suite, as `make test`
            and not config.getoption("keyword") and not config.getoption("markexpr")
            and os.environ.get("COURSE_NBVAL") != "1"
            and bool(shutil.which("chromium") or shutil.which("chromium-browser"))
            and importlib.util.find_spec("playwright") is not None)
    return config._lab_executes


def pytest_ignore_collect(collection_path, config):
    # nbval leaves the chapters to JupyterLab when JupyterLab runs them (None: pytest decides)
    if collection_path.suffix == ".ipynb" and collection_path.parent == ROOT / "chapters" \
            and _lab_executes_notebooks(config):
        return True
    return None


def pytest_collection_modifyitems(session, config, items):
    # the two longest files start first, one on each pytest-xdist worker: the book's build and
    # browser tests, and JupyterLab running every chapter; the rest fills in behind them
    first = ("tests/test_built_book.py", "tests/test_live_lab.py")
    items.sort(key=lambda item: next((i for i, f in enumerate(first) if item.nodeid.startswith(f)), len(first)))
    notebooks = [item for item in items if str(item.fspath).endswith(".ipynb")]
    config._collected_notebooks = {Path(str(item.fspath)).resolve() for item in notebooks}
    config._lab_notebooks = {Path(item.callspec.params["path"]).resolve() for item in items
                             if item.nodeid.startswith("tests/test_live_lab.py::test_chapter_runs")}
    # the comparison goes right after the notebook's last cell (the same file: the same xdist worker
    # under --dist loadfile, after the cells)
    by_file = {}
    for item in notebooks:
        by_file.setdefault(item.parent, []).append(item)
    for parent, cells in by_file.items():
        check = PrintsTheSameAsTheBuild.from_parent(parent, name="prints the same as the build", cells=cells)
        items.insert(items.index(cells[-1]) + 1, check)
