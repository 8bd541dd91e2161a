"""Функции активации и их производные (глава 5; сигмоида — глава 1).

Все функции принимают массив любой формы ``z`` и возвращают массив той же формы.
Формулы записаны так, чтобы не было переполнения: при ``|z|`` до 1e4 и больше нет ни
предупреждений, ни NaN, ни inf.
"""

from __future__ import annotations

import math

import numpy as np

from ._validate import as_float_array as _as_float_array
from ._validate import check_finite


def as_float_array(z, name: str = "z") -> np.ndarray:
    """z as float64; NaN is an error (an activation of NaN is NaN, or worse, a silent 0)."""
    arr = _as_float_array(z, name)
    if np.isnan(arr).any():
        first = tuple(int(i) for i in np.argwhere(np.isnan(arr))[0])
        raise ValueError(
            f"{name}: найдено {int(np.isnan(arr).sum())} значений NaN (первое в позиции {first}) — "
            "у NaN нет значения активации; ищите, где оно появилось раньше"
        )
    return arr

__all__ = [
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu",
    "relu_grad",
    "softmax",
    "log_softmax",
    "leaky_relu",
    "leaky_relu_grad",
    "gelu",
    "gelu_grad",
    "silu",
    "silu_grad",
]


def sigmoid(z):
    """Логистическая сигмоида σ(z) = 1 / (1 + e^{−z}).

    Считаем через e^{−|z|} ≤ 1: при z ≥ 0 — 1 / (1 + e^{−z}), при z < 0 — e^{z} / (1 + e^{z}).
    Экспонента положительного числа не вычисляется, поэтому переполнения нет.
    Пределы: σ(z) → 0 при z → −∞ и σ(z) → 1 при z → +∞.
    """
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z):
    """Производная сигмоиды σ′(z) = σ(z)(1 − σ(z)); наибольшее значение 1/4 при z = 0.

    Считаем равное ей выражение σ(z)σ(−z) = e^{−|z|} / (1 + e^{−|z|})²: при больших |z|
    разность 1 − σ(z) потеряла бы все значащие цифры (σ(z) округляется до 1).
    """
    e = np.exp(-np.abs(as_float_array(z, "z")))
    return e / ((1.0 + e) * (1.0 + e))


def tanh(z):
    """Гиперболический тангенс tanh(z) = (e^{z} − e^{−z}) / (e^{z} + e^{−z}) = 2σ(2z) − 1."""
    return np.tanh(as_float_array(z, "z"))


def tanh_grad(z):
    """Производная tanh′(z) = 1 − tanh²(z); наибольшее значение 1 при z = 0.

    Считаем равное ей выражение 1/ch²(z) = 4e^{−2|z|} / (1 + e^{−2|z|})², точное и при
    больших |z|, где 1 − tanh² вычитало бы из единицы почти единицу.
    """
    e = np.exp(-2.0 * np.abs(as_float_array(z, "z")))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def relu(z):
    """ReLU(z) = max(0, z)."""
    return np.maximum(as_float_array(z, "z"), 0.0)


def relu_grad(z):
    """Производная ReLU: 1 при z > 0 и 0 при z ≤ 0 (в нуле берём 0, как PyTorch)."""
    return (as_float_array(z, "z") > 0).astype(np.float64)


def softmax(z, axis: int = -1):
    """softmax(z)_k = e^{z_k} / Σ_j e^{z_j} вдоль оси ``axis``.

    Перед экспонентой вычитаем максимум: результат тот же, а e^{z_k − max} ≤ 1.
    NaN и ±inf — ошибка (inf − inf дало бы NaN).
    """
    z = check_finite(as_float_array(z, "z"), "z")
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis: int = -1):
    """log softmax(z)_k = z_k − log Σ_j e^{z_j}, через log-sum-exp со сдвигом на максимум.

    NaN и ±inf — ошибка.
    """
    return _log_softmax(check_finite(as_float_array(z, "z"), "z"), axis)


def _log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """log_softmax of a float64 array already checked to be finite (CrossEntropyLoss checks it)."""
    m = np.max(z, axis=axis, keepdims=True)
    shifted = z - m
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _check_slope(negative_slope) -> float:
    a = float(negative_slope)
    if not (np.isfinite(a) and 0.0 <= a < 1.0):
        raise ValueError(f"negative_slope: ожидалось число из [0, 1), получено {negative_slope!r}")
    return a


def leaky_relu(z, negative_slope: float = 0.01):
    """Leaky ReLU: z при z > 0 и αz при z ≤ 0 (α = ``negative_slope`` ∈ [0, 1), как в PyTorch)."""
    z = as_float_array(z, "z")
    a = _check_slope(negative_slope)
    return np.where(z > 0, z, a * z)


def leaky_relu_grad(z, negative_slope: float = 0.01):
    """Производная Leaky ReLU: 1 при z > 0 и α при z ≤ 0 (в нуле берём α, как PyTorch)."""
    z = as_float_array(z, "z")
    a = _check_slope(negative_slope)
    return np.where(z > 0, 1.0, a)


# math.erfc element by element: numpy has no erf of its own, and scipy is not a dependency
_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _normal_cdf(z):
    """Φ(z) = erfc(−z/√2) / 2 — функция распределения N(0, 1).

    Через erfc, а не (1 + erf(z/√2)) / 2: при z ≲ −8,3 сумма 1 + erf(z/√2) ≈ 1 − 1 теряет все
    цифры и обращается в 0, а erfc хвоста Φ(z) ≈ φ(z)/|z| считается с полной относительной
    точностью (до множителя ~z² от округления аргумента z/√2).
    """
    return 0.5 * _erfc(-z / np.sqrt(2.0))


def gelu(z, approximate: str = "none"):
    """GELU(z) = z·Φ(z), где Φ — функция распределения N(0, 1) (Hendrycks, Gimpel, 2016).

    ``approximate="tanh"`` — приближение z/2·(1 + tanh(√(2/π)(z + 0.044715 z³))), как в PyTorch.
    Переполнения нет: Φ и tanh ограничены.
    """
    z = as_float_array(z, "z")
    if approximate == "none":
        return z * _normal_cdf(z)
    if approximate == "tanh":
        return 0.5 * z * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (z + 0.044715 * z**3)))
    raise ValueError(f"gelu: approximate должен быть 'none' или 'tanh', получено {approximate!r}")


def gelu_grad(z):
    """Производная GELU: Φ(z) + z·φ(z), где φ(z) = e^{−z²/2}/√(2π) — плотность N(0, 1)."""
    z = as_float_array(z, "z")
    # φ(z) < 1e-297 for |z| > 37: skip those values so that exp does not even underflow
    small = np.minimum(np.abs(z), 37.0)
    pdf = np.where(np.abs(z) < 37.0, np.exp(-0.5 * small * small), 0.0) / np.sqrt(2.0 * np.pi)
    return _normal_cdf(z) + z * pdf


def silu(z):
    """SiLU (swish): z·σ(z); через устойчивую сигмоиду, поэтому без переполнения."""
    z = as_float_array(z, "z")
    return z * sigmoid(z)


def silu_grad(z):
    """Производная SiLU: σ(z) + zσ(z)(1 − σ(z)) = σ(z)(1 + z(1 − σ(z)))."""
    z = as_float_array(z, "z")
    s = sigmoid(z)
    return s * (1.0 + z * (1.0 - s))
