"""Глава 4. Мини-батчи: эпоха, батч, итерация; градиент по батчу и его разброс.

Задача — линейная регрессия ŷ = xω + b (один признак, d = 1) с параметрами θ = (ω, b) и MSE
L(θ) = (1/n) Σ_i L_i(θ), где L_i(θ) = (x_iω + b − y_i)² — потеря на объекте i.
Батч B ⊂ {1, …, n} из |B| объектов; потеря на нём L_B = (1/|B|) Σ_{i∈B} L_i, градиент
g_B = ∇L_B(θ). Шаг по батчу B_t: θ_t = θ_{t−1} − η ∇L_{B_t}(θ_{t−1}).
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numpy as np

from .._validate import as_float_array, as_generator, check_positive_int
from .digits import digits_data

__all__ = [
    "digits_train_size", "steps_per_epoch", "linear_problem", "linear_loss", "per_sample_gradients",
    "all_batch_gradients", "epoch_batch_gradients", "batch_gradient_std", "minibatch_descent",
    "compare_batch_sizes", "minibatch_gradient_variance", "gradient_variance_theory",
]


def digits_train_size(seed: int = 0) -> int:
    """n обучающей выборки цифр главы 8 — та же выборка, что там: ``len(digits_data(seed)['y_train'])``."""
    return len(digits_data(seed)["y_train"])


def steps_per_epoch(n: int, batch_size: int) -> int:
    """Число итераций (шагов) за эпоху: ⌈n/|B|⌉ — последний батч может быть неполным."""
    return -(-check_positive_int(n, "n") // check_positive_int(batch_size, "batch_size"))


def linear_problem(n: int = 64, noise: float = 0.3, rng=0) -> tuple:
    """Задача регрессии: x ~ U[0, 2], y = 2x − 1 + ξ, ξ ~ N(0, s²) с s = ``noise``.

    Возвращает x формы (n,) и y формы (n,) (у каждого объекта один признак, d = 1).
    """
    n = check_positive_int(n, "n")
    gen = as_generator(rng)
    x = gen.uniform(0.0, 2.0, n)
    return x, 2.0 * x - 1.0 + noise * gen.standard_normal(n)


def linear_loss(theta, x, y) -> np.ndarray:
    """MSE L(θ) = (1/n) Σ (x_iω + b − y_i)² для одной точки θ = (ω, b) или массива точек (…, 2)."""
    theta = as_float_array(theta, "theta")
    if theta.shape[-1] != 2:
        raise ValueError(f"linear_loss: θ = (ω, b) — последняя ось длины 2, получена форма {theta.shape}")
    r = theta[..., :1] * x + theta[..., 1:] - y
    return np.mean(r * r, axis=-1)


def per_sample_gradients(theta, x, y) -> np.ndarray:
    """Градиенты ∇L_i(θ) = (2r_i x_i, 2r_i), r_i = x_iω + b − y_i, всех объектов: форма (n, 2).

    Градиент по батчу g_B — среднее строк с номерами из B; по всей выборке ∇L — среднее всех строк.
    """
    theta = as_float_array(theta, "theta")
    r = theta[0] * x + theta[1] - y
    return np.column_stack([2 * r * x, 2 * r])


def all_batch_gradients(theta, x, y, batch_size: int) -> np.ndarray:
    """g_B для **каждого** подмножества B ⊂ {1, …, n} из |B| объектов: форма (C(n, |B|), 2).

    Их среднее — точное математическое ожидание g_B при равновероятном выборе батча.
    Только для малых n: подмножеств C(n, |B|), здесь не больше 10⁵.
    """
    per_sample = per_sample_gradients(theta, x, y)
    b = check_positive_int(batch_size, "batch_size")
    if b > len(per_sample) or comb(len(per_sample), b) > 10**5:
        raise ValueError(f"all_batch_gradients: C({len(per_sample)}, {b}) подмножеств — слишком много или |B| > n")
    return np.array([per_sample[list(B)].mean(axis=0) for B in combinations(range(len(per_sample)), b)])


def epoch_batch_gradients(theta, x, y, batch_size: int, epochs: int, rng=0) -> np.ndarray:
    """g_B всех батчей ``epochs`` эпох, нарезанных как при обучении (перемешать, резать по |B|).

    Возвращает массив (epochs, ⌈n/|B|⌉, 2): [эпоха, номер батча в эпохе] → g_B в точке θ.
    """
    per_sample = per_sample_gradients(theta, x, y)
    n, b, gen = len(per_sample), check_positive_int(batch_size, "batch_size"), as_generator(rng)
    out = []
    for _ in range(check_positive_int(epochs, "epochs")):
        order = gen.permutation(n)
        out.append([per_sample[order[s:s + b]].mean(axis=0) for s in range(0, n, b)])
    return np.array(out)


def batch_gradient_std(theta, x, y, batch_size: int) -> np.ndarray:
    """Стандартное отклонение каждой компоненты g_B при выборе |B| объектов без возвращения:
    √(V_j/|B| · (n − |B|)/(n − 1)), V_j = (1/n) Σ_i (∂_j L_i − ∂_j L)² — разброс j-й компоненты ∇L_i.
    Форма (2,)."""
    per_sample = per_sample_gradients(theta, x, y)
    n, b = len(per_sample), batch_size
    return np.sqrt(per_sample.var(axis=0) / b * (n - b) / (n - 1))


def minibatch_descent(x, y, batch_size: int, lr: float = 0.2, epochs: int = 10,
                      theta0=(-1.0, 2.5), rng=0) -> dict:
    """Спуск по мини-батчам для ŷ = xω + b: каждую эпоху объекты перемешиваются и режутся на
    батчи по |B| (последний — остаток), на каждом батче шаг θ_t = θ_{t−1} − η∇L_{B_t}(θ_{t−1}).

    |B| = n — полный (full-batch) спуск, |B| = 1 — стохастический по одному объекту.
    Возвращает словарь: 'path' — θ после каждого шага, форма (шагов + 1, 2); 'loss' — L на
    всей выборке в этих точках; 'epoch' — номер эпохи (дробный) каждой точки; 'steps_per_epoch'.
    """
    x, y = as_float_array(x, "x"), as_float_array(y, "y")
    n = x.size
    if y.shape != x.shape or x.ndim != 1:
        raise ValueError(f"minibatch_descent: x и y — векторы одной длины, получены формы {x.shape}, {y.shape}")
    batch_size = check_positive_int(batch_size, "batch_size")
    if batch_size > n:
        raise ValueError(f"minibatch_descent: размер батча |B| = {batch_size} больше числа объектов n = {n}")
    if not lr > 0:
        raise ValueError(f"minibatch_descent: скорость обучения η должна быть > 0, получено {lr}")
    gen = as_generator(rng)
    k = steps_per_epoch(n, batch_size)
    theta = np.array(theta0, dtype=float)
    path = [theta.copy()]
    for _ in range(check_positive_int(epochs, "epochs")):
        order = gen.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            xb, yb = x[idx], y[idx]
            r = theta[0] * xb + theta[1] - yb
            theta = theta - lr * np.array([2 * np.mean(r * xb), 2 * np.mean(r)])
            path.append(theta.copy())
    path = np.array(path)
    return {"path": path, "loss": linear_loss(path, x, y),
            "epoch": np.arange(len(path)) / k, "steps_per_epoch": k}


def compare_batch_sizes(x, y, batch_sizes, lr: float = 0.05, epochs: int = 10, seeds=range(5)) -> dict:
    """Полный, мини-батчевый и стохастический спуск из одной точки, усреднённые по зёрнам.

    Возвращает словарь |B| → {'epoch': эпоха каждой точки, 'steps': номер шага (сколько раз
    считался градиент), 'loss': средняя по зёрнам потеря на всей выборке, 'steps_per_epoch'}.
    """
    out = {}
    for size in batch_sizes:
        runs = [minibatch_descent(x, y, int(size), lr=lr, epochs=epochs, rng=s) for s in seeds]
        loss = np.mean([r["loss"] for r in runs], axis=0)
        out[int(size)] = {"epoch": runs[0]["epoch"], "steps": np.arange(len(loss)), "loss": loss,
                          "steps_per_epoch": runs[0]["steps_per_epoch"]}
    return out


def minibatch_gradient_variance(theta, x, y, batch_sizes, epochs: int = 200, rng=0) -> np.ndarray:
    """Разброс градиента по батчу E‖g_B − ∇L‖² для каждого размера |B|, измеренный.

    Батчи режутся из перемешанной выборки, как при обучении (без возвращения); за ``epochs``
    перемешиваний набирается много батчей (неполный последний отбрасывается).
    Возвращает массив длины len(batch_sizes).
    """
    x, y = as_float_array(x, "x"), as_float_array(y, "y")
    per_sample = per_sample_gradients(theta, x, y)
    full = per_sample.mean(axis=0)
    n = x.size
    perms = np.argsort(as_generator(rng).random((epochs, n)), axis=1)
    out = []
    for size in batch_sizes:                      # size = |B|
        size = check_positive_int(int(size), "|B|")
        if size > n:
            raise ValueError(f"minibatch_gradient_variance: |B| = {size} больше n = {n}")
        idx = perms[:, :(n // size) * size].reshape(-1, size)
        out.append(np.mean(np.sum((per_sample[idx].mean(axis=1) - full) ** 2, axis=1)))
    return np.array(out)


def gradient_variance_theory(theta, x, y, batch_sizes) -> np.ndarray:
    """Теория: E‖g_B − ∇L‖² = V/|B| · (n − |B|)/(n − 1), V = (1/n) Σ_i ‖∇L_i − ∇L‖²."""
    per_sample = per_sample_gradients(theta, x, y)
    n = len(per_sample)
    V = np.sum(per_sample.var(axis=0))
    size = np.asarray(batch_sizes, float)          # |B|
    return V / size * (n - size) / (n - 1)
