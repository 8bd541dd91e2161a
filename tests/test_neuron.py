"""lib.chapters.neuron and lib.figures.neuron (chapter 1): the formulas and the slider computations over a grid of slider values."""

from __future__ import annotations

import numpy as np
import pytest

from lib import widgets
from lib.activations import sigmoid
from lib.chapters import neuron
from lib.figures import neuron as neuron_fig  # also registers the chapter 1 panels

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


def test_signed_distance_and_log_odds():
    w, b = np.array([3.0, 4.0]), -5.0
    assert np.isclose(neuron.signed_distance(np.zeros(2), w, b), -1.0)
    assert np.isclose(neuron.signed_distance(np.array([0.6, 0.8]) * 2, w, b), 1.0)
    z = np.linspace(-15, 15, 61)   # for z > 15, 1 − σ(z) < 3e-7 keeps too few correct digits
    np.testing.assert_allclose(neuron.log_odds(sigmoid(z)), z, atol=1e-8)
    with pytest.raises(ValueError, match="строго между 0 и 1"):
        neuron.log_odds(1.0)
    with pytest.raises(ValueError, match="гиперплоскости нет"):
        neuron.signed_distance(np.zeros(2), np.zeros(2), 1.0)


def test_logic_neurons_and_xor_network():
    x1, x2 = neuron.BOOLEAN_INPUTS.T.astype(bool)
    assert np.array_equal(neuron.truth_table(*neuron.LOGIC_NEURONS["И"]), x1 & x2)
    assert np.array_equal(neuron.truth_table(*neuron.LOGIC_NEURONS["ИЛИ"]), x1 | x2)
    assert np.array_equal(neuron.truth_table(*neuron.LOGIC_NEURONS["НЕ-И"]), ~(x1 & x2))
    assert np.array_equal(neuron.truth_table(*neuron.LOGIC_NEURONS["НЕ"]), [1.0, 0.0])
    assert np.array_equal(neuron.XOR_TARGETS, x1 ^ x2)
    assert np.array_equal(neuron.xor_network(neuron.BOOLEAN_INPUTS)[1], neuron.XOR_TARGETS)
    assert np.array_equal(neuron.xor_network(neuron.BOOLEAN_INPUTS, scale=10.0)[1] > 0.5, x1 ^ x2)


def test_count_separating_finds_and_but_never_xor():
    grid = np.linspace(-3, 3, 61)
    assert neuron.count_separating(neuron.XOR_TARGETS, grid)[0] == 0
    assert neuron.count_separating(1 - neuron.XOR_TARGETS, grid)[0] == 0
    count, total = neuron.count_separating([0, 0, 0, 1], grid)
    assert 0 < count < total == 61**3
    # every counted triple really computes AND
    w1, w2, b = 1.0, 1.0, -1.5
    assert np.array_equal(neuron.truth_table(np.array([w1, w2]), b), [0, 0, 0, 1])


def test_compose_linear_and_parameter_count():
    W1, b1 = RNG.standard_normal((5, 3)), RNG.standard_normal(3)
    W2, b2 = RNG.standard_normal((3, 2)), RNG.standard_normal(2)
    X = RNG.standard_normal((7, 5))
    W, b = neuron.compose_linear(W1, b1, W2, b2)
    np.testing.assert_allclose((X @ W1 + b1) @ W2 + b2, X @ W + b, rtol=1e-12)
    assert neuron.parameter_count(64, 32) + neuron.parameter_count(32, 10) == 2410  # exercise «Схлопывание»
    assert neuron.parameter_count(64, 10) == 650


def test_two_clouds_shapes_and_means():
    X, y = neuron.two_clouds(n=50, distance=4.0, rng=1)
    assert X.shape == (100, 2) and y.shape == (100,) and set(y) == {0.0, 1.0}
    mu = neuron.two_clouds_means(4.0)
    assert np.isclose(np.linalg.norm(mu[1] - mu[0]), 4.0)
    # the means of the sample are near the centres (standard error 1/sqrt(50) per coordinate)
    assert np.all(np.abs(X[y == 1].mean(0) - mu[1]) < 4 / np.sqrt(50))


def test_odds_and_xor_feature_exercise_answers():
    assert np.isclose(np.exp(2 * 0.3), 1.822, atol=1e-3)
    odds = 0.8 / 0.2 * np.exp(-1.2)
    assert np.isclose(odds, 1.205, atol=1e-3) and np.isclose(odds / (1 + odds), 0.546, atol=1e-3)
    X = neuron.BOOLEAN_INPUTS
    X3 = np.column_stack([X, X[:, 0] * X[:, 1]])
    z = X3 @ np.array([1.0, 1.0, -2.0]) - 0.5
    np.testing.assert_allclose(z, [-0.5, 0.5, 0.5, -0.5])
    assert np.array_equal(neuron.heaviside(z), neuron.XOR_TARGETS)


def test_chapter_figures_draw():
    X, y = neuron.two_clouds()
    mu0, mu1 = neuron.two_clouds_means()
    for fig in (neuron_fig.draw_neuron(), neuron_fig.draw_layer(3, 2), neuron_fig.draw_step_and_sigmoid(),
                neuron_fig.draw_logic(), neuron_fig.draw_xor_network(),
                neuron_fig.draw_clouds(X, y, mu1 - mu0, (mu0 @ mu0 - mu1 @ mu1) / 2)):
        assert len(widgets.render_png(fig)) > 1000


@pytest.mark.parametrize("values", widgets.get("ch01.xor_try").grid(9))
def test_xor_try_never_gets_all_four(values):
    w = np.array([values["w1"], values["w2"]])
    right = neuron.xor_correct(w, values["b"])
    assert 0 <= right <= 3
    assert right == int(np.sum(neuron.heaviside(neuron.BOOLEAN_INPUTS @ w + values["b"]) == neuron.XOR_TARGETS))


def test_perceptron_learns_and_or_nand_and_never_stops_on_xor():
    for name in ("И", "ИЛИ", "НЕ-И"):
        target = neuron.truth_table(*neuron.LOGIC_NEURONS[name])
        w, b, mistakes = neuron.perceptron_train(neuron.BOOLEAN_INPUTS, target, max_epochs=200)
        assert mistakes[-1] == 0 and np.array_equal(neuron.truth_table(w, b), target)
    for target in (neuron.XOR_TARGETS, 1 - neuron.XOR_TARGETS):
        mistakes = neuron.perceptron_train(neuron.BOOLEAN_INPUTS, target, max_epochs=300)[2]
        assert len(mistakes) == 300 and min(mistakes) >= 1


@pytest.mark.parametrize("seed", range(10))
def test_perceptron_mistakes_within_novikoff_bound(seed):
    # random separable sets: labels from a random hyperplane, points closer than 0.3 to it removed
    gen = np.random.default_rng(seed)
    X = gen.uniform(-2, 2, size=(300, 3))
    w_true, b_true = gen.standard_normal(3), gen.uniform(-0.5, 0.5)
    r = neuron.signed_distance(X, w_true, b_true)
    X, y = X[np.abs(r) > 0.3], (r[np.abs(r) > 0.3] > 0).astype(float)
    bound = neuron.perceptron_mistake_bound(X, y, w_true, b_true)
    for lr in (0.05, 1.0):
        w, b, mistakes = neuron.perceptron_train(X, y, lr=lr, max_epochs=int(bound) + 2, rng=seed)
        assert mistakes[-1] == 0 and sum(mistakes) <= bound
        assert neuron.accuracy(X, y, w, b) == 1.0


def test_perceptron_updates_only_on_mistakes_and_checks_input():
    # one object already classified correctly: no update, zero mistakes after the first epoch
    X, y = np.array([[1.0, 2.0]]), np.array([0.0])
    w, b, mistakes = neuron.perceptron_train(X, y)
    assert mistakes == [0] and np.array_equal(w, [0.0, 0.0]) and b == 0.0
    w, b, mistakes = neuron.perceptron_train(X, np.array([1.0]), lr=0.5)
    assert mistakes == [1, 0] and np.array_equal(w, [0.5, 1.0]) and b == 0.5
    with pytest.raises(ValueError, match="нулей и единиц"):
        neuron.perceptron_train(X, np.array([2.0]))
    with pytest.raises(ValueError, match="не разделяет"):
        neuron.perceptron_mistake_bound(neuron.BOOLEAN_INPUTS, neuron.XOR_TARGETS, np.array([1.0, 1.0]), -0.5)


def test_perceptron_by_hand_exercise_answers():
    # exercise «Правило перцептрона вручную»: OR, fixed order of the four points, eta = 1
    target = neuron.truth_table(*neuron.LOGIC_NEURONS["ИЛИ"])
    w, b, per_epoch = np.zeros(2), 0.0, []
    while not per_epoch or per_epoch[-1]:
        count = 0
        for x, y in zip(neuron.BOOLEAN_INPUTS, target):
            err = y - float(x @ w + b > 0)
            if err:
                w, b, count = w + err * x, b + err, count + 1
        per_epoch.append(count)
    assert per_epoch == [1, 2, 1, 0] and np.array_equal(w, [1.0, 1.0]) and b == 0.0
    assert np.array_equal(neuron.truth_table(w, b), target)
    X_aug = np.column_stack([neuron.BOOLEAN_INPUTS, np.ones(4)])
    u = np.array([1.0, 1.0, -0.5]) / 1.5
    np.testing.assert_allclose(np.where(target == 1, 1, -1) * (X_aug @ u), [1 / 3, 1 / 3, 1 / 3, 1])
    bound = neuron.perceptron_mistake_bound(neuron.BOOLEAN_INPUTS, target, np.array([1.0, 1.0]), -0.5)
    assert np.isclose(bound, 27.0) and sum(per_epoch) <= bound


def test_figure_and_panel_tick_labels_use_a_decimal_comma():
    import re

    from matplotlib.figure import Figure
    from matplotlib.text import Text

    X, y = neuron.two_clouds()
    mu0, mu1 = neuron.two_clouds_means()
    figs = [neuron_fig.draw_step_and_sigmoid(), neuron_fig.draw_logic(), neuron_fig.draw_xor_network(),
            neuron_fig.draw_clouds(X, y, mu1 - mu0, (mu0 @ mu0 - mu1 @ mu1) / 2)]
    for key in ("ch01.step1d", "ch01.neuron2d", "ch01.xor_try"):
        panel = widgets.get(key)
        for values in panel.snapshots:
            fig = Figure(figsize=panel.figsize)
            panel.draw_on(fig, **values)
            figs.append(fig)
    for fig in figs:
        widgets.render_png(fig)                       # tick labels are set when the figure is drawn
        texts = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels()]
        texts += [t.get_text() for t in fig.findobj(Text)]           # titles, labels, legends, annotations
        bad = [t for t in texts if re.search(r"\d\.\d", t)]
        assert not bad, bad


def test_clouds_figure_with_perceptron_lines_draws():
    X, y = neuron.two_clouds(n=100, distance=8.0, rng=0)
    mu0, mu1 = neuron.two_clouds_means(8.0)
    w, b, _ = neuron.perceptron_train(X, y, rng=0)
    fig = neuron_fig.draw_clouds(X, y, mu1 - mu0, (mu0 @ mu0 - mu1 @ mu1) / 2, others=[(w, b, "перцептрон")])
    assert len(widgets.render_png(fig)) > 1000
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["класс 0", "класс 1", "ŷ = 1/2", "перцептрон"]


def test_perceptron_step_size_matters_only_from_a_nonzero_start():
    X, y = neuron.two_clouds(n=100, distance=8.0, rng=0)
    for seed in range(5):
        zero = [neuron.perceptron_train(X, y, lr=lr, rng=seed)[2] for lr in (0.01, 1.0, 100.0)]
        assert zero[0] == zero[1] == zero[2]
    start = (np.array([0.0, 1.0]), 0.0)
    w, b, m = neuron.perceptron_train(X, y, lr=0.01, rng=0, start=start)
    assert sum(m) != sum(neuron.perceptron_train(X, y, lr=100.0, rng=0, start=start)[2])
    assert np.array_equal(start[0], [0.0, 1.0])            # the start is not modified in place
    # a start that already separates: no mistakes, parameters returned unchanged
    c0, c1 = neuron.two_clouds_means(8.0)
    w0, b0 = c1 - c0, (c0 @ c0 - c1 @ c1) / 2
    w, b, m = neuron.perceptron_train(X, y, start=(w0, b0))
    assert m == [0] and np.array_equal(w, w0) and b == b0


def test_triangle_witness_certifies_non_separability():
    X, y = neuron.two_clouds(n=100, distance=3.0, rng=0)
    i, tri, nu = neuron.triangle_witness(X, y)
    tri = list(tri)
    assert np.all(y[tri] != y[i]) and np.all(nu > 0) and np.isclose(nu.sum(), 1.0)
    np.testing.assert_allclose(nu @ X[tri], X[i], atol=1e-12)
    # separable samples have no witness: the far clouds and the four points of AND
    assert neuron.triangle_witness(*neuron.two_clouds(n=100, distance=8.0, rng=0)) is None
    assert neuron.triangle_witness(neuron.BOOLEAN_INPUTS, neuron.truth_table(*neuron.LOGIC_NEURONS["И"])) is None
