# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


from odoo.addons.component.core import Component

from ..exceptions import InvalidPayload, KaragePosError, RetryLater
from ..schemas import is_refund, karage_total, order_key
from .payment_mapper import NOT_PAID

# float noise tolerated on a figure that must be a whole multiple of a step
# (0.1 + 0.2 is 0.30000000000000004, and is 0.30)
EPSILON = 1e-6


class KaragePosOrderChecker(Component):
    """Refuse at the door what Odoo could not store or book exactly.

    Runs before an order is accepted, in both modes, on a validated
    payload: the limits of the settings, an OrderDate in the plausible
    window, quantities the unit of measure can hold, payments in whole
    cents and change given only in cash. Everything here is the sender's
    to fix, so it is a 400 (or a 422 for the payment rule) naming the
    field; what an operator must fix (an unknown product or payment mode)
    is left to the order's creation.
    """

    _name = "karage.pos.order.checker"
    _inherit = "karage.pos.base"
    _usage = "order.checker"

    def check(self, document):
        errors = {}
        errors.update(self._line_count_errors(document))
        errors.update(self._date_errors(document))
        errors.update(self._quantity_errors(document))
        errors.update(self._cent_errors(document))
        if errors:
            raise InvalidPayload(
                "Invalid payload: "
                + "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(errors.items())),
                details=errors,
            )
        sale = self._refunded_sale(document) if is_refund(document) else None
        __, __, debtor = self.component(usage="customer.resolver").for_order(
            document, sale
        )
        total, exact = karage_total(document), False
        if total is None:
            total, exact = self._odoo_total(document, sale)
        self.component(usage="payment.mapper").check_change(
            document,
            total,
            debtor,
            exact=exact,
            # a refund of a sale still queued: checked when the sale exists
            credit=sale is not None or not is_refund(document),
        )

    def _refunded_sale(self, document):
        """The sale a refund refunds, its items checked against the sale's
        lines; ``None`` while the sale waits in the queue (its job checks
        the refund once the sale exists)."""
        try:
            return self.component(usage="refund.matcher").check(
                document, order_key(document)
            )
        except RetryLater:
            return None

    def _odoo_total(self, document, sale):
        """``(total, exact)`` of an order that sends no Tax nor GrandTotal:
        what Odoo will charge, once its AmountTotal is found to be that
        total (with or before tax, see the builder's ``sent_total``).
        ``(None, False)`` when it cannot be known yet (an unknown product, a
        sale still queued): the order's creation checks it."""
        if is_refund(document) and sale is None:
            return None, False
        builder = self.component(usage="order.builder")
        try:
            config = self.component(usage="session.provider").config(document)
            totals = builder.totals(document, config, sale)
        except KaragePosError:
            return None, False
        currency = config.currency_id
        sent, exact = builder.sent_total(document, totals, currency)
        if currency.compare_amounts(sent, totals[0]):
            raise KaragePosError(
                f"{NOT_PAID}: Karage sent AmountTotal {sent:.2f} without Tax nor "
                f"GrandTotal; Odoo computes total {totals[0]:.2f} (before tax "
                f"{totals[1]:.2f}) from the products' taxes",
                details={"total": totals[0], "untaxed": totals[1], "sent": sent},
            )
        return totals[0], exact
