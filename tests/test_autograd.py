"""lib.autograd.Value: every operation's derivative, the graph it records, and its drawing."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from lib.autograd import Value, draw_graph  # noqa: E402

H = 1e-6

UNARY = {
    "exp": (lambda v: v.exp(), math.exp),
    "log": (lambda v: v.log(), math.log),
    "tanh": (lambda v: v.tanh(), math.tanh),
    "sigmoid": (lambda v: v.sigmoid(), lambda a: 1 / (1 + math.exp(-a))),
    "relu": (lambda v: v.relu(), lambda a: max(a, 0.0)),
    "pow3": (lambda v: v**3, lambda a: a**3),
    "pow-0.5": (lambda v: v**-0.5, lambda a: a**-0.5),
    "neg": (lambda v: -v, lambda a: -a),
    "rsub": (lambda v: 2 - v, lambda a: 2 - a),
    "rdiv": (lambda v: 2 / v, lambda a: 2 / a),
}


@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("a", [0.3, 1.7, 4.0])
def test_unary_derivatives_match_central_differences(name, a):
    op, f = UNARY[name]
    x = Value(a)
    y = op(x)
    y.backward()
    assert y.data == pytest.approx(f(a), rel=1e-14)
    numeric = (f(a + H) - f(a - H)) / (2 * H)
    assert x.grad == pytest.approx(numeric, rel=1e-7, abs=1e-9)


BINARY = {
    "+": (lambda a, b: a + b), "-": (lambda a, b: a - b),
    "*": (lambda a, b: a * b), "/": (lambda a, b: a / b),
}


@pytest.mark.parametrize("name", list(BINARY))
@pytest.mark.parametrize("a,b", [(0.5, -1.5), (2.0, 3.0)])
def test_binary_derivatives(name, a, b):
    f = BINARY[name]
    x, y = Value(a), Value(b)
    out = f(x, y)
    out.backward()
    assert out.data == pytest.approx(f(a, b), rel=1e-15)
    assert x.grad == pytest.approx((f(a + H, b) - f(a - H, b)) / (2 * H), rel=1e-7)
    assert y.grad == pytest.approx((f(a, b + H) - f(a, b - H)) / (2 * H), rel=1e-7)
    # numbers on either side are wrapped
    assert f(x, 2.0).data == pytest.approx(f(a, 2.0)) and f(2.0, y).data == pytest.approx(f(2.0, b))


def test_a_neuron_matches_its_hand_derivative_and_records_the_graph():
    x1, x2, w1, w2, b = (Value(v, label=n) for v, n in
                         ((2.0, "x1"), (-1.0, "x2"), (0.5, "w1"), (1.5, "w2"), (0.2, "b")))
    z = x1 * w1 + x2 * w2 + b
    z.label = "z"
    out = z.sigmoid()
    out.backward()
    s = 1 / (1 + math.exp(-z.data))
    assert out.data == pytest.approx(s)
    assert w1.grad == pytest.approx(s * (1 - s) * 2.0, rel=1e-14)
    assert w2.grad == pytest.approx(s * (1 - s) * -1.0, rel=1e-14)
    assert b.grad == pytest.approx(s * (1 - s), rel=1e-14)
    assert x1.grad == pytest.approx(s * (1 - s) * 0.5, rel=1e-14)
    assert out._op == "σ" and out._prev == (z,) and z._op == "+"
    assert {v._op for v in out.nodes()} == {"", "*", "+", "σ"}
    nodes = out.nodes()
    assert nodes[-1] is out and len(nodes) == 10   # 5 leaves, 2 products, 2 sums, sigmoid
    pos = {id(v): i for i, v in enumerate(nodes)}
    assert all(pos[id(p)] < pos[id(v)] for v in nodes for p in v._prev)   # topological order


def test_shared_node_gets_the_sum_of_its_paths_and_backward_accumulates():
    a = Value(3.0)
    y = a * a + a          # dy/da = 2a + 1 = 7
    y.backward()
    assert a.grad == 7.0
    y.backward()           # second call adds again to the leaves
    assert a.grad == 14.0
    y.zero_grad()
    assert all(v.grad == 0 for v in y.nodes())


def test_long_chain_does_not_hit_the_recursion_limit():
    a = Value(1.0)
    s = Value(0.0)
    for _ in range(5000):
        s = s + a
    s.backward()
    assert a.grad == 5000.0 and s.data == 5000.0


def test_value_errors():
    with pytest.raises(ValueError, match="ожидалось действительное число"):
        Value("1")
    with pytest.raises(ValueError, match="показатель k должен быть обычным числом"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match=r"логарифм определён для a > 0, получено a = -1\.0"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match="нельзя возводить 0 в отрицательную степень"):
        Value(1.0) / Value(0.0)


def test_sigmoid_is_stable_for_large_arguments():
    assert Value(-800.0).sigmoid().data == 0.0 and Value(800.0).sigmoid().data == 1.0
    assert "grad=" in repr(Value(1.0, label="a")) and repr(Value(1.0, label="a")).startswith("Value(a=1")


def test_draw_graph_draws_every_node_with_value_and_gradient():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    out = c.tanh()
    out.backward()
    fig, ax = plt.subplots()
    assert draw_graph(out, ax=ax, highlight=a) is ax
    texts = [t.get_text() for t in ax.texts]
    for v in out.nodes():
        assert any(f"{v.data:.4g}" in t and f"∇ {v.grad:.4g}" in t for t in texts)
    assert "*" in texts and "tanh" in texts
    colors = {t.get_bbox_patch().get_facecolor() for t in ax.texts if t.get_bbox_patch() is not None}
    assert len(colors) == 3          # leaves, operations and the highlighted node differ
    plt.close(fig)
    ax2 = draw_graph(out, show_grad=False)
    assert not any("∇" in t.get_text() for t in ax2.texts)
    plt.close(ax2.figure)
