"""Оптимизаторы (глава 3). ``SGD`` повторяет ``torch.optim.SGD`` (без dampening и nesterov).

Шаг градиентного спуска: θ_t = θ_{t−1} − η g_t, где g_t = ∇L(θ_{t−1}) — градиент, накопленный
в ``.grad`` (на батче B_t — это ∇L_{B_t}(θ_{t−1})).
С L2-регуляризацией (weight decay) γ: g_t ← g_t + γ θ_{t−1}, как ``weight_decay`` в PyTorch.
С импульсом β: v_t = β v_{t−1} + g_t (на первом шаге v_1 = g_1), θ_t = θ_{t−1} − η v_t.
"""

from __future__ import annotations

import numbers

import numpy as np

from .module import Parameter

__all__ = ["SGD"]


def _as_param_list(params) -> list:
    """The list of parameters, or a Russian TypeError for the usual slips."""
    from .module import Module

    if isinstance(params, Module):
        raise TypeError(
            f"SGD: передана сама модель {type(params).__name__}, а нужны её параметры: "
            "SGD(model.parameters(), lr=...)"
        )
    if callable(params) and getattr(params, "__name__", "") == "parameters":
        raise TypeError(
            "SGD: передан метод model.parameters без скобок; вызовите его: SGD(model.parameters(), lr=...)"
        )
    if isinstance(params, Parameter):
        return [params]
    try:
        return list(params)
    except TypeError:
        raise TypeError(
            f"SGD: ожидался список параметров (model.parameters()), получен {type(params).__name__}"
        ) from None


class SGD:
    """Стохастический градиентный спуск.

    Параметры:
        params: параметры модели (``model.parameters()``);
        lr: скорость обучения η > 0;
        momentum: коэффициент импульса β ≥ 0 (0 — обычный спуск);
        weight_decay: коэффициент L2-регуляризации γ ≥ 0 (0 — без неё); применяется ко всем
        переданным параметрам, поэтому, чтобы не штрафовать смещения, передайте только веса.
    """

    def __init__(self, params, lr: float, momentum: float = 0.0, weight_decay: float = 0.0):
        self.params = _as_param_list(params)
        if not self.params:
            raise ValueError("SGD: список параметров пуст — передайте model.parameters()")
        for i, p in enumerate(self.params):
            if not isinstance(p, Parameter):
                raise ValueError(
                    f"SGD: элемент {i} списка параметров должен быть Parameter, получен {type(p).__name__}"
                )
        for name, value, low in (("lr", lr, "> 0"), ("momentum", momentum, "≥ 0"),
                                 ("weight_decay", weight_decay, "≥ 0")):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
                raise ValueError(f"SGD: {name} должен быть числом {low}, получено {value!r}")
        if lr <= 0:
            raise ValueError(f"SGD: скорость обучения lr должна быть > 0, получено {lr}")
        if momentum < 0:
            raise ValueError(f"SGD: momentum должен быть ≥ 0, получено {momentum}")
        if weight_decay < 0:
            raise ValueError(f"SGD: weight_decay должен быть ≥ 0, получено {weight_decay}")
        seen = {}
        for i, p in enumerate(self.params):
            if id(p) in seen:
                raise ValueError(
                    f"SGD: параметр {p} передан дважды (элементы {seen[id(p)]} и {i}): "
                    "его шаг сделался бы два раза. Передайте каждый параметр один раз: model.parameters()"
                )
            seen[id(p)] = i
        self.lr = float(lr)
        self.momentum = float(momentum)
        self.weight_decay = float(weight_decay)
        self._velocity = [None] * len(self.params)

    def zero_grad(self) -> None:
        """Обнуляет градиенты всех параметров (перед каждым обратным проходом)."""
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        """Один шаг оптимизации по накопленным в ``.grad`` градиентам."""
        for i, p in enumerate(self.params):
            g = p.grad
            if not isinstance(g, np.ndarray) or g.shape != p.data.shape:
                raise ValueError(
                    f"SGD.step: градиент параметра {i} должен иметь форму параметра {p.data.shape}, "
                    f"получена форма {np.shape(g)}: шаг с такой формой молча растянулся бы (broadcasting)"
                )
            if not np.isfinite(g).all():
                raise ValueError(
                    f"SGD.step: градиент параметра {i} {p} содержит NaN/inf — шаг испортил бы веса. "
                    "Обычно это значит, что обучение разошлось: уменьшите lr"
                )
            if self.weight_decay:
                g = g + self.weight_decay * p.data
            if self.momentum:
                v = self._velocity[i]
                v = g.copy() if v is None else self.momentum * v + g
                self._velocity[i] = v
                g = v
            p.data -= self.lr * g

    def __repr__(self) -> str:
        wd = f", weight_decay={self.weight_decay}" if self.weight_decay else ""
        return f"SGD(lr={self.lr}, momentum={self.momentum}{wd}, параметров: {len(self.params)})"
