# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tools import str2bool

from odoo.addons.base_rest import restapi
from odoo.addons.component.core import Component
from odoo.addons.karage_pos.exceptions import KaragePosError
from odoo.addons.karage_pos.schemas import is_refund, order_key
from odoo.addons.karage_pos.services import answers, openapi
from odoo.addons.karage_pos.services.envelope import KarageEnvelope

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
        sync = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("karage_pos_queue.single_sync")
        )
        return not str2bool(sync or "0", default=True)

    def _bulk_results(self, orders):
        # one karage.pos.bulk per bulk call: the admin follows its progress
        self._karage_bulk = self.env["karage.pos.bulk"]._karage_open(len(orders))
        try:
            return super()._bulk_results(orders)
        finally:
            self._karage_bulk = None

    def _karage_process(self, document, endpoint, started):
        """Log the accepted order and enqueue its job: a 202 means the order
        is durably queued (its checks ran in :meth:`_karage_accept`)."""
        if not self._karage_should_queue(endpoint):
            return super()._karage_process(document, endpoint, started)
        key = order_key(document)
        bulk = self._karage_bulk.id if self._karage_bulk else False
        log = self._log(endpoint, document, 202, {}, started, key, None, bulk_id=bulk)
        job = log._karage_enqueue(bulk=endpoint.endswith("bulk"))
        host_url = self.request.httprequest.host_url.rstrip("/")
        # a sale answers with its OrderID as sent, a refund with its key
        shown = key if is_refund(document) else document["OrderID"]
        body = answers.accepted(
            shown, job.uuid, f"{host_url}/api/v1/webhook/pos-order/{key}"
        )
        log._karage_link_job(job, body)
        return 202, body
