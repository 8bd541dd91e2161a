"""``lib.nn`` — всё для построения сети в одном месте, как ``torch.nn``.

Сами классы живут в модулях по темам: ``module`` (Parameter, Module), ``layers``
(Linear, Sigmoid, Tanh, ReLU, Sequential), ``dropout`` (Dropout), ``losses`` (функции потерь).
"""

from .dropout import Dropout
from .layers import Linear, ReLU, Sequential, Sigmoid, Tanh
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MAELoss, MSELoss
from .module import Module, Parameter

__all__ = [
    "Parameter",
    "Module",
    "Linear",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "Sequential",
    "Dropout",
    "MSELoss",
    "MAELoss",
    "L1Loss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
]
