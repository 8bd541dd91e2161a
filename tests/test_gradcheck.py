"""lib.gradcheck: central differences are accurate, and the module check catches a wrong backward."""

from __future__ import annotations

import numpy as np
import pytest

from lib import nn
from lib.gradcheck import check_module, numerical_gradient, relative_error


def test_central_differences_are_exact_for_quadratics_up_to_rounding():
    A = np.random.default_rng(0).standard_normal((4, 4))
    x = np.random.default_rng(1).standard_normal(4)
    x0 = x.copy()
    g = numerical_gradient(lambda v: v @ A @ v, x)
    np.testing.assert_array_equal(x, x0)   # the point is not modified
    # the O(eps²) term vanishes for a quadratic; rounding is ~ 1e-16·|f|/eps ≈ 1e-9
    np.testing.assert_allclose(g, (A + A.T) @ x, atol=1e-8)


def test_error_of_central_differences_is_second_order():
    """For sin the truncation error is |f'''|·eps²/6: dividing eps by 10 divides it by ~100."""
    x = np.array([0.7])
    errs = [abs(numerical_gradient(lambda v: np.sin(v[0]), x, eps=e)[0] - np.cos(0.7)) for e in (1e-2, 1e-3)]
    assert errs[0] / errs[1] == pytest.approx(100, rel=0.01)
    assert errs[0] == pytest.approx(np.cos(0.7) * 1e-4 / 6, rel=0.01)


def test_numerical_gradient_keeps_the_shape():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**2), x), 2 * x, atol=1e-7)


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 2.2)
    with pytest.raises(ValueError, match=r"формы не совпадают: \(2,\) и \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


class _WrongLinear(nn.Linear):
    """A typical homework slip: ∂L/∂b taken as the mean over the batch instead of the sum."""

    def _backward(self, grad_output):
        self.W.grad += self._x.T @ grad_output
        self.b.grad += grad_output.mean(axis=0)
        return grad_output @ self.W.data.T


def test_check_module_reports_every_gradient_and_catches_a_wrong_backward():
    x = np.random.default_rng(0).standard_normal((5, 3))
    good = check_module(nn.Linear(3, 2, rng=0), x)
    assert good.max_error < 1e-6 and set(good.errors) == {"x", "W", "b"}
    bad = check_module(_WrongLinear(3, 2, rng=0), x)
    assert bad.errors["x"] < 1e-6 and bad.errors["W"] < 1e-6
    assert bad.errors["b"] > 0.5 and bad.max_error == bad.errors["b"]   # off by a factor of n = 5
    assert "наибольшая относительная ошибка" in str(bad) and "b: " in str(bad)


def test_check_module_does_not_change_parameters():
    layer = nn.Linear(3, 2, rng=0)
    W = layer.W.data.copy()
    check_module(layer, np.ones((2, 3)))
    np.testing.assert_array_equal(layer.W.data, W)
