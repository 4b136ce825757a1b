# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.component.core import Component

from ..exceptions import DuplicateOrder
from ..models.pos_order import KARAGE_SOURCE
from ..schemas import normalize_order_id


class KaragePosDuplicateChecker(Component):
    """Refuse an OrderID that already became an Odoo order.

    The check gives the seed's message early; the unique constraint on
    ``pos.order`` is what guarantees it under concurrency.
    """

    _name = "karage.pos.duplicate.checker"
    _inherit = "karage.pos.base"
    _usage = "duplicate.checker"

    def existing_order(self, order_id):
        return (
            self.env["pos.order"]
            .sudo()
            .search(
                [
                    ("external_order_source", "=", KARAGE_SOURCE),
                    ("external_order_id", "=", normalize_order_id(order_id)),
                    ("company_id", "=", self.env.company.id),
                ],
                limit=1,
            )
        )

    def check(self, order):
        if self.existing_order(order["OrderID"]):
            raise self.duplicate_error(order["OrderID"])

    @staticmethod
    def duplicate_error(order_id):
        return DuplicateOrder(f"Duplicate order: OrderID {order_id} already exists")
