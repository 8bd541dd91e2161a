"""Задания главы 7 «Dropout и борьба с переобучением».

Студент пишет класс ``MyDropout(p, rng)`` с методами ``forward(x)`` и ``backward(grad_output)``
и флагом ``training``. Проверка создаёт слой с фиксированным зерном, делает два прямых прохода
(с переключением режима между ними на части входов) и один обратный (после второго) и сравнивает
всё с эталоном; изменение входа на месте (``x *= mask``) тоже ошибка. Маска тянется ровно так, как в
``lib.nn.Dropout``: u = rng.random(x.shape), элемент сохраняется, если u ≥ p.
"""

from __future__ import annotations

import numpy as np

from . import Mistake, Task, register_task


class DropoutReference:
    """Эталон: inverted dropout, маска m = [u ≥ p] / (1 − p) одна на прямой и обратный проход."""

    def __init__(self, p, rng):
        self.p = p
        self.rng = rng
        self.training = True
        self.mask = None

    def forward(self, x):
        if not self.training:
            self.mask = None
            return x
        self.mask = (self.rng.random(x.shape) >= self.p) / (1.0 - self.p)
        return x * self.mask

    def backward(self, grad_output):
        if self.mask is None:
            return grad_output
        return grad_output * self.mask


def _run_layer(cls, p, seed, modes, x1, x2, grad):
    """Creates the student's layer, runs forward(x1), forward(x2), backward(grad); returns all three.

    ``modes`` = (training before the first forward, training before the second): a switch from
    training to evaluation and back is part of the check, as ``model.train()``/``model.eval()``.
    """
    layer = cls(p, np.random.default_rng(seed))
    layer.training = modes[0]
    y1 = layer.forward(x1)
    layer.training = modes[1]
    y2 = layer.forward(x2)
    g = layer.backward(grad)
    return (y1, y2, g)


# --- typical mistakes -------------------------------------------------------------

class _NoRescale(DropoutReference):
    def forward(self, x):
        if not self.training:
            self.mask = None
            return x
        self.mask = (self.rng.random(x.shape) >= self.p).astype(float)
        return x * self.mask


class _DropsInEval(DropoutReference):
    def forward(self, x):
        self.mask = (self.rng.random(x.shape) >= self.p) / (1.0 - self.p)
        return x * self.mask


class _NewMaskInBackward(DropoutReference):
    def backward(self, grad_output):
        if not self.training:
            return grad_output
        return grad_output * (self.rng.random(grad_output.shape) >= self.p) / (1.0 - self.p)


class _KeepsWithProbabilityP(DropoutReference):
    def forward(self, x):
        if not self.training:
            self.mask = None
            return x
        self.mask = (self.rng.random(x.shape) < self.p) / self.p
        return x * self.mask


class _KeepsWithProbabilityPScaled(DropoutReference):
    def forward(self, x):
        if not self.training:
            self.mask = None
            return x
        self.mask = (self.rng.random(x.shape) < self.p) / (1.0 - self.p)
        return x * self.mask


class _MaskDrawnOnce(DropoutReference):
    def forward(self, x):
        if not self.training:
            self.mask = None
            return x
        if self.mask is None:
            self.mask = (self.rng.random(x.shape) >= self.p) / (1.0 - self.p)
        return x * self.mask


class _EvalKeepsMask(DropoutReference):
    def forward(self, x):
        if not self.training:
            return x if self.mask is None else x * self.mask
        self.mask = (self.rng.random(x.shape) >= self.p) / (1.0 - self.p)
        return x * self.mask


class _BackwardNotMasked(DropoutReference):
    def backward(self, grad_output):
        return grad_output


_rng = np.random.default_rng(707)


def _case(p, seed, modes, shape):
    return (p, seed, modes, _rng.standard_normal(shape), _rng.standard_normal(shape),
            _rng.standard_normal(shape))


# p ≠ 0.5 everywhere, so that «keep with probability p» differs from «keep with 1 − p» in
# the number of kept elements; the modes switch train → eval and eval → train in two cases.
_CASES = [
    _case(0.2, 0, (True, True), (6, 5)),
    _case(0.3, 1, (True, True), (4, 8)),
    _case(0.1, 2, (True, False), (3, 10)),
    _case(0.4, 3, (False, False), (5, 4)),
    _case(0.25, 4, (False, True), (2, 7)),
]

register_task(Task(
    key="ch07.dropout",
    func_name="класс MyDropout(p, rng) с методами forward(x) и backward(grad_output)",
    reference=DropoutReference,
    cases=_CASES,
    call=_run_layer,
    outputs=("forward(x1)", "forward(x2)", "backward(grad_output)"),
    inputs=("p", "rng", "режимы", "x — вход первого forward", "x — вход второго forward", "grad_output"),
    mistakes=[
        Mistake(_NoRescale,
                "вы забыли умножить сохранённые элементы на 1/(1 − p): без этого при обучении "
                "выход в среднем равен (1 − p)·x, а при применении — x, и сеть видит на "
                "валидации другие масштабы, чем при обучении."),
        Mistake(_DropsInEval,
                "слой выключает нейроны и в режиме применения (training = False): при eval() "
                "dropout должен возвращать x без изменений, а backward — градиент без изменений."),
        Mistake(_NewMaskInBackward,
                "в backward вытянута новая маска: градиент должен пройти через те же нейроны, что "
                "и сигнал на прямом проходе, — сохраните маску в forward (self.mask) и умножьте на "
                "неё grad_output."),
        Mistake(_KeepsWithProbabilityP,
                "нейрон сохраняется с вероятностью p, а не 1 − p: в курсе (и в PyTorch) p — "
                "вероятность ВЫКЛЮЧИТЬ нейрон, сохраняются элементы с u ≥ p, и делим на 1 − p. "
                "(В статье Srivastava et al., 2014, буквой p обозначена вероятность сохранить.)"),
        Mistake(_KeepsWithProbabilityPScaled,
                "маска перевёрнута: сохраняются элементы с u < p, то есть с вероятностью p, а "
                "нужно сохранять элементы с u ≥ p (вероятность 1 − p)."),
        Mistake(_MaskDrawnOnce,
                "маска вытянута один раз и потом переиспользуется: на каждом прямом проходе в "
                "режиме обучения нужна новая случайная маска (каждый шаг обучает свою «тонкую» сеть)."),
        Mistake(_EvalKeepsMask,
                "после переключения в режим применения (training = False) слой продолжает умножать "
                "на маску, оставшуюся от обучения: в eval() dropout возвращает x без изменений и "
                "забывает маску (self.mask = None), а backward — градиент без изменений."),
        Mistake(_BackwardNotMasked,
                "backward возвращает grad_output без маски: выключенный нейрон не влиял на выход, "
                "поэтому градиент через него равен нулю, а через сохранённые — умножается на 1/(1 − p)."),
    ],
))
