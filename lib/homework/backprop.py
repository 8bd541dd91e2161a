"""Задания главы 4 «Цепное правило и обратное распространение ошибки»."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from . import Mistake, Task, register_task

_rng = np.random.default_rng(404)


# --- backward pass of Linear ----------------------------------------------------------------
# Inputs: batch X (n, d), weights W (d, H), upstream gradient delta = ∂L/∂Z (n, H), the layer error δ.
# Shapes are chosen so that each typical mistake is caught: n, d, H differ in the first cases
# (a transposed dW or an un-summed db has a wrong shape, delta @ W fails), and one case is square
# (d = H), where delta @ W runs but gives wrong numbers.
_LINEAR_CASES = [
    (_rng.standard_normal((5, 3)), _rng.standard_normal((3, 2)), _rng.standard_normal((5, 2))),
    (_rng.standard_normal((4, 2)), _rng.standard_normal((2, 6)), _rng.standard_normal((4, 6))),
    (_rng.standard_normal((6, 3)), _rng.standard_normal((3, 3)), _rng.standard_normal((6, 3))),
]


def linear_backward_reference(X, W, delta):
    """∂L/∂W = Xᵀ δ (d, H), ∂L/∂b = Σ_i δ_i (H,), ∂L/∂X = δ Wᵀ (n, d); δ = ∂L/∂Z — ``delta``."""
    return X.T @ delta, delta.sum(axis=0), delta @ W.T


register_task(Task(
    key="ch04.linear_backward",
    func_name="linear_backward(X, W, delta)",
    reference=linear_backward_reference,
    cases=_LINEAR_CASES,
    outputs=("dW", "db", "dX"),
    mistakes=[
        Mistake(lambda X, W, delta: (delta.T @ X, delta.sum(axis=0), delta @ W.T),
                "градиент по весам транспонирован: ∂L/∂W должен иметь форму W, то есть (d, H), "
                "поэтому dW = X.T @ delta, а не delta.T @ X."),
        Mistake(lambda X, W, delta: (X.T @ delta, delta, delta @ W.T),
                "градиент по смещению не просуммирован по объектам: b прибавляется к каждой "
                "строке батча, поэтому db = delta.sum(axis=0) формы (H,), а не delta формы (n, H)."),
        Mistake(lambda X, W, delta: (X.T @ delta, delta.mean(axis=0), delta @ W.T),
                "градиент по смещению усреднён, а не просуммирован: деление на n уже сидит в delta "
                "(в ∂L/∂ŷ от средней потери), второй раз делить не нужно — db = delta.sum(axis=0)."),
        Mistake(lambda X, W, delta: (X.T @ delta, delta.sum(axis=0), delta @ W),
                "в градиенте по входу взята W вместо Wᵀ: z = xW + b, поэтому dX = delta @ W.T "
                "(форма (n, d), как у X)."),
        Mistake(lambda X, W, delta: (X.T @ delta / len(X), delta.sum(axis=0), delta @ W.T),
                "градиент по весам поделён на n: деление на n уже сидит в delta, dW = X.T @ delta."),
    ],
))


# --- backward pass of the sigmoid ---------------------------------------------------------------
_SIGMOID_CASES = [
    (np.array([[-2.0, 0.0, 1.5]]), np.array([[1.0, -0.5, 2.0]])),
    (_rng.standard_normal((4, 3)) * 3, _rng.standard_normal((4, 3))),
    (np.array([[0.3], [-4.0]]), np.array([[2.0], [0.7]])),
]


def sigmoid_backward_reference(z, grad_output):
    """∂L/∂z = ∂L/∂y ⊙ σ(z)(1 − σ(z)), где y = σ(z)."""
    s = sigmoid(z)
    return grad_output * s * (1 - s)


register_task(Task(
    key="ch04.sigmoid_backward",
    func_name="sigmoid_backward(z, grad_output)",
    reference=sigmoid_backward_reference,
    cases=_SIGMOID_CASES,
    mistakes=[
        Mistake(lambda z, g: sigmoid(z) * (1 - sigmoid(z)),
                "вы вернули только производную σ′(z) и забыли умножить её на пришедший градиент "
                "grad_output = ∂L/∂y: по цепному правилу ∂L/∂z = ∂L/∂y · σ′(z)."),
        Mistake(lambda z, g: g * z * (1 - z),
                "формула σ′ = σ(1 − σ) применена к z, а не к σ(z): сначала s = σ(z), затем s(1 − s)."),
        Mistake(lambda z, g: g * sigmoid(z),
                "вы умножили градиент на σ(z), а не на производную σ′(z) = σ(z)(1 − σ(z))."),
        Mistake(lambda z, g: g / (sigmoid(z) * (1 - sigmoid(z))),
                "вы разделили на σ′(z) вместо умножения: ∂L/∂z = ∂L/∂y · σ′(z)."),
    ],
))
