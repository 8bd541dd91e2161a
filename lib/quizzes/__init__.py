"""Вопросы для самопроверки по главам: ``ask("ch01.bias")`` показывает вопрос в ячейке.

Вопросы каждой главы лежат в модуле этого пакета с именем темы главы (``neuron``, ``descent``…)
и регистрируются при импорте. Числа в ответах вычисляются через ``lib``, а не переписываются.
"""

from __future__ import annotations

from ..quiz import Multiple, Numeric, Single, show

__all__ = ["QUESTIONS", "register", "ask", "load_all"]

QUESTIONS: dict = {}


def register(*questions) -> None:
    """Регистрирует вопросы главы (ключи не должны повторяться)."""
    for q in questions:
        if not isinstance(q, (Single, Multiple, Numeric)):
            raise TypeError(f"ожидался вопрос Single, Multiple или Numeric, получен {type(q).__name__}")
        if q.key in QUESTIONS and QUESTIONS[q.key] is not q:
            raise ValueError(f"вопрос с ключом «{q.key}» уже есть")
        QUESTIONS[q.key] = q


def load_all() -> dict:
    """Импортирует все модули пакета (их вопросы регистрируются) и возвращает реестр."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__, prefix=__name__ + "."):
        importlib.import_module(info.name)
    return QUESTIONS


def ask(*keys: str):
    """Показывает вопросы с ключами ``keys`` (в книге и в JupyterLab)."""
    if not keys:
        raise ValueError("ask: укажите ключ вопроса, например ask('ch01.bias')")
    if any(k not in QUESTIONS for k in keys):
        load_all()
    missing = [k for k in keys if k not in QUESTIONS]
    if missing:
        raise ValueError(f"нет вопросов {missing}; есть: {', '.join(sorted(QUESTIONS))}")
    return show(*(QUESTIONS[k] for k in keys))
