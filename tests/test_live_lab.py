"""The live path as a student meets it: `make live`'s JupyterLab in Chromium.

One JupyterLab server (127.0.0.1, a random port and token) is started on a fresh personal copy of
the chapters made by ``tools/live.py copy`` with the widget setting of ``tools/live.py settings``,
exactly as ``make live`` does. For every notebook of the book (the chapters and appendix A) the test
opens the copy, runs all cells and checks what is on screen: no error output and nothing on stderr,
no «Error displaying widget», no raw MyST markup (the lectures are rendered by jupyterlab-myst), every
solution collapsed until clicked. It compares what the cells printed with what the book's execution
printed (``tools/execute_book.py``, stored in ``_build/.jupyter_cache``): two executions of a notebook
must print the same numbers. In ``make test`` this is the second execution of every notebook, so nbval
does not run them again there (``conftest.py``). Then it moves one slider of one panel and sees the
picture change, and fills the first homework stub with a wrong and then a right answer and reads both
verdicts. Chapter 1 is also saved, closed with its kernel shut down and reopened, as a returning
student does: its panels must still show.

Needs Debian's chromium and Playwright (skipped with a message otherwise), like the book's tests.
It takes about two minutes on a quiet 2-core machine and is part of `make test` (it starts first on
one pytest-xdist worker, beside the book's build on the other: see ``conftest.py``). One file alone:
``.venv/bin/python -m pytest -p no:xdist tests/test_live_lab.py``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from book import ROOT, assert_prints_as_the_build, notebook_calls, toc_notebooks

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NOTEBOOKS = toc_notebooks()
CHAPTERS = [p for p in NOTEBOOKS if p.stem[:2].isdigit()]
RAW_MARKUP = [":label:", "{solution}", "{exercise}", "{prf:", ":class:", "```{", "{ref}`", "{numref}`"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("Chromium не найден: установите его (apt-get install chromium), чтобы проверить JupyterLab")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    jupyter = Path(sys.executable).parent / "jupyter"
    base = tmp_path_factory.mktemp("live")
    copy = base / "my-chapters"
    tools = [sys.executable, str(ROOT / "tools" / "live.py")]
    subprocess.run([*tools, "copy", str(copy)], check=True, capture_output=True)
    subprocess.run([*tools, "settings"], check=True, capture_output=True)     # as `make live`
    # JupyterLab's own state apart from the user's; every cell rendered (no windowing) so that the
    # whole notebook can be read from the page
    settings = base / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    news = base / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"), "JUPYTER_RUNTIME_DIR": str(base / "runtime")}
    port, token = _free_port(), secrets.token_hex(16)
    args = [str(jupyter), "lab", "--no-browser", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={copy}",
            "--LabApp.expose_app_in_browser=True", "--ServerApp.port_retries=0"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        args.append("--allow-root")                                  # as the Makefile does for root
    server = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("JupyterLab не запустился:\n" + server.stderr.read()[-3000:])
                time.sleep(0.5)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{url}/lab?token={token}&reset", wait_until="load")
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=60000)
            page.evaluate("() => window.jupyterapp.restored")
            yield page, errors, copy
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


OPEN = """async (path) => {
  const app = window.jupyterapp;
  const w = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await w.context.ready;
  await w.sessionContext.ready;
  app.shell.activateById(w.id);
  return w.id;
}"""

RUN_ALL = """async (id) => {
  const app = window.jupyterapp;
  const w = [...app.shell.widgets('main')].find(x => x.id === id);
  app.shell.activateById(id);
  await app.commands.execute('notebook:run-all-cells');
}"""

# Done when the kernel is idle and no code cell is queued or running (an error stops the run).
STATE = """(id) => {
  const w = [...window.jupyterapp.shell.widgets('main')].find(x => x.id === id);
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  const busy = cells.some(c => c.promptNode && /\\*/.test(c.promptNode.textContent));
  const problems = [];
  cells.forEach((c, i) => c.model.outputs.toJSON().forEach(o => {
    if (o.output_type === 'error') problems.push(`ячейка ${i}: ${o.ename}: ${o.evalue}`);
    if (o.output_type === 'stream' && o.name === 'stderr') problems.push(`ячейка ${i}, stderr: ${o.text.slice(0, 300)}`);
  }));
  return {idle: !!kernel && kernel.status === 'idle' && !busy, problems,
          unrun: cells.filter(c => c.model.executionCount === null).length};
}"""


# What every code cell holds after the run: its source and its outputs (nbformat JSON).
CELLS = """(id) => {
  const w = [...window.jupyterapp.shell.widgets('main')].find(x => x.id === id);
  return w.content.widgets.filter(c => c.model.type === 'code')
    .map(c => [c.model.sharedModel.getSource(), c.model.outputs.toJSON()]);
}"""


def _joined(outputs):
    """JupyterLab may keep a multi-line text as a list of lines, as nbformat allows: join them."""
    def text(v):
        return "".join(v) if isinstance(v, list) else v
    return [{**o, **({"text": text(o["text"])} if "text" in o else {}),
             **({"data": {k: text(v) for k, v in o["data"].items()}} if "data" in o else {})} for o in outputs]


def _assert_prints_as_the_build(page, wid, path):
    cells = [(source, _joined(outputs)) for source, outputs in page.evaluate(CELLS, wid)]
    assert_prints_as_the_build(path, cells, "JupyterLab")


def _wait_done(page, wid, timeout=120):
    deadline = time.monotonic() + timeout
    stable = 0
    while time.monotonic() < deadline:
        state = page.evaluate(STATE, wid)
        stable = stable + 1 if state["idle"] else 0
        if stable >= 3:                    # idle on three polls in a row: the run is over
            return state
        page.wait_for_timeout(300)
    pytest.fail(f"ячейки не досчитались за {timeout} с: {page.evaluate(STATE, wid)}")


def _node(page, wid):
    return page.locator(f"#{wid}")


def _close(page, wid, shutdown=True):
    page.evaluate("""async ([id, shutdown]) => {
      const app = window.jupyterapp;
      const w = [...app.shell.widgets('main')].find(x => x.id === id);
      await w.context.save();
      if (shutdown) await w.sessionContext.shutdown();
      w.dispose();
    }""", [wid, shutdown])


def _panel_with_slider(nb):
    """The first live panel of the notebook that has a slider (its output area)."""
    panels = nb.locator(".jp-OutputArea-output").filter(has=nb.page.locator(".widget-slider")).filter(
        has=nb.page.locator("img"))
    assert panels.count() > 0, "в главе нет живой панели со слайдером"
    return panels.first


def _move_slider_and_see_the_picture_change(page, nb):
    panel = _panel_with_slider(nb)
    panel.scroll_into_view_if_needed()
    before = panel.locator("img").first.get_attribute("src")
    handle = panel.locator(".widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    button = panel.locator("button", has_text="Пересчитать")
    if button.count():
        assert "нажмите «Пересчитать»" in panel.inner_text(), "устаревший рисунок не помечен"
        button.first.click()
    page.wait_for_function("([el, src]) => { const i = el.querySelector('img'); return i && i.src !== src; }",
                           arg=[panel.element_handle(), before], timeout=30000)


def _homework(page, wid):
    """Fills the first homework stub with a wrong answer, then with the right one; returns both outputs."""
    return page.evaluate("""async (id) => {
      const app = window.jupyterapp;
      const w = [...app.shell.widgets('main')].find(x => x.id === id);
      const nb = w.content;
      const i = nb.widgets.findIndex(c => c.model.type === 'code' &&
          /NotImplementedError/.test(c.model.sharedModel.getSource()) && /check\\(/.test(c.model.sharedModel.getSource()));
      if (i < 0) return null;
      const cell = nb.widgets[i];
      const src = cell.model.sharedModel.getSource();
      const key = src.match(/check\\("([^"]+)"/)[1];
      const name = src.match(/(?:def|class)\\s+(\\w+)/)[1];
      const verdicts = [];
      for (const answer of [`TASKS["${key}"].mistakes[0].fn`, `TASKS["${key}"].reference`]) {
        cell.model.sharedModel.setSource(
          `from lib.homework import TASKS, load_all\\n\\nload_all()\\n${name} = ${answer}\\n\\ncheck("${key}", ${name})`);
        nb.activeCellIndex = i;
        await app.commands.execute('notebook:run-cell');
        for (let t = 0; t < 200; t++) {
          const out = cell.model.outputs.toJSON();
          if (cell.model.executionCount !== null && !/\\*/.test(cell.promptNode.textContent) && out.length) break;
          await new Promise(r => setTimeout(r, 100));
        }
        verdicts.push(cell.outputArea.node.innerText);
      }
      return {key, verdicts};
    }""", wid)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_runs_rendered_and_spoiler_free_in_jupyterlab(lab, path):
    page, errors, _ = lab
    wid = page.evaluate(OPEN, path.name)
    nb = _node(page, wid)
    # before running: the lecture is rendered, every solution folded
    nb.locator(".jp-MarkdownCell h1").first.wait_for(timeout=30000)
    page.evaluate(RUN_ALL, wid)
    state = _wait_done(page, wid)
    assert not state["problems"], f"{path.name}: {state['problems'][:5]}"
    assert state["unrun"] == 0, f"{path.name}: не выполнено ячеек: {state['unrun']}"
    _assert_prints_as_the_build(page, wid, path)
    text = nb.inner_text()
    assert "Error displaying widget" not in text
    raw = [m for m in RAW_MARKUP if m in text]
    assert not raw, f"{path.name}: на экране сырая разметка MyST {raw}"
    # jupyterlab-myst draws a solution as a folded <details> («Solution to Exercise N»)
    solutions = nb.locator("details.myst-exercise")
    written = sum("".join(c["source"]).count("```{solution}") + "".join(c["source"]).count(":::{solution}")
                  for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown")
    assert solutions.count() == written, f"{path.name}: решений {written}, свёрнутых блоков {solutions.count()}"
    assert written > 0 or path not in CHAPTERS, f"{path.name}: в главе нет упражнений с решениями"
    opened = [solutions.nth(i).get_attribute("open") for i in range(solutions.count())]
    assert all(o is None for o in opened), f"{path.name}: решения раскрыты: {opened}"
    if path in CHAPTERS or notebook_calls(path, "widgets.show"):     # every chapter has a panel
        _move_slider_and_see_the_picture_change(page, nb)
    hw = _homework(page, wid)
    if hw is not None:
        wrong, right = hw["verdicts"]
        assert "❌" in wrong and "✅" not in wrong, f"{hw['key']}: на неверный ответ — «{wrong[:200]}»"
        assert "✅ Верно" in right, f"{hw['key']}: на верный ответ — «{right[:200]}»"
    assert not errors, errors[:3]
    _close(page, wid)


def test_a_saved_chapter_reopens_with_its_panels(lab):
    """A returning student: chapter 1 was run and saved (JupyterLab autosaves), its kernel is gone."""
    page, errors, copy = lab
    first = CHAPTERS[0].name
    saved = json.loads((copy / first).read_text(encoding="utf-8"))
    if not saved["metadata"].get("widgets"):
        # the chapter's own test did not run before (e.g. `-k saved`): run and save it here
        wid = page.evaluate(OPEN, first)
        page.evaluate(RUN_ALL, wid)
        _wait_done(page, wid)
        _close(page, wid)
        saved = json.loads((copy / first).read_text(encoding="utf-8"))
    state = saved["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    assert state.get("state"), "состояние виджетов не сохранено в блокноте (настройка saveState)"
    wid = page.evaluate(OPEN, first)
    nb = _node(page, wid)
    nb.locator(".jp-MarkdownCell h1").first.wait_for(timeout=30000)
    page.wait_for_timeout(2000)                         # the widget manager restores saved state
    text = nb.inner_text()
    assert "Error displaying widget" not in text, "после повторного открытия панели не восстановились"
    assert nb.locator(".widget-slider").count() > 0 and nb.locator(".jp-OutputArea-output img").count() > 0
    assert not errors, errors[:3]
    _close(page, wid)


def test_raw_markup_list_matches_what_myst_uses():
    """The markup the test looks for on screen is what the chapters really contain (so it can fail)."""
    source = "\n".join("".join(c["source"]) for p in CHAPTERS
                       for c in json.loads(p.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown")
    for marker in (":label:", "{solution}", "{exercise}", "{prf:", "```{"):
        assert marker in source, marker
    assert re.search(r"\{(num)?ref\}`", source)
