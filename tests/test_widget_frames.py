"""Blitting keeps no stale pixel: a live frame equals the panel drawn afresh at the same values;
and every frame on the way is a PNG with finite curves.

(A file of its own, so that pytest-xdist can run it beside the other widget tests.)
"""

from __future__ import annotations

import numpy as np
import pytest

from lib import widgets

PANELS = widgets.load_all()


def _pixels(png: bytes):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


@pytest.mark.parametrize("key", sorted(k for k, p in PANELS.items() if p.update is not None))
def test_live_frames_equal_a_fresh_drawing(key):
    """A blitted panel redraws only what update() returns: after any sequence of slider moves a
    frame must look like the panel drawn afresh at the same values (no stale element left)."""
    panel = PANELS[key]
    live = widgets.Live(panel)
    live.frame()
    live.prepare()                  # as show() does: still parts for every choice of the lists
    grid = panel.grid(3)
    sequence = grid + grid[::-1]
    # every move is made; a fresh drawing (the slow part) is compared at 8 of them, spread over
    # the way there and back
    checked = set(np.linspace(0, len(sequence) - 1, min(8, len(sequence))).round().astype(int))
    for i, values in enumerate(sequence):
        png = live.frame(**values)
        # every frame, as the kernel draws it: a PNG with finite curves (this walk covers the whole
        # grid, so test_panel_renders_over_grid leaves blitted panels to this test)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert live.fig.axes, f"{key}: при {values} ничего не нарисовано"
        for ax in live.fig.axes:
            for line in ax.get_lines():
                if line.get_visible():
                    assert np.isfinite(np.asarray(line.get_ydata(), float)).all(), (key, values)
        if i not in checked:
            continue
        frame = _pixels(png)
        fresh = _pixels(widgets.Live(panel).frame(**values))
        assert frame.shape == fresh.shape, (key, values)
        differing = (np.abs(frame - fresh).max(axis=2) > 24).mean()
        assert differing < 0.0005, f"{key}: при {values} кадр отличается от нового рисунка ({differing:.2%} пикселей)"
