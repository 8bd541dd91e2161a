"""Chapter 4: chain rule, graph gradients, the D-layer δ recursion, cost of a gradient, FD step, panels.

Modules: lib.chapters.backprop (math), lib.chapters.backprop_cost (cost, forward mode, memory, FD step),
lib.figures.backprop (figures and panels). Mini-batches: tests/test_backprop_minibatch.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from lib import nn, widgets
from lib.activations import sigmoid
from lib.autograd import Value, _layout
from lib.chapters import backprop, backprop_cost
from lib.chapters import digits as digits_chapter
from lib.figures import backprop as backprop_fig
from lib.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(44)


# --- chain rule -----------------------------------------------------------------------------

def test_numerical_jacobian_of_linear_map_is_its_matrix():
    A = RNG.standard_normal((3, 4))
    J = backprop.numerical_jacobian(lambda v: A @ v, RNG.standard_normal(4))
    assert J.shape == (3, 4)
    np.testing.assert_allclose(J, A, atol=1e-8)


def test_jacobians_multiply_in_order_for_a_composition():
    W = RNG.standard_normal((3, 2))
    g1 = lambda v: v @ W                       # noqa: E731  R³ → R², a row times W: J = Wᵀ
    g2 = lambda u: np.tanh(u)                  # noqa: E731  R² → R²
    g3 = lambda u: np.array([u[0] * u[1]])     # noqa: E731  R² → R¹
    x = RNG.standard_normal(3)
    J1 = backprop.numerical_jacobian(g1, x)
    J2 = backprop.numerical_jacobian(g2, g1(x))
    J3 = backprop.numerical_jacobian(g3, g2(g1(x)))
    Jf = backprop.numerical_jacobian(lambda v: g3(g2(g1(v))), x)
    np.testing.assert_allclose(J1, W.T, atol=1e-8)
    np.testing.assert_allclose(J3 @ J2 @ J1, Jf, atol=1e-8)
    with pytest.raises(ValueError):
        J1 @ J2 @ J3                            # the reversed order does not even fit


def test_numerical_jacobian_rejects_bad_input():
    with pytest.raises(ValueError, match=r"формы \(k,\)"):
        backprop.numerical_jacobian(lambda v: v, np.ones((2, 2)))
    with pytest.raises(ValueError, match="шаг Δ"):
        backprop.numerical_jacobian(lambda v: v, np.ones(2), step=0.0)


# --- the graph G ----------------------------------------------------------------------------

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

    np.testing.assert_allclose([nodes[k].grad for k in leaves], numerical_gradient(f, point), atol=1e-8)


@pytest.mark.parametrize("values", widgets.get("ch04.graph").grid(5))
def test_graph_panel_update_writes_what_draw_graph_writes(values):
    """The live panel rewrites only the moving lines of the node boxes: after a move to ``values``
    each box (and the title) must read as on the panel drawn afresh and as draw_graph writes it."""
    state = backprop_fig._setup_graph_panel(Figure(), x1=-1.7, w1=2.9)
    artists = backprop_fig._update_graph_panel(state, **values)
    fresh = backprop_fig._setup_graph_panel(Figure(), **values)
    L, nodes = backprop.neuron_graph(**values)
    L.backward()
    assert set(state["lines"]) == set(nodes)
    # every gradient, every value that depends on x₁ or ω₁, the title; the other values stay still
    moving = {"x₁", "ω₁", "x₁ω₁", "xω", "z", "ŷ", "ŷ−y", "L"}
    assert state["moving"] == moving and len(artists) == len(nodes) + len(moving) + 1
    for label in nodes:
        text = backprop_fig._graph_panel_node_text(fresh, label)
        assert backprop_fig._graph_panel_node_text(state, label) == text, label
        assert text == backprop_fig._graph_node_text(nodes[label]), label      # as draw_graph writes it
    assert state["title"].get_text() == fresh["title"].get_text()
    assert f"{nodes['ω₁'].grad:.4f}".replace("-", "−").replace(".", ",") in state["title"].get_text()


def test_backward_trace_equals_backward_and_visits_every_inner_node_once():
    L, nodes = backprop.neuron_graph(x1=0.7, w1=-1.2)
    steps = backprop.backward_trace(L)
    traced = {k: v.grad for k, v in nodes.items()}
    assert steps[0][0] == "L"
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
    assert pos[id(nodes["−y"])][0] == pos[id(nodes["ŷ−y"])][0] - 1
    assert pos[id(nodes["b"])][0] == pos[id(nodes["z"])][0] - 1


def test_value_graph_of_the_panel_is_a_real_value_graph():
    L, nodes = backprop.neuron_graph()
    assert isinstance(L, Value) and L._op == "**2"
    assert math.isclose(nodes["ŷ"].data, float(sigmoid(nodes["z"].data)))


def test_graph_snapshot_claims():
    """The text under the static figure: at x₁ = 0 no gradient reaches ω₁; at ω₁ = 3 every leaf's
    gradient is less than half of the default position's."""
    L, nodes = backprop.neuron_graph(x1=0.0, w1=0.5)
    L.backward()
    assert nodes["ω₁"].grad == 0.0 and nodes["x₁"].grad != 0.0
    L3, n3 = backprop.neuron_graph(x1=1.0, w1=3.0)
    L3.backward()
    L0, n0 = backprop.neuron_graph(x1=1.0, w1=0.5)
    L0.backward()
    assert all(abs(n3[k].grad) < abs(n0[k].grad) / 2 for k in ("x₁", "ω₁", "x₂", "ω₂", "b"))


# --- the D-layer network: forward, the δ recursion -------------------------------------------

def _mlp(widths, hidden, output, rng):
    act = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
    layers = []
    for ell, (p, q) in enumerate(zip(widths[:-1], widths[1:]), start=1):
        layers.append(nn.Linear(p, q, rng=rng))
        name = output if ell == len(widths) - 1 else hidden
        if name != "identity":
            layers.append(act[name]())
    return nn.Sequential(*layers)


@pytest.mark.parametrize("widths,hidden,output", [
    ((3, 5, 2), "sigmoid", "identity"),           # chapter 3's network, m = 2
    ((3, 4, 1), "sigmoid", "sigmoid"),
    ((4, 6, 5, 3, 2), "tanh", "identity"),        # D = 4
    ((2, 7, 7, 1), "relu", "tanh"),
    ((5, 3), "tanh", "identity"),                 # D = 1
])
def test_mlp_backward_is_what_lib_nn_computes_and_matches_finite_differences(widths, hidden, output):
    rng = np.random.default_rng(len(widths) * 10 + widths[1])
    X = rng.standard_normal((6, widths[0]))
    Y = rng.standard_normal((6, widths[-1]))
    model = _mlp(widths, hidden, output, rng)
    mse = nn.MSELoss()
    loss = mse(model(X), Y)
    model.zero_grad()
    model.backward(mse.backward())
    params = backprop.mlp_params(model)
    g = backprop.mlp_backward(params, X, Y, hidden, output)
    assert math.isclose(loss, g["L"], rel_tol=1e-13)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    assert len(linears) == len(g["W"]) == len(g["delta"]) == len(widths) - 1
    for ell, lin in enumerate(linears):
        assert g["W"][ell].shape == lin.W.data.shape and g["b"][ell].shape == lin.b.data.shape
        assert g["delta"][ell].shape == (6, widths[ell + 1])
        np.testing.assert_allclose(lin.W.grad, g["W"][ell], rtol=1e-11, atol=1e-15)
        np.testing.assert_allclose(lin.b.grad, g["b"][ell], rtol=1e-11, atol=1e-15)
        np.testing.assert_allclose(lin.grad_output, g["delta"][ell], rtol=1e-11, atol=1e-15)
        W = params[ell][0]

        def loss_of(v, W=W):
            saved = W.copy()
            W[...] = v
            try:
                return backprop.mlp_backward(params, X, Y, hidden, output)["L"]
            finally:
                W[...] = saved
        assert relative_error(g["W"][ell], numerical_gradient(loss_of, W.copy())) < 1e-6


def test_mlp_forward_is_the_model_and_counts_macs():
    model = _mlp((4, 6, 5, 3), "tanh", "identity", 0)
    X = RNG.standard_normal((7, 4))
    counter = backprop.MacCounter()
    f = backprop.mlp_forward(backprop.mlp_params(model), X, "tanh", "identity", counter=counter)
    np.testing.assert_allclose(f["A"][-1], model(X), rtol=1e-14)
    assert [a.shape for a in f["A"]] == [(7, 4), (7, 6), (7, 5), (7, 3)]
    assert counter.macs == 7 * (4 * 6 + 6 * 5 + 5 * 3) == backprop_cost.linear_macs(7, (4, 6, 5, 3))["forward"]


def test_mlp_names_bad_input():
    params = backprop.mlp_params(_mlp((3, 2), "tanh", "identity", 0))
    with pytest.raises(ValueError, match="Y: ожидалась форма"):
        backprop.mlp_backward(params, np.ones((4, 3)), np.ones(4))
    with pytest.raises(ValueError, match="неизвестна"):
        backprop.mlp_forward(params, np.ones((4, 3)), hidden="softsign")


@pytest.mark.parametrize("widths", [(4, 6, 5, 3, 2), (8, 16, 3), (784, 256, 10), (2, 1)])
def test_backward_costs_2F_minus_first_layer_and_both_less_than_3F(widths):
    n = 5
    rng = np.random.default_rng(1)
    params = [(rng.standard_normal((p, q)), rng.standard_normal(q)) for p, q in zip(widths[:-1], widths[1:])]
    X, Y = rng.standard_normal((n, widths[0])), rng.standard_normal((n, widths[-1]))
    fwd, both = backprop.MacCounter(), backprop.MacCounter()
    backprop.mlp_forward(params, X, "tanh", counter=fwd)
    backprop.mlp_backward(params, X, Y, "tanh", counter=both)
    macs = backprop_cost.linear_macs(n, widths)
    assert fwd.macs == macs["forward"]
    assert both.macs - fwd.macs == macs["backward"] == 2 * macs["forward"] - n * widths[0] * widths[1]
    assert both.macs < 3 * fwd.macs


# --- forward mode, the cost of finite differences, memory --------------------------------------

def test_forward_mode_gives_the_same_gradient_at_P_times_the_cost():
    widths = (3, 4, 2)
    model = _mlp(widths, "sigmoid", "identity", 2)
    params = backprop.mlp_params(model)
    X, Y = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2))
    rev = backprop.mlp_backward(params, X, Y)
    counter = backprop.MacCounter()
    fm = backprop_cost.forward_mode_gradient(params, X, Y, counter=counter)
    for (gW, gb), dW, db in zip(fm, rev["W"], rev["b"]):
        np.testing.assert_allclose(gW, dW, rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(gb, db, rtol=1e-10, atol=1e-15)
    macs = backprop_cost.linear_macs(5, widths)
    P = backprop_cost.count_parameters(model)
    assert counter.macs == P * macs["jvp"] and macs["jvp"] == macs["forward"] + macs["backward"]
    # one jvp along a random direction is the directional derivative ⟨∇L, θ̇⟩
    tangent = [(RNG.standard_normal(W.shape), RNG.standard_normal(b.shape)) for W, b in params]
    expected = sum(np.sum(dW * tW) + np.sum(db * tb) for (tW, tb), dW, db in zip(tangent, rev["W"], rev["b"]))
    assert math.isclose(backprop_cost.mlp_jvp(params, X, Y, tangent), expected, rel_tol=1e-11)


def test_chapter8_network_is_chapter_8s_and_has_9610_parameters():
    net = backprop_cost.chapter8_network()
    ref = digits_chapter.build_model()
    assert [type(m) for m in net] == [type(m) for m in ref]
    assert [p.data.shape for p in net.parameters()] == [p.data.shape for p in ref.parameters()]
    assert backprop_cost.count_parameters(net) == 64 * 128 + 128 + 128 * 10 + 10 == 9610
    assert backprop_cost.count_parameters(backprop_cost.chapter8_network(hidden=7)) == 75 * 7 + 10


def test_finite_differences_cost_2P_forward_passes_and_agree_with_backprop():
    model = nn.Sequential(nn.Linear(5, 4, rng=1), nn.Tanh(), nn.Linear(4, 3, rng=2))
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((9, 5)), rng.integers(0, 3, 9)
    ce = nn.CrossEntropyLoss()

    def backprop_gradient():
        ce(model(X), y)
        model.zero_grad()
        model.backward(ce.backward())

    assert backprop_cost.count_forward_calls(model, backprop_gradient) == 1
    analytic = [p.grad.copy() for p in model.parameters()]
    numeric = []
    calls = backprop_cost.count_forward_calls(model, lambda: numeric.extend(backprop_cost.fd_gradient(model, ce, X, y)))
    P = backprop_cost.count_parameters(model)
    assert P == 5 * 4 + 4 + 4 * 3 + 3 and calls == 2 * P
    assert max(relative_error(a, g) for a, g in zip(analytic, numeric)) < 1e-7
    assert "forward" not in vars(model)            # the counting wrapper is removed


@pytest.mark.parametrize("batch", [1, 32, 64])
def test_stored_floats_of_chapter8_network(batch):
    net = backprop_cost.chapter8_network()
    net(np.zeros((batch, 64)))
    assert backprop_cost.stored_floats(net) == batch * (64 + 128 + 128 + 128)


def test_stored_floats_of_the_exercise_network_and_of_sigmoid():
    net = nn.Sequential(nn.Linear(784, 256, rng=0), nn.ReLU(), nn.Linear(256, 10, rng=1))
    net(np.zeros((64, 784)))
    assert backprop_cost.stored_floats(net) == 64 * (784 + 256 + 256) == 82_944
    sig = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Sigmoid(), nn.Linear(4, 2, rng=1))
    sig(np.zeros((5, 3)))
    # the sigmoid's output is the very array the second Linear keeps as its input: counted once
    assert sig[1]._y is sig[2]._x
    assert backprop_cost.stored_floats(sig) == 5 * (3 + 4)


# --- zero / constant initialisation, sigmoid + MSE -----------------------------------------------

def _moons_like():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    return X, (X[:, :1] * X[:, 1:] > 0).astype(float)


def test_zero_init_with_tanh_moves_only_the_output_bias():
    X, y = _moons_like()
    model = nn.Sequential(nn.Linear(2, 6, rng=1), nn.Tanh(), nn.Linear(6, 1, rng=2))
    backprop.train_from_constant(model, nn.BCEWithLogitsLoss(), X, y, 0.0, lr=0.5, steps=20)
    assert np.all(model[0].W.data == 0) and np.all(model[0].b.data == 0) and np.all(model[2].W.data == 0)
    assert model[2].b.data[0] != 0


@pytest.mark.parametrize("act", [nn.Tanh, nn.Sigmoid])
def test_constant_init_keeps_neurons_identical_and_random_init_does_not(act):
    X, y = _moons_like()
    loss = nn.BCEWithLogitsLoss()
    const = backprop.train_from_constant(nn.Sequential(nn.Linear(2, 6, rng=1), act(), nn.Linear(6, 1, rng=2)),
                                         loss, X, y, 0.5, lr=0.5, steps=50)
    W1, W2 = const[0].W.data, const[2].W.data
    assert np.abs(W1 - W1[:, :1]).max() < 1e-12 and np.abs(W2 - W2[0]).max() < 1e-12
    assert np.abs(W1 - 0.5).max() > 1e-3
    rand = backprop.train_from_constant(nn.Sequential(nn.Linear(2, 6, rng=1), act(), nn.Linear(6, 1, rng=2)),
                                        loss, X, y, None, lr=0.5, steps=5)
    assert np.abs(rand[0].W.data - rand[0].W.data[:, :1]).max() > 0.1


def test_exercise_symmetry_zero_init_with_sigmoid_and_dropout():
    """Solution of ex-ch04-symmetry: with zeros and a sigmoid only W₂, b₂ get a gradient on the first
    step (equal for every hidden neuron); with dropout the neurons do become different."""
    X, y = _moons_like()
    loss = nn.BCEWithLogitsLoss()
    net = nn.Sequential(nn.Linear(2, 16, rng=1), nn.Sigmoid(), nn.Linear(16, 1, rng=2))
    for W, b in backprop.mlp_params(net):
        W[...], b[...] = 0.0, 0.0
    loss(net(X), y)
    net.zero_grad()
    net.backward(loss.backward())
    assert np.all(net[0].W.grad == 0) and np.all(net[0].b.grad == 0)
    g2 = net[2].W.grad
    assert np.all(g2 != 0) and np.all(g2 == g2[0])
    after = backprop.train_from_constant(net, loss, X, y, 0.0, lr=0.5, steps=30)
    W1 = after[0].W.data
    assert np.abs(W1).max() > 1e-4 and np.abs(W1 - W1[:, :1]).max() < 1e-12    # moved, but identical
    drop = nn.Sequential(nn.Linear(2, 16, rng=1), nn.Sigmoid(), nn.Dropout(0.3, rng=5), nn.Linear(16, 1, rng=2))
    drop = backprop.train_from_constant(drop, loss, X, y, 0.0, lr=0.5, steps=30)
    assert np.abs(drop[0].W.data - drop[0].W.data[:, :1]).max() > 1e-3


def test_sigmoid_output_delta_matches_lib_layers_and_saturates_on_the_wrong_side():
    z = np.array([[-10.0], [-3.0], [0.0], [3.0], [10.0]])
    t = np.ones_like(z)
    sig, mse, bce = nn.Sigmoid(), nn.MSELoss(), nn.BCEWithLogitsLoss()
    mse(sig(z), t)
    np.testing.assert_allclose(sig.backward(mse.backward() * len(z)), backprop.sigmoid_output_delta(z, 1.0, "mse"),
                               rtol=1e-12)
    bce(z, t)
    np.testing.assert_allclose(bce.backward() * len(z), backprop.sigmoid_output_delta(z, 1.0, "bce"), rtol=1e-12)
    d_mse = np.abs(backprop.sigmoid_output_delta(z[:, 0], 1.0, "mse"))
    d_bce = np.abs(backprop.sigmoid_output_delta(z[:, 0], 1.0, "bce"))
    assert d_mse[0] < d_mse[2] / 1000 and d_mse[0] < d_mse[1] < d_mse[2]      # wrong side: the worse, the smaller
    assert np.all(np.diff(d_bce) < 0)                                          # cross-entropy: the worse, the larger
    with pytest.raises(ValueError, match="loss"):
        backprop.sigmoid_output_delta(0.0, 1.0, "mae")


# --- the finite-difference step Δ ----------------------------------------------------------------

@pytest.mark.parametrize("values", widgets.get("ch04.fd_step").grid(7))
def test_fd_error_over_slider_grid(values):
    step = 10.0 ** values["log_step"]
    err = float(backprop_cost.fd_error(step, kind=values["kind"]))
    trunc, rnd, _ = backprop_cost.fd_error_model(step, kind=values["kind"])
    assert err >= 0
    # the measured error is at most a small multiple of the model (truncation + round-off) ...
    assert err <= 10 * (trunc + rnd) + 1e-16
    # ... and in the truncation-dominated regime it follows the Taylor term closely
    if trunc > 100 * rnd:
        assert math.isclose(err, trunc, rel_tol=0.3)


@pytest.mark.parametrize("kind,order", [("central", 2), ("forward", 1)])
def test_fd_error_is_u_shaped_with_the_right_slopes(kind, order):
    grid = backprop_fig.FD_STEP_GRID
    err = np.maximum(backprop_cost.fd_error(grid, kind=kind), 1e-18)
    _, _, best = backprop_cost.fd_error_model(grid, kind=kind)
    i = int(np.argmin(err))
    assert best / 30 < grid[i] < best * 30
    right, left = grid > 30 * best, grid < best / 1000
    assert abs(backprop_cost.loglog_slope(grid[right], err[right]) - order) < 0.15
    assert -1.5 < backprop_cost.loglog_slope(grid[left], err[left]) < -0.5
    assert err[0] > 1e3 * err[i] and err[-1] > 1e3 * err[i]


def test_best_steps_are_of_the_orders_the_text_names():
    central = backprop_cost.fd_error_model(1e-6, kind="central")[2]
    forward = backprop_cost.fd_error_model(1e-6, kind="forward")[2]
    assert 1e-6 < central < 1e-4 and 1e-8 < forward < 1e-7
    grid = backprop_fig.FD_STEP_GRID
    ratio = backprop_cost.fd_error(grid, kind="forward").min() / backprop_cost.fd_error(grid, kind="central").min()
    assert 10**2.5 < ratio < 10**3.5                           # «примерно на три порядка»


def test_fd_rejects_bad_input():
    with pytest.raises(ValueError, match="Δ должен быть > 0"):
        backprop_cost.fd_derivative(0.0)
    with pytest.raises(ValueError, match="kind"):
        backprop_cost.fd_derivative(1e-3, kind="backward")
    with pytest.raises(ValueError, match="kind"):
        backprop_cost.fd_error_model(1e-3, kind="backward")
    with pytest.raises(ValueError, match="loglog_slope"):
        backprop_cost.loglog_slope([1.0, 2.0], [1.0, -1.0])


# --- figures and panels ---------------------------------------------------------------------------

def test_static_figures_draw():
    fig = backprop_fig.plot_saturation(1.0)
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 2
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["−10", "−5", "0", "5", "10"]


def test_panels_are_blitted():
    # speed is measured by benchmarks/run.py, never asserted here: only the mechanism is checked
    for key in ("ch04.graph", "ch04.fd_step", "ch04.batch"):
        panel = widgets.get(key)
        assert panel.update is not None, key              # blitted: setup once, update per move
        live = widgets.Live(panel)
        live.frame()
        assert live.frame(**panel.grid(3)[-1])[:4] == b"\x89PNG"
