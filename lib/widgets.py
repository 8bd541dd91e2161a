"""Реестр панелей со слайдерами (во всех главах).

Панель — это набор элементов управления и функция ``draw(fig, **значения)``, которая
рисует на пустой фигуре matplotlib. Вся логика панели живёт в ``lib`` и проверяется
тестами на сетке значений слайдеров (``Panel.grid``); блокнот только вызывает

* ``show("ключ")`` — живую панель (ipywidgets, нужно работающее ядро Python);
* ``static("ключ")`` — статичный рисунок из нескольких положений слайдеров для читателя
  HTML-книги, где ядра нет.

Панели регистрируются при импорте модуля своей главы (``register``); ``load_all()``
импортирует все модули ``lib``, чтобы тесты и бенчмарк увидели каждую панель.
"""

from __future__ import annotations

import importlib
import io
import itertools
import pkgutil
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["FloatSlider", "IntSlider", "Dropdown", "Panel", "Live", "register", "get", "load_all",
           "PANELS", "render_png", "show", "static", "DPI"]

#: Resolution of a live panel's PNG (the same in the notebook and in the benchmark): the smallest
#: text of the panels (7 pt) is 7·104/72 ≈ 10.1 px on screen at 100 % zoom.
DPI = 104
#: Resolution of the static figures in the HTML book.
STATIC_DPI = 110


def _fmt(v) -> str:
    """A slider value as Russian text shows it: decimal comma, typographic minus."""
    if isinstance(v, float):
        return f"{v:.3g}".replace("-", "−").replace(".", ",")
    return str(v)


@dataclass(frozen=True)
class FloatSlider:
    """Слайдер действительного параметра: имя аргумента ``draw``, подпись, границы, шаг, начало."""

    name: str
    label: str
    min: float
    max: float
    step: float
    value: float

    def values(self, points: int) -> list:
        return [float(v) for v in np.linspace(self.min, self.max, points)]

    def widget(self, continuous: bool):
        import ipywidgets as W

        return W.FloatSlider(value=self.value, min=self.min, max=self.max, step=self.step,
                             description=self.label, continuous_update=continuous,
                             style={"description_width": "initial"})


@dataclass(frozen=True)
class IntSlider:
    """Слайдер целого параметра."""

    name: str
    label: str
    min: int
    max: int
    step: int
    value: int

    def values(self, points: int) -> list:
        return sorted({int(round(v)) for v in np.linspace(self.min, self.max, points)})

    def widget(self, continuous: bool):
        import ipywidgets as W

        return W.IntSlider(value=self.value, min=self.min, max=self.max, step=self.step,
                           description=self.label, continuous_update=continuous,
                           style={"description_width": "initial"})


@dataclass(frozen=True)
class Dropdown:
    """Выбор из списка: ``options`` — пары (подпись, значение)."""

    name: str
    label: str
    options: tuple
    value: object

    def values(self, points: int) -> list:
        return [v for _, v in self.options]

    def widget(self, continuous: bool):
        import ipywidgets as W

        return W.Dropdown(options=list(self.options), value=self.value, description=self.label,
                          style={"description_width": "initial"})


@dataclass
class Panel:
    """Панель со слайдерами.

    key: уникальный ключ «chNN.имя»; title: заголовок; controls: элементы управления;
    figsize: размер фигуры в дюймах; snapshots: положения слайдеров для статичного рисунка
    (словари, недостающие значения берутся по умолчанию); manual: пересчёт по кнопке
    (для тяжёлых вычислений, например обучения сети).

    Рисунок задаётся одним из двух способов:

    * ``draw(fig, **значения)`` рисует всё на пустой ``Figure``/``SubFigure`` — просто, но при
      каждом движении слайдера фигура строится заново;
    * ``setup(fig, **значения) -> state`` строит оси, подписи и всё неподвижное и возвращает
      любое состояние (например, словарь линий), а ``update(state, **значения)`` меняет только
      данные подвижных элементов и возвращает их список. Живая панель рисует неподвижную часть
      один раз и при движении слайдера перерисовывает только эти элементы (blitting): в разы
      быстрее. ``update`` не должен менять пределы осей и другие неподвижные элементы; если от
      какого-то параметра зависит сама неподвижная часть (например, выбор функции), назовите
      его в ``rebuild_on`` — при его изменении неподвижная часть строится заново (и запоминается
      для каждого значения; для выпадающих списков ``show`` строит её заранее, см. ``Live``).
    """

    key: str
    title: str
    controls: tuple
    draw: Callable | None = None
    figsize: tuple = (8.0, 3.2)
    snapshots: tuple = ()
    manual: bool = False
    snapshot_figsize: tuple | None = None
    snapshot_cols: int = 1
    setup: Callable | None = None
    update: Callable | None = None
    rebuild_on: tuple = ()

    def __post_init__(self):
        if (self.draw is None) == (self.setup is None or self.update is None):
            raise ValueError(f"панель {self.key}: задайте либо draw, либо пару setup и update")
        unknown = set(self.rebuild_on) - {c.name for c in self.controls}
        if unknown:
            raise ValueError(f"панель {self.key}: в rebuild_on неизвестные параметры {sorted(unknown)}")

    def draw_on(self, fig, **values) -> None:
        """Рисует панель целиком на пустой фигуре (для статичного рисунка и первого кадра)."""
        values = self.complete(values)
        if self.draw is not None:
            self.draw(fig, **values)
        else:
            self.update(self.setup(fig, **values), **values)

    def defaults(self) -> dict:
        return {c.name: c.value for c in self.controls}

    def complete(self, values: dict) -> dict:
        unknown = set(values) - {c.name for c in self.controls}
        if unknown:
            raise ValueError(f"панель {self.key}: неизвестные параметры {sorted(unknown)}")
        return {**self.defaults(), **values}

    def grid(self, points: int = 3) -> list:
        """Все сочетания ``points`` значений каждого слайдера (у списка — все варианты)."""
        names = [c.name for c in self.controls]
        axes = [c.values(points) for c in self.controls]
        return [dict(zip(names, combo)) for combo in itertools.product(*axes)]

    def render(self, fig=None, **values):
        """Рисует панель с данными значениями на новой (или очищенной) фигуре и возвращает её."""
        from matplotlib.figure import Figure

        values = self.complete(values)
        if fig is None:
            fig = Figure(figsize=self.figsize, dpi=DPI)
        else:
            fig.clear()
        # The constrained layout is computed on the first drawing only; later updates of the same
        # figure put the axes where it placed them. That saves most of the time of an update.
        frozen = getattr(fig, "_panel_layout", None)
        if frozen is not None:
            self.draw_on(fig, **values)
            if len(fig.axes) == len(frozen):
                for ax, bounds in zip(fig.axes, frozen):
                    ax.set_position(bounds)
                return fig
            fig.clear()
        fig.set_layout_engine("constrained")
        self.draw_on(fig, **values)
        fig.draw_without_rendering()
        fig._panel_layout = [ax.get_position().bounds for ax in fig.axes]
        # No layout engine from now on (not even the "none" placeholder: with any engine set,
        # savefig draws the whole figure twice).
        fig.set_layout_engine(None)
        return fig

    def caption(self, values: dict) -> str:
        values = self.complete(values)
        parts = []
        for c in self.controls:
            v = values[c.name]
            if isinstance(c, Dropdown):
                v = next((lab for lab, val in c.options if val == v), v)
            parts.append(f"{c.label.rstrip(':')} = {_fmt(v)}")
        return "; ".join(parts)     # a comma is the decimal separator


PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    """Добавляет панель в реестр (повторная регистрация того же ключа заменяет её)."""
    if not isinstance(panel, Panel):
        raise ValueError(f"register: ожидалась Panel, получен {type(panel).__name__}")
    PANELS[panel.key] = panel
    return panel


def load_all() -> dict:
    """Импортирует все модули ``lib`` (их панели регистрируются) и возвращает реестр."""
    import lib

    for info in pkgutil.walk_packages(lib.__path__, prefix="lib."):
        importlib.import_module(info.name)
    return PANELS


def get(key: str) -> Panel:
    """Панель по ключу; неизвестный ключ — ошибка со списком известных."""
    if key not in PANELS:
        load_all()
    if key not in PANELS:
        raise ValueError(f"нет панели «{key}»; зарегистрированы: {', '.join(sorted(PANELS))}")
    return PANELS[key]


def render_png(fig, dpi: int = DPI) -> bytes:
    """PNG-картинка фигуры (Agg) — то, что видит читатель при каждом движении слайдера."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


class Live:
    """Живая панель без виджетов: ``frame(**значения)`` возвращает PNG очередного кадра.

    Это ровно то, что ядро делает при каждом движении слайдера (его и замеряет бенчмарк).
    У панели с ``draw`` фигура перерисовывается целиком (разметка осей вычисляется один раз).
    У панели с ``setup``/``update`` неподвижная часть рисуется один раз и запоминается
    картинкой, а в каждом кадре поверх неё рисуются только элементы, которые вернул ``update``.
    Неподвижная часть строится заново при смене параметров из ``rebuild_on`` и запоминается для
    каждого их сочетания: к уже виденному сочетанию панель возвращается без перерисовки.
    ``prepare()`` заранее строит неподвижные части для всех сочетаний (если все параметры из
    ``rebuild_on`` — выпадающие списки): тогда быстро и первое переключение списка.
    """

    def __init__(self, panel: Panel):
        self.panel = panel
        self.fig = None
        self._state = None
        self._structure = None
        self._built = {}          # values of rebuild_on -> (figure, state, background)
        self._values = None       # the values of the last frame

    def frame(self, **values) -> bytes:
        panel = self.panel
        values = panel.complete(values)
        self._values = values
        if panel.draw is not None:
            self.fig = panel.render(self.fig, **values)
            return _draw_and_encode(self.fig)
        structure = self._structure_of(values)
        if self._state is None or structure != self._structure:
            if structure not in self._built:
                self._built[structure] = self._build(values)
            self.fig, self._state, self._background = self._built[structure]
            self._structure = structure
        artists = list(panel.update(self._state, **values))
        for artist in artists:
            artist.set_animated(True)
        canvas = self.fig.canvas
        canvas.restore_region(self._background)
        for artist in artists:
            self.fig.draw_artist(artist)
        return _encode(canvas)

    def prepare(self) -> None:
        """Строит неподвижную часть для каждого сочетания значений ``rebuild_on`` (выпадающих
        списков); остальные параметры — текущие (или значения по умолчанию)."""
        panel = self.panel
        controls = [c for c in panel.controls if c.name in panel.rebuild_on]
        if panel.draw is not None or not controls or not all(isinstance(c, Dropdown) for c in controls):
            return
        current = self._values or panel.defaults()
        for combo in itertools.product(*(c.values(0) for c in controls)):
            values = {**current, **dict(zip((c.name for c in controls), combo))}
            structure = self._structure_of(values)
            if structure not in self._built:
                self._built[structure] = self._build(values)

    def _structure_of(self, values: dict) -> tuple:
        return tuple(values[name] for name in self.panel.rebuild_on)

    def _build(self, values: dict):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=self.panel.figsize, dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        state = self.panel.setup(fig, **values)
        for artist in self.panel.update(state, **values):
            artist.set_animated(True)         # left out of the background (not out of the layout)
        fig.canvas.draw()                     # one drawing: constrained layout, then the background
        fig.set_layout_engine(None)           # the layout is kept from now on
        return fig, state, fig.canvas.copy_from_bbox(fig.bbox)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _draw_and_encode(fig) -> bytes:
    """A live frame of a fully redrawn panel: one Agg drawing and the fast encoder (savefig would
    add its own bookkeeping and PIL's slow compression; the pixels are the same)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return _encode(canvas)


def _encode(canvas) -> bytes:
    """PNG of what the Agg canvas holds now (RGBA, rows unfiltered, zlib level 1: the image lives
    for one frame; this is about twice as fast as PIL's adaptive filtering and no larger here)."""
    pixels = np.asarray(canvas.buffer_rgba())
    height, width, _ = pixels.shape
    raw = np.zeros((height, 4 * width + 1), np.uint8)       # each row: filter type 0, then pixels
    raw[:, 1:] = pixels.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)    # 8-bit RGBA, no interlace
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(raw.tobytes(), 1)) + _png_chunk(b"IEND", b""))


STALE_CLASS = "course-panel-stale"
STALE_TEXT = "⚠ рисунок устарел: нажмите «Пересчитать»"


def show(key: str):
    """Живая панель: слайдеры и рисунок, перерисовываемый при каждом изменении."""
    import ipywidgets as W
    from IPython.display import Image, display

    panel = get(key)
    widgets = {c.name: c.widget(continuous=not panel.manual) for c in panel.controls}
    live = Live(panel)
    out = W.Output()
    status = W.Label(value="")

    def update(**values):
        status.value = "считаю…" if panel.manual else ""
        png = live.frame(**values)
        with out:
            out.clear_output(wait=True)
            display(Image(data=png))
        status.value = ""
        out.remove_class(STALE_CLASS)

    def mark_stale(_change):
        # a button panel keeps the old picture until recomputed: dim it and say so
        out.add_class(STALE_CLASS)
        status.value = STALE_TEXT

    controls = list(widgets.values())
    if panel.manual:
        button = W.Button(description="Пересчитать", button_style="primary")
        button.on_click(lambda _: update(**{k: w.value for k, w in widgets.items()}))
        for w in widgets.values():
            w.observe(mark_stale, names="value")
        controls += [button, status]
    else:
        for w in widgets.values():
            w.observe(lambda _: update(**{k: w.value for k, w in widgets.items()}), names="value")
    update(**{k: w.value for k, w in widgets.items()})
    style = f"<style>.{STALE_CLASS} {{opacity: 0.35; filter: grayscale(1);}}</style>"
    box = W.VBox([W.HTML(f"{style}<b>{panel.title}</b>"), W.HBox(controls, layout=W.Layout(flex_flow="row wrap")), out])
    display(box)
    # the panel is on screen; now the still parts for the other choices of its lists, so that the
    # first switch of a list is as fast as a slider move
    live.prepare()


def static(key: str, snapshots=None):
    """Статичный рисунок: панель в нескольких положениях слайдеров (сетка ``snapshot_cols`` столбцов)."""
    from IPython.display import Image, display
    from matplotlib.figure import Figure

    panel = get(key)
    snaps = list(snapshots if snapshots is not None else panel.snapshots) or [panel.defaults()]
    w, h = panel.snapshot_figsize or panel.figsize
    cols = min(panel.snapshot_cols, len(snaps))
    rows = -(-len(snaps) // cols)
    fig = Figure(figsize=(w * cols, (h + 0.35) * rows), dpi=DPI, layout="constrained")
    subfigs = np.atleast_1d(fig.subfigures(rows, cols)).ravel()
    for sub in subfigs[len(snaps):]:
        sub.set_visible(False)
    for sub, values in zip(subfigs, snaps):
        panel.draw_on(sub, **values)
        sub.suptitle(panel.caption(values), fontsize=10, color="0.25")
    display(Image(data=render_png(fig, STATIC_DPI)))
