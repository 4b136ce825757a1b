# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo.tools import str2bool

from odoo.addons.base_rest import restapi
from odoo.addons.component.core import Component
from odoo.addons.karage_pos.components.duplicate_checker import NO_ORDER
from odoo.addons.karage_pos.exceptions import (
    DATABASE_ERRORS,
    InternalError,
    KaragePosError,
)
from odoo.addons.karage_pos.schemas import content_fingerprint, is_refund, order_key
from odoo.addons.karage_pos.services import answers, openapi
from odoo.addons.karage_pos.services.envelope import KarageEnvelope

_logger = logging.getLogger(__name__)

STATUS_BY_JOB_STATE = {
    "wait_dependencies": "queued",
    "pending": "queued",
    "enqueued": "queued",
    "started": "processing",
    "done": "done",
    "failed": "failed",
    "cancelled": "failed",
}


class KaragePosOrderService(Component):
    """Accept orders at once and create them in queue jobs.

    The payload is validated, the status and duplicate checks run, the
    webhook log is written and one job per order is enqueued, all in the
    request's transaction: a 202 answer means the order is durably queued.
    """

    _inherit = "karage.pos.order.service"

    _bulk_http_status = 202
    # the karage.pos.bulk of the bulk being accepted, if any
    _karage_bulk = None
    # accepted orders whose log and job are not written yet (QueuedOrder)
    _karage_queued = None
    # the Single Orders Synchronous setting, as this request read it
    _karage_single_sync = None

    @restapi.method(
        [(["/pos-order/<string:order_id>"], "GET")],
        output_param=KarageEnvelope(openapi.STATUS_RESPONSES),
    )
    def status(self, order_id):
        """Where a Karage order stands: queued, processing, done or failed."""
        logs = (
            self.env["karage.pos.webhook.log"]
            .sudo()
            .search(
                [
                    ("external_order_id", "=", order_id.strip()),
                    ("company_id", "=", self.env.company.id),
                ],
                order="id desc",
                limit=50,
            )
        )
        # the accepted order's log tells where it stands: a copy refused
        # later (a duplicate, another content) does not make it failed
        log = logs.filtered("job_id")[:1] or logs[:1]
        with self.env["karage.pos.collection"].work_on("pos.order") as work:
            order = work.component(usage="duplicate.checker").existing_order(order_id)
            try:
                # a key bound to branches reads the orders of its branches
                work.component(usage="session.provider").check_bound(order.config_id)
            except KaragePosError as error:
                return error.status, answers.error(error.message, error.details)
        if order:
            state, error = "done", None
        elif not log:
            return 404, answers.error(f"Order {order_id} not found")
        elif log.job_id:
            state = STATUS_BY_JOB_STATE[log.job_id.state]
            error = log.job_id.exc_message if state == "failed" else None
        else:
            state, error = "failed", log.error
        data = {"external_order_id": order_id, "state": state, "error": error}
        if order:
            data["order"] = answers.order_data(order, order_id)
        if log.job_id:
            data["job_uuid"] = log.job_id.uuid
        return 200, answers.success(data)

    # acceptance ------------------------------------------------------------

    def _karage_should_queue(self, endpoint):
        """Bulk orders are always queued; single ones unless the setting
        keeps them synchronous."""
        if endpoint.endswith("bulk"):
            return True
        if self._karage_single_sync is None:
            # read once: the claims and the acceptance of a request decide
            # alike, whatever a concurrent change of the setting
            sync = (
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("karage_pos_queue.single_sync")
            )
            self._karage_single_sync = str2bool(sync or "0", default=True)
        return not self._karage_single_sync

    def _bulk_results(self, orders):
        # one karage.pos.bulk per bulk call: the admin follows its progress
        self._karage_bulk = self.env["karage.pos.bulk"]._karage_open(len(orders))
        try:
            return super()._bulk_results(orders)
        finally:
            self._karage_bulk = None

    def _claim_orders(self, prepared, endpoint):
        verdicts = super()._claim_orders(prepared, endpoint)
        if self._karage_should_queue(endpoint):
            # the claims read the orders Odoo has after this request's
            # snapshot, and a queued request creates none: the duplicate
            # check of the orders it claimed need not search again
            claimed = {key for key, (kind, __) in verdicts.items() if kind == "claimed"}
            if self._karage_memo is None:
                self._karage_memo = {}
            self._karage_memo[NO_ORDER] = claimed
        return verdicts

    def _accept_guarded(self, document, raw, endpoint, started):
        if is_refund(document):
            # a refund is checked against the sales queued before it (and the
            # refunds of the same sale): those of this request are written
            # first, outside its savepoint
            self._karage_write_queued()
        queued = len(self._karage_queued or ())
        code, body = super()._accept_guarded(document, raw, endpoint, started)
        if code >= 300 and self._karage_queued:
            # refused after it was queued (its savepoint failed): not written
            del self._karage_queued[queued:]
        return code, body

    def _karage_process(self, document, endpoint, started):
        """Queue the accepted order: its log and job are written with those
        of the other orders of the request (:meth:`_karage_complete`); a 202
        means the order is durably queued (its checks ran in
        :meth:`_karage_accept`)."""
        if not self._karage_should_queue(endpoint):
            return super()._karage_process(document, endpoint, started)
        queued = QueuedOrder(document, endpoint, started)
        if self._karage_queued is None:
            self._karage_queued = []
        self._karage_queued.append(queued)
        return 202, queued

    def _karage_complete(self, results):
        self._karage_write_queued()
        return [
            (body.code, body.body, order_id)
            if isinstance(body, QueuedOrder)
            else (code, body, order_id)
            for code, body, order_id in super()._karage_complete(results)
        ]

    def _karage_write_queued(self):
        """Write the logs and jobs of the orders queued so far, together.

        Anything unexpected writes them one by one, refusing alone the order
        that fails (a database error fails the request, as it would alone).
        """
        queued, self._karage_queued = self._karage_queued or [], []
        if not queued:
            return
        try:
            with self.env.cr.savepoint():
                self._karage_write(queued)
        except DATABASE_ERRORS:
            raise
        except Exception:
            if len(queued) > 1:
                _logger.warning(
                    "Karage: %s queued orders could not be written together, "
                    "writing them one by one",
                    len(queued),
                    exc_info=True,
                )
                for order in queued:
                    self._karage_queued = [order]
                    self._karage_write_queued()
                return
            order = queued[0]
            key = order_key(order.document)
            _logger.exception("Karage: internal error while queueing order %s", key)
            order.code, order.body = self._refuse(
                order.endpoint, order.document, InternalError(key), order.started, key
            )

    def _karage_write(self, queued):
        """Log every order of ``queued``, enqueue their jobs and link them:
        an insert of the logs, one of the jobs and an update of the logs,
        whatever their number."""
        bulk = self._karage_bulk.id if self._karage_bulk else False
        Log = self.env["karage.pos.webhook.log"]
        branches = {}

        def branch(document):
            # a sale's branch depends on its pos_config_id alone (and on the
            # user), a refund's on its sale
            if is_refund(document):
                return Log._karage_branch(document)
            named = document.get("pos_config_id")
            if named not in branches:
                branches[named] = Log._karage_branch(document)
            return branches[named]

        values = [
            self._log_values(
                order.endpoint,
                order.document,
                202,
                {},
                order.started,
                order_key(order.document),
                None,
                bulk_id=bulk,
                payload_hash=content_fingerprint(order.document),
                pos_config_id=branch(order.document),
            )
            for order in queued
        ]
        logs = Log.sudo().create(values)
        jobs = logs._karage_enqueue(bulk=queued[0].endpoint.endswith("bulk"))
        host_url = self.request.httprequest.host_url.rstrip("/")
        for order, log in zip(queued, logs, strict=True):
            key, job = order_key(order.document), jobs[log]
            # a sale answers with its OrderID as sent, a refund with its key
            shown = key if is_refund(order.document) else order.document["OrderID"]
            status_url = f"{host_url}/api/v1/webhook/pos-order/{key}"
            order.code = 202
            order.body = answers.accepted(shown, job.uuid, status_url)
            # written together when flushed (one UPDATE for the batch)
            log.write({"job_id": job.id, "response": log._karage_json(order.body)})


class QueuedOrder:
    """An accepted order of this request whose log and job are not written
    yet; its answer once they are."""

    __slots__ = ("document", "endpoint", "started", "code", "body")

    def __init__(self, document, endpoint, started):
        self.document = document
        self.endpoint = endpoint
        self.started = started
        self.code = self.body = None
