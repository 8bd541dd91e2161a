"""Скалярный автоматический дифференциатор (глава 4), в духе micrograd.

Каждое число ``Value`` помнит значение ``.data``, градиент ``.grad`` = ∂(результат)/∂(это число),
родителей ``._prev`` и операцию ``._op``, которой оно получено. Так выражение становится
вычислительным графом. ``backward()`` обходит граф от результата к листьям (в обратном
топологическом порядке) и в каждом узле применяет один множитель цепного правила:
градиент родителя += (локальная производная) · (градиент узла).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["Value", "draw_graph"]


class Value:
    """Число — узел вычислительного графа.

    Поддерживает ``+``, ``-``, ``*``, ``/``, ``**`` (показатель — число), а также ``exp``, ``log``, ``tanh``,
    ``sigmoid``, ``relu``. ``label`` — подпись узла на рисунке.
    """

    def __init__(self, data, _prev=(), _op: str = "", label: str = ""):
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise ValueError(f"Value: ожидалось действительное число, получено {data!r}")
        if not math.isfinite(data):
            where = f" (результат операции «{_op}»)" if _op else ""
            raise ValueError(
                f"Value: значение{where} {data} не конечно — float64 переполнился (наибольшее число ≈ 1,8·10^308)"
            )
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_prev)
        self._op = _op
        self.label = label
        self._backward = lambda: None

    @staticmethod
    def _wrap(other) -> Value:
        return other if isinstance(other, Value) else Value(other)

    # --- arithmetic ----------------------------------------------------------------
    def __add__(self, other):
        other = self._wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad          # ∂(a + b)/∂a = 1
            other.grad += out.grad         # ∂(a + b)/∂b = 1

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad   # ∂(ab)/∂a = b
            other.grad += self.data * out.grad   # ∂(ab)/∂b = a

        out._backward = _backward
        return out

    def __pow__(self, k):
        if isinstance(k, Value) or isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise ValueError("Value ** k: показатель k должен быть обычным числом")
        if self.data == 0 and k < 0:
            raise ValueError(f"Value ** {k}: нельзя возводить 0 в отрицательную степень")
        try:
            power = self.data ** k
        except OverflowError:
            raise ValueError(f"Value ** {k}: {self.data}^{k} не помещается в float64") from None
        out = Value(power, (self,), f"**{k:g}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad   # (a^k)′ = k a^{k−1}

        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-self._wrap(other))

    def __truediv__(self, other):
        return self * self._wrap(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return self._wrap(other) - self

    def __rtruediv__(self, other):
        return self._wrap(other) / self

    # --- functions -----------------------------------------------------------------
    def _unary(self, value: float, local_grad: float, op: str) -> Value:
        out = Value(value, (self,), op)

        def _backward():
            self.grad += local_grad * out.grad

        out._backward = _backward
        return out

    def exp(self):
        if self.data > 709.78:
            raise ValueError(
                f"Value.exp: e^{self.data} не помещается в float64 (наибольшее — e^709,78 ≈ 1,8·10^308)"
            )
        e = math.exp(self.data)
        return self._unary(e, e, "exp")                       # (e^a)′ = e^a

    def log(self):
        if self.data <= 0:
            raise ValueError(f"Value.log: логарифм определён для a > 0, получено a = {self.data}")
        return self._unary(math.log(self.data), 1.0 / self.data, "log")   # (ln a)′ = 1/a

    def tanh(self):
        t = math.tanh(self.data)
        return self._unary(t, 1.0 - t * t, "tanh")            # tanh′ = 1 − tanh²

    def sigmoid(self):
        a = self.data
        s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
        return self._unary(s, s * (1.0 - s), "σ")             # σ′ = σ(1 − σ)

    def relu(self):
        return self._unary(max(self.data, 0.0), float(self.data > 0), "ReLU")

    # --- graph -----------------------------------------------------------------------
    def nodes(self) -> list:
        """Все узлы графа в топологическом порядке (родители раньше детей, ``self`` последним)."""
        # iterative depth-first search: a long chain (a sum of thousands of terms) must not
        # hit Python's recursion limit
        order, seen, stack = [], {id(self)}, [(self, iter(self._prev))]
        while stack:
            v, parents = stack[-1]
            p = next(parents, None)
            if p is None:
                stack.pop()
                order.append(v)
            elif id(p) not in seen:
                seen.add(id(p))
                stack.append((p, iter(p._prev)))
        return order

    def backward(self) -> None:
        """Обратный проход: self.grad = 1, затем по узлам в обратном топологическом порядке.

        Градиенты листьев (чисел, заданных нами) **накапливаются** (+=), как в PyTorch: перед
        повторным вызовом обнулите их ``zero_grad()``. Промежуточные узлы обнуляются в начале
        каждого прохода, поэтому они хранят градиент именно этого прохода.
        """
        order = self.nodes()
        for v in order:
            if v._prev:
                v.grad = 0.0  # otherwise the old gradient would flow to the leaves a second time
        self.grad = 1.0
        for v in reversed(order):
            v._backward()

    def zero_grad(self) -> None:
        """Обнуляет ``.grad`` во всех узлах графа."""
        for v in self.nodes():
            v.grad = 0.0

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.4g}, grad={self.grad:.4g})"


def _layout(root: Value):
    """Depth of each node = longest path from a leaf; a leaf sits one column before its nearest
    consumer (so that a constant added late is drawn next to where it is used); nodes of one
    depth are spread vertically, ordered by the mean height of their consumers."""
    order = root.nodes()
    depth = {}
    for v in order:
        depth[id(v)] = 1 + max((depth[id(p)] for p in v._prev), default=-1)
    consumers: dict[int, list] = {}
    for v in order:
        for p in v._prev:
            consumers.setdefault(id(p), []).append(v)
    for v in order:
        if not v._prev and id(v) in consumers:
            depth[id(v)] = min(depth[id(c)] for c in consumers[id(v)]) - 1
    columns: dict[int, list] = {}
    for v in order:
        columns.setdefault(depth[id(v)], []).append(v)
    pos = {}
    for d in sorted(columns, reverse=True):
        col = columns[d]
        if d != max(columns):
            # keep each node near its consumers: sort by their mean height (stable)
            col.sort(key=lambda v: -np.mean([pos[id(c)][1] for c in consumers.get(id(v), [])] or [0.0]))
        for i, v in enumerate(col):
            pos[id(v)] = (d, (len(col) - 1) / 2 - i)
    return order, pos


def draw_graph(root: Value, ax=None, show_grad: bool = True, highlight=None, fontsize: float = 9):
    """Рисует вычислительный граф выражения ``root`` средствами matplotlib.

    Узел — прямоугольник «подпись | значение | градиент»; над стрелкой к узлу — операция,
    которой он получен. ``highlight`` — узел, который выделить цветом; ``fontsize`` — размер
    шрифта подписей. Возвращает оси.
    """
    import matplotlib.pyplot as plt

    order, pos = _layout(root)
    if ax is None:
        width = 2.6 * (1 + max(x for x, _ in pos.values()))
        height = 1.3 * (1 + max(abs(y) for _, y in pos.values()) * 2)
        _, ax = plt.subplots(figsize=(max(width, 4), max(height, 2)))
    for v in order:
        x, y = pos[id(v)]
        for p in v._prev:
            px, py = pos[id(p)]
            ax.annotate("", xy=(x - 0.38, y), xytext=(px + 0.38, py),
                        arrowprops=dict(arrowstyle="->", color="0.45", lw=1.2))
        text = (v.label + "\n" if v.label else "") + f"{v.data:.4g}"
        if show_grad:
            text += f"\n∇ {v.grad:.4g}"
        face = "#ffd89b" if v is highlight else ("#d9ecff" if not v._prev else "#e8f5e0")
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color="black",
                bbox=dict(boxstyle="round,pad=0.35", fc=face, ec="0.3"))
        if v._op:
            ax.text(x - 0.5, y + 0.22, v._op, ha="center", va="bottom", fontsize=fontsize + 1,
                    color="#b03030", fontweight="bold")
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.axis("off")
    return ax
