"""lib.data: mini-batches and the seeded data sets of the chapters."""

from __future__ import annotations

import numpy as np
import pytest

from lib import data


@pytest.mark.parametrize("n,B", [(10, 3), (10, 5), (1, 4), (64, 64), (100, 7)])
@pytest.mark.parametrize("shuffle", [True, False])
def test_every_index_exactly_once_per_epoch(n, B, shuffle):
    X = np.arange(n * 2).reshape(n, 2)
    y = np.arange(n)
    got = list(data.batches(X, y, B, shuffle=shuffle, rng=0))
    sizes = [len(yb) for _, yb in got]
    assert sizes == [B] * (n // B) + ([n % B] if n % B else [])
    idx = np.concatenate([yb for _, yb in got])
    np.testing.assert_array_equal(np.sort(idx), np.arange(n))
    for Xb, yb in got:   # X and y stay paired
        np.testing.assert_array_equal(Xb[:, 0], 2 * yb)
    if not shuffle:
        np.testing.assert_array_equal(idx, np.arange(n))


def test_same_seed_same_order_and_a_generator_reshuffles():
    X, y = np.zeros((50, 1)), np.arange(50)

    def order(rng):
        return np.concatenate([yb for _, yb in data.batches(X, y, 8, rng=rng)])

    np.testing.assert_array_equal(order(3), order(3))
    assert not np.array_equal(order(3), order(4))
    gen = np.random.default_rng(3)
    first, second = order(gen), order(gen)
    np.testing.assert_array_equal(first, order(3))
    assert not np.array_equal(first, second)   # the next epoch continues the generator
    assert not np.array_equal(first, np.arange(50))


def test_multi_dimensional_targets_are_batched_by_rows():
    X, Y = np.zeros((9, 2)), np.arange(18).reshape(9, 2)
    got = list(data.batches(X, Y, 4, shuffle=False))
    assert [yb.shape for _, yb in got] == [(4, 2), (4, 2), (1, 2)]


def test_generators_are_deterministic_with_documented_shapes():
    for make in (lambda s: data.two_moons(100, 0.1, rng=s), lambda s: data.spirals(90, 3, 0.2, rng=s)):
        (X1, y1), (X2, y2), (X3, _) = make(0), make(0), make(1)
        np.testing.assert_array_equal(X1, X2)
        np.testing.assert_array_equal(y1, y2)
        assert not np.array_equal(X1, X3)
        assert X1.shape[1] == 2 and y1.shape == (len(X1),) and np.issubdtype(y1.dtype, np.integer)
    _, y = data.two_moons(101, rng=0)
    assert np.bincount(y).tolist() == [50, 51]
    _, y = data.spirals(90, 3, rng=0)
    assert np.bincount(y).tolist() == [30, 30, 30]


def test_noisy_function_is_sorted_and_noise_has_the_requested_scale():
    X, y = data.noisy_function(np.sin, n=4000, noise=0.3, low=-2, high=3, rng=0)
    assert X.shape == (4000, 1) and y.shape == (4000, 1)
    assert np.all(np.diff(X[:, 0]) >= 0) and X.min() >= -2 and X.max() <= 3
    resid = y[:, 0] - np.sin(X[:, 0])
    # sample sd of N normal draws has standard error ≈ σ/sqrt(2N)
    assert abs(resid.std() - 0.3) < 5 * 0.3 / np.sqrt(2 * 4000)
    assert abs(resid.mean()) < 5 * 0.3 / np.sqrt(4000)


def test_load_digits_split_is_a_stratified_partition():
    d = data.load_digits_split(val_size=0.2, test_size=0.2, seed=0)
    sizes = {k: len(d[f"y_{k}"]) for k in ("train", "val", "test")}
    assert sum(sizes.values()) == 1797
    for k in ("train", "val", "test"):
        assert d[f"X_{k}"].shape == (sizes[k], 64) and d[f"images_{k}"].shape == (sizes[k], 8, 8)
        assert d[f"X_{k}"].min() >= 0 and d[f"X_{k}"].max() <= 1
        np.testing.assert_allclose(d[f"X_{k}"], d[f"images_{k}"].reshape(-1, 64) / 16)
    # the three parts together are exactly the data set (as multisets of rows): a partition
    from sklearn.datasets import load_digits

    full = load_digits()
    parts = np.vstack([np.column_stack([d[f"X_{k}"], d[f"y_{k}"]]) for k in ("train", "val", "test")])
    whole = np.column_stack([full.data / 16.0, full.target])
    np.testing.assert_array_equal(parts[np.lexsort(parts.T)], whole[np.lexsort(whole.T)])
    # stratified: each class is ~20% of the test part's share of that class (rounding per class)
    counts_all = np.bincount(np.concatenate([d["y_train"], d["y_val"], d["y_test"]]))
    counts_test = np.bincount(d["y_test"], minlength=10)
    np.testing.assert_array_less(np.abs(counts_test - 0.2 * counts_all), 0.51)
    d2 = data.load_digits_split(val_size=0.2, test_size=0.2, seed=0)
    np.testing.assert_array_equal(d["y_test"], d2["y_test"])
    np.testing.assert_array_equal(d["X_val"], d2["X_val"])
