"""lib.activations: formulas, derivatives against central differences, stability at ±1e4."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lib import activations as A
from lib.gradcheck import numerical_gradient

SHAPES = [(7,), (3, 4), (2, 3, 5)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", [0, 1])
def test_formulas_match_the_textbook_definitions(shape, seed):
    z = np.random.default_rng(seed).normal(0, 3, shape)
    np.testing.assert_allclose(A.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14)
    np.testing.assert_allclose(A.tanh(z), (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)), rtol=1e-12)
    np.testing.assert_array_equal(A.relu(z), np.where(z > 0, z, 0.0))
    e = np.exp(z)
    np.testing.assert_allclose(A.softmax(z), e / e.sum(axis=-1, keepdims=True), rtol=1e-13)
    np.testing.assert_allclose(A.softmax(z, axis=0), e / e.sum(axis=0, keepdims=True), rtol=1e-13)
    np.testing.assert_allclose(A.log_softmax(z), np.log(e / e.sum(axis=-1, keepdims=True)), atol=1e-13)
    for f in (A.sigmoid, A.tanh, A.relu, A.softmax, A.log_softmax,
              A.sigmoid_grad, A.tanh_grad, A.relu_grad):
        assert f(z).shape == z.shape


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_derivatives_match_central_differences(shape, seed):
    z = np.random.default_rng(seed).normal(0, 2, shape)
    z = np.where(np.abs(z) < 1e-3, 0.5, z)   # keep ReLU's kink farther than eps from every point
    for f, df in ((A.sigmoid, A.sigmoid_grad), (A.tanh, A.tanh_grad), (A.relu, A.relu_grad)):
        # the function is elementwise, so the gradient of sum(f(z)) is f'(z)
        numeric = numerical_gradient(lambda zz: np.sum(f(zz)), z)
        np.testing.assert_allclose(df(z), numeric, rtol=1e-6, atol=1e-8)


def test_derivative_identities_and_relu_at_zero():
    z = np.linspace(-4, 4, 81)
    s, t = A.sigmoid(z), A.tanh(z)
    # the naive forms lose ~eps/(1 − t²) ≤ 2.2e−16/1.3e−3 ≈ 2e−13 of relative precision on [−4, 4]
    np.testing.assert_allclose(A.sigmoid_grad(z), s * (1 - s), rtol=1e-12)
    np.testing.assert_allclose(A.tanh_grad(z), 1 - t**2, rtol=1e-12)
    assert A.sigmoid_grad(0.0) == 0.25 and A.tanh_grad(0.0) == 1.0
    assert A.relu_grad(0.0) == 0.0 and A.relu_grad(-1e-300) == 0.0 and A.relu_grad(1e-300) == 1.0


@pytest.mark.parametrize("big", [1e2, 1e3, 1e4])
def test_no_overflow_nan_or_inf_up_to_1e4(big):
    z = np.array([[-big, -1.0, 0.0, 1.0, big]])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        outs = [f(z) for f in (A.sigmoid, A.sigmoid_grad, A.tanh, A.tanh_grad, A.relu, A.relu_grad,
                               A.softmax, A.log_softmax)]
    for out in outs:
        assert np.all(np.isfinite(out))
    s = A.sigmoid(z)[0]
    assert s[0] >= 0 and s[-1] <= 1 and s[2] == 0.5
    sm = A.softmax(z)[0]
    assert np.isclose(sm.sum(), 1.0) and sm[-1] == pytest.approx(1.0)
    # log softmax of the largest logit is log(1 + sum of tiny terms): ~0, not -inf or nan
    assert A.log_softmax(z)[0, -1] == pytest.approx(0.0, abs=1e-12)
    assert A.log_softmax(z)[0, 0] == pytest.approx(-2 * big, rel=1e-12)


def test_sigmoid_keeps_relative_precision_for_large_negative_inputs():
    # the naive 1/(1+e^{-z}) is fine here, but 1 - sigmoid(-z) would give 0: we keep e^{z}
    z = np.array([-30.0, -300.0, -700.0])
    np.testing.assert_allclose(A.sigmoid(z), np.exp(z), rtol=1e-12)


def test_derivatives_keep_relative_precision_in_saturation():
    """σ′ and tanh′ far from 0 are tiny but not zero; 1 − σ or 1 − tanh² would round them away."""
    z = np.array([-300.0, -40.0, -9.0, 3.0, 9.0, 17.0, 40.0, 300.0])
    np.testing.assert_allclose(A.tanh_grad(z), 1.0 / np.cosh(z) ** 2, rtol=1e-14)
    np.testing.assert_allclose(A.sigmoid_grad(z), 1.0 / (4.0 * np.cosh(z / 2) ** 2), rtol=1e-14)
    assert np.all(A.sigmoid_grad(z) > 0) and np.all(A.tanh_grad(z) > 0)


def test_gelu_keeps_relative_precision_in_the_left_tail():
    """Φ(z) from erfc: (1 + erf(z/√2))/2 would cancel to exactly 0 for z ≲ −8.3."""
    import math

    z = np.array([-8.3, -10.0, -20.0, -30.0])
    reference = np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in z])
    # Φ to 30 digits (mpmath.ncdf), an independent check of math.erfc itself
    exact = np.array([5.20556974489025402457516576653e-17, 7.6198530241605260659733432516e-24,
                      2.75362411860623369507562278086e-89])
    # rounding z/√2 costs a relative error of about z²·eps in erfc: 400 · 2.2e-16 ≈ 1e-13 at z = −20
    np.testing.assert_allclose(reference[:3], exact, rtol=1e-13)
    np.testing.assert_allclose(A.gelu(z), z * reference, rtol=1e-15)
    assert np.all(A.gelu(z) < 0)                     # a tiny negative number, not zero
    # GELU′(z) = Φ(z) + zφ(z): the two terms differ in size, so the tail keeps its precision too
    phi = np.exp(-0.5 * z**2) / math.sqrt(2.0 * math.pi)
    np.testing.assert_allclose(A.gelu_grad(z), reference + z * phi, rtol=1e-14)
    assert np.all(A.gelu_grad(z) < 0)
    # scalars, empty arrays and shapes still work
    assert A.gelu(np.zeros((0, 3))).shape == (0, 3) and float(A.gelu(-10.0)) == float(-10.0 * reference[1])
