"""Задания главы 4 «Цепное правило и обратное распространение ошибки»."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from . import Mistake, Task, register_task

_rng = np.random.default_rng(404)


# --- backward pass of Linear ----------------------------------------------------------------
# Inputs: batch X (n, d), weights W (d, H), upstream gradient G = ∂L/∂Z (n, H).
# Shapes are chosen so that each typical mistake is caught: n, d, H differ in the first cases
# (a transposed dW or an un-summed db has a wrong shape, G @ W fails), and one case is square
# (d = H), where G @ W runs but gives wrong numbers.
_LINEAR_CASES = [
    (_rng.standard_normal((5, 3)), _rng.standard_normal((3, 2)), _rng.standard_normal((5, 2))),
    (_rng.standard_normal((4, 2)), _rng.standard_normal((2, 6)), _rng.standard_normal((4, 6))),
    (_rng.standard_normal((6, 3)), _rng.standard_normal((3, 3)), _rng.standard_normal((6, 3))),
]


def linear_backward_reference(X, W, G):
    """∂L/∂W = Xᵀ G (d, H), ∂L/∂b = Σ_i G_i (H,), ∂L/∂X = G Wᵀ (n, d)."""
    return X.T @ G, G.sum(axis=0), G @ W.T


register_task(Task(
    key="ch04.linear_backward",
    func_name="linear_backward(X, W, G)",
    reference=linear_backward_reference,
    cases=_LINEAR_CASES,
    outputs=("dW", "db", "dX"),
    mistakes=[
        Mistake(lambda X, W, G: (G.T @ X, G.sum(axis=0), G @ W.T),
                "градиент по весам транспонирован: ∂L/∂W должен иметь форму W, то есть (d, H), "
                "поэтому dW = X.T @ G, а не G.T @ X."),
        Mistake(lambda X, W, G: (X.T @ G, G, G @ W.T),
                "градиент по смещению не просуммирован по объектам: b прибавляется к каждой "
                "строке батча, поэтому db = G.sum(axis=0) формы (H,), а не G формы (n, H)."),
        Mistake(lambda X, W, G: (X.T @ G, G.mean(axis=0), G @ W.T),
                "градиент по смещению усреднён, а не просуммирован: деление на n уже сидит в G "
                "(в ∂L/∂ŷ от средней потери), второй раз делить не нужно — db = G.sum(axis=0)."),
        Mistake(lambda X, W, G: (X.T @ G, G.sum(axis=0), G @ W),
                "в градиенте по входу взята W вместо Wᵀ: z = xW + b, поэтому dX = G @ W.T "
                "(форма (n, d), как у X)."),
        Mistake(lambda X, W, G: (X.T @ G / len(X), G.sum(axis=0), G @ W.T),
                "градиент по весам поделён на n: деление на n уже сидит в G, dW = X.T @ G."),
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
