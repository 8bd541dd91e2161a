"""Слои сети: полносвязный слой ``Linear``, активации-модули и ``Sequential`` (главы 1, 4, 5).

Обозначения курса: объект — строка x ∈ R^d, батч — матрица X ∈ R^{n×d},
слой из H нейронов — z = xW + b, где W ∈ R^{d×H} (столбец h — веса нейрона h), b ∈ R^H.
"""

from __future__ import annotations

import numpy as np

from . import activations as A
from ._validate import as_float_array, as_generator, check_finite, check_positive_int
from .module import Module, Parameter, check_no_reuse

__all__ = ["Linear", "Sigmoid", "Tanh", "ReLU", "Sequential"]


class Linear(Module):
    """Полносвязный слой z = xW + b.

    Параметры:
        in_features: d — число входов (признаков);
        out_features: H — число нейронов слоя;
        rng: зерно (int), ``np.random.Generator`` или None (общий генератор ``lib``).

    Атрибуты:
        W: Parameter формы (d, H) — как в формулах курса; столбец h — веса нейрона h;
        b: Parameter формы (H,) — свободные члены нейронов.

    В PyTorch ``nn.Linear.weight`` хранится транспонированным: форма (H, d).

    Начальные значения, как в PyTorch: равномерно на [−1/√d, 1/√d].

    Формы: вход X (n, d) → выход Z = XW + b (n, H).
    Обратный проход: ∂L/∂W = Xᵀ δ (d, H), ∂L/∂b = Σ_i δ_i (H,), ∂L/∂X = δ Wᵀ (n, d),
    где δ = ∂L/∂Z (n, H) — ошибка слоя.
    """

    def __init__(self, in_features: int, out_features: int, rng=None):
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features")
        self.out_features = check_positive_int(out_features, "out_features")
        gen = as_generator(rng)
        bound = 1.0 / np.sqrt(self.in_features)
        self.W = Parameter(gen.uniform(-bound, bound, size=(self.in_features, self.out_features)))
        self.b = Parameter(gen.uniform(-bound, bound, size=self.out_features))
        self._x = None

    def forward(self, x):
        x = as_float_array(x, "x")
        if x.ndim != 2 or x.shape[1] != self.in_features:
            hint = ""
            if x.ndim == 1 and x.shape[0] == self.in_features:
                hint = " Один объект запишите строкой: x.reshape(1, -1)."
            elif x.ndim == 2 and x.shape[0] == self.in_features:
                hint = " Похоже, матрица транспонирована: объекты должны быть строками."
            raise ValueError(
                f"Linear({self.in_features}, {self.out_features}): ожидался вход формы "
                f"(n, {self.in_features}), получен массив формы {x.shape}.{hint}"
            )
        self._x = x if self._input_checked else check_finite(x, "x")
        with np.errstate(over="ignore", invalid="ignore"):   # overflow is reported by Module.__call__
            return x @ self.W.data + self.b.data

    def _backward(self, grad_output):
        self.W.grad += self._x.T @ grad_output
        self.b.grad += grad_output.sum(axis=0)
        return grad_output @ self.W.data.T

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}"


class Sigmoid(Module):
    """Поэлементная сигмоида: a = σ(z); обратный проход: ∂L/∂z = ∂L/∂a · σ(z)(1 − σ(z))."""

    _keeps_finite = True           # bounded or max(0, z): finite in, finite out

    def forward(self, x):
        self._y = A.sigmoid(x)
        return self._y

    def _backward(self, grad_output):
        return grad_output * self._y * (1.0 - self._y)


class Tanh(Module):
    """Поэлементный tanh: a = tanh(z); обратный проход: ∂L/∂z = ∂L/∂a · (1 − a²)."""

    _keeps_finite = True           # bounded or max(0, z): finite in, finite out

    def forward(self, x):
        self._y = A.tanh(x)
        return self._y

    def _backward(self, grad_output):
        return grad_output * (1.0 - self._y * self._y)


class ReLU(Module):
    """Поэлементный ReLU: a = max(0, z); обратный проход: ∂L/∂z = ∂L/∂a · 1[z > 0].

    NaN на входе не превращается в 0 (``np.maximum`` его сохраняет, как PyTorch), поэтому
    проверка выхода модуля его замечает.
    """

    _keeps_finite = True           # bounded or max(0, z): finite in, finite out

    def forward(self, x):
        x = as_float_array(x, "x")
        self._mask = x > 0
        return np.maximum(x, 0.0)

    def _backward(self, grad_output):
        return grad_output * self._mask


class Sequential(Module):
    """Цепочка модулей: прямой проход по порядку, обратный — в обратном порядке.

    ``Sequential(Linear(2, 8), ReLU(), Linear(8, 1))``; поддерживает ``len``, индексацию
    и перебор. Имена параметров — как в PyTorch: '0.W', '0.b', '2.W', ...
    """

    _check_output = False          # every layer checks its own output (Module.__call__)
    _check_grad = False            # ... and the gradient that comes into it (Module.backward)

    def __init__(self, *modules):
        super().__init__()
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise ValueError(
                    f"Sequential: элемент {i} должен быть модулем lib (Linear, ReLU, ...), "
                    f"получен {type(m).__name__}"
                )
        self.layers = list(modules)
        check_no_reuse(self)

    def forward(self, x):
        for i, m in enumerate(self.layers):
            # a layer's input after the first is the previous layer's output, which that layer's
            # __call__ has just checked for NaN/inf: Linear need not check it a second time
            m._input_checked = i > 0 and self.layers[i - 1]._check_output
            try:
                x = m(x)
            except ValueError as exc:
                if str(exc).startswith("Sequential"):
                    raise
                raise ValueError(f"Sequential, слой {i} ({type(m).__name__}): {exc}") from exc
            finally:
                m._input_checked = False      # called on its own later, the layer checks again
        return x

    def _backward(self, grad_output):
        after = None                              # the layer whose gradient flows into m
        for m in reversed(self.layers):
            # ReLU/σ/tanh checked the gradient that came into them and multiplied it by a factor
            # in [0, 1]: what they pass on is finite
            m._grad_checked = after is not None and after._keeps_finite and after._check_grad
            try:
                grad_output = m.backward(grad_output)
            finally:
                m._grad_checked = False
            after = m
        return grad_output

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        return self.layers[index]

    def __iter__(self):
        return iter(self.layers)
