"""Градиентный спуск (глава 3): функции потерь на плоскости, траектории спуска, панели.

Шаг градиентного спуска: θ_t = θ_{t−1} − η ∇L(θ_{t−1}) — градиент берётся в точке, где
мы стоим сейчас. Две модельные функции потерь параметра θ ∈ R^2:

* квадратичная L(θ) = ½ θᵀAθ с симметричной положительно определённой A (выпуклая «чаша»):
  спуск сходится к минимуму θ* = 0 при любом старте тогда и только тогда, когда
  0 < η < 2/λ_max(A);
* невыпуклая L(θ) = (θ₁² − 1)² + (θ₂² − 1)² + c₁θ₁ + c₂θ₂ с четырьмя локальными минимумами
  разной глубины: куда придёт спуск, зависит от точки старта.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import widgets
from ._validate import as_float_array, check_finite

__all__ = ["Quadratic", "NonConvex", "QUADRATICS", "NONCONVEX", "descent", "implicit_descent",
           "losses_along", "contraction_factor", "directional_derivative", "descent_until",
           "momentum_descent", "nearest_minimum"]


def _check_lr(lr, where: str) -> float:
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"{where}: скорость обучения η должна быть числом > 0, получено {lr!r}")
    return float(lr)


def _check_steps(steps, where: str) -> int:
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise ValueError(f"{where}: число шагов должно быть целым ≥ 0, получено {steps!r}")
    return int(steps)


def _check_point(theta, p: int, name: str = "theta0") -> np.ndarray:
    theta = check_finite(as_float_array(theta, name), name)
    if theta.shape != (p,):
        raise ValueError(f"{name}: ожидалась точка формы ({p},), получен массив формы {theta.shape}")
    return theta.copy()


class Quadratic:
    """Квадратичная функция потерь L(θ) = ½ θᵀAθ, её градиент ∇L(θ) = Aθ и гессиан A.

    A: симметричная положительно определённая матрица формы (p, p). Минимум — θ* = 0,
    L(θ*) = 0. Методы ``loss`` и ``grad`` принимают θ формы (p,) или массив точек (..., p).
    """

    def __init__(self, A, name: str = ""):
        A = check_finite(as_float_array(A, "A"), "A")
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise ValueError(f"Quadratic: A должна быть квадратной матрицей (p, p), получена форма {A.shape}")
        if not np.allclose(A, A.T, rtol=1e-12, atol=1e-12):
            raise ValueError("Quadratic: A должна быть симметричной (A = Aᵀ)")
        eig = np.linalg.eigvalsh(A)
        if eig[0] <= 0:
            raise ValueError(
                f"Quadratic: A должна быть положительно определённой, а её наименьшее собственное "
                f"значение равно {eig[0]:.4g}"
            )
        self.A = A
        self.name = name
        self.eigenvalues = eig                       # ascending: λ_min … λ_max
        self.minimum = np.zeros(A.shape[0])

    @property
    def dim(self) -> int:
        return self.A.shape[0]

    @property
    def lambda_max(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def lambda_min(self) -> float:
        return float(self.eigenvalues[0])

    @property
    def max_stable_lr(self) -> float:
        """Граница устойчивости 2/λ_max: спуск сходится при любом старте ⇔ 0 < η < 2/λ_max."""
        return 2.0 / self.lambda_max

    @property
    def best_lr(self) -> float:
        """η* = 2/(λ_min + λ_max): наименьший множитель сжатия (κ − 1)/(κ + 1), κ = λ_max/λ_min."""
        return 2.0 / (self.lambda_min + self.lambda_max)

    def loss(self, theta):
        theta = np.asarray(theta, dtype=float)
        return 0.5 * np.einsum("...i,ij,...j->...", theta, self.A, theta)

    def grad(self, theta):
        theta = np.asarray(theta, dtype=float)
        return theta @ self.A.T

    def __repr__(self) -> str:
        return f"Quadratic({self.name or 'A'}, λ = {np.round(self.eigenvalues, 4).tolist()})"


class NonConvex:
    """Невыпуклая функция L(θ) = (θ₁² − 1)² + (θ₂² − 1)² + c₁θ₁ + c₂θ₂ на плоскости.

    При |c| < 8/(3√3) у каждого слагаемого (t² − 1)² + ct два минимума (около t = ±1), а у
    суммы — четыре локальных минимума разной глубины, седловые точки и максимум около нуля.
    ∇L(θ) = (4θ₁(θ₁² − 1) + c₁, 4θ₂(θ₂² − 1) + c₂). ``minima`` — массив (4, 2), отсортированный
    по значению L (первый — глобальный минимум).
    """

    def __init__(self, c1: float = 0.3, c2: float = 0.15):
        bound = 8 / (3 * np.sqrt(3))
        if not (abs(c1) < bound and abs(c2) < bound):
            raise ValueError(f"NonConvex: нужно |c₁|, |c₂| < {bound:.3f}, получено c₁ = {c1}, c₂ = {c2}")
        self.c = np.array([c1, c2], dtype=float)
        roots = [np.sort(np.roots([4.0, 0.0, -4.0, c]).real) for c in self.c]  # 4t³ − 4t + c = 0
        # outer roots of each cubic are the minima of (t² − 1)² + ct; the middle one is a maximum
        mins = np.array([[r1, r2] for r1 in roots[0][[0, 2]] for r2 in roots[1][[0, 2]]])
        self.minima = mins[np.argsort(self.loss(mins))]
        self.dim = 2

    def loss(self, theta):
        theta = np.asarray(theta, dtype=float)
        return ((theta**2 - 1) ** 2).sum(axis=-1) + theta @ self.c

    def grad(self, theta):
        theta = np.asarray(theta, dtype=float)
        return 4 * theta * (theta**2 - 1) + self.c

    def hessian(self, theta):
        theta = np.asarray(theta, dtype=float)
        return np.diag(12 * theta**2 - 4)

    def __repr__(self) -> str:
        return f"NonConvex(c = {self.c.tolist()})"


def _rotation(deg: float) -> np.ndarray:
    a = np.deg2rad(deg)
    return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])


_R = _rotation(30.0)
#: Two quadratic bowls with the same λ_max = 4 (so the same bound 2/λ_max = 0.5).
QUADRATICS = {
    "elongated": Quadratic(_R @ np.diag([4.0, 0.4]) @ _R.T, "вытянутая чаша"),
    "round": Quadratic(np.diag([4.0, 4.0]), "круглая чаша"),
}
NONCONVEX = NonConvex(0.3, 0.15)


def descent(grad, theta0, lr: float, steps: int, blowup: float = 1e6) -> np.ndarray:
    """Траектория градиентного спуска θ_t = θ_{t−1} − η ∇L(θ_{t−1}), t = 1, …, steps.

    grad: функция θ (p,) → ∇L(θ) (p,); theta0: старт формы (p,); lr: η > 0; steps: число шагов.
    Возвращает массив (k + 1, p) точек θ_0, …, θ_k. Обычно k = steps; если ‖θ_t‖ превысила
    ``blowup`` (спуск расходится), траектория обрывается на этой точке, чтобы не получить
    переполнение.
    """
    lr = _check_lr(lr, "descent")
    steps = _check_steps(steps, "descent")
    theta = check_finite(as_float_array(theta0, "theta0"), "theta0")
    if theta.ndim != 1:
        raise ValueError(f"descent: старт theta0 — вектор формы (p,), получен массив формы {theta.shape}")
    theta = theta.copy()
    out = [theta.copy()]
    for _ in range(steps):
        theta = theta - lr * np.asarray(grad(theta), dtype=float)   # gradient at θ_{t−1}
        out.append(theta.copy())
        if not np.linalg.norm(theta) <= blowup:
            break
    return np.array(out)


def implicit_descent(A, theta0, lr: float, steps: int) -> np.ndarray:
    """Формула конспекта θ_t = θ_{t−1} − η ∇L(θ_t) для L = ½θᵀAθ, решённая относительно θ_t.

    Это уравнение (I + ηA)θ_t = θ_{t−1}: чтобы сделать шаг, нужно решать систему (для сети —
    нелинейную). Другой метод (неявный, «проксимальный»), не градиентный спуск.
    Возвращает массив (steps + 1, p).
    """
    q = A if isinstance(A, Quadratic) else Quadratic(A)
    lr = _check_lr(lr, "implicit_descent")
    steps = _check_steps(steps, "implicit_descent")
    theta = _check_point(theta0, q.dim)
    M = np.eye(q.dim) + lr * q.A
    out = [theta.copy()]
    for _ in range(steps):
        theta = np.linalg.solve(M, theta)
        out.append(theta.copy())
    return np.array(out)


def contraction_factor(A, lr: float) -> float:
    """Спектральный радиус ρ(I − ηA) = max_i |1 − ηλ_i|: ошибка θ_t − θ* ведёт себя как ρ^t.

    Спуск на L = ½θᵀAθ сходится при любом старте ⇔ ρ < 1 ⇔ 0 < η < 2/λ_max.
    """
    q = A if isinstance(A, Quadratic) else Quadratic(A)
    lr = _check_lr(lr, "contraction_factor")
    return float(np.max(np.abs(1 - lr * q.eigenvalues)))


def losses_along(loss, trajectory) -> np.ndarray:
    """Значения L(θ_t) вдоль траектории формы (k + 1, p): массив (k + 1,)."""
    return np.asarray(loss(np.asarray(trajectory, dtype=float)), dtype=float)


def directional_derivative(loss, theta, u, eps: float = 1e-6) -> float:
    """Производная L по направлению u в точке θ центральной разностью: (L(θ+εu) − L(θ−εu)) / 2ε.

    Для гладкой L она равна ⟨∇L(θ), u⟩.
    """
    theta = np.asarray(theta, dtype=float)
    u = np.asarray(u, dtype=float)
    if theta.shape != u.shape:
        raise ValueError(f"directional_derivative: формы θ {theta.shape} и u {u.shape} должны совпадать")
    return float((loss(theta + eps * u) - loss(theta - eps * u)) / (2 * eps))


def descent_until(grad, theta0, lr: float, tol: float, max_steps: int = 10_000):
    """Спуск с остановкой: пока ‖∇L(θ_{t})‖ ≥ tol и t < max_steps.

    Возвращает (траектория (k + 1, p), причина): причина — «градиент мал» или «лимит шагов».
    """
    lr = _check_lr(lr, "descent_until")
    max_steps = _check_steps(max_steps, "descent_until")
    if not tol > 0:
        raise ValueError(f"descent_until: порог tol должен быть > 0, получено {tol}")
    theta = as_float_array(theta0, "theta0").copy()
    out = [theta.copy()]
    for _ in range(max_steps):
        g = np.asarray(grad(theta), dtype=float)
        if np.linalg.norm(g) < tol:
            return np.array(out), "градиент мал"
        theta = theta - lr * g
        out.append(theta.copy())
    reason = "градиент мал" if np.linalg.norm(grad(theta)) < tol else "лимит шагов"
    return np.array(out), reason


def momentum_descent(grad, theta0, lr: float, momentum: float, steps: int) -> np.ndarray:
    """Спуск с моментом, как ``lib.optim.SGD(momentum=μ)`` и ``torch.optim.SGD``.

    v_t = μ v_{t−1} + ∇L(θ_{t−1}) (v_0 = 0), θ_t = θ_{t−1} − η v_t. Возвращает (steps + 1, p).
    """
    lr = _check_lr(lr, "momentum_descent")
    steps = _check_steps(steps, "momentum_descent")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum_descent: момент μ должен лежать в [0, 1), получено {momentum}")
    theta = as_float_array(theta0, "theta0").copy()
    v = np.zeros_like(theta)
    out = [theta.copy()]
    for _ in range(steps):
        v = momentum * v + np.asarray(grad(theta), dtype=float)
        theta = theta - lr * v
        out.append(theta.copy())
    return np.array(out)


def nearest_minimum(point, minima) -> tuple[int, float]:
    """Номер ближайшего минимума из массива (m, p) и расстояние до него."""
    d = np.linalg.norm(np.asarray(minima) - np.asarray(point), axis=1)
    i = int(np.argmin(d))
    return i, float(d[i])


# --- panels ---------------------------------------------------------------------------

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
    return f"{v:.2f}".replace("-", "−")


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
    state["title"].set_text(f"{verdict}: ρ = max|1 − ηλ| = {rho:.2f}{cut}"
                            f"\nграница 2/λ_max = {q.max_stable_lr:.2f}")
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
