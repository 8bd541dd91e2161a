"""Задания главы 6 «Функции потерь»."""

from __future__ import annotations

import numpy as np

from . import Mistake, Task, register_task

_rng = np.random.default_rng(606)

# --- stable BCE on logits -------------------------------------------------------------
# Cases: logits z (n,) and labels y (n,) of 0/1. The first case is tame (a naive formula passes it),
# the others hold |z| up to 1e4, where exp(−z) overflows or σ(z) rounds to 0 or 1 and log(0) follows.
# n differs between cases, so a forgotten 1/n cannot coincide with the mean.
_BCE_CASES = [
    (np.array([0.3, -1.2, 2.5, 0.0]), np.array([1.0, 0.0, 1.0, 0.0])),
    (np.array([-1e4, 1e4, 50.0, -50.0, 3.0]), np.array([1.0, 0.0, 1.0, 0.0, 0.0])),
    (np.concatenate([_rng.normal(0, 3, 5), [800.0, -800.0]]), np.array([1.0, 0, 0, 1, 1, 0, 1])),
    (np.array([1e4, -1e4, 40.0]), np.array([1.0, 0.0, 0.0])),
]


def bce_with_logits_reference(z, y):
    z, y = np.asarray(z, float), np.asarray(y, float)
    return np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z))))


def _bce_naive(z, y):
    p = 1.0 / (1.0 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


register_task(Task(
    key="ch06.bce_logits",
    func_name="bce_with_logits(z, y)",
    reference=bce_with_logits_reference,
    cases=_BCE_CASES,
    mistakes=[
        Mistake(_bce_naive,
                "вы считаете ŷ = σ(z) и берёте log ŷ, log(1 − ŷ) «в лоб»: при больших |z| "
                "экспонента e^{−z} переполняется, а σ(z) округляется до 0 или 1 и логарифм нуля "
                "равен −∞. Запишите потерю через сам логит: max(z, 0) − z·y + log(1 + e^{−|z|})."),
        Mistake(lambda z, y: np.sum(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))),
                "вы вернули сумму потерь, а не среднее: не хватает множителя 1/n."),
        Mistake(lambda z, y: np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z))),
                "функция вернула вектор потерь по объектам; нужна одна средняя потеря — число."),
        Mistake(lambda z, y: np.mean(np.maximum(z, 0.0) - z * (1 - y) + np.log1p(np.exp(-np.abs(z)))),
                "перепутаны y и 1 − y: log ŷ должен стоять при y, а log(1 − ŷ) — при 1 − y "
                "(в логитной форме — слагаемое −z·y)."),
        Mistake(lambda z, y: -np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))),
                "потеря получилась отрицательной: кросс-энтропия — это МИНУС логарифм "
                "правдоподобия, она всегда ≥ 0."),
        Mistake(lambda z, y: np.mean(-z * y + np.log1p(np.exp(-np.abs(z)))),
                "пропущено слагаемое max(z, 0): log(1 + e^{z}) = max(z, 0) + log(1 + e^{−|z|})."),
    ],
))

# --- gradient of softmax cross-entropy -------------------------------------------------
# Cases: logits Z (n, K) and integer labels y (n,), with n ≠ K so that a softmax along the wrong
# axis gives a wrong shape or value; the last cases have logits of order 1e3, where e^{z} without
# the shift by the row maximum overflows.


def softmax_ce_grad_reference(Z, y):
    Z = np.asarray(Z, float)
    y = np.asarray(y)
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    return p / len(y)


_CE_CASES = [
    (_rng.normal(0, 1, (4, 3)), np.array([0, 2, 1, 2])),
    (_rng.normal(0, 2, (2, 5)), np.array([4, 1])),
    (np.array([[1000.0, 998.0, 0.0], [-5.0, 3.0, 2.0], [2.0, 2.0, 2.0],
               [700.0, 720.0, 710.0], [0.0, -1000.0, 1.0]]), np.array([0, 2, 1, 1, 0])),
]


def _onehot(y, k):
    out = np.zeros((len(y), k))
    out[np.arange(len(y)), y] = 1.0
    return out


def _softmax_shifted(Z, axis=1):
    e = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_naive(Z):
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True)


register_task(Task(
    key="ch06.softmax_ce_grad",
    func_name="softmax_ce_grad(Z, y)",
    reference=softmax_ce_grad_reference,
    cases=_CE_CASES,
    mistakes=[
        Mistake(lambda Z, y: _softmax_shifted(Z) - _onehot(y, Z.shape[1]),
                "не хватает множителя 1/n: потеря — среднее по n объектам, поэтому и градиент "
                "делится на n."),
        Mistake(lambda Z, y: (_softmax_naive(Z) - _onehot(y, Z.shape[1])) / len(y),
                "экспонента берётся без сдвига: при логитах порядка 1000 e^{z} переполняется. "
                "Вычтите из каждой строки её максимум — softmax от этого не меняется."),
        Mistake(lambda Z, y: _softmax_shifted(Z) / len(y),
                "вы забыли вычесть one-hot вектор правильного класса: градиент равен "
                "(softmax(z) − onehot(y)) / n."),
        Mistake(lambda Z, y: (_onehot(y, Z.shape[1]) - _softmax_shifted(Z)) / len(y),
                "знак перепутан: градиент потери — softmax(z) − onehot(y), а не наоборот."),
        Mistake(lambda Z, y: (_softmax_shifted(Z, axis=0) - _onehot(y, Z.shape[1])) / len(y),
                "softmax посчитан по столбцам (axis=0), а нужно по строкам (axis=1): "
                "у каждого объекта свои K вероятностей, в сумме 1."),
    ],
))
