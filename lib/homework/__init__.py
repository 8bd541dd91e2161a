"""Автопроверка домашних заданий.

Задание (``Task``) — эталонное решение, набор входов и список типичных ошибок, каждая со
своей подсказкой. Проверка ``check(ключ, функция_студента)`` вызывает функцию на всех
входах и сравнивает результат:

* совпал с эталоном на всех входах — «✅ Верно»;
* функция ещё заглушка (``NotImplementedError``) — «⏳ Задание ещё не выполнено», без исключения;
* совпал с одной из типичных ошибок — «❌» и подсказка, что именно, скорее всего, не так;
* иначе — «❌» с первым входом, на котором ответ разошёлся, ожидаемым и полученным.

Вычисления идут с ``np.errstate(over="raise", invalid="raise", divide="raise")``: переполнение
экспоненты — тоже ошибка, а не молчаливый inf. Задания глав лежат в модулях этого пакета.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Mistake", "Task", "Verdict", "register_task", "check", "TASKS", "load_all"]


@dataclass(frozen=True)
class Mistake:
    """Типичная ошибка: неправильная реализация ``fn`` и подсказка ``hint`` (по-русски)."""

    fn: Callable
    hint: str


@dataclass
class Task:
    """Задание с автопроверкой.

    key: ключ «chNN.имя»; func_name: имя функции, которую пишет студент;
    reference: эталон; cases: список кортежей аргументов;
    mistakes: типичные ошибки; call: как вызвать функцию на входе (по умолчанию ``fn(*args)``);
    rtol, atol: допуски сравнения.
    """

    key: str
    func_name: str
    reference: Callable
    cases: list
    mistakes: list = field(default_factory=list)
    call: Callable | None = None
    rtol: float = 1e-7
    atol: float = 1e-9


@dataclass
class Verdict:
    """Итог проверки: ``status`` ∈ {'ok', 'todo', 'mistake', 'wrong', 'error'} и сообщение."""

    status: str
    message: str
    hint: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"Verdict({self.status!r})"

    def _ipython_display_(self):
        """The message is already printed by ``check``: show nothing more in a notebook."""


TASKS: dict[str, Task] = {}


def register_task(task: Task) -> Task:
    TASKS[task.key] = task
    return task


def load_all() -> dict:
    """Импортирует все модули пакета (их задания регистрируются) и возвращает реестр."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__, prefix=__name__ + "."):
        importlib.import_module(info.name)
    return TASKS


class _Raised:
    """Outcome of a call that raised: remembers the exception type and text."""

    def __init__(self, exc: BaseException):
        self.type = type(exc)
        self.text = f"{type(exc).__name__}: {exc}"


def _outcome(task: Task, fn, args):
    args = copy.deepcopy(args)
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            if task.call is not None:
                return task.call(fn, *args)
            return fn(*args)
    except NotImplementedError:
        raise
    except Exception as exc:  # the student's code may raise anything: report it
        return _Raised(exc)


def _same(a, b, task: Task) -> bool:
    if isinstance(a, _Raised) or isinstance(b, _Raised):
        return isinstance(a, _Raised) and isinstance(b, _Raised) and a.type is b.type
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and all(_same(x, y, task) for x, y in zip(a, b)))
    if a is None or b is None:
        return a is None and b is None
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=task.rtol, atol=task.atol))


def _short(x) -> str:
    if isinstance(x, _Raised):
        return f"исключение {x.text}"
    if isinstance(x, tuple):
        return "(" + ", ".join(_short(v) for v in x) + ")"
    if x is None:
        return "None"
    arr = np.asarray(x)
    text = np.array2string(arr, precision=4, threshold=12, edgeitems=2)
    return f"{text} (форма {arr.shape})" if arr.ndim else text


def _difference(expected, got) -> str:
    if got is None:
        return "функция вернула None — не забыли return?"
    if isinstance(got, _Raised):
        return f"функция упала: {got.text}"
    try:
        e, g = np.asarray(expected, float), np.asarray(got, float)
    except (TypeError, ValueError):
        return f"ожидалось {_short(expected)}, получено {_short(got)}"
    if e.shape != g.shape:
        return f"неверная форма результата: ожидалась {e.shape}, получена {g.shape}"
    return f"ожидалось {_short(expected)}, получено {_short(got)}"


def check(key: str, fn) -> Verdict:
    """Проверяет функцию студента ``fn`` по заданию ``key``, печатает и возвращает вердикт."""
    if key not in TASKS:
        load_all()
    if key not in TASKS:
        raise ValueError(f"нет задания «{key}»; есть: {', '.join(sorted(TASKS))}")
    task = TASKS[key]
    verdict = _judge(task, fn)
    print(verdict.message)
    return verdict


def _judge(task: Task, fn) -> Verdict:
    if not callable(fn):
        return Verdict("error", f"❌ Ожидалась функция {task.func_name}, передан {type(fn).__name__}.")
    try:
        got = [_outcome(task, fn, args) for args in task.cases]
    except NotImplementedError:
        return Verdict("todo", f"⏳ Задание ещё не выполнено: допишите {task.func_name} "
                               "(сейчас там заглушка NotImplementedError) и запустите ячейку снова.")
    expected = [_outcome(task, task.reference, args) for args in task.cases]
    if all(_same(g, e, task) for g, e in zip(got, expected)):
        return Verdict("ok", f"✅ Верно: {task.func_name} совпадает с эталоном на всех "
                             f"{len(task.cases)} проверочных входах.")
    for mistake in task.mistakes:
        wrong = [_outcome(task, mistake.fn, args) for args in task.cases]
        if all(_same(g, w, task) for g, w in zip(got, wrong)):
            return Verdict("mistake", f"❌ Пока неверно. Похоже, {mistake.hint}", hint=mistake.hint)
    i = next(i for i, (g, e) in enumerate(zip(got, expected)) if not _same(g, e, task))
    status = "error" if isinstance(got[i], _Raised) else "wrong"
    text = f"❌ Пока неверно на проверочном входе №{i + 1}: {_difference(expected[i], got[i])}"
    return Verdict(status, text if text.endswith("?") else text + ".")
