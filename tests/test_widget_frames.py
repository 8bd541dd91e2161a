"""Blitting keeps no stale pixel: a live frame equals the panel drawn afresh at the same values.

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
        if i not in checked:
            continue
        frame = _pixels(png)
        fresh = _pixels(widgets.Live(panel).frame(**values))
        assert frame.shape == fresh.shape, (key, values)
        differing = (np.abs(frame - fresh).max(axis=2) > 24).mean()
        assert differing < 0.0005, f"{key}: при {values} кадр отличается от нового рисунка ({differing:.2%} пикселей)"
