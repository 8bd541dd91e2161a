"""Глава 6: рисунки и панели со слайдерами (потеря от вероятности, выброс, softmax).

Математика — в ``lib.chapters.loss_study`` и ``lib.chapters.loss_study_regression``. Панели
``ch06.prob_losses``, ``ch06.outlier`` и ``ch06.softmax`` регистрируются при импорте модуля.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from .. import widgets
from ..activations import log_softmax, softmax
from ..chapters.loss_study import bce_on_probability, grad_logit_bce, grad_logit_mse_sigmoid, softmax_ce_grad
from ..chapters.loss_study_regression import TRUE_B, TRUE_W, X_BASE, Y_BASE, outlier_fits

__all__ = ["plot_logit_gradients", "prob_losses", "softmax_panel_values"]


def _comma(x: float, digits: int) -> str:
    """A number for a figure label: Russian decimal comma and a true minus sign."""
    return f"{x:.{digits}f}".replace(".", ",").replace("-", "−")


def _comma_ticks(ax, x: bool = True) -> None:
    """Tick labels with a Russian decimal comma and a true minus sign (on the x axis too unless x=False)."""
    fmt = FuncFormatter(lambda v, _pos: f"{v:g}".replace(".", ",").replace("-", "−"))
    if x:
        ax.xaxis.set_major_formatter(fmt)
    ax.yaxis.set_major_formatter(fmt)


def prob_losses(p: float, y: int) -> dict:
    """Значения панели ``ch06.prob_losses``: BCE −log ŷ (при y = 1) или −log(1 − ŷ) (при y = 0) и квадрат
    ошибки (ŷ − y)² для предсказанной вероятности ŷ = ``p`` ∈ (0, 1) и метки y. Словарь bce, mse."""
    p_arr, y_arr = np.array([p], float), np.array([y], float)
    return {"bce": float(bce_on_probability(p_arr, y_arr)[0]), "mse": float((p - y) ** 2)}


def softmax_panel_values(z0: float, z1: float, z2: float, y: int) -> dict:
    """Значения панели ``ch06.softmax`` для логитов (z₀, z₁, z₂) и класса y ∈ {0, 1, 2}: y_hat — вероятности
    ŷ = softmax(z) (форма (3,)), ce = −log ŷ_y, grad = ŷ − onehot(y) (форма (3,))."""
    if y not in (0, 1, 2):
        raise ValueError(f"softmax_panel_values: класс y должен быть 0, 1 или 2, получено {y!r}")
    z = np.array([[z0, z1, z2]], float)
    return {"y_hat": softmax(z, axis=1)[0], "ce": float(-log_softmax(z, axis=1)[0, y]),
            "grad": softmax_ce_grad(z, np.array([y]))[0]}


def plot_logit_gradients(ax, y: int = 1, lim: float = 8.0):
    """Рисует ∂L/∂z для BCE и для MSE после сигмоиды при правильном ответе y (0 или 1)."""
    z = np.linspace(-lim, lim, 401)
    yy = np.full_like(z, float(y))
    ax.plot(z, grad_logit_bce(z, yy), lw=2, label="BCE: ŷ − y")
    ax.plot(z, grad_logit_mse_sigmoid(z, yy), lw=2, label="MSE после σ: 2(ŷ − y)·ŷ(1 − ŷ)")
    ax.axhline(0, color="0.6", lw=0.8)
    side = (-lim, -2.0) if y == 1 else (2.0, lim)
    ax.axvspan(*side, color="C3", alpha=0.08, label="уверенная ошибка")
    ax.set_xlabel("логит z")
    ax.set_ylabel("∂L/∂z")
    ax.set_title(f"Градиент по логиту при y = {y}", fontsize=10)
    ax.legend(fontsize=8, loc="lower right" if y == 1 else "upper left")
    ax.grid(alpha=0.3)
    _comma_ticks(ax)
    return ax



# --- panels ---------------------------------------------------------------------------

_P_GRID = np.linspace(0.005, 0.995, 199)

def _setup_prob_losses(fig, p: float) -> dict:
    ax = fig.add_subplot(1, 1, 1)
    points = []
    for y, ls_ in ((1, "-"), (0, "--")):
        yy = np.full_like(_P_GRID, float(y))
        ax.plot(_P_GRID, bce_on_probability(_P_GRID, yy), color="C0", ls=ls_, lw=2, label=f"BCE, y = {y}")
        ax.plot(_P_GRID, (_P_GRID - y) ** 2, color="C1", ls=ls_, lw=2, label=f"(ŷ − y)², y = {y}")
        points.append(ax.plot([p, p], [0.0, 0.0], "o", color="0.15", ms=5)[0])
    marker = ax.axvline(p, color="0.5", lw=0.8, ls=":")
    ax.set_xlabel("предсказанная вероятность ŷ")
    ax.set_ylabel("потеря L")
    ax.set_ylim(0, 5.5)
    ax.set_xlim(0, 1)
    ax.set_xticks([0.0, 0.25, 0.5, 0.75, 1.0])
    ax.set_yticks([0, 1, 2, 3, 4, 5])
    legend = ax.legend(fontsize=8, loc="upper center", ncol=2)
    ax.grid(alpha=0.3)
    _comma_ticks(ax)
    # legend entries in the order of the curves: BCE y=1, MSE y=1, BCE y=0, MSE y=0
    return {"points": points, "marker": marker, "legend": legend, "texts": legend.get_texts()}


def _update_prob_losses(state: dict, p: float) -> list:
    for i, y in enumerate((1, 0)):
        v = prob_losses(p, y)
        state["points"][i].set_data([p, p], [v["bce"], v["mse"]])
        state["texts"][2 * i].set_text(f"BCE, y = {y}: {_comma(v['bce'], 3)}")
        state["texts"][2 * i + 1].set_text(f"(ŷ − y)², y = {y}: {_comma(v['mse'], 3)}")
    state["marker"].set_xdata([p, p])
    return [*state["points"], state["marker"], state["legend"]]


widgets.register(widgets.Panel(
    key="ch06.prob_losses",
    title="Потеря при предсказанной вероятности ŷ: бинарная кросс-энтропия и квадрат ошибки",
    controls=(widgets.FloatSlider("p", "ŷ", 0.01, 0.99, 0.01, 0.7),),
    setup=_setup_prob_losses,
    update=_update_prob_losses,
    figsize=(6.0, 3.2),
    snapshots=({"p": 0.9}, {"p": 0.5}, {"p": 0.02}),
    snapshot_figsize=(6.0, 2.7),
))


_OUTLIER_GRID = np.array([0.0, 10.0])


def _fit_label(name: str, w: float, b: float) -> str:
    return f"{name}: ω = {_comma(w, 2)}, b = {_comma(b, 2)}"


def _setup_outlier(fig, x_out: float, size: float) -> dict:
    ax = fig.add_subplot(1, 1, 1)
    grid = _OUTLIER_GRID
    ax.plot(grid, TRUE_W * grid + TRUE_B, color="0.5", ls="--", lw=1, label="истинная прямая")
    fits = [ax.plot(grid, np.zeros_like(grid), color=color, lw=2, label=name)[0]
            for name, color in (("MSE", "C0"), ("MAE", "C1"))]
    # the data points are drawn over the fitted lines, as before: they are redrawn in every frame
    data = ax.plot(X_BASE, Y_BASE, "o", color="0.2", ms=4, label="данные")[0]
    outlier = ax.plot([x_out], [0.0], "o", color="C3", ms=7, label="выброс")[0]
    ax.set_xlim(-0.3, 10.3)
    ax.set_ylim(-21, 27)
    ax.set_xticks([0, 2, 4, 6, 8, 10])
    ax.set_yticks([-20, -10, 0, 10, 20])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    legend = ax.legend(fontsize=7, loc="upper left", ncol=2)
    ax.grid(alpha=0.3)
    _comma_ticks(ax)
    texts = legend.get_texts()
    return {"fits": fits, "data": data, "outlier": outlier, "legend": legend, "texts": (texts[1], texts[2])}


def _update_outlier(state: dict, x_out: float, size: float) -> list:
    f = outlier_fits(x_out, size)
    for line, text, name in zip(state["fits"], state["texts"], ("MSE", "MAE")):
        w, b = f[name.lower()]
        line.set_ydata(w * _OUTLIER_GRID + b)
        text.set_text(_fit_label(name, w, b))
    state["outlier"].set_data(f["x"][-1:], f["y"][-1:])
    return [*state["fits"], state["data"], state["outlier"], state["legend"]]


widgets.register(widgets.Panel(
    key="ch06.outlier",
    title="Один выброс: прямые по MSE (МНК) и по MAE",
    controls=(widgets.FloatSlider("x_out", "положение выброса x", 0.0, 10.0, 0.5, 8.0),
              widgets.FloatSlider("size", "величина выброса", -20.0, 20.0, 0.5, 15.0)),
    setup=_setup_outlier,
    update=_update_outlier,
    figsize=(6.4, 3.4),
    snapshots=({"x_out": 8.0, "size": 0.0}, {"x_out": 8.0, "size": 8.0},
               {"x_out": 8.0, "size": 20.0}, {"x_out": 0.0, "size": -20.0}),
    snapshot_figsize=(5.0, 3.0),
    snapshot_cols=2,
))


def _setup_softmax(fig, z0: float, z1: float, z2: float, y: int) -> dict:
    ax = fig.add_subplot(1, 1, 1)
    k = np.arange(3)
    probs = ax.bar(k - 0.2, np.zeros(3), width=0.38, color="C0")
    grads = ax.bar(k + 0.2, np.zeros(3), width=0.38, color="0.55")
    labels = [ax.text(j - 0.2, 0.03, "", ha="center", fontsize=8) for j in k]
    zero = ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlim(-0.6, 2.6)
    ax.set_ylim(-1.05, 1.5)
    ax.set_yticks([-1.0, -0.5, 0.0, 0.5, 1.0])
    ax.set_xticks(k, ["класс 0", "класс 1", "класс 2"])
    title = ax.set_title("", fontsize=10)
    handles = [Patch(color="C0", label=r"$\hat y_k$"), Patch(color="C1", label=r"$\hat y_y$ (класс y)"),
               Patch(color="0.55", label=r"$\partial L / \partial z_k$")]
    ax.legend(handles=handles, fontsize=8, loc="upper center", ncol=3)
    ax.grid(alpha=0.3, axis="y")
    _comma_ticks(ax, x=False)
    ax.set_axisbelow(True)          # the bars move and are drawn over the still grid
    return {"probs": list(probs), "grads": list(grads), "labels": labels, "zero": zero, "title": title}


def _update_softmax(state: dict, z0: float, z1: float, z2: float, y: int) -> list:
    v = softmax_panel_values(z0, z1, z2, y)
    for j in range(3):
        state["probs"][j].set_height(v["y_hat"][j])
        state["probs"][j].set_facecolor("C1" if j == y else "C0")
        state["grads"][j].set_height(v["grad"][j])
        state["labels"][j].set_y(v["y_hat"][j] + 0.03)
        state["labels"][j].set_text(_comma(v["y_hat"][j], 2))
    state["title"].set_text(f"кросс-энтропия $-\\log \\hat y_y$ = {_comma(v['ce'], 3)}")
    return [*state["probs"], *state["grads"], state["zero"], *state["labels"], state["title"]]


widgets.register(widgets.Panel(
    key="ch06.softmax",
    title="Логиты → вероятности softmax и кросс-энтропия (оранжевый — правильный класс y)",
    controls=(widgets.FloatSlider("z0", "z₀", -5.0, 5.0, 0.1, 2.0),
              widgets.FloatSlider("z1", "z₁", -5.0, 5.0, 0.1, 1.0),
              widgets.FloatSlider("z2", "z₂", -5.0, 5.0, 0.1, -1.0),
              widgets.Dropdown("y", "правильный класс y", (("0", 0), ("1", 1), ("2", 2)), 0)),
    setup=_setup_softmax,
    update=_update_softmax,
    figsize=(5.6, 3.4),
    snapshots=({"z0": 2.0, "z1": 1.0, "z2": -1.0, "y": 0}, {"z0": 2.0, "z1": 1.0, "z2": -1.0, "y": 2},
               {"z0": 4.0, "z1": 4.0, "z2": 4.0, "y": 0}, {"z0": -2.0, "z1": 0.0, "z2": 5.0, "y": 2}),
    snapshot_figsize=(4.2, 3.0),
    snapshot_cols=2,
))
