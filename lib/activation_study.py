"""Функции активации (глава 5): опыты, таблица свойств, рисунки и панели со слайдерами.

Что здесь есть:

* ``ACTIVATIONS`` — сигмоида, tanh, ReLU, Leaky ReLU, GELU, SiLU: функция, производная, подпись;
* ``transformed`` — активация со сдвигом и масштабом f(a(z − c)) и её производная;
* ``merge_linear`` — несколько слоёв ``Linear`` без активаций, собранные в один;
* ``properties`` — численные свойства активации (область значений, центрированность, насыщение);
* ``deep_stack``, ``gradient_profile``, ``mean_gradient_profile`` — затухание градиента в глубокой
  сети: градиент ∂L/∂z_k, дошедший до каждого слоя, читается из ``Linear.grad_output``;
* ``dead_units`` — доля «мёртвых» нейронов ReLU, которые не срабатывают ни на одном объекте.

Обозначения: слой k сети считает z_k = a_{k−1} W_k + b_k и a_k = σ(z_k), a_0 = X ∈ R^{n×d}.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import activations as A
from . import widgets
from ._validate import as_float_array, as_generator, check_positive_int
from .layers import Linear, ReLU, Sequential, Sigmoid, Tanh
from .losses import MSELoss
from .module import Module

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
    "deep_stack",
    "gradient_profile",
    "mean_gradient_profile",
    "dead_units",
    "plot_activations",
    "plot_profiles",
    "plot_dead_share",
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
    "leaky_relu": Activation("leaky_relu", f"Leaky ReLU (α = {LEAKY_SLOPE})",
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


def deep_stack(name: str, depth: int, width: int = 32, rng=None, init: str = "he",
               bias: float = 0.0) -> Sequential:
    """Глубокая сеть: ``depth`` раз (Linear(width, width), активация).

    init: 'he' — веса из N(0, 2/width) (инициализация Кайминга Хе для ReLU), свободные члены
    равны ``bias``; 'default' — как в ``Linear`` (и PyTorch): равномерно на [−1/√width, 1/√width]
    (``bias`` тогда не используется).
    """
    get_activation(name)
    depth = check_positive_int(depth, "depth")
    width = check_positive_int(width, "width")
    if init not in ("he", "default"):
        raise ValueError(f"deep_stack: init должен быть 'he' или 'default', получено {init!r}")
    gen = as_generator(rng)
    modules = []
    for _ in range(depth):
        lin = Linear(width, width, rng=gen)
        if init == "he":
            lin.W.data = gen.normal(0.0, np.sqrt(2.0 / width), size=(width, width))
            lin.b.data = np.full(width, float(bias))
        modules += [lin, activation_module(name)]
    return Sequential(*modules)


def gradient_profile(name: str, depth: int, width: int = 32, n: int = 64, seed: int = 0,
                     init: str = "he") -> np.ndarray:
    """Градиент, дошедший до каждого слоя глубокой сети (один запуск).

    Сеть ``deep_stack(name, depth, width, init=init)`` получает батч X ~ N(0, 1) формы (n, width),
    потери — MSE до случайной цели Y ~ N(0, 1). После ``backward`` у каждого ``Linear`` в
    ``.grad_output`` лежит G_k = ∂L/∂z_k формы (n, width). Возвращает массив формы (depth,):
    среднеквадратичное значение √(mean G_k²) для слоёв k = 1 … depth (от входа к выходу).
    """
    gen = np.random.default_rng(seed)
    model = deep_stack(name, depth, width, rng=gen, init=init)
    X = gen.standard_normal((check_positive_int(n, "n"), width))
    Y = gen.standard_normal((n, width))
    loss_fn = MSELoss()
    loss_fn(model(X), Y)
    model.backward(loss_fn.backward())
    return np.array([np.sqrt(np.mean(m.grad_output ** 2)) for m in model if isinstance(m, Linear)])


@lru_cache(maxsize=512)
def _mean_profile(name: str, depth: int, width: int, n: int, seeds: tuple, init: str) -> np.ndarray:
    logs = [np.log10(gradient_profile(name, depth, width, n, s, init)) for s in seeds]
    return 10.0 ** np.mean(logs, axis=0)


def mean_gradient_profile(name: str, depth: int, seeds=(0, 1, 2, 3, 4), width: int = 32,
                          n: int = 64, init: str = "he") -> np.ndarray:
    """Профиль ``gradient_profile``, усреднённый по зёрнам ``seeds`` (среднее геометрическое).

    Градиенты разных слоёв различаются на порядки, поэтому усредняем их логарифмы:
    результат — 10^(среднее log₁₀). Форма (depth,); результаты кэшируются.
    """
    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueError("mean_gradient_profile: нужен хотя бы один seed")
    out = _mean_profile(name, int(depth), int(width), int(n), seeds, init)
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


# --- figures --------------------------------------------------------------------------

_COLORS = {"sigmoid": "C0", "tanh": "C1", "relu": "C2", "leaky_relu": "C3", "gelu": "C4", "silu": "C5"}


def plot_activations(names, fig=None, lim: float = 4.0):
    """Рисунок из двух панелей: графики активаций ``names`` и их производных на [−lim, lim]."""
    from matplotlib.figure import Figure

    if fig is None:
        fig = Figure(figsize=(8, 3.2), layout="constrained")
    z = np.linspace(-lim, lim, 801)
    ax_f, ax_g = fig.subplots(1, 2)
    for name in names:
        act = get_activation(name)
        ax_f.plot(z, act.f(z), color=_COLORS[name], lw=2, label=act.label)
        ax_g.plot(z, act.grad(z), color=_COLORS[name], lw=2, label=act.label)
    for ax, title in ((ax_f, "функция f(z)"), (ax_g, "производная f′(z)")):
        ax.axhline(0, color="0.5", lw=0.8)
        ax.axvline(0, color="0.5", lw=0.8)
        ax.set_xlabel("z")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    ax_f.legend(fontsize=8, loc="upper left")
    return fig


def plot_profiles(profiles: dict, ax=None, title: str = ""):
    """Профили градиента на логарифмической оси: ``profiles`` — {имя активации: массив (depth,)}."""
    from matplotlib.figure import Figure

    if ax is None:
        fig = Figure(figsize=(7, 3.2), layout="constrained")
        ax = fig.add_subplot(1, 1, 1)
    for name, prof in profiles.items():
        act = get_activation(name)
        ax.semilogy(np.arange(1, len(prof) + 1), prof, "o-", color=_COLORS[name], lw=2, ms=4,
                    label=act.label)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("номер слоя k (1 — у входа)")
    ax.set_ylabel("RMS ∂L/∂z_k")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax.figure


def plot_dead_share(biases, shares, ax=None):
    """Доля мёртвых нейронов по слоям в зависимости от начального свободного члена.

    biases: массив формы (m,); shares: массив формы (m, число слоёв ReLU).
    """
    from matplotlib.figure import Figure

    if ax is None:
        fig = Figure(figsize=(6, 3), layout="constrained")
        ax = fig.add_subplot(1, 1, 1)
    shares = np.asarray(shares)
    for k in range(shares.shape[1]):
        ax.plot(biases, 100 * shares[:, k], "o-", ms=3, lw=1.5, label=f"слой {k + 1}")
    ax.set_xlabel("начальный свободный член b всех нейронов")
    ax.set_ylabel("мёртвых нейронов, %")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax.figure


# --- panels ---------------------------------------------------------------------------

_NAME_OPTIONS = tuple((act.label, key) for key, act in ACTIVATIONS.items())
_SHAPE_LIM = 5.0
_SHAPE_Z = np.linspace(-_SHAPE_LIM, _SHAPE_LIM, 401)


def _shape_limits(name: str) -> tuple:
    """Fixed y-ranges of the two axes of the shape panel for activation ``name``.

    With u = a(z − c), the sliders (a ≤ 4, |c| ≤ 3, |z| ≤ 5) reach u ∈ [−32, 32]. The derivative
    axis fits a·f′(u) for every slider position (the marked maximum never leaves it); the function
    axis fits f(u), but for an f unbounded above its top is cut at 20% of the span of the reference
    f(z) above it (a steep ReLU leaves through the top instead of flattening the reference curve).
    """
    act = get_activation(name)
    u = np.linspace(-32.0, 32.0, 6401)
    ref = act.f(_SHAPE_Z)
    lo_f = float(act.f(u).min())
    hi_f = min(float(act.f(u).max()), ref.max() + 0.2 * (ref.max() - ref.min()))
    d = act.grad(u)
    lo_g, hi_g = min(0.0, 4.0 * d.min()), 4.0 * d.max()
    pad_f, pad_g = 0.05 * (hi_f - lo_f), 0.05 * (hi_g - lo_g)
    return (lo_f - pad_f, hi_f + pad_f), (lo_g - pad_g, hi_g + pad_g)


def _setup_shape(fig, name: str, shift: float, scale: float) -> dict:
    act = get_activation(name)
    color = _COLORS[name]
    ax_f, ax_g = fig.subplots(1, 2)
    nan = np.full_like(_SHAPE_Z, np.nan)
    g_line, = ax_f.plot(_SHAPE_Z, nan, color=color, lw=2)
    ref_f, = ax_f.plot(_SHAPE_Z, act.f(_SHAPE_Z), color="0.7", lw=1.5, ls="--")
    dg_line, = ax_g.plot(_SHAPE_Z, nan, color=color, lw=2)
    ref_g, = ax_g.plot(_SHAPE_Z, act.grad(_SHAPE_Z), color="0.7", lw=1.5, ls="--")
    peak, = ax_g.plot([np.nan], [np.nan], "o", color="black", ms=4)
    note = ax_g.annotate("", (0.0, 0.0), textcoords="offset points", xytext=(6, -12), fontsize=8)
    note.set_in_layout(False)           # the layout must not depend on where the maximum is
    centers = []
    ylims = _shape_limits(name)
    for ax, title, ylim in ((ax_f, "функция f(a(z − c)), пунктир — f(z)", ylims[0]),
                            (ax_g, "производная a·f′(a(z − c)), пунктир — f′(z)", ylims[1])):
        centers.append(ax.axvline(0.0, color="C3", lw=1, ls=":"))
        ax.set_xlim(-_SHAPE_LIM, _SHAPE_LIM)
        ax.set_ylim(*ylim)
        ax.set_xlabel("z")
        ax.set_title(title, fontsize=9)
        ax.grid(alpha=0.3)
    # the dashed reference curves do not move but are redrawn over the moving ones, as before
    return {"g": g_line, "dg": dg_line, "ref_f": ref_f, "ref_g": ref_g, "peak": peak, "note": note,
            "centers": centers}


def _update_shape(state: dict, name: str, shift: float, scale: float) -> list:
    g, dg = transformed(name, _SHAPE_Z, shift, scale)
    state["g"].set_ydata(g)
    state["dg"].set_ydata(dg)
    i = int(np.argmax(dg))
    state["peak"].set_data([_SHAPE_Z[i]], [dg[i]])
    state["note"].xy = (_SHAPE_Z[i], dg[i])
    # near the right edge the label goes to the left of the point, so that it stays in the figure
    right = _SHAPE_Z[i] > 0.5 * _SHAPE_LIM
    state["note"].xyann = (-6, -12) if right else (6, -12)
    state["note"].set_horizontalalignment("right" if right else "left")
    state["note"].set_text(f"max = {dg[i]:.3g}")
    for line in state["centers"]:
        line.set_xdata([shift, shift])
    center_f, center_g = state["centers"]
    return [state["g"], state["ref_f"], center_f,
            state["dg"], state["ref_g"], state["peak"], center_g, state["note"]]


_DEPTH_YLIM = (1e-15, 1e-1)
_DEPTH_MAX = 20


def _setup_depth(fig, name: str, depth: int) -> dict:
    from matplotlib import rcParams
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator, NullLocator

    ax = fig.add_subplot(1, 1, 1)
    style = dict(marker="o", ls="-", lw=2, ms=4)
    main, = ax.semilogy([np.nan], [np.nan], color=_COLORS[name], **style)
    relu, = ax.semilogy([np.nan], [np.nan], color=_COLORS["relu"], **style)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("номер слоя k (1 — у входа)")
    ax.set_ylabel("RMS ∂L/∂z_k")
    ax.grid(alpha=0.3, which="both")
    # the title changes with the sliders; the still title " " only reserves its place in the
    # layout, and the moving text (out of the layout) is put where the title goes
    ax.set_title(" ", fontsize=9)
    title = ax.annotate(" ", (0.5, 1.0), xycoords="axes fraction", xytext=(0, rcParams["axes.titlepad"]),
                        textcoords="offset points", ha="center", va="baseline", fontsize=9)
    title.set_in_layout(False)
    # the same layers and decades on every position of the sliders, so that flat profiles look flat
    ax.set_xlim(0.5, _DEPTH_MAX + 0.5)
    ax.set_ylim(*_DEPTH_YLIM)
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_yticks(10.0 ** np.arange(-15, 0, 2))
    # one legend per activation (the chosen one and ReLU), only the current one is visible
    legends = {}
    for key in ACTIVATIONS:
        names = [key] if key == "relu" else [key, "relu"]
        handles = [Line2D([], [], color=_COLORS[k], **style) for k in names]
        legend = Legend(ax, handles, [get_activation(k).label for k in names], fontsize=8,
                        loc="best")
        legend.set_visible(False)
        ax.add_artist(legend)
        legends[key] = legend
    return {"main": main, "relu": relu, "title": title, "legends": legends}


def _update_depth(state: dict, name: str, depth: int) -> list:
    layers = np.arange(1, depth + 1)
    relu = mean_gradient_profile("relu", depth, seeds=(0, 1, 2))
    prof = relu if name == "relu" else mean_gradient_profile(name, depth, seeds=(0, 1, 2))
    state["main"].set_data(layers, prof)
    state["main"].set_color(_COLORS[name])
    state["relu"].set_data(layers, relu)
    state["relu"].set_visible(name != "relu")
    ratio = f"{prof[0] / prof[-1]:.1e}".replace("-", "−")
    state["title"].set_text(f"{get_activation(name).label}: градиент у слоя 1 / у слоя {depth} = {ratio}")
    for key, legend in state["legends"].items():
        legend.set_visible(key == name)
    return [state["main"], state["relu"], *state["legends"].values(), state["title"]]


widgets.register(widgets.Panel(
    key="ch05.shape",
    title="Активация f(a(z − c)) и её производная a·f′(a(z − c)): сдвиг c и масштаб a",
    controls=(
        widgets.Dropdown("name", "активация", _NAME_OPTIONS, "sigmoid"),
        widgets.FloatSlider("shift", "сдвиг c", -3.0, 3.0, 0.1, 0.0),
        widgets.FloatSlider("scale", "масштаб a", 0.25, 4.0, 0.05, 1.0),
    ),
    setup=_setup_shape,
    update=_update_shape,
    rebuild_on=("name",),          # the y-ranges and the dashed reference curves depend on it
    figsize=(8.0, 3.0),
    snapshots=({"name": "sigmoid"}, {"name": "sigmoid", "scale": 4.0, "shift": 1.0},
               {"name": "tanh", "scale": 0.5}, {"name": "relu", "shift": -1.0, "scale": 2.0}),
    snapshot_figsize=(8.0, 2.6),
    snapshot_cols=1,
))

widgets.register(widgets.Panel(
    key="ch05.depth",
    title="Градиент, дошедший до каждого слоя глубокой сети (среднее по 3 зёрнам), и ReLU для сравнения",
    controls=(
        widgets.Dropdown("name", "активация", _NAME_OPTIONS, "sigmoid"),
        widgets.IntSlider("depth", "число слоёв", 2, 20, 1, 10),
    ),
    setup=_setup_depth,
    update=_update_depth,
    figsize=(7.0, 3.2),
    snapshots=({"name": "sigmoid", "depth": 5}, {"name": "sigmoid", "depth": 20},
               {"name": "tanh", "depth": 20}, {"name": "gelu", "depth": 20}),
    snapshot_figsize=(5.0, 3.0),
    snapshot_cols=2,
))
