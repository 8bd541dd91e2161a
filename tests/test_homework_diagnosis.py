"""The homework checkers diagnose any wrong answer, never crash and cannot be fooled.

Three layers are tested: wrong solutions that real students write (each first shown to be wrong)
are rejected with a message that names the mistake; generic mutants of every task's reference
(scaled, shifted, negated, NaN, transposed, wrong container, hard-coded, in place) are rejected
with a message that names how the answer differs; and ``check`` never raises, whatever the
student's function returns.
"""

from __future__ import annotations

import types

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.activations import sigmoid
from lib.homework import TASKS, check, load_all
from lib.homework.digits import accuracy_and_confusion_reference
from lib.homework.overfitting import DropoutReference

load_all()
PLAIN = sorted(k for k, t in TASKS.items() if t.call is None)


def _verdict(key, fn):
    v = check(key, fn)
    assert not v.ok, f"{key}: неверное решение принято: {v.message}"
    return v.message


# --- what the issue saw: accepted though wrong -----------------------------------------------------

def test_a_step_that_modifies_w_in_place_is_rejected_and_named():
    def gd_step(w, b, X, y, lr):
        r = X @ w + b - y
        w -= lr * 2 / len(y) * X.T @ r          # modifies the caller's array
        return w, b - lr * 2 / len(y) * r.sum()
    msg = _verdict("ch03.step", gd_step)
    assert "«w» на месте" in msg


def test_dropout_that_multiplies_its_input_in_place_is_rejected():
    class MyDropout(DropoutReference):
        def forward(self, x):
            if not self.training:
                self.mask = None
                return x
            self.mask = (self.rng.random(x.shape) >= self.p) / (1.0 - self.p)
            x *= self.mask
            return x
    msg = _verdict("ch07.dropout", MyDropout)
    assert "на месте" in msg and "вход первого forward" in msg


def test_dropout_that_keeps_the_training_mask_in_eval_is_named():
    class MyDropout(DropoutReference):
        def forward(self, x):
            if not self.training:
                return x if self.mask is None else x * self.mask
            return super().forward(x)
    assert "на маску, оставшуюся от обучения" in _verdict("ch07.dropout", MyDropout)


def test_a_naive_sigmoid_with_silenced_overflow_is_rejected_by_its_values():
    def sigmoid_and_grad(z):
        with np.errstate(all="ignore"):
            s = 1.0 / (1.0 + np.exp(-z))
        return s, s * (1 - s)
    # it is wrong as a value, not only as a warning: σ(−720) is a representable subnormal number
    assert sigmoid(np.array([-720.0]))[0] > 0
    with np.errstate(all="ignore"):
        assert 1.0 / (1.0 + np.exp(720.0)) == 0.0
    msg = _verdict("ch05.sigmoid", sigmoid_and_grad)
    assert "«σ(z)»" in msg and "ожидалось" in msg


def test_a_confusion_matrix_as_list_of_lists_is_rejected():
    def acc_conf(logits, y, K):
        acc, C = accuracy_and_confusion_reference(logits, y, K)
        return acc, C.tolist()
    msg = _verdict("ch08.confusion", acc_conf)
    assert "«C»" in msg and "массив NumPy" in msg


def test_a_float_confusion_matrix_is_rejected_with_dtype():
    def acc_conf(logits, y, K):
        acc, C = accuracy_and_confusion_reference(logits, y, K)
        return acc, C.astype(float)
    msg = _verdict("ch08.confusion", acc_conf)
    assert "целые числа" in msg and "float64" in msg


# --- crashes and generic messages the issue saw ---------------------------------------------------

def test_a_list_instead_of_a_tuple_gets_a_verdict_not_a_crash():
    def gd_step(w, b, X, y, lr):
        return list(TASKS["ch03.step"].reference(w, b, X, y, lr))
    msg = _verdict("ch03.step", gd_step)
    assert "список" in msg and "кортеж (w, b)" in msg


def test_a_ragged_list_gets_a_verdict_in_every_task():
    for key in PLAIN:
        v = check(key, lambda *a: [[1.0, 2.0], [3.0]])
        assert v.status in {"wrong", "error", "mistake"}, key


def test_db_summed_over_the_wrong_axis_names_db_and_the_shapes():
    def linear_backward(X, W, G):
        return X.T @ G, G.sum(axis=1), G @ W.T
    msg = _verdict("ch04.linear_backward", linear_backward)
    assert "«db»" in msg and "ожидалась (2,)" in msg and "получена (5,)" in msg and "axis" in msg


def test_the_fancy_index_pitfall_of_chapter_8_gets_its_hint():
    def acc_conf(logits, y, K):
        y_pred = logits.argmax(axis=1)
        C = np.zeros((K, K), dtype=int)
        C[y, y_pred] += 1
        return np.mean(y_pred == y), C
    assert "np.add.at" in _verdict("ch08.confusion", acc_conf)


def test_a_matrix_product_the_wrong_way_is_explained_in_russian_with_the_line():
    def gd_step(w, b, X, y, lr):
        r = X @ w + b - y
        gw = 2 / len(y) * X @ r                 # X.T @ r was meant
        return w - lr * gw, b - lr * 2 / len(y) * r.sum()
    msg = _verdict("ch03.step", gd_step)
    assert "матричном произведении" in msg and "X @ r" in msg and "строка" in msg


def test_a_wrong_part_is_named_by_its_name_in_the_task():
    def linear_backward(X, W, G):
        return X.T @ G, G.sum(axis=0), -(G @ W.T)
    msg = _verdict("ch04.linear_backward", linear_backward)
    assert "«dX»" in msg and "знак" in msg


def test_sum_instead_of_mean_is_named():
    def softmax_ce_grad(Z, y):
        return TASKS["ch06.softmax_ce_grad"].reference(Z, y) * len(y)
    # the task lists this mistake itself; the generic layer names it for an unforeseen mutant too
    def softmax_ce_grad_twice(Z, y):
        return TASKS["ch06.softmax_ce_grad"].reference(Z, y) * len(y) * len(y)
    assert "1/n" in _verdict("ch06.softmax_ce_grad", softmax_ce_grad)
    assert "постоянным множителем" in _verdict("ch06.softmax_ce_grad", softmax_ce_grad_twice)


# --- generic mutants of every task's reference -------------------------------------------------------

def _first_float_part(out):
    """Index of the first returned part with float values (None for a single answer)."""
    if isinstance(out, tuple):
        return next(i for i, v in enumerate(out) if np.asarray(v).dtype.kind == "f")
    return None


def _mutant(key, change):
    ref = TASKS[key].reference

    def fn(*args):
        out = ref(*args)
        k = _first_float_part(out)
        if k is None:
            return change(out)
        return tuple(change(v) if i == k else v for i, v in enumerate(out))
    return fn


@pytest.mark.parametrize("key", PLAIN)
def test_a_scaled_answer_is_named_as_a_factor(key):
    assert "2 раза" in _verdict(key, _mutant(key, lambda v: v * 2.0))


@pytest.mark.parametrize("key", PLAIN)
def test_a_negated_answer_is_named_as_a_sign(key):
    v = check(key, _mutant(key, lambda v: -v))
    # a task may foresee this mistake with its own hint (an upside-down bump, a negative loss)
    assert v.status == "mistake" or "знак" in v.message, v.message


@pytest.mark.parametrize("key", PLAIN)
def test_a_nan_in_the_answer_is_named(key):
    def nan_first(v):
        a = np.array(v, dtype=float)
        a.flat[0] = np.nan
        return a if a.ndim else float(a)
    assert "NaN" in _verdict(key, _mutant(key, nan_first))


@pytest.mark.parametrize("key", PLAIN)
def test_a_hard_coded_answer_of_the_first_case_fails_on_the_others(key):
    task = TASKS[key]
    first = task.reference(*task.cases[0])
    msg = _verdict(key, lambda *args: first)
    assert "вернулся ответ входа №1" in msg or "форма ответа входа №1" in msg


@pytest.mark.parametrize("key", PLAIN)
def test_an_answer_as_a_list_is_named(key):
    ref = TASKS[key].reference
    out = ref(*TASKS[key].cases[0])
    if isinstance(out, tuple):
        msg = _verdict(key, lambda *args: list(ref(*args)))
        assert "список" in msg
    elif isinstance(out, np.ndarray) and out.ndim:
        msg = _verdict(key, lambda *args: ref(*args).tolist())
        assert "массив NumPy" in msg
    else:
        msg = _verdict(key, lambda *args: [ref(*args)])
        assert "одно число" in msg or "число" in msg


@pytest.mark.parametrize("key", PLAIN)
def test_modifying_an_input_in_place_is_named(key):
    ref = TASKS[key].reference

    def fn(*args):
        out = ref(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
        first = next(a for a in args if isinstance(a, np.ndarray) and a.dtype.kind == "f")
        first *= 1.5
        return out
    assert "на месте" in _verdict(key, fn)


@pytest.mark.parametrize("key", PLAIN)
def test_an_exception_in_the_students_code_is_explained(key):
    def fn(*args):
        a = next(x for x in args if isinstance(x, np.ndarray))
        return a @ np.ones((a.shape[-1] + 1, 2))   # a shape mismatch on purpose
    v = check(key, fn)
    assert v.status == "error"
    assert "matmul" in v.message and "Обычная причина" in v.message and "строка" in v.message


def test_a_transposed_answer_is_named():
    def layer(X, W, b):
        return sigmoid(X @ W + b).T
    msg = _verdict("ch01.layer", layer)
    assert "транспонированный верный ответ" in msg


def test_a_shifted_answer_is_named():
    def layer(X, W, b):
        return sigmoid(X @ W + b) + 0.25
    assert "сдвинуты на одну и ту же постоянную +0.25" in _verdict("ch01.layer", layer)


# --- check() never raises ----------------------------------------------------------------------

def _gen():
    yield 1.0


FUZZ = [None, {}, {"a": 1}, _gen(), [[1.0, 2.0], [3.0]], "0.5", object(), ((1.0,), (2.0, 3.0)),
        np.zeros((3000, 3000)), np.array([1 + 2j]), np.nan, np.inf, True, np.array(["a", "b"]),
        np.array([[1.0], [2.0, 3.0]], dtype=object), types.SimpleNamespace(shape=(2,)), (None, None),
        (np.zeros(2), "x", None), [np.zeros(2), None], -0.0, 10**400]


@pytest.mark.parametrize("key", sorted(TASKS))
def test_check_never_raises_whatever_comes_back(key):
    for obj in FUZZ:
        v = check(key, lambda *args, _o=obj: _o)
        assert v.status != "ok", (key, type(obj))
    for exc in (ValueError("x"), KeyError("k"), RecursionError(), ZeroDivisionError(), IndexError("i")):
        def raising(*args, _e=exc):
            raise _e
        assert check(key, raising).status == "error"


# a fuzzed property: whatever object a student's function returns, check() gives a verdict
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
                     st.text(max_size=5), st.complex_numbers(allow_nan=True, allow_infinity=True))
_arrays = st.tuples(st.lists(st.integers(0, 4), min_size=0, max_size=3),
                    st.sampled_from(["float64", "float32", "int64", "bool", "complex128", "object"])).map(
    lambda a: np.ones(a[0], dtype=a[1]))
_objects = st.recursive(st.one_of(_scalars, _arrays),
                        lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                                                st.dictionaries(st.text(max_size=3), inner, max_size=3)),
                        max_leaves=8)


@pytest.mark.parametrize("key", sorted(TASKS))
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(obj=_objects)
def test_check_never_raises_over_fuzzed_answers(key, obj):
    verdict = check(key, lambda *args: obj)
    assert not verdict.ok, (key, obj)              # no fuzzed object is the right answer
    assert verdict.message.strip()
