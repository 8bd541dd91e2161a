"""Функции потерь (глава 6): математика и опыты главы.

Регрессия: лучшая константа для MSE — среднее, для MAE — медиана; гауссов и лапласов шум дают
MSE и MAE как минус логарифм правдоподобия. Классификация: наивная и устойчивая бинарная
кросс-энтропия на логитах, градиенты по логиту для BCE и для MSE после сигмоиды, softmax и
кросс-энтропия. Прямые по MSE и по MAE на данных с выбросом — в ``lib.chapters.loss_study_lines``,
рисунки и панели — в ``lib.figures.loss_study``.

Обозначения курса: n — число объектов, ŷ — предсказание, y — правильный ответ,
z — логит (выход до сигмоиды или softmax), p = σ(z) — предсказанная вероятность, K — число классов.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_finite, check_ndim
from ..activations import log_softmax, sigmoid, softmax

__all__ = [
    "constant_risk", "best_constant", "gaussian_nll", "laplace_nll",
    "bce_on_probability", "bce_naive", "bce_stable", "bernoulli_nll",
    "grad_logit_bce", "grad_logit_mse_sigmoid", "confident_mistake_run",
    "softmax_naive", "logsumexp", "cross_entropy_indicator", "softmax_ce_grad",
    "prob_losses", "softmax_panel_values",
]


# --- regression -----------------------------------------------------------------------

def _vector(y, name: str) -> np.ndarray:
    y = check_finite(check_ndim(as_float_array(y, name), 1, name, "(n,)"), name)
    if y.size == 0:
        raise ValueError(f"{name}: ожидался непустой массив формы (n,), получен пустой")
    return y


def constant_risk(c, y, kind: str = "mse"):
    """Потери постоянного ответа ŷ_i = c на выборке y (форма (n,)).

    kind="mse": (1/n) Σ (c − y_i)²; kind="mae": (1/n) Σ |c − y_i|. ``c`` — число или массив
    кандидатов любой формы; возвращает массив той же формы, что и ``c``.
    """
    y = _vector(y, "y")
    c = as_float_array(c, "c")
    diff = c[..., None] - y
    if kind == "mse":
        return np.mean(diff * diff, axis=-1)
    if kind == "mae":
        return np.mean(np.abs(diff), axis=-1)
    raise ValueError(f"constant_risk: kind должен быть 'mse' или 'mae', получено {kind!r}")


def best_constant(y, kind: str = "mse") -> float:
    """Лучший постоянный ответ: среднее ȳ для MSE, медиана для MAE (при чётном n — середина
    отрезка между двумя средними по порядку значениями; любая точка этого отрезка тоже минимум)."""
    y = _vector(y, "y")
    if kind == "mse":
        return float(np.mean(y))
    if kind == "mae":
        return float(np.median(y))
    raise ValueError(f"best_constant: kind должен быть 'mse' или 'mae', получено {kind!r}")


def gaussian_nll(y, y_hat, s: float = 1.0) -> float:
    """Минус логарифм правдоподобия при шуме N(0, s²): y_i = ŷ_i + ε_i.

    −log Π_i (2πs²)^{−1/2} exp(−(y_i − ŷ_i)²/(2s²)) = (n/2) log(2πs²) + Σ (y_i − ŷ_i)²/(2s²).
    y, y_hat: формы (n,).
    """
    y, y_hat = _vector(y, "y"), _vector(y_hat, "y_hat")
    _same_length(y, y_hat)
    if not s > 0:
        raise ValueError(f"gaussian_nll: масштаб шума s должен быть > 0, получено {s}")
    r = y - y_hat
    return float(0.5 * y.size * np.log(2 * np.pi * s * s) + np.sum(r * r) / (2 * s * s))


def laplace_nll(y, y_hat, s: float = 1.0) -> float:
    """Минус логарифм правдоподобия при шуме Лапласа с плотностью e^{−|ε|/s}/(2s):

    n log(2s) + Σ |y_i − ŷ_i| / s. y, y_hat: формы (n,).
    """
    y, y_hat = _vector(y, "y"), _vector(y_hat, "y_hat")
    _same_length(y, y_hat)
    if not s > 0:
        raise ValueError(f"laplace_nll: масштаб шума s должен быть > 0, получено {s}")
    return float(y.size * np.log(2 * s) + np.sum(np.abs(y - y_hat)) / s)


def _same_length(x, y):
    if x.shape != y.shape:
        raise ValueError(f"формы должны совпадать: получены {x.shape} и {y.shape}")



# --- binary classification ------------------------------------------------------------

def _labels01(y, shape, name="y"):
    y = as_float_array(y, name)
    if y.shape != shape:
        raise ValueError(f"{name}: ожидалась форма {shape} (как у предсказания), получена {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{name}: ожидались метки 0 или 1, получены значения {np.unique(y)[:5]}")
    return y


def bernoulli_nll(p, y):
    """Минус логарифм вероятности метки y ∈ {0, 1} по Бернулли: −log(p^y (1 − p)^{1−y}).

    Поэлементно; p ∈ (0, 1) и y одной формы."""
    p = as_float_array(p, "p")
    y = _labels01(y, p.shape)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError(
            f"bernoulli_nll: вероятности должны лежать в (0, 1), получены от {p.min()} до {p.max()}"
        )
    return -np.log(p**y * (1 - p) ** (1 - y))


def bce_on_probability(p, y):
    """Бинарная кросс-энтропия поэлементно по вероятности: L = −(y log p + (1 − y) log(1 − p)).

    p ∈ (0, 1) и y ∈ {0, 1} одной формы; результат той же формы."""
    p = as_float_array(p, "p")
    y = _labels01(y, p.shape)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError(f"bce_on_probability: p должны лежать в (0, 1), получены от {p.min()} до {p.max()}")
    return -(y * np.log(p) + (1 - y) * np.log1p(-p))


def bce_naive(z, y):
    """BCE на логитах «в лоб»: p = 1/(1 + e^{−z}), затем −(y log p + (1 − y) log(1 − p)).

    Поэлементно. Так считать НЕЛЬЗЯ: при z ≲ −710 переполняется e^{−z}, а уже при z ≳ 37
    p округляется до 1, и log(1 − p) = log 0 даёт inf (или 0·inf = nan при y = 1). Предупреждения
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
    """∂L/∂z для L = BCE(σ(z), y): σ(z) − y = p − y. Поэлементно."""
    z = as_float_array(z, "z")
    return sigmoid(z) - _labels01(y, z.shape)


def grad_logit_mse_sigmoid(z, y):
    """∂L/∂z для L = (σ(z) − y)²: 2(p − y)·p(1 − p), где p = σ(z). Поэлементно.

    Множитель p(1 − p) = σ′(z) → 0 при |z| → ∞: на уверенной ошибке градиент исчезает."""
    z = as_float_array(z, "z")
    p = sigmoid(z)
    return 2 * (p - _labels01(y, z.shape)) * p * (1 - p)


def confident_mistake_run(loss: str, z0: float = -6.0, lr: float = 1.0, steps: int = 60):
    """Градиентный спуск по логиту одного объекта с y = 1, начиная с уверенной ошибки z₀ < 0.

    loss: "bce" или "mse" (MSE после сигмоиды). Шаг: z ← z − η ∂L/∂z.
    Возвращает массив вероятностей p_t = σ(z_t), t = 0..steps (форма (steps + 1,)).
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
    """log Σ_k e^{z_k} по последней оси, устойчиво: m + log Σ_k e^{z_k − m}, m = max_k z_k."""
    z = as_float_array(z, "z")
    m = np.max(z, axis=-1, keepdims=True)
    return (m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True)))[..., 0]


def cross_entropy_indicator(p, y):
    """Кросс-энтропия по формуле конспекта: L_i = −Σ_k I{y_i = k} log p_ik, среднее по i.

    p: вероятности формы (n, K) (строки в сумме 1); y: целые метки формы (n,)."""
    p = check_ndim(as_float_array(p, "p"), 2, "p", "(n, K)")
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



# --- values shown by the panels -------------------------------------------------------

def prob_losses(p: float, y: int) -> dict:
    """BCE и квадрат ошибки (p − y)² для предсказанной вероятности p ∈ (0, 1) и метки y."""
    p_arr, y_arr = np.array([p], float), np.array([y], float)
    return {"bce": float(bce_on_probability(p_arr, y_arr)[0]), "mse": float((p - y) ** 2)}



def softmax_panel_values(z0: float, z1: float, z2: float, y: int) -> dict:
    """Для трёх логитов (z₀, z₁, z₂) и класса y ∈ {0, 1, 2}: вероятности softmax (форма (3,)),
    CE = −log p_y и градиент p − onehot(y) (форма (3,))."""
    if y not in (0, 1, 2):
        raise ValueError(f"softmax_panel_values: класс y должен быть 0, 1 или 2, получено {y!r}")
    z = np.array([[z0, z1, z2]], float)
    p = softmax(z, axis=1)[0]
    ce = float(-log_softmax(z, axis=1)[0, y])
    grad = softmax_ce_grad(z, np.array([y]))[0]
    return {"p": p, "ce": ce, "grad": grad}

