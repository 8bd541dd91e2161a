"""One command for every speed target of the course (issue: performance a student can feel).

    .venv/bin/python benchmarks/run.py            # everything (about 10 minutes)
    .venv/bin/python benchmarks/run.py --quick    # sliders and notebooks only
    .venv/bin/python benchmarks/run.py --write    # also store the table in benchmarks/README.md

It measures, in one run on one machine:

1. every registered slider panel: one update as a student's kernel does it — compute, draw and
   render the PNG at the notebook's size and resolution (Agg) — over the panel's grid of slider
   values; median and 95th percentile (targets: 50 ms and 100 ms);
2. the execution time of every notebook of the book (target: under 20 s each);
3. `make test` in a fresh clone, install included (target: 5 min), nbval over all notebooks
   (target: 2 min), `make book` in a fresh clone (target: 3 min) and a rebuild with nothing
   changed (target: 15 s);
4. the training comparison of lib with scikit-learn and PyTorch (`train_digits.py`).

Timings are reported here, never asserted by tests: machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(Path(__file__).resolve().parent)]

import nbformat  # noqa: E402
import train_digits  # noqa: E402
from book import toc_notebooks  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from lib import widgets  # noqa: E402


def _p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def panels(points: int = 3) -> list[dict]:
    rows = []
    for key, panel in sorted(widgets.load_all().items()):
        live = widgets.Live(panel)                    # what show() uses in the kernel
        start = time.perf_counter()
        live.frame()                                  # the first frame (full drawing) ...
        live.prepare()                                # ... and what show() builds right after it
        started = time.perf_counter() - start
        times = []
        for values in panel.grid(points):
            start = time.perf_counter()
            live.frame(**values)
            times.append(time.perf_counter() - start)
        rows.append({"panel": key, "updates": len(times), "median": statistics.median(times),
                     "p95": _p95(times), "manual": panel.manual, "start": started,
                     "mode": "blit" if panel.update is not None else "full redraw"})
    return rows


def notebooks() -> list[dict]:
    rows = []
    for path in toc_notebooks():
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        rows.append({"notebook": path.name, "seconds": time.perf_counter() - start})
    return rows


def _timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}:\n{tail}")
    return elapsed


def fresh_clone_timings() -> list[dict]:
    """`make test` and `make book`, each in a fresh clone, timed in their parts: the install
    (`make .venv/.installed`: venv and requirements), the widget JavaScript (`make webdeps`), then the
    command itself (which would do both first if they had not been done)."""
    rows = []

    def fresh(name: str, command: str, target: int, directory: Path) -> None:
        parts = [("install (venv, requirements)", _timed(["make", ".venv/.installed"], directory)),
                 ("widget JavaScript (npm)", _timed(["make", "webdeps"], directory)),
                 (f"make {command} itself", _timed(["make", command], directory))]
        rows.append({"what": f"{name}, fresh clone, install included", "target": target,
                     "seconds": sum(t for _, t in parts)})
        rows.extend({"what": f"… of which {what}", "target": None, "seconds": t} for what, t in parts)

    with tempfile.TemporaryDirectory() as tmp:
        for name in ("test", "book"):
            subprocess.run(["git", "clone", "-q", str(ROOT), f"{tmp}/{name}"], check=True)
        test_dir, book_dir = Path(tmp) / "test", Path(tmp) / "book"
        fresh("make test", "test", 300, test_dir)
        rows.append({"what": "nbval over all notebooks (pytest chapters -n 2 --dist loadfile)", "target": 120,
                     "seconds": _timed([str(test_dir / ".venv/bin/python"), "-m", "pytest", "-q", "-n", "2",
                                        "--dist", "loadfile", "chapters"], test_dir)})
        fresh("make book", "book", 180, book_dir)
        rows.append({"what": "make book again, nothing changed (execution cache)", "target": 15,
                     "seconds": _timed(["make", "book"], book_dir)})
    return rows


def report(args) -> str:
    lines = [f"Machine: {train_digits.machine()}", ""]
    lines += ["### Slider panels (one update: compute + draw + PNG at "
              f"{widgets.DPI} dpi, over panel.grid(3))", "",
              "Start: the panel's first frame and, for a panel whose lists change its axes, the "
              "still parts for every choice of the lists (`Live.prepare`, run by `show` once the panel "
              "is on screen). A panel marked «button» retrains a network on each press of "
              "«Пересчитать» (`manual=True`, a «считаю…» label while it runs): the way the target "
              "allows for retraining; its update is the training plus the drawing.", "",
              "| panel | redraw | start, ms | updates | median, ms | 95th percentile, ms | target met (50 / 100 ms) |",
              "|---|---|---:|---:|---:|---:|---|"]
    for r in panels():
        ok = r["median"] < 0.050 and r["p95"] < 0.100
        met = "yes" if ok else ("button (retraining)" if r["manual"] else "**no**")
        note = " (button: retrains)" if r["manual"] else ""
        lines.append(f"| `{r['panel']}`{note} | {r['mode']} | {1e3 * r['start']:.0f} | {r['updates']} | "
                     f"{1e3 * r['median']:.1f} | {1e3 * r['p95']:.1f} | {met} |")
    lines += ["", "### Notebooks (execution with nbclient, one after another)", "",
              "| notebook | seconds | under 20 s |", "|---|---:|---|"]
    nb_rows = notebooks()
    for r in nb_rows:
        lines.append(f"| {r['notebook']} | {r['seconds']:.1f} | {'yes' if r['seconds'] < 20 else '**no**'} |")
    lines.append(f"| all, one after another | {sum(r['seconds'] for r in nb_rows):.1f} | |")
    if not args.quick:
        lines += ["", "### Tests and build", "", "| what | seconds | target, s | met |", "|---|---:|---:|---|"]
        for r in fresh_clone_timings():
            if r["target"] is None:
                lines.append(f"| {r['what']} | {r['seconds']:.0f} | | |")
                continue
            lines.append(f"| {r['what']} | {r['seconds']:.0f} | {r['target']} | "
                         f"{'yes' if r['seconds'] < r['target'] else '**no**'} |")
        repeats = 5
        lines += ["", "### Training: lib against scikit-learn and PyTorch", "", "```text",
                  train_digits.table(train_digits.run(repeats=repeats, threads=1), repeats, 1), "```"]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Speed of sliders, notebooks, tests, build and lib.")
    parser.add_argument("--quick", action="store_true", help="only sliders and notebooks")
    parser.add_argument("--write", action="store_true", help="store the result in benchmarks/README.md")
    args = parser.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    text = report(args)
    print(text)
    if args.write:
        readme = ROOT / "benchmarks" / "README.md"
        marker = "## `run.py`: every speed target in one run"
        old = readme.read_text(encoding="utf-8")
        head = old.split(marker)[0].rstrip() + "\n\n" if marker in old else old.rstrip() + "\n\n"
        readme.write_text(head + marker + "\n\n" + __doc__.split("\n\n")[1] + "\n\n" + text + "\n",
                          encoding="utf-8")


if __name__ == "__main__":
    if shutil.which("make") is None:
        sys.exit("make не найден")
    main()
