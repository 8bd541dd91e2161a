"""Internal helpers: input validation with Russian messages and random generators.

Every public function of ``lib`` checks its input through these helpers, so that a
wrong shape, a NaN or a bad label gives a clear ``ValueError`` instead of a silent
broadcast or a wrong answer.
"""

from __future__ import annotations

import numbers

import numpy as np

_global_rng = np.random.default_rng(0)


def manual_seed(seed: int) -> None:
    """Задаёт зерно общего генератора ``lib`` (аналог ``torch.manual_seed``).

    Слои, созданные с ``rng=None``, берут случайные числа из этого генератора,
    поэтому после ``manual_seed(s)`` результаты воспроизводятся.
    """
    global _global_rng
    _global_rng = np.random.default_rng(seed)


def as_generator(rng) -> np.random.Generator:
    """``None`` → общий генератор; ``int`` → ``default_rng(int)``; ``Generator`` → он сам."""
    if rng is None:
        return _global_rng
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise ValueError(
        f"rng: ожидалось целое зерно, np.random.Generator или None, получено {type(rng).__name__}"
    )


def as_float_array(x, name: str = "x") -> np.ndarray:
    """Converts to a float64 array; rejects strings, objects and complex numbers."""
    if type(x) is np.ndarray and x.dtype == np.float64:
        return x  # fast path: the common case inside a training loop
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - numpy rarely fails here
        raise ValueError(f"{name}: не удалось превратить в массив чисел ({exc})") from exc
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise ValueError(
            f"{name}: ожидался массив действительных чисел, получен массив типа {arr.dtype}"
        )
    return arr.astype(np.float64, copy=False)


def check_finite(arr: np.ndarray, name: str = "x") -> np.ndarray:
    """Raises if the array holds NaN or inf, saying how many and where the first one is."""
    finite = np.isfinite(arr)
    if not finite.all():
        bad = ~finite
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name}: ожидались конечные числа, но найдено {int(bad.sum())} значений NaN/inf "
            f"(первое в позиции {first}: {arr[first]})"
        )
    return arr


def check_ndim(arr: np.ndarray, ndim: int, name: str, expected: str) -> np.ndarray:
    if arr.ndim != ndim:
        raise ValueError(
            f"{name}: ожидался массив формы {expected}, получен массив формы {arr.shape}"
        )
    return arr


def check_same_shape(pred: np.ndarray, target: np.ndarray) -> None:
    """Loss functions compare element by element: shapes must be equal, never broadcast."""
    if pred.shape != target.shape:
        hint = ""
        if pred.ndim == 2 and pred.shape[1] == 1 and target.shape == pred.shape[:1]:
            hint = " Приведите цель к той же форме: y.reshape(-1, 1)."
        elif target.ndim == 2 and target.shape[1] == 1 and pred.shape == target.shape[:1]:
            hint = " Приведите предсказание к той же форме: pred.reshape(-1, 1)."
        raise ValueError(
            f"формы предсказания и цели должны совпадать: pred {pred.shape}, target {target.shape}. "
            f"Поэлементное сравнение разных форм дало бы молчаливый broadcasting.{hint}"
        )


def check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name}: ожидалось целое положительное число, получено {value!r}")
    return int(value)
