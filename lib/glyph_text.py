"""Быстрый текст для подписей, которые меняются при каждом движении слайдера.

``GlyphText`` — это ``matplotlib.text.Text``, который на холсте Agg рисует однострочный
текст без поворота и без формул из запомненных растров глифов: раскладка строки (смещения
букв) складывается из запомненных ширин символов, а растр каждого глифа при данном шрифте,
размере, dpi и дробном (субпиксельном) положении растеризуется FreeType один раз. Пиксели
те же, что рисует ``Text`` (сверяется в ``tests/test_glyph_text.py``). Всё остальное
(многострочный текст, поворот, mathtext, TeX, эффекты контура, рамка, не-Agg отрисовка —
PDF/SVG) рисует обычный ``Text.draw``.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager, get_font
from matplotlib.ft2font import Kerning, RenderMode
from matplotlib.text import Text

__all__ = ["GlyphText", "adopt", "SAFE_CHARS", "CACHE_SIZE", "cache_info", "clear_cache"]

#: At most this many glyph bitmaps are kept (least recently used are dropped first).
CACHE_SIZE = 4096

_bitmaps: OrderedDict = OrderedDict()   # (font, size, dpi, glyph, fx, fy) -> (buffer, left, top)
_chars: dict = {}                       # (font, size, dpi, char) -> (glyph index, advance in px)
#: The characters the fast path draws: DejaVu Sans has no kerning among them, so their layout is
#: the sum of the advances (raqm's GPOS kerning, e.g. of «AV», «Le», «y.», is not reproduced: such
#: text falls back to Text.draw).
SAFE_CHARS = frozenset("0123456789−-+.,;:=e∇∂/bωzσŷ₀₁₂₃ ()|")
_IDENTITY = np.array([[0x10000, 0], [0, 0x10000]])


def cache_info() -> dict:
    """Сколько растров глифов и ширин символов сейчас запомнено."""
    return {"bitmaps": len(_bitmaps), "chars": len(_chars), "max_bitmaps": CACHE_SIZE}


def clear_cache() -> None:
    """Забывает все запомненные растры и ширины."""
    _bitmaps.clear()
    _chars.clear()


def _char(font, key, ch):
    info = _chars.get(key)
    if info is None:
        glyph = font.load_char(ord(ch), flags=get_hinting_flag())
        info = _chars[key] = (font.get_char_index(ord(ch)), glyph.horiAdvance / 64)
        if len(_chars) > CACHE_SIZE:
            _chars.pop(next(iter(_chars)))
    return info


def _kerning(font, key, left, right):
    kern = _chars.get(key)
    if kern is None:
        kern = _chars[key] = font.get_kerning(left, right, Kerning.DEFAULT) / 64
        if len(_chars) > CACHE_SIZE:
            _chars.pop(next(iter(_chars)))
    return kern


def _bitmap(font, key, glyph, fx, fy):
    hit = _bitmaps.get(key)
    if hit is not None:
        _bitmaps.move_to_end(key)
        return hit
    # the same transform as RendererAgg._draw_text_glyphs_and_boxes, with the whole pixels left out
    font._set_transform(_IDENTITY, [fx, fy])
    bitmap = font._render_glyph(glyph, get_hinting_flag(), RenderMode.NORMAL)
    hit = _bitmaps[key] = (np.array(bitmap.buffer), bitmap.left, bitmap.top)
    if len(_bitmaps) > CACHE_SIZE:
        _bitmaps.popitem(last=False)
    return hit


class GlyphText(Text):
    """Однострочная подпись, которую Agg рисует из запомненных растров глифов (см. модуль)."""

    def _fast_ok(self, renderer) -> bool:
        text = self.get_text()
        return (type(renderer) is RendererAgg and SAFE_CHARS.issuperset(text) and self.get_rotation() == 0
                and not self.get_usetex() and not self.get_path_effects() and self._bbox_patch is None
                and not self._preprocess_math(text)[1] and self._antialiased
                and not self.get_wrap())

    def draw(self, renderer):
        if renderer is None or not self._fast_ok(renderer):
            return super().draw(renderer)
        self._renderer = renderer
        if not self.get_visible() or self.get_text() == "":
            return
        renderer.open_group("text", self.get_gid())
        # the placement of the line exactly as Text.draw finds it (alignment from the text extent)
        _, info, _ = self._get_layout(renderer)
        posx, posy = self.get_transform().transform(
            (float(self.convert_xunits(self._x)), float(self.convert_yunits(self._y))))
        if not (np.isfinite(posx) and np.isfinite(posy)):
            renderer.close_group("text")
            return
        (line, _, (dx, dy)), = info
        x = posx + dx
        y = renderer.height - (posy + dy)          # Agg's y is downwards
        gc = renderer.new_gc()
        gc.set_foreground(self.get_color())
        gc.set_alpha(self.get_alpha())
        gc.set_url(self._url)
        gc.set_antialiased(True)
        gc.set_snap(self.get_snap())
        self._set_gc_clip(gc)
        prop = self._fontproperties
        font = get_font(fontManager._find_fonts_by_props(prop))
        size, dpi = prop.get_size_in_points(), renderer.dpi
        font.set_size(size, dpi)
        base = (font.fname, size, dpi)
        oy = round(0x40 * (renderer.height - y))
        iy, fy = divmod(oy, 0x40)
        pen = 0.0
        height = int(renderer.height)
        previous = None
        for ch in line:
            glyph, advance = _char(font, base + (ch,), ch)
            if previous is not None:
                pen += _kerning(font, base + (previous, glyph), previous, glyph)
            previous = glyph
            ix, fx = divmod(round(0x40 * (x + pen)), 0x40)
            buffer, left, top = _bitmap(font, base + (glyph, fx, fy), glyph, fx, fy)
            if buffer.size:
                top += iy
                renderer._renderer.draw_text_image(buffer, left + ix, height - top + buffer.shape[0], 0, gc)
            pen += advance
        gc.restore()
        renderer.close_group("text")
        self.stale = False


def adopt(text: Text) -> GlyphText:
    """Делает уже созданную подпись (например, заголовок осей) быстрой: меняет её класс на
    ``GlyphText``; всё остальное (текст, шрифт, место, размеры) остаётся прежним."""
    if type(text) is not Text and not isinstance(text, GlyphText):
        raise ValueError(f"adopt: ожидался matplotlib.text.Text, получен {type(text).__name__}")
    text.__class__ = GlyphText
    return text
