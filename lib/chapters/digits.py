"""Собираем всё вместе: рукописные цифры (глава 8).

Весь курс на одном настоящем наборе данных — 1797 картинок 8×8 из scikit-learn
(``lib.data.load_digits_split``). Модель — многослойный перцептрон

    z₁ = xW₁ + b₁,  a₁ = ReLU(z₁),  ã₁ = Dropout_p(a₁),  z = ã₁W₂ + b₂ ∈ R^K,  K = 10,

где x ∈ R^64 — строка яркостей в [0, 1], W₁ ∈ R^{64×H}, W₂ ∈ R^{H×10}. Потеря —
кросс-энтропия на логитах z, обучение — мини-батчи и SGD с импульсом (``lib.training.fit``),
гиперпараметры выбираются по валидации. Здесь же — точность и матрица ошибок; отладочные
проверки — в ``lib.chapters.digits_debug``, рисунки и панель — в ``lib.figures.digits``.
"""

from __future__ import annotations

import contextlib
import functools
import numbers
import time
from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array, as_generator, check_ndim, check_positive_int
from ..activations import log_softmax
from ..data import load_digits_split
from ..dropout import Dropout
from ..layers import Linear, ReLU, Sequential
from ..losses import CrossEntropyLoss
from ..optim import SGD
from ..training import History, fit

__all__ = ["N_FEATURES", "N_CLASSES", "digits_data", "build_model", "count_parameters",
           "TrainResult", "single_thread_blas", "train_digits", "train_cached", "select_hyperparameters",
           "per_object_loss", "accuracy_standard_error", "predict", "accuracy_from_labels",
           "confusion_matrix", "misclassified", "confused_pairs"]

#: d — число признаков (пикселей 8×8).
N_FEATURES = 64
#: K — число классов (цифры 0…9).
N_CLASSES = 10


# --- data ----------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _split(seed: int) -> dict:
    data = load_digits_split(val_size=0.2, test_size=0.2, seed=seed)
    for arr in data.values():
        arr.setflags(write=False)  # shared between calls: protect from accidental edits
    return data


def digits_data(seed: int = 0) -> dict:
    """Разбиение цифр на обучение/валидацию/тест (60/20/20 %, стратифицированное, зерно ``seed``).

    Возвращает словарь ``lib.data.load_digits_split``: X_train (n, 64), y_train (n,), X_val,
    y_val, X_test, y_test, images_train (n, 8, 8), … Массивы только для чтения: разбиение
    кешируется и переиспользуется (загрузка scikit-learn занимает около секунды).
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"digits_data: зерно seed должно быть целым числом, получено {seed!r}")
    return _split(int(seed))


# --- model -----------------------------------------------------------------------------

def _check_p(p) -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not (0.0 <= p < 1.0):
        raise ValueError(f"вероятность dropout p должна лежать в [0, 1), получено p = {p!r}")
    return float(p)


def build_model(hidden: int = 128, p: float = 0.2, rng=0) -> Sequential:
    """Перцептрон с одним скрытым слоем: Linear(64, H) → ReLU → Dropout(p) → Linear(H, 10).

    z₁ = xW₁ + b₁ (W₁: 64×H), a₁ = ReLU(z₁), ã₁ = Dropout_p(a₁), z = ã₁W₂ + b₂ (W₂: H×10).
    hidden: H — число нейронов скрытого слоя; ``hidden=0`` — без скрытого слоя, то есть
    softmax-регрессия z = xW + b (W: 64×10), тогда нужно p = 0 (dropout ставить некуда);
    p: вероятность dropout, 0 ≤ p < 1; rng: зерно или ``np.random.Generator`` (начальные
    веса и маски dropout). Выход — логиты z формы (n, 10); softmax применяет функция потерь.
    """
    p = _check_p(p)
    gen = as_generator(rng)
    if hidden == 0 and not isinstance(hidden, bool):
        if p:
            raise ValueError(f"build_model: при hidden = 0 (softmax-регрессия) dropout ставить некуда, "
                             f"нужно p = 0, получено p = {p}")
        return Sequential(Linear(N_FEATURES, N_CLASSES, rng=gen))
    hidden = check_positive_int(hidden, "hidden (H)")
    return Sequential(
        Linear(N_FEATURES, hidden, rng=gen),
        ReLU(),
        Dropout(p, rng=gen),
        Linear(hidden, N_CLASSES, rng=gen),
    )


def count_parameters(model) -> int:
    """Число обучаемых чисел модели: Σ по параметрам их размеров (для build_model — 75H + 10)."""
    return int(sum(param.data.size for param in model.parameters()))


@dataclass
class TrainResult:
    """Итог обучения: модель (в режиме eval), история по эпохам (потеря и точность на обучении
    и валидации) и время обучения в секундах. Тестовую выборку обучение не трогает."""

    model: Sequential
    history: History
    seconds: float


def single_thread_blas():
    """Контекст «одна нить BLAS»: матрицы здесь крошечные (32×64 на 64×H), и на занятой машине
    лишние нити BLAS только ждут; на одной нити обучение идёт в несколько раз быстрее."""
    try:
        from threadpoolctl import threadpool_limits  # installed with scikit-learn
    except ImportError:  # pragma: no cover - scikit-learn is required for the data anyway
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def train_digits(hidden: int = 128, p: float = 0.2, lr: float = 0.1, epochs: int = 40,
                 batch_size: int = 32, momentum: float = 0.9, seed: int = 0,
                 data: dict | None = None) -> TrainResult:
    """Обучает ``build_model(hidden, p)`` на цифрах и возвращает ``TrainResult``.

    Схема — ``lib.training.fit``: мини-батчи размера |B| = ``batch_size`` в случайном порядке,
    кросс-энтропия, SGD с импульсом β = ``momentum`` и шагом η = ``lr``:
    v_t = β v_{t−1} + ∇L_{B_t}(θ_{t−1}), θ_t = θ_{t−1} − η v_t.
    Один генератор ``default_rng(seed)`` задаёт и начальные веса, и маски dropout, и порядок
    батчей, поэтому при одном ``seed`` результат воспроизводится до бита. После каждой эпохи
    история хранит потерю и точность на обучении и валидации (в режиме eval). Тест не трогается.
    """
    if data is None:
        data = digits_data(0)
    epochs = check_positive_int(epochs, "epochs")
    gen = np.random.default_rng(seed)
    model = build_model(hidden, p, rng=gen)
    loss_fn = CrossEntropyLoss()
    optimizer = SGD(model.parameters(), lr=lr, momentum=momentum)
    with single_thread_blas():
        start = time.perf_counter()
        try:
            history = fit(model, loss_fn, optimizer, data["X_train"], data["y_train"], epochs=epochs,
                          batch_size=batch_size, rng=gen, X_val=data["X_val"], y_val=data["y_val"])
        except ValueError as exc:  # activations became inf/NaN: the step η was too large
            raise ValueError(f"train_digits: обучение разошлось при η = {lr}: {exc}") from exc
        seconds = time.perf_counter() - start
    model.eval()
    return TrainResult(model, history, seconds)


@functools.lru_cache(maxsize=64)
def _train_cached(hidden: int, p: float, lr: float, epochs: int, seed: int) -> TrainResult:
    return train_digits(hidden=hidden, p=p, lr=lr, epochs=epochs, seed=seed)


def train_cached(hidden: int, p: float, lr: float, epochs: int = 15, seed: int = 0) -> TrainResult:
    """``train_digits(hidden, p, lr, epochs, seed=seed)`` (импульс 0,9, батчи по 32), с памятью.

    Результат детерминирован, поэтому запоминается: перебор гиперпараметров, панель
    «обучить заново» и проверки в главе не обучают одну и ту же сеть дважды (как бы ни были
    переданы аргументы — по позиции или по имени). Не меняйте возвращённую модель.
    """
    return _train_cached(int(hidden), float(p), float(lr), int(epochs), int(seed))


def select_hyperparameters(hiddens, ps, lrs, epochs: int = 15, seed: int = 0) -> list:
    """Перебор по сетке H × p × η, выбор — **только по валидации**.

    Для каждого сочетания обучает сеть ``epochs`` эпох (``train_cached``) и записывает
    наименьшую потерю на валидации по эпохам, номер этой эпохи (с 1) и точность на валидации
    в ней. Возвращает список словарей {hidden, p, lr, best_epoch, val_loss, val_acc},
    отсортированный по val_loss (первый — выбранный). H = 0 (softmax-регрессия) берётся
    только с p = 0. Тестовая выборка не используется.
    """
    rows = []
    for hidden in hiddens:
        for p in ps:
            if hidden == 0 and p:
                continue
            for lr in lrs:
                h = train_cached(int(hidden), float(p), float(lr), epochs, seed).history
                best = int(np.argmin(h["val_loss"]))
                rows.append({"hidden": int(hidden), "p": float(p), "lr": float(lr), "best_epoch": best + 1,
                             "val_loss": float(h["val_loss"][best]), "val_acc": float(h["val_acc"][best])})
    return sorted(rows, key=lambda row: row["val_loss"])


def per_object_loss(logits, y) -> np.ndarray:
    """Потери на объектах L_i = −log softmax(z_i)_{y_i}: форма (n,); их среднее — кросс-энтропия L.

    logits: (n, K), y: целые метки (n,). L_i велика, если сеть уверенно ошиблась.
    """
    logits = check_ndim(as_float_array(logits, "logits"), 2, "logits", "(n, K)")
    y = _check_labels(y, "y", logits.shape[1])
    if len(y) != len(logits):
        raise ValueError(f"per_object_loss: {len(logits)} строк логитов, но {len(y)} меток")
    return -log_softmax(logits, axis=1)[np.arange(len(y)), y]


def accuracy_standard_error(acc: float, n: int) -> float:
    """Стандартная ошибка доли верных ответов на n независимых объектах: √(a(1 − a)/n)."""
    n = check_positive_int(n, "n")
    if not 0.0 <= acc <= 1.0:
        raise ValueError(f"accuracy_standard_error: точность должна лежать в [0, 1], получено {acc!r}")
    return float(np.sqrt(acc * (1.0 - acc) / n))


def predict(model, X) -> np.ndarray:
    """Предсказанные классы: argmax логитов по оси классов (в режиме eval, без dropout).

    X: (n, 64) → метки формы (n,). Режим модели после вызова восстанавливается.
    """
    was_training = model.training
    model.eval()
    logits = model(X)
    model.train(was_training)
    return np.argmax(logits, axis=1)


# --- metrics ---------------------------------------------------------------------------

def _check_labels(y, name: str, classes: int) -> np.ndarray:
    arr = np.asarray(y)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name}: ожидались целые метки классов, получен dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name}: ожидался массив формы (n,), получен массив формы {arr.shape}")
    if arr.size and (arr.min() < 0 or arr.max() >= classes):
        raise ValueError(f"{name}: метки должны лежать в [0, {classes}), "
                         f"получены значения от {arr.min()} до {arr.max()}")
    return arr


def accuracy_from_labels(y_true, y_pred) -> float:
    """Точность: доля объектов, где ŷ_i = y_i. Формы (n,) и (n,)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"accuracy_from_labels: ожидались две метки формы (n,), "
                         f"получены {y_true.shape} и {y_pred.shape}")
    if y_true.size == 0:
        raise ValueError("accuracy_from_labels: пустая выборка — точность не определена")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, classes: int = N_CLASSES) -> np.ndarray:
    """Матрица ошибок C формы (K, K): C[k, l] — сколько объектов класса k сеть отнесла к классу l.

    Строки — правильные классы, столбцы — ответы сети (как в scikit-learn). Сумма строки k —
    число объектов класса k, след C — число верных ответов, сумма всех элементов — n.
    """
    classes = check_positive_int(classes, "classes (K)")
    y_true = _check_labels(y_true, "y_true", classes)
    y_pred = _check_labels(y_pred, "y_pred", classes)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"confusion_matrix: у y_true и y_pred разная длина: "
                         f"{y_true.shape} и {y_pred.shape}")
    C = np.zeros((classes, classes), dtype=int)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def misclassified(y_true, y_pred) -> np.ndarray:
    """Индексы объектов, где сеть ошиблась (ŷ_i ≠ y_i), по возрастанию."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"misclassified: формы меток не совпадают: {y_true.shape} и {y_pred.shape}")
    return np.flatnonzero(y_true != y_pred)


def confused_pairs(C, top: int = 3) -> list:
    """Самые частые ошибки: список (истинный класс, ответ сети, сколько раз) по убыванию.

    Берутся только внедиагональные ненулевые элементы матрицы ошибок C (K, K).
    """
    C = np.asarray(C)
    if C.ndim != 2 or C.shape[0] != C.shape[1]:
        raise ValueError(f"confused_pairs: ожидалась квадратная матрица (K, K), получена форма {C.shape}")
    off = C.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(-off, axis=None, kind="stable")[: check_positive_int(top, "top")]
    pairs = [(int(i), int(j), int(off[i, j])) for i, j in zip(*np.unravel_index(order, C.shape))]
    return [pair for pair in pairs if pair[2] > 0]
