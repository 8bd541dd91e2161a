"""lib.digits (chapter 8): data, model, training, metrics, the retrain panel and the PyTorch text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from book import panel_figure

from lib import nn, widgets
from lib.chapters import digits
from lib.figures import digits as digits_fig
from lib.gradcheck import check_module
from lib.optim import SGD

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "chapters" / "08_digits.ipynb"
PANEL = widgets.get("ch08.retrain")


def test_split_is_stratified_disjoint_in_size_and_read_only():
    data = digits.digits_data(0)
    sizes = [len(data[f"y_{s}"]) for s in ("train", "val", "test")]
    assert sum(sizes) == 1797 and sizes == [1079, 359, 359]
    total = np.bincount(np.concatenate([data[f"y_{s}"] for s in ("train", "val", "test")]))
    for s in ("train", "val", "test"):
        assert np.all(np.abs(np.bincount(data[f"y_{s}"]) - len(data[f"y_{s}"]) * total / total.sum()) <= 1.5)
        np.testing.assert_array_equal(data[f"X_{s}"], data[f"images_{s}"].reshape(-1, 64) / 16)
    with pytest.raises(ValueError):
        data["X_train"][0, 0] = 5.0
    assert digits.digits_data(0) is data                  # cached
    with pytest.raises(ValueError, match="зерно"):
        digits.digits_data(0.5)


def test_model_shapes_parameter_count_and_gradients():
    for H in (1, 8, 128):
        model = digits.build_model(H, 0.3, rng=0)
        assert digits.count_parameters(model) == 75 * H + 10
        assert model(np.zeros((3, 64))).shape == (3, 10)
    small = digits.build_model(7, 0.5, rng=1).eval()
    x = np.random.default_rng(0).random((5, 64))
    assert check_module(small, x).max_error < 1e-6
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        digits.build_model(8, 1.0)
    with pytest.raises(ValueError, match="hidden"):
        digits.build_model(0, 0.2)


def test_training_reaches_95_percent_on_test_for_several_seeds_and_is_deterministic():
    accs = [digits.train_digits(seed=s).test_acc for s in range(3)]
    assert min(accs) >= 0.95, accs
    a = digits.train_digits(hidden=16, epochs=2, seed=4)
    b = digits.train_digits(hidden=16, epochs=2, seed=4)
    assert a.history == b.history and not a.model.training
    np.testing.assert_array_equal(a.model[0].W.data, b.model[0].W.data)


def test_momentum_speeds_up_training():
    for s in range(2):
        fast = digits.train_digits(32, 0.2, 0.05, epochs=6, momentum=0.9, seed=s).history["val_loss"][-1]
        slow = digits.train_digits(32, 0.2, 0.05, epochs=6, momentum=0.0, seed=s).history["val_loss"][-1]
        assert fast < slow


def test_confusion_matrix_properties_and_sklearn_agreement():
    from sklearn.metrics import confusion_matrix as sk_confusion

    rng = np.random.default_rng(3)
    for n, K in ((1, 2), (50, 10), (200, 4)):
        y = rng.integers(0, K, n)
        y_hat = np.where(rng.random(n) < 0.7, y, rng.integers(0, K, n))
        C = digits.confusion_matrix(y, y_hat, K)
        assert C.shape == (K, K) and C.sum() == n
        np.testing.assert_array_equal(C.sum(axis=1), np.bincount(y, minlength=K))
        np.testing.assert_array_equal(C, sk_confusion(y, y_hat, labels=range(K)))
        assert np.isclose(np.trace(C) / n, digits.accuracy_from_labels(y, y_hat))
        assert len(digits.misclassified(y, y_hat)) == n - np.trace(C)
    C = np.array([[5, 2, 0], [0, 4, 3], [1, 0, 6]])
    assert digits.confused_pairs(C, top=3) == [(1, 2, 3), (0, 1, 2), (2, 0, 1)]
    assert digits.confused_pairs(np.eye(3, dtype=int)) == []


def test_metric_errors_name_what_was_expected():
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        digits.confusion_matrix(np.array([0, 10]), np.array([0, 1]))
    with pytest.raises(ValueError, match="целые"):
        digits.confusion_matrix(np.array([0.0, 1.0]), np.array([0, 1]))
    with pytest.raises(ValueError, match="разная длина"):
        digits.confusion_matrix(np.array([0, 1]), np.array([0]))
    with pytest.raises(ValueError, match="пустая"):
        digits.accuracy_from_labels(np.array([], int), np.array([], int))
    with pytest.raises(ValueError, match="квадратная"):
        digits.confused_pairs(np.ones((2, 3)))


def test_predict_is_argmax_in_eval_mode_and_restores_mode():
    model = digits.build_model(16, 0.5, rng=2)
    X = digits.digits_data()["X_val"][:20]
    labels = digits.predict(model, X)
    assert model.training
    model.eval()
    np.testing.assert_array_equal(labels, model(X).argmax(axis=1))


@pytest.mark.parametrize("values", PANEL.grid(3))
def test_retrain_panel_over_slider_grid(values):
    result = digits_fig.retrain_for_panel(values["hidden"], values["p"], values["lr"])
    h = result.history
    assert len(h["train_loss"]) == digits_fig.PANEL_EPOCHS
    assert all(np.all(np.isfinite(h[k])) for k in h)
    assert result.seconds < 2.0                                   # training stays well under 2 s
    assert digits.count_parameters(result.model) == 75 * values["hidden"] + 10
    # every setting ends below the loss of an untrained net (ln 10) and above chance (0.1)
    assert h["train_loss"][-1] < np.log(10) and result.test_acc > 0.15
    if values["p"] <= 0.3 and values["lr"] <= 0.11:               # moderate settings keep improving
        assert h["train_loss"][-1] < h["train_loss"][0]
    if values["hidden"] >= 64 and values["p"] <= 0.3 and values["lr"] >= 0.1:
        assert result.test_acc >= 0.93
    fig = panel_figure("ch08.retrain", **values)
    titles = " ".join(t.get_text() for t in fig.texts)
    assert f"{100 * result.test_acc:.1f} %" in titles
    assert len(fig.axes) == 2 and all(len(ax.get_lines()) == 2 for ax in fig.axes)


def _notebook_torch_code() -> str:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            for block in re.findall(r"```python\n(.*?)```", text, flags=re.S):
                if "import torch" in block and "for epoch" in block:
                    return block
    raise AssertionError("в главе 8 нет фрагмента PyTorch с циклом обучения")


def test_pytorch_text_is_not_executed_in_the_notebook():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "import torch" not in code
    assert "nn.Linear(64, H)" in _notebook_torch_code()


def test_pytorch_text_trains_to_the_same_bar():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    namespace = {"data": digits.digits_data()}
    exec(compile(_notebook_torch_code(), "chapter8-pytorch", "exec"), namespace)  # noqa: S102
    assert namespace["test_acc"] >= 0.95


def test_one_sgd_step_matches_pytorch_with_transposed_weights():
    torch = pytest.importorskip("torch")
    data = digits.digits_data()
    X, y = data["X_train"][:32], data["y_train"][:32]
    lib_model = digits.build_model(16, 0.0, rng=0)
    torch_model = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.ReLU(), torch.nn.Dropout(0.0),
                                      torch.nn.Linear(16, 10)).double()
    with torch.no_grad():
        for i in (0, 3):
            torch_model[i].weight.copy_(torch.tensor(lib_model[i].W.data.T))   # W = weight.T
            torch_model[i].bias.copy_(torch.tensor(lib_model[i].b.data))
    lib_opt = SGD(lib_model.parameters(), lr=0.1, momentum=0.9)
    torch_opt = torch.optim.SGD(torch_model.parameters(), lr=0.1, momentum=0.9)
    lib_loss_fn, torch_loss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    for _ in range(3):
        lib_loss = lib_loss_fn(lib_model(X), y)
        lib_opt.zero_grad()
        lib_model.backward(lib_loss_fn.backward())
        lib_opt.step()
        torch_loss = torch_loss_fn(torch_model(torch.tensor(X)), torch.tensor(y))
        torch_opt.zero_grad()
        torch_loss.backward()
        torch_opt.step()
        assert np.isclose(lib_loss, torch_loss.item(), rtol=1e-12)
    for i in (0, 3):
        np.testing.assert_allclose(lib_model[i].W.data, torch_model[i].weight.detach().numpy().T, rtol=1e-10)
        np.testing.assert_allclose(lib_model[i].b.data, torch_model[i].bias.detach().numpy(), rtol=1e-10)
