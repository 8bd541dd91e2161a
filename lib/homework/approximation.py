"""Задания главы 2 «Теорема Цыбенко»."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from . import Mistake, Task, register_task

_x = np.linspace(0.0, 1.0, 11)

# Inputs: points x (n,), edges a < b and steepness k. The last case has k = 1000, where a naive
# 1/(1 + exp(−z)) overflows (exp(900)); a ≠ 0 and b − a ≠ 1 so that forgotten shifts or scalings show.
_BUMP_CASES = [
    (_x, 0.3, 0.6, 20.0),
    (np.linspace(-1.0, 2.0, 7), 0.25, 1.5, 3.0),
    (_x, 0.85, 0.95, 1000.0),
]


def bump_reference(x, a, b, k):
    return sigmoid(k * (x - a)) - sigmoid(k * (x - b))


def _naive_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


register_task(Task(
    key="ch02.bump",
    func_name="bump(x, a, b, k)",
    reference=bump_reference,
    cases=_BUMP_CASES,
    mistakes=[
        Mistake(lambda x, a, b, k: sigmoid(k * (x - b)) - sigmoid(k * (x - a)),
                "ступеньки вычтены в обратном порядке: горб получился перевёрнутым (≈ −1 на [a, b]). "
                "Из ступеньки, которая включается раньше (в точке a), вычитают более позднюю (в b)."),
        Mistake(lambda x, a, b, k: sigmoid(k * x - a) - sigmoid(k * x - b),
                "сдвиг не умножен на крутизну: σ(kx − a) переключается в точке a/k, а не в a. "
                "Нужно σ(k(x − a)) = σ(kx − ka)."),
        Mistake(lambda x, a, b, k: sigmoid(k * (x - a)) + sigmoid(k * (x - b)),
                "ступеньки сложены, а не вычтены: сумма двух ступенек — лестница высотой 2, а не горб."),
        Mistake(lambda x, a, b, k: sigmoid(x - a) - sigmoid(x - b),
                "забыта крутизна k: σ(x − a) − σ(x − b) — почти плоская волна, а не горб высотой ≈ 1 на [a, b]."),
        Mistake(lambda x, a, b, k: _naive_sigmoid(k * (x - a)) - _naive_sigmoid(k * (x - b)),
                "при большой крутизне k экспонента exp(−k(x − a)) переполняется. Формула верна, но "
                "считайте σ устойчиво — возьмите sigmoid из lib.activations."),
    ],
))
