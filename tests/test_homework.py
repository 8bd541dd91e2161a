"""Every auto-checked task: accepts its reference, names each typical mistake, tolerates the stub."""

from __future__ import annotations

import pytest
from book import notebook_calls, toc_notebooks

from lib.homework import TASKS, check, load_all

load_all()


def _stub(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize("key", sorted(TASKS))
def test_reference_is_accepted(key, capsys):
    verdict = check(key, TASKS[key].reference)
    assert verdict.status == "ok"
    assert "✅ Верно" in capsys.readouterr().out


@pytest.mark.parametrize("key", sorted(TASKS))
def test_untouched_stub_says_not_done_without_raising(key, capsys):
    verdict = check(key, _stub)
    assert verdict.status == "todo"
    assert "ещё не выполнено" in capsys.readouterr().out


@pytest.mark.parametrize("key", sorted(TASKS))
def test_each_typical_mistake_gets_its_own_hint(key, capsys):
    task = TASKS[key]
    assert len(task.mistakes) >= 2, f"{key}: нужно хотя бы две типичные ошибки"
    for mistake in task.mistakes:
        verdict = check(key, mistake.fn)
        assert verdict.status == "mistake", (key, mistake.hint, verdict.message)
        assert verdict.hint == mistake.hint, f"{key}: ошибка «{mistake.hint}» опознана как «{verdict.hint}»"
        assert mistake.hint in capsys.readouterr().out


@pytest.mark.parametrize("key", sorted(TASKS))
def test_forgotten_return_is_named(key):
    verdict = check(key, lambda *args: None)
    assert not verdict.ok
    assert "None" in verdict.message


def test_every_task_is_used_in_a_chapter():
    used = {k for path in toc_notebooks() for k in notebook_calls(path, "check")}
    unused = set(TASKS) - used
    assert not unused, f"задания зарегистрированы, но не используются в главах: {sorted(unused)}"
    unknown = used - set(TASKS)
    assert not unknown, f"главы проверяют незарегистрированные задания: {sorted(unknown)}"


@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.stem)
def test_no_notebook_cell_gives_a_solution_away(path):
    """The chapters hold only the stubs and their check() calls; reference solutions live in lib/homework
    and tests. A check() of anything but an untouched stub (e.g. in a hidden cell) would print «✅ Верно»
    right under the student's stub in JupyterLab."""
    import json

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for i, cell in enumerate(cells):
        src = "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        assert "TASKS" not in src and ".reference" not in src, f"{path.name}, ячейка {i}: обращение к эталону"
        if "check(" in src:
            assert "NotImplementedError" in src, f"{path.name}, ячейка {i}: check() не заготовки, а готового решения"
