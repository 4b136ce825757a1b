# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import http

from .controllers.main import KARAGE_ROOT_PATH
from .exceptions import database_unavailable

_logger = logging.getLogger(__name__)


def post_load():
    """Answer 503, not 404, on the webhook paths while the database is down.

    When PostgreSQL cannot be reached Odoo cannot pick a database for the
    request and serves it without one, where no webhook route exists: Karage
    would get a 404 and could drop the order. The webhook paths never work
    without a database, so they get the JSON 503 with ``Retry-After``
    instead. (queue_job patches the same database selection in its own
    ``post_load``.)
    """
    serve_nodb = http.Request._serve_nodb

    def _serve_nodb(self):
        if self.httprequest.path.startswith(KARAGE_ROOT_PATH):
            _logger.warning(
                "Karage: no database to serve %s, answering 503",
                self.httprequest.path,
            )
            raise database_unavailable()
        return serve_nodb(self)

    http.Request._serve_nodb = _serve_nodb
