# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from werkzeug.exceptions import RequestEntityTooLarge

from odoo.http import Dispatcher

from odoo.addons.base_rest.http import RestApiDispatcher

from ..exceptions import DATABASE_ERRORS, KarageHTTPError, database_unavailable
from .main import KARAGE_ROOT_PATH

# where the JSON body waits for the service (see KaragePayload): never in
# the request's params, whose keys become Python keyword arguments of the
# route ("self", "collection"...)
BODY_ENVIRON = "karage_pos.body"
RAW_BODY_ENVIRON = "karage_pos.raw_body"
# JSON nested deeper than this is no Karage payload (an order is 3 deep)
MAX_DEPTH = 32


class KarageRestApiDispatcher(RestApiDispatcher):
    """base_rest's dispatcher, stricter on the Karage paths only.

    On ``/api/v1/webhook/`` a body that is not JSON gets the seed's error
    envelope (400, 413 or 415) instead of an HTML page, and a bare JSON
    array posted to the bulk endpoint is read as ``{"orders": [...]}``.
    Every other base_rest route is served exactly as before.
    """

    routing_type = "restapi"

    def pre_dispatch(self, rule, args):
        httprequest = self.request.httprequest
        if not httprequest.path.startswith(KARAGE_ROOT_PATH):
            return super().pre_dispatch(rule, args)
        res = Dispatcher.pre_dispatch(self, rule, args)
        # only the route's own arguments become parameters
        self.request.params = args
        if httprequest.method in ("POST", "PUT", "PATCH"):
            httprequest.environ[BODY_ENVIRON] = self._karage_json_body(httprequest)
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
        data = self._karage_read(httprequest)
        charset = httprequest.mimetype_params.get("charset", "utf-8")
        try:
            text = data.decode(charset)
        except UnicodeDecodeError as error:
            raise KarageHTTPError(
                400, f"Malformed JSON: not valid {charset} text ({error.reason})"
            ) from error
        except (LookupError, UnicodeError, ValueError) as error:
            # unknown, or a codec that is no text encoding (punycode...)
            raise KarageHTTPError(
                415, f"Unknown charset {charset!r}: send UTF-8 JSON"
            ) from error
        try:
            body = json.loads(text or "null")
        except RecursionError as error:
            raise KarageHTTPError(400, self._karage_too_deep()) from error
        except ValueError as error:
            raise KarageHTTPError(400, f"Malformed JSON: {error}") from error
        if _depth(body) > MAX_DEPTH:
            raise KarageHTTPError(400, self._karage_too_deep())
        if isinstance(body, list) and httprequest.path.endswith("/bulk"):
            return {"orders": body}
        if not isinstance(body, dict):
            raise KarageHTTPError(400, "The request body must be a JSON object")
        return body

    def _karage_read(self, httprequest):
        """The raw body, refused with 413 beyond the Maximum Body Size."""
        limit_kb = self.request.env["res.config.settings"]._karage_setting(
            "max_body_kb"
        )
        limit = limit_kb * 1024 if limit_kb > 0 else None
        too_large = KarageHTTPError(
            413,
            f"Request body too large: the maximum is {limit_kb} KiB "
            "(setting Maximum Body Size); send fewer orders per request",
        )
        # refused before reading when the sender says how much comes
        if limit and (httprequest.content_length or 0) > limit:
            raise too_large
        environ = httprequest.environ
        data = environ.get(RAW_BODY_ENVIRON)
        if data is None:
            try:
                # a chunked body has no length: read one byte past the
                # limit, never the whole stream into memory
                data = (
                    _stream(httprequest).read(limit + 1)
                    if limit
                    else httprequest.get_data()
                )
            except RequestEntityTooLarge as error:
                raise too_large from error
            # Odoo runs a request again after a serialization failure, and
            # the stream can be read only once
            environ[RAW_BODY_ENVIRON] = data
        if limit and len(data) > limit:
            raise too_large
        return data

    @staticmethod
    def _karage_too_deep():
        return f"Malformed JSON: nested deeper than {MAX_DEPTH} levels"


def _stream(httprequest):
    """werkzeug's input stream, which Odoo's request wrapper does not expose
    (its ``get_data`` reads a chunked body whole, whatever the limit)."""
    return getattr(httprequest, "_HTTPRequest__wrapped", httprequest).stream


def _depth(value):
    """Nesting depth of a JSON value, without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in node)
    return deepest
