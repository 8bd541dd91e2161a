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
