"""lib.training: the four-step scheme, its history, and evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from lib import data, nn, optim, training


class _Frozen:
    """An optimizer that never moves the weights: then every epoch sees the same model."""

    def zero_grad(self):
        pass

    def step(self):
        pass


def _mlp(seed=0, d=2, out=1):
    return nn.Sequential(nn.Linear(d, 16, rng=seed), nn.Tanh(), nn.Linear(16, out, rng=seed + 1))


def test_history_of_regression_and_decreasing_loss():
    X, y = data.noisy_function(np.sin, n=200, noise=0.05, low=-3, high=3, rng=0)
    model = _mlp(d=1)
    h = training.fit(model, nn.MSELoss(), optim.SGD(model.parameters(), 0.05, momentum=0.9), X, y,
                     epochs=30, batch_size=16, rng=0, X_val=X[::2], y_val=y[::2])
    assert len(h["train_loss"]) == len(h["val_loss"]) == 30
    assert h["train_acc"] == [] and h["val_acc"] == []          # no accuracy for regression
    assert h["train_loss"][-1] < 0.2 * h["train_loss"][0]
    assert h.last()["train_loss"] == h["train_loss"][-1]
    assert h["train_loss"][-1] == pytest.approx(training.evaluate(model, nn.MSELoss(), X, y)[0], rel=1e-14)


def test_classification_history_has_accuracies_and_fit_is_reproducible():
    X, y = data.two_moons(200, 0.1, rng=0)

    def run():
        model = nn.Sequential(nn.Linear(2, 16, rng=0), nn.ReLU(), nn.Dropout(0.1, rng=0), nn.Linear(16, 2, rng=1))
        return training.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), 0.2), X, y,
                            epochs=20, batch_size=20, rng=5, X_val=X, y_val=y), model

    (h1, m1), (h2, _) = run(), run()
    assert h1 == h2
    assert len(h1["train_acc"]) == len(h1["val_acc"]) == 20
    assert h1["val_acc"][-1] > 0.85
    assert m1.training   # fit leaves the model in training mode
    # train metrics are computed in eval mode (no dropout), so with X_val = X they coincide
    np.testing.assert_allclose(h1["train_loss"], h1["val_loss"], rtol=1e-15)


def test_batch_average_train_loss_when_eval_train_is_false():
    X, y = data.two_moons(101, 0.2, rng=1)
    model = _mlp(out=2)
    loss = nn.CrossEntropyLoss()
    h = training.fit(model, loss, _Frozen(), X, y, epochs=2, batch_size=10, rng=0, eval_train=False)
    # the weights never change, so the size-weighted mean of batch losses is the full-data loss
    full_loss, full_acc = training.evaluate(model, loss, X, y)
    np.testing.assert_allclose(h["train_loss"], [full_loss] * 2, rtol=1e-13)
    np.testing.assert_allclose(h["train_acc"], [full_acc] * 2, rtol=1e-13)


def test_each_epoch_reshuffles_even_with_an_integer_seed():
    seen = []

    class Recorder(nn.Linear):
        def forward(self, x):
            if self.training:
                seen.append(x[:, 0].copy())
            return super().forward(x)

    X = np.arange(20.0).reshape(10, 2)
    y = np.zeros((10, 1))
    model = Recorder(2, 1, rng=0)
    training.fit(model, nn.MSELoss(), _Frozen(), X, y, epochs=3, batch_size=10, rng=0)
    assert len(seen) == 3
    for order in seen:
        np.testing.assert_array_equal(np.sort(order), X[:, 0])
    assert not np.array_equal(seen[0], seen[1]) and not np.array_equal(seen[1], seen[2])


def test_evaluate_uses_eval_mode_and_restores_the_mode():
    model = nn.Sequential(nn.Linear(3, 3, rng=0), nn.Dropout(0.9, rng=0))
    X = np.ones((50, 3))
    y = np.zeros((50, 3))
    ref = nn.MSELoss()(model.eval()(X), y)
    model.train()
    assert training.evaluate(model, nn.MSELoss(), X, y) == (pytest.approx(ref, rel=1e-15), None)
    assert model.training and model[1].training
    model.eval()
    training.evaluate(model, nn.MSELoss(), X, y)
    assert not model.training


def test_accuracy_rules():
    logits = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]])
    assert training.accuracy(nn.CrossEntropyLoss(), logits, np.array([0, 1, 1])) == pytest.approx(2 / 3)
    z = np.array([[0.5], [-0.2], [0.1]])
    assert training.accuracy(nn.BCEWithLogitsLoss(), z, np.array([[1.0], [0.0], [0.0]])) == pytest.approx(2 / 3)
    p = np.array([0.9, 0.4, 0.6])
    assert training.accuracy(nn.BCELoss(), p, np.array([1.0, 1.0, 1.0])) == pytest.approx(2 / 3)
    assert training.accuracy(nn.MSELoss(), p, p) is None
