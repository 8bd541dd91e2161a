"""Задания главы 2 «Теорема Цыбенко»."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from . import Mistake, Task, register_task

_x = np.linspace(0.0, 1.0, 11)

# Inputs: points x (n,), edges u1 < u2 and steepness w (ω in the chapter). The last case has w = 1000,
# where a naive 1/(1 + exp(−z)) overflows (exp(900)); u1 ≠ 0 and u2 − u1 ≠ 1 so that forgotten shifts or
# scalings show.
_BUMP_CASES = [
    (_x, 0.3, 0.6, 20.0),
    (np.linspace(-1.0, 2.0, 7), 0.25, 1.5, 3.0),
    (_x, 0.85, 0.95, 1000.0),
]


def bump_reference(x, u1, u2, w):
    return sigmoid(w * (x - u1)) - sigmoid(w * (x - u2))


def _naive_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


register_task(Task(
    key="ch02.bump",
    func_name="bump(x, u1, u2, w)",
    reference=bump_reference,
    cases=_BUMP_CASES,
    mistakes=[
        Mistake(lambda x, u1, u2, w: sigmoid(w * (x - u2)) - sigmoid(w * (x - u1)),
                "ступеньки вычтены в обратном порядке: горб получился перевёрнутым (≈ −1 на [u₁, u₂]). "
                "Из ступеньки, которая включается раньше (в точке u₁), вычитают более позднюю (в u₂)."),
        Mistake(lambda x, u1, u2, w: sigmoid(w * x - u1) - sigmoid(w * x - u2),
                "сдвиг не умножен на крутизну: σ(ωx − u₁) переключается в точке u₁/ω, а не в u₁. "
                "Нужно σ(ω(x − u₁)) = σ(ωx − ωu₁)."),
        Mistake(lambda x, u1, u2, w: sigmoid(w * (x - u1)) + sigmoid(w * (x - u2)),
                "ступеньки сложены, а не вычтены: сумма двух ступенек — лестница высотой 2, а не горб."),
        Mistake(lambda x, u1, u2, w: sigmoid(x - u1) - sigmoid(x - u2),
                "забыта крутизна ω: σ(x − u₁) − σ(x − u₂) — почти плоская волна, а не горб высотой ≈ 1 "
                "на [u₁, u₂]."),
        Mistake(lambda x, u1, u2, w: _naive_sigmoid(w * (x - u1)) - _naive_sigmoid(w * (x - u2)),
                "при большой крутизне ω экспонента exp(−ω(x − u₁)) переполняется. Формула верна, но "
                "считайте σ устойчиво — возьмите sigmoid из lib.activations."),
    ],
))
