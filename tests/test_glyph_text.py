"""lib.glyph_text: the fast text artist draws the pixels matplotlib's Text draws."""

import random

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.text import Text

from lib import glyph_text
from lib.glyph_text import SAFE_CHARS, GlyphText, adopt


def _pixels(cls, s, x=0.3137, y=0.4711, size=7.5, dpi=104, **kw):
    fig = Figure(figsize=(4, 1), dpi=dpi)
    FigureCanvasAgg(fig)
    fig.add_artist(cls(x, y, s, fontsize=size, transform=fig.transFigure, **kw))
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


STRINGS = ["−0.1234e-05", "∇ 0.5", "∇ −3.142", "1.5e+03", "0,0456", "ω₁", "σ(z)", "−0.0000e-00"]


@pytest.mark.parametrize("s", STRINGS)
@pytest.mark.parametrize("ha", ["left", "center", "right"])
@pytest.mark.parametrize("dpi", [80, 104, 110])
def test_same_pixels_as_text(s, ha, dpi):
    # The fast path places each glyph at the same 1/64-pixel position as RendererAgg and reuses the
    # bitmap FreeType made for that glyph and sub-pixel offset, so the image is identical: tolerance 0.
    a, b = _pixels(Text, s, ha=ha, dpi=dpi), _pixels(GlyphText, s, ha=ha, dpi=dpi)
    assert (a[..., 0] < 255).sum() > 20          # something was drawn
    assert np.array_equal(a, b)


def test_random_strings_of_safe_chars_match():
    rng = random.Random(0)
    chars = sorted(SAFE_CHARS)
    for _ in range(60):
        s = "".join(rng.choice(chars) for _ in range(10))
        x = rng.uniform(0.2, 0.6)
        assert np.array_equal(_pixels(Text, s, x=x), _pixels(GlyphText, s, x=x)), s


def test_extent_and_text_unchanged():
    fig = Figure(figsize=(4, 1), dpi=104)
    FigureCanvasAgg(fig)
    t, g = (cls(0.5, 0.5, "∇ −0.25", transform=fig.transFigure, ha="center") for cls in (Text, GlyphText))
    fig.add_artist(t)
    fig.add_artist(g)
    r = fig.canvas.get_renderer()
    assert g.get_text() == "∇ −0.25"
    assert g.get_window_extent(r).bounds == t.get_window_extent(r).bounds


@pytest.mark.parametrize("s, kw", [("a\nb", {}), ("−0.5", {"rotation": 30}), (r"$\alpha=0.5$", {}),
                                   ("AVAV Le", {})])
def test_falls_back_to_text_draw(monkeypatch, s, kw):
    calls = []
    monkeypatch.setattr(Text, "draw", lambda self, renderer: calls.append(s))
    _pixels(GlyphText, s, **kw)
    assert calls == [s]


def test_fast_path_does_not_call_text_draw(monkeypatch):
    calls = []
    monkeypatch.setattr(Text, "draw", lambda self, renderer: calls.append(1))
    _pixels(GlyphText, "−0.5")
    assert calls == []


def test_svg_falls_back():
    fig = Figure(figsize=(2, 1))
    FigureCanvasSVG(fig)
    fig.add_artist(GlyphText(0.5, 0.5, "0.5", transform=fig.transFigure))
    import io
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    assert "<svg" in buf.getvalue()


def test_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(glyph_text, "CACHE_SIZE", 50)
    glyph_text.clear_cache()
    for i in range(40):
        _pixels(GlyphText, f"{i * 0.123456:.5f}", x=0.3 + i / 997)
    info = glyph_text.cache_info()
    assert 0 < info["bitmaps"] <= 50 and info["chars"] <= 50
    glyph_text.clear_cache()


def test_adopt_keeps_the_title():
    fig = Figure()
    ax = fig.add_subplot()
    title = adopt(ax.set_title("L = 0,5"))
    assert isinstance(title, GlyphText) and ax.title is title and title.get_text() == "L = 0,5"
    with pytest.raises(ValueError):
        adopt(object())
