# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class KaragePosPaymentMode(models.Model):
    """Maps a Karage ``PaymentMode`` code to an Odoo POS payment method."""

    _name = "karage.pos.payment.mode"
    _description = "Karage POS Payment Mode Mapping"
    _order = "code, company_id"

    name = fields.Char(required=True, translate=True)
    code = fields.Integer(
        required=True, help="PaymentMode code sent by Karage (1 = Cash...)."
    )
    payment_method_id = fields.Many2one(
        "pos.payment.method",
        string="Payment Method",
        check_company=True,
        ondelete="restrict",
        help="Explicit Odoo payment method. Empty: the fallback below.",
    )
    fallback = fields.Selection(
        [
            ("cash", "Cash method of the POS"),
            ("bank", "Bank method of the POS"),
            ("pay_later", "Customer Account method of the POS"),
        ],
        help="Used when no payment method is set: the POS configuration's "
        "cash method, its first bank method, or its Customer Account "
        "(pay later) method.",
    )
    company_id = fields.Many2one(
        "res.company",
        help="Empty: the mapping applies to every company.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_company_unique",
            "UNIQUE NULLS NOT DISTINCT(code, company_id)",
            "A Karage payment mode can be mapped only once per company.",
        )
    ]

    @api.model
    def _karage_find(self, code, company):
        """Mapping of ``code`` for ``company``, company-specific first."""
        return self.search(
            [("code", "=", code), ("company_id", "in", [company.id, False])],
            order="company_id",
            limit=1,
        )
