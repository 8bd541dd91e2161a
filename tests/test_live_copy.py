"""`make live`'s personal copy: made once, never overwritten; `make fresh` keeps the old copy aside."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import live  # noqa: E402


def test_copy_makes_every_chapter_once_and_never_overwrites(tmp_path):
    made = live.copy(tmp_path)
    assert {p.name for p in made} == {nb.name for nb in live.chapter_notebooks()}
    mine = tmp_path / made[0].name
    mine.write_text("моя работа")
    assert live.copy(tmp_path) == []
    assert mine.read_text() == "моя работа"


def test_fresh_keeps_the_old_copy_aside(tmp_path):
    live.copy(tmp_path)
    target = tmp_path / "01_neuron.ipynb"
    target.write_text("моя работа")
    live.fresh(tmp_path, "01")
    assert json.loads(target.read_text())["cells"]
    aside = list(tmp_path.glob("01_neuron-old-*.ipynb"))
    assert len(aside) == 1 and aside[0].read_text() == "моя работа"


def test_fresh_names_the_chapters_when_one_is_unknown(tmp_path):
    with pytest.raises(SystemExit, match="Нет такой главы «99».*01_neuron"):
        live.fresh(tmp_path, "99")


def test_settings_turn_on_saved_widget_state(tmp_path):
    path = live.settings(tmp_path)
    assert json.loads(path.read_text())["@jupyter-widgets/jupyterlab-manager:plugin"]["saveState"] is True


def test_make_live_passes_allow_root_only_as_root():
    text = (ROOT / "Makefile").read_text()
    assert "$(if $(filter 0,$(shell id -u)),--allow-root,)" in text
    assert "my-chapters/" in (ROOT / ".gitignore").read_text()
