"""Функции активации (глава 5): математика и опыты главы.

Что здесь есть:

* ``ACTIVATIONS`` — сигмоида, tanh, ReLU, Leaky ReLU, GELU, SiLU: функция, производная, подпись;
* ``transformed`` — активация со сдвигом и масштабом f(a(z − c)) и её производная;
* ``merge_linear`` — несколько слоёв ``Linear`` без активаций, собранные в один;
* ``properties`` — численные свойства активации (область значений, центрированность, насыщение);
* ``deep_stack``, ``gradient_profile``, ``mean_gradient_profile`` — затухание и взрыв градиента в
  глубокой сети: ошибка слоя δ_ℓ = ∂L/∂z_ℓ, дошедшая до каждого слоя, читается из ``Linear.grad_output``;
* ``dead_units`` — доля «мёртвых» нейронов ReLU, которые не срабатывают ни на одном объекте.

Опыты с обучением (мёртвые нейроны, относительный сдвиг весов каждого слоя за эпоху) — в
``lib.chapters.activation_training``, рисунки и панели со слайдерами главы — в ``lib.figures.activation_study``.

Обозначения: слой ℓ = 1, …, D сети считает z_ℓ = a_{ℓ−1} W_ℓ + b_ℓ и a_ℓ = σ(z_ℓ), a_0 = X ∈ R^{n×d}.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import activations as A
from .._validate import as_float_array, as_generator, check_positive_int
from ..layers import Linear, ReLU, Sequential, Sigmoid, Tanh
from ..losses import MSELoss
from ..module import Module

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "LEAKY_SLOPE",
    "get_activation",
    "transformed",
    "merge_linear",
    "properties",
    "Elementwise",
    "activation_module",
    "init_std",
    "deep_stack",
    "gradient_profile",
    "mean_gradient_profile",
    "dead_units",
]

#: Наклон Leaky ReLU при z ≤ 0 в опытах главы: 0.1, чтобы излом был виден на графике
#: (в PyTorch по умолчанию 0.01).
LEAKY_SLOPE = 0.1


@dataclass(frozen=True)
class Activation:
    """Функция активации: имя, подпись по-русски, функция f(z) и производная f′(z)."""

    name: str
    label: str
    f: Callable
    grad: Callable


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", "сигмоида σ", A.sigmoid, A.sigmoid_grad),
    "tanh": Activation("tanh", "tanh", A.tanh, A.tanh_grad),
    "relu": Activation("relu", "ReLU", A.relu, A.relu_grad),
    "leaky_relu": Activation("leaky_relu", "Leaky ReLU (α = " + f"{LEAKY_SLOPE}".replace(".", ",") + ")",
                             lambda z: A.leaky_relu(z, LEAKY_SLOPE),
                             lambda z: A.leaky_relu_grad(z, LEAKY_SLOPE)),
    "gelu": Activation("gelu", "GELU", A.gelu, A.gelu_grad),
    "silu": Activation("silu", "SiLU", A.silu, A.silu_grad),
}


def get_activation(name: str) -> Activation:
    """Активация по имени ('sigmoid', 'tanh', 'relu', 'leaky_relu', 'gelu', 'silu')."""
    if name not in ACTIVATIONS:
        raise ValueError(
            f"неизвестная активация {name!r}; ожидалось одно из: {', '.join(ACTIVATIONS)}"
        )
    return ACTIVATIONS[name]


def transformed(name: str, z, shift: float = 0.0, scale: float = 1.0):
    """Активация со сдвигом c и масштабом a: g(z) = f(a(z − c)) и g′(z) = a·f′(a(z − c)).

    z: массив любой формы; возвращает пару (g, g′) той же формы. Сдвиг переносит график
    вправо на c, масштаб сжимает его по горизонтали в a раз, а производную умножает на a
    (цепное правило). Так действует нейрон с одним входом: ωx + b = ω(x − c) при c = −b/ω.
    """
    act = get_activation(name)
    z = as_float_array(z, "z")
    shift, scale = float(shift), float(scale)
    if not (np.isfinite(shift) and np.isfinite(scale)):
        raise ValueError(f"transformed: сдвиг и масштаб должны быть конечными, получено {shift}, {scale}")
    u = scale * (z - shift)
    return act.f(u), scale * act.grad(u)


def merge_linear(*layers: Linear) -> Linear:
    """Цепочка слоёв ``Linear`` без активаций как один слой ``Linear``.

    Для двух слоёв: (xW₁ + b₁)W₂ + b₂ = x(W₁W₂) + (b₁W₂ + b₂), то есть W = W₁W₂, b = b₁W₂ + b₂;
    для K слоёв формула применяется K − 1 раз. Формы: W₁ (d, H₁), W₂ (H₁, H₂), … → W (d, H_K).
    """
    if not layers:
        raise ValueError("merge_linear: нужен хотя бы один слой Linear")
    for i, layer in enumerate(layers):
        if not isinstance(layer, Linear):
            raise ValueError(f"merge_linear: слой {i} должен быть Linear, получен {type(layer).__name__}")
    W, b = layers[0].W.data.copy(), layers[0].b.data.copy()
    for i, layer in enumerate(layers[1:], start=1):
        if layer.in_features != W.shape[1]:
            raise ValueError(
                f"merge_linear: слой {i} ждёт {layer.in_features} входов, а предыдущий даёт "
                f"{W.shape[1]} выходов"
            )
        W, b = W @ layer.W.data, b @ layer.W.data + layer.b.data
    merged = Linear(W.shape[0], W.shape[1], rng=0)
    merged.W.data, merged.b.data = W, b
    return merged


def properties(name: str, lim: float = 30.0, points: int = 60001) -> dict:
    """Численные свойства активации на сетке z ∈ [−lim, lim] (шаг 2·lim/(points − 1)).

    Возвращает словарь: ``low``/``high`` — f(−10⁴) и f(10⁴) (где f ограничена, это её пределы);
    ``f0`` = f(0); ``mean_normal`` — среднее f(z) по z ~ N(0, 1) (квадратура по сетке);
    ``max_grad`` и ``argmax_grad`` — наибольшая производная на сетке и где она достигается;
    ``grad_left``/``grad_right`` — f′(−lim) и f′(lim) (насыщение: близко к 0).
    """
    act = get_activation(name)
    z = np.linspace(-lim, lim, points)
    g = act.grad(z)
    density = np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)
    dz = z[1] - z[0]
    ends = act.f(np.array([-1e4, 1e4]))
    return {
        "low": float(ends[0]),
        "high": float(ends[1]),
        "f0": float(act.f(0.0)),
        "mean_normal": float(np.sum(act.f(z) * density) * dz),
        "max_grad": float(g.max()),
        "argmax_grad": float(z[np.argmax(g)]),
        "grad_left": float(act.grad(-lim)),
        "grad_right": float(act.grad(lim)),
    }


class Elementwise(Module):
    """Поэлементная активация как модуль: y = f(z), обратный проход ∂L/∂z = ∂L/∂y · f′(z).

    Нужна для Leaky ReLU, GELU и SiLU, которых нет среди модулей ``lib.nn``.
    """

    def __init__(self, name: str):
        super().__init__()
        self.act = get_activation(name)

    def forward(self, x):
        self._z = as_float_array(x, "x")
        return self.act.f(self._z)

    def _backward(self, grad_output):
        return grad_output * self.act.grad(self._z)

    def extra_repr(self) -> str:
        return self.act.name


def activation_module(name: str) -> Module:
    """Модуль активации: ``Sigmoid``, ``Tanh``, ``ReLU`` из ``lib.nn`` или ``Elementwise``."""
    get_activation(name)
    core = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}
    return core[name]() if name in core else Elementwise(name)


def init_std(init: str, fan_in: int, fan_out: int) -> float:
    """Стандартное отклонение весов слоя (fan_in входов, fan_out нейронов) при инициализации ``init``.

    'he' (Хе и др., 2015, для ReLU): √(2/fan_in) — дисперсия 2/d_in возмещает то, что
    E[ReLU(z)²] = ½E[z²] при симметричном z; 'xavier' (Глоро и Бенджио, 2010, для tanh):
    √(2/(fan_in + fan_out)) — компромисс между прямым (1/d_in) и обратным (1/H) проходом.
    """
    if init == "he":
        return float(np.sqrt(2.0 / fan_in))
    if init == "xavier":
        return float(np.sqrt(2.0 / (fan_in + fan_out)))
    raise ValueError(f"init_std: init должен быть 'he' или 'xavier', получено {init!r}")


def deep_stack(name: str, depth: int, width: int = 32, rng=None, init: str = "he",
               bias: float = 0.0, gain: float = 1.0) -> Sequential:
    """Глубокая сеть: ``depth`` раз (Linear(width, width), активация); все слои квадратные, d_in = H.

    init: 'he' — веса из N(0, 2/d_in) (Хе), 'xavier' — из N(0, 2/(d_in + H)) (Глоро — Бенджио);
    у обеих стандартное отклонение умножается на ``gain``, свободные члены равны ``bias``;
    'default' — как в ``Linear`` (и PyTorch): равномерно на [−1/√d_in, 1/√d_in], дисперсия
    1/(3 d_in) (``bias`` и ``gain`` тогда не используются).
    """
    get_activation(name)
    depth = check_positive_int(depth, "depth")
    width = check_positive_int(width, "width")
    if init not in ("he", "xavier", "default"):
        raise ValueError(f"deep_stack: init должен быть 'he', 'xavier' или 'default', получено {init!r}")
    gen = as_generator(rng)
    modules = []
    for _ in range(depth):
        lin = Linear(width, width, rng=gen)
        if init != "default":
            std = float(gain) * init_std(init, width, width)
            lin.W.data = gen.normal(0.0, std, size=(width, width))
            lin.b.data = np.full(width, float(bias))
        modules += [lin, activation_module(name)]
    return Sequential(*modules)


def gradient_profile(name: str, depth: int, width: int = 32, n: int = 64, seed: int = 0,
                     init: str = "he", gain: float = 1.0) -> np.ndarray:
    """Ошибка δ_ℓ = ∂L/∂z_ℓ, дошедшая до каждого слоя глубокой сети (один запуск).

    Сеть ``deep_stack(name, depth, width, init=init, gain=gain)`` получает батч X ~ N(0, 1) формы
    (n, width), потери — MSE до случайной цели Y ~ N(0, 1). После ``backward`` у каждого ``Linear``
    в ``.grad_output`` лежит δ_ℓ формы (n, width). Возвращает массив формы (depth,):
    среднеквадратичное значение √(mean δ_ℓ²) для слоёв ℓ = 1 … D (от входа к выходу).
    """
    gen = np.random.default_rng(seed)
    model = deep_stack(name, depth, width, rng=gen, init=init, gain=gain)
    X = gen.standard_normal((check_positive_int(n, "n"), width))
    Y = gen.standard_normal((n, width))
    loss_fn = MSELoss()
    loss_fn(model(X), Y)
    model.backward(loss_fn.backward())
    return np.array([np.sqrt(np.mean(m.grad_output ** 2)) for m in model if isinstance(m, Linear)])


@lru_cache(maxsize=512)
def _mean_profile(name: str, depth: int, width: int, n: int, seeds: tuple, init: str,
                  gain: float) -> np.ndarray:
    logs = [np.log10(gradient_profile(name, depth, width, n, s, init, gain)) for s in seeds]
    return 10.0 ** np.mean(logs, axis=0)


def mean_gradient_profile(name: str, depth: int, seeds=(0, 1, 2, 3, 4), width: int = 32,
                          n: int = 64, init: str = "he", gain: float = 1.0) -> np.ndarray:
    """Профиль ``gradient_profile``, усреднённый по зёрнам ``seeds`` (среднее геометрическое).

    Градиенты разных слоёв различаются на порядки, поэтому усредняем их логарифмы:
    результат — 10^(среднее log₁₀). Форма (depth,); результаты кэшируются.
    """
    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueError("mean_gradient_profile: нужен хотя бы один seed")
    out = _mean_profile(name, int(depth), int(width), int(n), seeds, init, float(gain))
    return out.copy()


def dead_units(model: Sequential, X) -> list:
    """Доля «мёртвых» нейронов в каждом слое ReLU сети ``model`` на выборке X (n, d).

    Нейрон мёртв на выборке, если его вход z ≤ 0 на всех n объектах: тогда его выход и
    производная ReLU равны 0 на всех объектах, и градиенты его весов — ровно ноль.
    Возвращает список пар (маска мёртвых нейронов формы (H,), доля мёртвых) по слоям ReLU.
    """
    if not isinstance(model, Sequential):
        raise ValueError(f"dead_units: ожидалась Sequential, получен {type(model).__name__}")
    x = as_float_array(X, "X")
    result = []
    for m in model:
        if isinstance(m, ReLU):
            dead = np.all(x <= 0, axis=0)
            result.append((dead, float(dead.mean())))
        x = m(x)
    if not result:
        raise ValueError("dead_units: в сети нет слоёв ReLU")
    return result
