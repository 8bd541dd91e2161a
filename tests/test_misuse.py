"""The slips a student makes daily get a Russian error with the fix, not an English traceback."""

from __future__ import annotations

import numpy as np
import pytest

from lib import manual_seed, nn, optim, training
from lib.autograd import Value
from lib.gradcheck import numerical_gradient


def _model():
    return nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))


def test_sgd_with_the_method_instead_of_its_result():
    with pytest.raises(TypeError, match=r"метод model\.parameters без скобок.*SGD\(model\.parameters\(\), lr=\.\.\.\)"):
        optim.SGD(_model().parameters, lr=0.1)


def test_sgd_with_the_model_itself():
    with pytest.raises(TypeError, match=r"передана сама модель Sequential.*model\.parameters\(\)"):
        optim.SGD(_model(), lr=0.1)


def test_fit_with_the_loss_class_instead_of_an_instance():
    model = _model()
    with pytest.raises(TypeError, match=r"передан класс MSELoss.*MSELoss\(\) — со скобками"):
        training.fit(model, nn.MSELoss, optim.SGD(model.parameters(), lr=0.1),
                     np.ones((4, 2)), np.ones((4, 1)), epochs=1, batch_size=2)


def test_fit_with_the_optimizer_class():
    model = _model()
    with pytest.raises(TypeError, match="ожидался оптимизатор"):
        training.fit(model, nn.MSELoss(), optim.SGD, np.ones((4, 2)), np.ones((4, 1)), epochs=1, batch_size=2)


def test_numerical_gradient_of_a_vector_valued_function():
    with pytest.raises(ValueError, match=r"должна возвращать одно число.*формы \(3,\)"):
        numerical_gradient(lambda x: x * 2, np.ones(3))


def test_value_exp_overflow_is_a_russian_error():
    with pytest.raises(ValueError, match=r"Value\.exp: e\^1000\.0 не помещается в float64"):
        Value(1000.0).exp()


def test_value_arithmetic_overflow_is_a_russian_error():
    with pytest.raises(ValueError, match="не конечно"):
        Value(1e308) * 10
    with pytest.raises(ValueError, match="не помещается в float64"):
        Value(1e200) ** 2


class _BadLoss(nn.MSELoss):
    def _loss_and_grad(self, pred, target):
        raise ValueError("boom")


def test_evaluate_restores_the_training_mode_when_the_loss_raises():
    model = _model().train()
    with pytest.raises(ValueError, match="boom"):
        training.evaluate(model, _BadLoss(), np.ones((2, 2)), np.ones((2, 1)))
    assert model.training and all(m.training for m in model)


def test_manual_seed_reaches_an_existing_dropout_layer():
    layer = nn.Dropout(0.5)
    x = np.ones((4, 6))
    manual_seed(3)
    first = layer(x)
    manual_seed(3)
    second = layer(x)
    np.testing.assert_array_equal(first, second)
    manual_seed(4)
    assert not np.array_equal(layer(x), first)


def test_torch_manual_seed_reproduces_an_existing_dropout_too():
    torch = pytest.importorskip("torch")
    layer = torch.nn.Dropout(0.5)
    x = torch.ones(4, 6)
    torch.manual_seed(3)
    first = layer(x)
    torch.manual_seed(3)
    assert torch.equal(first, layer(x))
