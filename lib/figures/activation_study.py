"""Глава 5: рисунки и панели со слайдерами (форма активации, затухание градиента по глубине).

Математика и опыты — в ``lib.chapters.activation_study``. Панели ``ch05.shape`` и ``ch05.depth``
регистрируются при импорте модуля.
"""

from __future__ import annotations

import numpy as np

from .. import widgets
from ..chapters.activation_study import ACTIVATIONS, get_activation, mean_gradient_profile, transformed

__all__ = ["COLORS", "plot_activations", "plot_profiles", "plot_layer_speeds", "plot_dead_share"]

#: Цвет каждой активации на всех рисунках главы.
COLORS = {"sigmoid": "C0", "tanh": "C1", "relu": "C2", "leaky_relu": "C3", "gelu": "C4", "silu": "C5"}


def plot_activations(names, fig=None, lim: float = 4.0):
    """Рисунок из двух панелей: графики активаций ``names`` и их производных на [−lim, lim]."""
    from matplotlib.figure import Figure

    if fig is None:
        fig = Figure(figsize=(8, 3.2), layout="constrained")
    z = np.linspace(-lim, lim, 801)
    ax_f, ax_g = fig.subplots(1, 2)
    for name in names:
        act = get_activation(name)
        ax_f.plot(z, act.f(z), color=COLORS[name], lw=2, label=act.label)
        ax_g.plot(z, act.grad(z), color=COLORS[name], lw=2, label=act.label)
    for ax, title in ((ax_f, "функция f(z)"), (ax_g, "производная f′(z)")):
        ax.axhline(0, color="0.5", lw=0.8)
        ax.axvline(0, color="0.5", lw=0.8)
        ax.set_xlabel("z")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    ax_f.legend(fontsize=8, loc="upper left")
    return fig


def plot_profiles(profiles: dict, ax=None, title: str = "", colors: dict | None = None):
    """Профили градиента на логарифмической оси: ``profiles`` — {подпись: массив (D,)}.

    Подпись — имя активации ('relu', …) или любая строка; для строки цвет берётся по имени
    активации из ``colors`` ({подпись: имя активации}), иначе — следующий цвет matplotlib.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        fig = Figure(figsize=(7, 3.2), layout="constrained")
        ax = fig.add_subplot(1, 1, 1)
    colors = colors or {}
    for key, prof in profiles.items():
        if key in ACTIVATIONS:
            color, label = COLORS[key], get_activation(key).label
        else:
            color, label = COLORS.get(colors.get(key, ""), None), key
        ax.semilogy(np.arange(1, len(prof) + 1), prof, "o-", color=color, lw=2, ms=4, label=label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(r"номер слоя $\ell$ (1 — у входа)")
    ax.set_ylabel(r"RMS $\delta_\ell = \partial L/\partial z_\ell$")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax.figure


def plot_layer_speeds(runs: dict, fig=None):
    """Скорость обучения слоёв по эпохам: ``runs`` — {имя активации: массив (эпохи, слои)}.

    По панели на активацию, логарифмическая ось; последний столбец — выходной слой (пунктир).
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    if fig is None:
        fig = Figure(figsize=(9, 3), layout="constrained")
    axes = fig.subplots(1, len(runs), sharey=True, squeeze=False)[0]
    for ax, (name, speeds) in zip(axes, runs.items()):
        epochs = np.arange(1, speeds.shape[0] + 1)
        for k in range(speeds.shape[1]):
            last = k == speeds.shape[1] - 1
            ax.semilogy(epochs, speeds[:, k], "--" if last else "o-", ms=3, lw=1.5,
                        color="0.4" if last else f"C{k}", label="выход" if last else f"слой {k + 1}")
        ax.set_title(get_activation(name).label, fontsize=10)
        ax.set_xlabel("эпоха")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel(r"$\|\Delta W_\ell\| \, / \, \|W_\ell\|$ за эпоху")
    axes[-1].legend(fontsize=7, loc="lower right")
    return fig


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
    ax.set_xlabel("начальный свободный член b нейронов первого слоя")
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
    color = COLORS[name]
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
    main, = ax.semilogy([np.nan], [np.nan], color=COLORS[name], **style)
    relu, = ax.semilogy([np.nan], [np.nan], color=COLORS["relu"], **style)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(r"номер слоя $\ell$ (1 — у входа)")
    ax.set_ylabel(r"RMS $\delta_\ell = \partial L/\partial z_\ell$")
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
        handles = [Line2D([], [], color=COLORS[k], **style) for k in names]
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
    state["main"].set_color(COLORS[name])
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
