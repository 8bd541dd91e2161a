"""lib.nn modules: Linear, activation layers, Dropout, Sequential; gradient checks and semantics."""

from __future__ import annotations

import numpy as np
import pytest

from lib import nn
from lib.gradcheck import check_module, numerical_gradient, relative_error

SEEDS = [0, 1, 2]


def _away_from_zero(x, margin=1e-3):
    """Moves entries off ReLU's kink so that x ± eps stays on one side of it."""
    return np.where(np.abs(x) < margin, 0.5, x)


# --- gradient checks ------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n,d,H", [(1, 1, 1), (5, 3, 4), (8, 6, 2)])
def test_linear_gradients(seed, n, d, H):
    layer = nn.Linear(d, H, rng=seed)
    x = np.random.default_rng(seed + 100).standard_normal((n, d))
    res = check_module(layer, x, rng=seed)
    assert set(res.errors) == {"x", "W", "b"}
    assert res.max_error < 1e-6, str(res)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(4, 3), (2, 5, 3), (6,)])
@pytest.mark.parametrize("cls", [nn.Sigmoid, nn.Tanh, nn.ReLU])
def test_activation_layer_gradients(seed, shape, cls):
    x = _away_from_zero(np.random.default_rng(seed).normal(0, 2, shape))
    res = check_module(cls(), x, rng=seed)
    assert res.max_error < 1e-6, str(res)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("act", [nn.Sigmoid, nn.Tanh, nn.ReLU])
def test_sequential_mlp_gradients(seed, act):
    model = nn.Sequential(nn.Linear(4, 6, rng=seed), act(), nn.Linear(6, 5, rng=seed + 1), act(),
                          nn.Linear(5, 3, rng=seed + 2))
    x = np.random.default_rng(seed + 7).standard_normal((5, 4))
    res = check_module(model, x, rng=seed)
    assert set(res.errors) == {"x", "0.W", "0.b", "2.W", "2.b", "4.W", "4.b"}
    assert res.max_error < 1e-6, str(res)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_dropout_gradient_with_fixed_mask(seed, p):
    """In training mode, with the mask fixed (same generator state for every forward), the
    backward pass is exact."""
    layer = nn.Dropout(p)
    x = np.random.default_rng(seed).standard_normal((6, 5))
    R = np.random.default_rng(seed + 1).standard_normal((6, 5))

    def forward(xx):
        layer.rng = np.random.default_rng(seed)  # the same mask every time
        return layer(xx)

    forward(x)
    analytic = layer.backward(R)
    numeric = numerical_gradient(lambda xx: np.sum(forward(xx) * R), x)
    assert relative_error(analytic, numeric) < 1e-6
    np.testing.assert_array_equal(analytic, R * layer.mask)


def test_dropout_gradient_in_eval_mode():
    res = check_module(nn.Dropout(0.5, rng=0).eval(), np.random.default_rng(0).standard_normal((4, 3)))
    assert res.max_error < 1e-6


# --- Linear -----------------------------------------------------------------------------------
def test_linear_is_xW_plus_b_with_W_of_shape_d_by_H():
    layer = nn.Linear(3, 4, rng=0)
    assert layer.W.shape == (3, 4) and layer.b.shape == (4,)
    x = np.random.default_rng(1).standard_normal((5, 3))
    np.testing.assert_allclose(layer(x), x @ layer.W.data + layer.b.data, rtol=1e-15)
    # column h of W holds the weights of neuron h
    np.testing.assert_allclose(layer(x)[:, 2], x @ layer.W.data[:, 2] + layer.b.data[2], rtol=1e-14)


@pytest.mark.parametrize("d", [1, 16, 100])
def test_linear_initialisation_is_uniform_with_bound_one_over_sqrt_in(d):
    H = 2000
    layer = nn.Linear(d, H, rng=3)
    bound = 1 / np.sqrt(d)
    for p in (layer.W.data, layer.b.data):
        assert np.all(np.abs(p) <= bound)
        # U(-a, a): mean 0 and variance a²/3; with N values the sample mean has sd a/sqrt(3N)
        N = p.size
        assert abs(p.mean()) < 5 * bound / np.sqrt(3 * N)
        # sample variance of U(-a,a): its sd is a² sqrt(4/45 / N) (fourth moment a⁴/5)
        assert abs(p.var() - bound**2 / 3) < 5 * bound**2 * np.sqrt(4 / 45 / N)
        assert p.max() > 0.9 * bound and p.min() < -0.9 * bound


def test_linear_rng_accepts_seed_or_generator_and_is_reproducible():
    a, b = nn.Linear(4, 3, rng=5), nn.Linear(4, 3, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.W.data, b.W.data)
    np.testing.assert_array_equal(a.b.data, b.b.data)
    assert not np.array_equal(nn.Linear(4, 3, rng=6).W.data, a.W.data)


def test_manual_seed_makes_default_layers_reproducible():
    import lib

    lib.manual_seed(11)
    w1 = nn.Linear(3, 3).W.data
    lib.manual_seed(11)
    np.testing.assert_array_equal(nn.Linear(3, 3).W.data, w1)


# --- Module semantics ----------------------------------------------------------------------------
def _mlp(seed=0):
    return nn.Sequential(nn.Linear(3, 5, rng=seed), nn.Tanh(), nn.Dropout(0.3, rng=seed),
                         nn.Linear(5, 2, rng=seed + 1))


def test_backward_accumulates_and_zero_grad_zeroes():
    model = _mlp().eval()
    x = np.random.default_rng(0).standard_normal((4, 3))
    g = np.random.default_rng(1).standard_normal((4, 2))
    model(x)
    gx1 = model.backward(g)
    once = [p.grad.copy() for p in model.parameters()]
    assert all(np.any(o != 0) for o in once)
    model(x)
    gx2 = model.backward(g)
    np.testing.assert_array_equal(gx1, gx2)   # the input gradient is returned, never accumulated
    for p, o in zip(model.parameters(), once):
        np.testing.assert_allclose(p.grad, 2 * o, rtol=1e-15)
    model.zero_grad()
    for p in model.parameters():
        assert p.grad.shape == p.data.shape and np.all(p.grad == 0)


def test_parameter_starts_with_zero_grad_of_same_shape():
    p = nn.Parameter([[1, 2, 3]])
    assert p.data.dtype == np.float64 and p.grad.shape == (1, 3) and np.all(p.grad == 0)


def test_grad_output_is_kept_on_each_layer():
    model = _mlp().eval()
    x = np.random.default_rng(0).standard_normal((4, 3))
    model(x)
    g = np.ones((4, 2))
    model.backward(g)
    np.testing.assert_array_equal(model[3].grad_output, g)
    np.testing.assert_array_equal(model.grad_output, g)
    # what reached the Dropout (eval: identity) is ∂L/∂(its output) = g Wᵀ of the last layer
    np.testing.assert_allclose(model[2].grad_output, g @ model[3].W.data.T, rtol=1e-15)
    np.testing.assert_allclose(model[1].grad_output, model[2].grad_output, rtol=1e-15)


def test_train_eval_propagate_to_children():
    inner = nn.Sequential(nn.Linear(2, 2, rng=0), nn.Dropout(0.5))
    model = nn.Sequential(inner, nn.ReLU())
    assert model.eval() is model
    assert all(not m.training for m in (model, inner, inner[0], inner[1], model[1]))
    model.train()
    assert all(m.training for m in (model, inner, inner[0], inner[1], model[1]))
    model.train(False)
    assert not inner[1].training


def test_parameters_and_names_like_pytorch():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=0))
    names = [n for n, _ in model.named_parameters()]
    assert names == ["0.W", "0.b", "2.W", "2.b"]
    assert [p.shape for p in model.parameters()] == [(3, 4), (4,), (4, 2), (2,)]
    assert nn.ReLU().parameters() == []


def test_sequential_len_indexing_iteration_and_order():
    layers = [nn.Linear(2, 3, rng=0), nn.Sigmoid(), nn.Linear(3, 1, rng=1)]
    model = nn.Sequential(*layers)
    assert len(model) == 3 and model[0] is layers[0] and model[-1] is layers[2]
    assert list(model) == layers
    assert isinstance(model[:2], nn.Sequential) and len(model[:2]) == 2
    x = np.random.default_rng(0).standard_normal((4, 2))
    np.testing.assert_allclose(model(x), layers[2](layers[1](layers[0](x))), rtol=1e-15)


def test_readable_repr():
    model = nn.Sequential(nn.Linear(64, 128, rng=0), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))
    text = repr(model)
    assert text.splitlines()[0] == "Sequential("
    assert "(0): Linear(in_features=64, out_features=128)" in text
    assert "(1): ReLU()" in text and "(2): Dropout(p=0.2)" in text
    assert repr(model[0].W) == "Parameter(shape=(64, 128))"


@pytest.mark.parametrize("module", [nn.Linear(2, 2, rng=0), nn.ReLU(), nn.Sigmoid(), nn.Tanh(),
                                    nn.Dropout(0.5), nn.Sequential(nn.Linear(2, 2, rng=0))])
def test_backward_before_forward_is_a_runtime_error(module):
    with pytest.raises(RuntimeError, match="до прямого прохода"):
        module.backward(np.ones((1, 2)))


def test_backward_with_wrong_gradient_shape():
    layer = nn.Linear(3, 2, rng=0)
    layer(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"форму выхода \(4, 2\), получена форма \(2, 4\)"):
        layer.backward(np.ones((2, 4)))


# --- Dropout -----------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_zero_fraction_and_mean_within_sampling_error(p):
    N = 200_000
    x = np.full((N // 100, 100), 3.0)
    y = nn.Dropout(p, rng=0)(x)
    zero_frac = np.mean(y == 0)
    # the zero fraction of N Bernoulli(p) draws has standard deviation sqrt(p(1-p)/N)
    assert abs(zero_frac - p) < 5 * np.sqrt(p * (1 - p) / N)
    kept = y[y != 0]
    np.testing.assert_allclose(kept, 3.0 / (1 - p), rtol=1e-15)
    # mean of y = 3·m/(1-p), m ~ Bernoulli(1-p): sd of the sample mean = 3 sqrt(p/(1-p)/N)
    assert abs(y.mean() - 3.0) < 5 * 3.0 * np.sqrt(p / (1 - p) / N)


def test_dropout_is_identity_in_eval_and_for_p_zero():
    x = np.random.default_rng(0).standard_normal((50, 20))
    d = nn.Dropout(0.7, rng=0).eval()
    np.testing.assert_array_equal(d(x), x)
    np.testing.assert_array_equal(d.backward(np.ones_like(x)), np.ones_like(x))
    d0 = nn.Dropout(0.0, rng=0)
    assert d0.training
    np.testing.assert_array_equal(d0(x), x)
    np.testing.assert_array_equal(d0.backward(2 * x), 2 * x)


def test_dropout_masks_differ_between_calls_and_are_seeded():
    x = np.ones((10, 10))
    a, b = nn.Dropout(0.5, rng=1), nn.Dropout(0.5, rng=1)
    y1, y2 = a(x), a(x)
    assert not np.array_equal(y1, y2)
    np.testing.assert_array_equal(b(x), y1)
