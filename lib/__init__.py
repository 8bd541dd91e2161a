"""lib — библиотека курса «Основы нейронных сетей» на NumPy.

API похож на PyTorch, но обратный проход каждого слоя написан явно, чтобы его можно
было прочитать рядом с главой. Модули по темам:

* ``activations`` — функции активации и их производные (главы 1, 5);
* ``module``, ``layers``, ``nn`` — Parameter, Module, Linear, Sequential, активации-слои;
* ``losses`` — функции потерь (глава 6); ``dropout`` — Dropout (глава 7);
* ``optim`` — SGD (глава 3); ``data`` — батчи и наборы данных (главы 4, 8);
* ``autograd`` — скалярный граф вычислений (глава 4); ``gradcheck`` — конечные разности;
* ``training`` — схема обучения ``fit`` (глава 4);
* ``widgets`` — реестр панелей со слайдерами; ``homework`` — проверка заданий;
* ``quiz`` и ``quizzes`` — вопросы для самопроверки;
* ``chapters`` и ``figures`` — математика, опыты и рисунки каждой главы (модули с одинаковыми именами).
"""

from . import activations, autograd, data, gradcheck, losses, module, nn, optim, training
from ._validate import manual_seed

__all__ = [
    "activations",
    "autograd",
    "data",
    "gradcheck",
    "losses",
    "module",
    "nn",
    "optim",
    "training",
    "manual_seed",
]
