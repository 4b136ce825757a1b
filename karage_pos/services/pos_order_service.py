# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

from odoo.addons.base_rest import restapi
from odoo.addons.component.core import Component

from ..exceptions import InvalidPayload, KaragePosError, error_envelope
from ..models.karage_pos_idempotency import request_fingerprint
from ..schemas import BULK_SCHEMA, ORDER_SCHEMA, describe_errors, validate_order
from .envelope import KarageEnvelope, KaragePayload

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
API_KEY_SCHEME = {
    "type": "apiKey",
    "in": "header",
    "name": "X-API-KEY",
    "description": "An Odoo user API key (Preferences → Account Security).",
}


class KaragePosOrderService(Component):
    """Karage POS webhook: completed sales become paid POS orders.

    Authenticate with an Odoo user API key in the ``X-API-KEY`` header. An
    optional ``Idempotency-Key`` header makes a retried request return the
    first answer.
    """

    _inherit = "base.rest.service"
    _name = "karage.pos.order.service"
    _usage = "webhook"
    _collection = "karage.pos.rest.services"
    _description = __doc__

    @restapi.method(
        [(["/pos-order"], "POST")],
        input_param=KaragePayload(ORDER_SCHEMA),
        output_param=KarageEnvelope(),
    )
    def receive(self, **payload):
        """Create one paid POS order from one Karage sale."""
        return self._with_idempotency("pos-order", payload, self._single)

    @restapi.method(
        [(["/pos-order/bulk"], "POST")],
        input_param=KaragePayload(BULK_SCHEMA),
        output_param=KarageEnvelope(),
    )
    def receive_bulk(self, **payload):
        """Create many orders; each order succeeds or fails on its own.

        The body is ``{"orders": [...]}`` (a bare JSON array is accepted).
        """
        return self._with_idempotency("pos-order/bulk", payload, self._bulk)

    # ------------------------------------------------------------------

    def _single(self, payload):
        code, body, __ = self._process_order(payload, "pos-order")
        return code, body

    def _bulk(self, payload):
        orders = payload.get("orders")
        if not isinstance(orders, list) or not orders:
            raise InvalidPayload(
                "Invalid payload: orders: required non-empty list of orders",
                details={"orders": ["required non-empty list"]},
            )
        limit = self.env["res.config.settings"]._karage_setting("max_bulk_orders")
        if len(orders) > limit:
            raise InvalidPayload(
                f"Too many orders: {len(orders)} exceeds the maximum of {limit} "
                "orders per bulk request"
            )
        results = self._bulk_results(orders)
        succeeded = sum(1 for result in results if result["status"] == "success")
        failed = len(results) - succeeded
        return self._bulk_http_status, {
            "status": "success",
            "message": f"Processed {len(results)} orders: {succeeded} succeeded, "
            f"{failed} failed",
            "data": {
                "total": len(results),
                "succeeded": succeeded,
                "failed": failed,
                "results": results,
            },
        }

    # HTTP status of a processed bulk (each order carries its own)
    _bulk_http_status = 200

    def _bulk_results(self, orders):
        """One result per order, in the order received."""
        results = []
        for raw in orders:
            code, body, order_id = self._process_order(raw, "pos-order/bulk")
            results.append(
                {
                    "external_order_id": order_id,
                    "status": body["status"],
                    "status_code": code,
                    "data": body["data"],
                    "error": body["error"],
                    **({"details": body["details"]} if "details" in body else {}),
                }
            )
        return results

    def _process_order(self, raw, endpoint):
        """Validate, import and log one order: ``(status, body, OrderID)``."""
        started = time.perf_counter()
        order_id = raw.get("OrderID") if isinstance(raw, dict) else None
        try:
            document = self._validated(raw)
            with self.env["karage.pos.collection"].work_on("pos.order") as work:
                pos_order = work.component(usage="order.importer").run(document)
        except KaragePosError as error:
            code, body = self._refuse(endpoint, raw, error, started, order_id)
            return code, body, order_id
        body = pos_order._karage_success_envelope(order_id)
        self._log(endpoint, raw, 200, body, started, order_id, pos_order)
        return 200, body, order_id

    def _validated(self, raw):
        """The normalized order of ``raw``; InvalidPayload naming each field."""
        document, errors = validate_order(raw)
        if errors:
            raise InvalidPayload(describe_errors(errors), details=errors)
        return document

    def _with_idempotency(self, endpoint, payload, process):
        key = (self.request.httprequest.headers.get("Idempotency-Key") or "").strip()
        if not key:
            return self._guarded(endpoint, payload, process)
        if not key.isprintable():
            error = InvalidPayload(
                "Idempotency-Key must be printable text",
                details={"Idempotency-Key": ["must not contain control characters"]},
            )
            return self._refuse(endpoint, payload, error, time.perf_counter())
        Idempotency = self.env["karage.pos.idempotency"]
        order_id = payload.get("OrderID")
        try:
            record, replay = Idempotency._karage_claim(
                key[:255],
                request_fingerprint(payload),
                endpoint,
                str(order_id) if isinstance(order_id, int | str) else None,
            )
        except KaragePosError as error:
            return self._refuse(endpoint, payload, error, time.perf_counter())
        if replay:
            return record._karage_stored_response()
        code, body = self._guarded(endpoint, payload, process)
        record._karage_finish(code, body)
        return code, body

    def _guarded(self, endpoint, payload, process):
        """Run ``process``; a refusal of the whole request is logged too."""
        started = time.perf_counter()
        try:
            return process(payload)
        except KaragePosError as error:
            return self._refuse(endpoint, payload, error, started)

    def _refuse(self, endpoint, payload, error, started, order_id=None):
        """Log and answer a refusal of one order or of the whole request."""
        body = error_envelope(error.message, error.details)
        self._log(endpoint, payload, error.status, body, started, order_id, None)
        return error.status, body

    def _log(self, endpoint, payload, code, body, started, order_id, pos_order):
        httprequest = self.request.httprequest
        return self.env["karage.pos.webhook.log"]._karage_record(
            endpoint,
            payload,
            code,
            body,
            external_order_id=str(order_id) if order_id is not None else False,
            duration_ms=(time.perf_counter() - started) * 1000.0,
            remote_addr=httprequest.remote_addr,
            idempotency_key=httprequest.headers.get("Idempotency-Key"),
            pos_order_id=pos_order.id if pos_order else False,
        )

    def to_openapi(self, **params):
        spec = super().to_openapi(**params)
        components = spec.setdefault("components", {})
        components.setdefault("securitySchemes", {})["ApiKeyAuth"] = API_KEY_SCHEME
        for path_item in spec.get("paths", {}).values():
            for method, operation in path_item.items():
                if method not in HTTP_METHODS:
                    continue
                operation["security"] = [{"ApiKeyAuth": []}]
                operation.setdefault("parameters", []).append(
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string", "maxLength": 255},
                    }
                )
        return spec
