# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

KARAGE_SOURCE = "karage_pos_webhook"


class PosOrder(models.Model):
    _inherit = "pos.order"

    external_order_id = fields.Char(
        string="External Order ID",
        index=True,
        readonly=True,
        copy=False,
        help="OrderID of the sale in the external POS (Karage).",
    )
    external_order_source = fields.Char(
        index=True,
        readonly=True,
        copy=False,
        help="System the order came from, e.g. karage_pos_webhook.",
    )

    _sql_constraints = [
        (
            "external_order_unique",
            "UNIQUE(external_order_source, external_order_id, company_id)",
            "This external order was already imported.",
        )
    ]

    def _karage_success_envelope(self, external_order_id):
        """The webhook's success answer for this order."""
        return {
            "status": "success",
            "data": self._karage_response_data(external_order_id),
            "error": None,
            "count": 1,
        }

    def _karage_response_data(self, external_order_id):
        """The ``data`` part of the webhook's success envelope."""
        self.ensure_one()
        return {
            "id": self.id,
            "name": self.name,
            "pos_reference": self.pos_reference,
            "amount_total": self.amount_total,
            "amount_paid": self.amount_paid,
            "amount_tax": self.amount_tax,
            "state": self.state,
            "date_order": fields.Datetime.to_string(self.date_order),
            "external_order_id": external_order_id,
            **self._karage_related_data(),
        }

    def _karage_related_data(self):
        """Customer, invoice, refunded sale and refunds, where there are."""
        data = {}
        if self.partner_id:
            data["partner_id"] = self.partner_id.id
        if self.account_move:
            data["invoice"] = self.account_move.name
        if self.refunded_order_id:
            data["refunded_order"] = self.refunded_order_id.external_order_id
        refunds = self.lines.refund_orderline_ids.order_id.sorted("id")
        if refunds:
            data["refunds"] = [
                {
                    "external_order_id": refund.external_order_id,
                    "name": refund.name,
                    "amount_total": refund.amount_total,
                    "state": refund.state,
                }
                for refund in refunds
            ]
        return data
