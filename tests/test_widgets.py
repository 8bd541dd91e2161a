"""Every slider panel: registered, renders over a grid of its values, shown with a static figure."""

from __future__ import annotations

import re
from unittest import mock

import numpy as np
import pytest
from book import code_cells, notebook_calls, toc_notebooks

from lib import widgets

PANELS = widgets.load_all()


def test_there_are_panels():
    assert PANELS, "ни одной панели не зарегистрировано"


@pytest.mark.parametrize("key", sorted(k for k, p in PANELS.items() if p.update is None))
def test_panel_renders_over_grid(key):
    """Every position of the grid, as the kernel draws it (widgets.Live): a PNG, finite curves.
    A panel that retrains a network on its button is moved over the corners of its grid (every
    training is tested in its chapter's module tests). Blitted panels (with update) are walked over
    their grid, there and back, in test_widget_frames.py, with the same checks on every frame."""
    panel = PANELS[key]
    grid = panel.grid(2 if panel.manual else 3)
    assert grid, f"{key}: пустая сетка значений"
    live = widgets.Live(panel)
    for values in grid:
        png = live.frame(**values)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert live.fig.axes, f"{key}: при {values} ничего не нарисовано"
        for ax in live.fig.axes:
            for line in ax.get_lines():
                if line.get_visible():
                    ydata = np.asarray(line.get_ydata(), float)
                    assert np.isfinite(ydata).all(), (key, values)     # no NaN, no inf shown


@pytest.mark.parametrize("key", sorted(k for k, p in PANELS.items() if p.rebuild_on))
def test_prepare_builds_every_choice_once(key):
    """After prepare() a switch of a list only restores a stored background: nothing is drawn."""
    panel = PANELS[key]
    (control,) = [c for c in panel.controls if c.name in panel.rebuild_on]
    live = widgets.Live(panel)
    live.frame()
    live.prepare()
    built = dict(live._built)
    assert len(built) == len(control.options), f"{key}: не для каждого варианта построен фон"
    for _, value in control.options:
        with mock.patch.object(widgets.Live, "_build", side_effect=AssertionError("перерисовка")):
            live.frame(**{control.name: value})
        assert live.fig is built[(value,)][0]


def test_panel_needs_draw_or_setup_and_update():
    with pytest.raises(ValueError, match="либо draw, либо пару setup и update"):
        widgets.Panel(key="t.x", title="", controls=(), setup=lambda fig: None)
    with pytest.raises(ValueError, match="rebuild_on"):
        widgets.Panel(key="t.x", title="", controls=(), draw=lambda fig: None, rebuild_on=("k",))


def test_panel_values_are_validated():
    panel = next(iter(PANELS.values()))
    with pytest.raises(ValueError, match="неизвестные параметры"):
        panel.render(no_such_slider=1.0)
    with pytest.raises(ValueError, match="нет панели"):
        widgets.get("ch99.nothing")


def test_notebooks_show_only_registered_panels_each_with_static_figure():
    """Every registered panel is shown in a chapter, with its static figure: so nbval runs
    widgets.static and widgets.show of every panel for real, and the built book's browser test
    sees each figure and each panel's first plot (no separate test draws them a third time)."""
    shown, statics = set(), set()
    for path in toc_notebooks():
        for src in code_cells(path):
            assert not re.search(r"\binteract(_manual)?\s*\(|import ipywidgets|from ipywidgets", src), (
                f"{path.name}: слайдеры строятся только через lib.widgets.show (реестр панелей)"
            )
        keys = notebook_calls(path, "widgets.show")
        unknown = [k for k in keys if k not in PANELS]
        assert not unknown, f"{path.name}: незарегистрированные панели {unknown}"
        missing_static = set(keys) - set(notebook_calls(path, "widgets.static"))
        assert not missing_static, f"{path.name}: у панелей {missing_static} нет статичного рисунка"
        shown |= set(keys)
        statics |= set(notebook_calls(path, "widgets.static"))
    unused = set(PANELS) - shown
    assert not unused, f"панели зарегистрированы, но не показаны ни в одной главе: {sorted(unused)}"


def _register_manual_panel():
    key = "test.manual_stale"
    if key not in PANELS:
        def draw(fig, k):
            fig.add_subplot(1, 1, 1).plot([0, 1], [0, k])

        widgets.register(widgets.Panel(
            key=key, title="тест", controls=(widgets.FloatSlider("k", "k", 0.0, 1.0, 0.1, 0.5),),
            draw=draw, manual=True,
        ))
    return key


def test_a_button_panel_marks_its_plot_stale_until_recomputed():
    key = _register_manual_panel()
    try:
        with mock.patch("IPython.display.display") as display:
            widgets.show(key)
        box = display.call_args_list[-1][0][0]
        controls, out = box.children[1], box.children[2]
        slider, button, status = controls.children
        assert widgets.STALE_CLASS not in out._dom_classes and status.value == ""
        slider.value = 0.9
        assert widgets.STALE_CLASS in out._dom_classes
        assert status.value == "⚠ рисунок устарел: нажмите «Пересчитать»"
        with mock.patch("IPython.display.display"):
            button.click()
        assert widgets.STALE_CLASS not in out._dom_classes and status.value == ""
    finally:
        PANELS.pop(key, None)


@pytest.mark.parametrize("key", sorted(widgets.PANELS))
def test_live_panel_text_is_at_least_10_px(key):
    """Readable at 100 % zoom: every visible text of a live frame is ≥ 10 px tall (size in pt · DPI/72),
    and the frame is no wider than JupyterLab's output area on a 1280-px screen, so it is not scaled down."""
    from matplotlib.text import Text

    live = widgets.Live(widgets.get(key))
    live.frame()
    fig = live.fig
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    smallest = min(texts, key=lambda t: t.get_fontsize())
    px = smallest.get_fontsize() * widgets.DPI / 72
    assert px >= 10, f"{key}: текст «{smallest.get_text()[:30]}» высотой {px:.1f} px < 10 px"
    assert fig.get_size_inches()[0] * widgets.DPI <= 1000, f"{key}: кадр шире 1000 px и будет уменьшен"


@pytest.mark.parametrize("key", sorted(PANELS))
def test_captions_write_numbers_as_russian_text_does(key):
    """Slider values in a panel's caption: decimal comma and a real minus, parts split by «;»."""
    panel = PANELS[key]
    for values in panel.grid(3):
        caption = panel.caption(values)
        assert not re.search(r"\d\.\d", caption), f"{key}: десятичная точка в подписи «{caption}»"
        assert not re.search(r"(^|[\s=(])-\d", caption), f"{key}: дефис вместо минуса в «{caption}»"
        assert caption.count(";") == len(panel.controls) - 1, (key, caption)
