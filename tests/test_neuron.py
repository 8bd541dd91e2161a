"""lib.chapters.neuron and lib.figures.neuron (chapter 1): the formulas and the slider computations over a grid of slider values."""

from __future__ import annotations

import numpy as np
import pytest

from lib import widgets
from lib.activations import sigmoid
from lib.chapters import neuron
from lib.figures import neuron as neuron_fig  # noqa: F401  (registers the chapter 1 panels)

RNG = np.random.default_rng(7)


def test_neuron_is_sigmoid_of_weighted_sum_plus_bias():
    x, w = RNG.standard_normal(4), RNG.standard_normal(4)
    expected = 1 / (1 + np.exp(-(sum(w[i] * x[i] for i in range(4)) + 0.3)))
    assert np.isclose(neuron.neuron(x, w, 0.3), expected, rtol=1e-14)


def test_layer_equals_neurons_and_batch_equals_rows():
    X, W, b = RNG.standard_normal((6, 3)), RNG.standard_normal((3, 4)), RNG.standard_normal(4)
    out = neuron.layer(X, W, b)
    assert out.shape == (6, 4)
    for i in range(6):
        for h in range(4):
            assert np.isclose(out[i, h], neuron.neuron(X[i], W[:, h], b[h]), rtol=1e-14)


@pytest.mark.parametrize("values", widgets.get("ch01.neuron2d").grid(5))
def test_neuron_field_matches_neuron_and_is_half_on_the_line(values):
    w1, w2, b = values["w1"], values["w2"], values["b"]
    x1, x2, y = neuron.neuron_field(w1, w2, b, lim=3.0, resolution=31)
    pts = np.column_stack([np.repeat(x2, len(x1)), np.tile(x1, len(x2))])[:, ::-1]
    np.testing.assert_allclose(y.ravel(), neuron.neuron(pts, np.array([w1, w2]), b), rtol=1e-12)
    seg = neuron.boundary_segment(w1, w2, b)
    if w1 == 0 and w2 == 0:
        assert seg is None
        assert np.allclose(y, sigmoid(b))
    else:
        line_pts = np.column_stack(seg)
        np.testing.assert_allclose(neuron.neuron(line_pts, np.array([w1, w2]), b), 0.5, atol=1e-12)


@pytest.mark.parametrize("values", widgets.get("ch01.step1d").grid(7))
def test_step_center_and_slope_over_slider_grid(values):
    w, b = values["w"], values["b"]
    if w == 0:
        with pytest.raises(ValueError, match="ступеньки нет"):
            neuron.step_center(w, b)
        return
    x0 = neuron.step_center(w, b)
    assert np.isclose(sigmoid(w * x0 + b), 0.5)
    h = 1e-6
    numeric_slope = (sigmoid(w * (x0 + h) + b) - sigmoid(w * (x0 - h) + b)) / (2 * h)
    assert np.isclose(numeric_slope, neuron.step_slope(w), rtol=1e-6)


def test_step_sharpens_as_omega_grows():
    x = np.linspace(-5, 5, 200001)
    widths = []
    for w in [1.0, 2.0, 5.0, 10.0]:
        y = sigmoid(w * x)
        widths.append(np.ptp(x[(y > 0.1) & (y < 0.9)]))
    assert all(a > b for a, b in zip(widths, widths[1:]))
    assert np.isclose(widths[0] * 1.0, widths[-1] * 10.0, rtol=0.01)  # width ∝ 1/ω


def test_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"число признаков x \(3\) не равно числу весов ω \(2\)"):
        neuron.neuron(np.ones(3), np.ones(2), 0.0)
    with pytest.raises(ValueError, match="одно число"):
        neuron.neuron(np.ones(2), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match=r"W должна иметь форму \(d, H\)"):
        neuron.layer(np.ones((5, 3)), np.ones((4, 3)), np.ones(3))
    with pytest.raises(ValueError, match="столбцов"):
        neuron.layer(np.ones((5, 3)), np.ones((3, 4)), np.ones(3))


def test_step1d_snapshots_keep_the_step_in_place():
    centers = [neuron.step_center(s["w"], s["b"]) for s in widgets.get("ch01.step1d").snapshots]
    assert len(set(centers)) == 1


@pytest.mark.parametrize("scale", [1.0, 10.0])
def test_distance_exercise_answers(scale):
    # exercise «Где нейрон уверен»: distance 1 from the origin, the 0.9 level at ln 9 / ‖ω‖
    w, b = scale * np.array([3.0, 4.0]), scale * -5.0
    assert np.isclose(abs(b) / np.linalg.norm(w), 1.0)
    s = np.log(9) / np.linalg.norm(w)
    point = (-b / (w @ w)) * w + s * w / np.linalg.norm(w)
    assert np.isclose(neuron.neuron(point, w, b), 0.9)
    assert np.isclose(s, np.log(9) / (5 * scale))


def test_symmetry_exercise_answers():
    # exercise «Симметрия и производная сигмоиды»: σ' = σ(1 − σ), the largest slope 1/4 at z = 0
    from lib.activations import sigmoid_grad
    from lib.gradcheck import numerical_gradient

    zs = np.linspace(-8, 8, 33)
    numeric = np.array([numerical_gradient(lambda v: float(sigmoid(v[0])), np.array([z0]))[0] for z0 in zs])
    np.testing.assert_allclose(numeric, sigmoid(zs) * (1 - sigmoid(zs)), atol=1e-9)
    np.testing.assert_allclose(sigmoid_grad(zs), numeric, atol=1e-9)
    np.testing.assert_allclose(sigmoid(-zs), 1 - sigmoid(zs), atol=1e-15)
    assert sigmoid_grad(0.0) == 0.25 and np.all(sigmoid_grad(zs[zs != 0]) < 0.25)
