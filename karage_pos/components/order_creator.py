# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.component.core import Component

from ..exceptions import KaragePosError
from ..models.stock_quant import FRESH_QUANTS
from .payment_mapper import NOT_PAID

PAID_STATES = ("paid", "done", "invoiced")


class KaragePosOrderCreator(Component):
    """Create the order through Odoo's native POS order path and verify it.

    ``pos.order._process_order`` is what ``sync_from_ui`` runs for each new
    order (lines, payments, ``action_pos_order_paid``, picking). It only logs
    a failure to mark the order paid, so the result is checked here.
    """

    _name = "karage.pos.order.creator"
    _inherit = "karage.pos.base"
    _usage = "order.creator"

    def create_order(self, values):
        # an invoice is posted, not rendered nor emailed at once: sending
        # it is the accountant's choice (Invoicing), and a PDF per order
        # would cost more than the order; the stock is booked on a quant no
        # concurrent order changed meanwhile, not made again over it
        PosOrder = self.env["pos.order"].with_context(
            generate_pdf=False, **{FRESH_QUANTS: True}
        )
        order = PosOrder.browse(PosOrder._process_order(values, False))
        order._ensure_access_token()
        self._verify(order, values)
        return order

    def _verify(self, order, values):
        currency = order.currency_id
        if order.state not in PAID_STATES or currency.compare_amounts(
            order.amount_paid, order.amount_total
        ):
            raise KaragePosError(f"{NOT_PAID}: Odoo left {order.name} unpaid")
        if currency.compare_amounts(order.amount_total, values["amount_total"]):
            raise KaragePosError(
                f"{NOT_PAID}: Odoo total {order.amount_total} differs from the "
                f"computed {values['amount_total']}"
            )
