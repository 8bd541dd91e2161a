"""The Colab set-up cell: the same in every chapter, built from _config.yml, a no-op outside Colab."""

from __future__ import annotations

import sys
import types
from unittest import mock

import pytest
from book import ROOT, code_cells, toc_notebooks
from IPython.core.inputtransformer2 import TransformerManager

sys.path.insert(0, str(ROOT / "tools"))
import colab_cell  # noqa: E402


@pytest.mark.parametrize("path", [p for p in toc_notebooks() if code_cells(p)], ids=lambda p: p.name)
def test_first_cell_is_the_colab_cell_from_config(path):
    assert code_cells(path)[0] == colab_cell.colab_cell_source(), (
        f"{path.name}: первая ячейка не совпадает с шаблоном; запустите python tools/colab_cell.py"
    )


def _run_cell(modules: dict) -> mock.Mock:
    code = TransformerManager().transform_cell(colab_cell.colab_cell_source())
    shell = mock.Mock()
    with mock.patch.dict(sys.modules, modules):
        exec(compile(code, "<colab-cell>", "exec"), {"get_ipython": lambda: shell})
    return shell


def test_cell_does_nothing_outside_colab():
    with mock.patch.dict(sys.modules):
        sys.modules.pop("google.colab", None)
        shell = _run_cell({})
    assert not shell.run_line_magic.called


def test_cell_installs_the_course_from_the_configured_repository_in_colab():
    shell = _run_cell({"google": types.ModuleType("google"), "google.colab": types.ModuleType("google.colab")})
    shell.run_line_magic.assert_called_once()
    magic, line = shell.run_line_magic.call_args[0]
    assert magic == "pip"
    assert f"git+{colab_cell.repository_url()}" in line
    assert colab_cell.repository_url().startswith("https://github.com/")
