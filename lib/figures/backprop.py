"""Глава 4: рисунки и панели со слайдерами (граф нейрона, шаг конечной разности, размер батча).

Математика — в ``lib.chapters.backprop``, ``lib.chapters.backprop_cost`` и ``lib.chapters.minibatch``.
Панели ``ch04.graph``, ``ch04.fd_step``, ``ch04.batch`` регистрируются при импорте модуля.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import widgets
from ..autograd import Value, draw_graph
from ..chapters.backprop import neuron_graph, sigmoid_output_delta
from ..chapters.backprop_cost import fd_error, fd_error_model
from ..chapters.minibatch import linear_loss, linear_problem, minibatch_descent
from ..glyph_text import adopt

__all__ = ["plot_batch_comparison", "plot_gradient_variance", "plot_saturation", "PANEL_X", "PANEL_Y",
           "PANEL_LR", "PANEL_EPOCHS", "PANEL_W_LIM", "PANEL_B_LIM", "FD_STEP_GRID"]


def _comma(text: str) -> str:
    """Russian number format in figure labels: decimal comma and a true minus sign."""
    return text.replace(".", ",").replace("-", "−")


def plot_batch_comparison(results: dict, best_loss: float | None = None) -> Figure:
    """Два графика: потеря против эпох и против числа вычислений градиента (шагов, лог. шкала).

    results — словарь ``minibatch.compare_batch_sizes``; best_loss — пунктир на уровне минимума.
    """
    fig = Figure(figsize=(8.0, 3.2), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    n = max(results)
    for i, (size, r) in enumerate(sorted(results.items())):      # size = |B|
        name = "весь набор" if size == n else ("по одному" if size == 1 else "мини-батч")
        label = f"|B| = {size} ({name})"
        ax1.plot(r["epoch"], r["loss"], color=f"C{i}", lw=1.2, label=label)
        ax2.plot(r["steps"][1:], r["loss"][1:], color=f"C{i}", lw=1.2, label=label)
    for ax in (ax1, ax2):
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
        if best_loss is not None:
            ax.axhline(best_loss, color="0.4", lw=0.8, ls="--")
    ax2.set_xscale("log")
    ax1.set_xlabel("эпоха")
    ax2.set_xlabel("число вычислений градиента (шагов)")
    ax1.set_ylabel("потеря на всей выборке")
    ax1.legend(fontsize=8)
    return fig


def plot_gradient_variance(batch_sizes, measured, theory) -> Figure:
    """Измеренный разброс E‖g_B − ∇L‖² и теория V/|B| · (n − |B|)/(n − 1) против |B| (лог. шкалы)."""
    fig = Figure(figsize=(5.0, 3.2), layout="constrained")
    ax = fig.subplots()
    ax.loglog(batch_sizes, measured, "o", label="измерено")
    ax.loglog(batch_sizes, theory, "-", label="V/|B| · (n − |B|)/(n − 1)")
    ax.set_xlabel("размер батча |B|")
    ax.set_ylabel("E‖g_B − ∇L‖²")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def plot_saturation(y: float = 1.0) -> Figure:
    """|δ| = |∂L/∂z| выхода ŷ = σ(z) при цели y для MSE и для двоичной кросс-энтропии, z ∈ [−10, 10]."""
    z = np.linspace(-10, 10, 401)
    fig = Figure(figsize=(6.0, 3.0), layout="constrained")
    ax = fig.subplots()
    ax.semilogy(z, np.abs(sigmoid_output_delta(z, y, "mse")), label="MSE: 2|ŷ − y| σ′(z)")
    ax.semilogy(z, np.abs(sigmoid_output_delta(z, y, "bce")), label="кросс-энтропия: |ŷ − y|")
    wrong = z < 0 if y == 1 else z > 0
    ax.fill_between(z, 1e-5, 2, where=wrong, color="C3", alpha=0.08, label="ответ неверен (ŷ по другую сторону 0,5)")
    ax.set_ylim(1e-5, 2)
    ax.set_xticks(range(-10, 11, 5), [_comma(str(t)) for t in range(-10, 11, 5)])
    ax.set_xlabel("z")
    ax.set_ylabel(_comma(f"|∂L/∂z| при y = {y:g}"))
    ax.legend(fontsize=7, loc="upper right", framealpha=0.95)
    ax.grid(alpha=0.3)
    return fig


# --- panels --------------------------------------------------------------------------------------

def _graph_node_text(v: Value) -> str:
    """The text of a node box, exactly as ``draw_graph`` writes it (label, value, gradient)."""
    return f"{v.label}\n{v.data:.4g}\n∇ {v.grad:.4g}"


def _graph_title(L: Value, nodes: dict) -> str:
    return _comma(f"L = {L.data:.4f};   ∂L/∂ω₁ = {nodes['ω₁'].grad:.4f};   ∂L/∂x₁ = {nodes['x₁'].grad:.4f}")


#: The widest number ``.4g`` writes in a box: every box is sized for it, so that the boxes (drawn
#: once, in the still background) do not depend on the sliders.
_GRAPH_WIDEST = "−0.0000e-00"


def _graph_moving(nodes: dict) -> set:
    """Labels of the nodes whose value depends on the sliders x₁, ω₁ (the gradients all do)."""
    sliders = {id(nodes["x₁"]), id(nodes["ω₁"])}
    return {label for label, v in nodes.items() if sliders & {id(u) for u in v.nodes()}}


#: Baselines of the three lines of a node box (label, value, gradient) above its centre, in units
#: of the font size: where matplotlib puts the lines of a centred three-line text (spacing 1.2).
_GRAPH_BASELINES = (0.94, -0.26, -1.46)


def _setup_graph_panel(fig, x1: float, w1: float) -> dict:
    # The layout of the graph does not depend on the values: the arrows, the boxes, the labels and
    # the values that no slider changes are drawn once; each moving line is a one-line text of its
    # own, without a box: on a move only these glyphs (and the title) are drawn.
    from matplotlib.transforms import offset_copy

    L, nodes = neuron_graph(x1=x1, w1=w1)
    L.backward()
    ax = fig.add_subplot(1, 1, 1)
    draw_graph(L, ax=ax, highlight=nodes["ω₁"], fontsize=7.5)
    moving = _graph_moving(nodes)
    lines = {}
    for text in ax.texts[:]:
        label = text.get_text().split("\n", 1)[0]
        if text.get_bbox_patch() is None or label not in nodes:
            continue
        # the box keeps its place and is sized for the widest numbers; its own glyphs are blank
        text.set_text(f"{label}\n{_GRAPH_WIDEST}\n∇ {_GRAPH_WIDEST}")
        text.set_color((0, 0, 0, 0))
        size = text.get_fontsize()
        lines[label] = [adopt(ax.text(*text.get_position(), s, ha="center", va="baseline", fontsize=size,
                                      zorder=text.get_zorder(),
                                      transform=offset_copy(ax.transData, fig=fig, y=k * size, units="points")))
                        for s, k in zip(_graph_node_text(nodes[label]).split("\n"), _GRAPH_BASELINES)]
    if set(lines) != set(nodes):
        raise RuntimeError(f"ch04.graph: не нашлись рамки узлов {sorted(set(nodes) - set(lines))}")
    title = ax.set_title(_graph_title(L, nodes), fontsize=9)
    return {"lines": lines, "moving": moving, "title": title}


def _graph_panel_node_text(state: dict, label: str) -> str:
    """What a node box of the panel reads: label, value and gradient, one line each."""
    return "\n".join(t.get_text() for t in state["lines"][label])


def _graph_panel_moving(state: dict) -> list:
    """The texts a move rewrites: the moving values, every gradient and the title."""
    return [t for label, (_, value, grad) in state["lines"].items()
            for t in ((value, grad) if label in state["moving"] else (grad,))] + [state["title"]]


def _update_graph_panel(state: dict, x1: float, w1: float) -> list:
    L, nodes = neuron_graph(x1=x1, w1=w1)
    L.backward()
    for label, (_, value, grad) in state["lines"].items():
        value.set_text(f"{nodes[label].data:.4g}")
        grad.set_text(f"∇ {nodes[label].grad:.4g}")
    state["title"].set_text(_graph_title(L, nodes))
    return _graph_panel_moving(state)


widgets.register(widgets.Panel(
    key="ch04.graph",
    title="Граф L = (σ(x₁ω₁ + x₂ω₂ + b) − y)²: в каждом узле значение и градиент ∇ = ∂L/∂(узел)",
    controls=(
        widgets.FloatSlider("x1", "x₁", -3.0, 3.0, 0.1, 1.0),
        widgets.FloatSlider("w1", "ω₁", -3.0, 3.0, 0.1, 0.5),
    ),
    setup=_setup_graph_panel,
    update=_update_graph_panel,
    figsize=(8.0, 3.3),
    snapshots=({"x1": 1.0, "w1": 0.5}, {"x1": 1.0, "w1": 3.0}, {"x1": 0.0, "w1": 0.5}),
    snapshot_figsize=(8.0, 3.0),
))

#: Шаги Δ, на которых панель ``ch04.fd_step`` рисует ошибку разности: 10⁻¹⁴ … 1, 57 точек.
FD_STEP_GRID = np.logspace(-14, 0, 57)
_FD_KINDS = ("central", "forward")


def _setup_fd_panel(fig, log_step: float, kind: str) -> dict:
    # Both kinds of difference are drawn once and shown or hidden, so that the Dropdown needs no
    # rebuild; the legend is redrawn on every move (its last line shows the chosen ε).
    ax = fig.add_subplot(1, 1, 1)
    curves = {}
    for k in _FD_KINDS:
        err = np.maximum(fd_error(FD_STEP_GRID, kind=k), 1e-18)
        trunc, rnd, best = fd_error_model(FD_STEP_GRID, kind=k)
        curves[k] = [
            *ax.loglog(FD_STEP_GRID, err, "o-", ms=3, lw=1, color="C0", label="ошибка |разность − σ′(1)|"),
            *ax.loglog(FD_STEP_GRID, trunc, "--", color="C1", lw=1, label="усечение (формула Тейлора)"),
            *ax.loglog(FD_STEP_GRID, rnd, "--", color="C2", lw=1, label="округление (float64)"),
            ax.axvline(best, color="0.5", lw=0.8, ls=":"),
            ax.text(best, 1e-17, " Δ*", color="0.3", fontsize=9),
        ]
    point, = ax.plot([1e-6], [1e-6], "o", ms=10, color="C3", label="Δ")
    ax.set_xlim(10 ** -14.7, 10 ** 0.7)
    ax.set_ylim(1e-18, 1e2)
    ax.set_xlabel("шаг Δ")
    ax.set_ylabel("ошибка производной")
    legend = ax.legend(handles=[*curves[kind][:3], point], fontsize=7, loc="upper center")
    ax.grid(alpha=0.3, which="major")
    return {"curves": curves, "point": point, "legend": legend}


def _update_fd_panel(state: dict, log_step: float, kind: str) -> list:
    for k, artists in state["curves"].items():
        for artist in artists:
            artist.set_visible(k == kind)
    step = 10.0 ** log_step
    e = max(float(fd_error(step, kind=kind)), 1e-18)
    state["point"].set_data([step], [e])
    state["legend"].get_texts()[3].set_text(_comma(f"Δ = {step:.1e}: ошибка {e:.1e}"))
    curves = [a for k in _FD_KINDS for a in state["curves"][k][:3]]
    marks = [a for k in _FD_KINDS for a in state["curves"][k][3:]]
    return [*curves, state["point"], *marks, state["legend"]]


widgets.register(widgets.Panel(
    key="ch04.fd_step",
    title="Шаг конечной разности Δ: слева побеждает округление, справа — усечение",
    controls=(
        widgets.FloatSlider("log_step", "log₁₀ Δ", -13.0, -1.0, 0.5, -6.0),
        widgets.Dropdown("kind", "разность", (("центральная", "central"), ("правая", "forward")), "central"),
    ),
    setup=_setup_fd_panel,
    update=_update_fd_panel,
    figsize=(6.5, 3.6),
    snapshots=({"log_step": -6.0, "kind": "central"}, {"log_step": -12.0, "kind": "central"},
               {"log_step": -8.0, "kind": "forward"}),
    snapshot_figsize=(6.5, 3.2),
))

#: Задача панели ``ch04.batch``: ``linear_problem(64, rng=0)`` — x и y формы (64,).
PANEL_X, PANEL_Y = linear_problem(64, rng=0)
#: Панель обучает PANEL_EPOCHS эпох со скоростью обучения η = PANEL_LR из θ₀ = (−1; 2,5).
PANEL_EPOCHS = 8
PANEL_LR = 0.2
#: Постоянные пределы осей ω и b графика пути: вмещают линии уровня и все пути при |B| = 1…64 и
#: зёрнах 0…9 (это проверяет tests/test_backprop.py), поэтому слайдеры не меняют масштаб.
PANEL_W_LIM = (-1.7, 3.5)
PANEL_B_LIM = (-3.0, 3.5)
_W_GRID = np.linspace(-1.5, 3.5, 40)
_B_GRID = np.linspace(-3.0, 3.0, 40)
_LOSS_GRID = linear_loss(np.stack(np.meshgrid(_W_GRID, _B_GRID), axis=-1), PANEL_X, PANEL_Y)


def _batch_label(size: int) -> str:
    return f"|B| = {size}" + (" (весь набор)" if size == len(PANEL_X) else "")


def _setup_batch_panel(fig, batch_size: int, seed: int) -> dict:
    n = len(PANEL_X)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.contour(_W_GRID, _B_GRID, _LOSS_GRID, levels=np.geomspace(0.1, 30, 9), colors="0.7",
                linewidths=0.7)
    lines = {}
    # the mini-batch run (red) first, the full batch (dark grey) on top, as sorted({|B|, n}) drew them
    for which, color, lw in (("mini", "C3", 0.8), ("full", "0.2", 1.2)):
        path, = ax1.plot([], [], "-", color=color, lw=lw)
        end, = ax1.plot([], [], "o", color=color, ms=4)
        loss, = ax2.semilogy([], [], color=color, lw=1)
        lines[which] = (path, end, loss)
    ax1.set_xlim(*PANEL_W_LIM)
    ax1.set_ylim(*PANEL_B_LIM)
    ax1.set_xlabel("ω")
    ax1.set_ylabel("b")
    ax1.set_title("путь параметров", fontsize=9)
    ax2.set_xlim(-0.05 * PANEL_EPOCHS, 1.05 * PANEL_EPOCHS)
    ax2.set_xlabel("эпоха")
    ax2.set_ylabel("потеря на всей выборке")
    ax2.set_title(_comma(f"η = {PANEL_LR};  n = {n}"), fontsize=9)
    ax2.set_ylim(0.05, 30)
    ax2.grid(alpha=0.3)
    return {"axes": (ax1, ax2), "lines": lines}


def _update_batch_panel(state: dict, batch_size: int, seed: int) -> list:
    n = len(PANEL_X)
    ax1, ax2 = state["axes"]
    shown = []
    for which, size in (("mini", batch_size), ("full", n)):
        path, end, loss = state["lines"][which]
        visible = which == "full" or size != n
        for artist in (path, end, loss):
            artist.set_visible(visible)
            artist.set_label(_batch_label(size))
        if visible:
            run = minibatch_descent(PANEL_X, PANEL_Y, size, lr=PANEL_LR, epochs=PANEL_EPOCHS, rng=seed)
            path.set_data(*run["path"].T)
            end.set_data([run["path"][-1, 0]], [run["path"][-1, 1]])
            loss.set_data(run["epoch"], run["loss"])
            shown.append(which)
    # The legends list one or two runs: they are built anew on each move (and drawn as moving
    # artists, above the lines).
    legend1 = ax1.legend(handles=[state["lines"][w][0] for w in shown], fontsize=7, loc="upper right")
    legend2 = ax2.legend(handles=[state["lines"][w][2] for w in shown], fontsize=7, loc="upper right")
    return [a for w in ("mini", "full") for a in state["lines"][w]] + [legend1, legend2]


widgets.register(widgets.Panel(
    key="ch04.batch",
    title="Размер батча |B|: чем он меньше, тем больше шагов за эпоху и тем шумнее путь",
    controls=(
        widgets.IntSlider("batch_size", "|B|", 1, 64, 1, 8),
        widgets.IntSlider("seed", "зерно", 0, 9, 1, 0),
    ),
    setup=_setup_batch_panel,
    update=_update_batch_panel,
    figsize=(8.0, 3.3),
    snapshots=({"batch_size": 1}, {"batch_size": 8}, {"batch_size": 32}),
    snapshot_figsize=(8.0, 3.0),
))
