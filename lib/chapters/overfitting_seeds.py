"""Глава 7: сети нескольких зёрен, обученные разом — ``run_seeds`` (его вызывает ``overfitting.run``).

Опыты главы повторяются на десяти зёрнах. Вместо десяти циклов обучения по очереди здесь один
цикл по сложенным массивам: веса слоя всех S зёрен — массив формы (S, вход, выход), батч —
(S, n, d), и шаг ``z = a @ W + b`` идёт сразу для всех. Арифметика та же, что у библиотечного
пути ``train(make_mlp(D, hidden, p, rng=seed), …)`` (Linear, ReLU, Dropout, MSELoss, SGD с
импульсом): у каждого зерна свои данные, начальные веса и генератор масок dropout, поэтому
результат совпадает с ним бит в бит (``tests/test_overfitting.py`` сравнивает оба пути).
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validate import check_positive_int
from ..dropout import Dropout
from ..layers import Linear
from .overfitting import (
    EPOCHS,
    LR,
    MOMENTUM,
    N_TEST,
    N_TRAIN,
    N_VAL,
    RECORD_EVERY,
    D,
    H,
    _check_nonnegative,
    _check_probability,
    make_data,
    make_mlp,
)

_CACHE: dict = {}


def _train_seeds(p, hidden, weight_decay, seeds, epochs, n_train, decay_biases):
    """``train`` для нескольких зёрен сразу: та же арифметика на сложенных массивах (S, ·, ·).

    У каждого зерна свои данные, начальные веса и генератор масок dropout, поэтому каждый прогон
    равен ``train(make_mlp(D, hidden, p, rng=seed), ...)``; параметры моделей — виды (views) на
    сложенные массивы; запись потерь — прямой проход в режиме применения и MSE каждого зерна,
    как в ``evaluate``.
    """
    models = [make_mlp(D, hidden, p, rng=s) for s in seeds]
    data = [(make_data(n_train, rng=s), make_data(N_VAL, rng=1000 + s), make_data(N_TEST, rng=2000 + s))
            for s in seeds]
    X = np.stack([d[0][0] for d in data])
    y = np.stack([d[0][1] for d in data])
    linears = [[layer for layer in m if isinstance(layer, Linear)] for m in models]
    drops = [[layer for layer in m if isinstance(layer, Dropout)] for m in models]
    Ws = [np.stack([lin[i].W.data for lin in linears]) for i in range(3)]
    bs = [np.stack([lin[i].b.data for lin in linears]) for i in range(3)]
    for j, lin in enumerate(linears):
        for i in range(3):
            lin[i].W.data, lin[i].b.data = Ws[i][j], bs[i][j]
    params = Ws + bs
    decay = [weight_decay] * 3 + [weight_decay if decay_biases else 0.0] * 3
    velocity = [None] * 6
    evals = {key: (np.stack([d[j][0] for d in data]), [d[j][1] for d in data])
             for j, key in enumerate(("train", "val", "test"))}
    records = [{"epoch": [], "train_loss": [], "val_loss": [], "test_loss": []} for _ in seeds]
    for m in models:
        m.train()
    for epoch in range(1, epochs + 1):
        inputs, relu_masks, drop_masks = [], [], []
        a = X
        for i in range(2):
            inputs.append(a)
            z = a @ Ws[i] + bs[i][:, None, :]
            relu_masks.append(z > 0)
            a = np.maximum(z, 0.0)
            if p > 0:
                keep = np.stack([d[i].rng.random(z.shape[1:]) >= p for d in drops])
                drop_masks.append(keep / (1.0 - p))
                a = a * drop_masks[i]
        inputs.append(a)
        diff = (a @ Ws[2] + bs[2][:, None, :]) - y
        g = 2.0 * diff / diff[0].size                           # dMSE/dy_hat of each seed
        grads = [None] * 6
        for i in (2, 1, 0):
            grads[i] = np.swapaxes(inputs[i], 1, 2) @ g
            grads[3 + i] = g.sum(axis=1)
            if i > 0:
                g = g @ np.swapaxes(Ws[i], 1, 2)
                if p > 0:
                    g = g * drop_masks[i - 1]
                g = g * relu_masks[i - 1]
        for k in range(6):
            gk = grads[k] + decay[k] * params[k] if decay[k] else grads[k]
            velocity[k] = gk.copy() if velocity[k] is None else MOMENTUM * velocity[k] + gk
            params[k] -= LR * velocity[k]
        if epoch % RECORD_EVERY == 0 or epoch == epochs:
            for rec in records:
                rec["epoch"].append(epoch)
            for key, sets in evals.items():          # the eval-mode forward (no dropout) and MSELoss
                a = sets[0]
                for i in range(2):
                    a = np.maximum(a @ Ws[i] + bs[i][:, None, :], 0.0)
                pred = a @ Ws[2] + bs[2][:, None, :]
                for rec, pred_s, t in zip(records, pred, sets[1]):
                    d = pred_s - t
                    rec[f"{key}_loss"].append(float(np.mean(d * d)))
    out = []
    for m, rec in zip(models, records):
        m.eval()
        history = {k: np.array(v) for k, v in rec.items()}
        for v in history.values():
            v.flags.writeable = False
        out.append((m, history))
    return out


def run_seeds(seeds, p: float = 0.0, hidden: int = H, weight_decay: float = 0.0,
              epochs: int = EPOCHS, n_train: int = N_TRAIN, decay_biases: bool = True) -> list:
    """``run`` для нескольких зёрен сразу: список пар (model, history), по одной на зерно.

    Результат тот же, что у ``[run(..., seed=s) for s in seeds]``, но сети разных зёрен
    обучаются одним проходом по сложенным массивам формы (S, n, H) — быстрее в S раз по числу
    вызовов. Результаты кэшируются вместе с ``run``.
    """
    p = _check_probability(p)
    weight_decay = _check_nonnegative(weight_decay, "weight_decay")
    hidden = check_positive_int(hidden, "hidden")
    epochs, n_train = check_positive_int(epochs, "epochs"), check_positive_int(n_train, "n_train")
    seeds = list(seeds)
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise ValueError(f"run: зерно seed должно быть целым ≥ 0, получено {seed!r}")
    config = (round(p, 10), hidden, round(weight_decay, 12), epochs, n_train, bool(decay_biases))
    missing = sorted({int(s) for s in seeds if (config, int(s)) not in _CACHE})
    if missing:
        for s, result in zip(missing, _train_seeds(config[0], hidden, config[2], missing,
                                                   epochs, n_train, config[5])):
            _CACHE[(config, s)] = result
    return [_CACHE[(config, int(s))] for s in seeds]
