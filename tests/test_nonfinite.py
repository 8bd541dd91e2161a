"""NaN and inf never pass silently: each is reported, in Russian, where it first appears.

PyTorch propagates NaN through ReLU (torch.relu(nan) is nan); lib does not turn it into 0 either, and
goes one step further: the layer whose output first holds NaN/inf raises, naming the layer.
"""

from __future__ import annotations

import numpy as np
import pytest

from lib import activations as A
from lib import gradcheck, nn, optim


def test_relu_does_not_turn_nan_into_zero_and_the_error_names_it():
    x = np.array([[1.0, np.nan, -1.0]])
    with pytest.raises(ValueError, match=r"выход слоя ReLU содержит NaN: 1 значений из 3 \(первое в позиции \(0, 1\)"):
        nn.ReLU()(x)


def test_torch_relu_propagates_nan_too():
    torch = pytest.importorskip("torch")
    assert torch.isnan(torch.relu(torch.tensor([np.nan]))).all()
    assert np.isnan(np.maximum(np.array([np.nan]), 0.0)).all()   # what lib's ReLU computes


def test_an_overflowing_linear_is_reported_at_its_position_in_the_network():
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))
    model[0].W.data[:] = 1e308
    with pytest.raises(ValueError, match=r"Sequential, слой 0 \(Linear\): выход слоя Linear содержит inf.*lr"):
        model(np.full((2, 2), 10.0))


@pytest.mark.parametrize("layer", [nn.Sigmoid(), nn.Tanh(), nn.Dropout(0.5, rng=0)])
def test_nan_through_other_layers_is_an_error(layer):
    with pytest.raises(ValueError, match="NaN"):
        layer(np.array([[0.0, np.nan]]))


@pytest.mark.parametrize("fn", [A.sigmoid, A.tanh, A.relu, A.softmax, A.log_softmax, A.gelu, A.silu,
                                A.sigmoid_grad, A.relu_grad, A.leaky_relu])
def test_activation_functions_reject_nan(fn):
    with pytest.raises(ValueError, match="NaN"):
        fn(np.array([0.5, np.nan]))


def test_activations_keep_their_limits_at_infinity():
    np.testing.assert_array_equal(A.sigmoid(np.array([-np.inf, np.inf])), [0.0, 1.0])
    np.testing.assert_array_equal(A.tanh(np.array([-np.inf, np.inf])), [-1.0, 1.0])


def test_softmax_of_infinity_is_an_error_not_nan():
    with pytest.raises(ValueError, match="конечные числа"):
        A.softmax(np.array([np.inf, 0.0]))


def test_backward_rejects_a_nan_gradient():
    lin = nn.Linear(2, 2, rng=0)
    lin(np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"Linear\.backward: пришедший градиент содержит NaN"):
        lin.backward(np.array([[np.nan, 0.0]]))


def test_sgd_refuses_a_nan_gradient_and_keeps_the_weights():
    lin = nn.Linear(2, 2, rng=0)
    before = lin.W.data.copy()
    lin.W.grad[0, 0] = np.inf
    with pytest.raises(ValueError, match=r"SGD\.step: градиент параметра 0 .*NaN/inf.*уменьшите lr"):
        optim.SGD(lin.parameters(), lr=0.1).step()
    np.testing.assert_array_equal(lin.W.data, before)


def test_relative_error_of_nan_is_an_error_not_nan():
    with pytest.raises(ValueError, match="analytic содержит NaN"):
        gradcheck.relative_error([np.nan], [1.0])


class _NanGrad(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(np.ones(2))

    def forward(self, x):
        return x * self.w.data

    def _backward(self, g):
        self.w.grad = self.w.grad + np.nan
        return g * self.w.data


def test_check_module_does_not_pass_a_module_with_a_nan_gradient():
    with pytest.raises(ValueError, match="NaN"):
        gradcheck.check_module(_NanGrad(), np.ones((3, 2)))


def test_a_linear_checks_its_input_again_when_called_on_its_own_after_a_network():
    """Inside Sequential a Linear trusts its input (the previous layer has just checked it); the
    trust lasts one call: the same layer called directly still rejects NaN."""
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))
    model(np.ones((4, 2)))
    with pytest.raises(ValueError, match="x: ожидались конечные числа"):
        model[2](np.array([[1.0, np.nan, 0.0]]))
    with pytest.raises(ValueError, match="слой 0"):
        model(np.array([[np.nan, 0.0]]))            # the first layer's input is data: checked


def test_a_nonfinite_gradient_into_a_network_is_reported_by_its_last_layer():
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))
    model(np.ones((4, 2)))
    with pytest.raises(ValueError, match="Linear.backward: пришедший градиент"):
        model.backward(np.full((4, 1), np.inf))


def test_a_gradient_that_overflows_inside_a_network_is_caught_where_it_appears():
    """After ReLU the gradient is not checked again (a finite gradient times 0/1 stays finite); a
    gradient that turns infinite in a Linear's backward is still reported by the layer it reaches."""
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))
    model(np.ones((4, 2)))
    model[2].W.data[:] = 1e308
    with np.errstate(over="ignore", invalid="ignore"), pytest.raises(ValueError, match="ReLU.backward: пришедший градиент"):
        model.backward(np.full((4, 1), 10.0))
    assert model[0]._grad_checked is False and model[0]._input_checked is False
