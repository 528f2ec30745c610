"""Customer links never reach the log, and a refusal is one line.

A customer's link (/r/<token>/, also the QR code) is the key to their answer page. Django's
request warnings ("Not Found: /r/<token>/"), the development server's request lines and
gunicorn's access log (when one is configured) all print the path. `configure` (Django's
LOGGING_CONFIG) puts a filter on each of those loggers that replaces whatever follows /r/
with a mark before any handler sees the record. On the loggers, not in LOGGING: a logger
named there loses the handlers Django or gunicorn gave it. The hand-over keeps its token in
the session, never in a path.

Django logs each 403 with the whole traceback of the PermissionDenied behind it: forty lines
for a person who opened a page their role does not reach (a frontline tablet on a manager's
link), which buries the errors an operator looks for. `configure` keeps its one warning line
("Forbidden (Permission denied): /dashboard/") and drops the traceback.
"""

import logging
import logging.config
import re

# Anything after /r/ up to the next slash, space, quote or query: a token, or a cut-off one.
CUSTOMER_LINK = re.compile(r"/r/[^/\s\"'?#]+")
REDACTED = "/r/<token>"


def redact(text: str) -> str:
    return CUSTOMER_LINK.sub(REDACTED, text)


class RedactCustomerTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/r/" in message:
            record.msg, record.args = redact(message), ()
        return True


class RefusalsInOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = record.exc_text = None
        return True


PATH_LOGGERS = ["django.request", "django.server", "gunicorn.access", "gunicorn.error"]


def configure(logging_settings: dict) -> None:
    logging.config.dictConfig(logging_settings)
    for name in PATH_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactCustomerTokens) for f in logger.filters):
            logger.addFilter(RedactCustomerTokens())
    requests = logging.getLogger("django.request")
    if not any(isinstance(f, RefusalsInOneLine) for f in requests.filters):
        requests.addFilter(RefusalsInOneLine())
