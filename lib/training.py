"""Схема обучения (глава 4) в нескольких строках.

1. Инициализируем веса (это делают конструкторы слоёв).
2. Повторяем нужное число эпох, для каждого батча:
   прямой проход → ŷ; считаем потерю L; обратный проход → градиенты;
   шаг оптимизации θ ← θ − η∇L.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_generator, check_positive_int
from .data import batches
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss

__all__ = ["fit", "evaluate", "accuracy", "History"]


class History(dict):
    """История обучения: списки по эпохам, ключи 'train_loss', 'val_loss',
    'train_acc', 'val_acc' (точность — только для классификации)."""

    def last(self) -> dict:
        """Значения после последней эпохи."""
        return {k: v[-1] for k, v in self.items() if v}


def accuracy(loss_fn, pred, y) -> float | None:
    """Доля верных ответов для классификации; None для регрессии.

    CrossEntropyLoss: класс = argmax логитов, pred формы (n, K), y — целые метки формы (n,)
    из {0, …, K−1}; BCEWithLogitsLoss: логит > 0; BCELoss: вероятность > 1/2 (формы pred и y
    совпадают). Другие формы — ошибка, а не молчаливый broadcasting.
    """
    pred, y = np.asarray(pred), np.asarray(y)
    _check_loss_fn(loss_fn, "accuracy")
    if isinstance(loss_fn, CrossEntropyLoss):
        if pred.ndim != 2:
            raise ValueError(f"accuracy: ожидались логиты формы (n, K), получен массив формы {pred.shape}")
        n, k = pred.shape
        if y.shape != (n,):
            hint = " Метки-столбец превратите в вектор: y.ravel()." if y.shape == (n, 1) else ""
            raise ValueError(f"accuracy: ожидались метки формы ({n},), получен массив формы {y.shape}.{hint}")
        if n == 0:
            raise ValueError("accuracy: пустой батч — точность на 0 объектах не определена")
        if y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"accuracy: метки классов должны быть целыми (dtype int), получен dtype {y.dtype}")
        if y.min() < 0 or y.max() >= k:
            raise ValueError(
                f"accuracy: метки должны лежать в [0, {k}) для K = {k} классов, "
                f"получены значения от {y.min()} до {y.max()}"
            )
        return float(np.mean(pred.argmax(axis=1) == y))
    if isinstance(loss_fn, (BCEWithLogitsLoss, BCELoss)):
        if pred.shape != y.shape:
            raise ValueError(
                f"accuracy: формы предсказания и цели должны совпадать: pred {pred.shape}, y {y.shape}"
            )
        if pred.size == 0:
            raise ValueError("accuracy: пустой батч — точность на 0 объектах не определена")
        threshold = 0.0 if isinstance(loss_fn, BCEWithLogitsLoss) else 0.5
        return float(np.mean((pred > threshold) == (y > 0.5)))
    return None


def _batch_accuracy(loss_fn, pred, y) -> float | None:
    """accuracy() for a batch whose shapes and labels the loss has just validated."""
    if isinstance(loss_fn, CrossEntropyLoss):
        return float(np.mean(pred.argmax(axis=1) == y))
    return accuracy(loss_fn, pred, y)


def _check_loss_fn(loss_fn, where: str) -> None:
    from .losses import Loss

    if isinstance(loss_fn, type):
        raise TypeError(
            f"{where}: передан класс {loss_fn.__name__}, а нужен объект функции потерь: "
            f"{loss_fn.__name__}() — со скобками"
        )
    if not isinstance(loss_fn, Loss):
        raise TypeError(
            f"{where}: ожидалась функция потерь lib (например, nn.MSELoss()), получен {type(loss_fn).__name__}"
        )


def evaluate(model, loss_fn, X, y) -> tuple[float, float | None]:
    """Потеря и точность на (X, y) в режиме применения (без dropout); режим модели сохраняется."""
    _check_loss_fn(loss_fn, "evaluate")
    was_training = model.training
    model.eval()
    try:
        pred = model(X)
        loss = loss_fn(pred, y)
    finally:
        model.train(was_training)
    return loss, accuracy(loss_fn, pred, y)


def _record(history: History, split: str, loss, acc) -> None:
    history[f"{split}_loss"].append(float(loss))
    if acc is not None:
        history[f"{split}_acc"].append(float(acc))


def fit(model, loss_fn, optimizer, X, y, epochs: int, batch_size: int, rng=None,
        X_val=None, y_val=None, eval_train: bool = True) -> History:
    """Обучает ``model`` мини-батчами и возвращает историю по эпохам.

    После каждой эпохи потеря и точность на валидационной выборке (если она дана) считаются
    по всей выборке в режиме применения (``model.eval()``). На обучающей выборке:

    * ``eval_train=True`` (по умолчанию) — так же, по всей выборке в режиме применения:
      это потеря модели, получившейся в конце эпохи (ещё один прямой проход по выборке);
    * ``eval_train=False`` — среднее потерь батчей за эпоху (взвешенное по размеру батча),
      как ``loss_curve_`` в scikit-learn: дешевле, но веса менялись в течение эпохи,
      а Dropout был включён.

    ``rng`` (зерно или генератор) задаёт порядок батчей; генератор создаётся один раз,
    поэтому каждая эпоха перемешивает выборку по-новому.
    """
    from .module import Module

    if not isinstance(model, Module):
        raise TypeError(f"fit: ожидалась модель lib (например, nn.Sequential(...)), получен {type(model).__name__}")
    _check_loss_fn(loss_fn, "fit")
    if isinstance(optimizer, type) or not (
        callable(getattr(optimizer, "step", None)) and callable(getattr(optimizer, "zero_grad", None))
    ):
        raise TypeError(
            "fit: ожидался оптимизатор, например optim.SGD(model.parameters(), lr=0.1), "
            f"получен {getattr(optimizer, '__name__', type(optimizer).__name__)}"
        )
    if len(X) == 0:
        raise ValueError("fit: обучающая выборка пуста (0 объектов)")
    if X_val is not None and len(X_val) == 0:
        raise ValueError("fit: валидационная выборка пуста (0 объектов); не передавайте её вовсе")
    if (X_val is None) != (y_val is None):
        raise ValueError("fit: передайте либо оба X_val и y_val, либо ни одного")
    epochs = check_positive_int(epochs, "epochs")
    gen = as_generator(rng)
    history = History(train_loss=[], val_loss=[], train_acc=[], val_acc=[])
    for _ in range(epochs):
        model.train()
        per_batch = []                              # (размер батча, потеря, точность)
        for X_batch, y_batch in batches(X, y, batch_size, shuffle=True, rng=gen):
            y_hat = model(X_batch)                  # 1. прямой проход
            loss = loss_fn(y_hat, y_batch)          # 2. потеря
            optimizer.zero_grad()
            model.backward(loss_fn.backward())      # 3. обратный проход
            optimizer.step()                        # 4. шаг оптимизации
            if not eval_train:                      # labels were checked by the loss: no second check
                per_batch.append((len(X_batch), loss, _batch_accuracy(loss_fn, y_hat, y_batch)))
        if eval_train:
            _record(history, "train", *evaluate(model, loss_fn, X, y))
        else:
            sizes, losses, accs = zip(*per_batch)
            _record(history, "train", np.average(losses, weights=sizes),
                    None if accs[0] is None else np.average(accs, weights=sizes))
        if X_val is not None:
            _record(history, "val", *evaluate(model, loss_fn, X_val, y_val))
    model.train()
    return history
