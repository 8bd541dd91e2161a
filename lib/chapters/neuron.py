"""Модель нейрона (глава 1): формулы и опыты главы.

Нейрон с весами ω ∈ R^d и свободным членом b отвечает на объект-строку x ∈ R^d числом
ŷ = σ(xω + b) = σ(Σ_j x_j ω_j + b). Множество xω + b = 0 — гиперплоскость с нормалью ω;
на ней ŷ = σ(0) = 1/2, а вдоль ω ответ растёт от 0 к 1. Слой из H нейронов — σ(xW + b),
W ∈ R^{d×H}. Здесь же логические нейроны (И, ИЛИ, НЕ), XOR двумя слоями, схлопывание двух
линейных слоёв в один и игрушечная выборка из двух облаков точек.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_ndim
from ..activations import sigmoid

__all__ = ["neuron", "layer", "neuron_field", "step_center", "step_slope", "boundary_segment",
           "heaviside", "signed_distance", "log_odds", "parameter_count", "BOOLEAN_INPUTS", "LOGIC_NEURONS",
           "truth_table", "XOR_TARGETS", "XOR_HIDDEN", "XOR_OUTPUT", "xor_correct", "xor_network", "count_separating",
           "compose_linear", "two_clouds_means", "two_clouds", "accuracy", "perceptron_train",
           "perceptron_mistake_bound", "triangle_witness"]


def neuron(x, w, b, activation=sigmoid):
    """Ответ одного нейрона: ŷ = σ(xω + b) = σ(Σ_j x_j ω_j + b).

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
    """Слой из H нейронов на батче: σ(XW + b) (b прибавляется к каждой строке).

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

    Возвращает (x1, x2, y_hat): координаты сетки формы (resolution,) и ответы ŷ формы
    (resolution, resolution), где y_hat[i, j] = σ(x1[j] ω₁ + x2[i] ω₂ + b).
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


def heaviside(z):
    """Ступенька Хевисайда 𝟙[z > 0]: 1.0 при z > 0, иначе 0.0 (та же форма, что у z)."""
    return (as_float_array(z, "z") > 0).astype(float)


def signed_distance(X, w, b):
    """Расстояние со знаком от точки x до гиперплоскости xω + b = 0: (xω + b) / ‖ω‖.

    X: точка (d,) или батч (n, d); w: (d,), ω ≠ 0. Знак «+» — с той стороны, куда смотрит ω.
    """
    X = as_float_array(X, "X")
    w = check_ndim(as_float_array(w, "w"), 1, "w", "(d,)")
    norm = np.linalg.norm(w)
    if norm == 0:
        raise ValueError("signed_distance: при ω = 0 гиперплоскости нет")
    return (X @ w + b) / norm


def log_odds(p):
    """Логарифм шансов (логит) ln(p / (1 − p)) при 0 < p < 1; функция, обратная к σ."""
    p = as_float_array(p, "p")
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError("log_odds: вероятность должна лежать строго между 0 и 1")
    return np.log(p) - np.log1p(-p)


def parameter_count(d: int, H: int) -> int:
    """Число параметров слоя d → H: dH весов (матрица W) и H смещений (вектор b)."""
    return d * H + H


# The four points of {0, 1}² in the order (0,0), (0,1), (1,0), (1,1).
BOOLEAN_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])

LOGIC_NEURONS = {
    "И": (np.array([1.0, 1.0]), -1.5),
    "ИЛИ": (np.array([1.0, 1.0]), -0.5),
    "НЕ-И": (np.array([-1.0, -1.0]), 1.5),
    "НЕ": (np.array([-1.0]), 0.5),
}
"""Пороговые нейроны 𝟙[xω + b > 0] для логических функций: имя → (ω, b)."""


def truth_table(w, b, inputs=None):
    """Таблица истинности порогового нейрона 𝟙[xω + b > 0] на всех двоичных входах.

    По умолчанию входы — BOOLEAN_INPUTS (для d = 2) или [[0], [1]] (для d = 1).
    Возвращает массив нулей и единиц формы (число входов,).
    """
    w = check_ndim(as_float_array(w, "w"), 1, "w", "(d,)")
    if inputs is None:
        inputs = BOOLEAN_INPUTS if w.shape[0] == 2 else np.array([[0.0], [1.0]])
    return heaviside(as_float_array(inputs, "inputs") @ w + b)


XOR_TARGETS = np.array([0.0, 1.0, 1.0, 0.0])


def xor_correct(w, b) -> int:
    """На скольких из четырёх точек {0, 1}² пороговый нейрон 𝟙[xω + b > 0] совпадает с XOR (0 … 3)."""
    return int(np.sum(truth_table(w, b) == XOR_TARGETS))


XOR_HIDDEN = (np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([-0.5, 1.5]))
"""Скрытый слой сети для XOR: (W₁ формы (2, 2), b₁ формы (2,)); столбцы — нейроны ИЛИ и НЕ-И."""
XOR_OUTPUT = (np.array([1.0, 1.0]), -1.5)
"""Выходной нейрон сети для XOR: И от двух скрытых, (ω₂ формы (2,), b₂)."""


def xor_network(X, scale=None):
    """Двухслойная сеть для XOR: a = f(XW₁ + b₁) (ИЛИ, НЕ-И), ŷ = f(aω₂ + b₂) (И).

    f — ступенька 𝟙[z > 0] (scale=None) или сигмоида σ(scale·z): при большом scale она близка
    к ступеньке. X: (n, 2). Возвращает (a формы (n, 2), ŷ формы (n,)).
    """
    X = check_ndim(as_float_array(X, "X"), 2, "X", "(n, 2)")
    f = heaviside if scale is None else (lambda z: sigmoid(scale * z))
    a = f(X @ XOR_HIDDEN[0] + XOR_HIDDEN[1])
    return a, f(a @ XOR_OUTPUT[0] + XOR_OUTPUT[1])


def count_separating(targets, grid):
    """Сколько троек (ω₁, ω₂, b) из сетки grid³ дают пороговый нейрон с таблицей targets.

    targets: ответы (4,) на BOOLEAN_INPUTS; grid: значения (k,) для каждого из ω₁, ω₂, b.
    Возвращает (число подходящих троек, k³).
    """
    g = as_float_array(grid, "grid")
    w1, w2, b = np.meshgrid(g, g, g, indexing="ij")
    ok = np.ones(w1.shape, dtype=bool)
    for (x1, x2), t in zip(BOOLEAN_INPUTS, as_float_array(targets, "targets")):
        ok &= (w1 * x1 + w2 * x2 + b > 0) == bool(t)
    return int(ok.sum()), ok.size


def compose_linear(W1, b1, W2, b2):
    """Два линейных слоя подряд — один: (xW₁ + b₁)W₂ + b₂ = x(W₁W₂) + (b₁W₂ + b₂).

    W1: (d, H₁), b1: (H₁,), W2: (H₁, H₂), b2: (H₂,). Возвращает (W формы (d, H₂), b формы (H₂,)).
    """
    W1, W2 = as_float_array(W1, "W1"), as_float_array(W2, "W2")
    return W1 @ W2, as_float_array(b1, "b1") @ W2 + as_float_array(b2, "b2")


_CLOUDS_ANGLE = np.pi / 6
_CLOUDS_SHIFT = np.array([0.5, 0.5])


def two_clouds_means(distance: float = 3.0):
    """Центры c₀, c₁ двух облаков выборки two_clouds: массив формы (2, 2), ‖c₁ − c₀‖ = distance."""
    c = np.array([[-distance / 2, 0.0], [distance / 2, 0.0]])
    rot = np.array([[np.cos(_CLOUDS_ANGLE), np.sin(_CLOUDS_ANGLE)], [-np.sin(_CLOUDS_ANGLE), np.cos(_CLOUDS_ANGLE)]])
    return c @ rot + _CLOUDS_SHIFT


def two_clouds(n: int = 100, distance: float = 3.0, rng=0):
    """Игрушечная выборка на плоскости: по n точек двух классов из нормальных облаков.

    Класс k ∈ {0, 1} — точки c_k + ξ, ξ ~ N(0, I) (единичная ковариация), центры c_k — из
    two_clouds_means. Возвращает X формы (2n, 2) (сначала класс 0) и y формы (2n,).
    """
    gen = np.random.default_rng(rng)
    means = two_clouds_means(distance)
    X = np.concatenate([gen.standard_normal((n, 2)) + m for m in means])
    return X, np.repeat([0.0, 1.0], n)


def accuracy(X, y, w, b) -> float:
    """Доля объектов, для которых 𝟙[σ(xω + b) > 1/2] = 𝟙[xω + b > 0] совпадает с меткой y ∈ {0, 1}."""
    return float(np.mean(heaviside(as_float_array(X, "X") @ as_float_array(w, "w") + b) == y))


def perceptron_train(X, y, lr: float = 1.0, max_epochs: int = 100, rng=0, start=None):
    """Правило перцептрона Розенблатта для порогового нейрона ŷ = 𝟙[xω + b > 0].

    Начинаем с ω = 0, b = 0 (или с start = (ω₀ формы (d,), b₀)). Каждую эпоху объекты
    просматриваются в случайном порядке; после ответа ŷ_i на объект x_i: ω ← ω + η(y_i − ŷ_i)x_i,
    b ← b + η(y_i − ŷ_i) — веса меняются только при ошибке (тогда y_i − ŷ_i = ±1).
    Останавливаемся после первой эпохи без ошибок.
    X: (n, d), y: (n,) из нулей и единиц; lr: шаг η > 0.
    Возвращает (ω формы (d,), b, список числа ошибок в каждой эпохе).
    """
    X = check_ndim(as_float_array(X, "X"), 2, "X", "(n, d)")
    y = as_float_array(y, "y")
    if y.shape != (X.shape[0],) or not np.all((y == 0) | (y == 1)):
        raise ValueError("perceptron_train: y должен быть вектором из нулей и единиц длины n")
    gen = np.random.default_rng(rng)
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    if start is not None:
        w, b = as_float_array(start[0], "start[0]").reshape(X.shape[1]).copy(), float(start[1])
    for _ in range(max_epochs):
        count = 0
        for i in gen.permutation(len(y)):
            err = y[i] - float(X[i] @ w + b > 0)
            if err != 0:
                w, b, count = w + lr * err * X[i], b + lr * err, count + 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, mistakes


def perceptron_mistake_bound(X, y, w, b) -> float:
    """Оценка Новикоффа (R/Δ)² числа ошибок правила перцептрона (при старте с нуля).

    X: (n, d), объект x_i — строка i, его класс y_i ∈ {0, 1}; x̃_i = (x_i, 1), R = max_i ‖x̃_i‖.
    (ω, b) — любая гиперплоскость, разделяющая выборку; u = (ω, b)/‖(ω, b)‖ ∈ R^{d+1} и
    Δ = min_i (2y_i − 1)⟨x̃_i, u⟩ > 0 — её запас. Возвращает число (R/Δ)².
    """
    X_aug = np.column_stack([as_float_array(X, "X"), np.ones(len(X))])
    u = np.append(as_float_array(w, "w"), b)
    margin = float(np.min(np.where(as_float_array(y, "y") == 1, 1.0, -1.0) * (X_aug @ u)) / np.linalg.norm(u))
    if not margin > 0:
        raise ValueError("perceptron_mistake_bound: (ω, b) не разделяет выборку, запас Δ ≤ 0")
    return float(np.max(np.sum(X_aug**2, axis=1)) / margin**2)


def triangle_witness(X, y, neighbours: int = 8):
    """Свидетель линейной неразделимости выборки на плоскости: точка внутри треугольника чужого класса.

    Ищет объект x* и три объекта x⁽¹⁾, x⁽²⁾, x⁽³⁾ другого класса с x* = Σ_k ν_k x⁽ᵏ⁾, ν_k > 0,
    Σ_k ν_k = 1. Тогда z(x*) = Σ_k ν_k z(x⁽ᵏ⁾) при любых ω, b, и ни одна прямая не отвечает верно
    на всех четырёх точках. Перебирает треугольники из neighbours ближайших к x* точек другого класса.
    X: (n, 2), y: (n,) из нулей и единиц. Возвращает (i, (k₁, k₂, k₃), ν формы (3,)) или None.
    """
    X = check_ndim(as_float_array(X, "X"), 2, "X", "(n, 2)")
    y = as_float_array(y, "y")
    for i in range(len(y)):
        other = np.flatnonzero(y != y[i])
        near = other[np.argsort(np.sum((X[other] - X[i]) ** 2, axis=1))[:neighbours]]
        for a in range(len(near)):
            for c in range(a + 1, len(near)):
                for e in range(c + 1, len(near)):
                    tri = near[[a, c, e]]
                    A = np.vstack([X[tri].T, np.ones(3)])          # columns (q_k, 1)
                    if abs(np.linalg.det(A)) < 1e-9:
                        continue
                    nu = np.linalg.solve(A, np.append(X[i], 1.0))
                    if np.all(nu > 0):
                        return i, tuple(int(t) for t in tri), nu
    return None
