"""lib.chapters.approximation and lib.figures.approximation (chapter 2): the construction, its error bound, training, the slider panels."""

from __future__ import annotations

import numpy as np
import pytest
from book import panel_figure

from lib import widgets
from lib.activations import sigmoid
from lib.chapters import approximation as A
from lib.figures import approximation as F  # noqa: F401  (registers the panels)

GRID = np.linspace(0.0, 1.0, 4001)


@pytest.mark.parametrize("key", sorted(A.TARGETS))
def test_lipschitz_constants_bound_the_slope(key):
    t = A.TARGETS[key]
    x = np.linspace(0.0, 1.0, 200001)
    slopes = np.abs(np.diff(t.f(x))) / np.diff(x)
    assert slopes.max() <= t.lipschitz * (1 + 1e-9)
    assert slopes.max() >= 0.999 * t.lipschitz          # the constant is sharp, not a loose guess


@pytest.mark.parametrize("H", [1, 2, 5, 17])
def test_step_network_shapes_and_sum_of_bumps_is_the_network(H):
    t = A.TARGETS["kink"]
    W, b, alpha = A.step_network(t.f, H, 50.0)
    assert W.shape == (1, H) and b.shape == (H,) and alpha.shape == (H,)
    assert W[0, 0] == 0.0 and b[0] == A.DEFAULT_BIAS_ON      # the "always on" neuron gives the constant
    parts = A.bumps(GRID, t.f, H, 50.0)
    assert parts.shape == (H, GRID.size)
    np.testing.assert_allclose(parts.sum(axis=0), A.network(GRID, W, b, alpha), atol=1e-12)


def test_alpha_telescopes_to_the_midpoint_values():
    t = A.TARGETS["smooth"]
    H = 9
    _, _, alpha = A.step_network(t.f, H, 10.0)
    centers = (np.arange(H) + 0.5) / H
    np.testing.assert_allclose(np.cumsum(alpha), t.f(centers), atol=1e-14)


def test_steep_network_tends_to_the_midpoint_staircase():
    t = A.TARGETS["smooth"]
    H = 8
    W, b, alpha = A.step_network(t.f, H, 1e5)
    x = np.linspace(0.01, 0.99, 300)
    x = x[np.min(np.abs(x[:, None] - np.arange(1, H)[None, :] / H), axis=1) > 1e-3]   # off the jumps
    piece = np.minimum((x * H).astype(int), H - 1)
    staircase = t.f((piece + 0.5) / H)
    np.testing.assert_allclose(A.network(x, W, b, alpha), staircase, atol=1e-12)


@pytest.mark.parametrize("key", sorted(A.TARGETS))
@pytest.mark.parametrize("H", [1, 2, 3, 7, 20, 60])
@pytest.mark.parametrize("k", [1.0, 6.0, 40.0, 400.0, 5000.0])
def test_error_bound_holds(key, H, k):
    t = A.TARGETS[key]
    W, b, alpha = A.step_network(t.f, H, k)
    err = A.sup_error(t.f, W, b, alpha, GRID)
    bound = A.error_bound(H, k, t.lipschitz, float(t.f(0.5 / H)))
    assert err <= bound * (1 + 1e-9)


@pytest.mark.parametrize("key", sorted(A.TARGETS))
def test_error_bound_is_sharp_for_steep_sigmoids(key):
    """For the three targets |f'(0)| = L, so the error at x = 0 alone nearly reaches L/(2H)."""
    t = A.TARGETS[key]
    H = 200
    W, b, alpha = A.step_network(t.f, H, 100.0 * H)
    err = A.sup_error(t.f, W, b, alpha, GRID)
    assert err >= 0.99 * t.lipschitz / (2 * H)


@pytest.mark.parametrize("key,eps", [("smooth", 0.05), ("kink", 0.01), ("wiggly", 0.1), ("smooth", 0.003)])
def test_plan_reaches_eps(key, eps):
    t = A.TARGETS[key]
    H, k, b0 = A.plan(eps, t)
    assert H == int(np.ceil(t.lipschitz / eps))
    assert A.error_bound(H, k, t.lipschitz, float(t.f(0.5 / H)), b0) <= eps * (1 + 1e-12)
    W, b, alpha = A.step_network(t.f, H, k, b0)
    assert A.sup_error(t.f, W, b, alpha, np.linspace(0, 1, 20001)) < eps


@pytest.mark.parametrize("key,Hs", [("smooth", [16, 32, 64, 128, 256]), ("kink", [10, 20, 40, 80, 160]),
                                    ("wiggly", [64, 128, 256, 512])])
def test_error_decays_like_one_over_H(key, Hs):
    errs = A.error_curve(A.TARGETS[key], Hs)
    assert np.all(np.diff(errs) < 0)
    assert abs(A.loglog_slope(Hs, errs) + 1) < 0.05


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
    assert A.ramp(-1e6) == 0.0 and A.ramp(1e6) == 1.0
    # the construction works with the ramp as σ, too: steps are exact away from the jumps
    t = A.TARGETS["kink"]
    W, b, alpha = A.step_network(t.f, 20, 2000.0, bias_on=1.0)
    err = A.sup_error(t.f, W, b, alpha, GRID, activation=A.ramp)
    assert err <= t.lipschitz / (2 * 20) * (1 + 1e-9)


def test_bump_is_an_approximate_indicator():
    x = np.array([0.1, 0.29, 0.31, 0.5, 0.69, 0.71, 0.9])
    inside = (x > 0.3) & (x < 0.7)
    for k, tol in ((200.0, 0.15), (2000.0, 1e-8)):
        y = A.bump(x, 0.3, 0.7, k)
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
    with pytest.raises(ValueError, match="крутизна k"):
        A.step_network(f, 3, -1.0)
    with pytest.raises(ValueError, match=r"\(n, d\).*\(d, H\)"):
        A.network(np.ones((4, 2)), np.ones((1, 3)), np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"форму \(H,\) = \(3,\)"):
        A.network(np.ones(4), np.ones((1, 3)), np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="левый край"):
        A.bump(np.ones(3), 0.5, 0.2, 10.0)
    with pytest.raises(ValueError, match="неизвестная целевая функция"):
        A.get_target("cos")
    with pytest.raises(ValueError, match="точность ε"):
        A.plan(0.0, A.TARGETS["kink"])


# --- panels over the slider grid -----------------------------------------------------------

@pytest.mark.parametrize("values", widgets.get("ch02.approx").grid(4))
def test_approx_panel_quantities(values):
    t = A.get_target(values["target"])
    H, k = values["H"], values["k"]
    x = np.linspace(0, 1, 301)
    parts = A.bumps(x, t.f, H, k)
    W, b, alpha = A.step_network(t.f, H, k)
    np.testing.assert_allclose(parts.sum(axis=0), A.network(x, W, b, alpha), atol=1e-12)
    err = np.abs(parts.sum(axis=0) - t.f(x)).max()
    assert err <= A.error_bound(H, k, t.lipschitz, float(t.f(0.5 / H))) * (1 + 1e-9)
    bound = A.error_bound(H, k, t.lipschitz, float(t.f(0.5 / H)))
    fig = panel_figure("ch02.approx", **values)
    assert len(fig.axes) == 2
    assert fig.axes[0].get_title() == f"max |y − f| = {err:.3g}, оценка (пунктир) {bound:.3g}"
    # the lower plot shows the error in units of the bound: within the fixed limits ±1.1
    shown = fig.axes[1].get_lines()[0].get_ydata()
    np.testing.assert_allclose(shown, (parts.sum(axis=0) - t.f(x)) / bound, atol=1e-12)
    assert np.all(np.abs(shown) <= 1 + 1e-9)
    lo, hi = fig.axes[0].get_ylim()
    assert lo <= min(parts.min(), t.f(x).min()) and max(parts.max(), parts.sum(axis=0).max()) <= hi


@pytest.mark.parametrize("values", widgets.get("ch02.bump").grid(4))
def test_bump_panel_quantities(values):
    a, w, k = values["a"], values["width"], values["k"]
    x = np.linspace(0, 1, 301)
    y = A.bump(x, a, a + w, k)
    assert np.all(y >= 0) and np.all(y <= 1)
    # height at the middle: σ(kw/2) − σ(−kw/2) = 2σ(kw/2) − 1, approaching 1 as kw grows
    mid = a + w / 2
    assert np.isclose(A.bump(mid, a, a + w, k), 2 * sigmoid(k * w / 2) - 1)
    fig = panel_figure("ch02.bump", **values)
    line = next(ln for ln in fig.axes[0].get_lines() if ln.get_label() == "горб = разность")
    np.testing.assert_allclose(line.get_ydata(), y, atol=1e-15)
