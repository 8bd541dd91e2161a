"""Автопроверка домашних заданий.

Задание (``Task``) — эталонное решение, набор входов и список типичных ошибок, каждая со
своей подсказкой. Проверка ``check(ключ, функция_студента)`` вызывает функцию на всех
входах и сравнивает результат:

* совпал с эталоном на всех входах — «✅ Верно»;
* функция ещё заглушка (``NotImplementedError``) — «⏳ Задание ещё не выполнено», без исключения;
* совпал с одной из типичных ошибок — «❌» и подсказка, что именно, скорее всего, не так;
* функция изменила свой вход на месте — «❌» с именем аргумента;
* иначе — «❌» с первым входом, на котором ответ разошёлся, и тем, что именно отличается
  (часть ответа, тип, форма, множитель, NaN…, см. ``lib.homework.diagnosis``).

Функция получает свежую копию входа; после вызова копия сравнивается с исходным входом.

Вычисления идут с ``np.errstate(over="raise", invalid="raise", divide="raise")``: переполнение
экспоненты — тоже ошибка, а не молчаливый inf. Но вердикт выносится по значениям: у заданий на
устойчивость есть входы, где наивная формула даёт неверное число, даже если студент отключил
предупреждения. Задания глав лежат в модулях этого пакета.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .diagnosis import Raised, describe, same

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
    rtol, atol: допуски сравнения; outputs: имена возвращаемых значений, если их несколько
    (например ``("dW", "db", "dX")``) — по ним диагностика называет неверную часть;
    inputs: имена аргументов входа (по умолчанию — из ``func_name``);
    exact_cases: номера входов, где сравнение только по относительной ошибке (atol = 0):
    там верный ответ очень мал, и наивная формула выдаёт вместо него 0.
    """

    key: str
    func_name: str
    reference: Callable
    cases: list
    mistakes: list = field(default_factory=list)
    call: Callable | None = None
    rtol: float = 1e-7
    atol: float = 1e-9
    outputs: tuple = ()
    exact_cases: tuple = ()
    inputs: tuple = ()


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


def _arg_names(task: Task) -> list[str]:
    if task.inputs:
        return list(task.inputs)
    m = re.search(r"\(([^()]*)\)", task.func_name)
    return [a.strip() for a in m.group(1).split(",")] if m else []


def _changed(before, after) -> bool:
    """Has an argument been modified in place by the call?"""
    try:
        if isinstance(before, np.ndarray):
            return not (isinstance(after, np.ndarray) and before.shape == after.shape
                        and np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
        if isinstance(before, (list, dict)):
            return before != after
    except Exception:  # noqa: BLE001
        return True
    return False


def _outcome(task: Task, fn, args):
    """Calls fn on a fresh copy of the case; returns (result, index of an argument it modified or None)."""
    given = copy.deepcopy(args)
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            out = task.call(fn, *given) if task.call is not None else fn(*given)
    except NotImplementedError:
        raise
    except Exception as exc:  # the student's code may raise anything: report it
        out = Raised(exc)
    mutated = next((i for i, (a, b) in enumerate(zip(args, given)) if _changed(a, b)), None)
    return out, mutated


def check(key: str, fn) -> Verdict:
    """Проверяет функцию студента ``fn`` по заданию ``key``, печатает и возвращает вердикт.

    Никогда не бросает исключений из-за того, что делает или возвращает функция студента.
    """
    if key not in TASKS:
        load_all()
    if key not in TASKS:
        raise ValueError(f"нет задания «{key}»; есть: {', '.join(sorted(TASKS))}")
    task = TASKS[key]
    try:
        verdict = _judge(task, fn)
    except Exception as exc:  # noqa: BLE001 — a checker bug must not look like the student's one
        verdict = Verdict("error", f"❌ Проверка не смогла разобрать ответ ({type(exc).__name__}: {exc}). "
                                   "Убедитесь, что функция возвращает то, что просит задание.")
    print(verdict.message)
    return verdict


def _describe_case(args) -> str:
    parts = []
    for a in args:
        if isinstance(a, np.ndarray):
            parts.append(f"массив {a.shape}")
        elif isinstance(a, (int, float, np.number)) and not isinstance(a, bool):
            parts.append(f"{a:g}")
    return ", ".join(parts)


def _shape(x):
    return x.shape if isinstance(x, np.ndarray) else None


def _judge(task: Task, fn) -> Verdict:
    if not callable(fn):
        return Verdict("error", f"❌ Ожидалась функция {task.func_name}, передан {type(fn).__name__}.")
    try:
        runs = [_outcome(task, fn, args) for args in task.cases]
    except NotImplementedError:
        return Verdict("todo", f"⏳ Задание ещё не выполнено: допишите {task.func_name} "
                               "(сейчас там заглушка NotImplementedError) и запустите ячейку снова.")
    got = [r[0] for r in runs]
    expected = [_outcome(task, task.reference, args)[0] for args in task.cases]
    atols = [0.0 if i in task.exact_cases else task.atol for i in range(len(task.cases))]
    ok = [same(e, g, task.rtol, a) for e, g, a in zip(expected, got, atols)]
    mutated = next(((i, r[1]) for i, r in enumerate(runs) if r[1] is not None), None)
    if all(ok) and mutated is None:
        return Verdict("ok", f"✅ Верно: {task.func_name} совпадает с эталоном на всех "
                             f"{len(task.cases)} проверочных входах.")
    for mistake in task.mistakes:
        wrong = [_outcome(task, mistake.fn, args)[0] for args in task.cases]
        if all(same(w, g, task.rtol, a) for g, w, a in zip(got, wrong, atols)):
            return Verdict("mistake", f"❌ Пока неверно. Похоже, {mistake.hint}", hint=mistake.hint)
    if mutated is not None:
        names = _arg_names(task)
        i, a = mutated
        name = names[a] if a < len(names) else f"№{a + 1}"
        v = name if name.isidentifier() else "x"
        hint = (f"функция изменила свой аргумент «{name}» на месте (операции вида {v} -= …, {v} *= …, "
                f"{v}[...] = …). Вызывающий код ещё пользуется этим массивом — в сети это испортило бы "
                f"сохранённые выходы предыдущего слоя. Создавайте новый массив: {v} = {v} * …, или "
                f"работайте с копией {v}.copy().")
        return Verdict("mistake", f"❌ Пока неверно на проверочном входе №{i + 1}: {hint}", hint=hint)
    i = ok.index(False)
    status = "error" if isinstance(got[i], Raised) else "wrong"
    what = describe(expected[i], got[i], task.rtol, atols[i], task.outputs, task.cases[i])
    where = f"на проверочном входе №{i + 1} ({_describe_case(task.cases[i])})"
    if i > 0 and ok[0] and same(expected[0], got[i], task.rtol, task.atol):
        where += (": на входе №1 ответ верный, а здесь вернулся ответ входа №1 — не зашиты ли в решение "
                  "числа первого примера?")
    elif i > 0 and ok[0] and _shape(got[i]) == _shape(expected[0]) != _shape(expected[i]):
        where += (": на входе №1 ответ верный, а здесь у ответа форма ответа входа №1 — не зашита ли "
                  "в решение форма первого примера?")
    if i in task.exact_cases:
        where += (" [здесь верные значения крошечные, но представимые в float64, и сравнение идёт по "
                  "относительной ошибке: наивная формула обнуляет их, когда экспонента переполняется]")
    text = f"❌ Пока неверно {where}: {what}"
    return Verdict(status, text if text.endswith(("?", ".", ")")) else text + ".")
