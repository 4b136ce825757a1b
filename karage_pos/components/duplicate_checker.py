# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.component.core import Component

from ..exceptions import DuplicateOrder
from ..models.pos_order import KARAGE_SOURCE
from ..schemas import normalize_order_id, order_key, refund_origin

# the memo key of the order keys a request knows have no order (see
# KaragePosDuplicateChecker.existing_order)
NO_ORDER = "karage_pos_no_order"


class KaragePosDuplicateChecker(Component):
    """Refuse an OrderID that already became an Odoo order.

    The check gives the seed's message early; the unique constraint on
    ``pos.order`` is what guarantees it under concurrency.
    """

    _name = "karage.pos.duplicate.checker"
    _inherit = "karage.pos.base"
    _usage = "duplicate.checker"

    def existing_order(self, order_id):
        """The order imported under ``order_id`` (an order key: a refund's
        is ``<OrderID>:refund[:<RefundID>]``).

        A request that creates no order and whose claims found none under
        a key (read after its snapshot) lists the key in its memo
        (``NO_ORDER``): no search for it.
        """
        key = normalize_order_id(order_id)
        memo = getattr(self.work, "memo", None) or {}
        if key in memo.get(NO_ORDER, ()):
            return self.env["pos.order"]
        return (
            self.env["pos.order"]
            .sudo()
            .search(
                [
                    ("external_order_source", "=", KARAGE_SOURCE),
                    ("external_order_id", "=", key),
                    ("company_id", "=", self.env.company.id),
                ],
                limit=1,
            )
        )

    def check(self, document):
        key = order_key(document)
        if self.existing_order(key):
            raise self.duplicate_error(key)

    @staticmethod
    def duplicate_error(key):
        """The seed's words for a sale; a refund is named by its key."""
        sale = refund_origin(key)
        if sale is None:
            return DuplicateOrder(f"Duplicate order: OrderID {key} already exists")
        return DuplicateOrder(
            f"Duplicate refund: {key} (a refund of OrderID {sale}) already exists; "
            "send another RefundID for another refund of the same sale"
        )
