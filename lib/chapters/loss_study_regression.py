"""Функции потерь (глава 6), регрессия: MSE, MAE, Хьюбер; шум и правдоподобие; выброс.

Лучшая константа для MSE — среднее, для MAE — медиана; у гибкой модели то же верно при каждом x:
MSE оценивает условное среднее E[y | x], MAE — условную медиану. Гауссов и лапласов шум дают
MSE и MAE как минус логарифм правдоподобия. Прямая по MSE (МНК) и по MAE (IRLS с точным
последним шагом) на данных с одним выбросом; перебор прямых через пары точек проверяет ответ.

Обозначения курса: n — число объектов, ŷ — предсказание, y — правильный ответ, r = ŷ − y —
остаток, ξ — шум со стандартным отклонением s.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_finite, check_ndim

__all__ = ["constant_risk", "best_constant", "gaussian_nll", "laplace_nll", "huber", "huber_grad",
           "conditional_experiment", "fit_line_mse", "fit_line_mae", "fit_line_mae_exhaustive",
           "outlier_data", "outlier_fits", "TRUE_W", "TRUE_B", "X_BASE", "Y_BASE"]


def _vector(y, name: str) -> np.ndarray:
    y = check_finite(check_ndim(as_float_array(y, name), 1, name, "(n,)"), name)
    if y.size == 0:
        raise ValueError(f"{name}: ожидался непустой массив формы (n,), получен пустой")
    return y


def constant_risk(c, y, kind: str = "mse"):
    """Потери постоянного ответа ŷ_i = c на выборке y (форма (n,)).

    kind="mse": (1/n) Σ (c − y_i)²; kind="mae": (1/n) Σ |c − y_i|. ``c`` — число или массив
    кандидатов любой формы; возвращает массив той же формы, что и ``c``.
    """
    y = _vector(y, "y")
    c = as_float_array(c, "c")
    diff = c[..., None] - y
    if kind == "mse":
        return np.mean(diff * diff, axis=-1)
    if kind == "mae":
        return np.mean(np.abs(diff), axis=-1)
    raise ValueError(f"constant_risk: kind должен быть 'mse' или 'mae', получено {kind!r}")


def best_constant(y, kind: str = "mse") -> float:
    """Лучший постоянный ответ: среднее ȳ для MSE, медиана для MAE (при чётном n — середина
    отрезка между двумя средними по порядку значениями; любая точка этого отрезка тоже минимум)."""
    y = _vector(y, "y")
    if kind == "mse":
        return float(np.mean(y))
    if kind == "mae":
        return float(np.median(y))
    raise ValueError(f"best_constant: kind должен быть 'mse' или 'mae', получено {kind!r}")


def gaussian_nll(y, y_hat, s: float = 1.0) -> float:
    """Минус логарифм правдоподобия при шуме N(0, s²): y_i = ŷ_i + ξ_i.

    −log Π_i (2πs²)^{−1/2} exp(−(y_i − ŷ_i)²/(2s²)) = (n/2) log(2πs²) + Σ (y_i − ŷ_i)²/(2s²).
    y, y_hat: формы (n,).
    """
    y, y_hat = _vector(y, "y"), _vector(y_hat, "y_hat")
    _same_length(y, y_hat)
    if not s > 0:
        raise ValueError(f"gaussian_nll: стандартное отклонение шума s должно быть > 0, получено {s}")
    r = y - y_hat
    return float(0.5 * y.size * np.log(2 * np.pi * s * s) + np.sum(r * r) / (2 * s * s))


def laplace_nll(y, y_hat, s: float = 1.0) -> float:
    """Минус логарифм правдоподобия при шуме Лапласа со стандартным отклонением s:

    плотность e^{−√2 |ξ|/s} / (√2 s), поэтому −log Π_i = n log(√2 s) + (√2/s) Σ |y_i − ŷ_i|.
    y, y_hat: формы (n,).
    """
    y, y_hat = _vector(y, "y"), _vector(y_hat, "y_hat")
    _same_length(y, y_hat)
    if not s > 0:
        raise ValueError(f"laplace_nll: стандартное отклонение шума s должно быть > 0, получено {s}")
    return float(y.size * np.log(np.sqrt(2) * s) + np.sqrt(2) * np.sum(np.abs(y - y_hat)) / s)


def _same_length(x, y):
    if x.shape != y.shape:
        raise ValueError(f"формы должны совпадать: получены {x.shape} и {y.shape}")


def huber(r, rho: float = 1.0):
    """Потеря Хьюбера от остатка r = ŷ − y с порогом ρ > 0 (в PyTorch — ``delta``), поэлементно:

    r²/2 при |r| ≤ ρ и ρ(|r| − ρ/2) при |r| > ρ. Квадратична у нуля, линейна вдали; значение и
    производная непрерывны в |r| = ρ. r: массив любой формы; результат той же формы.
    """
    r = as_float_array(r, "r")
    if not rho > 0:
        raise ValueError(f"huber: порог ρ должен быть > 0, получено {rho}")
    a = np.abs(r)
    return np.where(a <= rho, 0.5 * r * r, rho * (a - 0.5 * rho))


def huber_grad(r, rho: float = 1.0):
    """Производная потери Хьюбера по r: r при |r| ≤ ρ, ρ·sign(r) иначе, то есть clip(r, −ρ, ρ)."""
    r = as_float_array(r, "r")
    if not rho > 0:
        raise ValueError(f"huber_grad: порог ρ должен быть > 0, получено {rho}")
    return np.clip(r, -rho, rho)


#: x takes these values in the conditional-mean experiment; y = 0.5x + 1 + ξ there.
X_LEVELS = np.arange(5.0)


def conditional_experiment(n_per_x: int = 2000, s: float = 1.0, rng=0) -> dict:
    """Что оценивают MSE и MAE у гибкой модели: y = 0,5x + 1 + ξ, ξ = s·(ζ − 1), ζ ~ Exp(1).

    Шум несимметричный: E[ξ] = 0, медиана ξ = s(ln 2 − 1), стандартное отклонение s. Модель — таблица:
    при каждом x ∈ {0, …, 4} она может выдать любое число, поэтому минимум средней потери ищется
    при каждом x отдельно (лучшая константа среди объектов с этим x). Возвращает словарь:
    x (форма (5,)), mse и mae — ответы модели, обученной по MSE и по MAE, mean и median — истинные
    E[y | x] и медиана y при данном x (все формы (5,)), n_per_x.
    """
    if int(n_per_x) < 1 or not s > 0:
        raise ValueError(f"conditional_experiment: нужны n_per_x ≥ 1 и s > 0, получено {n_per_x}, {s}")
    gen = np.random.default_rng(rng)
    fits = {"mse": [], "mae": []}
    for x in X_LEVELS:
        y = TRUE_W * x + TRUE_B + s * (gen.exponential(size=int(n_per_x)) - 1.0)
        for kind in fits:
            fits[kind].append(best_constant(y, kind))
    line = TRUE_W * X_LEVELS + TRUE_B
    return {"x": X_LEVELS.copy(), "mse": np.array(fits["mse"]), "mae": np.array(fits["mae"]),
            "mean": line, "median": line + s * (np.log(2.0) - 1.0), "n_per_x": int(n_per_x)}


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


def fit_line_mae(x, y, iters: int = 200, floor: float = 1e-9):
    """Прямая ŷ = ωx + b, минимизирующая MAE, методом IRLS (перевзвешенные наименьшие квадраты).

    |r| = r²/|r|: на каждом шаге решаем взвешенную задачу МНК с весами u_i = 1/max(|r_i|, 10⁻⁹),
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
        u = 1.0 / np.maximum(np.abs(y - (w * x + b)), floor)
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


#: Истинный наклон ω чистых данных опыта с выбросом: y = 0,5x + 1 плюс небольшой гауссов шум.
TRUE_W = 0.5
#: Истинный сдвиг b тех же данных.
TRUE_B = 1.0
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

