"""Dropout — «прореживание» нейронов при обучении (глава 7).

В режиме обучения каждый элемент входа обнуляется с вероятностью p, а сохранённые
умножаются на 1/(1 − p) («inverted dropout»), поэтому математическое ожидание выхода
равно входу. В режиме применения (``model.eval()``) слой ничего не меняет.
"""

from __future__ import annotations

import numbers

from ._validate import as_float_array, as_generator
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """Dropout(p): выход x · m / (1 − p), где m_i ~ Bernoulli(1 − p) независимо; в eval выход равен x.

    Параметры:
        p: вероятность обнулить элемент, 0 ≤ p < 1 (гиперпараметр; 0.1 — лишь пример);
        rng: зерно, ``np.random.Generator`` или None — общий генератор ``lib``, который берётся
        в момент прямого прохода, поэтому ``lib.manual_seed(s)`` действует и на уже созданный
        слой (как ``torch.manual_seed``).

    Маска своя у каждого элемента входа: у батча (n, H) — у каждого объекта своя, то есть
    каждый объект батча проходит через свою «прореженную» сеть.

    Обратный проход использует ту же маску: ∂L/∂x = ∂L/∂(выход) · m / (1 − p).
    Маска последнего прямого прохода хранится в ``.mask`` (уже умноженная на 1/(1 − p)).
    """

    def __init__(self, p: float = 0.5, rng=None):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not (0.0 <= p < 1.0):
            raise ValueError(f"Dropout: ожидалась вероятность p из [0, 1), получено p = {p!r}")
        self.p = float(p)
        self._rng = None if rng is None else as_generator(rng)
        self.mask = None

    @property
    def rng(self):
        """Генератор масок: заданный при создании или текущий общий генератор ``lib``."""
        return as_generator(None) if self._rng is None else self._rng

    @rng.setter
    def rng(self, value) -> None:
        self._rng = None if value is None else as_generator(value)

    def forward(self, x):
        x = as_float_array(x, "x")
        if not self.training or self.p == 0.0:
            self.mask = None
            return x
        keep = self.rng.random(x.shape) >= self.p
        self.mask = keep / (1.0 - self.p)
        return x * self.mask

    def _backward(self, grad_output):
        if self.mask is None:
            return grad_output
        return grad_output * self.mask

    def extra_repr(self) -> str:
        return f"p={self.p}"
