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
        }
