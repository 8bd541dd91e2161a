"""Задания главы 5 «Функции активации»: устойчивые сигмоида и tanh вместе с производными.

Студент пишет функцию, которая возвращает пару (значение, производная). Проверочные входы
содержат z = ±1e4: наивная экспонента e^{1e4} переполняется, а проверка идёт под
``np.errstate(over="raise")``, поэтому такая ошибка видна как исключение и узнаётся по нему.
Входы −1e4 и +1e4 стоят в разных случаях, чтобы различить, какая из экспонент переполнилась.
Вердикт выносится по значениям: на входе z = −720 верный ответ σ ≈ 2,9·10⁻³¹³ представим в
float64, а наивная формула даёт 0, даже если переполнение заглушено ``np.errstate``.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid, tanh
from . import Mistake, Task, register_task

_CASES = [
    (np.linspace(-6.0, 6.0, 13),),
    (np.array([-1e4, -3.0, 0.5]),),
    (np.array([2.0, 1e4]),),
    (np.array([-400.0, -40.0, 40.0, 400.0]),),
    (np.array([[0.0, -0.7], [1.3, 25.0]]),),
]

# σ(−720) ≈ 2,9·10⁻³¹³ is representable (a subnormal float64), but the naive 1/(1 + e^{720}) gives 0
# once e^{720} overflows to inf. This case is compared by relative error only (``exact_cases``), so
# a naive formula is caught by its value even if the student silenced the overflow with np.errstate.
_SUBNORMAL_CASES = [(np.array([-720.0, -712.0, 0.0, 712.0]),)]


# --- sigmoid ----------------------------------------------------------------------------

def sigmoid_reference(z):
    """σ(z) через e^{−|z|} ≤ 1 и σ′(z) = σ(z)(1 − σ(z))."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return s, s * (1.0 - s)


def _sigmoid_naive(z):
    s = 1.0 / (1.0 + np.exp(-z))
    return s, s * (1.0 - s)


def _sigmoid_naive_positive_exp(z):
    s = np.exp(z) / (1.0 + np.exp(z))
    return s, s * (1.0 - s)


def _sigmoid_where_both_branches(z):
    s = np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))
    return s, s * (1.0 - s)


def _sigmoid_naive_derivative(z):
    s, _ = sigmoid_reference(z)
    return s, np.exp(-z) / (1.0 + np.exp(-z)) ** 2


def _sigmoid_grad_is_sigma(z):
    s, _ = sigmoid_reference(z)
    return s, s


def _sigmoid_swapped(z):
    s, ds = sigmoid_reference(z)
    return ds, s


def _sigmoid_grad_one_minus(z):
    s, _ = sigmoid_reference(z)
    return s, 1.0 - s


register_task(Task(
    key="ch05.sigmoid",
    func_name="sigmoid_and_grad(z)",
    reference=sigmoid_reference,
    cases=_CASES + _SUBNORMAL_CASES,
    exact_cases=(len(_CASES),),
    outputs=("σ(z)", "σ′(z)"),
    mistakes=[
        Mistake(_sigmoid_naive,
                "экспонента переполнилась: при z = −1e4 формула 1/(1 + e^{−z}) вычисляет e^{10000} — "
                "это больше наибольшего числа float64 (≈ 1.8·10^308). Вычисляйте только e^{−|z|} ≤ 1: "
                "при z ≥ 0 σ = 1/(1 + e^{−z}), при z < 0 σ = e^{z}/(1 + e^{z})."),
        Mistake(_sigmoid_naive_positive_exp,
                "экспонента переполнилась: формула e^{z}/(1 + e^{z}) при z = 1e4 вычисляет e^{10000}, "
                "а это переполнение float64. Она годится только для z < 0; для z ≥ 0 берите "
                "1/(1 + e^{−z}) — так экспонента всегда от неположительного числа."),
        Mistake(_sigmoid_where_both_branches,
                "идея с двумя формулами верна, но np.where вычисляет ОБЕ ветви на всех элементах, "
                "поэтому e^{−z} и e^{z} переполняются при z = ∓1e4 ещё до выбора ветви. Подставляйте "
                "в экспоненту −|z|: r = np.exp(-np.abs(z)), затем np.where(z >= 0, 1/(1 + r), r/(1 + r))."),
        Mistake(_sigmoid_naive_derivative,
                "значение устойчиво, но производная считается по формуле e^{−z}/(1 + e^{−z})², и при "
                "больших отрицательных z экспонента (или её квадрат) переполняется. Выразите "
                "производную через уже посчитанное значение: σ′ = σ(1 − σ)."),
        Mistake(_sigmoid_grad_is_sigma,
                "в качестве производной возвращена сама σ(z). Производная сигмоиды — σ(z)(1 − σ(z))."),
        Mistake(_sigmoid_grad_one_minus,
                "производная записана как 1 − σ(z), а нужен множитель σ(z) тоже: σ′ = σ(1 − σ)."),
        Mistake(_sigmoid_swapped,
                "значение и производная перепутаны местами: верните пару в порядке (σ(z), σ′(z))."),
    ],
))


# --- tanh -------------------------------------------------------------------------------

def tanh_reference(z):
    """tanh z = 2σ(2z) − 1 через устойчивую сигмоиду и tanh′(z) = 1 − tanh² z."""
    t = 2.0 * sigmoid(2.0 * np.asarray(z, dtype=float)) - 1.0
    return t, 1.0 - t * t


def _tanh_naive(z):
    t = (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
    return t, 1.0 - t * t


def _tanh_notes(z):
    t = (np.exp(-z) + np.exp(z)) / (np.exp(-z) - np.exp(z))
    return t, 1.0 - t * t


def _tanh_cosh_derivative(z):
    t = tanh(z)
    return t, 1.0 / np.cosh(z) ** 2


def _tanh_no_square(z):
    t = tanh(z)
    return t, 1.0 - t


def _tanh_half_argument(z):
    t = 2.0 * sigmoid(np.asarray(z, dtype=float)) - 1.0
    return t, 1.0 - t * t


def _tanh_grad_via_sigma(z):
    t, _ = tanh_reference(z)
    s = sigmoid(2.0 * np.asarray(z, dtype=float))
    return t, 2.0 * s * (1.0 - s)


register_task(Task(
    key="ch05.tanh",
    func_name="tanh_and_grad(z)",
    reference=tanh_reference,
    cases=_CASES,
    outputs=("tanh z", "tanh′ z"),
    mistakes=[
        Mistake(_tanh_naive,
                "формула (e^{z} − e^{−z})/(e^{z} + e^{−z}) верна, но экспонента переполнилась: при "
                "|z| = 1e4 одна из e^{±z} равна e^{10000}, больше наибольшего float64. Выразите tanh "
                "через устойчивую сигмоиду: tanh z = 2σ(2z) − 1."),
        Mistake(_tanh_notes,
                "это формула из конспекта (e^{−z} + e^{z})/(e^{−z} − e^{z}) — она равна −coth z, а не "
                "tanh z (и ещё делит на ноль при z = 0). Правильно: (e^{z} − e^{−z})/(e^{z} + e^{−z}) "
                "= 2σ(2z) − 1."),
        Mistake(_tanh_cosh_derivative,
                "производная 1/cosh²z верна математически, но cosh z переполняется уже при |z| > 710. "
                "Выразите её через значение: tanh′ = 1 − tanh² z."),
        Mistake(_tanh_no_square,
                "в производной потерян квадрат: tanh′(z) = 1 − tanh²(z), а не 1 − tanh(z)."),
        Mistake(_tanh_half_argument,
                "получилось 2σ(z) − 1 = tanh(z/2): двойка нужна и внутри сигмоиды, tanh z = 2σ(2z) − 1."),
        Mistake(_tanh_grad_via_sigma,
                "при дифференцировании 2σ(2z) − 1 потерян множитель 2 от внутренней функции 2z: "
                "tanh′(z) = 2·σ′(2z)·2 = 4σ′(2z) = 1 − tanh² z."),
    ],
))
