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
