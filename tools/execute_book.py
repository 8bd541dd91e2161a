"""Execute the book's notebooks in parallel, into the execution cache of `jupyter-book build`.

`jupyter-book build` (myst-nb, `execute_notebooks: cache`) runs the notebooks one after another.
This script runs those whose code changed since their last execution in parallel (`--jobs`, 2 by
default) with the same executor myst-nb uses, and stores them in `_build/.jupyter_cache`; the build
then only reads them. A notebook that fails is not stored: the build runs it again and reports
the error itself. `make book` and `make test` call it first; the tests call it again (it then
has nothing to do) before building, and the determinism check of every notebook compares the
outputs stored here with nbval's execution (`conftest.py`).

Runs that overlap (two pytest workers, or a test run beside `make book`) take turns on a lock
file, so no notebook is executed twice into the cache.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import yaml
from jupyter_cache import get_cache
from jupyter_cache.cache.main import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"


def _timeout() -> int:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return int(config.get("execute", {}).get("timeout", 120))


def _execute(path: Path):
    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(nb, cwd=str(path.parent), allow_errors=False,
                                 timeout=_timeout(), meta_override=True)
    return path, nb, result.time, (f"{type(result.err).__name__}: {result.err}" if result.err else None)


@contextlib.contextmanager
def _locked():
    """An exclusive lock on `_build/.execute_book.lock` (where `fcntl` exists: Linux, macOS)."""
    CACHE.parent.mkdir(exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no lock, runs must not overlap
        yield
        return
    with open(CACHE.parent / ".execute_book.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def built_notebook(path: Path):
    """The notebook with the outputs of its execution stored in the cache for its current code,
    or None when the cache holds no execution of this code."""
    if not CACHE.exists():
        return None
    try:
        _, nb = get_cache(str(CACHE)).merge_match_into_notebook(nbformat.read(path, as_version=4))
    except KeyError:
        return None
    return nb


def stale_notebooks(cache) -> list[Path]:
    stale = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            stale.append(path)
    return stale


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", 2)))
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="только эти блокноты (по умолчанию — все главы, чьё исполнение устарело)")
    args = parser.parse_args(argv)
    with _locked():
        return _execute_stale(args.jobs, [p.resolve() for p in args.notebooks])


def _execute_stale(jobs: int, only: list[Path] | None = None) -> int:
    cache = get_cache(str(CACHE))
    todo = [p for p in stale_notebooks(cache) if not only or p.resolve() in only]
    if not todo:
        return 0
    # "spawn": the caller may be a pytest-xdist worker, whose sockets and threads a forked child
    # must not share
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=multiprocessing.get_context("spawn")) as pool:
        for path, nb, seconds, error in pool.map(_execute, todo):
            name = path.relative_to(ROOT)
            if error:
                print(f"{name}: ошибка при исполнении ({error}); сборка книги покажет подробности")
                continue
            cache.cache_notebook_bundle(CacheBundleIn(nb, str(path), data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            print(f"{name}: исполнен за {seconds:.1f} с")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
