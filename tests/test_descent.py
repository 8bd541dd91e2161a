"""lib.chapters.descent and lib.figures.descent (chapter 3): descent on a quadratic and a non-convex loss, the panels."""

from __future__ import annotations

import numpy as np
import pytest
from book import panel_figure

from lib import nn, widgets
from lib.chapters import descent as D
from lib.figures import descent as descent_fig  # noqa: F401  (registers the ch03 panels)
from lib.gradcheck import numerical_gradient
from lib.optim import SGD

RNG = np.random.default_rng(3)
SURFACES = [*D.QUADRATICS.values(), D.NONCONVEX]


@pytest.mark.parametrize("f", SURFACES, ids=repr)
def test_gradients_match_finite_differences(f):
    for theta in RNG.uniform(-2, 2, (5, 2)):
        np.testing.assert_allclose(f.grad(theta), numerical_gradient(f.loss, theta), atol=1e-6)


def test_grid_evaluation_equals_pointwise():
    for f in SURFACES:
        pts = RNG.uniform(-2, 2, (3, 4, 2))
        np.testing.assert_allclose(f.loss(pts), [[f.loss(p) for p in row] for row in pts])


def test_descent_is_the_update_with_gradient_at_previous_point():
    q = D.QUADRATICS["elongated"]
    traj = D.descent(q.grad, [1.0, -2.0], 0.1, 5)
    assert traj.shape == (6, 2)
    for prev, cur in zip(traj, traj[1:]):
        np.testing.assert_allclose(cur, prev - 0.1 * q.A @ prev, rtol=1e-14)
    # closed form θ_t = (I − ηA)^t θ_0
    M = np.eye(2) - 0.1 * q.A
    np.testing.assert_allclose(traj[-1], np.linalg.matrix_power(M, 5) @ traj[0], rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_convergence_exactly_below_two_over_lambda_max(seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    q = D.Quadratic(Q @ np.diag(rng.uniform(0.2, 6.0, 3)) @ Q.T)
    theta0 = rng.standard_normal(3)
    bound = q.max_stable_lr
    for factor in (0.1, 0.5, 0.9, 0.99):
        traj = D.descent(q.grad, theta0, factor * bound, 4000)
        assert np.linalg.norm(traj[-1]) < 1e-3 * np.linalg.norm(theta0), factor
        assert D.contraction_factor(q, factor * bound) < 1
    for factor in (1.01, 1.1, 2.0):
        traj = D.descent(q.grad, theta0, factor * bound, 4000)
        assert np.linalg.norm(traj[-1]) > 1e3 * np.linalg.norm(theta0), factor
        assert D.contraction_factor(q, factor * bound) > 1


def test_at_the_bound_the_top_component_oscillates_forever():
    q = D.QUADRATICS["elongated"]
    v = np.linalg.eigh(q.A)[1][:, -1]                 # eigenvector of λ_max
    traj = D.descent(q.grad, v, q.max_stable_lr, 101)
    np.testing.assert_allclose(traj[1::2], -traj[0:-1:2], atol=1e-12)   # θ_t = −θ_{t−1}
    assert np.isclose(D.contraction_factor(q, q.max_stable_lr), 1.0)


def test_best_lr_minimises_the_contraction_factor():
    q = D.QUADRATICS["elongated"]
    etas = np.linspace(0.01, q.max_stable_lr - 1e-3, 2001)
    rhos = [D.contraction_factor(q, e) for e in etas]
    assert abs(etas[int(np.argmin(rhos))] - q.best_lr) < 2 * (etas[1] - etas[0])
    kappa = q.lambda_max / q.lambda_min
    assert np.isclose(D.contraction_factor(q, q.best_lr), (kappa - 1) / (kappa + 1))


def test_implicit_formula_of_the_notes_is_a_different_method():
    q = D.QUADRATICS["elongated"]
    eta = 1.1 * q.max_stable_lr
    explicit = D.descent(q.grad, [1.0, 1.0], eta, 60)
    implicit = D.implicit_descent(q, [1.0, 1.0], eta, 60)
    assert np.linalg.norm(explicit[-1]) > 10 and np.linalg.norm(implicit[-1]) < 1e-2
    for prev, cur in zip(implicit, implicit[1:]):                     # θ_t = θ_{t−1} − η∇L(θ_t)
        np.testing.assert_allclose(cur, prev - eta * q.grad(cur), atol=1e-12)


def test_antigradient_is_the_steepest_descent_direction():
    f = D.NONCONVEX
    theta = np.array([0.4, -0.3])
    g = f.grad(theta)
    angles = np.linspace(0, 2 * np.pi, 721)[:-1]
    dd = [D.directional_derivative(f.loss, theta, np.array([np.cos(a), np.sin(a)])) for a in angles]
    best = angles[int(np.argmin(dd))]
    u_best = np.array([np.cos(best), np.sin(best)])
    assert u_best @ (-g / np.linalg.norm(g)) > np.cos(np.deg2rad(0.6))
    assert np.isclose(min(dd), -np.linalg.norm(g), rtol=1e-4)
    np.testing.assert_allclose(dd, [g @ [np.cos(a), np.sin(a)] for a in angles], atol=1e-6)


def test_nonconvex_minima_are_minima_with_different_values():
    f = D.NONCONVEX
    assert f.minima.shape == (4, 2)
    for m in f.minima:
        np.testing.assert_allclose(f.grad(m), 0, atol=1e-10)
        assert np.all(np.linalg.eigvalsh(f.hessian(m)) > 0)
    values = f.loss(f.minima)
    assert np.all(np.diff(values) > 0.1)


def test_different_starts_reach_different_minima():
    f = D.NONCONVEX
    reached = set()
    for start in ([0.3, 0.3], [-0.3, 0.3], [0.3, -0.3], [-0.3, -0.3]):
        end = D.descent(f.grad, start, 0.05, 500)[-1]
        i, dist = D.nearest_minimum(end, f.minima)
        assert dist < 1e-8
        reached.add(i)
    assert reached == {0, 1, 2, 3}


def test_stopping_rule_bounds_the_distance_on_a_quadratic():
    q = D.QUADRATICS["elongated"]
    for tol in (1e-1, 1e-3, 1e-6):
        traj, reason = D.descent_until(q.grad, [2.0, -1.0], 0.2, tol)
        assert reason == "градиент мал"
        assert np.linalg.norm(q.grad(traj[-1])) < tol
        assert np.linalg.norm(traj[-1]) <= tol / q.lambda_min     # ‖Aθ‖ ≥ λ_min‖θ‖
    _, reason = D.descent_until(q.grad, [2.0, -1.0], 0.2, 1e-12, max_steps=3)
    assert reason == "лимит шагов"


def test_momentum_descent_matches_lib_sgd():
    q = D.QUADRATICS["elongated"]
    traj = D.momentum_descent(q.grad, [2.0, 1.0], 0.1, 0.8, 30)
    p = nn.Parameter(np.array([2.0, 1.0]))
    opt = SGD([p], lr=0.1, momentum=0.8)
    for t in range(1, 31):
        opt.zero_grad()
        p.grad += q.grad(p.data)
        opt.step()
        np.testing.assert_allclose(p.data, traj[t], rtol=1e-12)


def test_descent_stops_when_it_blows_up_without_overflow():
    with np.errstate(over="raise", invalid="raise"):
        traj = D.descent(D.NONCONVEX.grad, [1.9, 1.9], 5.0, 100, blowup=1e3)
    assert len(traj) < 101 and np.linalg.norm(traj[-1]) > 1e3 and np.all(np.isfinite(traj))


def test_bad_input_is_rejected_in_russian():
    with pytest.raises(ValueError, match="положительно определённой"):
        D.Quadratic(np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match="симметричной"):
        D.Quadratic(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"квадратной.*\(2, 3\)"):
        D.Quadratic(np.ones((2, 3)))
    with pytest.raises(ValueError, match="η должна быть числом > 0"):
        D.descent(D.NONCONVEX.grad, [0.0, 0.0], -0.1, 5)
    with pytest.raises(ValueError, match="целым ≥ 0"):
        D.descent(D.NONCONVEX.grad, [0.0, 0.0], 0.1, 2.5)
    with pytest.raises(ValueError, match=r"формы \(p,\), получен массив формы \(1, 2\)"):
        D.descent(D.NONCONVEX.grad, [[0.0, 0.0]], 0.1, 5)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        D.momentum_descent(D.NONCONVEX.grad, [0.0, 0.0], 0.1, 1.0, 5)


# --- the panels over their slider grids --------------------------------------------------

def _title(ax) -> str:
    """The changing title of a blitted panel: a text at the title's place (the title proper is a
    transparent placeholder that keeps room for it in the layout)."""
    (text,) = ax.texts
    return text.get_text()


@pytest.mark.parametrize("values", widgets.get("ch03.quadratic").grid(3), ids=str)
def test_quadratic_panel_trajectory_obeys_the_bound(values):
    q = D.QUADRATICS[values["bowl"]]
    theta0 = np.array([values["x0"], values["y0"]])
    traj = D.descent(q.grad, theta0, values["lr"], values["steps"])
    rho = D.contraction_factor(q, values["lr"])
    # the error never grows faster than ρ per step, and shrinks at least that fast
    norms = np.linalg.norm(traj, axis=1)
    assert np.all(norms[1:] <= rho * norms[:-1] * (1 + 1e-12) + 1e-300)
    if values["lr"] < q.max_stable_lr:
        assert rho < 1 and (norms[-1] < norms[0] or norms[0] == 0)
    else:
        assert rho > 1
    fig = panel_figure("ch03.quadratic", **values)
    ax_path, ax_loss = fig.axes
    lg = ax_loss.get_lines()[0].get_ydata()
    np.testing.assert_allclose(lg, np.log10(np.maximum(D.losses_along(q.loss, traj), 1e-20)))
    # the fixed limits of the blitted panel hold the whole curve at every slider position
    lo, hi = ax_loss.get_ylim()
    assert lo < lg.min() and lg.max() < hi and ax_loss.get_xlim()[1] > len(lg) - 1
    assert ("не сходится" in _title(ax_loss)) == (rho >= 1)


@pytest.mark.parametrize("values", widgets.get("ch03.nonconvex").grid(3), ids=str)
def test_nonconvex_panel_small_steps_decrease_the_loss(values):
    f = D.NONCONVEX
    traj = D.descent(f.grad, np.array([values["x0"], values["y0"]]), values["lr"], values["steps"],
                     blowup=1e3)
    assert np.all(np.isfinite(traj))
    losses = D.losses_along(f.loss, traj)
    if values["lr"] <= 0.05:          # below 2/max curvature on the path: monotone descent
        assert np.all(np.diff(losses) <= 1e-12)
    fig = panel_figure("ch03.nonconvex", **values)
    title = _title(fig.axes[1])
    i, dist = D.nearest_minimum(traj[-1], f.minima)
    assert ("пришли" in title) == (dist < 0.05)
    if dist < 0.05:
        assert ("глобальный" in title.split("\n")[0]) == (i == 0)
