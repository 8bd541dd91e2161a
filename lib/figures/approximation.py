"""Глава 2: рисунки и панели со слайдерами (башни, кривые ошибки, зубцы, горб, сумма горбов).

Математика и опыты — в ``lib.chapters.approximation``. Панели ``ch02.bump`` и ``ch02.approx``
регистрируются при импорте модуля.
"""

from __future__ import annotations

import re

import numpy as np

from .. import widgets
from ..activations import sigmoid
from ..chapters.approximation import Target, bumps, error_bound, get_target, network, step_network, tower_parts
from ..chapters.approximation_beyond import tent_network

__all__ = ["draw_towers", "draw_error_curves", "draw_trained_vs_constructed", "draw_tents", "show"]


def draw_towers(fig=None):
    """Рисунок для d = 2: слева сумма двух горбов (крест), справа башня после порога."""
    from matplotlib.figure import Figure

    if fig is None:
        fig = Figure(figsize=(7.5, 3.2), layout="constrained")
    x, B, T = tower_parts()
    X1, X2 = np.meshgrid(x, x)
    for i, (Z, title) in enumerate(((B, "χ = горб(x₁) + горб(x₂): «крест»"),
                                    (T, "σ(ω′(χ − 3/2)): «башня»"))):
        ax = fig.add_subplot(1, 2, i + 1, projection="3d")
        ax.plot_surface(X1, X2, Z, cmap="viridis", linewidth=0, antialiased=False, rstride=2, cstride=2)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        ax.view_init(elev=30, azim=-60)
        _russian_ticks(ax)
    return fig


# --- figures of the chapter ---------------------------------------------------------------

def _comma(text: str) -> str:
    """Russian number format in figure labels: decimal comma."""
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


def _russian_ticks(ax) -> None:
    """Tick labels of the linear axes of ax with a decimal comma and a typographic minus."""
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _pos: _comma(f"{v:g}").replace("-", "−"))
    for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale()),
                        (getattr(ax, "zaxis", None), "linear")):
        if axis is not None and scale == "linear":
            axis.set_major_formatter(fmt)


def show(fig) -> None:
    """Показывает готовую фигуру в блокноте картинкой PNG (как статичные рисунки панелей)."""
    from IPython.display import Image, display

    display(Image(data=widgets.render_png(fig, widgets.STATIC_DPI)))


def draw_error_curves(curves: dict, fig=None):
    """Ошибка конструкции против H в логарифмических осях.

    curves: {ключ цели: (Hs, ошибки)}; для каждой цели — точки, прямая МНК и её наклон.
    """
    from matplotlib.figure import Figure

    if fig is None:
        fig = Figure(figsize=(6.0, 3.6), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    for i, (key, (Hs, errs)) in enumerate(curves.items()):
        Hs, errs = np.asarray(Hs, float), np.asarray(errs, float)
        slope, icpt = np.polyfit(np.log(Hs), np.log(errs), 1)
        ax.loglog(Hs, errs, "o", color=f"C{i}", label=_comma(f"{get_target(key).label}: наклон {slope:.3f}")
                  .replace("-", "−"))
        ax.loglog(Hs, np.exp(icpt) * Hs**slope, "-", color=f"C{i}", lw=1)
    ax.set_xlabel("число нейронов H")
    ax.set_ylabel("max |ŷ − f| на сетке")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    return fig


def draw_trained_vs_constructed(target: Target, model, H_constructed: int, fig=None):
    """Слева: f, обученная сеть из H нейронов и конструкция из того же числа нейронов;
    справа: их ошибки и ошибка конструкции из H_constructed нейронов."""
    from matplotlib.figure import Figure

    if fig is None:
        fig = Figure(figsize=(8.0, 3.2), layout="constrained")
    x = np.linspace(0.0, 1.0, 801)
    H = model[0].out_features
    trained = model(x[:, None])[:, 0]
    same = network(x, *step_network(target.f, H, 60.0 * H))
    big = network(x, *step_network(target.f, H_constructed, 60.0 * H_constructed))
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot(x, target.f(x), color="black", lw=2, label="f(x)")
    ax1.plot(x, trained, color="C3", lw=1.5, label=f"обученная сеть, H = {H}")
    ax1.plot(x, same, color="C0", lw=1, label=f"конструкция, H = {H}")
    ax1.set_xlabel("x")
    ax1.set_ylabel("значение")
    ax1.legend(fontsize=7)
    ax2.plot(x, trained - target.f(x), color="C3", lw=1.5, label=f"обученная, H = {H}")
    ax2.plot(x, big - target.f(x), color="C2", lw=1, label=f"конструкция, H = {H_constructed}")
    ax2.set_xlabel("x")
    ax2.set_ylabel("ŷ(x) − f(x)")
    ax2.legend(fontsize=7)
    ax2.grid(alpha=0.3)
    for ax in (ax1, ax2):
        _russian_ticks(ax)
    return fig


def draw_tents(depths=(1, 2, 3, 5), fig=None):
    """Графики D-кратной композиции зубца T(x) = 2 min(x, 1 − x), посчитанной сетью
    ``tent_network(D)`` (D слоёв по 2 нейрона ReLU), для каждого D из depths."""
    from matplotlib.figure import Figure

    if fig is None:
        fig = Figure(figsize=(8.0, 2.2), layout="constrained")
    x = np.linspace(0.0, 1.0, 1025)
    axes = fig.subplots(1, len(depths), sharey=True)
    for ax, D in zip(np.atleast_1d(axes), depths):
        ax.plot(x, tent_network(D)(x[:, None])[:, 0], color="C0", lw=1)
        ax.set_title(f"D = {D}: {2 * D} нейронов, {2 ** D} кусков", fontsize=9)
        ax.set_xlabel("x")
        ax.set_xticks((0.0, 0.5, 1.0), ("0", "0,5", "1"))
    np.atleast_1d(axes)[0].set_ylabel("ŷ(x)")
    return fig


# --- panels -----------------------------------------------------------------------------

_PLOT_X = np.linspace(0.0, 1.0, 301)


def _approx_parts(target: str, H: int, w: float):
    """Bumps, the network, f and the error bound drawn by the panel ch02.approx."""
    tgt = get_target(target)
    parts = bumps(_PLOT_X, tgt.f, H, w)           # (H, n): one bump per row
    bound = error_bound(H, w, tgt.lipschitz)
    return parts, parts.sum(axis=0), tgt.f(_PLOT_X), bound


def _setup_approx(fig, target: str, H: int, w: float) -> dict:
    from matplotlib.collections import LineCollection
    from matplotlib.ticker import MaxNLocator

    x = _PLOT_X
    fx = get_target(target).f(x)
    ax1, ax2 = fig.subplots(2, 1, sharex=True, height_ratios=(2, 1))
    bump_lines = LineCollection([], colors="0.6", linewidths=0.8)    # one artist: fast
    ax1.add_collection(bump_lines)
    f_line, = ax1.plot(x, fx, color="black", lw=2)
    y_line, = ax1.plot(x, np.zeros_like(x), color="C3", lw=1.5)
    # Fixed limits: the network and its bumps stay within the range of f for every H and ω.
    lo, hi = fx.min(), fx.max()
    pad = 0.08 * (hi - lo + 1e-12)
    ax1.set_ylim(lo - pad, hi + pad)
    ax1.set_xlim(0, 1)
    ax1.set_ylabel("f, ŷ, горбы")
    title = ax1.set_title(" ", fontsize=9)
    # The error is drawn in units of the bound (the bound itself is in the title): the dashed
    # lines ±1 stay put and the limits fit every H and ω, since |ŷ − f| ≤ bound.
    err_line, = ax2.plot(x, np.zeros_like(x), color="C0", lw=1)
    bound_lines = [ax2.axhline(s, color="C3", ls="--", lw=1) for s in (1.0, -1.0)]
    ax2.set_ylim(-1.1, 1.1)
    ax2.set_yticks((-1.0, 0.0, 1.0))
    ax2.set_xlabel("x")
    ax2.set_ylabel("(ŷ − f)/оценка", fontsize=8)
    for ax in (ax1, ax2):
        ax.set_xticks((0.0, 0.5, 1.0))
    ax1.yaxis.set_major_locator(MaxNLocator(3))
    for ax in (ax1, ax2):
        _russian_ticks(ax)
    return {"bumps": bump_lines, "f": f_line, "y": y_line, "title": title, "err": err_line,
            "bound": bound_lines, "target": target}


def _update_approx(state: dict, target: str, H: int, w: float) -> list:
    parts, y, fx, bound = _approx_parts(state["target"], H, w)
    err = y - fx
    state["bumps"].set_segments(np.stack([np.broadcast_to(_PLOT_X, parts.shape), parts], axis=-1))
    state["y"].set_ydata(y)
    state["err"].set_ydata(err / bound)
    state["title"].set_text(_comma(f"max |ŷ − f| = {np.abs(err).max():.3g}, оценка (пунктир) {bound:.3g}"))
    # f is still but is drawn over the bumps (in this order), as in a full drawing.
    return [state["bumps"], state["f"], state["y"], state["title"], state["err"], *state["bound"]]


_BUMP_XTICKS = (0.0, 0.25, 0.5, 0.75, 1.0)
_BUMP_YTICKS = (0.0, 0.5, 1.0)
_BUMP_YLIM = (-0.05, 1.5)                          # headroom above 1 keeps the legend off the curves


def _setup_bump(fig, u1: float, width: float, w: float) -> dict:
    from matplotlib import rcParams
    from matplotlib.collections import LineCollection

    x = _PLOT_X
    ax = fig.add_subplot(1, 1, 1)
    span = ax.axvspan(0.0, 1.0, color="0.9", zorder=0, label="[u₁, u₂]")
    # The grid as one collection of our own: the moving span is drawn under it, so the grid is
    # redrawn over it on every frame (the axis grid would stay in the still background).
    segments = [((t, _BUMP_YLIM[0]), (t, _BUMP_YLIM[1])) for t in _BUMP_XTICKS]
    segments += [((0.0, t), (1.0, t)) for t in _BUMP_YTICKS]
    grid = LineCollection(segments, colors=rcParams["grid.color"], linewidths=rcParams["grid.linewidth"],
                          alpha=0.3, zorder=1.5)
    ax.add_collection(grid)
    zeros = np.zeros_like(x)
    s1, = ax.plot(x, zeros, color="C0", lw=1, ls="--", label="σ(ω(x − u₁))")
    s2, = ax.plot(x, zeros, color="C1", lw=1, ls="--", label="σ(ω(x − u₂))")
    diff, = ax.plot(x, zeros, color="C3", lw=2, label="горб = разность")
    ax.set_xlim(0, 1)
    ax.set_ylim(*_BUMP_YLIM)
    ax.set_xlabel("x")
    ax.set_ylabel("значение")
    ax.set_xticks(_BUMP_XTICKS)
    ax.set_yticks(_BUMP_YTICKS)
    _russian_ticks(ax)
    legend = ax.legend(handles=[s1, s2, diff, span], loc="upper center", fontsize=7, ncols=2)
    return {"span": span, "grid": grid, "lines": [s1, s2, diff], "legend": legend,
            "spines": list(ax.spines.values())}


def _update_bump(state: dict, u1: float, width: float, w: float) -> list:
    x = _PLOT_X
    u2 = u1 + width
    s1, s2 = sigmoid(w * (x - u1)), sigmoid(w * (x - u2))
    for line, y in zip(state["lines"], (s1, s2, s1 - s2)):
        line.set_ydata(y)
    state["span"].set_x(u1)
    state["span"].set_width(u2 - u1)
    # The span covers the grid, the spines and the legend: all of them are drawn over it again,
    # in the order of their zorder.
    return [state["span"], state["grid"], *state["lines"], *state["spines"], state["legend"]]


widgets.register(widgets.Panel(
    key="ch02.bump",
    title="Две ступеньки — горб: σ(ω(x − u₁)) − σ(ω(x − u₂)), u₂ = u₁ + ширина",
    controls=(
        widgets.FloatSlider("u1", "u₁", 0.0, 0.8, 0.01, 0.3),
        widgets.FloatSlider("width", "ширина u₂ − u₁", 0.05, 0.5, 0.01, 0.3),
        widgets.FloatSlider("w", "крутизна ω", 5.0, 200.0, 1.0, 20.0),
    ),
    setup=_setup_bump,
    update=_update_bump,
    figsize=(6.0, 3.0),
    snapshots=({"w": 10.0}, {"w": 40.0}, {"w": 200.0}),
    snapshot_figsize=(4.0, 2.6),
    snapshot_cols=3,
))

widgets.register(widgets.Panel(
    key="ch02.approx",
    title=("Сумма горбов приближает f: сверху f (чёрная), сеть ŷ (красная) и горбы (серые), "
           "снизу ошибка ŷ − f в долях её оценки (пунктир ±1)"),
    controls=(
        widgets.Dropdown("target", "f", (("sin 2πx (гладкая)", "smooth"), ("1 − 2|x − 0,4| (излом)", "kink"),
                                         ("sin 12πx (колебания)", "wiggly")), "smooth"),
        widgets.IntSlider("H", "нейронов H", 1, 40, 1, 8),
        widgets.FloatSlider("w", "крутизна ω", 1.0, 400.0, 1.0, 100.0),
    ),
    setup=_setup_approx,
    update=_update_approx,
    rebuild_on=("target",),
    figsize=(7.0, 3.6),
    snapshots=({"target": "smooth", "H": 5, "w": 100.0}, {"target": "smooth", "H": 20, "w": 400.0},
               {"target": "kink", "H": 10, "w": 15.0}, {"target": "wiggly", "H": 40, "w": 400.0}),
    snapshot_figsize=(4.8, 3.2),
    snapshot_cols=2,
))
