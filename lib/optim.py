"""Оптимизаторы (глава 3). ``SGD`` повторяет ``torch.optim.SGD`` (без dampening и nesterov).

Шаг градиентного спуска: θ_t = θ_{t−1} − η ∇L(θ_{t−1}).
С моментом μ: v_t = μ v_{t−1} + ∇L(θ_{t−1}) (на первом шаге v_1 = ∇L(θ_0)), θ_t = θ_{t−1} − η v_t.
"""

from __future__ import annotations

import numbers

import numpy as np

from .module import Parameter

__all__ = ["SGD"]


class SGD:
    """Стохастический градиентный спуск.

    Параметры:
        params: параметры модели (``model.parameters()``);
        lr: скорость обучения η > 0;
        momentum: коэффициент момента μ ≥ 0 (0 — обычный спуск).
    """

    def __init__(self, params, lr: float, momentum: float = 0.0):
        self.params = list(params)
        if not self.params:
            raise ValueError("SGD: список параметров пуст — передайте model.parameters()")
        for i, p in enumerate(self.params):
            if not isinstance(p, Parameter):
                raise ValueError(
                    f"SGD: элемент {i} списка параметров должен быть Parameter, получен {type(p).__name__}"
                )
        for name, value, low in (("lr", lr, "> 0"), ("momentum", momentum, "≥ 0")):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
                raise ValueError(f"SGD: {name} должен быть числом {low}, получено {value!r}")
        if lr <= 0:
            raise ValueError(f"SGD: скорость обучения lr должна быть > 0, получено {lr}")
        if momentum < 0:
            raise ValueError(f"SGD: momentum должен быть ≥ 0, получено {momentum}")
        self.lr = float(lr)
        self.momentum = float(momentum)
        self._velocity = [None] * len(self.params)

    def zero_grad(self) -> None:
        """Обнуляет градиенты всех параметров (перед каждым обратным проходом)."""
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        """Один шаг оптимизации по накопленным в ``.grad`` градиентам."""
        for i, p in enumerate(self.params):
            g = p.grad
            if self.momentum:
                v = self._velocity[i]
                v = g.copy() if v is None else self.momentum * v + g
                self._velocity[i] = v
                g = v
            p.data -= self.lr * g

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr}, momentum={self.momentum}, параметров: {len(self.params)})"
