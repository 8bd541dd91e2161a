"""Функции потерь (глава 6): эксперименты главы и панели со слайдерами.

Регрессия: лучшая константа для MSE — среднее, для MAE — медиана; прямая по MSE и по MAE
(IRLS) на данных с выбросом; гауссов и лапласов шум дают MSE и MAE как минус
логарифм правдоподобия. Классификация: наивная и устойчивая бинарная кросс-энтропия на
логитах, градиенты по логиту для BCE и для MSE после сигмоиды, softmax и кросс-энтропия.

Обозначения курса: n — число объектов, ŷ — предсказание, y — правильный ответ,
z — логит (выход до сигмоиды или softmax), p = σ(z) — предсказанная вероятность, K — число классов.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch

from . import widgets
from ._validate import as_float_array, check_finite, check_ndim
from .activations import log_softmax, sigmoid, softmax

__all__ = [
    "constant_risk", "best_constant", "gaussian_nll", "laplace_nll",
    "fit_line_mse", "fit_line_mae", "fit_line_mae_exhaustive", "outlier_data", "outlier_fits",
    "bce_on_probability", "bce_naive", "bce_stable", "bernoulli_nll",
    "grad_logit_bce", "grad_logit_mse_sigmoid", "confident_mistake_run",
    "softmax_naive", "logsumexp", "cross_entropy_indicator", "softmax_ce_grad",
    "plot_logit_gradients",
]


# --- regression -----------------------------------------------------------------------

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
    """Минус логарифм правдоподобия при шуме N(0, s²): y_i = ŷ_i + ε_i.

    −log Π_i (2πs²)^{−1/2} exp(−(y_i − ŷ_i)²/(2s²)) = (n/2) log(2πs²) + Σ (y_i − ŷ_i)²/(2s²).
    y, y_hat: формы (n,).
    """
    y, y_hat = _vector(y, "y"), _vector(y_hat, "y_hat")
    _same_length(y, y_hat)
    if not s > 0:
        raise ValueError(f"gaussian_nll: масштаб шума s должен быть > 0, получено {s}")
    r = y - y_hat
    return float(0.5 * y.size * np.log(2 * np.pi * s * s) + np.sum(r * r) / (2 * s * s))


def laplace_nll(y, y_hat, s: float = 1.0) -> float:
    """Минус логарифм правдоподобия при шуме Лапласа с плотностью e^{−|ε|/s}/(2s):

    n log(2s) + Σ |y_i − ŷ_i| / s. y, y_hat: формы (n,).
    """
    y, y_hat = _vector(y, "y"), _vector(y_hat, "y_hat")
    _same_length(y, y_hat)
    if not s > 0:
        raise ValueError(f"laplace_nll: масштаб шума s должен быть > 0, получено {s}")
    return float(y.size * np.log(2 * s) + np.sum(np.abs(y - y_hat)) / s)


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
_X_BASE = np.linspace(0.0, 10.0, 15)
_Y_BASE = TRUE_W * _X_BASE + TRUE_B + 0.3 * _RNG.standard_normal(_X_BASE.size)


def outlier_data(x_out: float, size: float):
    """Данные эксперимента: 15 точек около прямой y = 0,5x + 1 и один выброс в точке
    (x_out, 0,5·x_out + 1 + size). Возвращает (x, y) формы (16,), выброс — последний."""
    if not 0.0 <= x_out <= 10.0:
        raise ValueError(f"outlier_data: x_out должен лежать в [0, 10], получено {x_out}")
    x = np.append(_X_BASE, x_out)
    y = np.append(_Y_BASE, TRUE_W * x_out + TRUE_B + size)
    return x, y


def outlier_fits(x_out: float, size: float) -> dict:
    """Прямые по MSE и по MAE на данных с выбросом: словарь x, y, mse=(ω, b), mae=(ω, b)."""
    x, y = outlier_data(x_out, size)
    return {"x": x, "y": y, "mse": fit_line_mse(x, y), "mae": fit_line_mae(x, y)}


# --- binary classification ------------------------------------------------------------

def _labels01(y, shape, name="y"):
    y = as_float_array(y, name)
    if y.shape != shape:
        raise ValueError(f"{name}: ожидалась форма {shape} (как у предсказания), получена {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{name}: ожидались метки 0 или 1, получены значения {np.unique(y)[:5]}")
    return y


def bernoulli_nll(p, y):
    """Минус логарифм вероятности метки y ∈ {0, 1} по Бернулли: −log(p^y (1 − p)^{1−y}).

    Поэлементно; p ∈ (0, 1) и y одной формы."""
    p = as_float_array(p, "p")
    y = _labels01(y, p.shape)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError(
            f"bernoulli_nll: вероятности должны лежать в (0, 1), получены от {p.min()} до {p.max()}"
        )
    return -np.log(p**y * (1 - p) ** (1 - y))


def bce_on_probability(p, y):
    """Бинарная кросс-энтропия поэлементно по вероятности: L = −(y log p + (1 − y) log(1 − p)).

    p ∈ (0, 1) и y ∈ {0, 1} одной формы; результат той же формы."""
    p = as_float_array(p, "p")
    y = _labels01(y, p.shape)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError(f"bce_on_probability: p должны лежать в (0, 1), получены от {p.min()} до {p.max()}")
    return -(y * np.log(p) + (1 - y) * np.log1p(-p))


def bce_naive(z, y):
    """BCE на логитах «в лоб»: p = 1/(1 + e^{−z}), затем −(y log p + (1 − y) log(1 − p)).

    Поэлементно. Так считать НЕЛЬЗЯ: при z ≲ −710 переполняется e^{−z}, а уже при z ≳ 37
    p округляется до 1, и log(1 − p) = log 0 даёт inf (или 0·inf = nan при y = 1). Предупреждения
    NumPy подавлены, чтобы показать сам результат — inf и nan.
    """
    z = as_float_array(z, "z")
    y = _labels01(y, z.shape)
    with np.errstate(all="ignore"):
        p = 1.0 / (1.0 + np.exp(-z))
        return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_stable(z, y):
    """Устойчивая BCE на логитах поэлементно: L = max(z, 0) − z·y + log(1 + e^{−|z|}).

    Выводится из log σ(z) = −log(1 + e^{−z}) и log(1 − σ(z)) = −z − log(1 + e^{−z});
    e^{−|z|} ≤ 1, поэтому переполнения нет ни при каком z. z и y одной формы.
    """
    z = as_float_array(z, "z")
    y = _labels01(y, z.shape)
    return np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))


def grad_logit_bce(z, y):
    """∂L/∂z для L = BCE(σ(z), y): σ(z) − y = p − y. Поэлементно."""
    z = as_float_array(z, "z")
    return sigmoid(z) - _labels01(y, z.shape)


def grad_logit_mse_sigmoid(z, y):
    """∂L/∂z для L = (σ(z) − y)²: 2(p − y)·p(1 − p), где p = σ(z). Поэлементно.

    Множитель p(1 − p) = σ′(z) → 0 при |z| → ∞: на уверенной ошибке градиент исчезает."""
    z = as_float_array(z, "z")
    p = sigmoid(z)
    return 2 * (p - _labels01(y, z.shape)) * p * (1 - p)


def confident_mistake_run(loss: str, z0: float = -6.0, lr: float = 1.0, steps: int = 60):
    """Градиентный спуск по логиту одного объекта с y = 1, начиная с уверенной ошибки z₀ < 0.

    loss: "bce" или "mse" (MSE после сигмоиды). Шаг: z ← z − η ∂L/∂z.
    Возвращает массив вероятностей p_t = σ(z_t), t = 0..steps (форма (steps + 1,)).
    """
    grad = {"bce": grad_logit_bce, "mse": grad_logit_mse_sigmoid}.get(loss)
    if grad is None:
        raise ValueError(f"confident_mistake_run: loss должен быть 'bce' или 'mse', получено {loss!r}")
    if not lr > 0:
        raise ValueError(f"confident_mistake_run: скорость обучения η должна быть > 0, получено {lr}")
    z = float(z0)
    ps = [float(sigmoid(z))]
    for _ in range(int(steps)):
        z -= lr * float(grad(np.array(z), np.array(1.0)))
        ps.append(float(sigmoid(z)))
    return np.array(ps)


def plot_logit_gradients(ax, y: int = 1, lim: float = 8.0):
    """Рисует ∂L/∂z для BCE и для MSE после сигмоиды при правильном ответе y (0 или 1)."""
    z = np.linspace(-lim, lim, 401)
    yy = np.full_like(z, float(y))
    ax.plot(z, grad_logit_bce(z, yy), lw=2, label="BCE: p − y")
    ax.plot(z, grad_logit_mse_sigmoid(z, yy), lw=2, label="MSE после σ: 2(p − y)·p(1 − p)")
    ax.axhline(0, color="0.6", lw=0.8)
    side = (-lim, -2.0) if y == 1 else (2.0, lim)
    ax.axvspan(*side, color="C3", alpha=0.08, label="уверенная ошибка")
    ax.set_xlabel("логит z")
    ax.set_ylabel("∂L/∂z")
    ax.set_title(f"Градиент по логиту при y = {y}", fontsize=10)
    ax.legend(fontsize=8, loc="lower right" if y == 1 else "upper left")
    ax.grid(alpha=0.3)
    return ax


# --- multiclass -----------------------------------------------------------------------

def _logits2d(z):
    return check_ndim(as_float_array(z, "z"), 2, "z", "(n, K)")


def _class_labels(y, n, k):
    y = np.asarray(y)
    if y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y: метки классов должны быть целыми, получен dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"y: ожидалась форма ({n},), получена {y.shape}")
    if n and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"y: метки должны лежать в [0, {k}), получены от {y.min()} до {y.max()}")
    return y


def softmax_naive(z):
    """softmax «в лоб»: e^{z_k} / Σ_j e^{z_j} по строкам без сдвига на максимум.

    При z_k ≳ 710 e^{z_k} = inf и получается inf/inf = nan. Предупреждения подавлены, чтобы
    показать результат."""
    z = as_float_array(z, "z")
    with np.errstate(all="ignore"):
        e = np.exp(z)
        return e / np.sum(e, axis=-1, keepdims=True)


def logsumexp(z):
    """log Σ_k e^{z_k} по последней оси, устойчиво: m + log Σ_k e^{z_k − m}, m = max_k z_k."""
    z = as_float_array(z, "z")
    m = np.max(z, axis=-1, keepdims=True)
    return (m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True)))[..., 0]


def cross_entropy_indicator(p, y):
    """Кросс-энтропия по формуле конспекта: L_i = −Σ_k I{y_i = k} log p_ik, среднее по i.

    p: вероятности формы (n, K) (строки в сумме 1); y: целые метки формы (n,)."""
    p = check_ndim(as_float_array(p, "p"), 2, "p", "(n, K)")
    n, k = p.shape
    y = _class_labels(y, n, k)
    indicator = (y[:, None] == np.arange(k)[None, :]).astype(float)
    with np.errstate(divide="ignore"):
        logp = np.log(p)
    return float(-np.mean(np.sum(np.where(indicator > 0, logp, 0.0), axis=1)))


def softmax_ce_grad(z, y):
    """Градиент средней кросс-энтропии по логитам: ∂L/∂z = (softmax(z) − onehot(y)) / n.

    z: логиты формы (n, K); y: целые метки формы (n,). Результат формы (n, K)."""
    z = _logits2d(z)
    n, k = z.shape
    y = _class_labels(y, n, k)
    g = softmax(z, axis=1)
    g[np.arange(n), y] -= 1.0
    return g / n


# --- panels ---------------------------------------------------------------------------

_P_GRID = np.linspace(0.005, 0.995, 199)


def prob_losses(p: float, y: int) -> dict:
    """BCE и квадрат ошибки (p − y)² для предсказанной вероятности p ∈ (0, 1) и метки y."""
    p_arr, y_arr = np.array([p], float), np.array([y], float)
    return {"bce": float(bce_on_probability(p_arr, y_arr)[0]), "mse": float((p - y) ** 2)}


def _setup_prob_losses(fig, p: float) -> dict:
    ax = fig.add_subplot(1, 1, 1)
    points = []
    for y, ls_ in ((1, "-"), (0, "--")):
        yy = np.full_like(_P_GRID, float(y))
        ax.plot(_P_GRID, bce_on_probability(_P_GRID, yy), color="C0", ls=ls_, lw=2, label=f"BCE, y = {y}")
        ax.plot(_P_GRID, (_P_GRID - y) ** 2, color="C1", ls=ls_, lw=2, label=f"(p − y)², y = {y}")
        points.append(ax.plot([p, p], [0.0, 0.0], "o", color="0.15", ms=5)[0])
    marker = ax.axvline(p, color="0.5", lw=0.8, ls=":")
    ax.set_xlabel("предсказанная вероятность p")
    ax.set_ylabel("потеря L")
    ax.set_ylim(0, 5.5)
    ax.set_xlim(0, 1)
    ax.set_xticks([0.0, 0.25, 0.5, 0.75, 1.0])
    ax.set_yticks([0, 1, 2, 3, 4, 5])
    legend = ax.legend(fontsize=8, loc="upper center", ncol=2)
    ax.grid(alpha=0.3)
    # legend entries in the order of the curves: BCE y=1, MSE y=1, BCE y=0, MSE y=0
    return {"points": points, "marker": marker, "legend": legend, "texts": legend.get_texts()}


def _update_prob_losses(state: dict, p: float) -> list:
    for i, y in enumerate((1, 0)):
        v = prob_losses(p, y)
        state["points"][i].set_data([p, p], [v["bce"], v["mse"]])
        state["texts"][2 * i].set_text(f"BCE, y = {y}: {v['bce']:.3f}")
        state["texts"][2 * i + 1].set_text(f"(p − y)², y = {y}: {v['mse']:.3f}")
    state["marker"].set_xdata([p, p])
    return [*state["points"], state["marker"], state["legend"]]


widgets.register(widgets.Panel(
    key="ch06.prob_losses",
    title="Потеря при предсказанной вероятности p: бинарная кросс-энтропия и квадрат ошибки",
    controls=(widgets.FloatSlider("p", "p", 0.01, 0.99, 0.01, 0.7),),
    setup=_setup_prob_losses,
    update=_update_prob_losses,
    figsize=(6.0, 3.2),
    snapshots=({"p": 0.9}, {"p": 0.5}, {"p": 0.02}),
    snapshot_figsize=(6.0, 2.7),
))


_OUTLIER_GRID = np.array([0.0, 10.0])


def _fit_label(name: str, w: float, b: float) -> str:
    return f"{name}: ω = {w:.2f}, b = {b:.2f}".replace("-", "−")


def _setup_outlier(fig, x_out: float, size: float) -> dict:
    ax = fig.add_subplot(1, 1, 1)
    grid = _OUTLIER_GRID
    ax.plot(grid, TRUE_W * grid + TRUE_B, color="0.5", ls="--", lw=1, label="истинная прямая")
    fits = [ax.plot(grid, np.zeros_like(grid), color=color, lw=2, label=name)[0]
            for name, color in (("MSE", "C0"), ("MAE", "C1"))]
    # the data points are drawn over the fitted lines, as before: they are redrawn in every frame
    data = ax.plot(_X_BASE, _Y_BASE, "o", color="0.2", ms=4, label="данные")[0]
    outlier = ax.plot([x_out], [0.0], "o", color="C3", ms=7, label="выброс")[0]
    ax.set_xlim(-0.3, 10.3)
    ax.set_ylim(-21, 27)
    ax.set_xticks([0, 2, 4, 6, 8, 10])
    ax.set_yticks([-20, -10, 0, 10, 20])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    legend = ax.legend(fontsize=7, loc="upper left", ncol=2)
    ax.grid(alpha=0.3)
    texts = legend.get_texts()
    return {"fits": fits, "data": data, "outlier": outlier, "legend": legend, "texts": (texts[1], texts[2])}


def _update_outlier(state: dict, x_out: float, size: float) -> list:
    f = outlier_fits(x_out, size)
    for line, text, name in zip(state["fits"], state["texts"], ("MSE", "MAE")):
        w, b = f[name.lower()]
        line.set_ydata(w * _OUTLIER_GRID + b)
        text.set_text(_fit_label(name, w, b))
    state["outlier"].set_data(f["x"][-1:], f["y"][-1:])
    return [*state["fits"], state["data"], state["outlier"], state["legend"]]


widgets.register(widgets.Panel(
    key="ch06.outlier",
    title="Один выброс: прямые по MSE (МНК) и по MAE",
    controls=(widgets.FloatSlider("x_out", "положение выброса x", 0.0, 10.0, 0.5, 8.0),
              widgets.FloatSlider("size", "величина выброса", -20.0, 20.0, 0.5, 15.0)),
    setup=_setup_outlier,
    update=_update_outlier,
    figsize=(6.4, 3.4),
    snapshots=({"x_out": 8.0, "size": 0.0}, {"x_out": 8.0, "size": 8.0},
               {"x_out": 8.0, "size": 20.0}, {"x_out": 0.0, "size": -20.0}),
    snapshot_figsize=(5.0, 3.0),
    snapshot_cols=2,
))


def softmax_panel_values(z0: float, z1: float, z2: float, y: int) -> dict:
    """Для трёх логитов (z₀, z₁, z₂) и класса y ∈ {0, 1, 2}: вероятности softmax (форма (3,)),
    CE = −log p_y и градиент p − onehot(y) (форма (3,))."""
    if y not in (0, 1, 2):
        raise ValueError(f"softmax_panel_values: класс y должен быть 0, 1 или 2, получено {y!r}")
    z = np.array([[z0, z1, z2]], float)
    p = softmax(z, axis=1)[0]
    ce = float(-log_softmax(z, axis=1)[0, y])
    grad = softmax_ce_grad(z, np.array([y]))[0]
    return {"p": p, "ce": ce, "grad": grad}


def _setup_softmax(fig, z0: float, z1: float, z2: float, y: int) -> dict:
    ax = fig.add_subplot(1, 1, 1)
    k = np.arange(3)
    probs = ax.bar(k - 0.2, np.zeros(3), width=0.38, color="C0")
    grads = ax.bar(k + 0.2, np.zeros(3), width=0.38, color="0.55")
    labels = [ax.text(j - 0.2, 0.03, "", ha="center", fontsize=8) for j in k]
    zero = ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlim(-0.6, 2.6)
    ax.set_ylim(-1.05, 1.5)
    ax.set_yticks([-1.0, -0.5, 0.0, 0.5, 1.0])
    ax.set_xticks(k, ["класс 0", "класс 1", "класс 2"])
    title = ax.set_title("", fontsize=10)
    handles = [Patch(color="C0", label="p_k"), Patch(color="C1", label="p_y (класс y)"),
               Patch(color="0.55", label="∂L/∂z_k")]
    ax.legend(handles=handles, fontsize=8, loc="upper center", ncol=3)
    ax.grid(alpha=0.3, axis="y")
    ax.set_axisbelow(True)          # the bars move and are drawn over the still grid
    return {"probs": list(probs), "grads": list(grads), "labels": labels, "zero": zero, "title": title}


def _update_softmax(state: dict, z0: float, z1: float, z2: float, y: int) -> list:
    v = softmax_panel_values(z0, z1, z2, y)
    for j in range(3):
        state["probs"][j].set_height(v["p"][j])
        state["probs"][j].set_facecolor("C1" if j == y else "C0")
        state["grads"][j].set_height(v["grad"][j])
        state["labels"][j].set_y(v["p"][j] + 0.03)
        state["labels"][j].set_text(f"{v['p'][j]:.2f}")
    state["title"].set_text(f"кросс-энтропия CE = −log p_y = {v['ce']:.3f}")
    return [*state["probs"], *state["grads"], state["zero"], *state["labels"], state["title"]]


widgets.register(widgets.Panel(
    key="ch06.softmax",
    title="Логиты → вероятности softmax и кросс-энтропия (оранжевый — правильный класс y)",
    controls=(widgets.FloatSlider("z0", "z₀", -5.0, 5.0, 0.1, 2.0),
              widgets.FloatSlider("z1", "z₁", -5.0, 5.0, 0.1, 1.0),
              widgets.FloatSlider("z2", "z₂", -5.0, 5.0, 0.1, -1.0),
              widgets.Dropdown("y", "правильный класс y", (("0", 0), ("1", 1), ("2", 2)), 0)),
    setup=_setup_softmax,
    update=_update_softmax,
    figsize=(5.6, 3.4),
    snapshots=({"z0": 2.0, "z1": 1.0, "z2": -1.0, "y": 0}, {"z0": 2.0, "z1": 1.0, "z2": -1.0, "y": 2},
               {"z0": 4.0, "z1": 4.0, "z2": 4.0, "y": 0}, {"z0": -2.0, "z1": 0.0, "z2": 5.0, "y": 2}),
    snapshot_figsize=(4.2, 3.0),
    snapshot_cols=2,
))
