"""lib.optim.SGD: the update rule, with and without momentum (PyTorch's convention)."""

from __future__ import annotations

import numpy as np
import pytest

from lib import nn, optim


def _params(seed=0):
    rng = np.random.default_rng(seed)
    return [nn.Parameter(rng.standard_normal((3, 2))), nn.Parameter(rng.standard_normal(2))]


def test_plain_step_is_theta_minus_lr_times_grad():
    params = _params()
    rng = np.random.default_rng(1)
    before = [p.data.copy() for p in params]
    grads = [rng.standard_normal(p.shape) for p in params]
    for p, g in zip(params, grads):
        p.grad = g.copy()
    opt = optim.SGD(params, lr=0.3)
    opt.step()
    for p, b, g in zip(params, before, grads):
        np.testing.assert_allclose(p.data, b - 0.3 * g, rtol=1e-15)


@pytest.mark.parametrize("momentum", [0.5, 0.9])
def test_momentum_recursion_over_several_steps(momentum):
    """v_1 = g_1 (no dampening on the first step), v_t = μ v_{t−1} + g_t, θ_t = θ_{t−1} − η v_t."""
    params = _params()
    opt = optim.SGD(params, lr=0.1, momentum=momentum)
    rng = np.random.default_rng(2)
    theta = [p.data.copy() for p in params]
    v = [None, None]
    for _ in range(5):
        opt.zero_grad()
        for i, p in enumerate(params):
            g = rng.standard_normal(p.shape)
            p.grad += g
            v[i] = g if v[i] is None else momentum * v[i] + g
            theta[i] = theta[i] - 0.1 * v[i]
        opt.step()
        for p, t in zip(params, theta):
            np.testing.assert_allclose(p.data, t, rtol=1e-13)


def test_first_momentum_step_equals_plain_step():
    a, b = _params(), _params()
    for p, q in zip(a, b):
        p.grad = np.ones(p.shape)
        q.grad = np.ones(q.shape)
    optim.SGD(a, lr=0.2, momentum=0.9).step()
    optim.SGD(b, lr=0.2).step()
    for p, q in zip(a, b):
        np.testing.assert_array_equal(p.data, q.data)


def test_zero_grad_zeroes_every_parameter_and_step_uses_current_grads():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 1, rng=1))
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss = nn.MSELoss()
    X = np.random.default_rng(0).standard_normal((8, 3))
    y = np.zeros((8, 1))
    loss(model(X), y)
    model.backward(loss.backward())
    assert any(np.any(p.grad != 0) for p in model.parameters())
    opt.zero_grad()
    assert all(np.all(p.grad == 0) for p in model.parameters())
    before = [p.data.copy() for p in model.parameters()]
    opt.step()   # zero gradients: nothing moves
    for p, b in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.data, b)


def test_gradient_descent_decreases_a_quadratic():
    """θ ← θ − η∇L on L = ||θ − c||²: with η = 0.1 the distance shrinks by exactly 0.8 per step."""
    c = np.array([1.0, -2.0])
    p = nn.Parameter([5.0, 5.0])
    opt = optim.SGD([p], lr=0.1)
    d0 = np.linalg.norm(p.data - c)
    for _ in range(10):
        opt.zero_grad()
        p.grad += 2 * (p.data - c)
        opt.step()
    assert np.linalg.norm(p.data - c) == pytest.approx(0.8**10 * d0, rel=1e-12)
    assert "SGD(lr=0.1, momentum=0.0" in repr(opt)
