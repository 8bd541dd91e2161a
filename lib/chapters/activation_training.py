"""Функции активации (глава 5): опыты с обучением и подсчёт операций.

Что здесь есть:

* ``transcendental_calls`` — сколько экспонент (и других трансцендентных функций) на один
  элемент тратит активация: детерминированная замена замеру времени;
* ``dead_prone_net`` и ``dead_neuron_gradients`` — сеть «Linear — активация — Linear», в которой
  «умереть» может только первый слой, и градиент, который получают его нейроны с z < 0 на всех
  объектах;
* ``digits_net`` и ``layer_speeds`` — как быстро учится каждый слой: сдвиг ‖ΔW_ℓ‖/‖W_ℓ‖ за эпоху при
  обучении на цифрах (как в главе 5 книги Нильсена) и точность на валидации.

Обозначения: слой ℓ считает z_ℓ = a_{ℓ−1} W_ℓ + b_ℓ, a_ℓ = σ(z_ℓ), a_0 = X ∈ R^{n×d}.
"""

from __future__ import annotations

import numpy as np

from .. import activations as A
from .._validate import as_float_array, check_positive_int
from ..data import batches, load_digits_split
from ..layers import Linear, Sequential
from ..losses import MSELoss
from ..optim import SGD
from .activation_study import activation_module, get_activation, init_std

__all__ = ["transcendental_calls", "dead_prone_net", "dead_neuron_gradients", "digits_net",
           "layer_speeds"]

_COUNTED = ("exp", "expm1", "log", "log1p", "tanh")


def transcendental_calls(name: str, n: int = 1000, grad: bool = False) -> float:
    """Сколько трансцендентных функций (exp, log, tanh, erfc) активация вычисляет на элемент.

    Функция активации ``name`` (или её производная при ``grad=True``) применяется к массиву из
    n чисел; на время вызова функции numpy и erfc из ``lib.activations`` подменяются счётчиками
    числа обработанных элементов. Возвращает (всего элементов) / n: 0 у ReLU, 1 у сигмоиды.
    """
    act = get_activation(name)
    n = check_positive_int(n, "n")
    z = np.linspace(-5.0, 5.0, n)
    count = [0]

    def counting(f):
        def wrapper(x, *args, **kwargs):
            count[0] += np.size(x)
            return f(x, *args, **kwargs)
        return wrapper

    saved = {key: getattr(np, key) for key in _COUNTED}
    saved_erfc = A._erfc
    try:
        for key, f in saved.items():
            setattr(np, key, counting(f))
        A._erfc = counting(saved_erfc)
        (act.grad if grad else act.f)(z)
    finally:
        for key, f in saved.items():
            setattr(np, key, f)
        A._erfc = saved_erfc
    return count[0] / n


def dead_prone_net(name: str, bias: float, width: int = 32, seed: int = 0) -> Sequential:
    """Сеть Linear(width, width) — активация ``name`` — Linear(width, width), веса по Хе N(0, 2/d_in).

    Свободные члены первого слоя равны ``bias`` (при bias ≪ 0 его нейроны «умирают»), второго — 0.
    Второй слой линейный, поэтому ошибка δ_1 первого слоя зависит только от его собственной
    активации: нулевой градиент нейрона первого слоя может дать лишь f′(z) = 0.
    """
    gen = np.random.default_rng(seed)
    layers = []
    for b in (float(bias), 0.0):
        lin = Linear(width, width, rng=gen)
        lin.W.data = gen.normal(0.0, init_std("he", width, width), size=(width, width))
        lin.b.data = np.full(width, b)
        layers.append(lin)
    return Sequential(layers[0], activation_module(name), layers[1])


def dead_neuron_gradients(name: str, bias: float, X, Y, seeds=(0, 1, 2)) -> tuple:
    """Градиент, который получают «мёртвые» нейроны первого слоя сети ``dead_prone_net``.

    Для каждого зерна: MSE до цели Y (n, width) на входах X (n, width), один ``backward``;
    нейрон h первого слоя мёртв, если z_1h ≤ 0 на всех n объектах. Для мёртвых нейронов берётся
    ``max_i |∂L/∂W_1[i, h]|``. Возвращает пару (медиана этого числа по мёртвым нейронам всех зёрен,
    доля мёртвых нейронов); медиана — 0.0, если мёртвых нет.
    """
    X, Y = as_float_array(X, "X"), as_float_array(Y, "Y")
    grads, shares = [], []
    loss_fn = MSELoss()
    for s in seeds:
        model = dead_prone_net(name, bias, X.shape[1], seed=int(s))
        dead = np.all(model[0](X) <= 0, axis=0)
        loss_fn(model(X), Y)
        model.backward(loss_fn.backward())
        grads.append(np.abs(model[0].W.grad).max(axis=0)[dead])
        shares.append(dead.mean())
    all_grads = np.concatenate(grads)
    return (float(np.median(all_grads)) if all_grads.size else 0.0), float(np.mean(shares))


def digits_net(name: str, hidden: int = 5, width: int = 32, init: str = "he", seed: int = 0) -> Sequential:
    """Сеть для цифр 8×8: 64 входа → ``hidden`` скрытых слоёв по ``width`` нейронов → 10 выходов.

    Скрытые слои: Linear и активация ``name``, веса нормальные со средним 0 и стандартным отклонением
    ``init_std(init, d_in, H)``,
    свободные члены 0; выходной слой — линейный, веса той же инициализации ``init``.
    """
    gen = np.random.default_rng(seed)
    sizes = [64] + [width] * check_positive_int(hidden, "hidden") + [10]
    modules = []
    for k, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = Linear(d_in, d_out, rng=gen)
        lin.W.data = gen.normal(0.0, init_std(init, d_in, d_out), size=(d_in, d_out))
        lin.b.data = np.zeros(d_out)
        modules.append(lin)
        if k < len(sizes) - 2:
            modules.append(activation_module(name))
    return Sequential(*modules)


def layer_speeds(name: str, init: str = "he", hidden: int = 5, width: int = 32, epochs: int = 8,
                 lr: float = 0.5, batch_size: int = 64, seed: int = 0) -> dict:
    """Обучает ``digits_net`` на цифрах (MSE до one-hot цели, SGD) и меряет, как быстро учится каждый слой.

    Сдвиг слоя ℓ за эпоху (насколько быстро он учится) — ‖W_ℓ(конец эпохи) − W_ℓ(начало)‖ / ‖W_ℓ(начало)‖ (нормы
    Фробениуса). Возвращает словарь: ``speeds`` — массив (epochs, hidden + 1), столбцы —
    скрытые слои 1 … hidden и выходной; ``val_acc`` — доля верных ответов на валидации после
    каждой эпохи, форма (epochs,).
    """
    data = load_digits_split()
    X, Y = data["X_train"], np.eye(10)[data["y_train"]]
    model = digits_net(name, hidden, width, init, seed)
    linears = [m for m in model if isinstance(m, Linear)]
    opt, loss_fn = SGD(model.parameters(), lr=lr), MSELoss()
    gen = np.random.default_rng(seed + 1)
    speeds, val_acc = [], []
    for _ in range(check_positive_int(epochs, "epochs")):
        start = [lin.W.data.copy() for lin in linears]
        for X_batch, Y_batch in batches(X, Y, batch_size, rng=gen):
            opt.zero_grad()
            loss_fn(model(X_batch), Y_batch)
            model.backward(loss_fn.backward())
            opt.step()
        speeds.append([np.linalg.norm(lin.W.data - w) / np.linalg.norm(w) for lin, w in zip(linears, start)])
        val_acc.append(float(np.mean(model(data["X_val"]).argmax(axis=1) == data["y_val"])))
    return {"speeds": np.array(speeds), "val_acc": np.array(val_acc)}
