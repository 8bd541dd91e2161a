"""Глава 4. Цена градиента и его проверка: прямой режим против обратного, память, конечные разности.

Обозначения — как в ``lib.chapters.backprop``: сеть из D слоёв Linear шириной d_0, …, d_D,
батч из n объектов, P параметров; MAC — одно умножение со сложением. Шаг конечной разности — Δ.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array
from ..activations import sigmoid
from ..nn import Sequential
from .backprop import ACTIVATIONS, MacCounter, activation_names
from .digits import build_model

__all__ = [
    "mlp_jvp", "forward_mode_gradient", "linear_macs", "count_parameters", "chapter8_network",
    "count_forward_calls",
    "fd_gradient", "stored_floats", "UNIT_ROUNDOFF", "fd_derivative", "fd_error", "fd_error_model",
    "loglog_slope",
]

#: Единица округления float64: относительная ошибка одного округления, 2⁻⁵³ ≈ 1,1·10⁻¹⁶.
UNIT_ROUNDOFF = np.finfo(np.float64).eps / 2


# --- forward mode versus reverse mode ---------------------------------------------------------

def mlp_jvp(params, X, Y, tangent, hidden: str = "sigmoid", output: str = "identity",
            counter=None) -> float:
    """Прямой режим: производная MSE-потери L по направлению ``tangent`` за один проход вперёд.

    Рядом с z_ℓ, a_ℓ несём их производные: ż_ℓ = ȧ_{ℓ−1}W_ℓ + a_{ℓ−1}Ẇ_ℓ + ḃ_ℓ,
    ȧ_ℓ = σ′(z_ℓ) ⊙ ż_ℓ, ȧ_0 = 0; итог L̇ = (2/nm) Σ (a_D − Y) ⊙ ȧ_D — одно число.
    params, tangent: [(W_ℓ, b_ℓ)] и [(Ẇ_ℓ, ḃ_ℓ)] одних форм; X (n, d_0), Y (n, d_D).
    MAC: F на z_ℓ и F + (F − nd_0d_1) на ż_ℓ (у первого слоя ȧ_0 = 0), где F — MAC прямого прохода.
    """
    mm = (counter or MacCounter()).matmul
    names = activation_names(len(params), hidden, output)
    a, a_dot = as_float_array(X, "X"), None
    for (W, b), (W_dot, b_dot), name in zip(params, tangent, names):
        z = mm(a, W) + b
        z_dot = mm(a, W_dot) + b_dot + (0.0 if a_dot is None else mm(a_dot, W))
        a, a_dot = ACTIVATIONS[name][0](z), ACTIVATIONS[name][1](z) * z_dot
    Y = as_float_array(Y, "Y")
    return float(np.sum(2.0 * (a - Y) / Y.size * a_dot))


def forward_mode_gradient(params, X, Y, hidden: str = "sigmoid", output: str = "identity",
                          counter=None) -> list:
    """Градиент прямым режимом: P проходов ``mlp_jvp``, по одному на направление каждого параметра.

    Возвращает [(∂L/∂W_ℓ, ∂L/∂b_ℓ)] тех же форм, что params; counter набирает MAC всех P проходов.
    """
    grads = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
    basis = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
    for ell, pair in enumerate(grads):
        for k, g in enumerate(pair):
            for j in np.ndindex(g.shape):
                basis[ell][k][j] = 1.0
                g[j] = mlp_jvp(params, X, Y, basis, hidden, output, counter)
                basis[ell][k][j] = 0.0
    return grads


def linear_macs(n: int, widths) -> dict:
    """MAC произведений матриц сети из слоёв Linear шириной widths = (d_0, …, d_D) на батче n.

    Прямой проход: F = n Σ_ℓ d_{ℓ−1}d_ℓ (a_{ℓ−1}W_ℓ). Обратный: a_{ℓ−1}ᵀδ_ℓ — ещё F, и δ_ℓW_ℓᵀ
    при ℓ ≥ 2 — F − nd_0d_1 (градиент по входу сети не нужен). Один проход прямого режима:
    2F − nd_0d_1 на ż_ℓ плюс F. Возвращает {'forward', 'backward', 'jvp'}.
    """
    F = n * sum(p * q for p, q in zip(widths[:-1], widths[1:]))
    return {"forward": F, "backward": 2 * F - n * widths[0] * widths[1],
            "jvp": 3 * F - n * widths[0] * widths[1]}


# --- counting: parameters, forward passes, stored activations ----------------------------------

def count_parameters(model) -> int:
    """P — сколько чисел во всех параметрах модели: Σ p.data.size."""
    return int(sum(p.data.size for p in model.parameters()))


def chapter8_network(hidden: int = 128, p: float = 0.2, rng=0) -> Sequential:
    """Сеть главы 8 — её же конструктор ``lib.chapters.digits.build_model``:
    Linear(64, H) → ReLU → Dropout(p) → Linear(H, 10), P = 75H + 10.

    По умолчанию H = 128 и p = 0,2 — значения, с которыми глава 8 обучает сеть.
    """
    return build_model(hidden=hidden, p=p, rng=rng)


def count_forward_calls(model, run) -> int:
    """Сколько раз ``run()`` вызвал прямой проход модели (``model.forward`` обёрнут на время вызова)."""
    calls = [0]
    original = model.forward

    def counted(x):
        calls[0] += 1
        return original(x)

    model.forward = counted
    try:
        run()
    finally:
        del model.forward
    return calls[0]


def fd_gradient(model, loss_fn, X, y, step: float = 1e-6) -> list:
    """Градиент потери по всем параметрам центральными разностями: (L(θ + Δe_j) − L(θ − Δe_j)) / (2Δ).

    Два прямых прохода на каждый из P параметров. Возвращает список массивов форм параметров.
    """
    grads = []
    for p in model.parameters():
        flat, g = p.data.reshape(-1), np.empty(p.data.size)
        for j in range(flat.size):
            old = flat[j]
            flat[j] = old + step
            plus = loss_fn(model(X), y)
            flat[j] = old - step
            minus = loss_fn(model(X), y)
            flat[j] = old
            g[j] = (plus - minus) / (2 * step)
        grads.append(g.reshape(p.data.shape))
    return grads


def stored_floats(model) -> int:
    """Сколько чисел модель держит после прямого прохода для обратного (кроме параметров).

    Суммирует размеры массивов в полях слоёв (вход Linear, выход сигмоиды, маска ReLU, …),
    кроме ``grad_output``; один и тот же массив в двух слоях считается один раз.
    """
    seen, total = set(), 0
    for layer in model.modules():
        for name, value in vars(layer).items():
            if isinstance(value, np.ndarray) and name != "grad_output" and id(value) not in seen:
                seen.add(id(value))
                total += value.size
    return total


# --- the finite-difference step Δ -----------------------------------------------------------------

def fd_derivative(step, z0: float = 1.0, kind: str = "central"):
    """Конечная разность для f = σ в точке z₀ с шагом Δ (число или массив шагов).

    kind='central': (f(z₀ + Δ) − f(z₀ − Δ)) / (2Δ); kind='forward': (f(z₀ + Δ) − f(z₀)) / Δ.
    """
    step = as_float_array(step, "step")
    if np.any(step <= 0):
        raise ValueError(f"fd_derivative: шаг Δ должен быть > 0, получено {step.min()}")
    if kind == "central":
        return (sigmoid(z0 + step) - sigmoid(z0 - step)) / (2 * step)
    if kind == "forward":
        return (sigmoid(z0 + step) - sigmoid(z0)) / step
    raise ValueError(f"fd_derivative: kind должен быть 'central' или 'forward', получено {kind!r}")


def fd_error(step, z0: float = 1.0, kind: str = "central"):
    """Ошибка |разность − σ′(z₀)| конечной разности с шагом Δ (число или массив шагов)."""
    s = float(sigmoid(z0))
    return np.abs(fd_derivative(step, z0, kind) - s * (1 - s))


def fd_error_model(step, z0: float = 1.0, kind: str = "central") -> tuple:
    """Оценка двух частей ошибки (усечение, округление) для f = σ в точке z₀ и лучший шаг Δ*.

    Центральная: усечение |f‴|Δ²/6, округление u|f|/Δ; правая: усечение |f″|Δ/2, округление
    2u|f|/Δ; u ≈ 1,1·10⁻¹⁶ — единица округления float64. Δ* — шаг, где сумма минимальна.
    Возвращает (усечение, округление) формы шага и число Δ*.
    """
    step = as_float_array(step, "step")
    s = float(sigmoid(z0))
    f2 = s * (1 - s) * (1 - 2 * s)
    f3 = s * (1 - s) * (1 - 6 * s + 6 * s * s)
    u = UNIT_ROUNDOFF
    if kind == "central":
        c, r = abs(f3) / 6, u * s
        return c * step**2, r / step, (r / (2 * c)) ** (1 / 3)
    if kind == "forward":
        c, r = abs(f2) / 2, 2 * u * s
        return c * step, r / step, (r / c) ** 0.5
    raise ValueError(f"fd_error_model: kind должен быть 'central' или 'forward', получено {kind!r}")


def loglog_slope(x, y) -> float:
    """Наклон прямой, подобранной МНК к точкам (log x, log y): показатель k в y ∝ x^k."""
    x, y = as_float_array(x, "x"), as_float_array(y, "y")
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(f"loglog_slope: нужны два одномерных массива одной длины ≥ 2, получены {x.shape}, {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("loglog_slope: все значения должны быть > 0 (берём логарифм)")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])
