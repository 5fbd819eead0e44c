"""What the portal really writes to its logs, and a check that no secret is in it.

``captured_log()`` puts a handler on the root logger (every logger propagates there) at DEBUG
and renders each record the way a log file and the admins' error email would carry it: the
formatted line, the traceback, and, for a failed request, Django's report with the request
and every frame's variables.
"""

import logging
import re
from contextlib import contextmanager

from django.views.debug import ExceptionReporter


class CapturingHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []
        self.texts = []
        self.line = logging.Formatter("%(levelname)s %(name)s %(message)s")

    def emit(self, record):
        parts = [self.line.format(record)]  # with the traceback when there is one
        request = getattr(record, "request", None)
        if record.exc_info or request is not None:
            exc_info = record.exc_info or (None, record.getMessage(), None)
            reporter = ExceptionReporter(request, *exc_info, is_email=True)
            parts += [reporter.get_traceback_text(), reporter.get_traceback_html()]
        self.records.append(record)
        self.texts.append("\n".join(parts))

    @property
    def text(self):
        return "\n".join(self.texts)


@contextmanager
def captured_log(*, debug=()):
    """Capture every record that reaches the root logger; ``debug`` names loggers to open to
    DEBUG meanwhile (Django keeps its own at INFO)."""
    handler = CapturingHandler()
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(name) for name in debug)]
    levels = [logger.level for logger in loggers]
    root.addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def assert_no_secret(log, secrets):
    """Fail if any secret, as typed or as bare digits, is in what was logged. An empty log
    fails too: a check on nothing proves nothing."""
    assert log.records, "nothing was logged, so this check would prove nothing"
    values = {*secrets, *(re.sub(r"\D", "", s) for s in secrets)} - {""}
    for record, text in zip(log.records, log.texts, strict=True):
        for value in values:
            assert value not in text, f"a secret reached the log through {record.name}: {record.getMessage()[:80]}"
