"""Цепное правило и обратное распространение ошибки (глава 4): вычисления и панели.

Что здесь есть:

* ``numerical_jacobian`` — матрица Якоби J_g ∈ R^{m×k} функции g: R^k → R^m конечными
  разностями; цепное правило: J_f = J_{g_m} ⋯ J_{g_1};
* ``neuron_graph`` — вычислительный граф L = (σ(x₁ω₁ + x₂ω₂ + b) − y)² из ``lib.autograd.Value``,
  ``neuron_graph_by_hand`` — те же градиенты по формулам, ``backward_trace`` — обратный проход
  по шагам;
* ``two_layer_backprop`` — обратный проход сети главы 3 ŷ = σ(σ(XW₁ + b₁)W₂ + b₂) с MSE
  в матричной форме;
* ``backprop_vs_numeric`` — сколько стоит градиент: обратный проход против конечных разностей;
* ``fd_error`` — ошибка конечной разности в зависимости от шага ε (усечение против округления);
* мини-батчи для линейной регрессии ŷ = ωx + b: ``minibatch_descent`` (путь параметров и потеря
  после каждого шага), ``minibatch_gradient_variance`` (дисперсия градиента по батчу ∝ 1/B).
"""

from __future__ import annotations

import time

import numpy as np

from . import widgets
from ._validate import as_float_array, as_generator, check_positive_int
from .activations import sigmoid
from .autograd import Value, draw_graph

__all__ = [
    "numerical_jacobian", "neuron_graph", "neuron_graph_by_hand", "backward_trace",
    "two_layer_forward", "two_layer_backprop", "count_parameters", "backprop_vs_numeric",
    "fd_derivative", "fd_error", "fd_error_model", "linear_problem", "linear_loss",
    "per_sample_gradients", "minibatch_descent", "minibatch_gradient_variance", "loglog_slope",
    "steps_per_epoch", "compare_batch_sizes", "plot_batch_comparison", "gradient_variance_theory",
]

#: Unit round-off of float64: the relative error of one rounding, 2⁻⁵³ ≈ 1.1·10⁻¹⁶.
UNIT_ROUNDOFF = np.finfo(np.float64).eps / 2


# --- the chain rule ------------------------------------------------------------------

def numerical_jacobian(f, x, eps: float = 1e-6) -> np.ndarray:
    """Матрица Якоби функции g: R^k → R^m в точке x центральными разностями.

    f: функция, которая вектору формы (k,) сопоставляет вектор формы (m,) (или число, m = 1);
    x: точка формы (k,). Возвращает J формы (m, k), J[i, j] ≈ ∂g_i/∂x_j.
    """
    x = np.array(as_float_array(x, "x"), dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"numerical_jacobian: ожидалась точка формы (k,), получена форма {x.shape}")
    if not eps > 0:
        raise ValueError(f"numerical_jacobian: шаг eps должен быть > 0, получено {eps}")
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = eps
        diff = np.atleast_1d(np.asarray(f(x + step), float) - np.asarray(f(x - step), float))
        columns.append(diff / (2 * eps))
    return np.column_stack(columns)


# --- the computational graph of one neuron with a loss -----------------------------------

def neuron_graph(x1: float = 1.0, w1: float = 0.5, x2: float = -2.0, w2: float = 0.3,
                 b: float = 0.2, y: float = 1.0) -> tuple:
    """Граф L = (σ(x₁ω₁ + x₂ω₂ + b) − y)² из узлов ``Value`` (градиенты ещё не посчитаны).

    Возвращает (L, nodes): корень графа и словарь узлов по подписям
    'x₁', 'ω₁', 'x₂', 'ω₂', 'b', '−y', 'x₁ω₁', 'x₂ω₂', 's', 'z', 'ŷ', 'e', 'L'.
    Вычитание y записано как прибавление листа «−y», чтобы граф был короче.
    """
    n = {}
    for label, v in (("x₁", x1), ("ω₁", w1), ("x₂", x2), ("ω₂", w2), ("b", b), ("−y", -y)):
        n[label] = Value(v, label=label)
    n["x₁ω₁"] = n["x₁"] * n["ω₁"]
    n["x₂ω₂"] = n["x₂"] * n["ω₂"]
    n["s"] = n["x₁ω₁"] + n["x₂ω₂"]
    n["z"] = n["s"] + n["b"]
    n["ŷ"] = n["z"].sigmoid()
    n["e"] = n["ŷ"] + n["−y"]
    n["L"] = n["e"] ** 2
    for label, v in n.items():
        v.label = label
    return n["L"], n


def neuron_graph_by_hand(x1: float = 1.0, w1: float = 0.5, x2: float = -2.0, w2: float = 0.3,
                         b: float = 0.2, y: float = 1.0) -> dict:
    """Градиенты того же графа по цепному правилу, записанному вручную.

    ∂L/∂ŷ = 2(ŷ − y); ∂L/∂z = ∂L/∂ŷ · ŷ(1 − ŷ); ∂L/∂ω_i = ∂L/∂z · x_i; ∂L/∂x_i = ∂L/∂z · ω_i;
    ∂L/∂b = ∂L/∂z. Возвращает словарь {подпись: (значение, градиент)}.
    """
    z = x1 * w1 + x2 * w2 + b
    y_hat = float(sigmoid(z))
    e = y_hat - y
    dL_dyhat = 2 * e
    dL_dz = dL_dyhat * y_hat * (1 - y_hat)
    return {"L": (e * e, 1.0), "e": (e, dL_dyhat), "ŷ": (y_hat, dL_dyhat), "z": (z, dL_dz),
            "s": (x1 * w1 + x2 * w2, dL_dz), "b": (b, dL_dz), "x₁ω₁": (x1 * w1, dL_dz),
            "x₂ω₂": (x2 * w2, dL_dz), "ω₁": (w1, dL_dz * x1), "x₁": (x1, dL_dz * w1),
            "ω₂": (w2, dL_dz * x2), "x₂": (x2, dL_dz * w2), "−y": (-y, dL_dyhat)}


def backward_trace(root: Value) -> list:
    """Обратный проход по шагам: то же, что ``root.backward()``, но с записью каждого шага.

    Градиенты в графе обнуляются, ∂L/∂L = 1, затем узлы обходятся в обратном
    топологическом порядке. Возвращает список строк (узел, операция, его градиент,
    что получили родители) — по одной на узел с родителями.
    """
    root.zero_grad()
    order = root.nodes()
    root.grad = 1.0
    steps = []
    for v in reversed(order):
        if not v._prev:
            continue
        before = [p.grad for p in v._prev]
        v._backward()
        parts = ", ".join(f"∂L/∂{p.label or '?'} += {p.grad - g0:.4g}"
                          for p, g0 in zip(v._prev, before))
        steps.append((v.label, v._op, v.grad, parts))
    return steps


# --- the chapter 3 network in matrix form ------------------------------------------------

def _check_two_layer(X, y, W1, b1, W2, b2):
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X: ожидался батч формы (n, d), получена форма {X.shape}")
    n, d = X.shape
    W1, b1, W2, b2 = (as_float_array(a, name) for a, name in ((W1, "W₁"), (b1, "b₁"), (W2, "W₂"), (b2, "b₂")))
    if W1.ndim != 2 or W1.shape[0] != d:
        raise ValueError(f"W₁: ожидалась форма ({d}, H), получена {W1.shape}")
    H = W1.shape[1]
    if b1.shape != (H,):
        raise ValueError(f"b₁: ожидалась форма ({H},), получена {b1.shape}")
    if W2.ndim != 2 or W2.shape[0] != H:
        raise ValueError(f"W₂: ожидалась форма ({H}, m), получена {W2.shape}")
    m = W2.shape[1]
    if b2.shape != (m,):
        raise ValueError(f"b₂: ожидалась форма ({m},), получена {b2.shape}")
    y = as_float_array(y, "y")
    if y.shape != (n, m):
        raise ValueError(f"y: ожидалась форма ({n}, {m}) — как у выхода сети, получена {y.shape}")
    return X, y, W1, b1, W2, b2


def two_layer_forward(X, W1, b1, W2, b2) -> dict:
    """Прямой проход сети главы 3: Z₁ = XW₁ + b₁, A₁ = σ(Z₁), Z₂ = A₁W₂ + b₂, Ŷ = σ(Z₂).

    X (n, d), W₁ (d, H), b₁ (H,), W₂ (H, m), b₂ (m,). Возвращает словарь промежуточных
    величин 'Z1' (n, H), 'A1' (n, H), 'Z2' (n, m), 'Y_hat' (n, m).
    """
    Z1 = X @ W1 + b1
    A1 = sigmoid(Z1)
    Z2 = A1 @ W2 + b2
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "Y_hat": sigmoid(Z2)}


def two_layer_backprop(X, y, W1, b1, W2, b2) -> dict:
    """Потеря L = (1/N) Σ (ŷ − y)² (N = n·m) и её градиенты — обратный проход в матричной форме.

    G_Ŷ = 2(Ŷ − Y)/N (n, m); G_{Z₂} = G_Ŷ ⊙ Ŷ(1 − Ŷ) (n, m);
    ∂L/∂W₂ = A₁ᵀ G_{Z₂} (H, m); ∂L/∂b₂ = Σ_i (G_{Z₂})_i (m,);
    G_{A₁} = G_{Z₂} W₂ᵀ (n, H); G_{Z₁} = G_{A₁} ⊙ A₁(1 − A₁) (n, H);
    ∂L/∂W₁ = Xᵀ G_{Z₁} (d, H); ∂L/∂b₁ = Σ_i (G_{Z₁})_i (H,).
    Возвращает словарь с ключами 'L', 'W1', 'b1', 'W2', 'b2' и промежуточными 'G_Z2', 'G_Z1'.
    """
    X, y, W1, b1, W2, b2 = _check_two_layer(X, y, W1, b1, W2, b2)
    f = two_layer_forward(X, W1, b1, W2, b2)
    A1, Y_hat = f["A1"], f["Y_hat"]
    N = Y_hat.size
    G_Y = 2.0 * (Y_hat - y) / N
    G_Z2 = G_Y * Y_hat * (1.0 - Y_hat)
    G_A1 = G_Z2 @ W2.T
    G_Z1 = G_A1 * A1 * (1.0 - A1)
    return {"L": float(np.mean((Y_hat - y) ** 2)),
            "W2": A1.T @ G_Z2, "b2": G_Z2.sum(axis=0),
            "W1": X.T @ G_Z1, "b1": G_Z1.sum(axis=0),
            "G_Z2": G_Z2, "G_Z1": G_Z1}


# --- the cost of a gradient ----------------------------------------------------------------

def count_parameters(model) -> int:
    """Общее число чисел во всех параметрах модели."""
    return int(sum(p.data.size for p in model.parameters()))


def backprop_vs_numeric(model, loss_fn, X, y, n_sampled: int = 100, repeats: int = 20,
                        eps: float = 1e-6, rng=0) -> dict:
    """Сравнивает цену градиента: обратный проход против центральных разностей.

    Обратный проход: один прямой проход + один обратный; время — медиана по ``repeats``.
    Центральные разности требуют 2 прямых прохода на **каждый** из P параметров. Чтобы не
    ждать, они считаются для ``n_sampled`` случайных параметров, а время на все P
    экстраполируется: t_numeric ≈ t(выборки) · P / n_sampled.

    Возвращает словарь: 'P', 'forward_passes_backprop' (1), 'forward_passes_numeric' (2P),
    'time_forward', 'time_backprop', 'time_numeric' (оценка на все P), 'max_rel_error'
    (наибольшая относительная ошибка на выбранных параметрах).
    """
    n_sampled = check_positive_int(n_sampled, "n_sampled")
    gen = as_generator(rng)
    params = model.parameters()
    sizes = [p.data.size for p in params]
    P = int(sum(sizes))
    calls = {"n": 0}
    original_forward = model.forward

    def counted(x):
        calls["n"] += 1
        return original_forward(x)

    model.forward = counted
    try:
        forward_times, backprop_times = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            loss_fn(model(X), y)
            forward_times.append(time.perf_counter() - t0)
            calls["n"] = 0
            t0 = time.perf_counter()
            model.zero_grad()
            loss_fn(model(X), y)
            model.backward(loss_fn.backward())
            backprop_times.append(time.perf_counter() - t0)
        passes_backprop = calls["n"]
        analytic = np.concatenate([p.grad.ravel() for p in params])

        picked = gen.choice(P, size=min(n_sampled, P), replace=False)
        offsets = np.cumsum([0] + sizes)
        calls["n"] = 0
        numeric = np.empty(picked.size)
        t0 = time.perf_counter()
        for k, flat in enumerate(picked):
            i = int(np.searchsorted(offsets, flat, side="right") - 1)
            view = params[i].data.reshape(-1)
            j = flat - offsets[i]
            old = view[j]
            view[j] = old + eps
            f_plus = loss_fn(model(X), y)
            view[j] = old - eps
            f_minus = loss_fn(model(X), y)
            view[j] = old
            numeric[k] = (f_plus - f_minus) / (2 * eps)
        t_sampled = time.perf_counter() - t0
        passes_per_param = calls["n"] / picked.size
    finally:
        del model.forward
    a = analytic[picked]
    scale = max(np.max(np.abs(a)), np.max(np.abs(numeric)), 1e-300)
    return {"P": P, "forward_passes_backprop": passes_backprop,
            "forward_passes_numeric": int(round(passes_per_param * P)),
            "time_forward": float(np.median(forward_times)),
            "time_backprop": float(np.median(backprop_times)),
            "time_numeric": t_sampled * P / picked.size,
            "max_rel_error": float(np.max(np.abs(a - numeric)) / scale)}


# --- the finite-difference step ----------------------------------------------------------------

def _fd_function(z):
    return sigmoid(z)


def fd_derivative(eps, z0: float = 1.0, kind: str = "central"):
    """Конечная разность для f = σ в точке z₀ с шагом ε (число или массив шагов).

    kind='central': (f(z₀ + ε) − f(z₀ − ε)) / (2ε); kind='forward': (f(z₀ + ε) − f(z₀)) / ε.
    """
    eps = as_float_array(eps, "eps")
    if np.any(eps <= 0):
        raise ValueError(f"fd_derivative: шаг ε должен быть > 0, получено {eps.min()}")
    if kind == "central":
        return (_fd_function(z0 + eps) - _fd_function(z0 - eps)) / (2 * eps)
    if kind == "forward":
        return (_fd_function(z0 + eps) - _fd_function(z0)) / eps
    raise ValueError(f"fd_derivative: kind должен быть 'central' или 'forward', получено {kind!r}")


def fd_error(eps, z0: float = 1.0, kind: str = "central"):
    """Ошибка |разность − σ′(z₀)| конечной разности для шага ε (или массива шагов)."""
    s = float(sigmoid(z0))
    return np.abs(fd_derivative(eps, z0, kind) - s * (1 - s))


def fd_error_model(eps, z0: float = 1.0, kind: str = "central") -> tuple:
    """Оценка двух частей ошибки: (усечение, округление) для f = σ в точке z₀.

    Центральная: усечение |f‴| ε²/6, округление u|f|/ε; правая: усечение |f″| ε/2,
    округление 2u|f|/ε, где u ≈ 1,1·10⁻¹⁶ — единица округления float64.
    Возвращает массивы той же формы, что ε, и оптимальный шаг ε*, где сумма минимальна.
    """
    eps = as_float_array(eps, "eps")
    s = float(sigmoid(z0))
    f2 = s * (1 - s) * (1 - 2 * s)
    f3 = s * (1 - s) * (1 - 6 * s + 6 * s * s)
    u = UNIT_ROUNDOFF
    if kind == "central":
        c, r = abs(f3) / 6, u * s
        return c * eps**2, r / eps, (r / (2 * c)) ** (1 / 3)
    if kind == "forward":
        c, r = abs(f2) / 2, 2 * u * s
        return c * eps, r / eps, (r / c) ** 0.5
    raise ValueError(f"fd_error_model: kind должен быть 'central' или 'forward', получено {kind!r}")


def loglog_slope(x, y) -> float:
    """Наклон прямой, подобранной МНК к точкам (log x, log y): показатель степени в y ∝ x^k."""
    x, y = as_float_array(x, "x"), as_float_array(y, "y")
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(f"loglog_slope: нужны два одномерных массива одной длины ≥ 2, получены {x.shape}, {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("loglog_slope: все значения должны быть > 0 (берём логарифм)")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


# --- mini-batches: linear regression ŷ = ωx + b ------------------------------------------------

def linear_problem(n: int = 64, noise: float = 0.3, rng=0) -> tuple:
    """Задача линейной регрессии: x ~ U[0, 2], y = 2x − 1 + шум N(0, noise²).

    Возвращает x формы (n,) и y формы (n,). Модель ŷ = ωx + b, параметры θ = (ω, b).
    """
    n = check_positive_int(n, "n")
    gen = as_generator(rng)
    x = gen.uniform(0.0, 2.0, n)
    return x, 2.0 * x - 1.0 + noise * gen.standard_normal(n)


def linear_loss(theta, x, y) -> np.ndarray:
    """MSE L(θ) = (1/n) Σ (ωx_i + b − y_i)² для одной точки θ = (ω, b) или массива точек (…, 2)."""
    theta = as_float_array(theta, "theta")
    if theta.shape[-1] != 2:
        raise ValueError(f"linear_loss: θ = (ω, b) — последняя ось длины 2, получена форма {theta.shape}")
    r = theta[..., :1] * x + theta[..., 1:] - y
    return np.mean(r * r, axis=-1)


def per_sample_gradients(theta, x, y) -> np.ndarray:
    """Градиенты потерь отдельных объектов ℓ_i = (ωx_i + b − y_i)² по θ = (ω, b): форма (n, 2).

    Градиент потерь по батчу — среднее этих строк по объектам батча.
    """
    r = theta[0] * x + theta[1] - y
    return np.column_stack([2 * r * x, 2 * r])


def steps_per_epoch(n: int, batch_size: int) -> int:
    """Число итераций (шагов) за эпоху: ⌈n/B⌉ — последний батч может быть неполным."""
    return -(-check_positive_int(n, "n") // check_positive_int(batch_size, "batch_size"))


def minibatch_descent(x, y, batch_size: int, lr: float = 0.2, epochs: int = 10,
                      theta0=(-1.0, 2.5), rng=0) -> dict:
    """Спуск по мини-батчам для ŷ = ωx + b: каждую эпоху объекты перемешиваются и делятся
    на батчи по B (последний — остаток), на каждом батче шаг θ ← θ − η ∇L_батч(θ).

    B = n — полный (full-batch) спуск, B = 1 — стохастический по одному объекту.
    Возвращает словарь: 'path' — θ после каждого шага, форма (шагов + 1, 2);
    'loss' — потеря на всей выборке в этих точках; 'epoch' — номер эпохи (дробный) для
    каждой точки пути; 'steps_per_epoch' — ⌈n/B⌉.
    """
    x, y = as_float_array(x, "x"), as_float_array(y, "y")
    n = x.size
    if y.shape != x.shape or x.ndim != 1:
        raise ValueError(f"minibatch_descent: x и y — векторы одной длины, получены формы {x.shape}, {y.shape}")
    batch_size = check_positive_int(batch_size, "batch_size")
    if batch_size > n:
        raise ValueError(f"minibatch_descent: размер батча B = {batch_size} больше числа объектов n = {n}")
    if not lr > 0:
        raise ValueError(f"minibatch_descent: скорость обучения η должна быть > 0, получено {lr}")
    gen = as_generator(rng)
    k = steps_per_epoch(n, batch_size)
    theta = np.array(theta0, dtype=float)
    path = [theta.copy()]
    for _ in range(check_positive_int(epochs, "epochs")):
        order = gen.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            xb, yb = x[idx], y[idx]
            r = theta[0] * xb + theta[1] - yb
            theta = theta - lr * np.array([2 * np.mean(r * xb), 2 * np.mean(r)])
            path.append(theta.copy())
    path = np.array(path)
    return {"path": path, "loss": linear_loss(path, x, y),
            "epoch": np.arange(len(path)) / k, "steps_per_epoch": k}


def minibatch_gradient_variance(theta, x, y, batch_sizes, epochs: int = 200, rng=0) -> np.ndarray:
    """Дисперсия градиента по батчу: E‖g_B − ∇L‖² для каждого размера B.

    Батчи берутся так же, как при обучении: объекты перемешиваются и режутся на куски по B
    (выборка без возвращения); за ``epochs`` перемешиваний набирается много батчей.
    Теория: E‖g_B − ∇L‖² = (tr Σ / B) · (n − B)/(n − 1), где Σ — ковариация градиентов
    отдельных объектов (с делителем n). Возвращает массив длины len(batch_sizes).
    """
    x, y = as_float_array(x, "x"), as_float_array(y, "y")
    G = per_sample_gradients(np.asarray(theta, float), x, y)
    full = G.mean(axis=0)
    n = x.size
    gen = as_generator(rng)
    perms = np.argsort(gen.random((epochs, n)), axis=1)
    out = []
    for B in batch_sizes:
        B = check_positive_int(int(B), "B")
        if B > n:
            raise ValueError(f"minibatch_gradient_variance: B = {B} больше n = {n}")
        m = (n // B) * B
        idx = perms[:, :m].reshape(-1, B)
        gB = G[idx].mean(axis=1)
        out.append(np.mean(np.sum((gB - full) ** 2, axis=1)))
    return np.array(out)


def gradient_variance_theory(theta, x, y, batch_sizes) -> np.ndarray:
    """Теоретическая дисперсия (tr Σ / B) · (n − B)/(n − 1) для выборки без возвращения."""
    G = per_sample_gradients(np.asarray(theta, float), x, y)
    n = len(G)
    tr = np.sum(G.var(axis=0))
    B = np.asarray(batch_sizes, float)
    return tr / B * (n - B) / (n - 1)


def compare_batch_sizes(x, y, batch_sizes, lr: float = 0.05, epochs: int = 10, seeds=range(5)) -> dict:
    """Полный, мини-батчевый и стохастический спуск на одной задаче, усреднённые по зёрнам.

    Для каждого B из ``batch_sizes`` запускает ``minibatch_descent`` с зёрнами ``seeds`` из
    одной начальной точки и возвращает словарь B → {'epoch': номер эпохи для каждой точки,
    'steps': номер шага (сколько раз считался градиент), 'loss': средняя по зёрнам потеря
    на всей выборке, 'steps_per_epoch': ⌈n/B⌉}.
    """
    out = {}
    for B in batch_sizes:
        runs = [minibatch_descent(x, y, int(B), lr=lr, epochs=epochs, rng=s) for s in seeds]
        loss = np.mean([r["loss"] for r in runs], axis=0)
        out[int(B)] = {"epoch": runs[0]["epoch"], "steps": np.arange(len(loss)), "loss": loss,
                       "steps_per_epoch": runs[0]["steps_per_epoch"]}
    return out


def plot_batch_comparison(results: dict, best_loss: float | None = None):
    """Два графика: потеря против эпох и против числа вычислений градиента (шагов, лог. шкала)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.0, 3.2), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    n = max(results)
    for i, (B, r) in enumerate(sorted(results.items())):
        name = "весь набор" if B == n else ("по одному" if B == 1 else "мини-батч")
        label = f"B = {B} ({name})"
        ax1.plot(r["epoch"], r["loss"], color=f"C{i}", lw=1.2, label=label)
        ax2.plot(r["steps"][1:], r["loss"][1:], color=f"C{i}", lw=1.2, label=label)
    for ax in (ax1, ax2):
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
        if best_loss is not None:
            ax.axhline(best_loss, color="0.4", lw=0.8, ls="--")
    ax2.set_xscale("log")
    ax1.set_xlabel("эпоха")
    ax2.set_xlabel("число вычислений градиента (шагов)")
    ax1.set_ylabel("потеря на всей выборке")
    ax1.legend(fontsize=8)
    return fig


# --- panels --------------------------------------------------------------------------------------

def _graph_node_text(v: Value) -> str:
    """The text of a node box, exactly as ``draw_graph`` writes it (label, value, gradient)."""
    return f"{v.label}\n{v.data:.4g}\n∇ {v.grad:.4g}"


def _graph_title(L: Value, nodes: dict) -> str:
    return (f"L = {L.data:.4f};   ∂L/∂ω₁ = {nodes['ω₁'].grad:.4f},   ∂L/∂x₁ = {nodes['x₁'].grad:.4f}"
            .replace("-", "−"))


def _setup_graph_panel(fig, x1: float, w1: float) -> dict:
    # The layout of the graph does not depend on the values: draw it once, then only the texts of
    # the node boxes (and the title) change.
    L, nodes = neuron_graph(x1=x1, w1=w1)
    L.backward()
    ax = fig.add_subplot(1, 1, 1)
    draw_graph(L, ax=ax, highlight=nodes["ω₁"], fontsize=7.5)
    boxes = {}
    for text in ax.texts:
        label = text.get_text().split("\n", 1)[0]
        if text.get_bbox_patch() is not None and label in nodes:
            boxes[label] = text
    if set(boxes) != set(nodes):
        raise RuntimeError(f"ch04.graph: не нашлись рамки узлов {sorted(set(nodes) - set(boxes))}")
    title = ax.set_title(_graph_title(L, nodes), fontsize=9)
    return {"boxes": boxes, "title": title}


def _update_graph_panel(state: dict, x1: float, w1: float) -> list:
    L, nodes = neuron_graph(x1=x1, w1=w1)
    L.backward()
    for label, text in state["boxes"].items():
        text.set_text(_graph_node_text(nodes[label]))
    state["title"].set_text(_graph_title(L, nodes))
    return [*state["boxes"].values(), state["title"]]


widgets.register(widgets.Panel(
    key="ch04.graph",
    title="Граф L = (σ(x₁ω₁ + x₂ω₂ + b) − y)²: в каждом узле значение и градиент ∇ = ∂L/∂(узел)",
    controls=(
        widgets.FloatSlider("x1", "x₁", -3.0, 3.0, 0.1, 1.0),
        widgets.FloatSlider("w1", "ω₁", -3.0, 3.0, 0.1, 0.5),
    ),
    setup=_setup_graph_panel,
    update=_update_graph_panel,
    figsize=(8.0, 3.3),
    snapshots=({"x1": 1.0, "w1": 0.5}, {"x1": 1.0, "w1": 3.0}, {"x1": 0.0, "w1": 0.5}),
    snapshot_figsize=(8.0, 3.0),
))

_EPS_GRID = np.logspace(-14, 0, 57)
_FD_KINDS = ("central", "forward")


def _setup_fd_panel(fig, log_eps: float, kind: str) -> dict:
    # Both kinds of difference are drawn once and shown or hidden, so that the Dropdown needs no
    # rebuild; the legend is redrawn on every move (its last line shows the chosen ε).
    ax = fig.add_subplot(1, 1, 1)
    curves = {}
    for k in _FD_KINDS:
        err = np.maximum(fd_error(_EPS_GRID, kind=k), 1e-18)
        trunc, rnd, best = fd_error_model(_EPS_GRID, kind=k)
        curves[k] = [
            *ax.loglog(_EPS_GRID, err, "o-", ms=3, lw=1, color="C0", label="ошибка |разность − σ′(1)|"),
            *ax.loglog(_EPS_GRID, trunc, "--", color="C1", lw=1, label="усечение (формула Тейлора)"),
            *ax.loglog(_EPS_GRID, rnd, "--", color="C2", lw=1, label="округление (float64)"),
            ax.axvline(best, color="0.5", lw=0.8, ls=":"),
            ax.text(best, 1e-17, " ε*", color="0.3", fontsize=9),
        ]
    point, = ax.plot([1e-6], [1e-6], "o", ms=10, color="C3", label="ε")
    ax.set_xlim(10 ** -14.7, 10 ** 0.7)
    ax.set_ylim(1e-18, 1e2)
    ax.set_xlabel("шаг ε")
    ax.set_ylabel("ошибка производной")
    legend = ax.legend(handles=[*curves[kind][:3], point], fontsize=7, loc="upper center")
    ax.grid(alpha=0.3, which="major")
    return {"curves": curves, "point": point, "legend": legend}


def _update_fd_panel(state: dict, log_eps: float, kind: str) -> list:
    for k, artists in state["curves"].items():
        for artist in artists:
            artist.set_visible(k == kind)
    eps = 10.0 ** log_eps
    e = max(float(fd_error(eps, kind=kind)), 1e-18)
    state["point"].set_data([eps], [e])
    state["legend"].get_texts()[3].set_text(f"ε = {eps:.1e}: ошибка {e:.1e}".replace("-", "−"))
    curves = [a for k in _FD_KINDS for a in state["curves"][k][:3]]
    marks = [a for k in _FD_KINDS for a in state["curves"][k][3:]]
    return [*curves, state["point"], *marks, state["legend"]]


widgets.register(widgets.Panel(
    key="ch04.fd_step",
    title="Шаг конечной разности ε: слева побеждает округление, справа — усечение",
    controls=(
        widgets.FloatSlider("log_eps", "log₁₀ ε", -13.0, -1.0, 0.5, -6.0),
        widgets.Dropdown("kind", "разность", (("центральная", "central"), ("правая", "forward")), "central"),
    ),
    setup=_setup_fd_panel,
    update=_update_fd_panel,
    figsize=(6.5, 3.6),
    snapshots=({"log_eps": -6.0, "kind": "central"}, {"log_eps": -12.0, "kind": "central"},
               {"log_eps": -8.0, "kind": "forward"}),
    snapshot_figsize=(6.5, 3.2),
))

_PANEL_X, _PANEL_Y = linear_problem(64, rng=0)
_W_GRID = np.linspace(-1.5, 3.5, 40)
_B_GRID = np.linspace(-3.0, 3.0, 40)
_LOSS_GRID = linear_loss(np.stack(np.meshgrid(_W_GRID, _B_GRID), axis=-1), _PANEL_X, _PANEL_Y)
_PANEL_EPOCHS = 8
_PANEL_LR = 0.2
#: Fixed limits of the path plot: they hold the loss grid and every path over the slider range
#: (B = 1…64, seed 0…9; tests/test_backprop.py checks it), so no slider move rescales the axes.
_PANEL_W_LIM = (-1.7, 3.5)
_PANEL_B_LIM = (-3.0, 3.5)


def _batch_label(B: int) -> str:
    return f"B = {B}" + (" (весь набор)" if B == len(_PANEL_X) else "")


def _setup_batch_panel(fig, batch_size: int, seed: int) -> dict:
    n = len(_PANEL_X)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.contour(_W_GRID, _B_GRID, _LOSS_GRID, levels=np.geomspace(0.1, 30, 9), colors="0.7",
                linewidths=0.7)
    lines = {}
    # the mini-batch run (red) first, the full batch (dark grey) on top, as sorted({B, n}) drew them
    for which, color, lw in (("mini", "C3", 0.8), ("full", "0.2", 1.2)):
        path, = ax1.plot([], [], "-", color=color, lw=lw)
        end, = ax1.plot([], [], "o", color=color, ms=4)
        loss, = ax2.semilogy([], [], color=color, lw=1)
        lines[which] = (path, end, loss)
    ax1.set_xlim(*_PANEL_W_LIM)
    ax1.set_ylim(*_PANEL_B_LIM)
    ax1.set_xlabel("ω")
    ax1.set_ylabel("b")
    ax1.set_title("путь параметров", fontsize=9)
    ax2.set_xlim(-0.05 * _PANEL_EPOCHS, 1.05 * _PANEL_EPOCHS)
    ax2.set_xlabel("эпоха")
    ax2.set_ylabel("потеря на всей выборке")
    ax2.set_title(f"η = {_PANEL_LR}, n = {n}", fontsize=9)
    ax2.set_ylim(0.05, 30)
    ax2.grid(alpha=0.3)
    return {"axes": (ax1, ax2), "lines": lines}


def _update_batch_panel(state: dict, batch_size: int, seed: int) -> list:
    n = len(_PANEL_X)
    ax1, ax2 = state["axes"]
    shown = []
    for which, B in (("mini", batch_size), ("full", n)):
        path, end, loss = state["lines"][which]
        visible = which == "full" or B != n
        for artist in (path, end, loss):
            artist.set_visible(visible)
            artist.set_label(_batch_label(B))
        if visible:
            run = minibatch_descent(_PANEL_X, _PANEL_Y, B, lr=_PANEL_LR, epochs=_PANEL_EPOCHS, rng=seed)
            path.set_data(*run["path"].T)
            end.set_data([run["path"][-1, 0]], [run["path"][-1, 1]])
            loss.set_data(run["epoch"], run["loss"])
            shown.append(which)
    # The legends list one or two runs: they are built anew on each move (and drawn as moving
    # artists, above the lines).
    legend1 = ax1.legend(handles=[state["lines"][w][0] for w in shown], fontsize=7, loc="upper right")
    legend2 = ax2.legend(handles=[state["lines"][w][2] for w in shown], fontsize=7, loc="upper right")
    return [a for w in ("mini", "full") for a in state["lines"][w]] + [legend1, legend2]


widgets.register(widgets.Panel(
    key="ch04.batch",
    title="Размер батча B: чем он меньше, тем больше шагов за эпоху и тем шумнее путь",
    controls=(
        widgets.IntSlider("batch_size", "B", 1, 64, 1, 8),
        widgets.IntSlider("seed", "зерно", 0, 9, 1, 0),
    ),
    setup=_setup_batch_panel,
    update=_update_batch_panel,
    figsize=(8.0, 3.3),
    snapshots=({"batch_size": 1}, {"batch_size": 8}, {"batch_size": 32}),
    snapshot_figsize=(8.0, 3.0),
))
