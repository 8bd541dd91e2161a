"""Модель нейрона (глава 1): формулы и опыты главы.

Нейрон с весами ω ∈ R^d и свободным членом b отвечает на объект x ∈ R^d числом
y(x) = σ(⟨x, ω⟩ + b) = σ(Σ_i ω_i x_i + b). Множество ⟨x, ω⟩ + b = 0 — гиперплоскость с
нормалью ω; на ней y = σ(0) = 1/2, а вдоль ω ответ растёт от 0 к 1.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_ndim
from ..activations import sigmoid

__all__ = ["neuron", "layer", "neuron_field", "step_center", "step_slope", "boundary_segment"]


def neuron(x, w, b, activation=sigmoid):
    """Ответ одного нейрона: y = σ(⟨x, ω⟩ + b).

    x: объект формы (d,) или батч формы (n, d); w: веса ω формы (d,); b: число.
    Возвращает число (для одного объекта) или массив формы (n,).
    """
    x = as_float_array(x, "x")
    w = check_ndim(as_float_array(w, "w"), 1, "w", "(d,)")
    if x.shape[-1] != w.shape[0]:
        raise ValueError(
            f"neuron: число признаков x ({x.shape[-1]}) не равно числу весов ω ({w.shape[0]})"
        )
    b = as_float_array(b, "b")
    if b.ndim != 0:
        raise ValueError(f"neuron: свободный член b — одно число, получен массив формы {b.shape}")
    return activation(x @ w + b)


def layer(X, W, b, activation=sigmoid):
    """Слой из H нейронов на батче: Y = σ(XW + b).

    X: батч формы (n, d) (или один объект (d,)); W: матрица весов формы (d, H), столбец h —
    веса нейрона h; b: свободные члены формы (H,). Возвращает массив формы (n, H) (или (H,)).
    """
    X = as_float_array(X, "X")
    W = check_ndim(as_float_array(W, "W"), 2, "W", "(d, H)")
    b = check_ndim(as_float_array(b, "b"), 1, "b", "(H,)")
    if X.shape[-1] != W.shape[0]:
        raise ValueError(
            f"layer: у X {X.shape[-1]} признаков, а у W {W.shape[0]} строк; W должна иметь форму (d, H)"
        )
    if b.shape[0] != W.shape[1]:
        raise ValueError(f"layer: у W {W.shape[1]} столбцов (нейронов), а у b {b.shape[0]} элементов")
    return activation(X @ W + b)


def neuron_field(w1: float, w2: float, b: float, lim: float = 3.0, resolution: int = 121):
    """Ответ нейрона с двумя входами на сетке квадрата [−lim, lim]².

    Возвращает (x1, x2, y): координаты сетки формы (resolution,) и значения y формы
    (resolution, resolution), где y[i, j] = σ(ω₁ x1[j] + ω₂ x2[i] + b).
    """
    x1 = np.linspace(-lim, lim, resolution)
    x2 = np.linspace(-lim, lim, resolution)
    y = sigmoid(w1 * x1[None, :] + w2 * x2[:, None] + b)
    return x1, x2, y


def step_center(w: float, b: float) -> float:
    """Точка, где σ(ωx + b) = 1/2: x₀ = −b/ω (при ω ≠ 0)."""
    if w == 0:
        raise ValueError("step_center: при ω = 0 ответ нейрона постоянен, ступеньки нет")
    return -b / w


def step_slope(w: float) -> float:
    """Наклон σ(ωx + b) в центре ступеньки: ω·σ′(0) = ω/4. Чем больше |ω|, тем круче ступенька."""
    return w / 4.0


def boundary_segment(w1: float, w2: float, b: float, lim: float = 3.0):
    """Отрезок прямой ω₁x₁ + ω₂x₂ + b = 0 внутри квадрата [−lim, lim]² (или None, если ω = 0)."""
    norm = np.hypot(w1, w2)
    if norm == 0:
        return None
    p0 = -b * np.array([w1, w2]) / norm**2           # closest point of the line to the origin
    direction = np.array([-w2, w1]) / norm
    t = np.linspace(-4 * lim - abs(b), 4 * lim + abs(b), 2)
    pts = p0[None, :] + t[:, None] * direction[None, :]
    return pts[:, 0], pts[:, 1]
