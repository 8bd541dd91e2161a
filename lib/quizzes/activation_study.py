"""Вопросы для самопроверки к главе 5 «Функции активации»."""

from __future__ import annotations

import numpy as np

from ..activations import gelu_grad, leaky_relu_grad, relu, relu_grad, sigmoid_grad, silu_grad, tanh_grad
from ..quiz import Multiple, Numeric, Option, Single, tex
from . import register

Z_FAR = -20.0
FAR = {name: float(f(np.array([Z_FAR]))[0]) for name, f in
       (("gelu", gelu_grad), ("silu", silu_grad), ("leaky", leaky_relu_grad), ("relu", relu_grad))}
FAN_IN = 50
HE_STD = float(np.sqrt(2.0 / FAN_IN))
TANH_PRIME_0 = float(tanh_grad(np.array(0.0)))
# E[ReLU(z)²] for z ~ N(0, 1) by quadrature with lib's ReLU (by symmetry it is half of E[z²] = 1)
_Z = np.linspace(-40.0, 40.0, 800001)
RELU_SECOND_MOMENT = float(np.sum(relu(_Z) ** 2 * np.exp(-0.5 * _Z**2)) * (_Z[1] - _Z[0]) / np.sqrt(2 * np.pi))
# ReLU weights with variance GAIN² · 2/d_in: in the mean-field picture δ grows by GAIN per layer
GAIN = 2.0
GROWTH = float(np.sqrt(GAIN**2 * 2.0 * RELU_SECOND_MOMENT))
# the sigmoid bound with ||W||_2 = NORM, and Nielsen's window: |w sigma'(wa + b)| >= 1 only for a in an
# interval of length 2 ln(q+/q-)/|w| (q+- the roots of q(1 - q) = 1/|w|), at most WINDOW over |w| >= 4
NORM = 6.0
BOUND = NORM * float(sigmoid_grad(np.array(0.0)))
_W = np.linspace(4.0, 40.0, 36001)
_Q = (1.0 + np.sqrt(1.0 - 4.0 / _W)) / 2.0
WINDOW = float(np.max(2.0 * np.log(_Q / (1.0 - _Q)) / _W))

register(
    Single(
        "ch05.alive",
        "Какая из активаций не даёт нейрону «умереть» — её производная не стремится к 0 ни в какую сторону?",
        (
            Option("Leaky ReLU", True,
                   f"Да: при $z < 0$ её наклон постоянен, $f'(z) = \\alpha$ (по умолчанию в `lib` и PyTorch "
                   f"$\\alpha = 0{{,}}01$): $f'({Z_FAR:g}) = {tex(FAR['leaky'])}$ — как и при $z = -1$."),
            Option("GELU", False,
                   f"Нет: $\\mathrm{{GELU}}'(z) \\to 0$ при $z \\to -\\infty$, уже $\\mathrm{{GELU}}'({Z_FAR:g}) "
                   f"\\approx {tex(FAR['gelu'])}$."),
            Option("SiLU", False,
                   f"Нет: $\\mathrm{{SiLU}}'(z) \\to 0$ при $z \\to -\\infty$: $\\mathrm{{SiLU}}'({Z_FAR:g}) \\approx "
                   f"{tex(FAR['silu'])}$."),
            Option("ReLU", False, "Нет: при $z < 0$ производная ReLU равна 0 — это и есть «мёртвый» режим."),
        ),
    ),
    Numeric(
        "ch05.he",
        f"Инициализация Хе для ReLU: веса $w \\sim \\mathcal N(0, 2/d_{{\\text{{in}}}})$, где "
        f"$d_{{\\text{{in}}}}$ — число входов слоя (fan-in). Чему равно стандартное отклонение весов "
        f"$\\sqrt{{\\operatorname{{Var}}(w)}}$ при $d_{{\\text{{in}}}} = {FAN_IN}$?",
        HE_STD, 1e-3,
        f"Верно: $\\sqrt{{2/{FAN_IN}}} = {tex(HE_STD, 4)}$. Множитель 2 возмещает то, что "
        "$\\mathbb E[\\mathrm{ReLU}(z)^2] = \\tfrac12 \\mathbb E[z^2]$ для симметричного $z$ (важна именно "
        "симметрия $z$, а не то, что ReLU обнуляет половину значений).",
        "Возьмите квадратный корень из $2/d_{\\text{in}}$.",
        traps=((2.0 / FAN_IN, 1e-4, "Это дисперсия $\\operatorname{Var}(w)$, а спрашивается стандартное отклонение — корень из неё."),
               (float(np.sqrt(1.0 / FAN_IN)), 1e-3, "Это $\\sqrt{1/d_{\\text{in}}}$ — масштаб Лекуна (и "
                "Ксавье при равных fan-in и fan-out) для tanh; ReLU нужен множитель 2.")),
    ),
    Single(
        "ch05.tanh",
        "Как tanh выражается через сигмоиду?",
        (
            Option("$\\tanh z = 2\\sigma(2z) - 1$", True, "Да: $2/(1 + e^{-2z}) - 1 = (1 - e^{-2z})/(1 + e^{-2z})$."),
            Option("$\\tanh z = 2\\sigma(z) - 1$", False, "Аргумент нужно удвоить: $2\\sigma(z) - 1 = \\tanh(z/2)$."),
            Option("$\\tanh z = \\sigma(2z) - 1$", False,
                   "Тогда значения лежали бы в $(-1, 0)$; нужно растянуть в 2 раза: $2\\sigma(2z) - 1$."),
            Option("$\\tanh z = 1/\\sigma(z)$", False, "$1/\\sigma(z) = 1 + e^{-z} > 1$ — это вовсе не ограниченная функция."),
        ),
    ),
    Single(
        "ch05.bound",
        f"В сигмоидной сети спектральная норма каждой матрицы весов равна {NORM:g}. Что следует из оценки "
        "$\\lVert \\delta_\\ell \\rVert \\le \\tfrac14 \\lVert W_{\\ell+1} \\rVert_2 \\lVert \\delta_{\\ell+1} \\rVert$?",
        (
            Option(f"О затухании — ничего: граница разрешает рост до ${NORM:g}/4 = {tex(BOUND)}$ раза за слой", True,
                   "Да: оценка только сверху; она доказывает затухание лишь при $\\lVert W \\rVert_2 < 4$. Крупные веса "
                   "обходят её ценой насыщения: у одного нейрона $|w\\,\\sigma'(wa + b)| \\ge 1$ лишь на отрезке входов "
                   f"длины не больше ${tex(WINDOW, 2)}$."),
            Option(f"Градиент обязательно растёт в ${tex(BOUND)}$ раза за слой", False,
                   f"Нет: ${tex(BOUND)}$ — верхняя граница; настоящий множитель может быть и гораздо меньше (насыщение)."),
            Option("Градиент всё равно затухает, потому что $\\sigma' \\le 1/4$", False,
                   "Нет: $\\sigma' \\le 1/4$ даёт затухание, только если норма весов меньше 4; здесь она больше."),
        ),
    ),
    Multiple(
        "ch05.vanishing",
        "Что верно о производных активаций?",
        (
            Option("$\\sigma'(z) \\le 1/4$ при всех $z$", True, "Да: максимум $\\sigma(1 - \\sigma)$ — при $\\sigma = 1/2$."),
            Option("У насыщенного сигмоидного нейрона ($|z|$ велико) $\\sigma'(z) \\approx 0$", True,
                   "Да: поэтому через него почти не проходит градиент."),
            Option("$\\mathrm{ReLU}'(z) = 1$ при $z > 0$", True, "Да: положительная часть пропускает градиент без затухания."),
            Option("$\\tanh'(z) \\le 1/4$ при всех $z$", False,
                   f"Нет: $\\tanh'(0) = {tex(TANH_PRIME_0, 4)}$ — в четыре раза больше максимума $\\sigma'$."),
        ),
    ),
    Numeric(
        "ch05.relu-moment",
        "Пусть $z \\sim \\mathcal N(0, 1)$. Чему равно $\\mathbb E[\\mathrm{ReLU}(z)^2]$?",
        RELU_SECOND_MOMENT, 1e-3,
        "Верно: $z$ симметрично, и $\\mathrm{ReLU}(z)^2$ совпадает с $z^2$ на половине прямой, а на другой половине "
        "равно 0, поэтому $\\mathbb E[\\mathrm{ReLU}(z)^2] = \\tfrac12 \\mathbb E[z^2] = 1/2$.",
        "Разбейте ожидание на $z > 0$ и $z < 0$ и воспользуйтесь симметрией.",
        traps=((float(1 / np.sqrt(2 * np.pi)), 1e-3, "Это $\\mathbb E[\\mathrm{ReLU}(z)]$ — первый момент, а не второй."),
               (1.0, 1e-3, "Это $\\mathbb E[z^2]$; ReLU обнуляет отрицательную половину.")),
    ),
    Numeric(
        "ch05.exploding",
        f"Веса ReLU-сети из квадратных слоёв взяты с нулевым средним и стандартным отклонением в {GAIN:g} раза "
        "больше, чем у Хе: $\\operatorname{Var}(w) = " + f"{GAIN**2:g}" + " \\cdot 2/d_{\\text{in}}$. Во сколько раз в среднем меняется ошибка "
        "$\\delta_\\ell$ при переходе на слой назад?",
        GROWTH, 0.05,
        f"Верно: средний квадрат ошибки умножается на $H \\operatorname{{Var}}(w) \\cdot \\tfrac12 = {GAIN**2:g}$, сама ошибка — на "
        f"${tex(GROWTH)}$; за 14 слоёв это больше четырёх порядков — взрыв градиента.",
        "Средний квадрат ошибки умножается на $H \\operatorname{Var}(w)\\,\\mathbb E[\\mathrm{ReLU}'(z)^2]$, а "
        "$\\mathbb E[\\mathrm{ReLU}'(z)^2] = 1/2$ при симметричном $z$.",
        traps=((GAIN**2, 1e-3, "Так меняется средний квадрат ошибки; сама ошибка — корень из этого."),
               (1.0, 1e-3, "Единица — это при весах Хе; здесь они крупнее.")),
    ),
    Single(
        "ch05.dead-forever",
        "Нейрон первого слоя ReLU «умер»: $z = x\\omega + b \\le 0$ на всех объектах выборки. Может ли он ожить "
        "при обычном градиентном спуске (без weight decay и импульса)?",
        (
            Option("При обычном спуске — никогда: градиенты его $\\omega$ и $b$ равны нулю, и шаг их не меняет", True,
                   "Да, для первого слоя: его вход $x$ — фиксированные данные. Ожить он может только от причины вне "
                   "своего градиента: weight decay только на веса тянет $\\omega$ к нулю, $z \\to b$, и при $b > 0$ "
                   "нейрон оживает (если штрафуются и $\\omega$, и $b$, знак $z$ не меняется никогда); импульс ещё "
                   "несёт прошлые шаги; у нейрона дальнего слоя меняются выходы предыдущих слоёв."),
            Option("Через несколько эпох сам собой", False,
                   "При нулевом градиенте шаг спуска равен нулю: без внешней причины параметры не меняются."),
            Option("Если увеличить скорость обучения", False, "Нулевой градиент, умноженный на любое $\\eta$, — ноль."),
        ),
    ),
)
