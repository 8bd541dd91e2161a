"""One module instance in two places of a network is refused; one Parameter shared by two layers works.

lib keeps, in each layer, the cache of its last call only, so a reused instance would get a silently wrong
gradient (a shared ReLU was off by 100 % against PyTorch). The refusal names the positions and the fix.
A Parameter shared by two different Linear layers (weight tying) is correct: each layer has its own cache,
the gradients add up, ``parameters()`` lists it once and SGD steps it once — as in PyTorch.
"""

from __future__ import annotations

import numpy as np
import pytest

from lib import nn, optim
from lib.gradcheck import numerical_gradient


def test_a_reused_relu_is_refused_with_positions_and_fix():
    r = nn.ReLU()
    with pytest.raises(ValueError, match=r"модуль ReLU встречается в сети 2 раза \(позиции 1, 3\).*Создайте отдельный ReLU"):
        nn.Sequential(nn.Linear(3, 4, rng=0), r, nn.Linear(4, 4, rng=1), r, nn.Linear(4, 1, rng=2))


def test_a_reused_linear_is_refused():
    lin = nn.Linear(4, 4, rng=0)
    with pytest.raises(ValueError, match=r"модуль Linear встречается в сети 2 раза"):
        nn.Sequential(nn.Linear(3, 4, rng=1), lin, nn.Tanh(), lin)


def test_reuse_across_nested_sequentials_is_refused():
    r = nn.ReLU()
    inner = nn.Sequential(nn.Linear(2, 2, rng=0), r)
    with pytest.raises(ValueError, match="встречается в сети 2 раза"):
        nn.Sequential(inner, r)


class _Tied(nn.Module):
    """A custom module that stores the same Linear twice: parameters() refuses it."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 3, rng=0)
        self.b = self.a

    def forward(self, x):
        return self.b(self.a(x))


def test_a_custom_module_holding_one_layer_twice_is_refused_by_parameters():
    with pytest.raises(ValueError, match=r"позиции a, b"):
        _Tied().parameters()
    with pytest.raises(ValueError, match="встречается в сети"):
        optim.SGD(_Tied().parameters(), lr=0.1)


def _tied_network():
    first, second = nn.Linear(3, 3, rng=0), nn.Linear(3, 3, rng=1)
    second.W = first.W                       # weight tying: one Parameter in two layers
    return nn.Sequential(first, nn.Tanh(), second, nn.Tanh(), nn.Linear(3, 1, rng=2)), first.W


def test_a_parameter_shared_by_two_layers_is_listed_once_and_its_gradient_is_the_sum():
    model, W = _tied_network()
    params = model.parameters()
    assert sum(p is W for p in params) == 1
    assert len(params) == 5                  # W shared by two layers, the last W, three b
    X = np.random.default_rng(3).standard_normal((5, 3))
    model.zero_grad()
    out = model(X)
    model.backward(np.ones_like(out))

    def loss_of_w(values):
        saved = W.data
        W.data = values
        try:
            return float(np.sum(model(X)))
        finally:
            W.data = saved

    np.testing.assert_allclose(W.grad, numerical_gradient(loss_of_w, W.data), rtol=1e-6, atol=1e-8)


def test_sgd_steps_a_shared_parameter_once():
    model, W = _tied_network()
    opt = optim.SGD(model.parameters(), lr=0.1)
    for p in model.parameters():
        p.grad = np.ones_like(p.data)
    before = W.data.copy()
    opt.step()
    np.testing.assert_allclose(W.data, before - 0.1)


def test_the_tied_gradient_agrees_with_pytorch():
    torch = pytest.importorskip("torch")
    model, W = _tied_network()
    X = np.random.default_rng(4).standard_normal((5, 3))
    model.zero_grad()
    out = model(X)
    model.backward(np.ones_like(out))

    Wt = torch.tensor(W.data, requires_grad=True)
    first, second, last = model[0], model[2], model[4]
    h = torch.tanh(torch.tensor(X) @ Wt + torch.tensor(first.b.data))
    h = torch.tanh(h @ Wt + torch.tensor(second.b.data))
    (h @ torch.tensor(last.W.data) + torch.tensor(last.b.data)).sum().backward()
    np.testing.assert_allclose(W.grad, Wt.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_pytorch_gets_the_gradient_that_a_reused_lib_relu_would_get_wrong():
    """Why the refusal: the old behaviour (cache overwritten) differs from PyTorch's gradient."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    W1, W2 = rng.standard_normal((3, 4)), rng.standard_normal((4, 4))
    X = rng.standard_normal((6, 3))
    Xt, W1t, W2t = torch.tensor(X), torch.tensor(W1, requires_grad=True), torch.tensor(W2)
    torch.relu(torch.relu(Xt @ W1t) @ W2t).sum().backward()
    # the same with two separate lib ReLU instances gives PyTorch's gradient
    a, b = nn.Linear(3, 4, rng=0), nn.Linear(4, 4, rng=0)
    a.W.data, a.b.data, b.W.data, b.b.data = W1.copy(), np.zeros(4), W2.copy(), np.zeros(4)
    model = nn.Sequential(a, nn.ReLU(), b, nn.ReLU())
    out = model(X)
    model.backward(np.ones_like(out))
    np.testing.assert_allclose(a.W.grad, W1t.grad.numpy(), rtol=1e-12, atol=1e-14)
