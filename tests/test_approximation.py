"""lib.chapters.approximation and lib.figures.approximation (chapter 2): the construction, its error bound,
the plan for a given ε, training, the slider panels."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from book import panel_figure

from lib import widgets
from lib.activations import relu, sigmoid
from lib.chapters import approximation as A
from lib.figures import approximation as F

GRID = np.linspace(0.0, 1.0, 4001)


def fine_grid(H: int, per_piece: int = 200) -> np.ndarray:
    """Points of [0, 1] that contain every edge u_j = j/H and every midpoint c_j exactly (up to rounding)."""
    return np.union1d(np.linspace(0.0, 1.0, H * per_piece + 1), (np.arange(H) + 0.5) / H)


def comma(text: str) -> str:
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


@pytest.mark.parametrize("key", sorted(A.TARGETS))
def test_lipschitz_constants_bound_the_slope(key):
    t = A.TARGETS[key]
    x = np.linspace(0.0, 1.0, 200001)
    slopes = np.abs(np.diff(t.f(x))) / np.diff(x)
    assert slopes.max() <= t.lipschitz * (1 + 1e-9)
    assert slopes.max() >= 0.999 * t.lipschitz          # the constant is sharp, not a loose guess


# --- the construction -------------------------------------------------------------------------

@pytest.mark.parametrize("H", [1, 2, 5, 17])
def test_step_network_has_H_neurons_and_the_sum_of_bumps_is_the_network(H):
    t = A.TARGETS["kink"]
    W, b, alpha = A.step_network(t.f, H, 50.0)
    assert W.shape == (1, H) and b.shape == (H,) and alpha.shape == (H,)
    assert W[0, 0] == 0.0 and b[0] == 0.0                         # neuron 0: weight 0, bias 0
    np.testing.assert_allclose(W[0, 1:], 50.0)
    np.testing.assert_allclose(-b[1:] / W[0, 1:], np.arange(1, H) / H, rtol=1e-15)   # thresholds at u_j
    parts = A.bumps(GRID, t.f, H, 50.0)
    assert parts.shape == (H, GRID.size)
    np.testing.assert_allclose(parts.sum(axis=0), A.network(GRID, W, b, alpha), atol=1e-12)


@pytest.mark.parametrize("activation,s0", [(sigmoid, 0.5), (A.ramp, 0.5), (lambda z: (np.tanh(z) + 1) / 2, 0.5),
                                           (lambda z: sigmoid(z + 1.0), float(sigmoid(1.0)))])
@pytest.mark.parametrize("c", [-3.7, 0.0, 1e-3, 2.5])
@pytest.mark.parametrize("w", [0.5, 30.0, 3e4])
def test_the_constant_neuron_is_exact(activation, s0, c, w):
    """α_0 = v_1/σ(0): for a constant f every step has the weight 0 and the network is c at every x."""
    H = 7
    W, b, alpha = A.step_network(lambda x: np.full_like(x, c), H, w, activation=activation)
    assert alpha[0] == c / s0 and np.all(alpha[1:] == 0.0)
    y = A.network(np.linspace(-2.0, 3.0, 501), W, b, alpha, activation=activation)
    np.testing.assert_allclose(y, c, rtol=1e-15, atol=0)       # α_0 σ(0) = c up to one rounding


def test_a_sigma_vanishing_at_zero_is_refused():
    with pytest.raises(ValueError, match="σ\\(0\\) = 0"):
        A.step_network(np.sin, 3, 10.0, activation=relu)


def test_alpha_telescopes_to_the_midpoint_values():
    t = A.TARGETS["smooth"]
    H = 9
    _, _, alpha = A.step_network(t.f, H, 10.0)
    v = t.f((np.arange(H) + 0.5) / H)
    np.testing.assert_allclose(A.midpoint_values(t.f, H), v, rtol=0, atol=0)
    assert alpha[0] * sigmoid(0.0) == v[0]
    np.testing.assert_allclose(v[0] + np.cumsum(alpha[1:]), v[1:], atol=1e-14)


def test_steep_network_tends_to_the_midpoint_staircase():
    t = A.TARGETS["smooth"]
    H = 8
    W, b, alpha = A.step_network(t.f, H, 1e5)
    x = np.linspace(0.01, 0.99, 300)
    x = x[np.min(np.abs(x[:, None] - np.arange(1, H)[None, :] / H), axis=1) > 1e-3]   # off the jumps
    piece = np.minimum((x * H).astype(int), H - 1)
    staircase = t.f((piece + 0.5) / H)
    np.testing.assert_allclose(A.network(x, W, b, alpha), staircase, atol=1e-12)


# --- the error bound --------------------------------------------------------------------------

@pytest.mark.parametrize("H,w,M", [(1, 1.0, 2.0), (3, 7.0, 1.0), (40, 400.0, 2 * math.pi), (10, 1e4, 5.0)])
def test_error_bound_is_the_formula_of_the_proposition(H, w, M):
    expected = M / (2 * H) + (M / H) / (math.exp(w / (2 * H)) - 1)
    assert math.isclose(A.error_bound(H, w, M), expected, rel_tol=1e-12)


def test_error_bound_decreases_in_w_to_the_staircase_term():
    ws = np.geomspace(0.1, 1e4, 60)
    bounds = np.array([A.error_bound(10, w, 3.0) for w in ws])
    assert np.all(np.diff(bounds) <= 0) and np.all(np.diff(bounds[ws < 500]) < 0)   # beyond: tails < 1 ulp
    assert bounds[-1] == 3.0 / 20                       # tails e^{−500}: below one rounding of M/(2H)
    assert A.error_bound(10, 0.1, 3.0) > 10 * 3.0 / 20  # gentle sigmoids: tails dominate


@pytest.mark.parametrize("key", sorted(A.TARGETS))
@pytest.mark.parametrize("H", [1, 2, 3, 7, 20, 60])
@pytest.mark.parametrize("w", [0.3, 1.0, 6.0, 40.0, 400.0, 5000.0])
def test_error_bound_holds_for_the_targets(key, H, w):
    t = A.TARGETS[key]
    W, b, alpha = A.step_network(t.f, H, w)
    err = A.sup_error(t.f, W, b, alpha, fine_grid(H, 4000 // H + 1))
    assert err <= A.error_bound(H, w, t.lipschitz) * (1 + 1e-9)      # 1e-9: rounding in a sum of H sigmoids


def random_lipschitz(M: float, rng):
    """A random piecewise-linear function on [0, 1] with slopes ±M on random pieces: M-Lipschitz, and
    its slope is extreme everywhere (the worst case for the bound)."""
    knots = np.sort(rng.uniform(0, 1, rng.integers(1, 12)))
    knots = np.concatenate([[0.0], knots, [1.0]])
    slopes = M * rng.choice([-1.0, 1.0], knots.size - 1)
    values = rng.normal() + np.concatenate([[0.0], np.cumsum(slopes * np.diff(knots))])
    return lambda x: np.interp(x, knots, values)


@pytest.mark.parametrize("seed", range(12))
def test_error_bound_holds_for_random_lipschitz_functions(seed):
    rng = np.random.default_rng(seed)
    M = float(rng.uniform(0.5, 20))
    f = random_lipschitz(M, rng)
    x = np.linspace(0, 1, 100001)
    assert np.max(np.abs(np.diff(f(x))) / np.diff(x)) <= M * (1 + 1e-9)
    for H in (1, 4, 13, 50):
        for w in (0.5, 5.0, 50.0, 5e3):
            W, b, alpha = A.step_network(f, H, w)
            err = A.sup_error(f, W, b, alpha, fine_grid(H, 400))
            assert err <= A.error_bound(H, w, M) * (1 + 1e-9), (seed, H, w)


@pytest.mark.parametrize("key", sorted(A.TARGETS))
def test_error_bound_is_sharp_for_steep_sigmoids(key):
    """For the three targets |f′(0)| = M, so the error at x = 0 alone nearly reaches M/(2H)."""
    t = A.TARGETS[key]
    H = 200
    W, b, alpha = A.step_network(t.f, H, 100.0 * H)
    err = A.sup_error(t.f, W, b, alpha, GRID)
    assert err >= 0.99 * A.error_bound(H, 100.0 * H, t.lipschitz)


def test_with_the_ramp_the_tails_vanish_once_w_is_at_least_H():
    """The ramp r(z) = clip(z + 1/2, 0, 1) is exact off |z| < 1/2: with ω ≥ H the error is ≤ M/(2H)."""
    t = A.TARGETS["kink"]
    for H in (5, 20, 63):
        W, b, alpha = A.step_network(t.f, H, float(H), activation=A.ramp)
        err = A.sup_error(t.f, W, b, alpha, fine_grid(H), activation=A.ramp)
        assert err <= t.lipschitz / (2 * H) * (1 + 1e-9)


# --- the plan for a given ε -------------------------------------------------------------------

@pytest.mark.parametrize("key,eps", [("smooth", 0.05), ("kink", 0.01), ("wiggly", 0.1), ("smooth", 0.003),
                                     ("kink", 1.5), ("wiggly", 0.02)])
def test_plan_reaches_eps(key, eps):
    t = A.TARGETS[key]
    M = t.lipschitz
    H, w = A.plan(eps, t)
    assert H == max(1, math.ceil(M / eps)) and M / (2 * H) <= eps / 2
    tails = A.error_bound(H, w, M) - M / (2 * H)
    assert tails <= eps / 2 * (1 + 1e-9)
    assert A.error_bound(H, w, M) <= eps * (1 + 1e-12)
    W, b, alpha = A.step_network(t.f, H, w)
    assert A.sup_error(t.f, W, b, alpha, fine_grid(H, max(4, 20000 // H))) < eps


def test_plan_tails_take_exactly_half_of_eps():
    t = A.TARGETS["smooth"]
    for eps in (0.3, 0.05, 0.007):
        H, w = A.plan(eps, t)
        tails = A.error_bound(H, w, t.lipschitz) - t.lipschitz / (2 * H)
        assert tails == pytest.approx(eps / 2, rel=1e-9)


# --- how the error and the needed H scale -------------------------------------------------------

@pytest.mark.parametrize("key,Hs", [("smooth", [16, 32, 64, 128, 256]), ("kink", [10, 20, 40, 80, 160]),
                                    ("wiggly", [64, 128, 256, 512])])
def test_error_decays_like_one_over_H(key, Hs):
    errs = A.error_curve(A.TARGETS[key], Hs)
    assert np.all(np.diff(errs) < 0)
    assert abs(A.loglog_slope(Hs, errs) + 1) < 0.05


def test_the_smooth_error_is_exactly_sin_pi_over_H():
    Hs = np.array([16, 32, 64])
    np.testing.assert_allclose(A.error_curve(A.TARGETS["smooth"], Hs), np.sin(np.pi / Hs), rtol=1e-9)


def test_loglog_slope_recovers_a_power_law():
    H = np.array([1.0, 2.0, 4.0, 8.0])
    assert np.isclose(A.loglog_slope(H, 3.0 * H**-2.5), -2.5)


def test_neurons_needed_is_minimal():
    t = A.TARGETS["smooth"]
    H = A.neurons_needed(t, 0.05)
    for h, should in ((H, True), (H - 1, False)):
        W, b, alpha = A.step_network(t.f, h, 60.0 * h)
        assert (A.sup_error(t.f, W, b, alpha, np.linspace(0, 1, 4001)) <= 0.05) == should


def test_training_lowers_the_loss_keeps_output_bias_zero_and_is_deterministic():
    t = A.TARGETS["smooth"]
    model, losses = A.train_network(t, H=4, steps=300, rng=3)
    assert losses[-1] < 0.2 * losses[0]
    assert np.all(model[2].b.data == 0.0)
    _, again = A.train_network(t, H=4, steps=300, rng=3)
    assert losses == again


def test_ramp_is_sigmoidal_and_made_of_relus():
    z = np.linspace(-3, 3, 61)
    r = A.ramp(z)
    np.testing.assert_allclose(r, np.clip(z + 0.5, 0, 1), atol=1e-15)
    np.testing.assert_allclose(r, relu(z + 0.5) - relu(z - 0.5), atol=1e-15)
    assert A.ramp(-1e6) == 0.0 and A.ramp(1e6) == 1.0


def test_bump_is_an_approximate_indicator():
    x = np.array([0.1, 0.29, 0.31, 0.5, 0.69, 0.71, 0.9])
    inside = (x > 0.3) & (x < 0.7)
    for w, tol in ((200.0, 0.15), (2000.0, 1e-8)):
        y = A.bump(x, 0.3, 0.7, w)
        assert np.all(np.abs(y - inside) < tol)


def test_towers():
    x, B, T = A.tower_parts(n=41)
    centre, arm, corner = B[20, 20], B[20, 2], B[2, 2]
    assert centre > 1.9 and 0.9 < arm < 1.1 and corner < 0.1
    assert T[20, 20] > 0.99 and T[20, 2] < 0.01 and T[2, 2] < 0.01


def test_errors_are_clear():
    f = A.TARGETS["smooth"].f
    with pytest.raises(ValueError, match="H: ожидалось целое положительное"):
        A.step_network(f, 0, 10.0)
    with pytest.raises(ValueError, match="крутизна w"):
        A.step_network(f, 3, -1.0)
    with pytest.raises(ValueError, match="крутизна w"):
        A.error_bound(3, float("inf"), 1.0)
    with pytest.raises(ValueError, match="константа Липшица M"):
        A.error_bound(3, 10.0, -1.0)
    with pytest.raises(ValueError, match=r"\(n, d\).*\(d, H\)"):
        A.network(np.ones((4, 2)), np.ones((1, 3)), np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"форму \(H,\) = \(3,\)"):
        A.network(np.ones(4), np.ones((1, 3)), np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="левый край"):
        A.bump(np.ones(3), 0.5, 0.2, 10.0)
    with pytest.raises(ValueError, match="крутизна w"):
        A.bump(np.ones(3), 0.2, 0.5, 0.0)
    with pytest.raises(ValueError, match="неизвестная целевая функция"):
        A.get_target("cos")
    with pytest.raises(ValueError, match="точность ε"):
        A.plan(0.0, A.TARGETS["kink"])
    with pytest.raises(ValueError, match=r"форм\w* \(H,\)"):
        A.midpoint_values(lambda x: 1.0, 3)


# --- figures and panels over the slider grid -----------------------------------------------------

def test_tents_figure_has_one_axis_per_depth_with_the_counts():
    fig = F.draw_tents((1, 2, 4))
    assert [ax.get_title() for ax in fig.axes] == ["D = 1: 2 нейронов, 2 кусков", "D = 2: 4 нейронов, 4 кусков",
                                                  "D = 4: 8 нейронов, 16 кусков"]


def test_error_curve_labels_use_the_decimal_comma():
    fig = F.draw_error_curves({"smooth": ([16, 32, 64], A.error_curve(A.TARGETS["smooth"], [16, 32, 64]))})
    label = fig.axes[0].get_legend().get_texts()[0].get_text()
    assert re.search(r"наклон −\d,\d{3}$", label), label


@pytest.mark.parametrize("values", widgets.get("ch02.approx").grid(4))
def test_approx_panel_quantities(values):
    t = A.get_target(values["target"])
    H, w = values["H"], values["w"]
    x = np.linspace(0, 1, 301)
    parts = A.bumps(x, t.f, H, w)
    W, b, alpha = A.step_network(t.f, H, w)
    np.testing.assert_allclose(parts.sum(axis=0), A.network(x, W, b, alpha), atol=1e-12)
    err = np.abs(parts.sum(axis=0) - t.f(x)).max()
    bound = A.error_bound(H, w, t.lipschitz)
    assert err <= bound * (1 + 1e-9)
    fig = panel_figure("ch02.approx", **values)
    assert len(fig.axes) == 2
    assert fig.axes[0].get_title() == comma(f"max |ŷ − f| = {err:.3g}, оценка (пунктир) {bound:.3g}")
    # the lower plot shows the error in units of the bound: within the fixed limits ±1.1
    shown = fig.axes[1].get_lines()[0].get_ydata()
    np.testing.assert_allclose(shown, (parts.sum(axis=0) - t.f(x)) / bound, atol=1e-12)
    assert np.all(np.abs(shown) <= 1 + 1e-9)
    lo, hi = fig.axes[0].get_ylim()
    assert lo <= min(parts.min(), t.f(x).min()) and max(parts.max(), parts.sum(axis=0).max()) <= hi


@pytest.mark.parametrize("values", widgets.get("ch02.bump").grid(4))
def test_bump_panel_quantities(values):
    u1, width, w = values["u1"], values["width"], values["w"]
    x = np.linspace(0, 1, 301)
    y = A.bump(x, u1, u1 + width, w)
    assert np.all(y >= 0) and np.all(y <= 1)
    # height at the middle: σ(ω·width/2) − σ(−ω·width/2) = 2σ(ω·width/2) − 1, approaching 1 as ω grows
    mid = u1 + width / 2
    assert np.isclose(A.bump(mid, u1, u1 + width, w), 2 * sigmoid(w * width / 2) - 1)
    fig = panel_figure("ch02.bump", **values)
    line = next(ln for ln in fig.axes[0].get_lines() if ln.get_label() == "горб = разность")
    np.testing.assert_allclose(line.get_ydata(), y, atol=1e-15)


# --- the answers of the chapter's exercises ------------------------------------------------------

def test_exercise_how_many_neurons():
    M, eps = A.TARGETS["smooth"].lipschitz, 0.01
    assert math.isclose(M / (2 * eps), 100 * math.pi) and round(100 * math.pi, 2) == 314.16
    assert math.ceil(M / (2 * eps)) == 315
    assert math.sin(math.pi / 314) > eps > math.sin(math.pi / 315)       # 314 is not enough, 315 is
    assert round(math.sin(math.pi / 314), 6) == 0.010005
    assert A.neurons_needed(A.TARGETS["smooth"], eps) == 315             # the construction agrees
    assert math.ceil(M / (2 * 0.001)) == 3142


def test_exercise_pointwise_limit_away_from_the_jump():
    for eps, rho in ((1e-3, 0.1), (1e-8, 0.01)):
        w = math.log(1 / eps) / rho
        assert sigmoid(-w * rho) < eps


def test_exercise_depth_against_width():
    from lib.chapters import approximation_beyond as B

    D = 10
    net = B.tent_network(D)
    x = np.linspace(0, 1, 2**D * 4 + 1)
    pieces = B.count_pieces(x, net(x[:, None])[:, 0])
    hidden = sum(layer.W.data.shape[1] for layer in net if hasattr(layer, "W")) - 1   # minus the output
    assert pieces - 1 == 1023 and hidden == 20


def test_the_jump_network_is_one_sigmoid_with_rms_error_sqrt_of_2ln2_minus_1_over_w():
    jump = lambda x: (x >= 0.5).astype(float)   # noqa: E731
    x = np.linspace(0.0, 1.0, 400001)
    for H in (4, 16, 64):
        w = 200.0 * H
        y = A.network(x[::100], *A.step_network(jump, H, w))
        np.testing.assert_allclose(y, sigmoid(w * (x[::100] - 0.5)), atol=1e-15)   # even H: one step at 1/2
        rms = np.sqrt(np.mean((sigmoid(w * (x - 0.5)) - jump(x)) ** 2))
        assert rms == pytest.approx(np.sqrt((2 * np.log(2) - 1) / w), rel=2e-3)   # the integral ln 2 − 1/2


def test_the_wiggly_error_is_exactly_sin_6pi_over_H():
    Hs = np.array([64, 128, 256, 512])
    np.testing.assert_allclose(A.error_curve(A.TARGETS["wiggly"], Hs), np.sin(6 * np.pi / Hs), rtol=1e-9)


def test_figure_tick_labels_use_the_decimal_comma():
    t = A.TARGETS["smooth"]
    model, _ = A.train_network(t, H=3, steps=5)
    fig = F.draw_trained_vs_constructed(t, model, 10)
    fig.canvas.draw()
    labels = [lab.get_text() for ax in fig.axes for lab in ax.get_xticklabels() + ax.get_yticklabels()]
    assert any("," in s for s in labels) and not any("." in s or "-" in s for s in labels), labels
