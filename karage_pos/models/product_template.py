# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    karage_item_id = fields.Char(
        string="Karage Item ID",
        index=True,
        copy=False,
        help="Legacy ItemID of this product in Karage, used when a sale "
        "carries no OdooItemID.",
    )
