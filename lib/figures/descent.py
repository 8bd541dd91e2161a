"""Глава 3: панели со слайдерами — спуск по квадратичной чаше и по невыпуклой поверхности.

Математика (функции потерь, траектории, множитель сжатия) — в ``lib.chapters.descent``.
Панели ``ch03.quadratic`` и ``ch03.nonconvex`` регистрируются при импорте модуля; линии
уровня считаются один раз, при импорте, а каждое движение слайдера только перерисовывает
траекторию и кривую потерь.
"""

from __future__ import annotations

import numpy as np

from .. import widgets
from ..chapters.descent import NONCONVEX, QUADRATICS, contraction_factor, descent, losses_along, nearest_minimum

__all__: list[str] = []

# --- grids ----------------------------------------------------------------------------

_LIM_Q = 3.0
_LIM_N = 2.0
_RES = 81


def _grid(f, lim):
    t = np.linspace(-lim, lim, _RES)
    T1, T2 = np.meshgrid(t, t)
    return t, f(np.stack([T1, T2], axis=-1))


# contour grids are computed once, at import: an update only draws them
_GRIDS = {key: _grid(q.loss, _LIM_Q) for key, q in QUADRATICS.items()}
_GRID_N = _grid(NONCONVEX.loss, _LIM_N)


def _contour_lines(t, Z, levels):
    """Level lines of Z as a list of (k, 2) polylines (computed once, drawn as a LineCollection)."""
    import contourpy

    gen = contourpy.contour_generator(t, t, Z, line_type="Separate")
    return [seg for level in levels for seg in gen.lines(level)]


_LINES = {key: _contour_lines(*_GRIDS[key], np.geomspace(0.02, 20, 10)) for key in QUADRATICS}
_LINES_N = _contour_lines(*_GRID_N, np.linspace(_GRID_N[1].min() + 0.05, 6, 14))


def _num(v: float) -> str:
    """A number in a Russian caption: two decimals, decimal comma, a true minus sign."""
    return f"{v:.2f}".replace(".", ",").replace("-", "−")


def _status(traj, steps, ok_text, blowup):
    if len(traj) - 1 < steps or not np.all(np.isfinite(traj)):
        return f"расходится: ‖θ‖ > {blowup} на шаге {len(traj) - 1}"
    return ok_text


# Fixed limits of the loss plots: they fit every slider position, so a slider move never rescales.
_STEPS_Q, _STEPS_N = 60, 80
_LG_RANGE = (-20.5, 14.0)           # lg L: clipped at 1e-20 below, ‖θ‖ ≤ 1.4·10⁶ (L < 10¹³) above
_TOP_N = 4.5                        # L on the non-convex surface: the four minima and most starts


def _setup_titles(ax, fontsize: int = 9):
    """A title whose text changes: a text at the title's place, left out of the layout (so the
    layout does not depend on the slider values); a transparent two-line title keeps its room."""
    ax.set_title("M\nM", fontsize=fontsize, color="none")
    text = ax.text(0.5, 1.0, "", transform=ax.title.get_transform(), ha="center", va="baseline",
                   fontsize=fontsize)
    text.set_in_layout(False)
    return text


def _setup_path(ax, lim):
    """The trajectory on the plane: line, points and the start square (their data set by update)."""
    line, = ax.plot([], [], "-", color="C3", lw=1.2, alpha=0.8)
    dots, = ax.plot([], [], "o", color="C3", ms=3)
    start, = ax.plot([], [], "s", color="black", ms=6)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ticks = [-round(lim * 2 / 3), 0, round(lim * 2 / 3)]
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_xlabel("θ₁")
    ax.set_ylabel("θ₂")
    return {"line": line, "dots": dots, "start": start}


def _update_path(state, traj, lim) -> list:
    shown = traj[np.all(np.abs(traj) <= 1.5 * lim, axis=1)] if len(traj) else traj
    state["line"].set_data(traj[:, 0].clip(-1.5 * lim, 1.5 * lim), traj[:, 1].clip(-1.5 * lim, 1.5 * lim))
    state["dots"].set_data(shown[:, 0], shown[:, 1])
    state["start"].set_data(traj[:1, 0], traj[:1, 1])
    return [state["line"], state["dots"], state["start"]]


def _setup_quadratic(fig, lr: float, x0: float, y0: float, steps: int, bowl: str) -> dict:
    from matplotlib.collections import LineCollection

    ax, ax2 = fig.subplots(1, 2, width_ratios=(1, 1.25))
    # the level lines depend on the bowl: one collection whose lines update() replaces
    levels = ax.add_collection(LineCollection(_LINES[bowl], colors="0.6", linewidths=0.7))
    star, = ax.plot(0, 0, "*", color="C2", ms=10)
    state = _setup_path(ax, _LIM_Q)
    ax.set_title("■ старт θ₀, ★ минимум θ* = 0", fontsize=8)
    # log10 on a linear axis: plain tick labels render much faster than mathtext powers
    curve, = ax2.plot([], [], "o-", ms=3, color="C0")
    ax2.set_xlim(-0.05 * _STEPS_Q, 1.05 * _STEPS_Q)
    ax2.set_ylim(*_LG_RANGE)
    ax2.set_yticks(np.arange(-20, _LG_RANGE[1], 5))
    ax2.set_xlabel("шаг t")
    ax2.set_ylabel("lg L(θ_t)")
    ax2.grid(alpha=0.3)
    return {**state, "levels": levels, "star": star, "curve": curve, "title": _setup_titles(ax2)}


def _update_quadratic(state: dict, lr: float, x0: float, y0: float, steps: int, bowl: str) -> list:
    q = QUADRATICS[bowl]
    traj = descent(q.grad, np.array([x0, y0]), lr, steps)
    losses = losses_along(q.loss, traj)
    state["levels"].set_segments(_LINES[bowl])
    moved = [state["levels"], state["star"], *_update_path(state, traj, _LIM_Q)]
    state["curve"].set_data(np.arange(len(losses)), np.log10(np.maximum(losses, 1e-20)))
    rho = contraction_factor(q, lr)
    verdict = "сходится" if rho < 1 else "не сходится"
    cut = "" if len(traj) - 1 == steps else f", ‖θ‖ > 10⁶ на шаге {len(traj) - 1}"
    state["title"].set_text(f"{verdict}: ρ = max|1 − ηλ| = {_num(rho)}{cut}"
                            f"\nграница 2/λ_max = {_num(q.max_stable_lr)}")
    return [*moved, state["curve"], state["title"]]


def _setup_nonconvex(fig, lr: float, x0: float, y0: float, steps: int) -> dict:
    from matplotlib.collections import LineCollection

    f = NONCONVEX
    ax, ax2 = fig.subplots(1, 2, width_ratios=(1, 1.25))
    ax.add_collection(LineCollection(_LINES_N, colors="0.6", linewidths=0.7))
    ax.plot(f.minima[:, 0], f.minima[:, 1], "*", color="C2", ms=9)
    ax.plot(*f.minima[0], "*", color="C1", ms=13)
    state = _setup_path(ax, _LIM_N)
    ax.set_title("■ старт, ★ минимумы (оранжевый — глобальный)", fontsize=8)
    for m in f.minima:
        ax2.axhline(f.loss(m), color="C2", lw=0.6, ls="--")
    curve, = ax2.plot([], [], "o-", ms=3, color="C0")
    ax2.set_xlim(-0.05 * _STEPS_N, 1.05 * _STEPS_N)
    ax2.set_ylim(f.loss(f.minima[0]) - 0.3, _TOP_N)
    ax2.set_xlabel("шаг t")
    ax2.set_ylabel("L(θ_t)")
    ax2.grid(alpha=0.3)
    return {**state, "curve": curve, "title": _setup_titles(ax2)}


def _update_nonconvex(state: dict, lr: float, x0: float, y0: float, steps: int) -> list:
    f = NONCONVEX
    traj = descent(f.grad, np.array([x0, y0]), lr, steps, blowup=1e3)
    losses = losses_along(f.loss, traj)
    moved = _update_path(state, traj, _LIM_N)
    state["curve"].set_data(np.arange(len(losses)), losses.clip(-1, 1e4))
    i, dist = nearest_minimum(traj[-1], f.minima)
    if dist >= 0.05:
        end = "пока не остановился ни в одном минимуме"
    elif i == 0:
        end = f"пришли в глобальный минимум, L = {_num(f.loss(f.minima[0]))}"
    else:
        end = (f"пришли в локальный минимум, L = {_num(f.loss(f.minima[i]))}\n"
               f"(в глобальном L = {_num(f.loss(f.minima[0]))})")
    state["title"].set_text(_status(traj, steps, end, "10³"))
    return [*moved, state["curve"], state["title"]]


widgets.register(widgets.Panel(
    key="ch03.quadratic",
    title="Спуск по квадратичной чаше L(θ) = ½θᵀAθ: траектория и кривая потерь",
    controls=(
        widgets.FloatSlider("lr", "η", 0.02, 0.6, 0.01, 0.1),
        widgets.FloatSlider("x0", "θ₀ по θ₁", -2.8, 2.8, 0.1, -2.5),
        widgets.FloatSlider("y0", "θ₀ по θ₂", -2.8, 2.8, 0.1, 1.5),
        widgets.IntSlider("steps", "шагов", 1, 60, 1, 30),
        widgets.Dropdown("bowl", "матрица A", (("вытянутая (λ = 4 и 0,4)", "elongated"),
                                               ("круглая (λ = 4 и 4)", "round")), "elongated"),
    ),
    setup=_setup_quadratic,
    update=_update_quadratic,
    figsize=(8.0, 3.4),
    snapshots=({"lr": 0.1}, {"lr": 0.45}, {"lr": 0.52}, {"lr": 0.1, "bowl": "round"}),
    snapshot_figsize=(7.6, 3.0),
    snapshot_cols=1,
))

widgets.register(widgets.Panel(
    key="ch03.nonconvex",
    title="Невыпуклая функция с четырьмя минимумами: куда приведёт спуск",
    controls=(
        widgets.FloatSlider("lr", "η", 0.01, 0.3, 0.01, 0.05),
        widgets.FloatSlider("x0", "θ₀ по θ₁", -1.9, 1.9, 0.1, 0.2),
        widgets.FloatSlider("y0", "θ₀ по θ₂", -1.9, 1.9, 0.1, 0.3),
        widgets.IntSlider("steps", "шагов", 1, 80, 1, 40),
    ),
    setup=_setup_nonconvex,
    update=_update_nonconvex,
    figsize=(8.0, 3.4),
    snapshots=({"x0": 0.2, "y0": 0.3}, {"x0": -0.2, "y0": 0.3}, {"x0": -0.2, "y0": -0.3},
               {"x0": 0.2, "y0": 0.3, "lr": 0.28}),
    snapshot_figsize=(7.6, 3.0),
    snapshot_cols=1,
))
