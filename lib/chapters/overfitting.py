"""Переобучение и dropout (глава 7): данные, сеть, обучение, эксперименты.

Переобучение — это когда ошибка на обучающей выборке продолжает падать, а на валидационной
(новых объектах того же распределения) перестаёт падать или растёт: сеть подгоняется под шум.

Dropout (``lib.nn.Dropout``): при обучении каждый выход слоя обнуляется с вероятностью p
(свой жребий у каждого объекта батча), а сохранённые умножаются на 1/(1 − p), так что среднее
не меняется; при применении (``model.eval()``) слой ничего не меняет. L2-регуляризация
(weight decay) добавляет к потере (γ/2)·‖θ‖², то есть к градиенту — γθ. Ранняя остановка
возвращает веса той записи, где валидационная ошибка минимальна; оценивают её на тестовой.
У Adam штраф в потере и усыхание весов — не одно и то же: это сравнение вынесено
в ``lib.chapters.weight_decay`` (AdamW, Loshchilov и Hutter, 2019).
Рисунки и панели главы — в ``lib.figures.overfitting``.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validate import as_float_array, as_generator, check_positive_int
from ..dropout import Dropout
from ..layers import Linear, ReLU, Sequential
from ..losses import MSELoss
from ..optim import SGD
from ..training import evaluate

__all__ = [
    "target", "make_data", "make_mlp", "split_parameters", "train", "run", "run_seeds", "gap_experiment",
    "early_stopping", "mc_average", "thinned_masks",
    "least_squares_train_mse", "gaussian_posterior_mean", "lipschitz_bound",
    "D", "NOISE", "N_TRAIN", "N_VAL", "N_TEST", "H", "EPOCHS", "LR", "MOMENTUM", "RECORD_EVERY",
]

#: Число признаков: ответ зависит только от первого, остальные два — чистый шум.
D = 3
#: Стандартное отклонение s шума в ответах; s² = 0.09 — ожидаемая MSE истинной зависимости на новых объектах.
NOISE = 0.3
#: Размер обучающей выборки.
N_TRAIN = 40
#: Размер валидационной выборки (по ней выбирают эпоху и регуляризацию).
N_VAL = 500
#: Размер тестовой выборки (ею только оценивают).
N_TEST = 500
#: Ширина скрытых слоёв «широкой» сети.
H = 64
#: Число эпох обучения.
EPOCHS = 500
#: Шаг η.
LR = 0.025
#: Импульс β.
MOMENTUM = 0.9
#: Как часто (раз в сколько эпох) записывать потери.
RECORD_EVERY = 20


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
    """Маленькая зашумлённая регрессия: x ~ U[−1, 1]^d, y = sin(π x₁) + ξ, ξ ~ N(0, s²), s = noise.

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


def split_parameters(model) -> tuple[list, list]:
    """Параметры сети двумя списками: веса W всех слоёв и смещения b всех слоёв.

    Нужен, чтобы штрафовать только веса: SGD(weights, weight_decay=γ) и SGD(biases) без штрафа.
    """
    named = list(model.named_parameters())
    biases = [q for name, q in named if name.rsplit(".", 1)[-1] == "b"]
    return [q for name, q in named if name.rsplit(".", 1)[-1] != "b"], biases


def train(model, X, y, X_val, y_val, epochs: int = EPOCHS, lr: float = LR, momentum: float = MOMENTUM,
          weight_decay: float = 0.0, record_every: int = RECORD_EVERY, decay_biases: bool = True,
          X_test=None, y_test=None) -> dict:
    """Обучает ``model`` полным батчем: MSE, SGD с импульсом β и L2-регуляризацией γ.

    Шаг: g = ∇L(θ) + γθ, v ← βv + g, θ ← θ − ηv (``lib.optim.SGD``); при
    ``decay_biases=False`` штраф γθ получают только веса W, смещения b — нет.
    Каждые ``record_every`` эпох потери на обучающей (X, y), валидационной (X_val, y_val) и,
    если дана, тестовой (X_test, y_test) выборках считает ``lib.training.evaluate`` в режиме
    применения (``model.eval()``, dropout выключен), потом модель возвращается в ``train()``.
    Возвращает словарь массивов одной длины: 'epoch', 'train_loss', 'val_loss' (и 'test_loss').
    """
    epochs = check_positive_int(epochs, "epochs")
    record_every = check_positive_int(record_every, "record_every")
    weight_decay = _check_nonnegative(weight_decay, "weight_decay")
    loss_fn = MSELoss()
    weights, biases = split_parameters(model)
    optimizers = [SGD(weights, lr=lr, momentum=momentum, weight_decay=weight_decay),
                  SGD(biases, lr=lr, momentum=momentum, weight_decay=weight_decay if decay_biases else 0.0)]
    sets = {"train": (X, y), "val": (X_val, y_val)}
    if X_test is not None:
        sets["test"] = (X_test, y_test)
    record = {"epoch": [], **{f"{k}_loss": [] for k in sets}}
    model.train()
    for epoch in range(1, epochs + 1):
        loss_fn(model(X), y)
        for opt in optimizers:
            opt.zero_grad()
        model.backward(loss_fn.backward())
        for opt in optimizers:
            opt.step()
        if epoch % record_every == 0 or epoch == epochs:
            record["epoch"].append(epoch)
            for k, (A, t) in sets.items():
                record[f"{k}_loss"].append(evaluate(model, loss_fn, A, t)[0])   # eval() inside
    model.eval()
    return {k: np.array(v) for k, v in record.items()}


def run(p: float = 0.0, hidden: int = H, weight_decay: float = 0.0, seed: int = 0,
        epochs: int = EPOCHS, n_train: int = N_TRAIN, decay_biases: bool = True):
    """Один опыт главы: данные с зерном ``seed``, сеть ``make_mlp(D, hidden, p)``, обучение ``train``.

    Выборки: обучающая ``make_data(n_train, rng=seed)``, валидационная
    ``make_data(N_VAL, rng=1000 + seed)`` (по ней выбирают), тестовая
    ``make_data(N_TEST, rng=2000 + seed)`` (ею только оценивают). Результат кэшируется.
    Возвращает (model, history), history — как у ``train``, с ключом 'test_loss'.
    """
    return run_seeds([seed], p, hidden, weight_decay, epochs, n_train, decay_biases)[0]


def gap_experiment(ps, seeds, weight_decay: float = 0.0, hidden: int = H) -> dict:
    """Потери после обучения для каждого p из ``ps`` и каждого зерна из ``seeds``.

    Возвращает словарь массивов формы (len(ps), len(seeds)): 'train', 'val', 'test' — итоговые
    потери, 'gap' = val − train — разрыв между валидационной и обучающей ошибкой.
    """
    ps, seeds = list(ps), list(seeds)
    if not ps or not seeds:
        raise ValueError(f"gap_experiment: нужны непустые списки p и зёрен, получено {len(ps)} и {len(seeds)}")
    out = {k: np.empty((len(ps), len(seeds))) for k in ("train", "val", "test")}
    for i, p in enumerate(ps):
        for j, (_, hist) in enumerate(run_seeds(seeds, p, hidden=hidden, weight_decay=weight_decay)):
            for k in out:
                out[k][i, j] = hist[f"{k}_loss"][-1]
    out["gap"] = out["val"] - out["train"]
    return out


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


def least_squares_train_mse(n: int, k: int, noise: float = NOISE, reps: int = 2000, rng=0):
    """Обучающая MSE правильной модели: МНК по k признакам, среди которых есть истинный.

    Для каждого из ``reps`` повторов: x ~ U[−1, 1]^D, y = sin(π x₁) + ξ, ξ ~ N(0, s²), s = noise;
    признаки — первые k столбцов из (sin(π x₁), 1, x₁, …, x_D), k ≤ D + 2 ≤ n. Теория:
    RSS/s² ~ χ²(n − k), поэтому E[MSE] = s²(1 − k/n) < s². Возвращает вектор MSE формы (reps,).
    """
    n, k, reps = check_positive_int(n, "n"), check_positive_int(k, "k"), check_positive_int(reps, "reps")
    if k > min(D + 2, n):
        raise ValueError(f"least_squares_train_mse: нужно k ≤ {min(D + 2, n)}, получено k = {k}")
    gen = as_generator(rng)
    out = np.empty(reps)
    for r in range(reps):
        X, y = make_data(n, noise=noise, rng=gen)
        A = np.column_stack([target(X), np.ones(n), X])[:, :k]
        coef = np.linalg.lstsq(A, y, rcond=None)[0]
        out[r] = np.mean((A @ coef - y) ** 2)
    return out


def gaussian_posterior_mean(A, y, noise: float, prior_std: float):
    """MAP (= среднее апостериорного) линейной модели y = Aθ + ξ, ξ ~ N(0, s²), θ ~ N(0, τ² I).

    θ_MAP = (AᵀA + (s²/τ²) I)⁻¹ Aᵀy — то же, что минимум MSE + (γ/2)‖θ‖² при γ = 2s²/(nτ²).
    A: (n, P), y: (n, 1); s = noise, τ = prior_std. Возвращает θ формы (P, 1).
    """
    A, y = as_float_array(A, "A"), as_float_array(y, "y")
    prior_std = _check_nonnegative(prior_std, "prior_std")
    if prior_std == 0:
        raise ValueError("gaussian_posterior_mean: prior_std должно быть > 0")
    ratio = _check_nonnegative(noise, "noise") ** 2 / prior_std**2
    return np.linalg.solve(A.T @ A + ratio * np.eye(A.shape[1]), A.T @ y)


def lipschitz_bound(model) -> float:
    """Верхняя оценка константы Липшица сети Linear/ReLU/Dropout в режиме eval: ∏_ℓ ‖W_ℓ‖₂.

    ReLU 1-липшицева, поэтому ‖f(x) − f(x′)‖ ≤ ∏_ℓ ‖W_ℓ‖₂ · ‖x − x′‖ (‖·‖₂ — спектральная норма).
    """
    return float(np.prod([np.linalg.norm(layer.W.data, 2) for layer in model if isinstance(layer, Linear)]))


def run_seeds(seeds, p: float = 0.0, hidden: int = H, weight_decay: float = 0.0,
              epochs: int = EPOCHS, n_train: int = N_TRAIN, decay_biases: bool = True) -> list:
    """``run`` для нескольких зёрен сразу: список пар (model, history), по одной на зерно
    (сети зёрен обучаются разом, см. ``lib.chapters.overfitting_seeds``)."""
    from .overfitting_seeds import run_seeds as stacked  # it imports this module

    return stacked(seeds, p, hidden, weight_decay, epochs, n_train, decay_biases)
