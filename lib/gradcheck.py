"""Проверка градиентов конечными разностями (глава 4).

Центральная разность: ∂f/∂x_i ≈ (f(x + ε e_i) − f(x − ε e_i)) / (2ε), ошибка O(ε²)
плюс ошибка округления порядка (машинное ε)·|f|/ε.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import as_float_array, as_generator

__all__ = ["numerical_gradient", "relative_error", "check_module", "GradCheckResult"]


def numerical_gradient(f, x, eps: float = 1e-6) -> np.ndarray:
    """Градиент скалярной функции ``f`` в точке ``x`` центральными разностями.

    f: функция массива формы x.shape → число; x: точка (не изменяется); eps: шаг ε.
    Возвращает массив формы x.shape.
    """
    x = np.array(as_float_array(x, "x"), dtype=np.float64)
    if not eps > 0:
        raise ValueError(f"numerical_gradient: шаг eps должен быть > 0, получено {eps}")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = _scalar(f(x))
        flat[i] = old - eps
        f_minus = _scalar(f(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _scalar(value) -> float:
    """f(x) as a float, or a Russian error for a vector-valued or non-finite f."""
    arr = np.asarray(value)
    if arr.size != 1 or arr.dtype.kind not in "biuf":
        raise ValueError(
            "numerical_gradient: функция f должна возвращать одно число (скаляр), получен "
            f"массив формы {arr.shape}. Для векторной функции проверяйте, например, np.sum(f(x) * R)"
        )
    out = float(arr.reshape(()))
    if not np.isfinite(out):
        raise ValueError(f"numerical_gradient: f(x) = {out} — не конечное число")
    return out


def relative_error(analytic, numeric) -> float:
    """max|a − n| / max(max|a|, max|n|) — относительная ошибка в равномерной норме (0 для двух нулей).

    NaN или inf в любом из массивов — ошибка: такое сравнение ничего не доказывает.
    """
    a, n = np.asarray(analytic, float), np.asarray(numeric, float)
    if a.shape != n.shape:
        raise ValueError(f"relative_error: формы не совпадают: {a.shape} и {n.shape}")
    for name, arr in (("analytic", a), ("numeric", n)):
        if not np.isfinite(arr).all():
            raise ValueError(f"relative_error: {name} содержит NaN/inf — градиент не вычислен правильно")
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(n), initial=0.0))
    if scale == 0.0:
        return 0.0
    return float(np.max(np.abs(a - n)) / scale)


@dataclass
class GradCheckResult:
    """Итог проверки: наибольшая относительная ошибка и ошибка по каждому градиенту."""

    max_error: float
    errors: dict = field(default_factory=dict)

    def __str__(self) -> str:
        rows = ", ".join(f"{k}: {v:.2e}" for k, v in self.errors.items())
        return f"наибольшая относительная ошибка {self.max_error:.2e} ({rows})"


def check_module(module, x, eps: float = 1e-6, rng=0) -> GradCheckResult:
    """Сравнивает ``module.backward`` с конечными разностями по входу и по всем параметрам.

    Потеря для проверки — L = Σ (выход ⊙ R) со случайной фиксированной матрицей R, поэтому
    ∂L/∂(выход) = R. Модуль со случайностью (Dropout в режиме обучения) проверяйте в eval
    или с фиксированной маской.
    """
    x = np.array(as_float_array(x, "x"), dtype=np.float64)
    out = module(x)
    R = as_generator(rng).standard_normal(np.shape(out))

    def loss_of_input(xx):
        return np.sum(module(xx) * R)

    module.zero_grad()
    module(x)
    grad_x = module.backward(R)
    errors = {"x": relative_error(grad_x, numerical_gradient(loss_of_input, x, eps))}
    analytic = {name: p.grad.copy() for name, p in module.named_parameters()}
    for name, p in module.named_parameters():

        def loss_of_param(values, p=p):
            saved = p.data
            p.data = values
            try:
                return np.sum(module(x) * R)
            finally:
                p.data = saved

        errors[name] = relative_error(analytic[name], numerical_gradient(loss_of_param, p.data, eps))
    return GradCheckResult(max(errors.values()), errors)
