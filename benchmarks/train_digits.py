"""Benchmark: the same MLP 64→128→10 trained on load_digits by lib, scikit-learn and PyTorch.

ReLU, cross-entropy, SGD with lr 0.1 and no momentum, no regularisation, batch 64, 20 epochs,
shuffled every epoch. The implementations alternate inside each repeat, so that a slow moment of
a shared machine hits all of them. Prints seconds per epoch (median over repeats), the ratios
lib/scikit-learn and lib/PyTorch and each one's test accuracy.

    .venv/bin/python benchmarks/train_digits.py [--repeats 5] [--threads 1]

``run(repeats)`` returns the rows, for a larger benchmark command to import.

All three use float64 and the same number of BLAS threads (1 by default: the matrices are small,
64×128 per batch, and extra threads only add synchronisation — and contention on a shared machine).
lib is timed twice: with ``fit(eval_train=False)``, which does the same work as scikit-learn (the
training loss of an epoch is the mean of its batch losses), and with the default
``fit(eval_train=True)``, which adds one forward pass over the training set per epoch.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib import data, nn, optim, training  # noqa: E402

EPOCHS, BATCH, LR, HIDDEN = 20, 64, 0.1, 128


class _Clock:
    """Wall-clock and CPU time of this process (the latter is robust to other jobs on the machine)."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def _split(seed: int = 0):
    d = data.load_digits_split(val_size=0.0, test_size=0.2, seed=seed)
    return d["X_train"], d["y_train"], d["X_test"], d["y_test"]


def _lib(X, y, Xt, yt, seed, eval_train):
    model = nn.Sequential(nn.Linear(64, HIDDEN, rng=seed), nn.ReLU(), nn.Linear(HIDDEN, 10, rng=seed + 1))
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.SGD(model.parameters(), lr=LR)
    clock = _Clock()
    training.fit(model, loss_fn, opt, X, y, epochs=EPOCHS, batch_size=BATCH, rng=seed, eval_train=eval_train)
    return clock.stop(), training.evaluate(model, loss_fn, Xt, yt)[1]


def _sklearn(X, y, Xt, yt, seed):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="sgd", momentum=0.0,
                        alpha=0.0, learning_rate_init=LR, batch_size=BATCH, max_iter=EPOCHS, shuffle=True,
                        n_iter_no_change=EPOCHS + 1, random_state=seed)
    clock = _Clock()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)   # 20 epochs on purpose
        clf.fit(X, y)
    seconds = clock.stop()
    assert clf.n_iter_ == EPOCHS, clf.n_iter_
    return seconds, clf.score(Xt, yt)


def _torch(X, y, Xt, yt, seed):
    import torch

    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(64, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 10)).double()
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    Xt_, yt_ = torch.from_numpy(X), torch.from_numpy(y)
    gen = torch.Generator().manual_seed(seed)
    clock = _Clock()
    for _ in range(EPOCHS):
        order = torch.randperm(len(Xt_), generator=gen)
        for i in range(0, len(order), BATCH):
            idx = order[i : i + BATCH]
            loss = loss_fn(model(Xt_[idx]), yt_[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    seconds = clock.stop()
    with torch.no_grad():
        acc = (model(torch.from_numpy(Xt)).argmax(1).numpy() == yt).mean()
    return seconds, float(acc)


def _contenders():
    out = [("lib", lambda *a: _lib(*a, eval_train=False)),
           ("lib, fit(eval_train=True)", lambda *a: _lib(*a, eval_train=True)),
           ("scikit-learn MLPClassifier", _sklearn)]
    try:
        import torch  # noqa: F401

        out.append(("PyTorch (CPU)", _torch))
    except ImportError:
        pass
    return out


def run(repeats: int = 5, threads: int = 1) -> list[dict]:
    """Trains every contender ``repeats`` times, alternating; returns one row per contender:
    name, sec_per_epoch (wall clock, median), sec_per_epoch_all, cpu_sec_per_epoch (CPU time of the
    process, median), test_acc (median), test_acc_all."""
    from threadpoolctl import threadpool_limits

    X, y, Xt, yt = _split()
    contenders = _contenders()
    try:
        import torch

        torch.set_num_threads(threads)
    except ImportError:
        pass
    times = {name: [] for name, _ in contenders}
    cpu = {name: [] for name, _ in contenders}
    accs = {name: [] for name, _ in contenders}
    with threadpool_limits(limits=threads):
        for _name, fn in contenders:          # warm-up: imports, caches, BLAS buffers
            fn(X, y, Xt, yt, 0)
        for r in range(repeats):
            order = contenders[r % len(contenders):] + contenders[: r % len(contenders)]
            for name, fn in order:
                (wall, cpu_s), acc = fn(X, y, Xt, yt, r)
                times[name].append(wall / EPOCHS)
                cpu[name].append(cpu_s / EPOCHS)
                accs[name].append(acc)
    return [{"name": name, "sec_per_epoch": statistics.median(times[name]),
             "sec_per_epoch_all": times[name], "cpu_sec_per_epoch": statistics.median(cpu[name]),
             "test_acc": statistics.median(accs[name]), "test_acc_all": accs[name]}
            for name, _ in contenders]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    versions = [f"numpy {np.__version__}"]
    for mod in ("sklearn", "torch"):
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except ImportError:
            pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    # the CPUs this process may run on (not `nproc`, which answers OMP_NUM_THREADS when it is set)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs ({usable} usable), "
            f"{cpu}; Python {platform.python_version()}, {', '.join(versions)}; load average {load:.1f}")


def table(rows: list[dict], repeats: int, threads: int) -> str:
    lib_t, lib_c = rows[0]["sec_per_epoch"], rows[0]["cpu_sec_per_epoch"]
    lines = [f"Training 64→{HIDDEN}→10 on load_digits ({EPOCHS} epochs, batch {BATCH}, SGD lr {LR}), "
             f"{repeats} alternating repeats, {threads} BLAS thread(s)", "",
             "| implementation | wall s/epoch (median) | min … max | CPU s/epoch (median) "
             "| lib / this (wall, CPU) | test accuracy (median; min … max) |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        all_t, acc = row["sec_per_epoch_all"], row["test_acc_all"]
        lines.append(f"| {row['name']} | {row['sec_per_epoch'] * 1e3:.2f} ms | {min(all_t) * 1e3:.2f} … "
                     f"{max(all_t) * 1e3:.2f} ms | {row['cpu_sec_per_epoch'] * 1e3:.2f} ms | "
                     f"{lib_t / row['sec_per_epoch']:.2f}, {lib_c / row['cpu_sec_per_epoch']:.2f} | "
                     f"{row['test_acc']:.4f}; {min(acc):.4f} … {max(acc):.4f} |")
    by = {r["name"]: r for r in rows}
    lines.append("")
    for label, name in (("scikit-learn", "scikit-learn MLPClassifier"), ("PyTorch", "PyTorch (CPU)")):
        if name in by:
            other = by[name]
            lines.append(f"lib / {label}: {lib_t / other['sec_per_epoch']:.2f} wall, "
                         f"{lib_c / other['cpu_sec_per_epoch']:.2f} CPU "
                         f"(test accuracy {rows[0]['test_acc']:.4f} vs {other['test_acc']:.4f})")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    rows = run(args.repeats, args.threads)
    print(machine())
    print()
    print(table(rows, args.repeats, args.threads))


if __name__ == "__main__":
    main()
