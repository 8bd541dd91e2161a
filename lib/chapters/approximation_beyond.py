"""Глава 2, продолжение: роль сдвигов, скорость приближения без проклятия размерности
(выборочный довод Мори — Баррона) и глубина против ширины (зубцы Телгарски).

Сеть с одним скрытым слоем — как в ``lib.chapters.approximation``: ŷ(x) = σ(xW + b) α.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import nn
from .._validate import as_float_array, as_generator, check_positive_int
from ..activations import sigmoid
from .approximation import midpoint_values

__all__ = ["shared_bias_network", "fit_alpha", "random_steps_mean", "random_steps_mse", "tent_network",
           "count_pieces"]


# --- the biases -----------------------------------------------------------------------------

def shared_bias_network(f: Callable, H: int, b: float, activation=sigmoid):
    """Сеть из H нейронов с ОДНИМ общим сдвигом b_h = b (число b > 0) у всех нейронов,
    приближающая f на [0, 1].

    Ступенька «вниз» в точке u_j = j/H: σ(−(b/u_j)x + b) = σ((b/u_j)(u_j − x)) ≈ 𝟙[x < u_j],
    крутизна b/u_j ≥ b. Так как S(x) = v_H − Σ_j (v_{j+1} − v_j)·𝟙[x < u_j]:
    нейрон 0: ω = 0, α = v_H/σ(b) — константа v_H; нейрон j = 1 … H−1: ω = −b/u_j,
    α = −(v_{j+1} − v_j). Ошибка не больше ``error_bound(H, b, M)`` (все ступеньки не менее круты).
    Возвращает (W, b, alpha) форм (1, H), (H,), (H,); все элементы b равны заданному числу b.
    """
    H = check_positive_int(H, "H")
    if not (np.isfinite(b) and b > 0):
        raise ValueError(f"shared_bias_network: общий сдвиг b должен быть конечным числом > 0, получено {b!r}")
    v = midpoint_values(f, H)
    edges = np.arange(1, H) / H
    W = np.concatenate([[0.0], -b / edges])[None, :]
    alpha = np.concatenate([[v[-1] / float(activation(np.array([b]))[0])], -np.diff(v)])
    return W, np.full(H, float(b)), alpha


def fit_alpha(x, targets, W, b, activation=sigmoid, rcond: float = 1e-9):
    """Лучшие по МНК выходные веса при заданном скрытом слое: α = argmin Σ_i (σ(x_i W + b) α − y_i)².

    x: точки формы (n,) (d = 1) или (n, d); targets: значения формы (n,); W: (d, H); b: (H,).
    Сингулярные числа матрицы σ(XW + b), меньшие rcond·(наибольшее), отбрасываются: у почти
    совпадающих нейронов задача плохо обусловлена, и без отсечения ответ зависел бы от порядка
    округлений (числа потоков BLAS). Возвращает α формы (H,).
    """
    X = as_float_array(x, "x")
    X = X[:, None] if X.ndim == 1 else X
    A = activation(X @ as_float_array(W, "W") + as_float_array(b, "b"))
    return np.linalg.lstsq(A, as_float_array(targets, "targets"), rcond=rcond)[0]


# --- Maurey-Barron: the rate 1/√H in any dimension -----------------------------------------

def random_steps_mean(X, H: int, rng=0):
    """Сеть из H случайных ступенек, приближающая f(x) = (x_1 + … + x_d)/d на [0, 1]^d.

    f(x) = E[𝟙[x_j ≥ u]] для номера признака j, равновероятного среди 1 … d, и порога u ~ U(0, 1).
    Берём H независимых пар (j_h, u_h) и ŷ(x) = (1/H) Σ_h 𝟙[x_{j_h} ≥ u_h] — нейроны-ступеньки
    (предел крутых сигмоид) с выходными весами 1/H. X: (n, d) → ответ формы (n,).
    """
    X = as_float_array(X, "X")
    H = check_positive_int(H, "H")
    if X.ndim != 2:
        raise ValueError(f"random_steps_mean: X — батч формы (n, d), получена форма {X.shape}")
    gen = as_generator(rng)
    j = gen.integers(0, X.shape[1], size=H)
    u = gen.uniform(0.0, 1.0, size=H)
    return (X[:, j] >= u).mean(axis=1)


def random_steps_mse(X, H: int) -> float:
    """Математическое ожидание (по случайным нейронам) среднего по строкам X квадрата ошибки
    ``random_steps_mean``: каждая ступенька — бернуллиева величина с вероятностью f(x), поэтому
    E(ŷ(x) − f(x))² = f(x)(1 − f(x))/H ≤ 1/(4H) — при любом d."""
    f = as_float_array(X, "X").mean(axis=1)
    return float(np.mean(f * (1 - f)) / check_positive_int(H, "H"))


# --- depth versus width ------------------------------------------------------------------------

def tent_network(D: int):
    """Сеть из D скрытых слоёв по 2 нейрона ReLU, вычисляющая D-кратную композицию «зубца»
    T(x) = 2 min(x, 1 − x) = 2 ReLU(x) − 4 ReLU(x − 1/2) на [0, 1].

    Слой ℓ: z_ℓ = a_{ℓ−1} W_ℓ + b_ℓ, b_ℓ = (0, −1/2); у первого W_1 = (1, 1) (форма (1, 2)), у
    следующих W_ℓ = [[2, 2], [−4, −4]] (выход T предыдущего слоя подан на оба нейрона), выход
    a_D (2, −4)ᵀ. Возвращает lib.nn.Sequential; вход (n, 1) → выход (n, 1).
    """
    D = check_positive_int(D, "D")
    layers = []
    for ell in range(D):
        lin = nn.Linear(1 if ell == 0 else 2, 2, rng=0)
        lin.W.data[:] = [[1.0, 1.0]] if ell == 0 else [[2.0, 2.0], [-4.0, -4.0]]
        lin.b.data[:] = [0.0, -0.5]
        layers += [lin, nn.ReLU()]
    out = nn.Linear(2, 1, rng=0)
    out.W.data[:] = [[2.0], [-4.0]]
    out.b.data[:] = 0.0
    return nn.Sequential(*layers, out)


def count_pieces(x, y, tol: float = 1e-6) -> int:
    """Число линейных кусков кусочно-линейной функции, заданной значениями y в точках x (n,):
    1 + число мест, где наклон соседних отрезков сетки меняется больше чем на tol.
    Точно, если все изломы лежат в узлах сетки."""
    x, y = as_float_array(x, "x"), as_float_array(y, "y")
    slopes = np.diff(y) / np.diff(x)
    return int(1 + np.count_nonzero(np.abs(np.diff(slopes)) > tol))
