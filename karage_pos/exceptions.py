# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Errors of the Karage integration and the HTTP status each one means."""

import json

import psycopg2
from psycopg2.pool import PoolError
from werkzeug.exceptions import HTTPException


class KaragePosError(Exception):
    """A business refusal of one order: reported to Karage, nothing written.

    ``status`` is the HTTP status the sender gets, ``details`` optional
    structured reasons (field errors, per-line amount differences).
    """

    status = 422

    def __init__(self, message, status=None, details=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.details = details


class InvalidPayload(KaragePosError):
    status = 400


class DuplicateOrder(KaragePosError):
    status = 409


class OrderBusy(KaragePosError):
    """The order (or the request's Idempotency-Key) is being processed by
    another request right now: send it again later."""

    status = 409


class RetryLater(KaragePosError):
    """Transient: the same order will succeed later (session closing...).

    Answered 503 with ``Retry-After``; a queued order's job runs again.
    """

    status = 503


class InternalError(KaragePosError):
    """An unexpected exception, logged with its traceback where it happened."""

    status = 500

    def __init__(self, order_id):
        super().__init__(f"Internal error while creating order {order_id}")


DATABASE_UNAVAILABLE = (
    "Service unavailable: Odoo cannot reach its database; the order was not "
    "recorded, send it again later"
)
# seconds a client should wait before sending again after a 503
RETRY_AFTER = 5
# what a database that went away raises (restart, failover, full pool)
DATABASE_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError, PoolError)


class KarageHTTPError(HTTPException):
    """An HTTP error answered with the seed's JSON error envelope.

    Raised where no service runs yet (authentication), so that Odoo and
    base_rest return it as it is.
    """

    def __init__(self, code, message, details=None):
        self.code = code
        self.message = message
        self.details = details
        super().__init__(description=message)

    def get_body(self, environ=None, scope=None):
        from .services import answers

        return json.dumps(answers.error(self.message, self.details))

    def get_headers(self, environ=None, scope=None):
        headers = [("Content-Type", "application/json")]
        if self.code == 401:
            headers.append(("WWW-Authenticate", 'APIKey header="X-API-KEY"'))
        if self.code == 503:
            headers.append(("Retry-After", str(RETRY_AFTER)))
        return headers


def database_unavailable():
    return KarageHTTPError(503, DATABASE_UNAVAILABLE)
