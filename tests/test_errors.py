"""Every documented error: a ValueError (RuntimeError for the order of calls) whose Russian
message names what was expected and what came."""

from __future__ import annotations

import numpy as np
import pytest

from lib import data, nn, optim, training
from lib.gradcheck import numerical_gradient


def test_linear_wrong_width_names_expected_and_received_shapes():
    with pytest.raises(ValueError, match=r"Linear\(3, 4\): ожидался вход формы \(n, 3\), получен массив формы \(7, 5\)"):
        nn.Linear(3, 4, rng=0)(np.ones((7, 5)))


def test_linear_one_dimensional_input_gets_a_hint():
    with pytest.raises(ValueError, match=r"формы \(3,\)\. Один объект запишите строкой: x\.reshape\(1, -1\)"):
        nn.Linear(3, 4, rng=0)(np.ones(3))


def test_linear_transposed_input_gets_a_hint():
    with pytest.raises(ValueError, match="матрица транспонирована"):
        nn.Linear(3, 4, rng=0)(np.ones((3, 10)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_linear_rejects_nan_and_inf(bad):
    x = np.ones((2, 3))
    x[1, 2] = bad
    with pytest.raises(ValueError, match=r"ожидались конечные числа, но найдено 1 значений NaN/inf \(первое в позиции \(1, 2\)"):
        nn.Linear(3, 1, rng=0)(x)


@pytest.mark.parametrize("args", [(0, 3), (3, -1), (2.5, 3), (True, 3)])
def test_linear_sizes_must_be_positive_integers(args):
    with pytest.raises(ValueError, match="ожидалось целое положительное число"):
        nn.Linear(*args)


def test_non_numeric_input():
    with pytest.raises(ValueError, match="ожидался массив действительных чисел, получен массив типа"):
        nn.ReLU()(np.array(["a", "b"]))


@pytest.mark.parametrize("loss", [nn.MSELoss(), nn.MAELoss(), nn.BCELoss(), nn.BCEWithLogitsLoss()])
def test_no_silent_broadcasting_of_column_against_vector(loss):
    pred, target = np.full((4, 1), 0.5), np.array([0.0, 1.0, 1.0, 0.0])
    with pytest.raises(ValueError, match=r"pred \(4, 1\), target \(4,\).*y\.reshape\(-1, 1\)"):
        loss(pred, target)
    with pytest.raises(ValueError, match=r"pred \(4,\), target \(4, 1\).*pred\.reshape\(-1, 1\)"):
        loss(pred.ravel(), target.reshape(-1, 1))


@pytest.mark.parametrize("loss", [nn.MSELoss(), nn.MAELoss(), nn.BCELoss(), nn.BCEWithLogitsLoss(),
                                  nn.CrossEntropyLoss()])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_reaching_a_loss(loss, bad):
    pred = np.full((3, 2), 0.5)
    pred[2, 1] = bad
    target = np.array([0, 1, 1]) if isinstance(loss, nn.CrossEntropyLoss) else np.full((3, 2), 1.0)
    with pytest.raises(ValueError, match=r"pred: ожидались конечные числа.*позиции \(2, 1\)"):
        loss(pred, target)


@pytest.mark.parametrize("loss", [nn.MSELoss(), nn.BCEWithLogitsLoss()])
def test_nan_in_target(loss):
    with pytest.raises(ValueError, match="target: ожидались конечные числа"):
        loss(np.zeros(2), np.array([0.0, np.nan]))


@pytest.mark.parametrize("p", [[-0.1, 0.5], [0.5, 1.2]])
def test_bce_probabilities_outside_unit_interval(p):
    with pytest.raises(ValueError, match=r"BCELoss: ожидались вероятности из \[0, 1\], получены значения от .* BCEWithLogitsLoss"):
        nn.BCELoss()(np.array(p), np.array([0.0, 1.0]))


@pytest.mark.parametrize("loss", [nn.BCELoss(), nn.BCEWithLogitsLoss()])
def test_binary_targets_outside_unit_interval(loss):
    with pytest.raises(ValueError, match=r"target: ожидались метки из \[0, 1\].*получены значения от -1\.0 до 1\.0"):
        loss(np.array([0.3, 0.6]), np.array([-1.0, 1.0]))


@pytest.mark.parametrize("labels,match", [
    (np.array([0, 3, 1]), r"метки должны лежать в \[0, 3\) для K = 3 классов, получены значения от 0 до 3"),
    (np.array([-1, 0, 1]), r"получены значения от -1 до 1"),
    (np.array([0.0, 1.0, 2.0]), r"метки классов должны быть целыми числами \(dtype int\), получен dtype float64"),
    (np.array([True, False, True]), r"получен dtype bool"),
    (np.array([[0], [1], [2]]), r"ожидались метки формы \(3,\) — по одной на объект, получен массив формы \(3, 1\)"),
])
def test_cross_entropy_bad_labels(labels, match):
    with pytest.raises(ValueError, match=match):
        nn.CrossEntropyLoss()(np.zeros((3, 3)), labels)


def test_cross_entropy_needs_a_matrix_of_logits():
    with pytest.raises(ValueError, match=r"ожидались логиты формы \(n, K\), получен массив формы \(3,\)"):
        nn.CrossEntropyLoss()(np.zeros(3), np.array([0, 1, 2]))


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, "0.5", None, True, np.nan])
def test_dropout_bad_p(p):
    with pytest.raises(ValueError, match=r"Dropout: ожидалась вероятность p из \[0, 1\), получено p = "):
        nn.Dropout(p)


def test_sequential_rejects_non_modules():
    with pytest.raises(ValueError, match="элемент 1 должен быть модулем lib .* получен ufunc"):
        nn.Sequential(nn.ReLU(), np.tanh)


@pytest.mark.parametrize("kwargs,match", [
    (dict(lr=0.0), "скорость обучения lr должна быть > 0, получено 0.0"),
    (dict(lr=-1), "lr должна быть > 0, получено -1"),
    (dict(lr=np.nan), "lr должен быть числом > 0, получено nan"),
    (dict(lr="0.1"), "lr должен быть числом > 0, получено '0.1'"),
    (dict(lr=0.1, momentum=-0.5), "momentum должен быть ≥ 0, получено -0.5"),
])
def test_sgd_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        optim.SGD(nn.Linear(2, 2, rng=0).parameters(), **kwargs)


def test_sgd_bad_parameter_lists():
    with pytest.raises(ValueError, match="список параметров пуст"):
        optim.SGD(nn.ReLU().parameters(), lr=0.1)
    with pytest.raises(ValueError, match="элемент 0 списка параметров должен быть Parameter, получен ndarray"):
        optim.SGD([np.zeros(3)], lr=0.1)


def test_batches_errors():
    with pytest.raises(ValueError, match=r"одинаковое число объектов, получены формы \(5, 2\) и \(4,\)"):
        list(data.batches(np.zeros((5, 2)), np.zeros(4), 2))
    with pytest.raises(ValueError, match="batch_size: ожидалось целое положительное число, получено 0"):
        list(data.batches(np.zeros((5, 2)), np.zeros(5), 0))


@pytest.mark.parametrize("rng", ["seed", 1.5, True])
def test_bad_rng(rng):
    with pytest.raises(ValueError, match="rng: ожидалось целое зерно, np.random.Generator или None"):
        nn.Linear(2, 2, rng=rng)


def test_fit_errors():
    model = nn.Linear(2, 1, rng=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    X, y = np.zeros((4, 2)), np.zeros((4, 1))
    with pytest.raises(ValueError, match="передайте либо оба X_val и y_val"):
        training.fit(model, nn.MSELoss(), opt, X, y, 1, 2, X_val=X)
    with pytest.raises(ValueError, match="epochs: ожидалось целое положительное число, получено 0"):
        training.fit(model, nn.MSELoss(), opt, X, y, 0, 2)


def test_numerical_gradient_bad_eps():
    with pytest.raises(ValueError, match="шаг eps должен быть > 0, получено 0"):
        numerical_gradient(np.sum, np.ones(2), eps=0)
