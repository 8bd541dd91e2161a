"""Отладка обучения (глава 8): проверки, которые делают до и во время долгого обучения.

* начальная потеря ≈ ln K (``lib.chapters.digits.per_object_loss``);
* сеть должна запомнить один батч (цикл обучения в главе);
* перебор шага η на коротком обучении (``lr_sweep``);
* нормы градиентов по слоям и отношение шага к весам (``gradient_norms``);
* доля «мёртвых» нейронов ReLU (``dead_relu_share``);
* классические ошибки в цикле обучения (``train_with_bug``): softmax перед
  ``CrossEntropyLoss``, забытый ``zero_grad()``, забытый ``eval()``.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_positive_int
from ..data import batches
from ..layers import Linear, ReLU, Sequential
from ..losses import CrossEntropyLoss
from ..module import Module
from ..optim import SGD
from ..training import History, accuracy
from .digits import build_model, digits_data, single_thread_blas, train_digits

__all__ = ["Softmax", "BUGS", "train_with_bug", "lr_sweep", "gradient_norms", "dead_relu_share"]


class Softmax(Module):
    """Слой softmax по строкам: a_ik = e^{z_ik} / Σ_j e^{z_ij}; вход и выход формы (n, K).

    Обратный проход (произведение на якобиан softmax): ∂L/∂z_i = a_i ⊙ (g_i − ⟨g_i, a_i⟩),
    где g_i = ∂L/∂a_i. В главе 8 он нужен как пример ошибки: ``CrossEntropyLoss`` сам
    применяет softmax к логитам, и слой Softmax перед ним применяет его второй раз.
    """

    def forward(self, x):
        x = as_float_array(x, "x")
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self._a = e / e.sum(axis=1, keepdims=True)
        return self._a

    def _backward(self, grad_output):
        a = self._a
        return a * (grad_output - np.sum(grad_output * a, axis=1, keepdims=True))


#: Ошибки, которые показывает ``train_with_bug``: ключ — что именно сделано не так.
BUGS = {
    None: "ошибок нет: цикл обучения как в lib.training.fit",
    "softmax": "в модели слой Softmax перед CrossEntropyLoss (softmax применён дважды)",
    "no_zero_grad": "забыт optimizer.zero_grad(): в .grad складываются градиенты всех прошлых батчей",
    "no_eval": "забыт model.eval(): обучение и валидация оцениваются с включённым dropout",
}


def train_with_bug(bug=None, hidden: int = 64, p: float = 0.2, lr: float = 0.1, epochs: int = 5,
                   momentum: float = 0.9, batch_size: int = 32, seed: int = 0, data: dict | None = None) -> History:
    """Цикл обучения главы 8 с одной намеренной ошибкой ``bug`` (ключ ``BUGS``).

    Цикл тот же, что у ``lib.training.fit``: для каждого батча прямой проход, потеря,
    ``zero_grad()``, обратный проход, ``step()``; после эпохи — потеря и точность на всей
    обучающей и на валидационной выборке. При ``bug=None`` история совпадает до бита
    с ``train_digits(hidden, p, lr, epochs, batch_size, momentum, seed).history``.
    Если обучение разошлось (NaN/inf), история обрывается, а ключ ``'diverged'`` хранит
    номер эпохи (с 1), на которой это случилось.
    """
    if bug not in BUGS:
        raise ValueError(f"train_with_bug: неизвестная ошибка {bug!r}; известны: {list(BUGS)}")
    data = digits_data(0) if data is None else data
    epochs = check_positive_int(epochs, "epochs")
    gen = np.random.default_rng(seed)
    model = build_model(hidden, p, rng=gen)
    if bug == "softmax":
        model = Sequential(*model, Softmax())
    loss_fn = CrossEntropyLoss()
    optimizer = SGD(model.parameters(), lr=lr, momentum=momentum)
    history = History(train_loss=[], val_loss=[], train_acc=[], val_acc=[])
    with single_thread_blas():
        for epoch in range(1, epochs + 1):
            try:
                model.train()
                for X_batch, y_batch in batches(data["X_train"], data["y_train"], batch_size, rng=gen):
                    loss_fn(model(X_batch), y_batch)
                    if bug != "no_zero_grad":
                        optimizer.zero_grad()
                    model.backward(loss_fn.backward())
                    optimizer.step()
                if bug != "no_eval":
                    model.eval()
                for split in ("train", "val"):
                    logits = model(data[f"X_{split}"])
                    history[f"{split}_loss"].append(loss_fn(logits, data[f"y_{split}"]))
                    history[f"{split}_acc"].append(accuracy(loss_fn, logits, data[f"y_{split}"]))
            except ValueError:  # NaN/inf in the activations or gradients: training diverged
                history["diverged"] = [epoch]
                break
    return history


def lr_sweep(lrs, hidden: int = 128, p: float = 0.2, epochs: int = 2, momentum: float = 0.9,
             seed: int = 0) -> np.ndarray:
    """Потеря на обучающей выборке после ``epochs`` эпох для каждого шага η из ``lrs``.

    Короткое обучение ``train_digits`` при одном зерне; если обучение разошлось (NaN/inf),
    вместо потери стоит inf. Возвращает массив формы (len(lrs),).
    """
    out = []
    for lr in lrs:
        try:
            out.append(train_digits(hidden, p, float(lr), epochs=epochs, momentum=momentum,
                                    seed=seed).history["train_loss"][-1])
        except ValueError:
            out.append(np.inf)
    return np.array(out, dtype=float)


def gradient_norms(model, X, y) -> dict:
    """Нормы градиентов весов по слоям: {номер слоя: (‖∂L/∂W_ℓ‖, ‖W_ℓ‖)} для каждого Linear.

    Один прямой и обратный проход по (X, y) с кросс-энтропией в текущем режиме модели;
    нормы — фробениусовы. Накопленные до вызова градиенты модели обнуляются.
    """
    loss_fn = CrossEntropyLoss()
    loss_fn(model(X), y)
    model.zero_grad()
    model.backward(loss_fn.backward())
    return {i: (float(np.linalg.norm(m.W.grad)), float(np.linalg.norm(m.W.data)))
            for i, m in enumerate(model) if isinstance(m, Linear)}


def dead_relu_share(model, X) -> float:
    """Доля «мёртвых» нейронов первого ReLU: тех h, у кого z₁ₕ = (xW₁ + b₁)ₕ ≤ 0 на всех объектах X.

    Такой нейрон выдаёт 0 на всей выборке, и градиент его весов W₁ и b₁ равен нулю: шаг
    спуска его не сдвинет. Модель — ``build_model`` (Linear → ReLU → …).
    """
    if len(model) < 2 or not (isinstance(model[0], Linear) and isinstance(model[1], ReLU)):
        raise ValueError("dead_relu_share: ожидалась модель вида Linear → ReLU → … (build_model с H > 0)")
    first = model[0]
    z1 = as_float_array(X, "X") @ first.W.data + first.b.data
    return float(np.mean(np.all(z1 <= 0, axis=0)))
