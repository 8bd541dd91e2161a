"""lib.chapters.activation_study and activation_training, the panels (lib.figures.activation_study) and the new activations of lib.activations (chapter 5).

Formulas against finite differences and against PyTorch-free closed forms, numerical stability at
|z| = 1e4, the vanishing-gradient experiment, dead ReLUs, and both slider panels over a grid.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from book import panel_figure

from lib import activations as A
from lib import nn, widgets
from lib.chapters import activation_study as S
from lib.chapters import activation_training as T
from lib.figures import activation_study as S_fig  # noqa: F401  (registers the panels)
from lib.gradcheck import check_module

Z = np.concatenate([np.linspace(-6, 6, 121), [-30.0, -12.5, 12.5, 30.0]])
Z_SMOOTH = Z[np.abs(Z) > 1e-3]          # away from the kink of (leaky) ReLU


def central_difference(f, z, h=1e-5):
    return (f(z + h) - f(z - h)) / (2 * h)


@pytest.mark.parametrize("name", list(S.ACTIVATIONS))
def test_derivatives_match_finite_differences(name):
    act = S.get_activation(name)
    np.testing.assert_allclose(act.grad(Z_SMOOTH), central_difference(act.f, Z_SMOOTH), atol=1e-8)


@pytest.mark.parametrize("name", list(S.ACTIVATIONS))
def test_no_overflow_at_large_arguments(name):
    act = S.get_activation(name)
    z = np.array([-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values, grads = act.f(z), act.grad(z)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(grads))
    assert values.shape == grads.shape == z.shape


def test_new_activations_closed_forms():
    z = np.linspace(-5, 5, 41)
    erf = np.array([math.erf(v / math.sqrt(2)) for v in z])
    np.testing.assert_allclose(A.gelu(z), z * 0.5 * (1 + erf), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(A.silu(z), z / (1 + np.exp(-z)), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(A.leaky_relu(z, 0.2), np.where(z > 0, z, 0.2 * z))
    assert A.leaky_relu_grad(0.0, 0.2) == 0.2 and A.leaky_relu_grad(1e-9, 0.2) == 1.0
    # the tanh approximation of GELU is close to the exact one, but not equal
    diff = np.abs(A.gelu(z, approximate="tanh") - A.gelu(z))
    assert 0 < diff.max() < 1e-3
    # shapes are kept, scalars work
    assert A.gelu(np.zeros((2, 3))).shape == (2, 3) and float(A.gelu(0.0)) == 0.0


def test_bad_arguments_of_new_activations():
    with pytest.raises(ValueError, match=r"negative_slope: ожидалось число из \[0, 1\)"):
        A.leaky_relu(np.ones(3), 1.5)
    with pytest.raises(ValueError, match="approximate"):
        A.gelu(np.ones(3), approximate="erf")
    with pytest.raises(ValueError, match="действительных чисел"):
        A.silu(np.array(["a"]))


def test_sigmoid_tanh_identities():
    z = np.linspace(-20, 20, 401)
    np.testing.assert_allclose(A.tanh(z), 2 * A.sigmoid(2 * z) - 1, atol=1e-15)
    np.testing.assert_allclose(A.tanh_grad(z), 4 * A.sigmoid_grad(2 * z), atol=1e-15)
    np.testing.assert_allclose(A.sigmoid_grad(z), A.sigmoid(z) * (1 - A.sigmoid(z)), atol=1e-16)


def test_properties_table():
    sig, th, relu = (S.properties(n) for n in ("sigmoid", "tanh", "relu"))
    assert (sig["low"], sig["high"], sig["f0"]) == (0.0, 1.0, 0.5)
    assert np.isclose(sig["max_grad"], 0.25) and sig["argmax_grad"] == 0.0
    assert np.isclose(sig["mean_normal"], 0.5, atol=1e-9)
    assert (th["low"], th["high"], th["f0"]) == (-1.0, 1.0, 0.0)
    assert np.isclose(th["max_grad"], 1.0) and abs(th["mean_normal"]) < 1e-9
    assert max(sig["grad_left"], sig["grad_right"], th["grad_left"], th["grad_right"]) < 1e-12
    assert relu["low"] == 0.0 and relu["high"] == 1e4 and relu["grad_left"] == 0.0
    assert relu["grad_right"] == 1.0 and np.isclose(relu["mean_normal"], 1 / np.sqrt(2 * np.pi))
    gelu = S.properties("gelu")
    assert gelu["max_grad"] > 1.0          # GELU is not monotone in slope: f′ exceeds 1


@pytest.mark.parametrize("values", widgets.get("ch05.shape").grid(5))
def test_transformed_over_slider_grid(values):
    name, c, a = values["name"], values["shift"], values["scale"]
    z = np.linspace(-5, 5, 201)
    g, dg = S.transformed(name, z, c, a)
    act = S.get_activation(name)
    np.testing.assert_allclose(g, act.f(a * (z - c)))
    # the derivative is a·f′(a(z − c)), checked against finite differences away from kinks
    smooth = np.abs(a * (z - c)) > 1e-3
    numeric = central_difference(lambda v: S.transformed(name, v, c, a)[0], z)
    np.testing.assert_allclose(dg[smooth], numeric[smooth], atol=1e-6 * max(1, a))
    # the largest derivative scales with a
    dense = np.linspace(c - 8 / a, c + 8 / a, 20001)
    assert np.isclose(S.transformed(name, dense, c, a)[1].max(), a * S.properties(name)["max_grad"],
                      rtol=1e-3)
    if name in ("sigmoid", "tanh"):
        assert np.isclose(S.transformed(name, np.array([c]), c, a)[0][0], act.f(0.0))


@pytest.mark.parametrize("values", widgets.get("ch05.shape").grid(3))
def test_shape_panel_draws_transformed_within_fixed_limits(values):
    name, c, a = values["name"], values["shift"], values["scale"]
    fig = panel_figure("ch05.shape", **values)
    ax_f, ax_g = fig.axes
    z = ax_f.get_lines()[0].get_xdata()
    g, dg = S.transformed(name, z, c, a)
    np.testing.assert_allclose(ax_f.get_lines()[0].get_ydata(), g)
    np.testing.assert_allclose(ax_g.get_lines()[0].get_ydata(), dg)
    # the limits depend only on the activation (no rescaling while a slider moves) ...
    fresh = panel_figure("ch05.shape", slot="fresh", name=name)
    assert ax_f.get_ylim() == fresh.axes[0].get_ylim() and ax_g.get_ylim() == fresh.axes[1].get_ylim()
    # ... and the whole derivative with its marked maximum, and a bounded f, stay inside them
    low, high = ax_g.get_ylim()
    assert low < dg.min() and dg.max() < high
    peak = ax_g.get_lines()[2]
    assert np.isclose(peak.get_ydata()[0], dg.max())
    if name in ("sigmoid", "tanh"):
        low, high = ax_f.get_ylim()
        assert low < g.min() and g.max() < high


def test_transformed_rejects_bad_input():
    with pytest.raises(ValueError, match="неизвестная активация 'softsign'"):
        S.transformed("softsign", np.zeros(3))
    with pytest.raises(ValueError, match="конечными"):
        S.transformed("relu", np.zeros(3), shift=np.inf)


def test_merge_linear_equals_stack_of_linear_layers():
    rng = np.random.default_rng(3)
    layers = [nn.Linear(4, 6, rng=1), nn.Linear(6, 5, rng=2), nn.Linear(5, 3, rng=3)]
    X = rng.standard_normal((7, 4))
    merged = S.merge_linear(*layers)
    assert merged.W.shape == (4, 3) and merged.b.shape == (3,)
    np.testing.assert_allclose(merged(X), nn.Sequential(*layers)(X), rtol=1e-12, atol=1e-13)
    two = S.merge_linear(layers[0], layers[1])
    np.testing.assert_allclose(two.W.data, layers[0].W.data @ layers[1].W.data)
    np.testing.assert_allclose(two.b.data, layers[0].b.data @ layers[1].W.data + layers[1].b.data)
    with pytest.raises(ValueError, match="слой 1 ждёт 5 входов, а предыдущий даёт 6"):
        S.merge_linear(layers[0], layers[2])
    with pytest.raises(ValueError, match="должен быть Linear"):
        S.merge_linear(layers[0], nn.ReLU())


@pytest.mark.parametrize("name", ["leaky_relu", "gelu", "silu"])
def test_elementwise_module_backward_passes_gradcheck(name):
    model = nn.Sequential(nn.Linear(3, 4, rng=0), S.Elementwise(name), nn.Linear(4, 2, rng=1))
    X = np.random.default_rng(0).standard_normal((5, 3))
    assert check_module(model, X).max_error < 1e-6


def test_gradient_profile_reads_grad_output_of_each_linear():
    depth = 6
    prof = S.gradient_profile("tanh", depth, width=8, n=16, seed=4)
    assert prof.shape == (depth,) and np.all(prof > 0)
    # rebuild the same network by hand and compare with ∂L/∂z_k computed by the chain rule
    gen = np.random.default_rng(4)
    model = S.deep_stack("tanh", depth, 8, rng=gen)
    X, Y = gen.standard_normal((16, 8)), gen.standard_normal((16, 8))
    zs, a = [], X
    for k in range(depth):
        lin = model[2 * k]
        zs.append(a @ lin.W.data + lin.b.data)
        a = np.tanh(zs[-1])
    g = 2 * (a - Y) / a.size * (1 - a**2)          # ∂L/∂z at the last layer
    manual = [np.sqrt(np.mean(g**2))]
    for k in range(depth - 2, -1, -1):
        g = (g @ model[2 * (k + 1)].W.data.T) * (1 - np.tanh(zs[k]) ** 2)
        manual.append(np.sqrt(np.mean(g**2)))
    np.testing.assert_allclose(prof, manual[::-1], rtol=1e-10)


def test_sigmoid_gradient_vanishes_orders_of_magnitude_faster_than_relu():
    seeds = (0, 1, 2, 3, 4)
    sig = S.mean_gradient_profile("sigmoid", 15, seeds=seeds)
    relu = S.mean_gradient_profile("relu", 15, seeds=seeds)
    assert sig[0] / relu[0] < 1e-4
    assert sig[0] / sig[-1] < 1e-4                # decays through the stack
    assert 0.1 < relu[0] / relu[-1] < 10          # He initialisation keeps ReLU within an order
    # every single seed agrees, not only the average
    for s in seeds:
        assert S.gradient_profile("sigmoid", 15, seed=s)[0] < 1e-3 * S.gradient_profile("relu", 15, seed=s)[0]


def test_mean_profile_is_geometric_mean_and_validated():
    p = S.mean_gradient_profile("relu", 4, seeds=(0, 1))
    single = [S.gradient_profile("relu", 4, seed=s) for s in (0, 1)]
    np.testing.assert_allclose(p, np.sqrt(single[0] * single[1]), rtol=1e-12)
    with pytest.raises(ValueError, match="хотя бы один seed"):
        S.mean_gradient_profile("relu", 4, seeds=())
    with pytest.raises(ValueError, match="init"):
        S.deep_stack("relu", 3, init="orthogonal")
    with pytest.raises(ValueError, match="целое положительное"):
        S.deep_stack("relu", 0)


def test_dead_units_get_no_gradient_and_bad_init_kills_them():
    X = np.random.default_rng(1).standard_normal((256, 32))
    good = [share for s in range(3) for _, share in S.dead_units(S.deep_stack("relu", 3, 32, rng=s), X)]
    assert max(good) < 0.1
    model = S.deep_stack("relu", 3, 32, rng=0, bias=-5.0)
    result = S.dead_units(model, X)
    assert result[0][1] > 0.5 and result[2][1] == 1.0
    loss = nn.MSELoss()
    loss(model(X), np.ones((256, 32)))
    model.backward(loss.backward())
    dead = result[0][0]
    assert np.all(model[0].W.grad[:, dead] == 0) and np.all(model[0].b.grad[dead] == 0)
    with pytest.raises(ValueError, match="нет слоёв ReLU"):
        S.dead_units(nn.Sequential(nn.Linear(2, 2, rng=0)), np.ones((1, 2)))


@pytest.mark.parametrize("values", widgets.get("ch05.depth").grid(4))
def test_depth_panel_profiles(values):
    name, depth = values["name"], values["depth"]
    prof = S.mean_gradient_profile(name, depth, seeds=(0, 1, 2))
    assert prof.shape == (depth,) and np.all(np.isfinite(prof)) and np.all(prof > 0)
    if name == "sigmoid" and depth >= 10:
        assert prof[0] < 1e-3 * S.mean_gradient_profile("relu", depth, seeds=(0, 1, 2))[0]
    fig = panel_figure("ch05.depth", **values)
    line = fig.axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), prof)
    assert list(line.get_xdata()) == list(range(1, depth + 1))
    # every profile fits into the fixed y-range of the panel (nothing is cut off)
    low, high = fig.axes[0].get_ylim()
    for ln in fig.axes[0].get_lines():
        assert low < np.min(ln.get_ydata()) and np.max(ln.get_ydata()) < high


# --- initialisation, operation counts and the training experiments (lib.chapters.activation_training)


def test_init_std_and_deep_stack_scales():
    assert T.init_std("he", 50, 10) == pytest.approx(np.sqrt(2 / 50))
    assert T.init_std("xavier", 50, 10) == pytest.approx(np.sqrt(2 / 60))
    with pytest.raises(ValueError, match="init"):
        T.init_std("default", 3, 3)
    for init, gain in (("he", 1.0), ("xavier", 1.0), ("he", 2.0)):
        model = S.deep_stack("relu", 4, 200, rng=0, init=init, gain=gain)
        W = np.concatenate([m.W.data.ravel() for m in model if isinstance(m, nn.Linear)])
        # 160,000 draws: the sample std is within 1% of the target
        assert W.std() == pytest.approx(gain * S.init_std(init, 200, 200), rel=0.01)


def test_gain_two_explodes_and_xavier_halves_relu():
    grow = S.mean_gradient_profile("relu", 10, seeds=(0, 1, 2), init="he", gain=2.0)
    shrink = S.mean_gradient_profile("relu", 10, seeds=(0, 1, 2), init="xavier")
    assert (grow[0] / grow[-1]) ** (1 / 9) > 1.7          # ≈ 2 per layer
    assert 0.6 < (shrink[0] / shrink[-1]) ** (1 / 9) < 0.8  # ≈ 1/√2 per layer


def test_transcendental_calls_count_exponentials_and_restore_numpy():
    exp = np.exp
    assert T.transcendental_calls("relu") == 0 and T.transcendental_calls("leaky_relu", grad=True) == 0
    assert T.transcendental_calls("sigmoid") == 1 and T.transcendental_calls("tanh", grad=True) == 1
    assert T.transcendental_calls("gelu") == 1 and T.transcendental_calls("gelu", grad=True) == 2
    assert np.exp is exp and A._erfc(0.0) == 1.0              # nothing stays patched


def test_dead_prone_net_has_one_dead_prone_layer():
    model = T.dead_prone_net("relu", -5.0, width=16, seed=1)
    assert np.all(model[0].b.data == -5.0) and np.all(model[2].b.data == 0.0)
    assert len(S.dead_units(model, np.ones((2, 16)))) == 1
    X, Y = np.random.default_rng(0).standard_normal((64, 16)), np.random.default_rng(1).standard_normal((64, 16))
    g_relu, share = T.dead_neuron_gradients("relu", -5.0, X, Y)
    assert g_relu == 0.0 and share > 0.5
    g_leaky, _ = T.dead_neuron_gradients("leaky_relu", -20.0, X, Y)
    g_gelu, _ = T.dead_neuron_gradients("gelu", -20.0, X, Y)
    assert g_leaky > 1e-4 and g_gelu < 1e-50
    assert T.dead_neuron_gradients("relu", 5.0, X, Y) == (0.0, 0.0)  # no dead units: median taken as 0


def test_layer_speeds_shapes_and_digits_net():
    model = T.digits_net("tanh", hidden=2, width=8, init="xavier")
    assert [m.W.shape for m in model if isinstance(m, nn.Linear)] == [(64, 8), (8, 8), (8, 10)]
    assert isinstance(model[-1], nn.Linear)
    run = T.layer_speeds("relu", hidden=2, width=8, epochs=2)
    assert run["speeds"].shape == (2, 3) and run["val_acc"].shape == (2,)
    assert np.all(run["speeds"] > 0) and np.all((0 <= run["val_acc"]) & (run["val_acc"] <= 1))


def test_digits_net_output_layer_uses_the_same_init():
    """The linear output layer of digits_net is drawn with init_std(init, d_in, 10), not always He."""
    for init in ("he", "xavier"):
        # width 4: He sd √(2/4) ≈ 0.71 and Xavier √(2/14) ≈ 0.38 differ by 1.9×; 200 nets × 40 weights
        # give the sd to about 0.8 %, so a 5 % tolerance separates them safely
        out = np.concatenate([T.digits_net("tanh", hidden=1, width=4, init=init, seed=s)[-1].W.data.ravel()
                              for s in range(200)])
        assert np.isclose(np.sqrt(np.mean(out**2)), S.init_std(init, 4, 10), rtol=0.05)
