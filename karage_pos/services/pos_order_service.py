# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import time

from odoo.addons.base_rest import restapi
from odoo.addons.component.core import Component

from ..exceptions import (
    DATABASE_ERRORS,
    DuplicateOrder,
    InternalError,
    InvalidPayload,
    KaragePosError,
    OrderBusy,
)
from ..models.karage_pos_idempotency import request_fingerprint
from ..schemas import (
    BULK_SCHEMA,
    ORDER_SCHEMA,
    REFUND_STATUS,
    SHARED_FIELDS,
    content_fingerprint,
    describe_errors,
    normalize_order_id,
    order_key,
    validate_order,
)
from . import answers, openapi
from .envelope import KarageEnvelope, KaragePayload
from .examples import BULK_EXAMPLES, ORDER_EXAMPLES

_logger = logging.getLogger(__name__)

# characters of a refused payload kept in its log: an accepted order's log
# keeps its validated document (unknown fields dropped), a refused one what
# was sent, up to this size (a 60 MB unknown field is no evidence worth a
# month of storage)
LOG_PAYLOAD_LIMIT = 64 * 1024
# the longest order key: a refund's <OrderID>:refund:<RefundID>
ORDER_KEY_LENGTH = 64 + 8 + 64


def _loggable(payload):
    text = json.dumps(payload, default=str)
    if len(text) <= LOG_PAYLOAD_LIMIT:
        return payload
    return (
        f"{text[:LOG_PAYLOAD_LIMIT]}… (truncated: {len(text)} characters " "received)"
    )


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
    # lookups of this request (see _karage_work)
    _karage_memo = None

    @restapi.method(
        [(["/pos-order"], "POST")],
        input_param=KaragePayload(ORDER_SCHEMA, ORDER_EXAMPLES),
        output_param=KarageEnvelope(openapi.ORDER_RESPONSES),
    )
    def receive(self, payload):
        """Create one paid POS order from one Karage sale."""
        return self._with_idempotency("pos-order", payload, self._single)

    @restapi.method(
        [(["/pos-order/bulk"], "POST")],
        input_param=KaragePayload(BULK_SCHEMA, BULK_EXAMPLES),
        output_param=KarageEnvelope(openapi.BULK_RESPONSES),
    )
    def receive_bulk(self, payload):
        """Create many orders; each order succeeds or fails on its own.

        The body is ``{"orders": [...]}`` (a bare JSON array is accepted).
        """
        return self._with_idempotency("pos-order/bulk", payload, self._bulk)

    # ------------------------------------------------------------------

    def _single(self, payload):
        code, body, __ = self._process_orders([payload], "pos-order")[0]
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
                "orders per bulk request",
                details={"orders": [f"at most {limit} orders"]},
            )
        results = self._bulk_results(self._with_shared_fields(payload, orders))
        return self._bulk_http_status, answers.bulk(results)

    @staticmethod
    def _with_shared_fields(payload, orders):
        """The orders, each with the bulk's customer and branch unless it
        names its own (``partner_id``, ``customer_ref``, ``pos_config_id``
        given once at the top of the request; a null of the order's is no
        customer or branch of its own). A refund keeps its sale's customer.
        """
        shared = {
            field: payload[field]
            for field in SHARED_FIELDS
            if payload.get(field) not in (None, "")
        }
        if not shared:
            return orders
        customer = {"partner_id", "customer_ref"}
        merged = []
        for order in orders:
            if isinstance(order, dict):
                own = {f for f in SHARED_FIELDS if order.get(f) not in (None, "")}
                if own & customer or order.get("OrderStatus") == REFUND_STATUS:
                    # an order's own customer replaces the bulk's whole
                    own |= customer
                order = {
                    **{k: v for k, v in order.items() if k not in SHARED_FIELDS},
                    **{f: order[f] for f in own if f in order},
                    **{f: v for f, v in shared.items() if f not in own},
                }
            merged.append(order)
        return merged

    # HTTP status of a processed bulk (each order carries its own)
    _bulk_http_status = 200
    # whether the request's answer includes a refusal meaning "send it later"
    _karage_transient = False

    def _bulk_results(self, orders):
        """One result per order, in the order received."""
        return [
            {
                "external_order_id": order_id,
                "status": body["status"],
                "status_code": code,
                "data": body["data"],
                "error": body["error"],
                **({"details": body["details"]} if "details" in body else {}),
            }
            for code, body, order_id in self._process_orders(orders, "pos-order/bulk")
        ]

    def _process_orders(self, raws, endpoint):
        """``[(status, body, OrderID)]``: each order refused or accepted alone.

        Every order is validated first; the valid ones then claim their
        OrderID (one content per OrderID, see ``karage.pos.idempotency``),
        and each claimed order is accepted by :meth:`_karage_accept`.
        """
        started = time.perf_counter()
        prepared = [self._prepared(raw) for raw in raws]
        verdicts = self._claim_orders(prepared, endpoint)
        # {claim: indexes of its occurrences' results}
        results, seen, settled = [], {}, {}
        for raw, order_id, document, error in prepared:
            if document is None:
                code, body = self._refuse(endpoint, raw, error, started, order_id)
                results.append((code, body, order_id))
                continue
            # a refund is filed under its own key
            key, fingerprint = order_key(document), content_fingerprint(document)
            kind, claim = verdicts[key]
            error = claim if kind == "refused" else None
            if error is None and seen.get(key, fingerprint) != fingerprint:
                error = DuplicateOrder(
                    f"OrderID {key} appears more than once in this request with "
                    "different content: the content accepted first is kept",
                )
            if error is not None:
                code, body = self._refuse(endpoint, raw, error, started, key)
            else:
                code, body = self._accept_guarded(document, raw, endpoint, started)
                if code < 300:
                    # only an accepted occurrence decides the content
                    seen.setdefault(key, fingerprint)
                if claim is not None:
                    # every occurrence of an OrderID carries its claim
                    settled.setdefault(claim, []).append(len(results))
            results.append((code, body, order_id))
        results = self._karage_complete(results)
        for claim, indexes in settled.items():
            # the first occurrence accepted once every order was written
            # answers for the claim, else the first one
            answered = [results[index] for index in indexes]
            code, body, __ = next((r for r in answered if r[0] < 300), answered[0])
            self.env["karage.pos.idempotency"]._karage_settle(claim, code, body)
        return results

    def _karage_complete(self, results):
        """The final ``results`` of :meth:`_process_orders`, once every
        order had its turn (the queue addon writes the accepted orders'
        logs and jobs together here)."""
        return results

    def _prepared(self, raw):
        """``(raw, OrderID, document or None, InvalidPayload or None)``."""
        order_id = raw.get("OrderID") if isinstance(raw, dict) else None
        try:
            return raw, order_id, self._validated(raw), None
        except InvalidPayload as error:
            return raw, order_id, None, error

    def _claim_orders(self, prepared, endpoint):
        """Claim the OrderID of every valid order: ``{OrderID: verdict}``."""
        entries = {}
        for __, __, document, __ in prepared:
            if document is None:
                continue
            key = order_key(document)
            if key not in entries:
                entries[key] = (key, content_fingerprint(document), endpoint, key)
        return self.env["karage.pos.idempotency"]._karage_claim(
            "order", list(entries.values())
        )

    def _accept_guarded(self, document, raw, endpoint, started):
        """Accept one valid order; anything unexpected refuses it alone."""
        order_id = order_key(document)
        try:
            with self.env.cr.savepoint():
                return self._karage_accept(document, endpoint, started)
        except KaragePosError as error:
            return self._refuse(endpoint, raw, error, started, order_id)
        except DATABASE_ERRORS:
            # the whole request is retried (concurrency) or answered 503
            raise
        except Exception:
            _logger.exception(
                "Karage: internal error while creating order %s", order_id
            )
            return self._refuse(
                endpoint, raw, InternalError(order_id), started, order_id
            )

    def _karage_accept(self, document, endpoint, started):
        """Accept one claimed order: its checks, then :meth:`_karage_process`.

        :returns: ``(status, body)``; raise :class:`KaragePosError` to refuse
        """
        with self._karage_work() as work:
            # everything the sender must fix is refused here (both modes)
            work.component(usage="order.importer").check(document)
        return self._karage_process(document, endpoint, started)

    def _karage_work(self):
        """The work of the order processors, with this request's memo of
        lookups (see ``karage.pos.base._memo``)."""
        if self._karage_memo is None:
            self._karage_memo = {}
        collection = self.env["karage.pos.collection"]
        return collection.work_on("pos.order", memo=self._karage_memo)

    def _karage_process(self, document, endpoint, started):
        """Create the order of an accepted document (the queue addon
        enqueues it instead)."""
        with self._karage_work() as work:
            pos_order = work.component(usage="order.importer").create_accepted(document)
        body = answers.order_success(pos_order, document["OrderID"])
        self._log(
            endpoint, document, 200, body, started, order_key(document), pos_order
        )
        return 200, body

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
        if len(key) > 255:
            error = InvalidPayload(
                "Idempotency-Key must have at most 255 characters",
                details={"Idempotency-Key": ["at most 255 characters"]},
            )
            return self._refuse(endpoint, payload, error, time.perf_counter())
        order_id = payload.get("OrderID")
        Idempotency = self.env["karage.pos.idempotency"]
        entry = (
            key,
            request_fingerprint(payload),
            endpoint,
            str(order_id) if isinstance(order_id, int | str) else None,
        )
        verdict, value = Idempotency._karage_claim("header", [entry])[key]
        if verdict == "replay":
            return value
        if verdict == "refused":
            return self._refuse(endpoint, payload, value, time.perf_counter())
        self._karage_transient = False
        code, body = self._guarded(endpoint, payload, process)
        # an answer that says "later" (an order busy elsewhere, a session
        # closing, an internal error) is not replayed: the key stays free
        Idempotency._karage_settle(value, code, body, final=not self._karage_transient)
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
        if error.status >= 500 or isinstance(error, OrderBusy):
            self._karage_transient = True
        body = answers.error(error.message, error.details)
        self._log(
            endpoint, _loggable(payload), error.status, body, started, order_id, None
        )
        return error.status, body

    def _log(
        self, endpoint, payload, code, body, started, order_id, pos_order, **values
    ):
        """Log one order; ``values`` are further fields of its log."""
        Log = self.env["karage.pos.webhook.log"]
        return Log.sudo().create(
            self._log_values(
                endpoint, payload, code, body, started, order_id, pos_order, **values
            )
        )

    def _log_values(
        self, endpoint, payload, code, body, started, order_id, pos_order, **values
    ):
        """The values of :meth:`_log`'s log."""
        httprequest = self.request.httprequest
        return self.env["karage.pos.webhook.log"]._karage_record_values(
            endpoint,
            payload,
            code,
            body,
            # an id refused for its length is logged by its first characters
            external_order_id=normalize_order_id(order_id)[:ORDER_KEY_LENGTH]
            if order_id is not None
            else False,
            duration_ms=(time.perf_counter() - started) * 1000.0,
            remote_addr=httprequest.remote_addr,
            idempotency_key=httprequest.headers.get("Idempotency-Key"),
            pos_order_id=pos_order.id if pos_order else False,
            **values,
        )

    def to_openapi(self, **params):
        return openapi.complete(super().to_openapi(**params))

    def _get_openapi_default_responses(self):
        # each endpoint documents its own answers (see openapi): no 404 on
        # a POST
        return {}
