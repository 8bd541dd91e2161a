"""Глава 7: рисунки и панели со слайдерами (прореженная сеть, кривые обучения).

Математика и опыты — в ``lib.chapters.overfitting``. Панели ``ch07.network`` и ``ch07.curves``
регистрируются при импорте модуля.
"""

from __future__ import annotations

import numpy as np

from .. import widgets
from ..chapters.overfitting import NOISE, D, run, thinned_masks

__all__ = ["draw_network", "draw_curves", "NETWORK_SIZES", "NETWORK_SNAPSHOTS", "WEIGHT_DECAYS"]


def _comma(text: str) -> str:
    """Russian number format in figure labels: decimal comma."""
    return text.replace(".", ",")


def draw_network(ax, layer_sizes, masks=None) -> None:
    """Рисует полносвязную сеть: кружки — нейроны, линии — веса.

    Выключенные нейроны (False в ``masks``) серые и зачёркнуты, их связи не рисуются:
    так выглядит «тонкая» сеть, через которую проходит один объект батча на одном шаге
    (у других объектов того же батча маски свои).
    """
    sizes = list(layer_sizes)
    if masks is None:
        masks = [np.ones(s, dtype=bool) for s in sizes]
    if [len(m) for m in masks] != sizes:
        raise ValueError(f"draw_network: размеры масок {[len(m) for m in masks]} не равны размерам слоёв {sizes}")
    _set_network_masks(_network_artists(ax, sizes), masks)


def _network_artists(ax, sizes) -> dict:
    """The still part of the network drawing (axes, ticks, limits) and its empty moving artists."""
    from matplotlib.collections import LineCollection

    top = max(sizes)
    # each layer is centred vertically
    pos = [np.column_stack([np.full(s, float(i)), np.arange(s)[::-1] - (s - 1) / 2]) for i, s in enumerate(sizes)]
    segments, ends = [], []
    for i in range(len(sizes) - 1):
        for j in range(sizes[i]):
            for k in range(sizes[i + 1]):
                segments.append((pos[i][j], pos[i + 1][k]))
                ends.append((i, j, k))
    dead = ax.add_collection(LineCollection([], colors="0.9", linewidths=0.5, zorder=1))
    live = ax.add_collection(LineCollection([], colors="C0", linewidths=0.8, alpha=0.6, zorder=2))
    xy = np.vstack(pos)
    kind = np.concatenate([np.full(s, 0 if i == 0 else (2 if i == len(sizes) - 1 else 1))
                           for i, s in enumerate(sizes)])
    # every neuron is one point of a single scatter; dropped ones get a white face and a grey edge
    neurons = ax.scatter(xy[:, 0], xy[:, 1], s=180, c="white", edgecolors="black", zorder=3)
    crosses = ax.scatter(xy[:, 0], xy[:, 1], s=90, c="0.5", marker="x", zorder=4)
    names = ["вход"] + [f"скрытый {i}" for i in range(1, len(sizes) - 1)] + ["выход"]
    ax.set_xticks(range(len(sizes)), names)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-top / 2 - 0.3, top / 2 + 0.3)
    return {"segments": np.array(segments), "ends": np.array(ends), "xy": xy,
            "colours": np.array(["C2", "C1", "C3"])[kind],          # input, hidden, output
            "dead": dead, "live": live, "neurons": neurons, "crosses": crosses}


def _set_network_masks(state: dict, masks) -> list:
    """Shows the thinned network of ``masks`` on the artists of ``_network_artists``; returns them."""
    i, j, k = state["ends"].T
    on_edge = np.array([masks[a][b] and masks[a + 1][c] for a, b, c in zip(i, j, k)], dtype=bool)
    state["dead"].set_segments(state["segments"][~on_edge])
    state["live"].set_segments(state["segments"][on_edge])
    on = np.concatenate(masks)
    state["neurons"].set_facecolor(np.where(on, state["colours"], "white"))
    state["neurons"].set_edgecolor(np.where(on, "black", "0.6"))
    state["crosses"].set_offsets(state["xy"][~on])
    return [state["dead"], state["live"], state["neurons"], state["crosses"]]


# --- panels ---------------------------------------------------------------------------

#: Сеть на рисунке: 3 входа, два скрытых слоя по 8 нейронов, 1 выход.
NETWORK_SIZES = (D, 8, 8, 1)
#: Положения панели для статичного рисунка: при p = 0,1 выбрана типичная маска (1–2 выключенных).
NETWORK_SNAPSHOTS = ({"p": 0.1, "seed": 1}, {"p": 0.5, "seed": 0}, {"p": 0.5, "seed": 1}, {"p": 0.8, "seed": 2})


def _setup_network_panel(fig, p: float, seed: int) -> dict:
    ax = fig.add_subplot(1, 1, 1)
    state = _network_artists(ax, NETWORK_SIZES)
    state["title"] = ax.set_title("", fontsize=9)
    return state


def _update_network_panel(state: dict, p: float, seed: int) -> list:
    masks = thinned_masks(NETWORK_SIZES, p, seed)
    hidden = np.concatenate(masks[1:-1])
    artists = _set_network_masks(state, masks)
    state["title"].set_text(_comma(f"выключено {int((~hidden).sum())} из {hidden.size} скрытых "
                                   f"(в среднем {p * hidden.size:.1f})"))
    return [*artists, state["title"]]


widgets.register(widgets.Panel(
    key="ch07.network",
    title="Dropout: «тонкая» сеть одного объекта на одном шаге — серые нейроны для него выключены",
    controls=(
        widgets.FloatSlider("p", "p", 0.0, 0.9, 0.05, 0.5),
        widgets.IntSlider("seed", "выборка маски", 0, 20, 1, 0),
    ),
    setup=_setup_network_panel,
    update=_update_network_panel,
    figsize=(5.0, 3.4),
    snapshots=NETWORK_SNAPSHOTS,
    snapshot_figsize=(4.0, 2.8),
    snapshot_cols=2,
))

#: Значения γ для панели с кривыми обучения.
WEIGHT_DECAYS = (("0", 0.0), ("0,001", 0.001), ("0,01", 0.01), ("0,03", 0.03))


def draw_curves(ax, p: float, weight_decay: float = 0.0, seed: int = 0, baseline: bool = True) -> dict:
    """Кривые обучающей и валидационной потери опыта ``run(p, weight_decay=γ, seed=seed)``.

    Пунктиром — та же сеть без регуляризации (если ``baseline``); точка — лучшая эпоха
    по валидации (там остановила бы ранняя остановка). Возвращает history опыта.
    """
    _, hist = run(p, weight_decay=weight_decay, seed=seed)
    if baseline and (p > 0 or weight_decay > 0):
        _, base = run(0.0, seed=seed)
        ax.plot(base["epoch"], base["train_loss"], color="C0", ls="--", lw=1, alpha=0.6,
                label="обучение, без регуляризации")
        ax.plot(base["epoch"], base["val_loss"], color="C3", ls="--", lw=1, alpha=0.6,
                label="валидация, без регуляризации")
    ax.plot(hist["epoch"], hist["train_loss"], color="C0", lw=2, label="обучающая выборка")
    ax.plot(hist["epoch"], hist["val_loss"], color="C3", lw=2, label="валидационная выборка")
    best = int(np.argmin(hist["val_loss"]))
    ax.plot(hist["epoch"][best], hist["val_loss"][best], "o", color="C3", ms=6)
    ax.axhline(NOISE**2, color="0.5", lw=0.8, ls=":", label=_comma(f"шум s² = {NOISE**2:.2f}"))
    ax.set_ylim(0.0, 0.5)
    ax.set_xlabel("эпоха")
    ax.set_ylabel("MSE")
    ax.grid(alpha=0.3)
    return hist


def _draw_curves_panel(fig, p: float, weight_decay: float):
    ax = fig.add_subplot(1, 1, 1)
    hist = draw_curves(ax, p, weight_decay)
    gap = hist["val_loss"][-1] - hist["train_loss"][-1]
    ax.set_title(_comma(f"разрыв после {hist['epoch'][-1]} эпох: {gap:.3f}"), fontsize=9)
    ax.legend(fontsize=7, loc="upper right")


widgets.register(widgets.Panel(
    key="ch07.curves",
    title="Кривые обучения широкой сети: dropout p и L2-регуляризация γ (пересчёт обучает сеть заново)",
    controls=(
        widgets.FloatSlider("p", "p", 0.0, 0.8, 0.1, 0.2),
        widgets.Dropdown("weight_decay", "γ (weight decay)", WEIGHT_DECAYS, 0.0),
    ),
    draw=_draw_curves_panel,
    figsize=(6.0, 3.6),
    snapshots=({"p": 0.0, "weight_decay": 0.0}, {"p": 0.2, "weight_decay": 0.0},
               {"p": 0.5, "weight_decay": 0.0}, {"p": 0.0, "weight_decay": 0.01}),
    snapshot_figsize=(4.2, 3.0),
    snapshot_cols=2,
    manual=True,
))
