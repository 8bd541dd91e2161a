"""Глава 4. Цепное правило и обратное распространение ошибки: математика главы.

Обозначения — таблица введения: объект x — строка, батч X ∈ R^{n×d}; слой ℓ = 1, …, D:
z_ℓ = a_{ℓ−1} W_ℓ + b_ℓ, a_ℓ = σ_ℓ(z_ℓ), a_0 = x; δ_ℓ = ∂L/∂z_ℓ (та же форма, что z_ℓ, —
строка у объекта, матрица n×d_ℓ у батча); J — матрица Якоби; P — число параметров.
Шаг конечной разности в этой главе — Δ (ε занята точностью приближения главы 2).

Сверху вниз, как в главе: якобиан и цепное правило; граф одного нейрона; прямой и обратный
проход сети из D слоёв (рекурсия для δ_ℓ) со счётом умножений-сложений; симметрия
нулевой инициализации; насыщение сигмоиды с MSE. Цена градиента (прямой режим, память,
конечные разности) — в ``lib.chapters.backprop_cost``, мини-батчи — в ``lib.chapters.minibatch``.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array
from ..activations import sigmoid
from ..autograd import Value

__all__ = [
    "numerical_jacobian", "neuron_graph", "neuron_graph_by_hand", "backward_trace", "MacCounter",
    "ACTIVATIONS", "activation_names", "mlp_params", "mlp_forward", "mlp_backward", "train_from_constant",
    "sigmoid_output_delta",
]


def numerical_jacobian(f, x, step: float = 1e-6) -> np.ndarray:
    """Матрица Якоби J_g ∈ R^{m×k} функции g: R^k → R^m в точке x центральными разностями.

    f: вектор формы (k,) → вектор формы (m,) (или число, m = 1); x: точка формы (k,);
    step: шаг Δ. Столбец j: (g(x + Δe_j) − g(x − Δe_j)) / (2Δ); J[i, j] ≈ ∂g_i/∂x_j.
    """
    x = np.array(as_float_array(x, "x"), dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"numerical_jacobian: ожидалась точка формы (k,), получена форма {x.shape}")
    if not step > 0:
        raise ValueError(f"numerical_jacobian: шаг Δ (step) должен быть > 0, получено {step}")
    columns = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = step
        diff = np.atleast_1d(np.asarray(f(x + e), float) - np.asarray(f(x - e), float))
        columns.append(diff / (2 * step))
    return np.column_stack(columns)


# --- the computational graph G of one neuron with a loss -------------------------------------

def neuron_graph(x1: float = 1.0, w1: float = 0.5, x2: float = -2.0, w2: float = 0.3,
                 b: float = 0.2, y: float = 1.0) -> tuple:
    """Граф G для L = (σ(x₁ω₁ + x₂ω₂ + b) − y)² из узлов ``Value`` (градиенты ещё нули).

    Возвращает (L, nodes): корень графа и словарь узлов по подписям 'x₁', 'ω₁', 'x₂', 'ω₂', 'b',
    '−y', 'x₁ω₁', 'x₂ω₂', 'xω' (= x₁ω₁ + x₂ω₂), 'z', 'ŷ', 'ŷ−y', 'L'.
    Вычитание y записано как прибавление листа «−y», чтобы граф был короче.
    """
    n = {label: Value(v, label=label) for label, v in
         (("x₁", x1), ("ω₁", w1), ("x₂", x2), ("ω₂", w2), ("b", b), ("−y", -y))}
    n["x₁ω₁"] = n["x₁"] * n["ω₁"]
    n["x₂ω₂"] = n["x₂"] * n["ω₂"]
    n["xω"] = n["x₁ω₁"] + n["x₂ω₂"]
    n["z"] = n["xω"] + n["b"]
    n["ŷ"] = n["z"].sigmoid()
    n["ŷ−y"] = n["ŷ"] + n["−y"]
    n["L"] = n["ŷ−y"] ** 2
    for label, v in n.items():
        v.label = label
    return n["L"], n


def neuron_graph_by_hand(x1: float = 1.0, w1: float = 0.5, x2: float = -2.0, w2: float = 0.3,
                         b: float = 0.2, y: float = 1.0) -> dict:
    """Те же градиенты по цепному правилу, выписанному вручную: {подпись: (значение, ∂L/∂узел)}.

    ∂L/∂ŷ = 2(ŷ − y); δ = ∂L/∂z = 2(ŷ − y)·ŷ(1 − ŷ); ∂L/∂ω_j = δ·x_j; ∂L/∂x_j = δ·ω_j; ∂L/∂b = δ.
    """
    z = x1 * w1 + x2 * w2 + b
    y_hat = float(sigmoid(z))
    e = y_hat - y
    d_yhat = 2 * e
    delta = d_yhat * y_hat * (1 - y_hat)
    return {"L": (e * e, 1.0), "ŷ−y": (e, d_yhat), "ŷ": (y_hat, d_yhat), "z": (z, delta),
            "xω": (x1 * w1 + x2 * w2, delta), "b": (b, delta), "x₁ω₁": (x1 * w1, delta),
            "x₂ω₂": (x2 * w2, delta), "ω₁": (w1, delta * x1), "x₁": (x1, delta * w1),
            "ω₂": (w2, delta * x2), "x₂": (x2, delta * w2), "−y": (-y, d_yhat)}


def backward_trace(root: Value) -> list:
    """Обратный проход по шагам: то же, что ``root.backward()``, с записью каждого шага.

    Градиенты обнуляются, ∂L/∂L = 1, узлы обходятся в обратном топологическом порядке.
    Возвращает список (подпись узла, операция, ∂L/∂узел, что прибавлено родителям) — по
    строке на каждый узел, у которого есть родители.
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
        parts = ", ".join(f"∂L/∂{p.label or '?'} += {p.grad - g0:.4g}" for p, g0 in zip(v._prev, before))
        steps.append((v.label, v._op, v.grad, parts))
    return steps


# --- a network of D layers: forward, backward (the δ recursion), forward mode -------------------

class MacCounter:
    """Считает умножения-сложения (MAC) в произведениях матриц: (p×q)(q×r) — это pqr MAC.

    ``counter.matmul(A, B)`` возвращает A @ B и прибавляет pqr к ``counter.macs``.
    """

    def __init__(self):
        self.macs = 0

    def matmul(self, A, B):
        self.macs += A.shape[0] * A.shape[1] * B.shape[1]
        return A @ B


#: Активации главы: имя → (σ(z), σ′(z)); обе функции поэлементные.
ACTIVATIONS = {
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "identity": (lambda z: z, np.ones_like),
}


def activation_names(D: int, hidden: str, output: str) -> list:
    """Активации слоёв 1…D: ``hidden`` у скрытых, ``output`` у последнего (ключи ACTIVATIONS)."""
    for name in (hidden, output):
        if name not in ACTIVATIONS:
            raise ValueError(f"активация {name!r} неизвестна; есть: {', '.join(ACTIVATIONS)}")
    return [hidden] * (D - 1) + [output]


def mlp_params(model) -> list:
    """Параметры слоёв ``Linear`` модели ``lib.nn.Sequential`` по порядку: [(W_ℓ, b_ℓ), …].

    W_ℓ формы (d_{ℓ−1}, d_ℓ), b_ℓ формы (d_ℓ,) — ссылки на массивы модели, не копии.
    """
    return [(layer.W.data, layer.b.data) for layer in model if hasattr(layer, "W")]


def mlp_forward(params, X, hidden: str = "sigmoid", output: str = "identity", counter=None) -> dict:
    """Прямой проход: a_0 = X, z_ℓ = a_{ℓ−1} W_ℓ + b_ℓ, a_ℓ = σ(z_ℓ), на выходе σ_D = ``output``.

    params: [(W_ℓ, b_ℓ)], ℓ = 1…D; X: (n, d_0). Возвращает {'Z': [z_1 … z_D], 'A': [a_0 … a_D]},
    z_ℓ и a_ℓ формы (n, d_ℓ). counter: ``MacCounter`` (считает nd_{ℓ−1}d_ℓ MAC на слой) или None.
    """
    mm = (counter or MacCounter()).matmul
    names = activation_names(len(params), hidden, output)
    A, Z = [as_float_array(X, "X")], []
    for (W, b), name in zip(params, names):
        Z.append(mm(A[-1], W) + b)
        A.append(ACTIVATIONS[name][0](Z[-1]))
    return {"Z": Z, "A": A}


def mlp_backward(params, X, Y, hidden: str = "sigmoid", output: str = "identity", counter=None) -> dict:
    """MSE L = (1/nm) Σ (a_D − Y)² (nm — число элементов Y формы (n, m)) и её градиенты — рекурсия для δ_ℓ.

    δ_D = (2/nm)(a_D − Y) ⊙ σ_D′(z_D); для ℓ = D, …, 1: ∂L/∂W_ℓ = a_{ℓ−1}ᵀ δ_ℓ (d_{ℓ−1}, d_ℓ),
    ∂L/∂b_ℓ = Σ_i (δ_ℓ)_i (d_ℓ,), и при ℓ > 1: δ_{ℓ−1} = (δ_ℓ W_ℓᵀ) ⊙ σ′(z_{ℓ−1}).
    δ_ℓ — матрица n×d_ℓ, её строка i — δ_ℓ объекта i. Возвращает {'L', 'W': [...], 'b': [...],
    'delta': [δ_1 … δ_D]}; counter считает MAC прямого и обратного проходов.
    """
    mm = (counter or MacCounter()).matmul
    f = mlp_forward(params, X, hidden, output, counter)
    names = activation_names(len(params), hidden, output)
    Y = as_float_array(Y, "Y")
    if Y.shape != f["A"][-1].shape:
        raise ValueError(f"Y: ожидалась форма {f['A'][-1].shape} — как у выхода сети, получена {Y.shape}")
    D = len(params)
    deltas, dW, db = [None] * D, [None] * D, [None] * D
    delta = 2.0 * (f["A"][-1] - Y) / Y.size * ACTIVATIONS[names[-1]][1](f["Z"][-1])
    for ell in range(D, 0, -1):                     # ℓ = D, …, 1 (lists are 0-based: index ℓ − 1)
        deltas[ell - 1] = delta
        dW[ell - 1] = mm(f["A"][ell - 1].T, delta)  # a_{ℓ−1}ᵀ δ_ℓ
        db[ell - 1] = delta.sum(axis=0)
        if ell > 1:                                 # δ_{ℓ−1} = (δ_ℓ W_ℓᵀ) ⊙ σ′(z_{ℓ−1})
            delta = mm(delta, params[ell - 1][0].T) * ACTIVATIONS[names[ell - 2]][1](f["Z"][ell - 2])
    return {"L": float(np.mean((f["A"][-1] - Y) ** 2)), "W": dW, "b": db, "delta": deltas}


# --- why not zero init; sigmoid + MSE on the wrong side ------------------------------------------

def train_from_constant(model, loss_fn, X, y, value: float | None, lr: float = 0.5, steps: int = 200):
    """Все веса W_ℓ = ``value``, смещения 0 (или оставить случайные, value=None), затем ``steps``
    шагов полного градиентного спуска θ_t = θ_{t−1} − η∇L(θ_{t−1}). Меняет model, возвращает её."""
    if value is not None:
        for W, b in mlp_params(model):
            W[...] = value
            b[...] = 0.0
    for _ in range(steps):
        loss_fn(model(X), y)
        model.zero_grad()
        model.backward(loss_fn.backward())
        for p in model.parameters():
            p.data -= lr * p.grad
    return model


def sigmoid_output_delta(z, y, loss: str = "mse"):
    """δ = ∂L/∂z одного выхода ŷ = σ(z) с целью y ∈ {0, 1}.

    loss='mse': L = (ŷ − y)², δ = 2(ŷ − y)·σ′(z) — мал, когда |z| велик, даже при ŷ далеко от y;
    loss='bce': L = −y log ŷ − (1 − y) log(1 − ŷ), δ = ŷ − y. z — число или массив.
    """
    s = sigmoid(as_float_array(z, "z"))
    if loss == "mse":
        return 2 * (s - y) * s * (1 - s)
    if loss == "bce":
        return s - y
    raise ValueError(f"sigmoid_output_delta: loss должна быть 'mse' или 'bce', получено {loss!r}")
