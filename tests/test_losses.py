"""lib.nn losses: values by their formulas, gradients by central differences, stability."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lib import nn
from lib.activations import sigmoid
from lib.gradcheck import numerical_gradient, relative_error

SEEDS = [0, 1, 2]
REG_SHAPES = [(5,), (4, 1), (3, 4)]


def _grad_error(loss_fn, pred, target):
    value = loss_fn(pred, target)
    assert isinstance(value, float)
    analytic = loss_fn.backward()
    assert analytic.shape == pred.shape
    numeric = numerical_gradient(lambda p: loss_fn(p, target), pred)
    return relative_error(analytic, numeric)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", REG_SHAPES)
def test_regression_losses_values_and_gradients(seed, shape):
    rng = np.random.default_rng(seed)
    pred, target = rng.standard_normal(shape), rng.standard_normal(shape)
    diff = pred - target
    assert nn.MSELoss()(pred, target) == pytest.approx(np.sum(diff**2) / diff.size, rel=1e-14)
    assert nn.MAELoss()(pred, target) == pytest.approx(np.sum(np.abs(diff)) / diff.size, rel=1e-14)
    assert _grad_error(nn.MSELoss(), pred, target) < 1e-6
    # |diff| > 1e-3 almost surely here; MAE is smooth away from diff = 0
    assert np.min(np.abs(diff)) > 1e-5
    assert _grad_error(nn.MAELoss(), pred, target) < 1e-6


def test_mae_gradient_is_sign_over_N_and_zero_at_zero():
    loss = nn.L1Loss()
    assert nn.L1Loss is nn.MAELoss
    pred = np.array([1.0, 2.0, 3.0, 4.0])
    target = np.array([0.0, 2.0, 5.0, 4.0])
    loss(pred, target)
    np.testing.assert_array_equal(loss.backward(), np.array([1.0, 0.0, -1.0, 0.0]) / 4)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", REG_SHAPES)
def test_binary_losses_values_and_gradients(seed, shape):
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 2, shape)
    p = np.clip(sigmoid(z), 0.02, 0.98)
    y = rng.integers(0, 2, shape).astype(float)
    N = p.size
    expected = -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / N
    assert nn.BCELoss()(p, y) == pytest.approx(expected, rel=1e-13)
    assert _grad_error(nn.BCELoss(), p, y) < 1e-6
    expected_logits = -np.sum(y * np.log(sigmoid(z)) + (1 - y) * np.log(1 - sigmoid(z))) / N
    assert nn.BCEWithLogitsLoss()(z, y) == pytest.approx(expected_logits, rel=1e-12)
    assert _grad_error(nn.BCEWithLogitsLoss(), z, y) < 1e-6
    # soft targets in [0, 1] are allowed, as in PyTorch
    soft = rng.uniform(0, 1, shape)
    assert _grad_error(nn.BCELoss(), p, soft) < 1e-6
    assert _grad_error(nn.BCEWithLogitsLoss(), z, soft) < 1e-6


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n,K", [(1, 2), (5, 3), (8, 10)])
def test_cross_entropy_value_and_gradient(seed, n, K):
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 2, (n, K))
    y = rng.integers(0, K, n)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss = nn.CrossEntropyLoss()
    assert loss(z, y) == pytest.approx(-np.mean(np.log(p[np.arange(n), y])), rel=1e-13)
    onehot = np.eye(K)[y]
    np.testing.assert_allclose(loss.backward(), (p - onehot) / n, rtol=1e-12, atol=1e-17)
    assert _grad_error(nn.CrossEntropyLoss(), z, y) < 1e-6


def test_backward_scales_by_grad_output_and_keeps_it():
    loss = nn.MSELoss()
    loss(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    g = loss.backward()
    np.testing.assert_allclose(loss.backward(3.0), 3 * g)
    assert loss.grad_output == 3.0


def test_loss_backward_before_call_is_a_runtime_error():
    for cls in (nn.MSELoss, nn.MAELoss, nn.BCELoss, nn.BCEWithLogitsLoss, nn.CrossEntropyLoss):
        with pytest.raises(RuntimeError, match="до вычисления потерь"):
            cls().backward()


# --- stability ----------------------------------------------------------------------------------
def _quiet(fn):
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        return fn()


def test_bce_at_probabilities_zero_and_one_is_finite_with_log_clamped_at_minus_100():
    p = np.array([0.0, 1.0, 0.0, 1.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    loss = nn.BCELoss()
    value = _quiet(lambda: loss(p, y))
    grad = _quiet(loss.backward)
    # two exact predictions cost 0, two confidently wrong ones cost 100 each (clamped log)
    assert value == pytest.approx((0 + 0 + 100 + 100) / 4)
    assert np.all(np.isfinite(grad))
    assert grad[0] == 0 and grad[1] == 0
    # PyTorch's clamp of the gradient: (p − y)/max(p(1 − p), 1e−12)/N
    # (1e−12 is PyTorch's EPSILON, a float32 constant)
    np.testing.assert_allclose(grad[2:], np.array([-1.0, 1.0]) / float(np.float32(1e-12)) / 4, rtol=1e-15)


@pytest.mark.parametrize("big", [1e2, 1e3, 1e4])
def test_logit_losses_are_finite_for_huge_logits(big):
    z = np.array([[big, -big], [-big, big], [big, 0.0]])
    y = np.array([0, 0, 1])
    ce = nn.CrossEntropyLoss()
    value = _quiet(lambda: ce(z, y))
    grad = _quiet(ce.backward)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    # sample 0 is right with margin 2·big (loss ≈ e^{-2 big}), sample 1 is wrong by 2·big,
    # sample 2 by big: the mean is (0 + 2 big + big)/3 = big
    assert value == pytest.approx(big, rel=1e-12)
    zz = np.array([big, -big, big, -big])
    yy = np.array([1.0, 0.0, 0.0, 1.0])
    bce = nn.BCEWithLogitsLoss()
    value = _quiet(lambda: bce(zz, yy))
    grad = _quiet(bce.backward)
    assert value == pytest.approx(2 * big / 4, rel=1e-12)
    # (σ(z) − y)/N: the two right answers leave at most e^{−big}/4 ≤ e^{−100}/4 < 1e−44
    np.testing.assert_allclose(grad, np.array([0.0, 0.0, 1.0, -1.0]) / 4, rtol=1e-15, atol=1e-44)


def test_bce_with_logits_equals_bce_of_sigmoid():
    rng = np.random.default_rng(3)
    z = rng.normal(0, 3, (10, 1))
    y = rng.integers(0, 2, (10, 1)).astype(float)
    a, b = nn.BCEWithLogitsLoss(), nn.BCELoss()
    assert a(z, y) == pytest.approx(b(sigmoid(z), y), rel=1e-12)
    # chain rule: ∂L/∂z = ∂L/∂p · σ'(z)
    np.testing.assert_allclose(a.backward(), b.backward() * sigmoid(z) * (1 - sigmoid(z)), rtol=1e-10)
