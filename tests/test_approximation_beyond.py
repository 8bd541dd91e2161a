"""lib.chapters.approximation_beyond (chapter 2): one shared bias, no bias at all, the Maurey–Barron rate,
depth against width."""

from __future__ import annotations

import numpy as np
import pytest

from lib.activations import relu, sigmoid
from lib.chapters import approximation as A
from lib.chapters import approximation_beyond as B


def fine_grid(H: int, per_piece: int = 200) -> np.ndarray:
    return np.union1d(np.linspace(0.0, 1.0, H * per_piece + 1), (np.arange(H) + 0.5) / H)


# --- one shared bias ---------------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(A.TARGETS))
@pytest.mark.parametrize("H", [1, 2, 7, 40])
@pytest.mark.parametrize("b_shared", [0.5, 5.0, 60.0, 4000.0])
def test_shared_bias_network_obeys_the_same_bound(key, H, b_shared):
    t = A.TARGETS[key]
    W, b, alpha = B.shared_bias_network(t.f, H, b_shared)
    assert W.shape == (1, H) and b.shape == (H,) and alpha.shape == (H,)
    assert np.all(b == b_shared)                                       # one bias for every neuron
    assert W[0, 0] == 0.0 and np.all(np.abs(W[0, 1:]) >= b_shared)     # each step at least as steep as b
    err = A.sup_error(t.f, W, b, alpha, fine_grid(H, 4000 // H + 1))
    assert err <= A.error_bound(H, b_shared, t.lipschitz) * (1 + 1e-9)


def test_shared_bias_steps_sit_at_the_edges_and_the_constant_is_exact():
    H, b_shared = 6, 30.0
    W, b, alpha = B.shared_bias_network(lambda x: np.full_like(x, -1.25), H, b_shared)
    np.testing.assert_allclose(-b[1:] / W[0, 1:], np.arange(1, H) / H, rtol=1e-15)   # thresholds u_j
    assert np.all(alpha[1:] == 0.0)
    np.testing.assert_allclose(A.network(np.linspace(0, 1, 101), W, b, alpha), -1.25, rtol=1e-15, atol=0)


def test_shared_bias_staircase_for_steep_steps():
    t = A.TARGETS["kink"]
    H = 5
    W, b, alpha = B.shared_bias_network(t.f, H, 1e5)
    x = np.array([0.05, 0.3, 0.5, 0.7, 0.95])          # one point inside each piece, off the edges
    np.testing.assert_allclose(A.network(x, W, b, alpha), A.midpoint_values(t.f, H), atol=1e-12)


def test_shared_bias_errors():
    with pytest.raises(ValueError, match="общий сдвиг b"):
        B.shared_bias_network(np.sin, 3, 0.0)
    with pytest.raises(ValueError, match="общий сдвиг b"):
        B.shared_bias_network(np.sin, 3, float("nan"))


# --- no bias at all ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_without_biases_the_network_is_a_constant_plus_an_odd_function(seed):
    rng = np.random.default_rng(seed)
    H = int(rng.integers(1, 200))
    W, alpha = rng.normal(0, 20, (1, H)), rng.normal(size=H)
    x = np.linspace(-1, 1, 401)
    y = A.network(x, W, np.zeros(H), alpha)
    np.testing.assert_allclose(y + y[::-1], alpha.sum(), atol=1e-12 * H)   # ŷ(x) + ŷ(−x) = Σα


def test_without_biases_x_squared_keeps_the_error_of_one_half():
    x = np.linspace(-1, 1, 2001)
    W = np.linspace(-40, 40, 161)[None, :]
    alpha = B.fit_alpha(x, x**2, W, np.zeros(161))
    e = A.network(x, W, np.zeros(161), alpha) - x**2
    assert max(abs(e[1000]), abs(e[0]), abs(e[-1])) >= 0.5 - 1e-12   # at x = 0, ±1 already
    # the same neurons with biases do approximate x² (the dictionary is rich enough)
    b = np.random.default_rng(0).uniform(-40, 40, 161)
    alpha_b = B.fit_alpha(x, x**2, W, b)
    assert np.abs(A.network(x, W, b, alpha_b) - x**2).max() < 1e-6


def test_fit_alpha_recovers_output_weights_it_can_represent():
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (300, 2))
    W, b, alpha = rng.normal(size=(2, 8)), rng.normal(size=8), rng.normal(size=8)
    np.testing.assert_allclose(B.fit_alpha(X, A.network(X, W, b, alpha), W, b), alpha, atol=1e-9)


# --- Maurey–Barron -----------------------------------------------------------------------------

def test_random_steps_are_an_unbiased_average_of_steps():
    X = np.random.default_rng(1).uniform(size=(50, 7))
    H = 16
    preds = np.array([B.random_steps_mean(X, H, rng=s) for s in range(4000)])
    assert np.all(np.isin(np.round(preds * H), np.arange(H + 1)))   # an average of H indicators
    # mean over draws → f(x) = mean of the coordinates; 6 standard errors of a Bernoulli mean
    se = np.sqrt(0.25 / H / len(preds))
    assert np.max(np.abs(preds.mean(axis=0) - X.mean(axis=1))) < 6 * se
    # variance over draws → f(1 − f)/H at each point
    f = X.mean(axis=1)
    np.testing.assert_allclose(preds.var(axis=0), f * (1 - f) / H, rtol=0.15)


@pytest.mark.parametrize("d", [1, 10, 100])
def test_random_steps_mse_matches_the_formula_and_is_free_of_d(d):
    X = np.random.default_rng(2).uniform(size=(500, d))
    for H in (4, 64):
        mse = [np.mean((B.random_steps_mean(X, H, rng=s) - X.mean(axis=1)) ** 2) for s in range(200)]
        theory = B.random_steps_mse(X, H)
        assert abs(np.mean(mse) - theory) < 5 * np.std(mse, ddof=1) / np.sqrt(len(mse))
        assert theory <= 1 / (4 * H)


def test_random_steps_errors():
    with pytest.raises(ValueError, match=r"\(n, d\)"):
        B.random_steps_mean(np.ones(5), 3)
    with pytest.raises(ValueError, match="H: ожидалось целое положительное"):
        B.random_steps_mean(np.ones((5, 2)), 0)


# --- depth against width -----------------------------------------------------------------------

def tent(x):
    return 2 * np.minimum(x, 1 - x)


@pytest.mark.parametrize("D", [1, 2, 3, 6, 10])
def test_tent_network_computes_the_composed_tent_with_2D_neurons(D):
    net = B.tent_network(D)
    hidden = [layer for layer in net if hasattr(layer, "W")][:-1]
    assert len(hidden) == D and all(layer.W.data.shape[1] == 2 for layer in hidden)
    x = np.linspace(0, 1, 2**D * 8 + 1)
    expected = x.copy()
    for _ in range(D):
        expected = tent(expected)
    np.testing.assert_allclose(net(x[:, None])[:, 0], expected, atol=1e-12)
    assert B.count_pieces(x, expected) == 2**D


def test_tent_is_two_relus():
    x = np.linspace(0, 1, 101)
    np.testing.assert_allclose(2 * relu(x) - 4 * relu(x - 0.5), tent(x), atol=1e-15)


@pytest.mark.parametrize("seed", range(6))
def test_one_relu_layer_has_at_most_H_plus_1_pieces(seed):
    rng = np.random.default_rng(seed)
    H = int(rng.integers(1, 40))
    w, b, a = rng.normal(size=H), rng.normal(size=H), rng.normal(size=H)
    x = np.union1d(np.linspace(-4, 4, 801), -b / w)
    y = A.network(x, w[None, :], b, a, activation=relu)
    assert B.count_pieces(x, y, tol=1e-6) <= H + 1


def test_count_pieces_on_known_functions():
    x = np.linspace(-1, 1, 201)
    assert B.count_pieces(x, 3 * x + 1) == 1
    assert B.count_pieces(x, np.abs(x)) == 2
    assert B.count_pieces(x, np.clip(x, -0.5, 0.5)) == 3


def test_sigmoid_is_the_default_activation():
    W, b, alpha = B.shared_bias_network(np.sin, 4, 10.0)
    assert alpha[0] == np.sin(7 / 8) / sigmoid(10.0)
