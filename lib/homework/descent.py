"""Задания главы 3 «Градиентный спуск»."""

from __future__ import annotations

import numpy as np

from . import Mistake, Task, register_task

_rng = np.random.default_rng(303)


# --- one descent step for a linear neuron with MSE ----------------------------------------
# ŷ = Xw + b, L = (1/n) Σ (ŷ_i − y_i)², ∇_w L = (2/n) Xᵀ(ŷ − y), ∂L/∂b = (2/n) Σ (ŷ_i − y_i).

def _grads(X, y, w, b):
    r = X @ w + b - y
    n = len(y)
    return 2 / n * X.T @ r, 2 / n * r.sum()


def step_reference(w, b, X, y, lr):
    gw, gb = _grads(X, y, w, b)
    return w - lr * gw, b - lr * gb


def _ascent(w, b, X, y, lr):
    gw, gb = _grads(X, y, w, b)
    return w + lr * gw, b + lr * gb


def _no_two(w, b, X, y, lr):
    gw, gb = _grads(X, y, w, b)
    return w - lr * gw / 2, b - lr * gb / 2


def _sum_not_mean(w, b, X, y, lr):
    gw, gb = _grads(X, y, w, b)
    n = len(y)
    return w - lr * n * gw, b - lr * n * gb


def _no_lr(w, b, X, y, lr):
    gw, gb = _grads(X, y, w, b)
    return w - gw, b - gb


def _b_not_updated(w, b, X, y, lr):
    gw, _ = _grads(X, y, w, b)
    return w - lr * gw, b


def _b_at_new_point(w, b, X, y, lr):
    gw, _ = _grads(X, y, w, b)
    w_new = w - lr * gw
    _, gb = _grads(X, y, w_new, b)
    return w_new, b - lr * gb


# n differs between cases (so the 1/n and the factor 2 cannot hide), lr ≠ 1 and ≠ 2/n
_STEP_CASES = [
    (np.array([0.5, -1.0]), 0.3, _rng.standard_normal((5, 2)), _rng.standard_normal(5), 0.1),
    (_rng.standard_normal(3), -0.7, _rng.standard_normal((8, 3)), _rng.standard_normal(8), 0.05),
    (np.zeros(1), 0.0, np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.1, 5.9]), 0.2),
]

register_task(Task(
    key="ch03.step",
    func_name="gd_step(w, b, X, y, lr)",
    reference=step_reference,
    cases=_STEP_CASES,
    outputs=("w", "b"),
    mistakes=[
        Mistake(_ascent, "вы шагнули по градиенту, а не против него: это подъём, потеря растёт. "
                         "Нужно θ − η∇L."),
        Mistake(_no_two, "потерян множитель 2: производная (ŷ − y)² по ŷ равна 2(ŷ − y)."),
        Mistake(_sum_not_mean, "градиент посчитан для суммы квадратов, без деления на n: "
                               "MSE — это среднее, (1/n) Σ (ŷ_i − y_i)²."),
        Mistake(_no_lr, "вы забыли умножить градиент на скорость обучения η (lr)."),
        Mistake(_b_not_updated, "вы обновили только веса w и забыли свободный член b: "
                                "θ — это все параметры, и w, и b."),
        Mistake(_b_at_new_point, "градиент по b посчитан уже с новыми весами. Все параметры "
                                 "обновляются по градиенту в одной и той же старой точке θ_{t−1}: "
                                 "сначала посчитайте оба градиента, потом обновляйте."),
    ],
))


# --- the largest stable learning rate for L = ½ θᵀAθ ---------------------------------------

def max_lr_reference(A):
    return 2.0 / np.linalg.eigvalsh(A)[-1]


def _sym(M):
    return (M + M.T) / 2


def _spd(d):
    Q, _ = np.linalg.qr(_rng.standard_normal((d, d)))
    return _sym(Q @ np.diag(_rng.uniform(0.3, 5.0, d)) @ Q.T)


_LR_CASES = [
    (np.array([[3.0, 1.0], [1.0, 2.0]]),),
    (_spd(3),),
    (_spd(4),),
    (np.diag([0.5, 8.0]),),
]

register_task(Task(
    key="ch03.max_lr",
    func_name="max_stable_lr(A)",
    reference=max_lr_reference,
    cases=_LR_CASES,
    mistakes=[
        Mistake(lambda A: 1.0 / np.linalg.eigvalsh(A)[-1],
                "вы нашли 1/λ_max — до этой границы спуск идёт без колебаний, но сходится он "
                "вплоть до 2/λ_max: множитель 1 − ηλ может быть и отрицательным, лишь бы |1 − ηλ| < 1."),
        Mistake(lambda A: 2.0 / np.linalg.eigvalsh(A)[0],
                "вы взяли наименьшее собственное значение. Расходится первой самая крутая "
                "компонента, поэтому граница — 2/λ_max."),
        Mistake(lambda A: 2.0 / np.max(np.diag(A)),
                "вы взяли наибольший диагональный элемент A, а нужно наибольшее собственное "
                "значение: у недиагональной матрицы они различаются (np.linalg.eigvalsh)."),
        Mistake(lambda A: 2.0 / np.trace(A),
                "вы поделили на след A — сумму всех собственных значений, а нужно наибольшее из них."),
    ],
))
