"""``Parameter`` и ``Module`` — основа всех слоёв (глава 4: обратное распространение).

Модуль умеет две вещи:

* ``module(x)`` — прямой проход (вызывает ``forward``);
* ``module.backward(grad_output)`` — обратный проход: получает ∂L/∂(выход модуля),
  **прибавляет** (+=) градиенты своих параметров к ``.grad`` и возвращает ∂L/∂(вход).

Полученный градиент модуль хранит в ``.grad_output``: так можно посмотреть, какой
градиент дошёл до каждого слоя (в PyTorch для промежуточных тензоров нужен
``retain_grad()`` или хук; ``.grad`` там хранится только у листьев — параметров).

Два правила, которые защищают от молчаливо неверных градиентов:

* **Один экземпляр — одно место в сети.** Модуль помнит то, что нужно его обратному
  проходу (вход, маску), от последнего вызова. Если один и тот же ``ReLU()`` или ``Linear``
  стоит в сети дважды, второй вызов затирает кэш первого, и градиент получается неверным.
  PyTorch такое разрешает (он строит граф на каждый вызов), ``lib`` — нет: ``Sequential`` и
  ``parameters()`` сообщают о повторе. Общие веса двух слоёв (один ``Parameter`` у двух
  разных ``Linear``) допустимы: кэши у слоёв свои, градиенты складываются, а
  ``parameters()`` перечисляет такой параметр один раз, как PyTorch.
* **NaN и inf не проходят молча.** Выход каждого модуля и градиент, пришедший в
  ``backward``, проверяются: нечисло — ошибка ``ValueError``, названная по слою.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Parameter", "Module"]


def _nonfinite_error(arr: np.ndarray, what: str, hint: str) -> ValueError:
    bad = ~np.isfinite(arr)
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    kinds = []
    if np.isnan(arr).any():
        kinds.append("NaN")
    if np.isinf(arr).any():
        kinds.append("inf")
    return ValueError(
        f"{what} содержит {'/'.join(kinds)}: {int(bad.sum())} значений из {arr.size} "
        f"(первое в позиции {first}: {arr[first]}). {hint}"
    )


_OUTPUT_HINT = (
    "Обычно так бывает, когда веса разошлись (слишком большой шаг lr) или вход слишком велик; "
    "проверьте вход и скорость обучения."
)


class Parameter:
    """Обучаемый параметр: значение ``.data`` и градиент ``.grad`` той же формы."""

    def __init__(self, data):
        self.data = np.array(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)

    @property
    def shape(self) -> tuple:
        return self.data.shape

    def zero_grad(self) -> None:
        """Обнуляет накопленный градиент."""
        self.grad = np.zeros_like(self.data)

    def __repr__(self) -> str:
        return f"Parameter(shape={self.data.shape})"


class Module:
    """Базовый класс слоя. Наследник определяет ``forward(x)`` и ``_backward(grad_output)``.

    Общие правила (как в ``torch.nn.Module``):

    * ``parameters()`` — все параметры модуля и его подмодулей, в порядке объявления;
    * ``zero_grad()`` — обнуляет их градиенты;
    * ``train()`` / ``eval()`` — режим обучения / применения для модуля и всех детей
      (влияет, например, на Dropout), флаг ``.training``;
    * ``backward`` до ``forward`` — ошибка ``RuntimeError``.
    """

    def __init__(self):
        self.training = True
        self.grad_output = None
        self._output_shape = None

    # --- forward -----------------------------------------------------------------
    def forward(self, x):
        raise NotImplementedError(f"{type(self).__name__}.forward не определён")

    #: NaN/inf in the output is reported by the module that produced it; a container (Sequential)
    #: returns its last layer's output, already checked there.
    _check_output = True
    #: the same for the gradient that comes into backward: a container hands it to its last layer
    #: unchanged, and that layer checks it.
    _check_grad = True
    #: set by Sequential for the duration of one call when the input is a checked output
    _input_checked = False
    #: the same for backward: the incoming gradient comes from a layer that keeps it finite
    _grad_checked = False
    #: True for a layer whose output is finite whenever its input is (ReLU, σ, tanh), and whose
    #: backward multiplies a finite gradient by a bounded factor: after a checked input (or
    #: gradient) there is nothing left to check
    _keeps_finite = False

    def __call__(self, x):
        out = self.forward(x)
        if (self._check_output and not (self._keeps_finite and self._input_checked)
                and isinstance(out, np.ndarray) and out.dtype.kind == "f" and not np.isfinite(out).all()):
            raise _nonfinite_error(out, f"выход слоя {type(self).__name__}", _OUTPUT_HINT)
        self._output_shape = np.shape(out)
        return out

    # --- backward ----------------------------------------------------------------
    def _backward(self, grad_output):
        raise NotImplementedError(f"{type(self).__name__}._backward не определён")

    def backward(self, grad_output):
        """Принимает ∂L/∂(выход), возвращает ∂L/∂(вход); градиенты параметров накапливает."""
        if self._output_shape is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward вызван до прямого прохода: "
                "сначала вычислите выход, вызвав модуль как функцию: out = layer(x)"
            )
        grad_output = np.asarray(grad_output, dtype=np.float64)
        if grad_output.shape != self._output_shape:
            raise ValueError(
                f"{type(self).__name__}.backward: градиент должен иметь форму выхода "
                f"{self._output_shape}, получена форма {grad_output.shape}"
            )
        if self._check_grad and not self._grad_checked and not np.isfinite(grad_output).all():
            raise _nonfinite_error(
                grad_output, f"{type(self).__name__}.backward: пришедший градиент",
                "Градиент разошёлся выше по сети (слишком большой шаг lr?) или потеря посчитана неверно.",
            )
        self.grad_output = grad_output
        return self._backward(grad_output)

    # --- tree of modules -----------------------------------------------------------
    def children(self):
        """Непосредственные подмодули, в порядке объявления."""
        for value in vars(self).values():
            if isinstance(value, Module):
                yield value
            elif isinstance(value, (list, tuple)):
                yield from (v for v in value if isinstance(v, Module))

    def named_parameters(self, prefix: str = ""):
        """Пары (имя, параметр), например ('0.W', Parameter(shape=(64, 128)))."""
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
            elif isinstance(value, Module):
                yield from value.named_parameters(prefix + name + ".")
            elif isinstance(value, (list, tuple)):
                for i, v in enumerate(value):
                    if isinstance(v, Module):
                        yield from v.named_parameters(f"{prefix}{i}.")

    def modules(self):
        """Сам модуль и все его подмодули (обход в глубину, в порядке объявления)."""
        yield self
        for child in self.children():
            yield from child.modules()

    def parameters(self):
        """Все обучаемые параметры (список), каждый один раз — даже если он общий у двух слоёв.

        Если один и тот же экземпляр модуля стоит в дереве дважды, это ошибка: его
        обратный проход помнит только последний вызов (см. описание модуля).
        """
        check_no_reuse(self)
        seen, out = set(), []
        for _, p in self.named_parameters():
            if id(p) not in seen:
                seen.add(id(p))
                out.append(p)
        return out

    def zero_grad(self) -> None:
        """Обнуляет градиенты всех параметров модуля и его подмодулей."""
        for p in self.parameters():
            p.zero_grad()

    def train(self, mode: bool = True):
        self.training = bool(mode)
        for child in self.children():
            child.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        kids = list(self.children())
        if not kids:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{type(self).__name__}("]
        for i, child in enumerate(kids):
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({i}): {body}")
        lines.append(")")
        return "\n".join(lines)


def check_no_reuse(root: Module) -> None:
    """Ошибка, если один экземпляр модуля встречается в дереве ``root`` больше одного раза."""
    where: dict[int, list[str]] = {}
    objects: dict[int, Module] = {}

    def walk(module: Module, path: str) -> None:
        where.setdefault(id(module), []).append(path)
        objects[id(module)] = module
        if len(where[id(module)]) > 1:
            return
        for name, value in vars(module).items():
            if isinstance(value, Module):
                walk(value, f"{path}.{name}" if path else name)
            elif isinstance(value, (list, tuple)):
                for i, v in enumerate(value):
                    if isinstance(v, Module):
                        walk(v, f"{path}.{i}" if path else str(i))

    walk(root, "")
    for key, paths in where.items():
        if len(paths) > 1:
            m = objects[key]
            shown = ", ".join(p or "(корень)" for p in paths)
            raise ValueError(
                f"модуль {type(m).__name__} встречается в сети {len(paths)} раза (позиции {shown}). "
                "В lib у каждого слоя один кэш для обратного прохода, и второй вызов затёр бы "
                f"первый — градиенты вышли бы неверными. Создайте отдельный {type(m).__name__}(...) "
                "для каждой позиции (общие веса задаются общим Parameter у разных слоёв)."
            )
