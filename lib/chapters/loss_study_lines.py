"""Глава 6: прямая по MSE и по MAE на данных с одним выбросом.

Прямую по MSE даёт метод наименьших квадратов, прямую по MAE — IRLS (перевзвешенные наименьшие
квадраты) с точным последним шагом; перебор прямых через пары точек проверяет ответ.
Данные опыта: 15 точек около прямой y = 0,5x + 1 и один выброс.
"""

from __future__ import annotations

import numpy as np

from .loss_study import _vector

__all__ = ["fit_line_mse", "fit_line_mae", "fit_line_mae_exhaustive", "outlier_data", "outlier_fits",
           "TRUE_W", "TRUE_B", "X_BASE", "Y_BASE"]


def _same_length(x, y):
    if x.shape != y.shape:
        raise ValueError(f"формы должны совпадать: получены {x.shape} и {y.shape}")


def fit_line_mse(x, y):
    """Прямая ŷ = ωx + b, минимизирующая MSE (метод наименьших квадратов).

    x, y: формы (n,), n ≥ 2, среди x хотя бы два разных. Возвращает (ω, b).
    """
    x, y = _vector(x, "x"), _vector(y, "y")
    _same_length(x, y)
    if np.ptp(x) == 0:
        raise ValueError("fit_line_mse: все x одинаковы — прямую провести нельзя, нужны хотя бы два разных x")
    A = np.column_stack([x, np.ones_like(x)])
    (w, b), *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(w), float(b)


def fit_line_mae(x, y, iters: int = 200, delta: float = 1e-9):
    """Прямая ŷ = ωx + b, минимизирующая MAE, методом IRLS (перевзвешенные наименьшие квадраты).

    |r| = r²/|r|: на каждом шаге решаем взвешенную задачу МНК с весами u_i = 1/max(|r_i|, δ),
    где r_i — остатки прошлого шага; начинаем с прямой по MSE. IRLS подходит к оптимальной
    прямой, проходящей через две точки выборки; в конце уточняем ответ точно: от прямой через
    две точки с наименьшими остатками поворачиваем прямую вокруг одной из её точек к другой
    точке выборки, пока MAE уменьшается. Детерминированно.
    x, y: формы (n,). Возвращает (ω, b).
    """
    x, y = _vector(x, "x"), _vector(y, "y")
    _same_length(x, y)
    w, b = fit_line_mse(x, y)
    A = np.column_stack([x, np.ones_like(x)])
    for _ in range(iters):
        u = 1.0 / np.maximum(np.abs(y - (w * x + b)), delta)
        sq = np.sqrt(u)
        (w_new, b_new), *_ = np.linalg.lstsq(A * sq[:, None], y * sq, rcond=None)
        if abs(w_new - w) + abs(b_new - b) < 1e-13:
            w, b = w_new, b_new
            break
        w, b = w_new, b_new
    # IRLS approaches an optimal vertex (a line through two data points), but may stall near a
    # neighbouring one. Finish exactly: start from the line through the two points with the smallest
    # residuals and pivot about one of its two points while that lowers the MAE (the objective is
    # convex and piecewise linear, so a vertex with no better neighbour is a minimum).
    order = np.argsort(np.abs(y - (w * x + b)))
    i = order[0]
    j = next((k for k in order[1:] if x[k] != x[i]), None)
    if j is None:
        return float(w), float(b)

    def line(a, c):
        slope = (y[c] - y[a]) / (x[c] - x[a])
        return slope, y[a] - slope * x[a]

    def risk(wb):
        return float(np.mean(np.abs(y - (wb[0] * x + wb[1]))))

    best = line(i, j)
    best_risk = risk(best)
    for _ in range(4 * x.size):
        moves = [(risk(line(a, k)), a, k) for a in (i, j) for k in range(x.size)
                 if x[k] != x[a] and k not in (i, j)]
        if not moves:
            break
        r, a, k = min(moves)
        if r >= best_risk - 1e-15:
            break
        i, j, best, best_risk = a, k, line(a, k), r
    if best_risk <= risk((w, b)):
        w, b = best
    return float(w), float(b)


def fit_line_mae_exhaustive(x, y):
    """Точная прямая по MAE перебором: среди оптимальных прямых есть проходящая через две точки
    выборки (минимум кусочно-линейной выпуклой функции достигается в вершине). O(n³), для малых n.

    Возвращает (ω, b) с наименьшей MAE среди прямых через пары точек с разными x.
    """
    x, y = _vector(x, "x"), _vector(y, "y")
    _same_length(x, y)
    i, j = np.triu_indices(x.size, k=1)
    ok = x[i] != x[j]
    if not ok.any():
        raise ValueError("fit_line_mae_exhaustive: все x одинаковы — прямую провести нельзя")
    i, j = i[ok], j[ok]
    w = (y[j] - y[i]) / (x[j] - x[i])
    b = y[i] - w * x[i]
    risk = np.mean(np.abs(y[None, :] - (w[:, None] * x[None, :] + b[:, None])), axis=1)
    k = int(np.argmin(risk))
    return float(w[k]), float(b[k])


#: The clean data of the outlier experiment: y = 0.5x + 1 plus small Gaussian noise.
TRUE_W, TRUE_B = 0.5, 1.0
_RNG = np.random.default_rng(6)
X_BASE = np.linspace(0.0, 10.0, 15)
Y_BASE = TRUE_W * X_BASE + TRUE_B + 0.3 * _RNG.standard_normal(X_BASE.size)


def outlier_data(x_out: float, size: float):
    """Данные эксперимента: 15 точек около прямой y = 0,5x + 1 и один выброс в точке
    (x_out, 0,5·x_out + 1 + size). Возвращает (x, y) формы (16,), выброс — последний."""
    if not 0.0 <= x_out <= 10.0:
        raise ValueError(f"outlier_data: x_out должен лежать в [0, 10], получено {x_out}")
    x = np.append(X_BASE, x_out)
    y = np.append(Y_BASE, TRUE_W * x_out + TRUE_B + size)
    return x, y


def outlier_fits(x_out: float, size: float) -> dict:
    """Прямые по MSE и по MAE на данных с выбросом: словарь x, y, mse=(ω, b), mae=(ω, b)."""
    x, y = outlier_data(x_out, size)
    return {"x": x, "y": y, "mse": fit_line_mse(x, y), "mae": fit_line_mae(x, y)}

