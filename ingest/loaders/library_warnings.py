"""Count the warnings pypdf / pdfminer / pdfplumber log for one file instead of printing them.

A 143-page PDF used to print 136 warning lines to stderr; the loader now reports one note per
file ("PDF 라이브러리 경고 136건(첫 경고: …)") and logs one structured line.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator

from .base import collapse_ws


class WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if not self.first:
            with contextlib.suppress(Exception):
                self.first = collapse_ws(record.getMessage())[:120]


@contextlib.contextmanager
def quiet_libraries() -> Iterator[WarningCounter]:
    """Count pypdf/pdfminer warnings instead of letting them reach stderr."""
    counter = WarningCounter()
    loggers = [logging.getLogger(name) for name in ("pypdf", "pdfminer", "pdfplumber")]
    saved = [(lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(counter)
        lg.propagate = False
        lg.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield counter
        for item in caught:
            counter.count += 1
            counter.first = counter.first or collapse_ws(str(item.message))[:120]
    finally:
        for lg, (propagate, level) in zip(loggers, saved, strict=True):
            lg.removeHandler(counter)
            lg.propagate = propagate
            lg.setLevel(level)
