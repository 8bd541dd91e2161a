"""Универсальная аппроксимация (глава 2): конструкция «ступеньки и горбы», её оценка ошибки и
обучение той же сети градиентным спуском. Рисунки и панели — в ``lib.figures.approximation``,
роль сдвигов, скорость Баррона и глубина — в ``lib.chapters.approximation_beyond``.

Сеть с одним скрытым слоем из H нейронов и без выходного сдвига, как в теореме Цыбенко:

    ŷ(x) = Σ_h α_h σ(x ω_h + b_h) = σ(xW + b) α,   W ∈ R^{d×H}, b ∈ R^H, α ∈ R^H.

Конструкция для d = 1 и непрерывной f на [0, 1]: отрезок режется на H кусков
[u_{j−1}, u_j], u_j = j/H, с серединами c_j = (j − 1/2)/H и значениями v_j = f(c_j).
Ступенчатая функция S(x) = v_j на куске j записывается суммой ступенек
S(x) = v_1 + Σ_{j=1}^{H−1} (v_{j+1} − v_j)·𝟙[x ≥ u_j], а каждая ступенька заменяется крутой
сигмоидой σ(ω(x − u_j)) с весом (крутизной) ω. Константу v_1 даёт нейрон с весом 0 и
сдвигом 0: σ(0) = 1/2, так что выходной вес 2v_1 даёт ровно v_1. Итого ровно H нейронов.
Для M-липшицевой f (глава 2, предложение)

    sup |ŷ − f| ≤ M/(2H) + (M/H)/(e^{ω/(2H)} − 1).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import nn
from .._validate import as_float_array, as_generator, check_finite, check_positive_int
from ..activations import sigmoid
from ..losses import MSELoss
from ..optim import SGD

__all__ = [
    "Target", "TARGETS", "get_target", "ramp", "bump", "midpoint_values", "step_network", "network", "bumps",
    "error_bound", "plan", "sup_error", "loglog_slope", "error_curve", "neurons_needed",
    "train_network", "tower_parts",
]


# --- target functions -------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """Целевая функция на [0, 1]: ключ, подпись, сама функция и её константа Липшица M
    (sup |f′|, посчитанный аналитически; в коде — ``lipschitz``)."""

    key: str
    label: str
    f: Callable
    lipschitz: float


TARGETS: dict[str, Target] = {
    "smooth": Target("smooth", "гладкая: sin 2πx", lambda x: np.sin(2 * np.pi * x), 2 * np.pi),
    "kink": Target("kink", "с изломом: 1 − 2|x − 0,4|", lambda x: 1 - 2 * np.abs(x - 0.4), 2.0),
    "wiggly": Target("wiggly", "сильно колеблющаяся: sin 12πx", lambda x: np.sin(12 * np.pi * x),
                     12 * np.pi),
}


def get_target(key: str) -> Target:
    """Целевая функция по ключу ('smooth', 'kink', 'wiggly')."""
    if key not in TARGETS:
        raise ValueError(f"неизвестная целевая функция «{key}»; есть: {', '.join(TARGETS)}")
    return TARGETS[key]


# --- building blocks --------------------------------------------------------------------

def ramp(z):
    """Кусочно-линейная «рампа» r(z) = ReLU(z + 1/2) − ReLU(z − 1/2) = clip(z + 1/2, 0, 1):
    непрерывная сигмоидальная функция из двух нейронов ReLU (r(z) → 0 и 1 на ∓∞)."""
    z = as_float_array(z, "z")
    return np.maximum(z + 0.5, 0.0) - np.maximum(z - 0.5, 0.0)


def bump(x, u1: float, u2: float, w: float):
    """Горб из двух сигмоид: σ(ω(x − u₁)) − σ(ω(x − u₂)), приближение индикатора [u₁, u₂] при ω → ∞.

    x: массив любой формы; u1 < u2: края горба; w = ω > 0: крутизна. Форма ответа — как у x.
    """
    x = as_float_array(x, "x")
    if not u1 < u2:
        raise ValueError(f"bump: левый край u1 должен быть меньше правого u2, получено u1 = {u1}, u2 = {u2}")
    if not w > 0:
        raise ValueError(f"bump: крутизна w должна быть > 0, получено w = {w}")
    return sigmoid(w * (x - u1)) - sigmoid(w * (x - u2))


def _check_hw(H, w):
    H = check_positive_int(H, "H")
    if isinstance(w, bool) or not isinstance(w, numbers.Real) or not (np.isfinite(w) and w > 0):
        raise ValueError(f"крутизна w должна быть конечным числом > 0, получено {w!r}")
    return H, float(w)


def midpoint_values(f: Callable, H: int) -> np.ndarray:
    """Значения v_j = f(c_j) в серединах кусков c_j = (j − 1/2)/H, j = 1 … H; форма (H,)."""
    H = check_positive_int(H, "H")
    v = check_finite(as_float_array(f((np.arange(1, H + 1) - 0.5) / H), "f(c)"), "f(c)")
    if v.shape != (H,):
        raise ValueError(f"f должна возвращать массив формы (H,) = ({H},), получено {v.shape}")
    return v


def step_network(f: Callable, H: int, w: float, activation=sigmoid):
    """Веса сети из H нейронов, приближающей f на [0, 1] суммой ступенек.

    Нейрон 0: ω = 0, b = 0, α = v_1/σ(0) — ровно константа v_1 (для логистической σ(0) = 1/2).
    Нейрон j = 1 … H−1: ω = w, b = −w u_j, α = v_{j+1} − v_j — ступенька в точке u_j = j/H.
    Здесь v_j = f(c_j), c_j = (j − 1/2)/H; activation — σ, для которой строится сеть.

    Возвращает (W, b, alpha) форм (1, H), (H,), (H,) — как у слоя Linear(1, H) и выходных весов.
    """
    H, w = _check_hw(H, w)
    v = midpoint_values(f, H)
    s0 = float(activation(np.zeros(1))[0])
    if s0 == 0.0:
        raise ValueError("step_network: σ(0) = 0, нейрон с нулевыми весом и сдвигом не даст константу")
    edges = np.arange(1, H) / H
    W = np.concatenate([[0.0], np.full(H - 1, w)])[None, :]
    b = np.concatenate([[0.0], -w * edges])
    alpha = np.concatenate([[v[0] / s0], np.diff(v)])
    return W, b, alpha


def network(X, W, b, alpha, activation=sigmoid):
    """Ответ сети с одним скрытым слоем без выходного сдвига: ŷ = σ(XW + b) α.

    X: батч формы (n, d) или, при d = 1, вектор точек формы (n,); W: (d, H); b: (H,);
    alpha: (H,). Возвращает массив формы (n,).
    """
    X = as_float_array(X, "X")
    if X.ndim == 1:
        X = X[:, None]
    W, b, alpha = (as_float_array(v, name) for v, name in ((W, "W"), (b, "b"), (alpha, "alpha")))
    if X.ndim != 2 or W.ndim != 2 or X.shape[1] != W.shape[0]:
        raise ValueError(f"network: ожидались X формы (n, d) и W формы (d, H), получены {X.shape} и {W.shape}")
    if b.shape != (W.shape[1],) or alpha.shape != (W.shape[1],):
        raise ValueError(f"network: b и alpha должны иметь форму (H,) = ({W.shape[1]},), "
                         f"получены {b.shape} и {alpha.shape}")
    return activation(X @ W + b) @ alpha


def bumps(x, f: Callable, H: int, w: float):
    """Отдельные горбы конструкции: массив формы (H, n), строка j — v_j·(s_{j−1}(x) − s_j(x)),
    где s_j(x) = σ(ω(x − u_j)) для 1 ≤ j ≤ H−1, s_0 = 1 (нейрон-константа, «ступенька на −∞»)
    и s_H = 0. Сумма строк в точности равна ответу ``network`` сети ``step_network``
    (суммирование по частям).
    """
    H, w = _check_hw(H, w)
    x = as_float_array(x, "x")
    if x.ndim != 1:
        raise ValueError(f"bumps: x — вектор точек формы (n,), получена форма {x.shape}")
    v = midpoint_values(f, H)
    edges = np.arange(1, H) / H
    s = np.empty((H + 1, x.size))
    s[0] = 1.0
    s[1:H] = sigmoid(w * (x[None, :] - edges[:, None]))
    s[H] = 0.0
    return v[:, None] * (s[:-1] - s[1:])


# --- error analysis ---------------------------------------------------------------------

def error_bound(H: int, w: float, M: float) -> float:
    """Оценка sup |ŷ − f| конструкции ``step_network`` для M-липшицевой f:

        M/(2H) + (M/H)/(e^{ω/(2H)} − 1).

    Первое слагаемое — ступенчатая функция по серединам кусков, второе — «хвосты» всех
    несоседних сигмоид (геометрическая прогрессия). Константа в конструкции точная.
    """
    H, w = _check_hw(H, w)
    if not M >= 0:
        raise ValueError(f"error_bound: константа Липшица M должна быть ≥ 0, получено {M}")
    t = w / (2 * H)
    return M / (2 * H) + (M / H) * math.exp(-t) / (-math.expm1(-t))


def plan(eps: float, target: Target):
    """Число нейронов H и крутизна ω, при которых ``error_bound`` ≤ ε.

    Бюджет ε/2 + ε/2: H = ⌈M/ε⌉ (тогда M/(2H) ≤ ε/2) и ω = 2H·ln(1 + 2M/(Hε))
    (тогда хвосты (M/H)/(e^{ω/(2H)} − 1) = ε/2). Возвращает (H, ω).
    """
    if not (eps > 0):
        raise ValueError(f"plan: точность ε должна быть > 0, получено {eps}")
    M = target.lipschitz
    H = max(1, math.ceil(M / eps))
    return H, 2 * H * math.log1p(2 * M / (H * eps))


def sup_error(f: Callable, W, b, alpha, grid, activation=sigmoid) -> float:
    """max |ŷ(x) − f(x)| по точкам сетки grid (вектор формы (n,)) — равномерная норма на сетке."""
    grid = as_float_array(grid, "grid")
    out = np.empty(grid.size)
    for start in range(0, grid.size, 4096):          # chunks keep the (n, H) matrix small
        part = grid[start:start + 4096]
        out[start:start + 4096] = network(part, W, b, alpha, activation) - f(part)
    return float(np.max(np.abs(out)))


def loglog_slope(Hs, errors) -> float:
    """Наклон прямой, проведённой МНК через точки (ln H, ln ошибки): ошибка ≈ C·H^{наклон}."""
    Hs, errors = as_float_array(Hs, "Hs"), as_float_array(errors, "errors")
    if Hs.shape != errors.shape or Hs.ndim != 1 or Hs.size < 2:
        raise ValueError(f"loglog_slope: нужны два вектора одной длины ≥ 2, получены {Hs.shape} и {errors.shape}")
    if np.any(Hs <= 0) or np.any(errors <= 0):
        raise ValueError("loglog_slope: H и ошибки должны быть > 0 (берётся логарифм)")
    return float(np.polyfit(np.log(Hs), np.log(errors), 1)[0])


def error_curve(target: Target, Hs, steepness_per_neuron: float = 60.0, grid_points: int = 4001):
    """Равномерная ошибка конструкции для каждого H из Hs при ω = 60H (60 = steepness_per_neuron:
    ширина перехода — постоянная доля длины куска, хвосты ~ e^{−30} ничтожны).
    Возвращает массив ошибок формы (len(Hs),)."""
    grid = np.linspace(0.0, 1.0, grid_points)
    errs = []
    for H in Hs:
        W, b, alpha = step_network(target.f, int(H), steepness_per_neuron * int(H))
        errs.append(sup_error(target.f, W, b, alpha, grid))
    return np.array(errs)


def neurons_needed(target: Target, err: float, steepness_per_neuron: float = 60.0,
                   grid_points: int = 4001, H_max: int = 100000) -> int:
    """Наименьшее H, при котором конструкция (ω = steepness_per_neuron·H) даёт на сетке sup-ошибку ≤ err.
    Удвоение H, затем бисекция (ошибка конструкции убывает с H почти монотонно)."""
    if not err > 0:
        raise ValueError(f"neurons_needed: ошибка err должна быть > 0, получено {err}")
    grid = np.linspace(0.0, 1.0, grid_points)

    def ok(H):
        W, b, alpha = step_network(target.f, H, steepness_per_neuron * H)
        return sup_error(target.f, W, b, alpha, grid) <= err

    hi = 1
    while not ok(hi):
        hi *= 2
        if hi > H_max:
            raise ValueError(f"neurons_needed: не хватило H ≤ {H_max} для ошибки {err}")
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi


# --- training the same network ----------------------------------------------------------

def train_network(target: Target, H: int, steps: int = 2000, lr: float = 0.2, momentum: float = 0.9,
                  n: int = 101, rng=0, init_scale: float = 12.0):
    """Обучает сеть ŷ = σ(xW + b) α (без выходного сдвига) полным градиентным спуском по MSE
    на n равноотстоящих точках [0, 1].

    Начало: ω_h ~ U(−12, 12) (12 = init_scale), точки перехода ступенек x_h ~ U(0, 1) и
    b_h = −ω_h x_h; α — как в Linear(H, 1), U(−1/√H, 1/√H). Оптимизатор — lib.optim.SGD с
    моментом; выходной сдвиг Linear обнулён и не обучается (в теореме его нет).
    Возвращает (model, losses): Sequential(Linear(1, H), Sigmoid(), Linear(H, 1)) и список
    значений MSE по шагам.
    """
    H = check_positive_int(H, "H")
    steps = check_positive_int(steps, "steps")
    gen = as_generator(rng)
    hidden, out = nn.Linear(1, H, rng=gen), nn.Linear(H, 1, rng=gen)
    w = gen.uniform(-init_scale, init_scale, H)
    hidden.W.data[:] = w[None, :]
    hidden.b.data[:] = -w * gen.uniform(0.0, 1.0, H)
    out.b.data[:] = 0.0
    model = nn.Sequential(hidden, nn.Sigmoid(), out)
    opt = SGD([hidden.W, hidden.b, out.W], lr=lr, momentum=momentum)
    loss_fn = MSELoss()
    X = np.linspace(0.0, 1.0, n)[:, None]
    Y = target.f(X)
    losses = []
    for _ in range(steps):
        losses.append(loss_fn(model(X), Y))
        opt.zero_grad()
        model.backward(loss_fn.backward())
        opt.step()
    return model, losses


# --- d = 2: towers (picture) --------------------------------------------------------------

def tower_parts(n: int = 81, w: float = 40.0, lo: float = 0.4, hi: float = 0.6, threshold_w: float = 30.0):
    """Башня над квадратом [lo, hi]² в [0, 1]² по Нильсену.

    χ(x₁, x₂) = горб(x₁) + горб(x₂) — «крест» высотой ≈ 2 в центре и ≈ 1 на рукавах (четыре
    нейрона скрытого слоя, крутизна w); T = σ(ω′(χ − 3/2)) — башня: нейрон второго слоя с
    порогом 3/2 и крутизной ω′ = threshold_w.
    Возвращает (x, χ, T): сетка x формы (n,) и массивы χ, T формы (n, n) (строка — x₂).
    """
    x = np.linspace(0.0, 1.0, n)
    b1 = bump(x, lo, hi, w)
    cross = b1[None, :] + b1[:, None]
    return x, cross, sigmoid(threshold_w * (cross - 1.5))
