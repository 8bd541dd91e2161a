"""Функции потерь (глава 6). Каждая — модуль: ``loss = loss_fn(pred, target)`` даёт число,
``loss_fn.backward()`` — градиент ∂L/∂pred той же формы, что и ``pred``.

Обозначения: n — число объектов, N — число элементов ``pred``, K — число классов,
ŷ — предсказание (у классификаторов — предсказанная вероятность), y — правильный ответ.
Формы ``pred`` и ``target`` должны совпадать там, где формула сравнивает их поэлементно:
(n, 1) против (n,) — ошибка, а не молчаливый broadcasting.
"""

from __future__ import annotations

import numpy as np

from . import activations as A
from ._validate import as_float_array, check_finite, check_same_shape
from .module import Module

__all__ = ["Loss", "MSELoss", "MAELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss"]


class Loss(Module):
    """Общая часть функций потерь: проверка входа и хранение того, что нужно для backward."""

    def __call__(self, pred, target) -> float:
        pred = check_finite(as_float_array(pred, "pred"), "pred")
        if pred.size == 0:
            raise ValueError(
                f"{type(self).__name__}: пустой батч (pred формы {pred.shape}) — среднее по 0 объектам "
                "не определено"
            )
        value, self._grad = self._loss_and_grad(pred, target)
        self._output_shape = ()
        return float(value)

    def forward(self, pred, target) -> float:
        return self(pred, target)

    def backward(self, grad_output=1.0):
        """Возвращает ∂L/∂pred (умноженный на ``grad_output``, по умолчанию 1)."""
        if self._output_shape is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward вызван до вычисления потерь: "
                "сначала loss = loss_fn(pred, target)"
            )
        self.grad_output = float(grad_output)
        return self.grad_output * self._grad

    def _loss_and_grad(self, pred, target):
        raise NotImplementedError


def _regression_target(pred, target):
    target = check_finite(as_float_array(target, "target"), "target")
    check_same_shape(pred, target)
    return target


class MSELoss(Loss):
    """Среднеквадратичная ошибка MSE = (1/N) Σ (ŷ_i − y_i)², среднее по всем N элементам.

    Градиент: ∂L/∂ŷ_i = 2(ŷ_i − y_i)/N.
    """

    def _loss_and_grad(self, pred, target):
        target = _regression_target(pred, target)
        diff = pred - target
        n = diff.size
        return np.mean(diff * diff), 2.0 * diff / n


class MAELoss(Loss):
    """Средняя абсолютная ошибка MAE = (1/N) Σ |ŷ_i − y_i| (в PyTorch — ``L1Loss``).

    Градиент: ∂L/∂ŷ_i = sign(ŷ_i − y_i)/N, в точке ŷ_i = y_i берём 0 (как PyTorch).
    """

    def _loss_and_grad(self, pred, target):
        target = _regression_target(pred, target)
        diff = pred - target
        return np.mean(np.abs(diff)), np.sign(diff) / diff.size


L1Loss = MAELoss


def _binary_target(pred, target):
    target = check_finite(as_float_array(target, "target"), "target")
    check_same_shape(pred, target)
    if target.size and (target.min() < 0 or target.max() > 1):
        raise ValueError(
            f"target: ожидались метки из [0, 1] (обычно 0 или 1), получены значения "
            f"от {target.min()} до {target.max()}"
        )
    return target


# PyTorch clamps p(1 − p) in the BCE gradient at EPSILON = 1e-12 stored as a float32 constant,
# i.e. 9.9999999600e-13: we use the same number so that the gradients agree at p = 0 and p = 1
_BCE_EPS = float(np.float32(1e-12))


class BCELoss(Loss):
    """Бинарная кросс-энтропия на вероятностях ŷ ∈ [0, 1]:

    L = −(1/N) Σ [y_i log ŷ_i + (1 − y_i) log(1 − ŷ_i)].

    Как в PyTorch, каждый логарифм ограничен снизу числом −100, поэтому ŷ = 0 или 1
    дают конечную потерю. Градиент: (ŷ_i − y_i) / max(ŷ_i(1 − ŷ_i), 1e−12) / N.
    Устойчивее подавать логиты в ``BCEWithLogitsLoss``.
    """

    def _loss_and_grad(self, pred, target):
        if pred.size and (pred.min() < 0 or pred.max() > 1):
            raise ValueError(
                f"BCELoss: ожидались вероятности из [0, 1], получены значения от {pred.min()} "
                f"до {pred.max()}. Если это логиты (выход без сигмоиды), используйте BCEWithLogitsLoss"
            )
        target = _binary_target(pred, target)
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(pred), -100.0)
            log_1mp = np.maximum(np.log1p(-pred), -100.0)
        loss = -np.mean(target * log_p + (1.0 - target) * log_1mp)
        grad = (pred - target) / np.maximum(pred * (1.0 - pred), _BCE_EPS) / pred.size
        return loss, grad


class BCEWithLogitsLoss(Loss):
    """Бинарная кросс-энтропия на логитах z (ŷ = σ(z)), устойчивая при любых z:

    L = (1/N) Σ [max(z_i, 0) − z_i y_i + log(1 + e^{−|z_i|})].

    Градиент по логиту: ∂L/∂z_i = (σ(z_i) − y_i)/N.
    """

    def _loss_and_grad(self, pred, target):
        target = _binary_target(pred, target)
        z = pred
        loss = np.mean(np.maximum(z, 0.0) - z * target + np.log1p(np.exp(-np.abs(z))))
        return loss, (A.sigmoid(z) - target) / z.size


class CrossEntropyLoss(Loss):
    """Кросс-энтропия для K классов на логитах (как ``torch.nn.CrossEntropyLoss``).

    pred: логиты формы (n, K); target: целые метки классов формы (n,) из {0, …, K−1}.
    L = −(1/n) Σ_i Σ_k 1[y_i = k] log ŷ_ik = −(1/n) Σ_i log softmax(z_i)_{y_i}.
    Логарифм softmax считается устойчиво (log-sum-exp со сдвигом на максимум).
    Градиент: ∂L/∂z = (softmax(z) − onehot(y)) / n.
    """

    def _loss_and_grad(self, pred, target):
        if pred.ndim != 2:
            raise ValueError(
                f"CrossEntropyLoss: ожидались логиты формы (n, K), получен массив формы {pred.shape}"
            )
        n, k = pred.shape
        target = np.asarray(target)
        if target.dtype == bool or not np.issubdtype(target.dtype, np.integer):
            raise ValueError(
                f"CrossEntropyLoss: метки классов должны быть целыми числами (dtype int), "
                f"получен dtype {target.dtype}. Приведите их: y.astype(int)"
            )
        if target.shape != (n,):
            raise ValueError(
                f"CrossEntropyLoss: ожидались метки формы ({n},) — по одной на объект, "
                f"получен массив формы {target.shape}"
            )
        if n and (target.min() < 0 or target.max() >= k):
            raise ValueError(
                f"CrossEntropyLoss: метки должны лежать в [0, {k}) для K = {k} классов, "
                f"получены значения от {target.min()} до {target.max()}"
            )
        logp = A._log_softmax(pred, axis=1)      # pred: float64, checked finite by Loss.__call__
        rows = np.arange(n)
        loss = -np.mean(logp[rows, target])
        grad = np.exp(logp)
        grad[rows, target] -= 1.0
        return loss, grad / n
