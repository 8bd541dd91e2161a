"""Глава 8: рисунки (картинки цифр, кривые обучения, матрица ошибок) и панель «обучить заново».

Математика и опыты — в ``lib.chapters.digits``. Панель ``ch08.retrain`` регистрируется при
импорте модуля.
"""

from __future__ import annotations

import numpy as np

from .. import widgets
from .._validate import as_float_array, check_ndim
from ..chapters.digits import TrainResult, count_parameters, misclassified, train_cached

__all__ = ["plot_digits", "plot_history", "plot_confusion", "plot_misclassified", "PANEL_EPOCHS",
           "retrain_for_panel"]



def plot_digits(fig, images, titles, cols: int = 10, title_colors=None):
    """Сетка картинок 8×8 с подписями; ``fig`` — пустая Figure/SubFigure."""
    images = check_ndim(as_float_array(images, "images"), 3, "images", "(n, 8, 8)")
    n = len(images)
    if n == 0:
        ax = fig.add_subplot(1, 1, 1)
        ax.text(0.5, 0.5, "нет картинок", ha="center", va="center")
        ax.set_axis_off()
        return
    cols = min(cols, n)
    rows = -(-n // cols)
    axes = fig.subplots(rows, cols, squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if k < n:
            ax.imshow(images[k], cmap="gray_r", vmin=0, vmax=16 if images.max() > 1 else 1)
            color = title_colors[k] if title_colors is not None else "black"
            ax.set_title(titles[k], fontsize=9, color=color)


def plot_history(fig, history, title: str | None = None):
    """Кривые обучения: потеря и точность на обучении и валидации по эпохам."""
    ax_loss, ax_acc = fig.subplots(1, 2)
    epochs = np.arange(1, len(history["train_loss"]) + 1)
    ax_loss.plot(epochs, history["train_loss"], label="обучение")
    ax_loss.plot(epochs, history["val_loss"], label="валидация")
    ax_loss.set_xlabel("эпоха")
    ax_loss.set_ylabel("потеря L")
    ax_loss.set_yscale("log")
    ax_acc.plot(epochs, history["train_acc"], label="обучение")
    ax_acc.plot(epochs, history["val_acc"], label="валидация")
    ax_acc.set_xlabel("эпоха")
    ax_acc.set_ylabel("точность")
    ax_acc.set_ylim(min(0.8, min(history["val_acc"]) - 0.02), 1.005)
    from matplotlib.ticker import MaxNLocator

    for ax in (ax_loss, ax_acc):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return ax_loss, ax_acc


def plot_confusion(ax, C):
    """Матрица ошибок как картинка с числами в клетках; строки — истина, столбцы — ответ сети."""
    C = np.asarray(C)
    K = C.shape[0]
    ax.imshow(C, cmap="Blues")
    for i in range(K):
        for j in range(K):
            if C[i, j]:
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if C[i, j] > C.max() / 2 else "black")
    ax.set_xticks(range(K))
    ax.set_yticks(range(K))
    ax.set_xlabel("ответ сети ŷ")
    ax.set_ylabel("правильный класс y")
    return ax


def plot_misclassified(fig, images, y_true, y_pred, max_items: int = 20, cols: int = 10):
    """Картинки, на которых сеть ошиблась, с подписью «y → ŷ» (не больше ``max_items``)."""
    idx = misclassified(y_true, y_pred)[:max_items]
    titles = [f"{int(y_true[i])} → {int(y_pred[i])}" for i in idx]
    plot_digits(fig, np.asarray(images)[idx], titles, cols=cols, title_colors=["C3"] * len(idx))
    return idx


# --- panel: retrain with the reader's H, p, η ---------------------------------------------

#: Эпох обучения в панели: столько, чтобы пересчёт занимал доли секунды.
PANEL_EPOCHS = 15


def retrain_for_panel(hidden: int, p: float, lr: float) -> TrainResult:
    """Обучение для панели «обучить заново»: ``train_cached(hidden, p, lr, PANEL_EPOCHS)``, зерно 0.

    Тот же запомненный результат, что и в переборе гиперпараметров главы. Не меняйте модель.
    """
    return train_cached(int(hidden), float(p), float(lr), PANEL_EPOCHS, 0)


def _draw_retrain(fig, hidden: int, p: float, lr: float):
    result = retrain_for_panel(hidden, p, lr)
    best = int(np.argmin(result.history["val_loss"]))
    plot_history(fig, result.history,
                 title=(f"валидация: наименьшая потеря {result.history['val_loss'][best]:.3f} "
                        f"на эпохе {best + 1}, точность {100 * result.history['val_acc'][-1]:.1f} %; "
                        f"параметров {count_parameters(result.model)}").replace(".", ","))


widgets.register(widgets.Panel(
    key="ch08.retrain",
    title="Обучите сеть заново: число скрытых нейронов H, вероятность dropout p и шаг η",
    controls=(
        widgets.IntSlider("hidden", "H", 8, 128, 8, 64),
        widgets.FloatSlider("p", "p", 0.0, 0.6, 0.1, 0.2),
        widgets.FloatSlider("lr", "η", 0.01, 0.2, 0.01, 0.1),
    ),
    draw=_draw_retrain,
    figsize=(7.5, 3.0),
    snapshots=({"hidden": 64, "p": 0.2, "lr": 0.1},
               {"hidden": 8, "p": 0.6, "lr": 0.1},
               {"hidden": 64, "p": 0.2, "lr": 0.01}),
    snapshot_figsize=(7.5, 2.6),
    snapshot_cols=1,
    manual=True,
))
