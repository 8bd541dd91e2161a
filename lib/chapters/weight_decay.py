"""Adam и weight decay (глава 7): L2-штраф в потере против усыхания весов (AdamW).

У SGD без импульса добавить (γ/2)‖θ‖² к потере и умножать веса на (1 − ηγ) перед каждым
шагом — одно и то же. У Adam — нет: штраф γθ в потере проходит через деление на √v̂, и параметр
с большими градиентами усыхает слабее. AdamW (Loshchilov, Hutter, 2019) отделяет усыхание от
адаптивного шага; здесь, как в ``torch.optim.AdamW``, множитель усыхания 1 − ηγ содержит сам шаг η.
``adam_with_decay`` считает оба варианта на заданной последовательности градиентов;
тесты курса сверяют его с ``torch.optim.Adam`` и ``torch.optim.AdamW``.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validate import as_float_array

__all__ = ["adam_with_decay"]


def _check_nonnegative(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name}: ожидалось конечное число ≥ 0, получено {value!r}")
    return float(value)


def adam_with_decay(grads, theta0, lr: float, weight_decay: float, decoupled: bool,
                    betas=(0.9, 0.999), eps: float = 1e-8):
    """Adam по заданной последовательности градиентов потери, с L2-штрафом γ двумя способами.

    grads: (T, P) — ∇L на шагах t = 1, …, T (здесь они не зависят от θ); theta0: (P,).
    ``decoupled=False`` — штраф в потере, как ``torch.optim.Adam(weight_decay=γ)``: g_t = ∇L_t + γθ_{t−1};
    ``decoupled=True`` — AdamW (Loshchilov, Hutter, 2019), как ``torch.optim.AdamW``:
    θ ← (1 − ηγ)θ, g_t = ∇L_t. Дальше у обоих m_t = β₁m_{t−1} + (1 − β₁)g_t,
    v_t = β₂v_{t−1} + (1 − β₂)g_t², θ_t = θ − η m̂_t / (√v̂_t + ε), где m̂_t = m_t/(1 − β₁ᵗ),
    v̂_t = v_t/(1 − β₂ᵗ). Возвращает траекторию θ_0, …, θ_T формы (T + 1, P).
    """
    grads, theta = as_float_array(grads, "grads"), as_float_array(theta0, "theta0").copy()
    if grads.ndim != 2 or theta.shape != grads.shape[1:]:
        raise ValueError(f"adam_with_decay: ожидались grads формы (T, P) и theta0 формы (P,), "
                         f"получены {grads.shape} и {theta.shape}")
    lr, weight_decay = _check_nonnegative(lr, "lr"), _check_nonnegative(weight_decay, "weight_decay")
    b1, b2 = betas
    m, v, path = np.zeros_like(theta), np.zeros_like(theta), [theta.copy()]
    for t, g in enumerate(grads, start=1):
        if decoupled:
            theta = theta * (1.0 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        theta = theta - lr / (1 - b1**t) * m / (np.sqrt(v) / np.sqrt(1 - b2**t) + eps)
        path.append(theta.copy())
    return np.array(path)
