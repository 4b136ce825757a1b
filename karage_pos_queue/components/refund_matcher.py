# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.addons.component.core import Component
from odoo.addons.karage_pos.schemas import REFUND_MARK, validate_order

from ..models.karage_pos_webhook_log import WAITING_JOB_STATES


class KaragePosRefundMatcher(Component):
    """Refunds of sales, or next to refunds, still waiting in the queue.

    A refund of a sale still queued is accepted once checked against the
    sale's accepted content: its job runs again until the sale exists (jobs
    of one OrderID may run in any order). Refunds of one sale still queued
    count against what the sale sold, so that a 202 is never followed by a
    refund refused in its job.
    """

    _inherit = "karage.pos.refund.matcher"

    def _waiting_logs(self, domain):
        return (
            self.env["karage.pos.webhook.log"]
            .sudo()
            .search(
                domain
                + [
                    ("company_id", "=", self.env.company.id),
                    ("pos_order_id", "=", False),
                    ("job_id.state", "in", WAITING_JOB_STATES),
                ],
                order="id",
            )
        )

    def _sale_pending(self, origin):
        return super()._sale_pending(origin) or bool(
            self._waiting_logs([("external_order_id", "=", origin)])[:1]
        )

    def _pending_sale(self, origin):
        log = self._waiting_logs([("external_order_id", "=", origin)])[:1]
        if not log:
            return {}
        # serializes the refunds of a sale not created yet, as the sale's
        # row does once it exists
        self.env.cr.execute(
            "UPDATE karage_pos_webhook_log SET write_date = write_date "
            "WHERE id = %s",
            [log.id],
        )
        return self._document(log) or {}

    def _pending_refunds(self, origin, key):
        prefix = origin.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        logs = self._waiting_logs(
            [
                ("external_order_id", "=like", f"{prefix}{REFUND_MARK}%"),
                ("external_order_id", "!=", key),
            ]
        )
        # one document per refund: a refund accepted twice (the same
        # content while its job waited) returns its goods once
        documents = {}
        for log in logs:
            documents.setdefault(log.external_order_id, self._document(log))
        return [document for document in documents.values() if document]

    @staticmethod
    def _document(log):
        document, errors = validate_order(json.loads(log.payload or "null"))
        return None if errors else document
