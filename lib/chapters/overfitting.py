"""Переобучение и dropout (глава 7): данные, сеть, обучение, эксперименты.

Переобучение — это когда ошибка на обучающей выборке продолжает падать, а на валидационной
(новых объектах того же распределения) перестаёт падать или растёт: сеть запоминает шум.

Dropout (``lib.nn.Dropout``): при обучении каждый выход слоя обнуляется с вероятностью p,
а сохранённые умножаются на 1/(1 − p), так что E[y] = x; при применении (``model.eval()``)
слой ничего не меняет. L2-регуляризация (weight decay) добавляет к потере (λ/2)·‖θ‖², то есть
к градиенту — λθ. Ранняя остановка возвращает веса той эпохи, где валидационная ошибка минимальна.
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from .._validate import as_float_array, as_generator, check_positive_int
from ..dropout import Dropout
from ..layers import Linear, ReLU, Sequential
from ..losses import MSELoss
from ..optim import SGD

__all__ = [
    "target", "make_data", "make_mlp", "add_weight_decay", "train", "run", "gap_experiment",
    "early_stopping", "mc_average", "thinned_masks",
    "D", "NOISE", "N_TRAIN", "N_VAL", "H", "EPOCHS", "LR", "MOMENTUM", "RECORD_EVERY",
]

#: Число признаков: ответ зависит только от первого, остальные два — чистый шум.
D = 3
#: Стандартное отклонение шума в ответах; NOISE² = 0.09 — наименьшая достижимая MSE.
NOISE = 0.3
#: Размеры обучающей и валидационной выборок.
N_TRAIN, N_VAL = 40, 500
#: Ширина скрытых слоёв «широкой» сети, число эпох, шаг, момент, как часто записывать потери.
H, EPOCHS, LR, MOMENTUM, RECORD_EVERY = 64, 500, 0.025, 0.9, 20


def _check_probability(p, name: str = "p") -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not (0.0 <= p < 1.0):
        raise ValueError(f"{name}: ожидалась вероятность из [0, 1), получено {p!r}")
    return float(p)


def _check_nonnegative(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name}: ожидалось конечное число ≥ 0, получено {value!r}")
    return float(value)


def target(X):
    """Истинная зависимость f(x) = sin(π x₁): от остальных признаков ответ не зависит.

    X: массив формы (n, d), d ≥ 1. Возвращает массив формы (n, 1).
    """
    X = as_float_array(X, "X")
    if X.ndim != 2 or X.shape[1] < 1:
        raise ValueError(f"target: ожидался массив формы (n, d), получен массив формы {X.shape}")
    return np.sin(np.pi * X[:, :1])


def make_data(n: int, d: int = D, noise: float = NOISE, rng=0):
    """Маленькая зашумлённая регрессия: x ~ U[−1, 1]^d, y = sin(π x₁) + ε, ε ~ N(0, noise²).

    Возвращает X формы (n, d) и y формы (n, 1). Признаки x₂, …, x_d ни на что не влияют:
    сеть, которая на них опирается, подгоняется под шум.
    """
    n = check_positive_int(n, "n")
    d = check_positive_int(d, "d")
    noise = _check_nonnegative(noise, "noise")
    gen = as_generator(rng)
    X = gen.uniform(-1.0, 1.0, size=(n, d))
    y = target(X) + noise * gen.standard_normal((n, 1))
    return X, y


def make_mlp(d: int = D, hidden: int = H, p: float = 0.0, rng=0) -> Sequential:
    """Сеть d → H → H → 1 с ReLU; при p > 0 после каждой активации стоит Dropout(p).

    Веса и маски dropout берутся из генератора ``rng``, поэтому сеть воспроизводима.
    """
    p = _check_probability(p)
    gen = as_generator(rng)
    layers = [Linear(d, hidden, rng=gen), ReLU()]
    if p > 0:
        layers.append(Dropout(p, rng=gen))
    layers += [Linear(hidden, hidden, rng=gen), ReLU()]
    if p > 0:
        layers.append(Dropout(p, rng=gen))
    layers.append(Linear(hidden, 1, rng=gen))
    return Sequential(*layers)


def add_weight_decay(parameters, weight_decay: float) -> None:
    """L2-регуляризация: к потере прибавляется (λ/2)·Σ‖θ‖², поэтому к градиенту — λθ.

    Вызывается после ``backward`` и до ``optimizer.step()``: θ.grad += λ·θ для каждого
    параметра (в ``torch.optim.SGD`` то же делает аргумент ``weight_decay``).
    """
    weight_decay = _check_nonnegative(weight_decay, "weight_decay")
    if weight_decay == 0.0:
        return
    for param in parameters:
        param.grad += weight_decay * param.data


def train(model, X, y, X_val, y_val, epochs: int = EPOCHS, lr: float = LR, momentum: float = MOMENTUM,
          weight_decay: float = 0.0, record_every: int = RECORD_EVERY) -> dict:
    """Обучает ``model`` полным батчем (MSE, SGD с моментом) и записывает потери.

    Каждые ``record_every`` эпох потери на обучающей (X, y) и валидационной (X_val, y_val)
    выборках считаются в режиме применения (``model.eval()``, dropout выключен).
    Возвращает словарь: 'epoch' (номера эпох), 'train_loss', 'val_loss' — массивы одной длины.
    """
    epochs = check_positive_int(epochs, "epochs")
    record_every = check_positive_int(record_every, "record_every")
    loss_fn = MSELoss()
    optimizer = SGD(model.parameters(), lr=lr, momentum=momentum)
    record = {"epoch": [], "train_loss": [], "val_loss": []}
    model.train()
    for epoch in range(1, epochs + 1):
        loss_fn(model(X), y)
        optimizer.zero_grad()
        model.backward(loss_fn.backward())
        add_weight_decay(model.parameters(), weight_decay)
        optimizer.step()
        if epoch % record_every == 0 or epoch == epochs:
            model.eval()
            record["epoch"].append(epoch)
            record["train_loss"].append(loss_fn(model(X), y))
            record["val_loss"].append(loss_fn(model(X_val), y_val))
            model.train()
    model.eval()
    return {k: np.array(v) for k, v in record.items()}


@functools.lru_cache(maxsize=128)
def _run_cached(p, hidden, weight_decay, seed, epochs, n_train):
    X, y = make_data(n_train, rng=seed)
    X_val, y_val = make_data(N_VAL, rng=1000 + seed)
    model = make_mlp(D, hidden, p, rng=seed)
    history = train(model, X, y, X_val, y_val, epochs=epochs, weight_decay=weight_decay)
    for v in history.values():
        v.flags.writeable = False
    return model, history


def run(p: float = 0.0, hidden: int = H, weight_decay: float = 0.0, seed: int = 0,
        epochs: int = EPOCHS, n_train: int = N_TRAIN):
    """Один опыт главы: данные с зерном ``seed``, сеть ``make_mlp(D, hidden, p)``, обучение.

    Обучающая выборка — ``make_data(n_train, rng=seed)``, валидационная —
    ``make_data(N_VAL, rng=1000 + seed)``. Результат кэшируется (одни и те же параметры
    не обучаются дважды). Возвращает (model, history), history — как у ``train``.
    """
    p = _check_probability(p)
    weight_decay = _check_nonnegative(weight_decay, "weight_decay")
    hidden = check_positive_int(hidden, "hidden")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"run: зерно seed должно быть целым ≥ 0, получено {seed!r}")
    return _run_cached(round(p, 10), hidden, round(weight_decay, 12), int(seed),
                       check_positive_int(epochs, "epochs"), check_positive_int(n_train, "n_train"))


def gap_experiment(ps, seeds, weight_decay: float = 0.0, hidden: int = H) -> dict:
    """Потери после обучения для каждого p из ``ps`` и каждого зерна из ``seeds``.

    Возвращает словарь массивов формы (len(ps), len(seeds)): 'train', 'val' — итоговые
    потери, 'gap' = val − train — разрыв между валидационной и обучающей ошибкой.
    """
    ps, seeds = list(ps), list(seeds)
    if not ps or not seeds:
        raise ValueError(f"gap_experiment: нужны непустые списки p и зёрен, получено {len(ps)} и {len(seeds)}")
    train_loss = np.empty((len(ps), len(seeds)))
    val_loss = np.empty_like(train_loss)
    for i, p in enumerate(ps):
        for j, seed in enumerate(seeds):
            _, hist = run(p, hidden=hidden, weight_decay=weight_decay, seed=seed)
            train_loss[i, j] = hist["train_loss"][-1]
            val_loss[i, j] = hist["val_loss"][-1]
    return {"train": train_loss, "val": val_loss, "gap": val_loss - train_loss}


def early_stopping(val_loss, patience: int = 3) -> tuple[int, int]:
    """Ранняя остановка по записям валидационной потери.

    Обучение останавливается, когда ``patience`` записей подряд не улучшили лучший результат;
    веса берутся с лучшей записи. Возвращает (stop, best): индекс записи, на которой
    остановились, и индекс лучшей записи до неё (best ≤ stop).
    """
    val_loss = as_float_array(val_loss, "val_loss")
    if val_loss.ndim != 1 or len(val_loss) == 0:
        raise ValueError(f"early_stopping: ожидался непустой вектор потерь, получена форма {val_loss.shape}")
    patience = check_positive_int(patience, "patience")
    best, waited = 0, 0
    for i in range(1, len(val_loss)):
        if val_loss[i] < val_loss[best]:
            best, waited = i, 0
        else:
            waited += 1
            if waited >= patience:
                return i, best
    return len(val_loss) - 1, best


def mc_average(model, X, samples: int = 100):
    """Среднее ответов ``samples`` случайно прореженных сетей (dropout включён).

    Это честное усреднение ансамбля «тонких» сетей; сравните его с ``model.eval()``-ответом,
    который получает то же среднее одним проходом (точно для линейной части, приближённо —
    после нелинейностей). Режим модели после вызова восстанавливается.
    """
    samples = check_positive_int(samples, "samples")
    was_training = model.training
    model.train()
    total = 0.0
    for _ in range(samples):
        total = total + model(X)
    model.train(was_training)
    return total / samples


def thinned_masks(layer_sizes, p: float, seed: int = 0) -> list:
    """Маски dropout для рисунка сети со слоями размеров ``layer_sizes``.

    Входной и выходной слои не прореживаются; для каждого скрытого слоя нейрон сохраняется,
    если равномерное число u ≥ p (вероятность 1 − p) — так же, как в ``lib.nn.Dropout``.
    Возвращает список булевых массивов (True — нейрон работает), по одному на слой.
    """
    sizes = [check_positive_int(s, "размер слоя") for s in layer_sizes]
    if len(sizes) < 3:
        raise ValueError(f"thinned_masks: нужны вход, хотя бы один скрытый слой и выход, получено {len(sizes)} слоя")
    p = _check_probability(p)
    gen = np.random.default_rng(seed)
    masks = [np.ones(sizes[0], dtype=bool)]
    masks += [gen.random(s) >= p for s in sizes[1:-1]]
    masks.append(np.ones(sizes[-1], dtype=bool))
    return masks
