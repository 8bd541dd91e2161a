"""Глава 1: рисунки и панели со слайдерами.

Рисунки: схема нейрона, схема слоя d → H с подписанными весами ω_jh, ступенька и сигмоида,
логические функции одним нейроном, XOR двумя слоями, два облака точек. Панели ``ch01.neuron2d``,
``ch01.step1d``, ``ch01.xor_try`` регистрируются при импорте. Математика — в ``lib.chapters.neuron``."""

from __future__ import annotations

import numpy as np
from IPython.display import Image, display
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Circle
from matplotlib.ticker import FuncFormatter

from .. import widgets
from ..activations import sigmoid
from ..chapters import neuron as N

__all__ = ["draw_neuron", "draw_layer", "draw_step_and_sigmoid", "draw_logic", "draw_xor_network", "draw_clouds",
           "show"]

_FIELD_LIM = 3.0


def _ru(v: float) -> str:
    """A number for a label: decimal comma, true minus."""
    return f"{v:g}".replace(".", ",").replace("-", "−")


def _comma_ticks(axis) -> None:
    """Tick labels with a decimal comma and a true minus (0,5 rather than 0.5)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: _ru(round(v, 6) + 0.0)))


def show(fig) -> None:
    """Показывает готовую фигуру в блокноте картинкой PNG (как статичные рисунки панелей)."""
    display(Image(data=widgets.render_png(fig, widgets.STATIC_DPI)))


def _new(figsize, fig):
    return Figure(figsize=figsize, layout="constrained") if fig is None else fig


def _node(ax, xy, text, color="white", r=0.32, fontsize=12):
    ax.add_patch(Circle(xy, r, facecolor=color, edgecolor="black", lw=1.2, zorder=3))
    ax.text(*xy, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _edge(ax, a, b, label=None, frac=0.35, r=0.32, fontsize=10):
    a, b = np.asarray(a, float), np.asarray(b, float)
    u = (b - a) / np.linalg.norm(b - a)
    ax.annotate("", xy=tuple(b - r * u), xytext=tuple(a + r * u),
                arrowprops=dict(arrowstyle="-|>", color="0.3", lw=1.0), zorder=2)
    if label:
        p = a + frac * (b - a)
        ax.text(*p, label, fontsize=fontsize, ha="center", va="center", zorder=5,
                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"))


def draw_neuron(fig=None):
    """Схема нейрона: входы x_1 … x_d, веса ω_j на рёбрах, сумма z = xω + b, активация, ответ ŷ."""
    fig = _new((7.0, 3.0), fig)
    ax, s = fig.add_subplot(1, 1, 1), (3.0, 0.9)
    for y, j in zip([2.4, 1.4, -0.6], ["1", "2", "d"]):
        _node(ax, (0.0, y), f"$x_{j}$", color="#dbe9f6")
        _edge(ax, (0.0, y), s, f"$\\omega_{j}$", frac=0.45)
    ax.text(0.0, 0.45, "⋮", ha="center", va="center", fontsize=16)
    _node(ax, (3.0, 2.6), "1", color="0.92")
    _edge(ax, (3.0, 2.6), s, "$b$", frac=0.5)
    _node(ax, s, "Σ", color="#fde2c8", r=0.42, fontsize=15)
    ax.text(3.0, 0.15, "$z = x\\omega + b$", ha="center", va="top", fontsize=11)
    _node(ax, (5.0, 0.9), "σ", color="#fde2c8", r=0.42, fontsize=15)
    _edge(ax, s, (5.0, 0.9), "$z$", frac=0.5, r=0.42)
    ax.annotate("", xy=(6.6, 0.9), xytext=(5.42, 0.9), arrowprops=dict(arrowstyle="-|>", color="0.3"))
    ax.text(6.75, 0.9, "$\\hat y = \\sigma(z)$", ha="left", va="center", fontsize=12)
    ax.set(xlim=(-0.6, 8.2), ylim=(-1.1, 3.1), aspect="equal")
    ax.axis("off")
    return fig


def draw_layer(d: int = 3, H: int = 2, fig=None):
    """Схема слоя d → H: каждый вход x_j соединён с каждым нейроном h ребром с весом ω_jh.

    Справа — ответы a_h = σ(z_h), z_h = Σ_j x_j ω_jh + b_h; всего dH весов и H смещений.
    """
    fig = _new((7.5, 0.6 + 0.8 * max(d, H)), fig)
    ax = fig.add_subplot(1, 1, 1)
    yin, yout = (np.linspace(gap * (n - 1) / 2, -gap * (n - 1) / 2, n) for gap, n in ((1.2, d), (1.6, H)))
    for j, y in enumerate(yin, start=1):
        _node(ax, (0.0, y), f"$x_{j}$", color="#dbe9f6")
    for h, y in enumerate(yout, start=1):
        _node(ax, (4.0, y), "σ", color="#fde2c8")
        ax.annotate("", xy=(5.2, y), xytext=(4.32, y), arrowprops=dict(arrowstyle="-|>", color="0.3"))
        ax.text(5.3, y, f"$a_{h} = \\sigma(z_{h}),\\ z_{h} = \\sum_j x_j \\omega_{{j{h}}} + b_{h}$",
                ha="left", va="center", fontsize=10)
    for j, yj in enumerate(yin, start=1):
        for h, yh in enumerate(yout, start=1):
            _edge(ax, (0.0, yj), (4.0, yh), f"$\\omega_{{{j}{h}}}$", frac=0.27, fontsize=10)
    ax.set(xlim=(-0.6, 10.2), ylim=(min(yin[-1], yout[-1]) - 0.5, max(yin[0], yout[0]) + 0.5), aspect="equal")
    ax.axis("off")
    return fig


def draw_step_and_sigmoid(fig=None):
    """Слева ступенька 𝟙[z > 0] и сигмоида σ(z); справа σ(ωz) при ω = 1, 3, 10 — всё ближе к ступеньке."""
    fig = _new((8.0, 2.8), fig)
    (ax1, ax2), z = fig.subplots(1, 2, sharey=True), np.linspace(-6, 6, 601)
    ax1.plot(z, np.where(z == 0, np.nan, N.heaviside(z)), color="C3", lw=2, label="𝟙[z > 0]")  # no vertical jump
    ax1.plot(z, sigmoid(z), color="C0", lw=2, label="σ(z)")
    for w in (1.0, 3.0, 10.0):
        ax2.plot(z, sigmoid(w * z), lw=1.8, label=f"σ({_ru(w)}·z)" if w != 1 else "σ(z)")
    for ax in (ax1, ax2):
        ax.axhline(0.5, color="0.6", lw=0.8, ls="--")
        ax.set(xlabel="z", xticks=[-6, -3, 0, 3, 6], xticklabels=["−6", "−3", "0", "3", "6"])
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
    ax1.set_yticks([0, 0.5, 1], ["0", "0,5", "1"])
    return fig


def _boolean_axes(ax, targets, title, points=N.BOOLEAN_INPUTS):
    for (x1, x2), t in zip(points, targets):
        ax.scatter([x1], [x2], s=120, marker="o" if t else "X", color="C1" if t else "C0", edgecolor="black", zorder=3)
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xticks=[0, 1], yticks=[0, 1], xlabel="x₁", ylabel="x₂",
           aspect="equal")
    ax.set_title(title, fontsize=10)


_G = np.meshgrid(np.linspace(-0.5, 1.5, 201), np.linspace(-0.5, 1.5, 201))


def _half_plane(ax, w, b, **line_kw):
    """Shades the side xω + b > 0 of the square [−0.5, 1.5]² and draws the line xω + b = 0."""
    G1, G2 = _G
    ax.contourf(G1, G2, N.heaviside(G1 * w[0] + G2 * w[1] + b), levels=[-0.5, 0.5, 1.5], colors=["white", "#fde2c8"])
    seg = N.boundary_segment(w[0], w[1], b, lim=1.5)
    if seg is not None:
        ax.plot(*seg, color="black", lw=1.5, **line_kw)


def draw_logic(fig=None):
    """Четыре точки {0, 1}²: И и ИЛИ разделяются прямой нейрона (закрашена сторона ŷ = 1), XOR — нет."""
    fig = _new((9.0, 3.2), fig)
    axes = fig.subplots(1, 3)
    for ax, name in zip(axes[:2], ("И", "ИЛИ")):
        w, b = N.LOGIC_NEURONS[name]
        _half_plane(ax, w, b)
        _boolean_axes(ax, N.truth_table(w, b), f"{name}: ω = ({_ru(w[0])}; {_ru(w[1])}), b = {_ru(b)}")
    _boolean_axes(axes[2], N.XOR_TARGETS, "XOR: ни одна прямая не разделяет")
    return fig


def draw_xor_network(fig=None):
    """XOR двумя слоями. Слева: прямые скрытых нейронов ИЛИ и НЕ-И, закрашено, где сеть отвечает 1.

    Справа: те же четыре точки в координатах скрытого слоя (a₁, a₂) и прямая выходного нейрона И.
    """
    fig = _new((8.4, 3.4), fig)
    ax1, ax2 = fig.subplots(1, 2)
    G1, G2 = _G
    out = N.xor_network(np.column_stack([G1.ravel(), G2.ravel()]))[1].reshape(G1.shape)
    ax1.contourf(G1, G2, out, levels=[-0.5, 0.5, 1.5], colors=["white", "#fde2c8"])
    W1, b1 = N.XOR_HIDDEN
    for h, (name, ls) in enumerate((("ИЛИ", "-"), ("НЕ-И", "--"))):
        ax1.plot(*N.boundary_segment(W1[0, h], W1[1, h], b1[h], lim=1.5), color="black", lw=1.5, ls=ls,
                 label=f"нейрон {h + 1}: {name}")
    ax1.legend(loc="upper right", fontsize=7)
    _boolean_axes(ax1, N.XOR_TARGETS, "вход x: сеть отвечает 1 в полосе")
    a = N.xor_network(N.BOOLEAN_INPUTS)[0]
    _half_plane(ax2, *N.XOR_OUTPUT, label="выход: И")
    ax2.legend(loc="lower left", fontsize=7)
    _boolean_axes(ax2, N.XOR_TARGETS, "скрытый слой a: классы разделяет прямая", points=a)
    for k, ((x1, x2), (a1, a2)) in enumerate(zip(N.BOOLEAN_INPUTS, a)):
        ax2.annotate(f"x = ({x1:.0f}, {x2:.0f})", (a1, a2), xytext=(a1 - 0.3, a2 + 0.13 + 0.12 * (k == 2)), fontsize=7)
    ax2.set(xlabel="a₁ (ИЛИ)", ylabel="a₂ (НЕ-И)")
    return fig


def _setup_xor_try(fig, w1: float, w2: float, b: float) -> dict:
    ax = fig.add_subplot(1, 1, 1)
    shade = ax.imshow(np.zeros((201, 201)), extent=(-0.5, 1.5, -0.5, 1.5), origin="lower", vmin=0, vmax=1,
                      cmap=ListedColormap(["white", "#fde2c8"]), interpolation="nearest")
    _boolean_axes(ax, N.XOR_TARGETS, " ")           # the points are redrawn over the shading
    marks = [ax.text(x1 + 0.09, x2 + 0.09, "", fontsize=12) for x1, x2 in N.BOOLEAN_INPUTS]
    return {"ax": ax, "shade": shade, "line": ax.plot([], [], color="black", lw=1.5)[0], "marks": marks}


def _update_xor_try(state: dict, w1: float, w2: float, b: float) -> list:
    w, (G1, G2), ax = np.array([w1, w2]), _G, state["ax"]
    state["shade"].set_data(N.heaviside(G1 * w1 + G2 * w2 + b))
    state["line"].set_data(*(N.boundary_segment(w1, w2, b, lim=1.5) or ([], [])))
    for mark, ok in zip(state["marks"], N.truth_table(w, b) == N.XOR_TARGETS):
        mark.set(text="✓" if ok else "✗", color="green" if ok else "red")
    ax.title.set_text(f"XOR: верно {N.xor_correct(w, b)} из 4; закрашено — ответ 1")
    return [state["shade"], *ax.collections, state["line"], *state["marks"], ax.title]


def draw_clouds(X, y, w, b, fig=None, others=()):
    """Два облака точек, цветом — ответ нейрона σ(xω + b), линия — граница ŷ = 1/2, стрелка — ω.

    others: ещё прямые xω + b = 0 для сравнения, список [(ω, b, подпись), …] — цветной пунктир.
    """
    fig = _new((4.8, 4.0), fig)
    ax, lim = fig.add_subplot(1, 1, 1), (float(X.min()) - 0.5, float(X.max()) + 0.5)
    for k, marker in ((0, "X"), (1, "o")):
        ax.scatter(*X[y == k].T, s=16, marker=marker, color=f"C{k}", edgecolor="black", lw=0.4, label=f"класс {k}")
    G1, G2 = np.meshgrid(np.linspace(*lim, 201), np.linspace(*lim, 201))
    im = ax.imshow(sigmoid(G1 * w[0] + G2 * w[1] + b), extent=(*lim, *lim), origin="lower", cmap="RdBu_r",
                   vmin=0, vmax=1, alpha=0.55)
    _comma_ticks(fig.colorbar(im, ax=ax, label="ŷ = σ(xω + b)", shrink=0.85).ax.yaxis)
    reach = max(map(abs, lim))
    ax.plot(*N.boundary_segment(w[0], w[1], b, lim=reach), color="black", lw=1.5, label="ŷ = 1/2" if others else None)
    for n, (w_o, b_o, label) in enumerate(others, start=2):
        ax.plot(*N.boundary_segment(w_o[0], w_o[1], b_o, lim=reach), color=f"C{n}", lw=1.6, ls="--", label=label)
    p0 = -b * np.asarray(w) / (w @ w)
    ax.annotate("", xy=tuple(p0 + w / np.linalg.norm(w)), xytext=tuple(p0),
                arrowprops=dict(arrowstyle="-|>", color="black", lw=2))
    ax.set(xlim=lim, ylim=lim, xlabel="x₁", ylabel="x₂", aspect="equal")
    for axis in (ax.xaxis, ax.yaxis):
        _comma_ticks(axis)
    ax.legend(loc="upper left", fontsize=7 if others else 8)
    return fig


def _setup_neuron2d(fig, w1: float, w2: float, b: float) -> dict:
    lim, ax = _FIELD_LIM, fig.add_subplot(1, 1, 1)
    im = ax.imshow(np.zeros((81, 81)), extent=(-lim, lim, -lim, lim), origin="lower", cmap="RdBu_r",
                   vmin=0, vmax=1, interpolation="bilinear")
    _comma_ticks(fig.colorbar(im, ax=ax, label="ŷ = σ(xω + b)", shrink=0.9).ax.yaxis)
    line, = ax.plot([0.0, 0.0], [0.0, 0.0], color="black", lw=2, label="xω + b = 0")
    arrow = ax.annotate("", xy=(0.0, 0.0), xytext=(0.0, 0.0), arrowprops=dict(arrowstyle="-|>", color="black", lw=2))
    omega, legend = ax.text(0.0, 0.0, "ω", fontsize=12), ax.legend(loc="lower left", fontsize=8)
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="x₁", ylabel="x₂", aspect="equal")
    # The image covers the whole axes: the spines are redrawn over it on every frame.
    return {"image": im, "line": line, "arrow": arrow, "omega": omega, "legend": legend,
            "spines": list(ax.spines.values())}


def _update_neuron2d(state: dict, w1: float, w2: float, b: float) -> list:
    lim = _FIELD_LIM
    state["image"].set_data(N.neuron_field(w1, w2, b, lim=lim, resolution=81)[2])
    seg = N.boundary_segment(w1, w2, b, lim)
    for artist in (state["line"], state["legend"]):
        artist.set_visible(seg is not None)
    has_arrow = False
    if seg is not None:
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
    return [state["image"], state["line"], *state["spines"], state["arrow"], state["omega"], state["legend"]]


_STEP_X = np.linspace(-4, 4, 401)


def _setup_step1d(fig, w: float, b: float) -> dict:
    ax = fig.add_subplot(1, 1, 1)
    ax.axhline(0.5, color="0.6", lw=0.8, ls="--")
    curve, = ax.plot(_STEP_X, np.zeros_like(_STEP_X), lw=2, label="σ(ωx + b)")
    center = ax.axvline(0.0, color="C3", lw=1, ls=":", label="x₀ = −b/ω")
    label = ax.text(0.98, 0.05, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=9, color="C3")
    ax.set(ylim=(-0.05, 1.05), xlim=(-4, 4), xlabel="x", ylabel="ŷ")
    _comma_ticks(ax.yaxis)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return {"curve": curve, "center": center, "label": label}


def _update_step1d(state: dict, w: float, b: float) -> list:
    state["curve"].set_ydata(sigmoid(w * _STEP_X + b))
    x0 = N.step_center(w, b) if w != 0 else None
    visible = x0 is not None and -4 <= x0 <= 4
    state["center"].set_visible(visible)
    state["label"].set_visible(visible)
    if visible:
        state["center"].set_xdata([x0, x0])
        state["label"].set_text("x₀ = −b/ω = " + f"{x0 + 0.0:.2f}".replace(".", ",").replace("-", "−"))
    return [state["curve"], state["center"], state["label"]]


widgets.register(widgets.Panel(
    key="ch01.neuron2d",
    title="Нейрон с двумя входами: цвет — ответ σ(ω₁x₁ + ω₂x₂ + b), линия — где он равен 1/2",
    controls=tuple(widgets.FloatSlider(name, label, -3.0, 3.0, 0.1, value)
                   for name, label, value in (("w1", "ω₁", 1.0), ("w2", "ω₂", 0.5), ("b", "b", 0.0))),
    setup=_setup_neuron2d, update=_update_neuron2d, figsize=(5.2, 4.0),
    snapshots=({"w1": 1.0, "w2": 0.5, "b": 0.0}, {"w1": 1.0, "w2": 0.5, "b": -2.0},
               {"w1": 3.0, "w2": 1.5, "b": 0.0}, {"w1": -0.5, "w2": 1.0, "b": 1.0}),
    snapshot_figsize=(4.2, 3.2), snapshot_cols=2,
))

widgets.register(widgets.Panel(
    key="ch01.step1d",
    title="Один вход: σ(ωx + b) — ступенька в точке −b/ω, тем круче, чем больше ω",
    controls=(widgets.FloatSlider("w", "ω", -10.0, 10.0, 0.1, 1.0),
              widgets.FloatSlider("b", "b", -10.0, 10.0, 0.1, 0.0)),
    setup=_setup_step1d, update=_update_step1d, figsize=(6.0, 3.0),
    snapshots=({"w": 1.0, "b": -1.0}, {"w": 3.0, "b": -3.0}, {"w": 10.0, "b": -10.0}),
    snapshot_figsize=(6.0, 2.4),
))

widgets.register(widgets.Panel(
    key="ch01.xor_try",
    title="Один нейрон против XOR: подберите ω₁, ω₂, b — больше трёх точек из четырёх не выйдет",
    controls=tuple(widgets.FloatSlider(name, label, -3.0, 3.0, 0.1, value)
                   for name, label, value in (("w1", "ω₁", 1.0), ("w2", "ω₂", 1.0), ("b", "b", -0.5))),
    setup=_setup_xor_try, update=_update_xor_try, figsize=(4.2, 3.8),
    snapshots=({"w1": 1.0, "w2": 1.0, "b": -0.5}, {"w1": -1.0, "w2": -1.0, "b": 1.5},
               {"w1": 1.0, "w2": -1.0, "b": -0.5}, {"w1": 0.0, "w2": 0.0, "b": 1.0}),
    snapshot_figsize=(3.8, 3.4), snapshot_cols=2,
))
