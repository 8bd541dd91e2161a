"""Функции потерь (глава 6), классификация: бинарная и многоклассовая кросс-энтропия.

Наивная и устойчивая бинарная кросс-энтропия на логитах, градиенты по логиту для BCE и для MSE
после сигмоиды, softmax, log-sum-exp и кросс-энтропия; энтропия, кросс-энтропия H(q, ŷ) и
расстояние Кульбака — Лейблера; доля ошибок (потеря 0–1). Регрессия — в
``lib.chapters.loss_study_regression``, рисунки и панели — в ``lib.figures.loss_study``.

Обозначения курса: n — число объектов, y — правильный ответ (метка 0/1 или номер класса
0, …, K − 1), z — логит (выход до сигмоиды или softmax), ŷ = σ(z) — предсказанная вероятность
класса 1, ŷ_ik — вероятность класса k для объекта i, K — число классов.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_ndim
from ..activations import sigmoid, softmax

__all__ = [
    "bce_on_probability", "bce_naive", "bce_stable", "bernoulli_nll",
    "grad_logit_bce", "grad_logit_mse_sigmoid", "confident_mistake_run", "weighted_bce_best_constant",
    "softmax_naive", "logsumexp", "cross_entropy_indicator", "softmax_ce_grad",
    "entropy", "cross_entropy", "kl_divergence", "zero_one_loss",
]


# --- binary classification ------------------------------------------------------------

def _labels01(y, shape, name="y"):
    y = as_float_array(y, name)
    if y.shape != shape:
        raise ValueError(f"{name}: ожидалась форма {shape} (как у предсказания), получена {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{name}: ожидались метки 0 или 1, получены значения {np.unique(y)[:5]}")
    return y


def bernoulli_nll(y_hat, y):
    """Минус логарифм вероятности метки y ∈ {0, 1} по Бернулли: −log(ŷ^y (1 − ŷ)^{1−y}).

    Поэлементно; ŷ ∈ (0, 1) (аргумент ``y_hat``) и y одной формы."""
    p = as_float_array(y_hat, "y_hat")
    y = _labels01(y, p.shape)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError(
            f"bernoulli_nll: вероятности должны лежать в (0, 1), получены от {p.min()} до {p.max()}"
        )
    return -np.log(p**y * (1 - p) ** (1 - y))


def bce_on_probability(y_hat, y):
    """Бинарная кросс-энтропия поэлементно по вероятности: L = −(y log ŷ + (1 − y) log(1 − ŷ)).

    ŷ ∈ (0, 1) (аргумент ``y_hat``) и y ∈ {0, 1} одной формы; результат той же формы."""
    p = as_float_array(y_hat, "y_hat")
    y = _labels01(y, p.shape)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError(f"bce_on_probability: ŷ должны лежать в (0, 1), получены от {p.min()} до {p.max()}")
    return -(y * np.log(p) + (1 - y) * np.log1p(-p))


def bce_naive(z, y):
    """BCE на логитах «в лоб»: ŷ = 1/(1 + e^{−z}), затем −(y log ŷ + (1 − y) log(1 − ŷ)).

    Поэлементно. Так считать НЕЛЬЗЯ: при z ≲ −710 переполняется e^{−z}, а уже при z ≳ 37
    ŷ округляется до 1, и log(1 − ŷ) = log 0 даёт inf (или 0·inf = nan при y = 1). Предупреждения
    NumPy подавлены, чтобы показать сам результат — inf и nan.
    """
    z = as_float_array(z, "z")
    y = _labels01(y, z.shape)
    with np.errstate(all="ignore"):
        p = 1.0 / (1.0 + np.exp(-z))
        return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_stable(z, y):
    """Устойчивая BCE на логитах поэлементно: L = max(z, 0) − z·y + log(1 + e^{−|z|}).

    Выводится из log σ(z) = −log(1 + e^{−z}) и log(1 − σ(z)) = −z − log(1 + e^{−z});
    e^{−|z|} ≤ 1, поэтому переполнения нет ни при каком z. z и y одной формы.
    """
    z = as_float_array(z, "z")
    y = _labels01(y, z.shape)
    return np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))


def grad_logit_bce(z, y):
    """∂L/∂z для L = BCE(σ(z), y): σ(z) − y = ŷ − y. Поэлементно."""
    z = as_float_array(z, "z")
    return sigmoid(z) - _labels01(y, z.shape)


def grad_logit_mse_sigmoid(z, y):
    """∂L/∂z для L = (σ(z) − y)²: 2(ŷ − y)·ŷ(1 − ŷ), где ŷ = σ(z). Поэлементно.

    Множитель ŷ(1 − ŷ) = σ′(z) → 0 при |z| → ∞: на уверенной ошибке градиент исчезает."""
    z = as_float_array(z, "z")
    p = sigmoid(z)
    return 2 * (p - _labels01(y, z.shape)) * p * (1 - p)


def confident_mistake_run(loss: str, z0: float = -6.0, lr: float = 1.0, steps: int = 60):
    """Градиентный спуск по логиту одного объекта с y = 1, начиная с уверенной ошибки z₀ < 0.

    loss: "bce" или "mse" (MSE после сигмоиды). Шаг: z ← z − η ∂L/∂z.
    Возвращает массив вероятностей ŷ_t = σ(z_t), t = 0..steps (форма (steps + 1,)).
    """
    grad = {"bce": grad_logit_bce, "mse": grad_logit_mse_sigmoid}.get(loss)
    if grad is None:
        raise ValueError(f"confident_mistake_run: loss должен быть 'bce' или 'mse', получено {loss!r}")
    if not lr > 0:
        raise ValueError(f"confident_mistake_run: скорость обучения η должна быть > 0, получено {lr}")
    z = float(z0)
    ps = [float(sigmoid(z))]
    for _ in range(int(steps)):
        z -= lr * float(grad(np.array(z), np.array(1.0)))
        ps.append(float(sigmoid(z)))
    return np.array(ps)


def weighted_bce_best_constant(q, w1, w0):
    """Лучший постоянный ответ c_w для взвешенной BCE при доле единиц q.

    Средняя потеря −w₁ q log c − w₀ (1 − q) log(1 − c) минимальна при
    c_w = w₁ q / (w₁ q + w₀ (1 − q)): шансы c_w / (1 − c_w) = (w₁/w₀) · q/(1 − q), то есть логит
    сдвинут на ln(w₁/w₀). При w₁ = w₀ это q (калиброванный ответ). q ∈ (0, 1) — число или массив;
    веса w1, w0 > 0 — числа или массивы формы q. Возвращает c_w формы q.
    """
    q = as_float_array(q, "q")
    if np.any((q <= 0) | (q >= 1)):
        raise ValueError(f"weighted_bce_best_constant: доля q должна лежать в (0, 1), получено {q}")
    if not (np.all(np.asarray(w1) > 0) and np.all(np.asarray(w0) > 0)):
        raise ValueError(f"weighted_bce_best_constant: веса должны быть > 0, получены w1 = {w1}, w0 = {w0}")
    return w1 * q / (w1 * q + w0 * (1 - q))


# --- multiclass -----------------------------------------------------------------------

def _logits2d(z):
    return check_ndim(as_float_array(z, "z"), 2, "z", "(n, K)")


def _class_labels(y, n, k):
    y = np.asarray(y)
    if y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y: метки классов должны быть целыми, получен dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"y: ожидалась форма ({n},), получена {y.shape}")
    if n and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"y: метки должны лежать в [0, {k}), получены от {y.min()} до {y.max()}")
    return y


def softmax_naive(z):
    """softmax «в лоб»: e^{z_k} / Σ_j e^{z_j} по строкам без сдвига на максимум.

    При z_k ≳ 710 e^{z_k} = inf и получается inf/inf = nan. Предупреждения подавлены, чтобы
    показать результат."""
    z = as_float_array(z, "z")
    with np.errstate(all="ignore"):
        e = np.exp(z)
        return e / np.sum(e, axis=-1, keepdims=True)


def logsumexp(z):
    """log Σ_k e^{z_k} по последней оси, устойчиво: z_max + log Σ_k e^{z_k − z_max}, z_max = max_k z_k."""
    z = as_float_array(z, "z")
    m = np.max(z, axis=-1, keepdims=True)
    return (m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True)))[..., 0]


def cross_entropy_indicator(y_hat, y):
    """Кросс-энтропия по формуле конспекта: L_i = −Σ_k 1[y_i = k] log ŷ_ik (k = 0, …, K − 1), среднее по i.

    y_hat: вероятности ŷ формы (n, K) (строки в сумме 1); y: целые метки формы (n,)."""
    p = check_ndim(as_float_array(y_hat, "y_hat"), 2, "y_hat", "(n, K)")
    n, k = p.shape
    y = _class_labels(y, n, k)
    indicator = (y[:, None] == np.arange(k)[None, :]).astype(float)
    with np.errstate(divide="ignore"):
        logp = np.log(p)
    return float(-np.mean(np.sum(np.where(indicator > 0, logp, 0.0), axis=1)))


def softmax_ce_grad(z, y):
    """Градиент средней кросс-энтропии по логитам: ∂L/∂z = (softmax(z) − onehot(y)) / n.

    z: логиты формы (n, K); y: целые метки формы (n,). Результат формы (n, K)."""
    z = _logits2d(z)
    n, k = z.shape
    y = _class_labels(y, n, k)
    g = softmax(z, axis=1)
    g[np.arange(n), y] -= 1.0
    return g / n


# --- cross-entropy of distributions, and the 0–1 loss ---------------------------------

def _distributions(q, name):
    q = as_float_array(q, name)
    if q.ndim == 0 or np.any(q < 0) or not np.allclose(q.sum(axis=-1), 1.0, atol=1e-9):
        raise ValueError(f"{name}: ожидались распределения — неотрицательные числа с суммой 1 по последней оси")
    return q


def entropy(q):
    """Энтропия распределения q по последней оси: H(q) = −Σ_k q_k log q_k (0·log 0 = 0). Форма q без последней оси."""
    q = _distributions(q, "q")
    with np.errstate(divide="ignore"):
        return -np.sum(np.where(q > 0, q * np.log(np.where(q > 0, q, 1.0)), 0.0), axis=-1)


def cross_entropy(q, y_hat):
    """Кросс-энтропия распределений: H(q, ŷ) = −Σ_k q_k log ŷ_k по последней оси (слагаемые с q_k = 0
    равны 0). q — «правильное» распределение (для метки — one-hot), ŷ — предсказанное; формы одинаковы."""
    q, p = _distributions(q, "q"), _distributions(y_hat, "y_hat")
    if q.shape != p.shape:
        raise ValueError(f"cross_entropy: формы q и ŷ должны совпадать, получены {q.shape} и {p.shape}")
    with np.errstate(divide="ignore"):
        logp = np.log(p)
    return -np.sum(np.where(q > 0, q * logp, 0.0), axis=-1)


def kl_divergence(q, y_hat):
    """Расстояние Кульбака — Лейблера: KL(q ‖ ŷ) = Σ_k q_k log(q_k / ŷ_k) = H(q, ŷ) − H(q) ≥ 0."""
    return cross_entropy(q, y_hat) - entropy(q)


def zero_one_loss(z, y) -> float:
    """Доля ошибок (потеря 0–1): (1/n) Σ_i 1[argmax_k z_ik ≠ y_i] = 1 − accuracy.

    z: логиты формы (n, K); y: целые метки формы (n,). Кусочно-постоянна по z."""
    z = _logits2d(z)
    y = _class_labels(y, *z.shape)
    return float(np.mean(np.argmax(z, axis=1) != y))

