"""lib.chapters.digits_debug (chapter 8): the checks made before long training and the classic bugs."""

from __future__ import annotations

import numpy as np
import pytest

from lib import nn
from lib.chapters import digits, digits_debug
from lib.gradcheck import check_module


def test_softmax_layer_is_softmax_and_its_backward_is_the_jacobian_product():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((4, 5))
    a = digits_debug.Softmax()(z)
    np.testing.assert_allclose(a, np.exp(z) / np.exp(z).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    assert check_module(digits_debug.Softmax(), z).max_error < 1e-7
    np.testing.assert_allclose(digits_debug.Softmax()(z + 100.0), a)        # shift-invariant, no overflow


def test_without_a_bug_the_loop_is_fit_to_the_bit():
    h = digits_debug.train_with_bug(None, hidden=16, p=0.2, lr=0.1, epochs=2, seed=3)
    np.testing.assert_equal(h, digits.train_digits(16, 0.2, 0.1, epochs=2, seed=3).history)
    with pytest.raises(ValueError, match="неизвестная ошибка"):
        digits_debug.train_with_bug("no_backward")
    assert set(digits_debug.BUGS) == {None, "softmax", "no_zero_grad", "no_eval"}


def test_softmax_before_the_loss_cannot_go_below_its_floor():
    """Cross-entropy of probabilities q in [0, 1]^K: at least ln(e + K - 1) - 1, reached at one-hot q."""
    K = 10
    floor = np.log(np.e + K - 1) - 1
    assert np.isclose(nn.CrossEntropyLoss()(np.eye(K), np.arange(K)), floor)       # attained
    q = digits_debug.Softmax()(np.random.default_rng(1).standard_normal((500, K)) * 5)
    assert nn.CrossEntropyLoss()(q, np.random.default_rng(2).integers(0, K, 500)) > floor
    h = digits_debug.train_with_bug("softmax", hidden=64, epochs=3)
    assert min(h["train_loss"]) > floor and min(h["val_loss"]) > floor


def test_forgotten_zero_grad_blows_up_and_forgotten_eval_makes_noise():
    h = digits_debug.train_with_bug("no_zero_grad", hidden=32, epochs=3)
    assert h["train_loss"][-1] > 10 * np.log(10) and h["val_acc"][-1] < 0.2
    noisy = digits_debug.train_with_bug("no_eval", hidden=32, p=0.5, epochs=2, seed=1)
    honest = digits_debug.train_with_bug(None, hidden=32, p=0.5, epochs=2, seed=1)
    # same training steps: only the evaluation differs, and dropout during evaluation raises the loss
    assert noisy["train_loss"] != honest["train_loss"]
    assert all(n > h for n, h in zip(noisy["val_loss"], honest["val_loss"]))


def test_divergence_is_reported_with_its_epoch():
    h = digits_debug.train_with_bug(None, hidden=16, lr=1e200, epochs=5)
    assert h["diverged"] == [1] and h["train_loss"] == []


def test_lr_sweep_is_train_digits_per_step_and_marks_divergence():
    losses = digits_debug.lr_sweep([0.001, 0.1], hidden=16, epochs=1)
    assert losses.shape == (2,)
    assert losses[1] == digits.train_digits(16, 0.2, 0.1, epochs=1).history["train_loss"][-1]
    assert np.log(10) - losses[0] < 0.1 < np.log(10) - losses[1]
    assert digits_debug.lr_sweep([1e200], hidden=16, epochs=1)[0] == np.inf


def test_gradient_norms_are_those_of_one_backward_pass():
    data = digits.digits_data()
    X, y = data["X_train"][:64], data["y_train"][:64]
    model = digits.build_model(16, 0.0, rng=0)
    first = digits_debug.gradient_norms(model, X, y)
    again = digits_debug.gradient_norms(model, X, y)              # old gradients are cleared first
    assert first == again and set(first) == {0, 3}
    loss_fn = nn.CrossEntropyLoss()
    loss_fn(model(X), y)
    model.zero_grad()
    model.backward(loss_fn.backward())
    for i in (0, 3):
        assert np.isclose(first[i][0], np.linalg.norm(model[i].W.grad))
        assert np.isclose(first[i][1], np.linalg.norm(model[i].W.data))


def test_dead_relu_share_counts_neurons_silent_on_every_object():
    X = digits.digits_data()["X_train"]
    model = digits.build_model(8, 0.0, rng=0)
    model[0].b.data[:] = 0.0
    model[0].b.data[:3] = -100.0                                   # three neurons can never fire
    assert digits_debug.dead_relu_share(model, X) == 3 / 8
    model[0].b.data[:] = 100.0
    assert digits_debug.dead_relu_share(model, X) == 0.0
    # a dead neuron's weights get no gradient
    model[0].b.data[:] = -100.0
    loss_fn = nn.CrossEntropyLoss()
    loss_fn(model(X[:32]), digits.digits_data()["y_train"][:32])
    model.zero_grad()
    model.backward(loss_fn.backward())
    assert np.all(model[0].W.grad == 0) and np.all(model[0].b.grad == 0)
    with pytest.raises(ValueError, match="Linear → ReLU"):
        digits_debug.dead_relu_share(digits.build_model(0, 0.0), X)
