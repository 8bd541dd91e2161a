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

    CrossEntropyLoss: класс = argmax логитов; BCEWithLogitsLoss: логит > 0; BCELoss: p > 1/2.
    """
    pred, y = np.asarray(pred), np.asarray(y)
    if isinstance(loss_fn, CrossEntropyLoss):
        return float(np.mean(pred.argmax(axis=1) == y))
    if isinstance(loss_fn, BCEWithLogitsLoss):
        return float(np.mean((pred > 0) == (y > 0.5)))
    if isinstance(loss_fn, BCELoss):
        return float(np.mean((pred > 0.5) == (y > 0.5)))
    return None


def evaluate(model, loss_fn, X, y) -> tuple[float, float | None]:
    """Потеря и точность на (X, y) в режиме применения (без dropout); режим модели сохраняется."""
    was_training = model.training
    model.eval()
    pred = model(X)
    loss = loss_fn(pred, y)
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
            if not eval_train:
                per_batch.append((len(X_batch), loss, accuracy(loss_fn, y_hat, y_batch)))
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
