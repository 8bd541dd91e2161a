"""Данные: разбиение на мини-батчи (глава 4) и воспроизводимые наборы для глав.

Батч (mini-batch) — часть выборки, по которой делается один шаг оптимизации;
эпоха — один проход по всей выборке.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_generator, check_positive_int

__all__ = ["batches", "noisy_function", "two_moons", "spirals", "load_digits_split"]


def batches(X, y, batch_size: int, shuffle: bool = True, rng=None):
    """Перебирает пары (X_batch, y_batch) — каждый объект ровно один раз за эпоху.

    Параметры:
        X: массив формы (n, d); y: массив длины n (или (n, …));
        batch_size: |B| — размер батча; последний батч может быть меньше (n mod |B|);
        shuffle: перемешивать ли порядок объектов; rng: зерно или генератор.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(
            f"batches: X и y должны содержать одинаковое число объектов, "
            f"получены формы {X.shape} и {y.shape}"
        )
    batch_size = check_positive_int(batch_size, "batch_size")
    n = len(X)
    if n == 0:
        raise ValueError("batches: выборка пуста (0 объектов) — батчей из неё не составить")
    order = as_generator(rng).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]


def noisy_function(f, n: int = 100, noise: float = 0.1, low: float = 0.0, high: float = 1.0, rng=0):
    """Регрессия в одномерном случае: x ~ U[low, high], y = f(x) + шум N(0, noise²).

    Возвращает X формы (n, 1) и y формы (n, 1), отсортированные по x.
    """
    n = check_positive_int(n, "n")
    _check_noise(noise)
    if not low < high:
        raise ValueError(f"noisy_function: нужен отрезок low < high, получено low = {low}, high = {high}")
    gen = as_generator(rng)
    x = np.sort(gen.uniform(low, high, size=n))
    y = f(x) + noise * gen.standard_normal(n)
    return x.reshape(-1, 1), y.reshape(-1, 1)


def two_moons(n: int = 200, noise: float = 0.1, rng=0):
    """Два «полумесяца» на плоскости: X формы (n, 2), метки y ∈ {0, 1} формы (n,)."""
    n = check_positive_int(n, "n")
    if n < 2:
        raise ValueError(f"two_moons: нужно хотя бы 2 объекта (по одному на класс), получено n = {n}")
    _check_noise(noise)
    gen = as_generator(rng)
    n0 = n // 2
    t0 = gen.uniform(0, np.pi, n0)
    t1 = gen.uniform(0, np.pi, n - n0)
    a = np.column_stack([np.cos(t0), np.sin(t0)])
    b = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([a, b]) + noise * gen.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n0, dtype=int), np.ones(n - n0, dtype=int)])
    perm = gen.permutation(n)
    return X[perm], y[perm]


def spirals(n: int = 300, classes: int = 3, noise: float = 0.2, rng=0):
    """K спиралей на плоскости: X формы (n, 2), метки y ∈ {0, …, K−1} формы (n,)."""
    n = check_positive_int(n, "n")
    classes = check_positive_int(classes, "classes")
    if n < classes:
        raise ValueError(f"spirals: объектов n = {n} меньше, чем классов K = {classes}: у класса не будет точек")
    _check_noise(noise)
    gen = as_generator(rng)
    y = np.arange(n) % classes
    r = gen.uniform(0.05, 1.0, n)
    theta = 4.0 * r + 2 * np.pi * y / classes + noise * gen.standard_normal(n)
    X = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    perm = gen.permutation(n)
    return X[perm], y[perm]


def _check_noise(noise) -> None:
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.floating)) or not (
        np.isfinite(noise) and noise >= 0
    ):
        raise ValueError(f"noise: ожидалось конечное число ≥ 0, получено {noise!r}")


def load_digits_split(val_size: float = 0.2, test_size: float = 0.2, seed: int = 0):
    """Рукописные цифры из scikit-learn (1797 картинок 8×8, поставляются внутри пакета).

    Признаки делятся на 16 (яркость в [0, 1]); разбиение стратифицировано по классам
    и задано зерном. Возвращает словарь с ключами X_train, y_train, X_val, y_val,
    X_test, y_test (X формы (n, 64), y — целые метки 0…9 формы (n,)) и images (n, 8, 8).
    """
    for name, value in (("val_size", val_size), ("test_size", test_size)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
            raise ValueError(f"load_digits_split: {name} — доля выборки из [0, 1), получено {value!r}")
    if val_size + test_size >= 0.9:
        raise ValueError(
            f"load_digits_split: на обучение осталось бы {1 - val_size - test_size:.0%} выборки "
            f"(val_size + test_size = {val_size + test_size}); нужно val_size + test_size < 0.9"
        )
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = digits.data / 16.0
    y = digits.target.astype(int)
    gen = np.random.default_rng(seed)
    parts = {"train": [], "val": [], "test": []}
    for k in np.unique(y):
        idx = gen.permutation(np.flatnonzero(y == k))
        n_test = int(round(test_size * len(idx)))
        n_val = int(round(val_size * len(idx)))
        parts["test"].append(idx[:n_test])
        parts["val"].append(idx[n_test : n_test + n_val])
        parts["train"].append(idx[n_test + n_val :])
    out = {}
    for name, chunks in parts.items():
        idx = np.sort(np.concatenate(chunks))
        out[f"X_{name}"], out[f"y_{name}"] = X[idx], y[idx]
        out[f"images_{name}"] = digits.images[idx]
    return out
