"""Задания главы 8 «Собираем всё вместе: рукописные цифры»."""

from __future__ import annotations

import numpy as np

from . import Mistake, Task, register_task

_rng = np.random.default_rng(808)


def _case(n: int, K: int, flip: float, absent: int = 0):
    """Logits (n, K) and labels (n,): the labels follow the argmax except for a share ``flip``.

    The last ``absent`` classes appear neither among the labels nor among the predictions.
    """
    used = K - absent
    logits = _rng.standard_normal((n, K))
    logits[:, used:] -= 10.0
    pred = logits.argmax(axis=1)
    y = pred.copy()
    wrong = _rng.random(n) < flip
    y[wrong] = _rng.integers(0, used, size=int(wrong.sum()))
    return logits, y, K


# Case 1: rectangular n > K, some errors; the confusion matrix is not symmetric.
# Case 2: square n == K, so that argmax over the wrong axis still gives n labels.
# Case 3: the last two classes never occur, so K cannot be guessed from the data.
_CASES = [_case(9, 3, 0.4), _case(4, 4, 0.5), _case(14, 6, 0.3, absent=2)]


def accuracy_and_confusion_reference(logits, y, K):
    """(точность, матрица ошибок C[k, l] = #{y = k, ŷ = l}) по логитам формы (n, K)."""
    y_pred = np.argmax(logits, axis=1)
    accuracy = np.mean(y_pred == y)
    C = np.zeros((K, K), dtype=int)
    np.add.at(C, (y, y_pred), 1)
    return accuracy, C


def _transposed(logits, y, K):
    acc, C = accuracy_and_confusion_reference(logits, y, K)
    return acc, C.T


def _wrong_axis(logits, y, K):
    y_pred = np.argmax(logits, axis=0)
    accuracy = np.mean(y_pred == y)
    C = np.zeros((K, K), dtype=int)
    np.add.at(C, (y, y_pred), 1)
    return accuracy, C


def _count_not_share(logits, y, K):
    acc, C = accuracy_and_confusion_reference(logits, y, K)
    return np.sum(np.argmax(logits, axis=1) == y), C


def _max_not_argmax(logits, y, K):
    y_pred = np.max(logits, axis=1)
    accuracy = np.mean(y_pred == y)
    C = np.zeros((K, K), dtype=int)
    np.add.at(C, (y, y_pred), 1)
    return accuracy, C


def _size_from_data(logits, y, K):
    y_pred = np.argmax(logits, axis=1)
    size = int(max(y.max(), y_pred.max())) + 1
    C = np.zeros((size, size), dtype=int)
    np.add.at(C, (y, y_pred), 1)
    return np.mean(y_pred == y), C


def _fancy_index_increment(logits, y, K):
    y_pred = np.argmax(logits, axis=1)
    C = np.zeros((K, K), dtype=int)
    C[y, y_pred] += 1
    return np.mean(y_pred == y), C


def _row_normalised(logits, y, K):
    acc, C = accuracy_and_confusion_reference(logits, y, K)
    rows = C.sum(axis=1, keepdims=True)
    return acc, C / np.where(rows == 0, 1, rows)


register_task(Task(
    key="ch08.confusion",
    func_name="accuracy_and_confusion(logits, y, K)",
    reference=accuracy_and_confusion_reference,
    cases=_CASES,
    outputs=("accuracy", "C"),
    mistakes=[
        Mistake(_fancy_index_increment,
                "матрица считается через C[y, y_pred] += 1: при повторяющихся парах (y_i, ŷ_i) "
                "NumPy прибавляет единицу к каждой паре один раз, а не столько раз, сколько она "
                "встретилась. Используйте np.add.at(C, (y, y_pred), 1) или цикл по объектам."),
        Mistake(_transposed,
                "строки и столбцы матрицы ошибок перепутаны: в курсе (и в scikit-learn) строка — "
                "правильный класс y, столбец — ответ сети ŷ, то есть C[y_i, ŷ_i] += 1."),
        Mistake(_wrong_axis,
                "argmax взят не по той оси: логиты имеют форму (n, K), класс объекта — номер "
                "наибольшего логита в его строке, np.argmax(logits, axis=1)."),
        Mistake(_count_not_share,
                "точность посчитана как число верных ответов, а нужна их доля: разделите на n "
                "(или возьмите np.mean вместо np.sum)."),
        Mistake(_max_not_argmax,
                "вместо номера класса взято само значение наибольшего логита (max вместо argmax)."),
        Mistake(_size_from_data,
                "размер матрицы взят из данных (наибольшая встретившаяся метка + 1), а не K: если "
                "какой-то класс не встретился, матрица получится меньше K×K."),
        Mistake(_row_normalised,
                "строки матрицы ошибок нормированы на число объектов класса; здесь нужны сами "
                "количества объектов, целые числа."),
    ],
))
