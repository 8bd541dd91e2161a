"""lib.chapters.descent_network and the answers that chapter 3's exercises state (moved out of the notebook)."""

from __future__ import annotations

import numpy as np
import pytest

from lib import nn
from lib.chapters import descent as D
from lib.chapters import descent_network as N
from lib.data import noisy_function
from lib.gradcheck import numerical_gradient
from lib.homework import check
from lib.optim import SGD

X, Y = noisy_function(np.sin, n=32, noise=0.1, low=-3.0, high=3.0, rng=0)


def _net():
    return nn.Sequential(nn.Linear(1, 4, rng=1), nn.Sigmoid(), nn.Linear(4, 1, rng=2))


def test_flat_parameters_round_trip_in_parameter_order():
    net = _net()
    theta = N.flat_parameters(net)
    assert theta.shape == (1 * 4 + 4 + 4 + 1,)
    np.testing.assert_array_equal(theta[:4], net[0].W.data.ravel())
    other = _net()
    N.set_flat_parameters(other, theta + 1.0)
    np.testing.assert_array_equal(N.flat_parameters(other), theta + 1.0)
    with pytest.raises(ValueError, match="P = 13"):
        N.set_flat_parameters(other, np.zeros(12))


def test_flat_gradient_matches_finite_differences():
    net, loss_fn = _net(), nn.MSELoss()
    theta = N.flat_parameters(net)

    def loss_at(v):
        N.set_flat_parameters(net, v)
        return loss_fn(net(X), Y)

    np.testing.assert_allclose(N.flat_gradient(net, loss_fn, X, Y, theta), numerical_gradient(loss_at, theta),
                               rtol=1e-5, atol=1e-9)


def test_numerical_hessian_of_a_quadratic_is_its_matrix():
    q = D.QUADRATICS["elongated"]
    np.testing.assert_allclose(N.numerical_hessian(q.grad, np.array([0.3, -1.0])), q.A, atol=1e-8)
    f = D.NONCONVEX
    theta = np.array([0.4, -1.2])
    np.testing.assert_allclose(N.numerical_hessian(f.grad, theta), f.hessian(theta), atol=1e-6)
    with pytest.raises(ValueError, match="ε"):
        N.numerical_hessian(q.grad, np.zeros(2), eps=0.0)


def test_linear_mse_hessian_is_the_hessian_of_the_neuron_loss():
    rng = np.random.default_rng(0)
    Xl, yl = rng.standard_normal((20, 3)), rng.standard_normal(20)
    Xt = np.hstack([Xl, np.ones((20, 1))])
    grad = lambda th: 2 / 20 * Xt.T @ (Xt @ th - yl)          # noqa: E731
    np.testing.assert_allclose(N.linear_mse_hessian(Xl), N.numerical_hessian(grad, rng.standard_normal(4)),
                               atol=1e-8)
    with pytest.raises(ValueError, match="матрица"):
        N.linear_mse_hessian(np.ones(5))


def test_full_batch_descent_is_sgd_on_the_whole_sample():
    losses, points = N.full_batch_descent(_net(), nn.MSELoss(), X, Y, lr=0.3, steps=5)
    assert losses.shape == (6,) and points.shape == (6, 13)
    net, loss_fn = _net(), nn.MSELoss()
    for t in range(5):
        g = N.flat_gradient(net, loss_fn, X, Y, points[t])
        np.testing.assert_allclose(points[t + 1], points[t] - 0.3 * g, rtol=1e-12, atol=1e-15)
        N.set_flat_parameters(net, points[t + 1])
        assert np.isclose(losses[t + 1], loss_fn(net(X), Y), rtol=1e-12)
    with pytest.raises(ValueError, match="целым"):
        N.full_batch_descent(_net(), nn.MSELoss(), X, Y, lr=0.3, steps=2.5)


def test_final_points_equal_descent_row_by_row():
    f = D.NONCONVEX
    starts = np.random.default_rng(1).uniform(-1.9, 1.9, (7, 2))
    ends = D.final_points(f.grad, starts, 0.05, 50)
    for s, e in zip(starts, ends):
        np.testing.assert_allclose(e, D.descent(f.grad, s, 0.05, 50)[-1], rtol=1e-13, atol=1e-15)
    with pytest.raises(ValueError, match=r"\(k, p\)"):
        D.final_points(f.grad, np.zeros(2), 0.05, 5)


def test_saddles_and_middle_roots():
    f = D.NONCONVEX
    for s in f.saddles:
        np.testing.assert_allclose(f.grad(s), 0, atol=1e-12)
        lam = np.linalg.eigvalsh(f.hessian(s))
        assert lam[0] < 0 < lam[1]
    np.testing.assert_allclose(4 * f.middle**3 - 4 * f.middle + f.c, 0, atol=1e-12)
    assert np.all(np.linalg.eigvalsh(f.hessian(f.middle)) < 0)      # the maximum near the origin


def test_steps_to_shrink():
    traj = np.array([[4.0, 0.0], [2.0, 0.0], [1.0, 0.0], [0.5, 0.0]])
    assert D.steps_to_shrink(traj, 3.0) == 2 and D.steps_to_shrink(traj, 100.0) == -1
    assert D.steps_to_shrink(traj + 1.0, 3.0, center=[1.0, 1.0]) == 2


# --- the answers stated in the solutions of chapter 3 -----------------------------------------

def test_gd_step_solution_is_the_mse_gradient_step():
    def solution(w, b, X, y, lr):
        r = X @ w + b - y
        n = len(y)
        return w - lr * 2 / n * X.T @ r, b - lr * 2 / n * r.sum()

    assert check("ch03.step", solution).ok
    rng = np.random.default_rng(11)
    Xe, ye, we, be = rng.standard_normal((7, 3)), rng.standard_normal(7), rng.standard_normal(3), 0.4
    mse = lambda v: np.mean((Xe @ v[:3] + v[3] - ye) ** 2)    # noqa: E731
    w_new, b_new = solution(we, be, Xe, ye, 1.0)
    np.testing.assert_allclose(np.r_[we - w_new, be - b_new], numerical_gradient(mse, np.r_[we, be]), rtol=1e-6)


def test_max_lr_exercise_answers():
    assert check("ch03.max_lr", lambda A: 2 / np.linalg.eigvalsh(A)[-1]).ok
    q = D.Quadratic(np.array([[3.0, 1.0], [1.0, 3.0]]))
    np.testing.assert_allclose(q.eigenvalues, [2.0, 4.0])
    assert np.isclose(q.max_stable_lr, 0.5) and np.isclose(q.best_lr, 1 / 3)
    assert np.isclose(D.contraction_factor(q, 1 / 3), 1 / 3)
    assert np.linalg.norm(D.descent(q.grad, [1.0, 0.0], 0.6, 200)[-1]) > 1e6    # η = 0.6 < 2/3 diverges


def test_momentum_exercise_answers():
    q = D.QUADRATICS["elongated"]
    lmax, lmin = q.lambda_max, q.lambda_min
    kappa = lmax / lmin
    eta = 4 / (np.sqrt(lmax) + np.sqrt(lmin)) ** 2
    beta = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    traj = D.momentum_descent(q.grad, [2.0, 1.0], eta, beta, 300)
    p = nn.Parameter(np.array([2.0, 1.0]))
    opt = SGD([p], lr=eta, momentum=beta)
    for t in range(1, 301):
        opt.zero_grad()
        p.grad += q.grad(p.data)
        opt.step()
        np.testing.assert_allclose(p.data, traj[t], rtol=1e-9, atol=1e-300)
    assert eta > q.max_stable_lr                                   # "this η exceeds 2/λ_max"
    steps_gd = D.steps_to_shrink(D.descent(q.grad, [2.0, 1.0], q.best_lr, 300), 1e6)
    steps_m = D.steps_to_shrink(traj, 1e6)
    assert (steps_gd, steps_m) == (69, 27)                         # the numbers of the solution
    assert np.isclose((kappa - 1) / (kappa + 1), 0.82, atol=0.005) and np.isclose(np.sqrt(beta), 0.52, atol=0.005)
    assert round(np.log(1e6) / np.log(1 / np.sqrt(beta))) == 21    # "≈ 21 steps by the factor alone"
    # along each eigenvector of A the pair (θ_t, θ_{t−1}) is multiplied by [[1 + β − ηλ, −β], [1, 0]];
    # at these η, β it has a double eigenvalue, +√β along q_min and −√β along q_max (a Jordan block),
    # hence the t·(√β)^t decay; the double root is (1 + β − ηλ)/2, so its sign is read off exactly
    for lam, sign in ((lmin, 1.0), (lmax, -1.0)):
        T = np.array([[1 + beta - eta * lam, -beta], [1.0, 0.0]])
        np.testing.assert_allclose(np.abs(np.linalg.eigvals(T)), np.sqrt(beta), rtol=1e-6)
        assert np.isclose((1 + beta - eta * lam) / 2, sign * np.sqrt(beta), rtol=1e-12)
        assert not np.allclose(T, np.sqrt(beta) * np.eye(2)) and abs((1 + beta - eta * lam) ** 2 - 4 * beta) < 1e-12
    errs = np.linalg.norm(traj, axis=1)
    t = np.arange(150, 301)
    ratio = errs[t] / (t * np.sqrt(beta) ** t)                       # t·(√β)^t up to a constant
    assert ratio.max() / ratio.min() < 1.1


@pytest.mark.parametrize("a", [0.5, 2.0, 10.0])
def test_implicit_exercise_answers(a):
    q = D.Quadratic([[a]])
    for eta in [0.1, 1.0, 100.0]:
        imp = D.implicit_descent(q, [1.0], eta, 50)
        np.testing.assert_allclose(imp[1:, 0], imp[:-1, 0] / (1 + eta * a), rtol=1e-13)
        assert abs(imp[-1, 0]) < 1
        explicit = D.descent(q.grad, [1.0], eta, 50)
        assert (abs(explicit[-1, 0]) < 1) == (eta < 2 / a)     # the explicit step converges only for η < 2/a
