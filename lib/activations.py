"""Функции активации и их производные (глава 5; сигмоида — глава 1).

Все функции принимают массив любой формы ``z`` и возвращают массив той же формы.
Формулы записаны так, чтобы не было переполнения: при ``|z|`` до 1e4 и больше нет ни
предупреждений, ни NaN, ни inf.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array

__all__ = [
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu",
    "relu_grad",
    "softmax",
    "log_softmax",
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
    """Производная сигмоиды σ′(z) = σ(z)(1 − σ(z)); наибольшее значение 1/4 при z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Гиперболический тангенс tanh(z) = (e^{z} − e^{−z}) / (e^{z} + e^{−z}) = 2σ(2z) − 1."""
    return np.tanh(as_float_array(z, "z"))


def tanh_grad(z):
    """Производная tanh′(z) = 1 − tanh²(z); наибольшее значение 1 при z = 0."""
    t = np.tanh(as_float_array(z, "z"))
    return 1.0 - t * t


def relu(z):
    """ReLU(z) = max(0, z)."""
    return np.maximum(as_float_array(z, "z"), 0.0)


def relu_grad(z):
    """Производная ReLU: 1 при z > 0 и 0 при z ≤ 0 (в нуле берём 0, как PyTorch)."""
    return (as_float_array(z, "z") > 0).astype(np.float64)


def softmax(z, axis: int = -1):
    """softmax(z)_k = e^{z_k} / Σ_j e^{z_j} вдоль оси ``axis``.

    Перед экспонентой вычитаем максимум: результат тот же, а e^{z_k − max} ≤ 1.
    """
    z = as_float_array(z, "z")
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis: int = -1):
    """log softmax(z)_k = z_k − log Σ_j e^{z_j}, через log-sum-exp со сдвигом на максимум."""
    z = as_float_array(z, "z")
    m = np.max(z, axis=axis, keepdims=True)
    shifted = z - m
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
