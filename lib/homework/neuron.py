"""Задания главы 1 «Модель нейрона»."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from . import Mistake, Task, register_task

_rng = np.random.default_rng(101)

# Inputs: one sample x (d,), weights w (d,), bias b; d differs between cases and b ≠ 0.
_NEURON_CASES = [
    (np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.1, -0.4]), 0.7),
    (_rng.standard_normal(5), _rng.standard_normal(5), -1.3),
    (np.array([2.0]), np.array([-1.5]), 0.25),
]


def neuron_reference(x, w, b):
    return sigmoid(np.dot(x, w) + b)


register_task(Task(
    key="ch01.neuron",
    func_name="neuron(x, w, b)",
    reference=neuron_reference,
    cases=_NEURON_CASES,
    mistakes=[
        Mistake(lambda x, w, b: sigmoid(np.dot(x, w)),
                "вы забыли свободный член b: нейрон считает σ(xω + b), а не σ(xω)."),
        Mistake(lambda x, w, b: np.dot(x, w) + b,
                "вы забыли применить сигмоиду: xω + b — это только взвешенная сумма z, "
                "ответ нейрона — σ(z)."),
        Mistake(lambda x, w, b: sigmoid(sigmoid(np.dot(x, w) + b)),
                "сигмоида применена дважды: σ(σ(z)) вместо σ(z)."),
        Mistake(lambda x, w, b: sigmoid(np.dot(x, w) - b),
                "свободный член вычтен, а не прибавлен: нужно σ(xω + b)."),
        Mistake(lambda x, w, b: sigmoid(x * w + b),
                "вместо произведения строки на столбец xω = Σ_j x_j ω_j (x @ w) получилось "
                "поэлементное произведение x * w без суммы: ответ нейрона — одно число."),
    ],
))

# Inputs: batch X (n, d), weights W (d, H), biases b (H,); d ≠ H except in one square case,
# so that a transposed W either fails on the shapes or gives a wrong value.
_LAYER_CASES = [
    (_rng.standard_normal((4, 3)), _rng.standard_normal((3, 2)), _rng.standard_normal(2)),
    (_rng.standard_normal((2, 5)), _rng.standard_normal((5, 4)), _rng.standard_normal(4)),
    (_rng.standard_normal((3, 3)), _rng.standard_normal((3, 3)), _rng.standard_normal(3)),
]


def layer_reference(X, W, b):
    return sigmoid(X @ W + b)


register_task(Task(
    key="ch01.layer",
    func_name="layer(X, W, b)",
    reference=layer_reference,
    cases=_LAYER_CASES,
    mistakes=[
        Mistake(lambda X, W, b: sigmoid(X @ W),
                "вы забыли свободные члены b: слой считает σ(XW + b)."),
        Mistake(lambda X, W, b: sigmoid(X @ W.T + b),
                "матрица W транспонирована: в курсе W имеет форму (d, H), столбец h — веса "
                "нейрона h, поэтому слой — это X @ W + b, без .T."),
        Mistake(lambda X, W, b: sigmoid(W @ X + b),
                "перепутан порядок множителей: объекты — строки X, поэтому произведение X @ W, "
                "а не W @ X."),
        Mistake(lambda X, W, b: X @ W + b,
                "вы забыли сигмоиду: XW + b — это только z, ответ слоя — σ(z)."),
        Mistake(lambda X, W, b: sigmoid(sigmoid(X @ W + b)),
                "сигмоида применена дважды."),
    ],
))
