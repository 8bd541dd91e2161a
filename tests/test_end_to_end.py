"""End to end: an MLP trained with lib on scikit-learn's handwritten digits (shipped inside the
package, no download) reaches at least 95% accuracy on a held-out test part."""

from __future__ import annotations

import numpy as np
import pytest

from lib import data, nn, optim, training

pytest.importorskip("sklearn", reason="scikit-learn нужен для набора load_digits")


@pytest.mark.parametrize("seed", [0, 1])
def test_mlp_on_digits_reaches_95_percent_test_accuracy(seed):
    d = data.load_digits_split(val_size=0.2, test_size=0.2, seed=0)   # fixed split
    X = np.vstack([d["X_train"], d["X_val"]])
    y = np.concatenate([d["y_train"], d["y_val"]])
    model = nn.Sequential(nn.Linear(64, 64, rng=seed), nn.ReLU(), nn.Linear(64, 10, rng=seed + 10))
    loss_fn = nn.CrossEntropyLoss()
    history = training.fit(model, loss_fn, optim.SGD(model.parameters(), lr=0.05, momentum=0.9),
                           X, y, epochs=20, batch_size=32, rng=seed, X_val=d["X_test"], y_val=d["y_test"])
    test_loss, test_acc = training.evaluate(model, loss_fn, d["X_test"], d["y_test"])
    print(f"seed {seed}: test accuracy {test_acc:.4f}, test loss {test_loss:.4f}")
    assert test_acc >= 0.95
    assert history["val_acc"][-1] == test_acc
    # it learned: the loss over the training part fell at least fivefold
    assert history["train_loss"][-1] < 0.2 * history["train_loss"][0]
    assert history["train_acc"][-1] > test_acc - 0.05   # no gross mismatch between parts
