"""Глава 1: рисунки и панели со слайдерами (нейрон с двумя входами, ступенька одного входа).

Математика — в ``lib.chapters.neuron``. Панели ``ch01.neuron2d`` и ``ch01.step1d`` регистрируются
при импорте модуля.
"""

from __future__ import annotations

import numpy as np

from .. import widgets
from ..activations import sigmoid
from ..chapters.neuron import boundary_segment, neuron_field, step_center

_FIELD_LIM = 3.0


def _setup_neuron2d(fig, w1: float, w2: float, b: float) -> dict:
    lim = _FIELD_LIM
    ax = fig.add_subplot(1, 1, 1)
    im = ax.imshow(np.zeros((81, 81)), extent=(-lim, lim, -lim, lim), origin="lower", cmap="RdBu_r",
                   vmin=0, vmax=1, interpolation="bilinear")
    fig.colorbar(im, ax=ax, label="y = σ(⟨x, ω⟩ + b)", shrink=0.9)
    line, = ax.plot([0.0, 0.0], [0.0, 0.0], color="black", lw=2, label="⟨x, ω⟩ + b = 0")
    arrow = ax.annotate("", xy=(0.0, 0.0), xytext=(0.0, 0.0),
                        arrowprops=dict(arrowstyle="-|>", color="black", lw=2))
    omega = ax.text(0.0, 0.0, "ω", fontsize=12)
    legend = ax.legend(loc="lower left", fontsize=8)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_aspect("equal")
    # The image covers the whole axes: the spines are redrawn over it on every frame.
    return {"image": im, "line": line, "arrow": arrow, "omega": omega, "legend": legend,
            "spines": list(ax.spines.values())}


def _update_neuron2d(state: dict, w1: float, w2: float, b: float) -> list:
    lim = _FIELD_LIM
    state["image"].set_data(neuron_field(w1, w2, b, lim=lim, resolution=81)[2])
    seg = boundary_segment(w1, w2, b, lim)
    has_line = seg is not None
    state["line"].set_visible(has_line)
    state["legend"].set_visible(has_line)
    has_arrow = False
    if has_line:
        state["line"].set_data(*seg)
        p0 = -b * np.array([w1, w2]) / (w1**2 + w2**2)
        if np.all(np.abs(p0) < lim):
            has_arrow = True
            unit = np.array([w1, w2]) / np.hypot(w1, w2)
            state["arrow"].xy = tuple(p0 + unit)
            state["arrow"].set_position(tuple(p0))
            state["omega"].set_position(tuple(p0 + 1.15 * unit))
    state["arrow"].set_visible(has_arrow)
    state["omega"].set_visible(has_arrow)
    # Listed in the order of their zorder: they are drawn one over another in this order.
    return [state["image"], state["line"], *state["spines"], state["arrow"], state["omega"],
            state["legend"]]


_STEP_X = np.linspace(-4, 4, 401)


def _setup_step1d(fig, w: float, b: float) -> dict:
    ax = fig.add_subplot(1, 1, 1)
    ax.axhline(0.5, color="0.6", lw=0.8, ls="--")
    curve, = ax.plot(_STEP_X, np.zeros_like(_STEP_X), lw=2, label="σ(ωx + b)")
    center = ax.axvline(0.0, color="C3", lw=1, ls=":", label="x₀ = −b/ω")
    label = ax.text(0.98, 0.05, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=9, color="C3")
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlim(-4, 4)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return {"curve": curve, "center": center, "label": label}


def _update_step1d(state: dict, w: float, b: float) -> list:
    state["curve"].set_ydata(sigmoid(w * _STEP_X + b))
    x0 = step_center(w, b) if w != 0 else None
    visible = x0 is not None and -4 <= x0 <= 4
    state["center"].set_visible(visible)
    state["label"].set_visible(visible)
    if visible:
        state["center"].set_xdata([x0, x0])
        state["label"].set_text("x₀ = −b/ω = " + f"{x0 + 0.0:.2f}".replace("-", "−"))
    return [state["curve"], state["center"], state["label"]]


widgets.register(widgets.Panel(
    key="ch01.neuron2d",
    title="Нейрон с двумя входами: цвет — ответ σ(ω₁x₁ + ω₂x₂ + b), линия — где он равен 1/2",
    controls=(
        widgets.FloatSlider("w1", "ω₁", -3.0, 3.0, 0.1, 1.0),
        widgets.FloatSlider("w2", "ω₂", -3.0, 3.0, 0.1, 0.5),
        widgets.FloatSlider("b", "b", -3.0, 3.0, 0.1, 0.0),
    ),
    setup=_setup_neuron2d,
    update=_update_neuron2d,
    figsize=(5.2, 4.0),
    snapshots=({"w1": 1.0, "w2": 0.5, "b": 0.0}, {"w1": 1.0, "w2": 0.5, "b": -2.0},
               {"w1": 3.0, "w2": 1.5, "b": 0.0}, {"w1": -0.5, "w2": 1.0, "b": 1.0}),
    snapshot_figsize=(4.2, 3.2),
    snapshot_cols=2,
))

widgets.register(widgets.Panel(
    key="ch01.step1d",
    title="Один вход: σ(ωx + b) — ступенька в точке −b/ω, тем круче, чем больше ω",
    controls=(
        widgets.FloatSlider("w", "ω", -10.0, 10.0, 0.1, 1.0),
        widgets.FloatSlider("b", "b", -10.0, 10.0, 0.1, 0.0),
    ),
    setup=_setup_step1d,
    update=_update_step1d,
    figsize=(6.0, 3.0),
    snapshots=({"w": 1.0, "b": -1.0}, {"w": 3.0, "b": -3.0}, {"w": 10.0, "b": -10.0}),
    snapshot_figsize=(6.0, 2.4),
))
