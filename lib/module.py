"""``Parameter`` и ``Module`` — основа всех слоёв (глава 4: обратное распространение).

Модуль умеет две вещи:

* ``module(x)`` — прямой проход (вызывает ``forward``);
* ``module.backward(grad_output)`` — обратный проход: получает ∂L/∂(выход модуля),
  **прибавляет** (+=) градиенты своих параметров к ``.grad`` и возвращает ∂L/∂(вход).

Полученный градиент модуль хранит в ``.grad_output``: так можно посмотреть, какой
градиент дошёл до каждого слоя (в PyTorch для промежуточных тензоров нужен
``retain_grad()`` или хук; ``.grad`` там хранится только у листьев — параметров).
"""

from __future__ import annotations

import numpy as np

__all__ = ["Parameter", "Module"]


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

    def __call__(self, x):
        out = self.forward(x)
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

    def parameters(self):
        """Все обучаемые параметры (список)."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
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
