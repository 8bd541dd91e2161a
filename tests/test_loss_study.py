"""Chapter 6 (lib.chapters.loss_study, loss_study_regression, lib.figures.loss_study): experiments and slider grids."""

from __future__ import annotations

import numpy as np
import pytest
from book import panel_figure

from lib import widgets
from lib.activations import sigmoid, softmax
from lib.chapters import loss_study as ls
from lib.chapters import loss_study_regression as sl
from lib.figures import loss_study as fig
from lib.gradcheck import numerical_gradient, relative_error
from lib.homework import TASKS, check, load_all
from lib.losses import BCEWithLogitsLoss, CrossEntropyLoss

load_all()
RNG = np.random.default_rng(66)


# --- regression -----------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_best_constants_are_mean_and_median(seed):
    r = np.random.default_rng(seed)
    y = r.standard_t(df=2, size=2 * seed + 5)            # odd n: the median is unique
    c = np.linspace(y.min() - 1, y.max() + 1, 30001)
    step = c[1] - c[0]
    assert abs(c[np.argmin(sl.constant_risk(c, y, "mse"))] - sl.best_constant(y, "mse")) <= step
    assert abs(c[np.argmin(sl.constant_risk(c, y, "mae"))] - sl.best_constant(y, "mae")) <= step
    assert np.isclose(sl.best_constant(y, "mse"), y.mean())
    assert np.isclose(sl.best_constant(y, "mae"), np.median(y))


def test_mae_is_flat_between_middle_points_for_even_n():
    y = np.sort(RNG.normal(size=8))
    inside = sl.constant_risk(np.linspace(y[3], y[4], 9), y, "mae")
    np.testing.assert_allclose(inside, inside[0], rtol=1e-12)
    assert sl.constant_risk(y[3] - 1e-3, y, "mae") > inside[0] < sl.constant_risk(y[4] + 1e-3, y, "mae")


def test_nll_equals_scaled_loss_plus_constant():
    y, s = RNG.normal(size=7), 1.7
    for _ in range(4):
        y_hat = RNG.normal(size=7)
        mse, mae = np.mean((y_hat - y) ** 2), np.mean(np.abs(y_hat - y))
        expected = 3.5 * np.log(2 * np.pi * s * s) + 7 * mse / (2 * s * s)
        assert np.isclose(sl.gaussian_nll(y, y_hat, s), expected)
        assert np.isclose(sl.laplace_nll(y, y_hat, s), 7 * np.log(np.sqrt(2) * s) + 7 * np.sqrt(2) * mae / s)


def test_mse_line_is_least_squares():
    x = np.linspace(0, 5, 12)
    y = 2.0 * x - 1.0 + 0.1 * RNG.normal(size=12)
    w, b = sl.fit_line_mse(x, y)
    np.testing.assert_allclose([w, b], np.polyfit(x, y, 1), rtol=1e-10)
    # the normal equations: residuals are orthogonal to x and to the ones
    r = y - (w * x + b)
    assert abs(r.sum()) < 1e-10 and abs(r @ x) < 1e-10


@pytest.mark.parametrize("values", widgets.get("ch06.outlier").grid(5))
def test_outlier_panel_fits_over_slider_grid(values):
    x_out, size = values["x_out"], values["size"]
    f = sl.outlier_fits(x_out, size)
    x, y = f["x"], f["y"]
    assert x.shape == y.shape == (16,) and x[-1] == x_out
    assert np.isclose(y[-1], sl.TRUE_W * x_out + sl.TRUE_B + size)
    # MAE line: exact minimum (not worse than the best line through two points)
    w_ex, b_ex = sl.fit_line_mae_exhaustive(x, y)
    mae = lambda wb: np.mean(np.abs(y - wb[0] * x - wb[1]))  # noqa: E731
    assert mae(f["mae"]) <= mae((w_ex, b_ex)) + 1e-12
    # MSE line is linear in y: its shift is exactly size × the shift for a unit outlier
    clean, unit = sl.outlier_fits(x_out, 0.0), sl.outlier_fits(x_out, 1.0)
    shift = np.subtract(f["mse"], clean["mse"])
    np.testing.assert_allclose(shift, size * np.subtract(unit["mse"], clean["mse"]), atol=1e-9)
    # MAE is robust: on [0, 10] the line moves by little, whatever the size of the outlier
    gap_mae = max(abs((f["mae"][0] - clean["mae"][0]) * t + f["mae"][1] - clean["mae"][1]) for t in (0, 10))
    gap_mse = max(abs(shift[0] * t + shift[1]) for t in (0, 10))
    assert gap_mae < 0.5
    if abs(size) >= 10:
        assert gap_mse > 3 * gap_mae and gap_mse > 0.5


@pytest.mark.parametrize("x_out", [0.0, 2.5, 8.0, 10.0])
def test_mae_line_ignores_outlier_size_beyond_the_line(x_out):
    fits = [sl.outlier_fits(x_out, s)["mae"] for s in (10.0, 15.0, 20.0)]
    risks_equal = [np.allclose(fits[0], f, atol=1e-9) for f in fits[1:]]
    assert all(risks_equal)
    fits_down = [sl.outlier_fits(x_out, s)["mae"] for s in (-10.0, -20.0)]
    np.testing.assert_allclose(fits_down[0], fits_down[1], atol=1e-9)


def test_irls_matches_exhaustive_on_random_data():
    for seed in range(8):
        r = np.random.default_rng(seed)
        x = r.uniform(0, 10, 12)
        y = 1.5 * x + r.laplace(0, 1, 12)
        w, b = sl.fit_line_mae(x, y)
        w_ex, b_ex = sl.fit_line_mae_exhaustive(x, y)
        assert np.mean(np.abs(y - w * x - b)) <= np.mean(np.abs(y - w_ex * x - b_ex)) + 1e-12


# --- binary classification ------------------------------------------------------------

@pytest.mark.parametrize("values", widgets.get("ch06.prob_losses").grid(25))
def test_prob_losses_over_slider_grid(values):
    p = values["p"]
    v1, v0 = fig.prob_losses(p, 1), fig.prob_losses(p, 0)
    assert np.isclose(v1["bce"], -np.log(p)) and np.isclose(v0["bce"], -np.log(1 - p))
    assert np.isclose(v1["mse"], (1 - p) ** 2) and np.isclose(v0["mse"], p**2)
    # −log p ≥ 1 − p ≥ (1 − p)²: cross-entropy punishes at least as hard as the squared error
    assert v1["bce"] >= v1["mse"] and v0["bce"] >= v0["mse"]
    # the two labels mirror each other around p = 1/2
    assert np.isclose(fig.prob_losses(1 - p, 0)["bce"], v1["bce"])
    assert v1["mse"] <= 1 and v0["mse"] <= 1


def test_bce_is_bernoulli_nll_and_stable_matches_naive_where_naive_works():
    p = np.linspace(0.01, 0.99, 50)
    for label in (0.0, 1.0):
        yy = np.full_like(p, label)
        np.testing.assert_allclose(ls.bernoulli_nll(p, yy), ls.bce_on_probability(p, yy), rtol=1e-12)
    z = np.linspace(-15, 15, 61)
    for label in (0.0, 1.0):
        yy = np.full_like(z, label)
        np.testing.assert_allclose(ls.bce_stable(z, yy), ls.bce_naive(z, yy), rtol=1e-6)
        np.testing.assert_allclose(ls.bce_stable(z, yy), ls.bce_on_probability(sigmoid(z), yy), rtol=1e-6)


def test_naive_bce_breaks_and_stable_does_not():
    z = np.array([-1e4, -800.0, 40.0, 800.0, 1e4])
    y = np.array([1.0, 1.0, 0.0, 1.0, 0.0])
    naive, stable = ls.bce_naive(z, y), ls.bce_stable(z, y)
    assert not np.all(np.isfinite(naive))
    assert np.all(np.isfinite(stable))
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        ls.bce_stable(z, y)                                   # no floating-point error at all
    # a confident mistake costs |z|, a confident right answer almost nothing
    np.testing.assert_allclose(stable, [1e4, 800.0, 40.0, 0.0, 1e4], atol=1e-15)
    assert np.isclose(BCEWithLogitsLoss()(z, y), stable.mean())


def test_logit_gradients():
    z = np.linspace(-6, 6, 13)
    for label in (0.0, 1.0):
        yy = np.full_like(z, label)
        num_bce = np.array([numerical_gradient(lambda v, i=i: ls.bce_stable(v, yy[i:i + 1])[0], z[i:i + 1])[0]
                            for i in range(z.size)])
        np.testing.assert_allclose(ls.grad_logit_bce(z, yy), num_bce, atol=1e-8)
        num_mse = np.array([numerical_gradient(lambda v: float((sigmoid(v[0]) - label) ** 2), z[i:i + 1])[0]
                            for i in range(z.size)])
        np.testing.assert_allclose(ls.grad_logit_mse_sigmoid(z, yy), num_mse, atol=1e-8)
    # on a confident mistake the MSE gradient vanishes, the BCE one does not
    assert abs(ls.grad_logit_mse_sigmoid(np.array([-15.0]), np.array([1.0]))[0]) < 1e-5
    assert ls.grad_logit_bce(np.array([-15.0]), np.array([1.0]))[0] < -0.999


def test_confident_mistake_run():
    p_bce = ls.confident_mistake_run("bce", z0=-6.0, lr=1.0, steps=60)
    p_mse = ls.confident_mistake_run("mse", z0=-6.0, lr=1.0, steps=60)
    assert p_bce.shape == p_mse.shape == (61,)
    assert p_bce[0] == p_mse[0] == sigmoid(-6.0)
    assert p_bce[-1] > 0.95 and p_mse[-1] < 0.01
    assert np.all(np.diff(p_bce) > 0) and np.all(np.diff(p_mse) > 0)


# --- multiclass -----------------------------------------------------------------------

@pytest.mark.parametrize("values", widgets.get("ch06.softmax").grid(3))
def test_softmax_panel_over_slider_grid(values):
    z = np.array([values["z0"], values["z1"], values["z2"]])
    y = values["y"]
    v = fig.softmax_panel_values(*z, y)
    assert v["y_hat"].shape == v["grad"].shape == (3,)
    assert np.all(v["y_hat"] > 0) and np.isclose(v["y_hat"].sum(), 1.0)
    assert np.isclose(v["ce"], -np.log(v["y_hat"][y]))
    assert np.isclose(v["ce"], ls.logsumexp(z) - z[y])
    onehot = np.eye(3)[y]
    np.testing.assert_allclose(v["grad"], v["y_hat"] - onehot, atol=1e-15)
    assert abs(v["grad"].sum()) < 1e-12 and v["grad"][y] <= 0
    # shifting every logit by the same number changes nothing
    w = fig.softmax_panel_values(*(z + 3.0), y)
    np.testing.assert_allclose(w["y_hat"], v["y_hat"], rtol=1e-12)
    assert np.isclose(w["ce"], v["ce"])
    # the largest logit gets the largest probability
    assert np.argmax(v["y_hat"]) == np.argmax(z)


def test_cross_entropy_forms_agree_and_gradient_is_softmax_minus_onehot():
    Z = RNG.normal(0, 3, size=(6, 4))
    y = RNG.integers(0, 4, size=6)
    ce = CrossEntropyLoss()(Z, y)
    assert np.isclose(ls.cross_entropy_indicator(softmax(Z, axis=1), y), ce)
    g = ls.softmax_ce_grad(Z, y)
    assert relative_error(g, numerical_gradient(lambda v: CrossEntropyLoss()(v, y), Z)) < 1e-7
    np.testing.assert_allclose(g, (softmax(Z, axis=1) - np.eye(4)[y]) / 6, rtol=1e-12)


def test_logsumexp_and_naive_softmax():
    z = np.array([[1000.0, 999.0, 998.0], [1.0, 2.0, 3.0]])
    naive = ls.softmax_naive(z)
    assert np.all(np.isnan(naive[0]))
    np.testing.assert_allclose(naive[1], softmax(z[1]), rtol=1e-12)
    lse = ls.logsumexp(z)
    assert np.all(z.max(axis=1) <= lse) and np.all(lse <= z.max(axis=1) + np.log(3))
    assert np.isclose(lse[1], np.log(np.exp(z[1]).sum()))


# --- the auto-checked tasks: plausible student variants ---------------------------------

def _student_bce_lib_sigmoid(z, y):
    p = sigmoid(z)                      # stable sigmoid, but then log(0)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def test_bce_task_names_log_of_zero_even_with_a_stable_sigmoid():
    verdict = check("ch06.bce_logits", _student_bce_lib_sigmoid)
    assert not verdict.ok
    assert "log(0)" in verdict.message or "e^{−z}" in (verdict.hint or "")
    verdict = check("ch06.bce_logits", lambda z, y: BCEWithLogitsLoss()(z, y))
    assert verdict.ok


def test_ce_task_accepts_library_and_rejects_combined_mistakes():
    def via_lib(Z, y):
        loss = CrossEntropyLoss()
        loss(Z, y)
        return loss.backward()

    assert check("ch06.softmax_ce_grad", via_lib).ok
    # naive exp AND no 1/n: not a single listed mistake, but still reported as an error
    def naive_no_mean(Z, y):
        return np.exp(Z) / np.exp(Z).sum(1, keepdims=True) - np.eye(Z.shape[1])[y]

    verdict = check("ch06.softmax_ce_grad", naive_no_mean)
    assert not verdict.ok
    assert set(TASKS) >= {"ch06.bce_logits", "ch06.softmax_ce_grad"}


# --- bad input --------------------------------------------------------------------------

def test_errors_are_russian_and_name_what_was_expected():
    with pytest.raises(ValueError, match=r"ожидался массив формы \(n,\)"):
        sl.constant_risk(0.0, np.ones((2, 2)))
    with pytest.raises(ValueError, match="'mse' или 'mae'"):
        sl.best_constant(np.ones(3), "huber")
    with pytest.raises(ValueError, match="формы должны совпадать"):
        sl.fit_line_mse(np.arange(3.0), np.arange(4.0))
    with pytest.raises(ValueError, match="все x одинаковы"):
        sl.fit_line_mse(np.ones(3), np.arange(3.0))
    with pytest.raises(ValueError, match=r"x_out должен лежать в \[0, 10\]"):
        sl.outlier_data(11.0, 1.0)
    with pytest.raises(ValueError, match="метки 0 или 1"):
        ls.bce_stable(np.zeros(2), np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"ожидалась форма \(3,\)"):
        ls.bce_stable(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match=r"лежать в \(0, 1\)"):
        ls.bce_on_probability(np.array([0.0, 0.5]), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"метки должны лежать в \[0, 3\)"):
        ls.softmax_ce_grad(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="целыми"):
        ls.softmax_ce_grad(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"ожидался массив формы \(n, K\)"):
        ls.softmax_ce_grad(np.zeros(3), np.array([0]))
    with pytest.raises(ValueError, match="'bce' или 'mse'"):
        ls.confident_mistake_run("mae")
    with pytest.raises(ValueError, match="s должно быть > 0"):
        sl.gaussian_nll(np.ones(2), np.ones(2), s=0.0)
    with pytest.raises(ValueError, match="порог ρ должен быть > 0"):
        sl.huber(np.ones(2), rho=0.0)
    with pytest.raises(ValueError, match="распределения"):
        ls.cross_entropy(np.array([0.5, 0.6]), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="формы q и ŷ должны совпадать"):
        ls.cross_entropy(np.array([1.0, 0.0]), np.array([0.2, 0.3, 0.5]))
    with pytest.raises(ValueError, match="n_per_x ≥ 1"):
        sl.conditional_experiment(n_per_x=0)


# --- the panels show the computed values ---------------------------------------------------

@pytest.mark.parametrize("values", widgets.get("ch06.outlier").grid(3))
def test_outlier_panel_draws_the_fitted_lines(values):
    ax = panel_figure("ch06.outlier", **values).axes[0]
    f = sl.outlier_fits(values["x_out"], values["size"])
    lines = ax.get_lines()
    for line, name in zip(lines[1:3], ("mse", "mae")):
        w, b = f[name]
        np.testing.assert_allclose(line.get_ydata(), [b, 10 * w + b])
    np.testing.assert_allclose(lines[4].get_xydata(), [[f["x"][-1], f["y"][-1]]])
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    comma = f"MSE: ω = {f['mse'][0]:.2f}, b = {f['mse'][1]:.2f}".replace(".", ",").replace("-", "−")
    assert texts[1] == comma


@pytest.mark.parametrize("values", widgets.get("ch06.prob_losses").grid(5))
def test_prob_losses_panel_marks_both_losses(values):
    p = values["p"]
    ax = panel_figure("ch06.prob_losses", **values).axes[0]
    points = [line for line in ax.get_lines() if line.get_marker() == "o"]
    for line, y in zip(points, (1, 0)):
        v = fig.prob_losses(p, y)
        np.testing.assert_allclose(line.get_xydata(), [[p, v["bce"]], [p, v["mse"]]])
    assert f"{fig.prob_losses(p, 1)['bce']:.3f}".replace(".", ",") in ax.get_legend().get_texts()[0].get_text()


@pytest.mark.parametrize("values", widgets.get("ch06.softmax").grid(3))
def test_softmax_panel_bars_are_probabilities_and_gradient(values):
    ax = panel_figure("ch06.softmax", **values).axes[0]
    v = fig.softmax_panel_values(values["z0"], values["z1"], values["z2"], values["y"])
    heights = np.array([bar.get_height() for bar in ax.patches])
    np.testing.assert_allclose(heights, np.concatenate([v["y_hat"], v["grad"]]))
    assert ax.get_title().endswith(f"{v['ce']:.3f}".replace(".", ","))


# --- additions: Huber, conditional mean and median, cross-entropy of distributions, 0–1 loss -----

def test_huber_is_quadratic_then_linear_and_smooth_at_the_threshold():
    rho = 1.3
    r = np.linspace(-5, 5, 2001)
    h, g = sl.huber(r, rho), sl.huber_grad(r, rho)
    inside = np.abs(r) <= rho
    np.testing.assert_allclose(h[inside], r[inside] ** 2 / 2)
    np.testing.assert_allclose(h[~inside], rho * (np.abs(r[~inside]) - rho / 2))
    assert np.max(np.abs(g)) == rho
    np.testing.assert_allclose(np.gradient(h, r)[5:-5], g[5:-5], atol=3e-3)   # grid step 5e-3
    eps = 1e-9
    for edge in (rho, -rho):       # value and slope continuous at |r| = ρ
        assert abs(sl.huber(edge + eps, rho) - sl.huber(edge - eps, rho)) < 1e-8
        assert abs(sl.huber_grad(edge + eps, rho) - sl.huber_grad(edge - eps, rho)) < 1e-8


@pytest.mark.parametrize("seed", range(3))
def test_flexible_model_learns_conditional_mean_and_median(seed):
    n = 4000
    f = sl.conditional_experiment(n_per_x=n, s=1.0, rng=seed)
    se = 1.0 / np.sqrt(n)          # standard error of the mean (s/√n) and of the median (1/(2 f(m) √n) = s/√n)
    assert np.max(np.abs(f["mse"] - f["mean"])) < 5 * se
    assert np.max(np.abs(f["mae"] - f["median"])) < 5 * se
    assert np.all(f["mse"] - f["mae"] > 0.3 - 10 * se)       # 1 − ln 2 ≈ 0.307 apart


def test_median_moves_at_most_to_a_neighbouring_order_statistic():
    r = np.random.default_rng(3)
    for _ in range(200):
        y = np.sort(r.normal(size=11))
        k = 5                                   # 0-based index of the median
        y2 = y.copy()
        i = r.integers(11)
        y2[i] += r.choice([-1, 1]) * 10 ** r.uniform(-2, 3)
        m = np.median(y2)
        assert y[k - 1] <= m <= y[k + 1]
    y = np.sort(r.normal(size=11))
    y2 = y.copy()
    y2[0] += 1000.0                              # the smallest point jumps over the median
    assert np.median(y2) == y[6]


def test_cross_entropy_is_entropy_plus_kl_and_onehot_gives_minus_log():
    r = np.random.default_rng(1)
    q, p = r.dirichlet(np.ones(5), size=50), r.dirichlet(np.ones(5), size=50)
    np.testing.assert_allclose(ls.cross_entropy(q, p), ls.entropy(q) + ls.kl_divergence(q, p), rtol=1e-12)
    assert np.all(ls.kl_divergence(q, p) > 0) and np.allclose(ls.kl_divergence(q, q), 0.0, atol=1e-15)
    y = r.integers(0, 5, size=50)
    onehot = np.eye(5)[y]
    np.testing.assert_allclose(ls.cross_entropy(onehot, p), -np.log(p[np.arange(50), y]), rtol=1e-14)
    np.testing.assert_allclose(ls.entropy(onehot), 0.0, atol=0)
    np.testing.assert_allclose(ls.kl_divergence(onehot, p), ls.cross_entropy(onehot, p), rtol=1e-14)
    assert np.isclose(ls.entropy(np.full(4, 0.25)), np.log(4))


def test_zero_one_loss_has_zero_gradient_and_is_below_cross_entropy_in_bits():
    r = np.random.default_rng(2)
    z, y = r.normal(size=(40, 4)), r.integers(0, 4, size=40)
    assert np.isclose(ls.zero_one_loss(z, y), np.mean(np.argmax(z, 1) != y))
    numeric = numerical_gradient(lambda v: ls.zero_one_loss(v, y), z)
    assert np.all(numeric == 0.0)
    logp = np.log(softmax(z, axis=1)[np.arange(40), y])
    wrong = np.argmax(z, 1) != y
    assert np.all(-logp[wrong] / np.log(2) >= 1.0)        # a mistake costs at least one bit
    assert np.mean(-logp) / np.log(2) >= ls.zero_one_loss(z, y)


def test_softmax_before_cross_entropy_bounds_the_loss_from_below():
    r = np.random.default_rng(4)
    K = 10
    y = r.integers(0, K, size=200)
    z = r.normal(size=(200, K))
    z[np.arange(200), y] += 50.0                   # even very confident right answers
    floor = np.log(1 + (K - 1) / np.e)
    assert CrossEntropyLoss()(softmax(z, axis=1), y) >= floor
    assert CrossEntropyLoss()(z, y) < 1e-3


def test_quantile_exercise_answer():
    y_q = np.random.default_rng(5).normal(size=101)
    for tau in (0.1, 0.5, 0.9):
        risk = [np.mean(np.maximum(tau * (y_q - c), (tau - 1) * (y_q - c))) for c in y_q]
        k = int(np.ceil(len(y_q) * tau))
        assert np.isclose(y_q[np.argmin(risk)], np.sort(y_q)[k - 1])
        assert np.isclose(y_q[np.argmin(risk)], np.quantile(y_q, tau, method="inverted_cdf"))
        if tau == 0.5:
            np.testing.assert_allclose(risk, 0.5 * sl.constant_risk(y_q, y_q, "mae"), rtol=1e-12)


def test_mse_line_moves_most_when_the_outlier_is_at_an_end():
    gaps = []
    for x_out in np.linspace(0, 10, 21):
        (w, b), (w0, b0) = sl.outlier_fits(x_out, 10.0)["mse"], sl.outlier_fits(x_out, 0.0)["mse"]
        gaps.append(max(abs((w - w0) * t + (b - b0)) for t in (0.0, 10.0)))
    gaps = np.array(gaps)
    assert np.argmax(gaps) in (0, 20) and gaps[10] == gaps.min()


@pytest.mark.parametrize("q, w1, w0", [(0.01, 99.0, 1.0), (0.2, 3.0, 1.0), (0.3, 1.0, 2.0), (0.5, 1.0, 1.0)])
def test_weighted_bce_best_constant_minimises_the_weighted_risk(q, w1, w0):
    c = np.linspace(1e-5, 1 - 1e-5, 99999)
    risk = w1 * q * ls.bce_on_probability(c, np.ones_like(c)) + w0 * (1 - q) * ls.bce_on_probability(c, np.zeros_like(c))
    c_star = float(ls.weighted_bce_best_constant(q, w1, w0))
    assert abs(c[np.argmin(risk)] - c_star) <= c[1] - c[0]
    assert np.isclose(np.log(c_star / (1 - c_star)) - np.log(w1 / w0), np.log(q / (1 - q)))


def test_balanced_weights_give_one_half_and_bad_inputs_raise():
    q = np.array([0.001, 0.05, 0.3, 0.9])
    np.testing.assert_allclose(ls.weighted_bce_best_constant(q, 1 / q, 1 / (1 - q)), 0.5)
    with pytest.raises(ValueError, match="доля"):
        ls.weighted_bce_best_constant(1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="веса"):
        ls.weighted_bce_best_constant(0.5, 0.0, 1.0)
