"""Let the Russian docstrings of `lib` be read by autodoc as they are written.

The docstrings use plain-text math such as |z| or |y − f|; in reStructuredText a pair of bars is
a substitution reference. This hook escapes bars outside ``literal`` spans before autodoc parses
a docstring, so «Справочник по lib» shows exactly what `help()` shows.
"""

from __future__ import annotations

import re

_LITERAL = re.compile(r"(``.*?``)")


def _escape_bars(line: str) -> str:
    parts = _LITERAL.split(line)
    return "".join(p if p.startswith("``") else p.replace("|", r"\|") for p in parts)


def _process(app, what, name, obj, options, lines):
    lines[:] = [_escape_bars(line) for line in lines]


def setup(app):
    app.connect("autodoc-process-docstring", _process)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
