"""Chapter 4, mini-batches (lib.chapters.minibatch, panel ch04.batch) and the answers of the exercises."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lib import nn, widgets
from lib.autograd import Value
from lib.chapters import backprop_cost, minibatch
from lib.chapters import digits as digits_chapter
from lib.data import batches
from lib.figures import backprop as backprop_fig
from lib.optim import SGD


def test_steps_per_epoch_is_the_number_of_batches_lib_data_cuts():
    x = np.arange(1079.0).reshape(-1, 1)
    for n, B in ((200, 32), (200, 200), (200, 1), (17, 5), (1079, 32)):
        sizes = [len(xb) for xb, _ in batches(x[:n], x[:n], batch_size=B, rng=0)]
        assert len(sizes) == minibatch.steps_per_epoch(n, B) == math.ceil(n / B)
        assert sum(sizes) == n and all(s == B for s in sizes[:-1])
    with pytest.raises(ValueError):
        minibatch.steps_per_epoch(10, 0)


def test_digits_train_size_is_chapter_8s_training_set():
    assert minibatch.digits_train_size(0) == len(digits_chapter.digits_data(0)["y_train"]) == 1079


def test_exercise_steps_answers():
    """Solution of ex-ch04-steps, computed from lib."""
    n = minibatch.digits_train_size(0)
    k = minibatch.steps_per_epoch(n, 32)
    assert k == 34 and n - 33 * 32 == 23
    assert 20 * k == 680 and 20 * minibatch.steps_per_epoch(n, n) == 20
    assert 20 * minibatch.steps_per_epoch(n, 1) == 21_580
    # ratio of E‖g_B − ∇L‖² at |B| = 1 and |B| = 32, without replacement: V·1 / (V/32 · (n − 32)/(n − 1))
    x, y = minibatch.linear_problem(n, rng=0)
    theory = minibatch.gradient_variance_theory(np.zeros(2), x, y, [1, 32])
    assert math.isclose(theory[0] / theory[1], 32 * (n - 1) / (n - 32), rel_tol=1e-12)
    assert round(theory[0] / theory[1], 1) == 32.9


def test_exercise_modes_answers():
    """Solution of ex-ch04-modes: P, F, forward + backward, the forward-mode factor, stored numbers."""
    widths, n = (784, 256, 10), 64
    net = nn.Sequential(nn.Linear(784, 256, rng=0), nn.ReLU(), nn.Linear(256, 10, rng=1))
    P = backprop_cost.count_parameters(net)
    macs = backprop_cost.linear_macs(n, widths)
    assert P == 203_530
    assert macs["forward"] == 13_008_896 and macs["backward"] == 13_172_736
    total = macs["forward"] + macs["backward"]
    assert total == 26_181_632 and round(total / macs["forward"], 2) == 2.01
    assert macs["jvp"] == total                       # one forward-mode pass costs forward + backward
    net(np.zeros((n, 784)))
    assert backprop_cost.stored_floats(net) == 82_944 == 64 * 1296


def test_exercise_graph_answers():
    """Solution of ex-ch04-graph: f = (x₁x₂ + x₃)·tanh x₃ at (2, −1, 0,5)."""
    x1, x2, x3 = Value(2.0), Value(-1.0), Value(0.5)
    f = (x1 * x2 + x3) * x3.tanh()
    f.backward()
    u3 = math.tanh(0.5)
    assert round(u3, 4) == 0.4621 and round(f.data, 4) == -0.6932
    assert math.isclose(x1.grad, -u3) and math.isclose(x2.grad, 2 * u3)
    assert math.isclose(x3.grad, u3 - 1.5 * (1 - u3 * u3))
    assert round(-1.5 * (1 - u3 * u3), 4) == -1.1797 and round(x3.grad, 4) == -0.7176


# --- mini-batch descent ----------------------------------------------------------------------------

def test_minibatch_descent_equals_lib_linear_sgd_batches():
    x, y = minibatch.linear_problem(20, rng=5)
    run = minibatch.minibatch_descent(x, y, 6, lr=0.1, epochs=3, theta0=(0.5, -0.5), rng=9)
    lin = nn.Linear(1, 1, rng=0)
    lin.W.data[:] = 0.5
    lin.b.data[:] = -0.5
    loss_fn, opt = nn.MSELoss(), SGD(lin.parameters(), lr=0.1)
    gen = np.random.default_rng(9)
    path = [(0.5, -0.5)]
    for _ in range(3):
        for xb, yb in batches(x.reshape(-1, 1), y.reshape(-1, 1), 6, rng=gen):
            loss_fn(lin(xb), yb)
            opt.zero_grad()
            lin.backward(loss_fn.backward())
            opt.step()
            path.append((lin.W.data[0, 0], lin.b.data[0]))
    np.testing.assert_allclose(run["path"], np.array(path), rtol=1e-12)
    assert run["steps_per_epoch"] == 4 == minibatch.steps_per_epoch(20, 6)
    np.testing.assert_allclose(run["epoch"][[0, 4, 8, 12]], [0, 1, 2, 3])


@pytest.mark.parametrize("values", widgets.get("ch04.batch").grid(5))
def test_batch_panel_paths_over_slider_grid(values):
    B, seed = values["batch_size"], values["seed"]
    x, y = backprop_fig.PANEL_X, backprop_fig.PANEL_Y
    run = minibatch.minibatch_descent(x, y, B, lr=backprop_fig.PANEL_LR, epochs=backprop_fig.PANEL_EPOCHS, rng=seed)
    k = minibatch.steps_per_epoch(len(x), B)
    assert run["path"].shape == (backprop_fig.PANEL_EPOCHS * k + 1, 2)
    assert np.all(np.isfinite(run["loss"]))
    assert run["loss"][-1] < run["loss"][0]
    X1 = np.column_stack([x, np.ones_like(x)])
    best = minibatch.linear_loss(np.linalg.lstsq(X1, y, rcond=None)[0], x, y)
    assert np.all(run["loss"] >= best - 1e-12)           # nobody beats least squares
    if B == len(x):                                     # full batch: deterministic, monotone
        other = minibatch.minibatch_descent(x, y, B, lr=backprop_fig.PANEL_LR, epochs=backprop_fig.PANEL_EPOCHS,
                                            rng=seed + 1)
        np.testing.assert_allclose(run["path"], other["path"], rtol=1e-12)  # only the order of sums differs
        assert np.all(np.diff(run["loss"]) <= 1e-15)
    # the fixed limits of the panel hold the path and the loss curve (no slider move rescales)
    (w0, w1), (b0, b1) = backprop_fig.PANEL_W_LIM, backprop_fig.PANEL_B_LIM
    assert np.all((w0 < run["path"][:, 0]) & (run["path"][:, 0] < w1))
    assert np.all((b0 < run["path"][:, 1]) & (run["path"][:, 1] < b1))
    assert np.all((0.05 < run["loss"]) & (run["loss"] < 30))


def test_small_batches_learn_more_per_epoch_and_full_batch_is_best_per_step():
    x, y = minibatch.linear_problem(64, rng=0)
    runs = minibatch.compare_batch_sizes(x, y, [1, 8, 64], lr=0.05, epochs=10, seeds=range(5))
    for epoch in range(1, 11):
        at = [runs[B]["loss"][epoch * runs[B]["steps_per_epoch"]] for B in (1, 8, 64)]
        assert at[0] < at[1] < at[2], epoch
    for step in range(1, 11):                          # the full batch makes 10 steps in 10 epochs
        full, mini, one = (runs[B]["loss"][step] for B in (64, 8, 1))
        # per step the full batch is no worse than |B| = 8 up to the noise of a 5-seed mean (< 1 %)
        assert full < one and mini > 0.99 * full, step


def test_noise_floor_at_the_minimum_grows_as_the_batch_shrinks():
    x, y = minibatch.linear_problem(64, rng=0)
    theta = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
    best = float(minibatch.linear_loss(theta, x, y))
    excess = {B: float(np.mean([minibatch.minibatch_descent(x, y, B, lr=0.05, epochs=10, theta0=theta, rng=s)["loss"]
                                for s in range(5)])) - best for B in (1, 8, 64)}
    assert abs(excess[64]) < 1e-12 and excess[1] > 3 * excess[8] > 0


# --- the batch gradient: expectation and variance ----------------------------------------------------

@pytest.mark.parametrize("n,B", [(10, 3), (7, 1), (8, 8), (12, 5)])
def test_expected_batch_gradient_is_the_full_gradient_exactly(n, B):
    x, y = minibatch.linear_problem(n, rng=n)
    theta = np.array([0.3, -0.2])
    every = minibatch.all_batch_gradients(theta, x, y, B)
    assert len(every) == math.comb(n, B)
    full = minibatch.per_sample_gradients(theta, x, y).mean(axis=0)
    np.testing.assert_allclose(every.mean(axis=0), full, rtol=1e-12, atol=1e-14)
    # the exact standard deviation over all subsets is batch_gradient_std
    np.testing.assert_allclose(every.std(axis=0), minibatch.batch_gradient_std(theta, x, y, B), rtol=1e-9, atol=1e-14)
    with pytest.raises(ValueError):
        minibatch.all_batch_gradients(theta, x, y, n + 1)


def test_epoch_batches_cover_the_sample_once():
    x, y = minibatch.linear_problem(64, rng=0)
    theta = np.array([0.3, -0.2])
    g = minibatch.epoch_batch_gradients(theta, x, y, 10, epochs=4, rng=1)
    assert g.shape == (4, 7, 2)
    weights = np.array([10] * 6 + [4]) / 64
    full = minibatch.per_sample_gradients(theta, x, y).mean(axis=0)
    for e in range(4):
        np.testing.assert_allclose(weights @ g[e], full, rtol=1e-12)


def test_gradient_variance_follows_one_over_b():
    x, y = minibatch.linear_problem(2000, rng=1)
    sizes = np.array([1, 2, 4, 8, 16, 32, 64, 128])
    theta = np.array([0.0, 0.0])
    var = minibatch.minibatch_gradient_variance(theta, x, y, sizes, epochs=40, rng=2)
    theory = minibatch.gradient_variance_theory(theta, x, y, sizes)
    np.testing.assert_allclose(var, theory, rtol=0.15)
    n = len(x)
    assert abs(backprop_cost.loglog_slope(sizes, var * (n - 1) / (n - sizes)) + 1) < 0.05
    # without replacement from a finite set: B = n gives exactly zero variance
    assert minibatch.minibatch_gradient_variance(theta, x[:10], y[:10], [10], epochs=3)[0] < 1e-25
    assert minibatch.gradient_variance_theory(theta, x[:10], y[:10], [10])[0] == 0


def test_panel_seed_moves_the_end_of_the_path_more_for_small_batches():
    ends = {B: np.array([minibatch.minibatch_descent(backprop_fig.PANEL_X, backprop_fig.PANEL_Y, B,
                                                     lr=backprop_fig.PANEL_LR, epochs=backprop_fig.PANEL_EPOCHS,
                                                     rng=s)["path"][-1] for s in range(10)]) for B in (1, 32)}
    spread = {B: float(np.sqrt(np.sum(e.var(axis=0)))) for B, e in ends.items()}
    assert spread[1] > 3 * spread[32]


def test_minibatch_input_errors():
    x, y = minibatch.linear_problem(10)
    with pytest.raises(ValueError, match=r"\|B\| = 11 больше числа объектов n = 10"):
        minibatch.minibatch_descent(x, y, 11)
    with pytest.raises(ValueError, match="batch_size"):
        minibatch.minibatch_descent(x, y, 0)
    with pytest.raises(ValueError, match="η должна быть > 0"):
        minibatch.minibatch_descent(x, y, 2, lr=-1.0)
    with pytest.raises(ValueError, match="векторы одной длины"):
        minibatch.minibatch_descent(x, y[:5], 2)
    with pytest.raises(ValueError, match="последняя ось длины 2"):
        minibatch.linear_loss(np.zeros(3), x, y)
    with pytest.raises(ValueError, match="больше n"):
        minibatch.minibatch_gradient_variance(np.zeros(2), x, y, [11])
