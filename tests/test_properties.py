"""Property-based tests (hypothesis) of activations and losses over random shapes and values."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from lib import activations as A
from lib import nn

SETTINGS = settings(max_examples=50, deadline=None)
finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
moderate = st.floats(-30, 30, allow_nan=False, allow_infinity=False)


def any_array(elements=finite, min_dims=1, max_dims=3):
    return arrays(np.float64, array_shapes(min_dims=min_dims, max_dims=max_dims, max_side=6), elements=elements)


@SETTINGS
@given(any_array())
def test_elementwise_activations_ranges_and_symmetries(z):
    s, t = A.sigmoid(z), A.tanh(z)
    assert s.shape == z.shape and np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s + A.sigmoid(-z), 1.0, atol=1e-15)     # σ(−z) = 1 − σ(z)
    assert np.all((t >= -1) & (t <= 1))
    np.testing.assert_array_equal(A.tanh(-z), -t)
    r = A.relu(z)
    assert np.all(r >= 0) and np.all(r >= z) and np.all((r == z) | (r == 0))
    # maxima 1/4 and 1 at z = 0, up to one rounding of the last bit
    ulp = 2.0**-52
    g = A.sigmoid_grad(z)
    assert np.all((g >= 0) & (g <= 0.25 * (1 + ulp)))
    assert np.all((A.tanh_grad(z) >= 0) & (A.tanh_grad(z) <= 1 + ulp))
    assert set(np.unique(A.relu_grad(z))) <= {0.0, 1.0}


@SETTINGS
@given(any_array(), st.floats(-1e4, 1e4))
def test_softmax_is_a_distribution_and_shift_invariant(z, c):
    p = A.softmax(z, axis=-1)
    assert np.all(p >= 0) and np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    # adding the same constant to every logit changes nothing (up to rounding of z + c)
    np.testing.assert_allclose(A.softmax(z + c, axis=-1), p, atol=1e-9)
    lp = A.log_softmax(z, axis=-1)
    assert np.all(lp <= 1e-12) and np.all(np.isfinite(lp))
    np.testing.assert_allclose(np.exp(lp), p, atol=1e-12)


@SETTINGS
@given(any_array(moderate))
def test_tanh_is_a_rescaled_sigmoid(z):
    np.testing.assert_allclose(A.tanh(z), 2 * A.sigmoid(2 * z) - 1, atol=1e-14)
    np.testing.assert_allclose(A.tanh_grad(z), 4 * A.sigmoid_grad(2 * z), rtol=1e-12, atol=1e-300)


@st.composite
def pred_target(draw, elements=finite):
    shape = draw(array_shapes(min_dims=1, max_dims=2, max_side=6))
    return draw(arrays(np.float64, shape, elements=elements)), draw(arrays(np.float64, shape, elements=elements))


@SETTINGS
@given(pred_target())
def test_regression_losses(pt):
    pred, target = pt
    for loss in (nn.MSELoss(), nn.MAELoss()):
        value = loss(pred, target)
        grad = loss.backward()
        assert np.isfinite(value) and value >= 0 and grad.shape == pred.shape
        assert loss(target, pred) == value                    # symmetric
        if np.array_equal(pred, target):
            assert value == 0 and np.all(grad == 0)
    # (for MSE a difference of 1e−306 squares to 0, so "0 only if equal" is checked on MAE)
    assert (nn.MAELoss()(pred, target) == 0) == np.array_equal(pred, target)
    np.testing.assert_allclose(nn.MSELoss()(pred, target), np.mean((pred - target) ** 2), rtol=1e-12)
    mae = nn.MAELoss()
    mae(pred, target)
    assert np.all(np.abs(mae.backward()) * pred.size <= 1)


@SETTINGS
@given(any_array(finite, max_dims=2), st.data())
def test_binary_losses_are_finite_nonnegative_and_agree(z, data):
    y = data.draw(arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0])))
    logits = nn.BCEWithLogitsLoss()
    value = logits(z, y)
    grad = logits.backward()
    assert np.isfinite(value) and value >= 0 and np.all(np.isfinite(grad))
    assert np.all(np.abs(grad) * z.size <= 1)                   # |σ(z) − y| ≤ 1
    p = A.sigmoid(z)
    probs = nn.BCELoss()
    v2 = probs(p, y)
    assert np.isfinite(v2) and v2 >= 0 and np.all(np.isfinite(probs.backward()))
    if np.all(np.abs(z) < 30):    # away from the −100 clamp the two losses coincide
        np.testing.assert_allclose(v2, value, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(st.integers(1, 6), st.integers(2, 6), st.data())
def test_cross_entropy_properties(n, K, data):
    z = data.draw(arrays(np.float64, (n, K), elements=finite))
    y = data.draw(arrays(np.int64, (n,), elements=st.integers(0, K - 1)))
    loss = nn.CrossEntropyLoss()
    value = loss(z, y)
    grad = loss.backward()
    assert np.isfinite(value) and value >= 0 and np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)     # softmax − onehot sums to 0
    assert np.all(grad[np.arange(n), y] <= 0)                        # the true class is pushed up
    # the loss never exceeds the worst margin and is at least the log-loss of the best case
    margin = z.max(axis=1) - z[np.arange(n), y]
    assert value <= np.mean(margin) + np.log(K) + 1e-9
    assert value >= np.mean(margin) - 1e-9
