"""Глава 3: градиентный спуск для настоящих моделей — линейного нейрона и сети из ``lib.nn``.

Все параметры модели (все W и b) укладываются в один вектор θ ∈ R^P в порядке
``model.parameters()``; так потеря становится функцией L(θ) одного вектора, и к ней применимы
формулы главы: шаг θ_t = θ_{t−1} − η ∇L(θ_{t−1}), гессиан ∇²L(θ) (P, P), его λ_max и граница
2/λ_max.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_finite
from .backprop import numerical_jacobian

__all__ = ["linear_mse_hessian", "flat_parameters", "set_flat_parameters", "flat_gradient",
           "numerical_hessian", "full_batch_descent"]


def linear_mse_hessian(X) -> np.ndarray:
    """Гессиан MSE линейного нейрона ŷ = xω + b по θ = (ω, b): (2/n) X̃ᵀX̃, где X̃ = [X 1].

    X: выборка (n, d); ответ — матрица (d + 1, d + 1). Потеря L(θ) = (1/n)‖X̃θ − y‖² —
    квадратичная функция θ, и её гессиан не зависит ни от θ, ни от y.
    """
    X = check_finite(as_float_array(X, "X"), "X")
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"linear_mse_hessian: X — непустая матрица (n, d), получен массив формы {X.shape}")
    X_tilde = np.hstack([X, np.ones((len(X), 1))])
    return 2 / len(X) * X_tilde.T @ X_tilde


def flat_parameters(model) -> np.ndarray:
    """Все параметры модели одним вектором θ формы (P,), в порядке ``model.parameters()``."""
    return np.concatenate([p.data.ravel() for p in model.parameters()])


def set_flat_parameters(model, theta) -> None:
    """Записывает вектор θ формы (P,) в параметры модели (обратное к ``flat_parameters``)."""
    theta = check_finite(as_float_array(theta, "theta"), "theta")
    params = list(model.parameters())
    P = sum(p.data.size for p in params)
    if theta.shape != (P,):
        raise ValueError(f"set_flat_parameters: у модели P = {P} параметров, а θ формы {theta.shape}")
    start = 0
    for p in params:
        p.data[...] = theta[start:start + p.data.size].reshape(p.data.shape)
        start += p.data.size


def flat_gradient(model, loss_fn, X, y, theta) -> np.ndarray:
    """∇L(θ) формы (P,): потеря ``loss_fn(model(X), y)`` в точке θ, градиент — обратным проходом.

    Параметры модели после вызова равны θ.
    """
    set_flat_parameters(model, theta)
    for p in model.parameters():
        p.grad[...] = 0.0
    loss_fn(model(X), y)
    model.backward(loss_fn.backward())
    return np.concatenate([p.grad.ravel() for p in model.parameters()])


def numerical_hessian(grad, theta, eps: float = 1e-5) -> np.ndarray:
    """Гессиан ∇²L(θ) формы (P, P) центральными разностями градиента, симметризованный.

    Гессиан — матрица Якоби градиента, поэтому это ``backprop.numerical_jacobian(grad, θ, eps)``:
    столбец j равен (∇L(θ + εe_j) − ∇L(θ − εe_j)) / 2ε; ошибка O(ε²) при трижды гладкой L.
    grad: функция θ (P,) → ∇L(θ) (P,).
    """
    theta = check_finite(as_float_array(theta, "theta"), "theta")
    if theta.ndim != 1:
        raise ValueError(f"numerical_hessian: θ — вектор формы (P,), получен массив формы {theta.shape}")
    if not eps > 0:
        raise ValueError(f"numerical_hessian: шаг ε должен быть > 0, получено {eps}")
    hess = numerical_jacobian(grad, theta, step=eps)
    return (hess + hess.T) / 2


def full_batch_descent(model, loss_fn, X, y, lr: float, steps: int):
    """Полный градиентный спуск модели на всей выборке: ``steps`` шагов оптимизатора ``lib.optim.SGD``.

    Каждый шаг — прямой проход, потеря, обратный проход, θ_t = θ_{t−1} − η ∇L(θ_{t−1});
    одна эпоха — один шаг. Возвращает (потери (steps + 1,): L(θ_0), …, L(θ_steps);
    точки (steps + 1, P): θ_0, …, θ_steps). Модель остаётся в точке θ_steps.
    """
    from ..optim import SGD

    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"full_batch_descent: число шагов должно быть целым ≥ 0, получено {steps!r}")
    optimizer = SGD(model.parameters(), lr=lr)
    losses, points = [float(loss_fn(model(X), y))], [flat_parameters(model)]
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(model(X), y)
        model.backward(loss_fn.backward())
        optimizer.step()
        losses.append(float(loss_fn(model(X), y)))
        points.append(flat_parameters(model))
    return np.array(losses), np.array(points)
