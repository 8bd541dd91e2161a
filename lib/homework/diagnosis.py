"""Диагностика неверного ответа: что именно отличается от эталона и как.

Общий слой для всех заданий. Он вызывается, когда ответ студента не совпал ни с эталоном, ни с
одной из типичных ошибок задания, и называет по-русски первое, что отличается:

* какое из возвращаемых значений (по его имени в задании, например «db»);
* тип (кортеж, список, массив, число) или тип элементов (dtype);
* форма — с ожидаемой формой, и «транспонировано», если это транспонированный ответ;
* постоянный множитель (n — «сумма вместо среднего», 2, −1 — «знак») или постоянная добавка;
* NaN и inf там, где верный ответ конечен;
* иначе — первый неверный элемент и доля неверных элементов.

Исключение из кода студента объясняется по-русски (обычная причина) с его строкой кода.
Ни одна функция этого модуля не бросает исключений, что бы ни вернул студент.
"""

from __future__ import annotations

import linecache
import numbers
import os
import traceback

import numpy as np

__all__ = ["Raised", "kind_of", "short", "same", "describe", "explain_exception"]

_HERE = os.path.dirname(os.path.abspath(__file__))
_NUMPY = os.path.dirname(os.path.abspath(np.__file__))


class Raised:
    """Итог вызова, бросившего исключение: тип исключения, его текст и строка кода студента."""

    def __init__(self, exc: BaseException):
        self.type = type(exc)
        self.exc = exc
        self.message = str(exc)
        self.text = f"{type(exc).__name__}: {exc}"
        self.line = _student_line(exc)


def _student_line(exc: BaseException) -> str | None:
    """The deepest line of the traceback outside NumPy and lib/homework: the student's code."""
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except Exception:  # noqa: BLE001 — never fail while reporting a failure
        return None
    for fr in reversed(frames):
        path = os.path.abspath(fr.filename) if fr.filename and not fr.filename.startswith("<") else fr.filename
        if path.startswith(_NUMPY) or path.startswith(_HERE):
            continue
        code = fr.line or linecache.getline(fr.filename, fr.lineno).strip()
        if code:
            return f"строка {fr.lineno}: {code.strip()}"
    return None


# --- what kind of object the student returned ---------------------------------------------------

def kind_of(x) -> str:
    """Название вида объекта по-русски: «кортеж из 2 значений», «массив NumPy формы (3,)», …"""
    if x is None:
        return "None"
    if isinstance(x, Raised):
        return f"исключение {x.text}"
    if isinstance(x, bool) or isinstance(x, np.bool_):
        return f"логическое значение {x}"
    if isinstance(x, tuple):
        return f"кортеж из {len(x)} значений"
    if isinstance(x, list):
        return f"список (list) из {len(x)} элементов"
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return f"число в массиве 0-й размерности ({x.dtype})"
        return f"массив NumPy формы {x.shape} с элементами {x.dtype}"
    if isinstance(x, numbers.Number):
        return f"число типа {type(x).__name__}"
    if isinstance(x, dict):
        return "словарь (dict)"
    if isinstance(x, str):
        return "строка (str)"
    return f"объект типа {type(x).__name__}"


def short(x) -> str:
    """Короткая запись значения для сообщения (исключений не бросает)."""
    try:
        if isinstance(x, Raised):
            return f"исключение {x.text}"
        if isinstance(x, tuple):
            return "(" + ", ".join(short(v) for v in x) + ")"
        if x is None:
            return "None"
        if isinstance(x, np.ndarray) or isinstance(x, numbers.Number):
            arr = np.asarray(x)
            if arr.dtype.kind in "biufc":
                text = np.array2string(arr, precision=4, threshold=12, edgeitems=2)
                return f"{text} (форма {arr.shape})" if arr.ndim else text
        text = repr(x)
        return text if len(text) <= 80 else text[:77] + "…"
    except Exception:  # noqa: BLE001
        return f"<{type(x).__name__}>"


def _is_scalar(x) -> bool:
    return (isinstance(x, numbers.Number) and not isinstance(x, (bool, np.bool_))) or (
        isinstance(x, np.ndarray) and x.ndim == 0)


def _numeric(x) -> np.ndarray | None:
    """x as a real numeric array if it is a NumPy array or a number, else None."""
    if isinstance(x, (bool, np.bool_)):
        return np.asarray(x)
    if isinstance(x, np.ndarray) or isinstance(x, numbers.Number):
        arr = np.asarray(x)
        return arr if arr.dtype.kind in "biuf" else None
    return None


def same(expected, got, rtol: float, atol: float) -> bool:
    """Совпадает ли ответ студента с эталоном: тот же вид, форма, тип элементов (dtype) и значения с допуском."""
    try:
        return _same(expected, got, rtol, atol)
    except Exception:  # noqa: BLE001
        return False


def _same(e, g, rtol, atol) -> bool:
    if isinstance(e, Raised) or isinstance(g, Raised):
        # the same exception with the same text: "overflow encountered in exp" from a naive formula
        return isinstance(e, Raised) and isinstance(g, Raised) and e.type is g.type and e.message == g.message
    if isinstance(e, tuple):
        return (isinstance(g, tuple) and len(g) == len(e)
                and all(_same(a, b, rtol, atol) for a, b in zip(e, g)))
    if e is None:
        return g is None
    if _type_problem(e, g) is not None:
        return False
    ea, ga = _numeric(e), _numeric(g)
    if ea is None or ga is None or ea.shape != ga.shape:
        return False
    if ea.dtype.kind == "b":
        return bool(np.array_equal(ea, ga))
    return bool(np.allclose(ga.astype(float), ea.astype(float), rtol=rtol, atol=atol, equal_nan=True))


def _type_problem(e, g) -> str | None:
    """Why g is not of the kind of e (a Russian sentence), or None if the kinds agree."""
    if g is None:
        return "функция вернула None — не забыли return?"
    if _is_scalar(e):
        if _is_scalar(g):
            return _dtype_problem(np.asarray(e), np.asarray(g))
        if isinstance(g, np.ndarray):
            return (f"ожидалось одно число, а получен {kind_of(g)}: не потеряна ли сумма или "
                    "среднее (np.sum, np.mean) либо .item()?")
        return f"ожидалось число, а получен {kind_of(g)}"
    if isinstance(e, np.ndarray):
        if isinstance(g, np.ndarray) and g.ndim > 0:
            if g.dtype.kind not in "biuf":
                return f"ожидался массив чисел, а у массива элементы {g.dtype}"
            return _dtype_problem(e, g)
        if isinstance(g, list):
            return (f"ожидался массив NumPy формы {e.shape}, а получен {kind_of(g)}: "
                    "оберните результат в np.array(...) или считайте операциями NumPy")
        if _is_scalar(g):
            return (f"ожидался массив формы {e.shape}, а получено одно число: не просуммировано ли "
                    "лишнее (sum или mean без axis)?")
        return f"ожидался массив NumPy формы {e.shape}, а получен {kind_of(g)}"
    if isinstance(e, (bool, np.bool_)):
        return None if isinstance(g, (bool, np.bool_)) else f"ожидалось True или False, получен {kind_of(g)}"
    return None


def _dtype_problem(e: np.ndarray, g: np.ndarray) -> str | None:
    if g.dtype.kind == "c":
        return "в ответе комплексные числа — где-то корень или логарифм отрицательного числа"
    if e.dtype.kind in "iu" and g.dtype.kind not in "iu":
        return (f"ожидались целые числа (dtype {e.dtype}), а получен dtype {g.dtype}: это количества, "
                "заведите массив как np.zeros(..., dtype=int)")
    if e.dtype.kind == "b" and g.dtype.kind != "b":
        return f"ожидались логические значения (dtype bool), а получен dtype {g.dtype}"
    return None


# --- how two numeric answers differ ---------------------------------------------------------------

def _factor_words(c: float, sizes: set[int]) -> str:
    if abs(c + 1) < 1e-6:
        return "перепутан знак: ответ равен верному, умноженному на −1"
    for n in sorted(sizes, reverse=True):
        if n > 2 and abs(c - n) < 1e-6 * n:
            return (f"ответ в {n} раз больше верного, а {n} — число объектов (строк) на этом входе: "
                    "сумма вместо среднего (не хватает деления на n)?")
        if n > 2 and abs(c * n - 1) < 1e-6:
            return (f"ответ в {n} раз меньше верного, а {n} — число объектов (строк) на этом входе: "
                    "лишнее деление на n (среднее вместо суммы)?")
    if abs(c - 2) < 1e-6:
        return "ответ ровно в 2 раза больше верного: лишний множитель 2?"
    if abs(c - 0.5) < 1e-6:
        return "ответ ровно в 2 раза меньше верного: потерян множитель 2?"
    if abs(c) < 1e-12:
        return "ответ — нули, а верный ответ не нулевой"
    return f"ответ отличается от верного постоянным множителем {c:.6g}"


def _sizes(args) -> set[int]:
    sizes = set()
    for a in args or ():
        if isinstance(a, np.ndarray):
            sizes.update(int(s) for s in a.shape)
    return sizes


def _values_differ(e: np.ndarray, g: np.ndarray, rtol, atol, args) -> str:
    e = e.astype(float)
    g = g.astype(float)
    bad_g = ~np.isfinite(g)
    if np.any(bad_g & np.isfinite(e)):
        idx = np.argwhere(bad_g & np.isfinite(e))
        where = f" (первый — элемент {tuple(int(i) for i in idx[0])})" if g.ndim else ""
        what = "NaN" if np.any(np.isnan(g)) else "inf"
        return (f"в ответе {what} в {len(idx)} из {g.size} элементов{where}, хотя верный ответ конечен: "
                "переполнение экспоненты, 0/0 или log(0)? Нужна устойчивая формула")
    finite = np.isfinite(e) & np.isfinite(g)
    ef, gf = e[finite], g[finite]
    if ef.size and np.any(ef != 0):
        c = float(np.dot(gf, ef) / np.dot(ef, ef))
        if np.allclose(gf, c * ef, rtol=rtol, atol=atol) and not np.isclose(c, 1.0, rtol=1e-6):
            words = _factor_words(c, _sizes(args))
            # for a single number any answer is "a factor": name only the telling ones
            if ef.size >= 2 or not words.startswith("ответ отличается"):
                return words
    if ef.size > 1 or (ef.size == 1 and g.ndim > 0):
        d = gf - ef
        shift = float(np.mean(d))
        tol = max(atol, rtol * float(np.max(np.abs(ef))))
        if np.allclose(d, shift, rtol=0, atol=tol) and abs(shift) > 10 * tol:
            return f"все элементы ответа сдвинуты на одну и ту же постоянную {shift:+.6g}"
    if g.ndim == 0:
        return f"ожидалось {short(e)}, получено {short(g)}"
    wrong = ~np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    idx = tuple(int(i) for i in np.argwhere(wrong)[0])
    return (f"неверны {int(wrong.sum())} из {g.size} элементов; первый — элемент {idx}: "
            f"ожидалось {e[idx]:.6g}, получено {g[idx]:.6g}")


def _shape_differs(e: np.ndarray, g: np.ndarray, rtol, atol) -> str:
    text = f"неверная форма: ожидалась {e.shape}, получена {g.shape}"
    if e.ndim == 2 and g.shape == e.shape[::-1]:
        try:
            if np.allclose(g.T.astype(float), e.astype(float), rtol=rtol, atol=atol):
                return text + " — это транспонированный верный ответ (уберите или добавьте .T)"
        except Exception:  # noqa: BLE001
            pass
        return text + " — транспонированная форма: проверьте порядок множителей и .T"
    if e.ndim == 1 and g.ndim == 1:
        return text + ": не по той ли оси суммирование или усреднение? axis=0 идёт по объектам (строкам)"
    if g.ndim > e.ndim:
        return text + ": не хватает суммы или среднего по какой-то оси?"
    if g.ndim < e.ndim:
        return text + ": не просуммировано ли по лишней оси?"
    return text


def describe(expected, got, rtol: float, atol: float, names=(), args=()) -> str:
    """Первое, чем ответ студента отличается от эталона, — фраза по-русски."""
    try:
        return _describe(expected, got, rtol, atol, tuple(names), args)
    except Exception:  # noqa: BLE001 — the report itself must never crash
        return f"ожидалось {short(expected)}, получено {short(got)}"


def _describe(e, g, rtol, atol, names, args) -> str:
    if isinstance(g, Raised):
        return explain_exception(g)
    if isinstance(e, Raised):
        return f"на этом входе верное решение бросает {e.type.__name__}, а ваше вернуло {kind_of(g)}"
    if isinstance(e, tuple):
        label = "(" + ", ".join(names) + ")" if len(names) == len(e) else f"{len(e)} значения"
        if isinstance(g, list) and len(g) == len(e):
            return f"ответ — список, а нужен кортеж {label}: return {', '.join(names) or '…'} (через запятую)"
        if not isinstance(g, tuple):
            return f"нужно вернуть кортеж {label}, а получен {kind_of(g)}"
        if len(g) != len(e):
            return f"нужно вернуть {len(e)} значения {label}, а возвращено {len(g)}"
        for k, (a, b) in enumerate(zip(e, g)):
            if not same(a, b, rtol, atol):
                name = names[k] if len(names) == len(e) else f"значение №{k + 1}"
                return f"в «{name}» (значение №{k + 1} из {label}): {_describe(a, b, rtol, atol, (), args)}"
        return "ответ отличается от эталона"
    problem = _type_problem(e, g)
    if problem is not None:
        return problem
    ea, ga = _numeric(e), _numeric(g)
    if ea is None or ga is None:
        return f"ожидалось {short(e)}, получено {short(g)}"
    if ea.shape != ga.shape:
        return _shape_differs(ea, ga, rtol, atol)
    if ea.dtype.kind == "b":
        wrong = ea != ga
        return f"неверны {int(wrong.sum())} из {ea.size} логических значений"
    return _values_differ(ea, ga, rtol, atol, args)


# --- exceptions from the student's code -------------------------------------------------------------

_CAUSES = [
    (("matmul", "core dimension"), "размеры в матричном произведении A @ B не согласованы: число столбцов A "
     "должно равняться числу строк B. Выведите формы (print(X.shape, W.shape)); возможно, нужен .T или "
     "другой порядок множителей"),
    (("not aligned",), "размеры в np.dot не согласованы: число столбцов первого множителя должно равняться "
     "числу строк второго. Выведите формы; возможно, нужен .T или другой порядок множителей"),
    (("could not be broadcast",), "формы массивов в поэлементной операции несовместимы (правила broadcasting): "
     "сравните формы операндов; часто виноваты забытый .T, лишняя или недостающая ось (keepdims=True, [:, None])"),
    (("out of bounds",), "индекс выходит за границы массива: проверьте размеры (например, K классов — индексы "
     "0…K−1) и ось индексации"),
    (("only integer", "must be integers", "arrays used as indices"), "индексы массива должны быть целыми числами: "
     "приведите их через .astype(int)"),
    (("overflow",), "переполнение: число превысило ≈1,8·10³⁰⁸ (обычно в np.exp большого аргумента) — перепишите "
     "формулу устойчиво, чтобы экспонента бралась от неположительного числа"),
    (("divide by zero",), "деление на ноль (или log(0)): где-то знаменатель или аргумент логарифма обратился в 0"),
    (("invalid value",), "недопустимая операция (0/0, inf − inf, log или корень отрицательного): получился бы NaN"),
    (("NoneType",), "где-то использовано значение None: вспомогательная функция не возвращает результат?"),
    (("has no attribute 'shape'", "has no attribute 'T'", "has no attribute 'sum'"),
     "у списка нет .shape, .T, .sum: превратите его в массив np.asarray(...)"),
    (("is not defined",), "имя не определено: опечатка или переменная из другой ячейки, которую не запустили"),
    (("truth value of an array",), "массив использован в if или and/or: сравните поэлементно (np.where, &, |) "
     "или возьмите .any()/.all()"),
    (("unsupported operand",), "операция между несовместимыми типами: возможно, список вместо массива"),
    (("maximum recursion",), "функция бесконечно вызывает саму себя"),
]


def explain_exception(r: Raised) -> str:
    """Объяснение по-русски исключения из кода студента: текст, обычная причина и строка кода."""
    try:
        text = f"функция бросила исключение {r.text}"
        low = r.text.lower()
        for keys, cause in _CAUSES:
            if any(k.lower() in low for k in keys):
                text += f". Обычная причина: {cause}"
                break
        if r.line:
            text += f". Место: {r.line}"
        return text
    except Exception:  # noqa: BLE001
        return "функция бросила исключение"
