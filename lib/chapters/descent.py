"""Градиентный спуск (глава 3): модельные функции потерь и траектории спуска.

Шаг градиентного спуска: θ_t = θ_{t−1} − η ∇L(θ_{t−1}) — градиент берётся в точке, где
мы стоим сейчас. Две модельные функции потерь параметра θ ∈ R^2:

* квадратичная L(θ) = ½ θᵀAθ с симметричной положительно определённой A (выпуклая «чаша»):
  спуск сходится к минимуму θ* = 0 при любом старте тогда и только тогда, когда
  0 < η < 2/λ_max(A);
* невыпуклая L(θ) = (θ₁² − 1)² + (θ₂² − 1)² + c₁θ₁ + c₂θ₂ с четырьмя локальными минимумами
  разной глубины и четырьмя седловыми точками: куда придёт спуск, зависит от точки старта.

Опыты с настоящей сетью (гессиан потери по всем параметрам) — в ``lib.chapters.descent_network``,
панели со слайдерами — в ``lib.figures.descent``.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validate import as_float_array, check_finite

__all__ = ["Quadratic", "NonConvex", "QUADRATICS", "NONCONVEX", "descent", "final_points", "implicit_descent",
           "losses_along", "contraction_factor", "directional_derivative", "descent_until",
           "momentum_descent", "nearest_minimum", "steps_to_shrink"]


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

    A: симметричная положительно определённая матрица формы (P, P). Минимум — θ* = 0,
    L(θ*) = 0. Методы ``loss`` и ``grad`` принимают θ формы (P,) или массив точек (..., P).
    ``eigenvalues`` — собственные значения λ по возрастанию, ``condition_number`` — κ = λ_max/λ_min.
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
    def condition_number(self) -> float:
        """Число обусловленности κ = λ_max / λ_min ≥ 1."""
        return self.lambda_max / self.lambda_min

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

    При |c| < 8/(3√3) у каждого слагаемого (ϑ² − 1)² + cϑ три критические точки — корни
    4ϑ³ − 4ϑ + c = 0: два минимума (около ϑ = ±1) и между ними максимум ϑ⁰ (``middle``, форма (2,)).
    У суммы девять критических точек: четыре локальных минимума разной глубины, четыре седловые
    точки (одна координата — ϑ⁰, другая — минимум) и максимум (ϑ₁⁰, ϑ₂⁰) около нуля.
    ∇L(θ) = (4θ₁(θ₁² − 1) + c₁, 4θ₂(θ₂² − 1) + c₂), гессиан diag(12θ₁² − 4, 12θ₂² − 4).
    ``minima`` и ``saddles`` — массивы (4, 2), отсортированные по значению L (``minima[0]`` —
    глобальный минимум).
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
        self.middle = np.array([roots[0][1], roots[1][1]])
        sad = np.array([[self.middle[0], r] for r in roots[1][[0, 2]]]
                       + [[r, self.middle[1]] for r in roots[0][[0, 2]]])
        self.saddles = sad[np.argsort(self.loss(sad))]
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
#: Две квадратичные чаши с одним и тем же λ_max = 4 (поэтому и граница 2/λ_max = 0.5 у них общая).
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


def final_points(grad, starts, lr: float, steps: int) -> np.ndarray:
    """Точки θ_steps спуска сразу из многих стартов: массив (k, p) стартов → массив (k, p).

    grad должна принимать массив точек (..., p) (так устроены ``Quadratic`` и ``NonConvex``);
    каждая строка делает ровно те же шаги θ_t = θ_{t−1} − η ∇L(θ_{t−1}), что и ``descent``.
    """
    lr = _check_lr(lr, "final_points")
    steps = _check_steps(steps, "final_points")
    theta = check_finite(as_float_array(starts, "starts"), "starts")
    if theta.ndim != 2:
        raise ValueError(f"final_points: старты — массив формы (k, p), получен массив формы {theta.shape}")
    for _ in range(steps):
        theta = theta - lr * np.asarray(grad(theta), dtype=float)
    return theta


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
    system = np.eye(q.dim) + lr * q.A        # (I + ηA) θ_t = θ_{t−1}
    out = [theta.copy()]
    for _ in range(steps):
        theta = np.linalg.solve(system, theta)
        out.append(theta.copy())
    return np.array(out)


def contraction_factor(A, lr: float) -> float:
    """Множитель сжатия ρ(η) = max_j |1 − ηλ_j| — норма матрицы шага I − ηA.

    На каждом шаге ‖θ_t − θ*‖ ≤ ρ ‖θ_{t−1} − θ*‖, с равенством для старта вдоль собственного
    вектора, на котором достигается максимум. Спуск на L = ½θᵀAθ сходится при любом старте
    ⇔ ρ < 1 ⇔ 0 < η < 2/λ_max.
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
    """Спуск с импульсом, как ``lib.optim.SGD(momentum=β)`` и ``torch.optim.SGD``.

    v_t = β v_{t−1} + ∇L(θ_{t−1}) (v_0 = 0), θ_t = θ_{t−1} − η v_t; β = ``momentum``.
    Возвращает массив (steps + 1, p).
    """
    lr = _check_lr(lr, "momentum_descent")
    steps = _check_steps(steps, "momentum_descent")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum_descent: коэффициент импульса β должен лежать в [0, 1), получено {momentum}")
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


def steps_to_shrink(trajectory, factor: float, center=None) -> int:
    """Первый шаг t, на котором ‖θ_t − θ*‖ < ‖θ_0 − θ*‖ / factor; −1, если такого нет.

    trajectory: массив (k + 1, p); center: θ* формы (p,) (по умолчанию 0).
    """
    traj = np.asarray(trajectory, dtype=float)
    c = np.zeros(traj.shape[1]) if center is None else np.asarray(center, dtype=float)
    norms = np.linalg.norm(traj - c, axis=1)
    hit = np.flatnonzero(norms < norms[0] / factor)
    return int(hit[0]) if hit.size else -1
