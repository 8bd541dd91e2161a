"""lib.backprop (chapter 4): chain rule, graph gradients, matrix backprop, cost, FD step, mini-batches."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lib import backprop, nn, widgets
from lib.activations import sigmoid
from lib.autograd import Value, _layout
from lib.gradcheck import numerical_gradient, relative_error
from lib.optim import SGD

RNG = np.random.default_rng(44)


# --- chain rule -----------------------------------------------------------------------------

def test_numerical_jacobian_of_linear_map_is_its_matrix():
    A = RNG.standard_normal((3, 4))
    J = backprop.numerical_jacobian(lambda v: A @ v, RNG.standard_normal(4))
    np.testing.assert_allclose(J, A, atol=1e-8)


def test_jacobians_multiply_in_order_for_a_composition():
    A = RNG.standard_normal((2, 3))
    g1 = lambda v: A @ v                       # noqa: E731  R³ → R²
    g2 = lambda u: np.tanh(u)                  # noqa: E731  R² → R²
    g3 = lambda u: np.array([u[0] * u[1]])     # noqa: E731  R² → R¹
    x = RNG.standard_normal(3)
    J1 = backprop.numerical_jacobian(g1, x)
    J2 = backprop.numerical_jacobian(g2, g1(x))
    J3 = backprop.numerical_jacobian(g3, g2(g1(x)))
    Jf = backprop.numerical_jacobian(lambda v: g3(g2(g1(v))), x)
    np.testing.assert_allclose(J3 @ J2 @ J1, Jf, atol=1e-8)
    with pytest.raises(ValueError):
        J1 @ J2 @ J3                            # the reversed order does not even fit


def test_numerical_jacobian_rejects_bad_input():
    with pytest.raises(ValueError, match=r"формы \(k,\)"):
        backprop.numerical_jacobian(lambda v: v, np.ones((2, 2)))
    with pytest.raises(ValueError, match="eps"):
        backprop.numerical_jacobian(lambda v: v, np.ones(2), eps=0.0)


# --- the graph ----------------------------------------------------------------------------------

@pytest.mark.parametrize("values", widgets.get("ch04.graph").grid(5))
def test_graph_gradients_match_hand_formulas_and_finite_differences(values):
    L, nodes = backprop.neuron_graph(**values)
    L.backward()
    by_hand = backprop.neuron_graph_by_hand(**values)
    assert set(by_hand) == set(nodes)
    for label, (value, grad) in by_hand.items():
        assert math.isclose(nodes[label].data, value, rel_tol=1e-12, abs_tol=1e-15), label
        assert math.isclose(nodes[label].grad, grad, rel_tol=1e-10, abs_tol=1e-14), label
    leaves = ["x₁", "ω₁", "x₂", "ω₂", "b"]
    point = np.array([nodes[k].data for k in leaves])

    def f(p):
        return backprop.neuron_graph(x1=p[0], w1=p[1], x2=p[2], w2=p[3], b=p[4])[0].data

    numeric = numerical_gradient(f, point)
    analytic = np.array([nodes[k].grad for k in leaves])
    np.testing.assert_allclose(analytic, numeric, atol=1e-8)


@pytest.mark.parametrize("values", widgets.get("ch04.graph").grid(5))
def test_graph_panel_update_writes_what_draw_graph_writes(values):
    """The live panel only rewrites the node boxes: after a move to ``values`` each box (and the
    title) must read exactly as on a graph drawn afresh by draw_graph at ``values``."""
    from matplotlib.figure import Figure

    state = backprop._setup_graph_panel(Figure(), x1=-1.7, w1=2.9)
    artists = backprop._update_graph_panel(state, **values)
    fresh = backprop._setup_graph_panel(Figure(), **values)
    L, nodes = backprop.neuron_graph(**values)
    assert set(state["boxes"]) == set(nodes) and len(artists) == len(nodes) + 1     # boxes + title
    for label, text in fresh["boxes"].items():
        assert state["boxes"][label].get_text() == text.get_text(), label
        assert text.get_text().startswith(label + "\n") and "∇" in text.get_text()
    assert state["title"].get_text() == fresh["title"].get_text()
    L.backward()
    assert f"{nodes['ω₁'].grad:.4f}".replace("-", "−") in state["title"].get_text()


def test_backward_trace_equals_backward_and_visits_every_inner_node_once():
    L, nodes = backprop.neuron_graph(x1=0.7, w1=-1.2)
    steps = backprop.backward_trace(L)
    traced = {k: v.grad for k, v in nodes.items()}
    assert [s[0] for s in steps][0] == "L"
    assert len(steps) == sum(1 for v in nodes.values() if v._prev)
    L.zero_grad()
    L.backward()
    for k, v in nodes.items():
        assert v.grad == traced[k]


def test_layout_puts_leaves_before_their_consumer_and_never_overlaps():
    L, nodes = backprop.neuron_graph()
    _, pos = _layout(L)
    assert len(set(pos.values())) == len(pos)
    for v in L.nodes():
        for p in v._prev:
            assert pos[id(p)][0] < pos[id(v)][0]
    assert pos[id(nodes["−y"])][0] == pos[id(nodes["e"])][0] - 1
    assert pos[id(nodes["b"])][0] == pos[id(nodes["z"])][0] - 1


# --- the two-layer network in matrix form --------------------------------------------------------

@pytest.mark.parametrize("n,d,H,m", [(5, 3, 4, 1), (7, 2, 6, 3), (1, 4, 2, 1)])
def test_two_layer_backprop_matches_lib_nn_and_finite_differences(n, d, H, m):
    rng = np.random.default_rng(n * 100 + d * 10 + H)
    X = rng.standard_normal((n, d))
    y = rng.uniform(0, 1, (n, m))
    l1, l2 = nn.Linear(d, H, rng=rng), nn.Linear(H, m, rng=rng)
    model = nn.Sequential(l1, nn.Sigmoid(), l2, nn.Sigmoid())
    W1, b1, W2, b2 = l1.W.data, l1.b.data, l2.W.data, l2.b.data
    g = backprop.two_layer_backprop(X, y, W1, b1, W2, b2)
    assert g["W1"].shape == (d, H) and g["b1"].shape == (H,)
    assert g["W2"].shape == (H, m) and g["b2"].shape == (m,)
    loss_fn = nn.MSELoss()
    assert math.isclose(loss_fn(model(X), y), g["L"], rel_tol=1e-12)
    model.zero_grad()
    model.backward(loss_fn.backward())
    for p, key in ((l1.W, "W1"), (l1.b, "b1"), (l2.W, "W2"), (l2.b, "b2")):
        np.testing.assert_allclose(p.grad, g[key], rtol=1e-10, atol=1e-15)
    for name, arr in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
        def loss_of(v, name=name):
            args = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, name: v}
            return backprop.two_layer_backprop(X, y, **args)["L"]
        assert relative_error(g[name], numerical_gradient(loss_of, arr)) < 1e-6


def test_two_layer_backprop_names_wrong_shapes():
    X, y = np.ones((4, 3)), np.ones((4, 1))
    with pytest.raises(ValueError, match=r"W₁: ожидалась форма \(3, H\)"):
        backprop.two_layer_backprop(X, y, np.ones((2, 5)), np.ones(5), np.ones((5, 1)), np.ones(1))
    with pytest.raises(ValueError, match=r"y: ожидалась форма \(4, 1\)"):
        backprop.two_layer_backprop(X, np.ones(4), np.ones((3, 5)), np.ones(5), np.ones((5, 1)), np.ones(1))


# --- the cost of a gradient -----------------------------------------------------------------------

def test_backprop_vs_numeric_counts_passes_and_agrees():
    model = nn.Sequential(nn.Linear(20, 30, rng=1), nn.Tanh(), nn.Linear(30, 5, rng=2))
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((16, 20)), rng.integers(0, 5, 16)
    out = backprop.backprop_vs_numeric(model, nn.CrossEntropyLoss(), X, y, n_sampled=40, repeats=3)
    P = 20 * 30 + 30 + 30 * 5 + 5
    assert out["P"] == P == backprop.count_parameters(model)
    assert out["forward_passes_backprop"] == 1
    assert out["forward_passes_numeric"] == 2 * P
    assert out["max_rel_error"] < 1e-6
    assert out["time_numeric"] > out["time_backprop"]
    assert "forward" not in vars(model)            # the counting wrapper is removed


# --- the finite-difference step -------------------------------------------------------------------

@pytest.mark.parametrize("values", widgets.get("ch04.fd_step").grid(7))
def test_fd_error_over_slider_grid(values):
    eps = 10.0 ** values["log_eps"]
    err = float(backprop.fd_error(eps, kind=values["kind"]))
    trunc, rnd, best = backprop.fd_error_model(eps, kind=values["kind"])
    assert err >= 0
    # the measured error is at most a small multiple of the model (truncation + round-off) ...
    assert err <= 10 * (trunc + rnd) + 1e-16
    # ... and in the truncation-dominated regime it follows the Taylor term closely
    if trunc > 100 * rnd:
        assert math.isclose(err, trunc, rel_tol=0.3)


@pytest.mark.parametrize("kind,order", [("central", 2), ("forward", 1)])
def test_fd_error_is_u_shaped_with_the_right_slopes(kind, order):
    eps = np.logspace(-14, 0, 57)
    err = np.maximum(backprop.fd_error(eps, kind=kind), 1e-18)
    _, _, best = backprop.fd_error_model(eps, kind=kind)
    i = int(np.argmin(err))
    assert best / 30 < eps[i] < best * 30
    right = eps > 30 * best
    left = eps < best / 1000
    assert abs(backprop.loglog_slope(eps[right], err[right]) - order) < 0.15
    assert -1.5 < backprop.loglog_slope(eps[left], err[left]) < -0.5
    assert err[0] > 1e3 * err[i] and err[-1] > 1e3 * err[i]


def test_fd_rejects_bad_input():
    with pytest.raises(ValueError, match="ε должен быть > 0"):
        backprop.fd_derivative(0.0)
    with pytest.raises(ValueError, match="kind"):
        backprop.fd_derivative(1e-3, kind="backward")


# --- mini-batches ---------------------------------------------------------------------------------

def test_minibatch_descent_equals_lib_linear_sgd_batches():
    x, y = backprop.linear_problem(20, rng=5)
    run = backprop.minibatch_descent(x, y, 6, lr=0.1, epochs=3, theta0=(0.5, -0.5), rng=9)
    from lib.data import batches
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
    assert run["steps_per_epoch"] == 4 == backprop.steps_per_epoch(20, 6)


@pytest.mark.parametrize("values", widgets.get("ch04.batch").grid(5))
def test_batch_panel_paths_over_slider_grid(values):
    B, seed = values["batch_size"], values["seed"]
    x, y = backprop._PANEL_X, backprop._PANEL_Y
    run = backprop.minibatch_descent(x, y, B, lr=backprop._PANEL_LR, epochs=backprop._PANEL_EPOCHS, rng=seed)
    k = backprop.steps_per_epoch(len(x), B)
    assert run["path"].shape == (backprop._PANEL_EPOCHS * k + 1, 2)
    assert np.all(np.isfinite(run["loss"]))
    assert run["loss"][-1] < run["loss"][0]
    X1 = np.column_stack([x, np.ones_like(x)])
    best = backprop.linear_loss(np.linalg.lstsq(X1, y, rcond=None)[0], x, y)
    assert np.all(run["loss"] >= best - 1e-12)           # nobody beats least squares
    if B == len(x):                                     # full batch: deterministic, monotone
        other = backprop.minibatch_descent(x, y, B, lr=backprop._PANEL_LR, epochs=backprop._PANEL_EPOCHS,
                                           rng=seed + 1)
        np.testing.assert_allclose(run["path"], other["path"], rtol=1e-12)  # only the order of sums differs
        assert np.all(np.diff(run["loss"]) <= 1e-15)
    # the fixed limits of the panel hold the path and the loss curve (no slider move rescales)
    (w0, w1), (b0, b1) = backprop._PANEL_W_LIM, backprop._PANEL_B_LIM
    assert np.all((w0 < run["path"][:, 0]) & (run["path"][:, 0] < w1))
    assert np.all((b0 < run["path"][:, 1]) & (run["path"][:, 1] < b1))
    assert np.all((0.05 < run["loss"]) & (run["loss"] < 30))


def test_small_batches_learn_more_per_epoch_but_less_per_step():
    x, y = backprop.linear_problem(64, rng=0)
    at_epoch, at_step = {}, {}
    for B in (1, 8, 64):
        runs = [backprop.minibatch_descent(x, y, B, lr=0.05, epochs=10, rng=s) for s in range(5)]
        k = runs[0]["steps_per_epoch"]
        at_epoch[B] = np.mean([r["loss"][3 * k] for r in runs])
        at_step[B] = np.mean([r["loss"][8] for r in runs])
    assert at_epoch[1] < at_epoch[8] < at_epoch[64]
    assert at_step[64] <= at_step[8] <= at_step[1] * 1.01


def test_gradient_variance_follows_one_over_b():
    x, y = backprop.linear_problem(2000, rng=1)
    sizes = np.array([1, 2, 4, 8, 16, 32, 64])
    theta = np.array([0.0, 0.0])
    var = backprop.minibatch_gradient_variance(theta, x, y, sizes, epochs=40, rng=2)
    theory = backprop.gradient_variance_theory(theta, x, y, sizes)
    np.testing.assert_allclose(var, theory, rtol=0.15)
    n = len(x)
    assert abs(backprop.loglog_slope(sizes, var * (n - 1) / (n - sizes)) + 1) < 0.05
    # without replacement from a finite set: B = n gives exactly zero variance
    assert backprop.minibatch_gradient_variance(theta, x[:10], y[:10], [10], epochs=3)[0] < 1e-25


def test_minibatch_input_errors():
    x, y = backprop.linear_problem(10)
    with pytest.raises(ValueError, match="B = 11 больше числа объектов n = 10"):
        backprop.minibatch_descent(x, y, 11)
    with pytest.raises(ValueError, match="batch_size"):
        backprop.minibatch_descent(x, y, 0)
    with pytest.raises(ValueError, match="η должна быть > 0"):
        backprop.minibatch_descent(x, y, 2, lr=-1.0)
    with pytest.raises(ValueError, match="loglog_slope"):
        backprop.loglog_slope([1.0, 2.0], [1.0, -1.0])


def test_value_graph_of_the_panel_is_a_real_value_graph():
    L, nodes = backprop.neuron_graph()
    assert isinstance(L, Value) and L._op == "**2"
    assert math.isclose(nodes["ŷ"].data, float(sigmoid(nodes["z"].data)))


def test_panels_are_blitted():
    # speed is measured by benchmarks/run.py, never asserted here: only the mechanism is checked
    for key in ("ch04.graph", "ch04.fd_step", "ch04.batch"):
        panel = widgets.get(key)
        assert panel.update is not None, key              # blitted: setup once, update per move
        live = widgets.Live(panel)
        live.frame()
        assert live.frame(**panel.grid(3)[-1])[:4] == b"\x89PNG"
