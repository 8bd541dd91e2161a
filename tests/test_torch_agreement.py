"""Agreement with PyTorch in float64 (forward and backward, rtol 1e-10).

PyTorch is not needed by the course: these tests are skipped when it is absent. CI installs the CPU
build (``.ci/run``), so they run there.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch не установлен: сверка с ним пропущена (курсу он не нужен)")

from lib import activations as A  # noqa: E402
from lib import nn, optim  # noqa: E402

RTOL = 1e-10
SEEDS = [0, 1, 2]


def t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=grad)


def close(ours, theirs, atol=0.0):
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=RTOL, atol=atol)


@pytest.mark.parametrize("seed", SEEDS)
def test_activations(seed):
    z = np.random.default_rng(seed).normal(0, 5, (4, 6))
    z[0, :3] = [1e4, -1e4, 0.0]
    for ours, theirs in ((A.sigmoid, torch.sigmoid), (A.tanh, torch.tanh), (A.relu, torch.relu),
                         (A.softmax, lambda x: torch.softmax(x, -1)),
                         (A.log_softmax, lambda x: torch.log_softmax(x, -1))):
        close(ours(z), theirs(t(z)), atol=1e-300)
    close(A.softmax(z, axis=0), torch.softmax(t(z), 0), atol=1e-300)
    for ours, theirs in ((A.sigmoid_grad, torch.sigmoid), (A.tanh_grad, torch.tanh), (A.relu_grad, torch.relu)):
        x = t(z, grad=True)
        theirs(x).sum().backward()
        # PyTorch computes y(1 − y) and 1 − y² from the rounded output y: near saturation that
        # subtraction loses the relative precision, its absolute error stays ≈ 2·2⁻⁵³ < 1e−15
        close(ours(z), x.grad, atol=1e-15)


def _torch_linear(layer):
    lin = torch.nn.Linear(layer.in_features, layer.out_features, dtype=torch.float64)
    with torch.no_grad():
        lin.weight.copy_(t(layer.W.data.T))   # PyTorch keeps W transposed: (out, in)
        lin.bias.copy_(t(layer.b.data))
    return lin


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("act", ["Sigmoid", "Tanh", "ReLU"])
def test_mlp_forward_and_backward(seed, act):
    rng = np.random.default_rng(seed)
    ours = nn.Sequential(nn.Linear(5, 7, rng=seed), getattr(nn, act)(), nn.Linear(7, 3, rng=seed + 1))
    theirs = torch.nn.Sequential(_torch_linear(ours[0]), getattr(torch.nn, act)(), _torch_linear(ours[2]))
    x = rng.standard_normal((6, 5))
    g = rng.standard_normal((6, 3))
    xt = t(x, grad=True)
    out_t = theirs(xt)
    out_t.backward(t(g))
    close(ours(x), out_t)
    close(ours.backward(g), xt.grad)
    for i in (0, 2):
        close(ours[i].W.grad, theirs[i].weight.grad.T)
        close(ours[i].b.grad, theirs[i].bias.grad)


def test_dropout_in_eval_and_with_p_zero_like_pytorch():
    x = np.random.default_rng(0).standard_normal((5, 4))
    close(nn.Dropout(0.5, rng=0).eval()(x), torch.nn.Dropout(0.5).eval()(t(x)))
    close(nn.Dropout(0.0, rng=0)(x), torch.nn.Dropout(0.0).train()(t(x)))


def test_dropout_training_matches_pytorch_given_the_same_mask():
    """PyTorch draws its own mask; we compare the formula y = x·m/(1 − p) and the backward using
    the mask PyTorch drew (read off where its output is zero)."""
    torch.manual_seed(0)
    p = 0.3
    x = np.random.default_rng(0).uniform(1, 2, (40, 30))   # nonzero, so zeros mark dropped entries
    xt = t(x, grad=True)
    yt = torch.nn.functional.dropout(xt, p=p, training=True)
    yt.backward(t(np.ones_like(x)))
    keep = (yt.detach().numpy() != 0)
    close(x * keep / (1 - p), yt)
    layer = nn.Dropout(p, rng=0)
    layer(x)
    layer.mask = keep / (1 - p)   # impose PyTorch's mask on our layer
    close(layer.backward(np.ones_like(x)), xt.grad)


def _compare_loss(ours, theirs, pred, target, target_t=None):
    pt = t(pred, grad=True)
    tt = t(target) if target_t is None else target_t
    value_t = theirs(pt, tt)
    value_t.backward()
    assert ours(pred, target) == pytest.approx(value_t.item(), rel=RTOL)
    close(ours.backward(), pt.grad)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(6,), (5, 1), (3, 4)])
def test_regression_and_binary_losses(seed, shape):
    rng = np.random.default_rng(seed)
    pred, target = rng.standard_normal(shape), rng.standard_normal(shape)
    _compare_loss(nn.MSELoss(), torch.nn.MSELoss(), pred, target)
    _compare_loss(nn.MAELoss(), torch.nn.L1Loss(), pred, target)
    tie = pred.copy()
    tie.flat[0] = target.flat[0]      # the gradient at a zero difference: 0 in both
    _compare_loss(nn.L1Loss(), torch.nn.L1Loss(), tie, target)
    z = rng.normal(0, 3, shape)
    y = rng.integers(0, 2, shape).astype(float)
    _compare_loss(nn.BCEWithLogitsLoss(), torch.nn.BCEWithLogitsLoss(), z, y)
    _compare_loss(nn.BCELoss(), torch.nn.BCELoss(), 1 / (1 + np.exp(-z)), y)
    soft = rng.uniform(0, 1, shape)
    _compare_loss(nn.BCELoss(), torch.nn.BCELoss(), 1 / (1 + np.exp(-z)), soft)


def test_bce_at_the_edges_and_huge_logits():
    p = np.array([0.0, 1.0, 0.0, 1.0, 1e-30, 1 - 1e-16])
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    _compare_loss(nn.BCELoss(), torch.nn.BCELoss(), p, y)
    z = np.array([1e4, -1e4, 1e4, -1e4, 0.0])
    yz = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    _compare_loss(nn.BCEWithLogitsLoss(), torch.nn.BCEWithLogitsLoss(), z, yz)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n,K", [(1, 2), (7, 3), (16, 10)])
def test_cross_entropy(seed, n, K):
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 3, (n, K))
    y = rng.integers(0, K, n)
    _compare_loss(nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), z, y, torch.tensor(y))
    z[0] = [1e4] + [-1e4] * (K - 1)
    _compare_loss(nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), z, y, torch.tensor(y))


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_several_steps_of_training(momentum):
    rng = np.random.default_rng(0)
    ours = nn.Sequential(nn.Linear(4, 8, rng=0), nn.Tanh(), nn.Linear(8, 3, rng=1))
    theirs = torch.nn.Sequential(_torch_linear(ours[0]), torch.nn.Tanh(), _torch_linear(ours[2]))
    opt = optim.SGD(ours.parameters(), lr=0.1, momentum=momentum)
    opt_t = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=momentum)
    loss, loss_t = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    for _ in range(6):
        X = rng.standard_normal((10, 4))
        y = rng.integers(0, 3, 10)
        value = loss(ours(X), y)
        opt.zero_grad()
        ours.backward(loss.backward())
        opt.step()
        opt_t.zero_grad()
        value_t = loss_t(theirs(t(X)), torch.tensor(y))
        value_t.backward()
        opt_t.step()
        assert value == pytest.approx(value_t.item(), rel=RTOL)
    for i in (0, 2):
        close(ours[i].W.data, theirs[i].weight.T)
        close(ours[i].b.data, theirs[i].bias)


def test_autograd_value_against_torch():
    from lib.autograd import Value

    a, b = Value(0.7), Value(-1.3)
    out = ((a * b + b**2).tanh() + (a / b).sigmoid() * a.exp() - (a + 2.0).log() + b.relu() + (a - b).relu())
    out.backward()
    at, bt = t(0.7, grad=True), t(-1.3, grad=True)
    ot = ((at * bt + bt**2).tanh() + torch.sigmoid(at / bt) * at.exp() - (at + 2.0).log()
          + torch.relu(bt) + torch.relu(at - bt))
    ot.backward()
    assert out.data == pytest.approx(ot.item(), rel=RTOL)
    assert a.grad == pytest.approx(at.grad.item(), rel=RTOL)
    assert b.grad == pytest.approx(bt.grad.item(), rel=RTOL)
