"""Empty batches and shapes or values that would broadcast silently get a Russian error, not NaN or 0.333."""

from __future__ import annotations

import numpy as np
import pytest

from lib import data, nn, optim, training


@pytest.mark.parametrize("loss", [nn.MSELoss(), nn.MAELoss(), nn.BCELoss(), nn.BCEWithLogitsLoss()])
def test_every_loss_refuses_an_empty_batch(loss):
    with pytest.raises(ValueError, match=r"пустой батч \(pred формы \(0, 1\)\)"):
        loss(np.zeros((0, 1)), np.zeros((0, 1)))


def test_cross_entropy_refuses_an_empty_batch():
    with pytest.raises(ValueError, match="пустой батч"):
        nn.CrossEntropyLoss()(np.zeros((0, 3)), np.zeros(0, dtype=int))


def _model():
    return nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))


def test_fit_on_empty_data_is_an_error():
    model = _model()
    with pytest.raises(ValueError, match=r"fit: обучающая выборка пуста"):
        training.fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1),
                     np.zeros((0, 2)), np.zeros((0, 1)), epochs=2, batch_size=4)


def test_fit_with_empty_validation_is_an_error():
    model = _model()
    X, y = np.ones((4, 2)), np.ones((4, 1))
    with pytest.raises(ValueError, match="валидационная выборка пуста"):
        training.fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), X, y, epochs=1,
                     batch_size=2, X_val=np.zeros((0, 2)), y_val=np.zeros((0, 1)))


def test_batches_of_an_empty_set_is_an_error():
    with pytest.raises(ValueError, match="выборка пуста"):
        list(data.batches(np.zeros((0, 2)), np.zeros(0), 4))


def test_accuracy_with_column_labels_is_an_error_with_a_hint():
    logits = np.eye(3)
    with pytest.raises(ValueError, match=r"ожидались метки формы \(3,\), получен массив формы \(3, 1\).*y\.ravel\(\)"):
        training.accuracy(nn.CrossEntropyLoss(), logits, np.arange(3).reshape(-1, 1))
    assert training.accuracy(nn.CrossEntropyLoss(), logits, np.arange(3)) == 1.0


def test_accuracy_with_labels_out_of_range_is_an_error():
    with pytest.raises(ValueError, match=r"метки должны лежать в \[0, 3\)"):
        training.accuracy(nn.CrossEntropyLoss(), np.eye(3), np.array([0, 1, 7]))


def test_binary_accuracy_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="формы предсказания и цели должны совпадать"):
        training.accuracy(nn.BCEWithLogitsLoss(), np.zeros((4, 1)), np.zeros(4))


@pytest.mark.parametrize("kwargs", [dict(test_size=-0.2), dict(test_size=20), dict(val_size=1.0),
                                    dict(val_size=0.5, test_size=0.45)])
def test_load_digits_split_refuses_impossible_sizes(kwargs):
    pytest.importorskip("sklearn")
    with pytest.raises(ValueError, match="load_digits_split"):
        data.load_digits_split(**kwargs)


def test_load_digits_split_parts_cover_the_set_and_none_is_empty():
    pytest.importorskip("sklearn")
    s = data.load_digits_split(val_size=0.0, test_size=0.85)
    sizes = [len(s[f"X_{k}"]) for k in ("train", "val", "test")]
    assert sum(sizes) == 1797 and sizes[0] > 0 and sizes[1] == 0


def test_sgd_refuses_a_gradient_of_another_shape():
    lin = nn.Linear(2, 3, rng=0)
    lin.b.grad = np.ones((1, 3))
    with pytest.raises(ValueError, match=r"градиент параметра 1 должен иметь форму параметра \(3,\), получена форма \(1, 3\)"):
        optim.SGD(lin.parameters(), lr=0.1).step()


def test_sgd_refuses_a_parameter_passed_twice():
    lin = nn.Linear(2, 3, rng=0)
    with pytest.raises(ValueError, match=r"передан дважды \(элементы 0 и 1\)"):
        optim.SGD([lin.W, lin.W], lr=0.1)


@pytest.mark.parametrize("kwargs", [dict(classes=0), dict(n=0), dict(n=2, classes=3), dict(noise=-1.0)])
def test_spirals_refuses_bad_sizes(kwargs):
    with pytest.raises(ValueError):
        data.spirals(**kwargs)


def test_two_moons_and_noisy_function_refuse_bad_sizes():
    with pytest.raises(ValueError, match="хотя бы 2 объекта"):
        data.two_moons(n=1)
    with pytest.raises(ValueError, match="low < high"):
        data.noisy_function(np.sin, low=1.0, high=0.0)
