# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.http import Dispatcher

from odoo.addons.base_rest.http import RestApiDispatcher

from ..exceptions import DATABASE_ERRORS, KarageHTTPError, database_unavailable
from .main import KARAGE_ROOT_PATH


class KarageRestApiDispatcher(RestApiDispatcher):
    """base_rest's dispatcher, stricter on the Karage paths only.

    On ``/api/v1/webhook/`` a body that is not JSON gets the seed's error
    envelope (400 or 415) instead of an HTML page, and a bare JSON array
    posted to the bulk endpoint is read as ``{"orders": [...]}``. Every
    other base_rest route is served exactly as before.
    """

    routing_type = "restapi"

    def pre_dispatch(self, rule, args):
        httprequest = self.request.httprequest
        if not httprequest.path.startswith(KARAGE_ROOT_PATH):
            return super().pre_dispatch(rule, args)
        res = Dispatcher.pre_dispatch(self, rule, args)
        self.request.params = args
        if httprequest.method in ("POST", "PUT", "PATCH"):
            self.request.params.update(self._karage_json_body(httprequest))
        self._determine_context_lang()
        return res

    def handle_error(self, exception):
        # the database went away under the request (restart, failover, full
        # pool): a clear 503 the sender retries, not base_rest's 500
        if self.request.httprequest.path.startswith(KARAGE_ROOT_PATH) and isinstance(
            exception, DATABASE_ERRORS
        ):
            return database_unavailable()
        return super().handle_error(exception)

    def _karage_json_body(self, httprequest):
        if httprequest.mimetype != "application/json":
            raise KarageHTTPError(415, "Content-Type must be application/json")
        charset = httprequest.mimetype_params.get("charset", "utf-8")
        try:
            body = json.loads(httprequest.get_data().decode(charset) or "null")
        except (ValueError, UnicodeDecodeError) as error:
            raise KarageHTTPError(400, f"Malformed JSON: {error}") from error
        if isinstance(body, list) and httprequest.path.endswith("/bulk"):
            return {"orders": body}
        if not isinstance(body, dict):
            raise KarageHTTPError(400, "The request body must be a JSON object")
        return body
