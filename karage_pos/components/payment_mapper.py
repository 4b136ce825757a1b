# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.component.core import Component

from ..exceptions import KaragePosError

# the setup guide's words for an order Odoo cannot confirm
NOT_PAID = "Failed to confirm order: Order is not fully paid"


class KaragePosPaymentMapper(Component):
    """Turn Karage's CheckoutDetails into POS payment method amounts.

    An explicit mapping (Point of Sale → Karage → Payment Mode Mapping) wins;
    otherwise Cash goes to the configuration's cash method and Card / Bank
    Transfer to its first bank method.
    """

    _name = "karage.pos.payment.mapper"
    _inherit = "karage.pos.base"
    _usage = "payment.mapper"

    def method_for(self, mode, config):
        methods = config.payment_method_ids
        mapping = self.env["karage.pos.payment.mode"]._karage_find(
            mode, config.company_id
        )
        if not mapping:
            raise KaragePosError(
                f"Unknown PaymentMode {mode}: no payment mode mapping",
                details={"PaymentMode": mode},
            )
        method = mapping.payment_method_id
        if method and method not in methods:
            raise KaragePosError(
                f"Payment method {method.name} (PaymentMode {mode}) is not "
                f"configured on {config.name}"
            )
        if not method and mapping.fallback == "cash":
            method = methods.filtered("is_cash_count")[:1]
        elif not method and mapping.fallback == "bank":
            method = methods.filtered(
                lambda m: not m.is_cash_count and m.journal_id.type == "bank"
            )[:1]
        if not method:
            raise KaragePosError(
                f"No payment method configured for PaymentMode {mode} "
                f"({mapping.name}) on {config.name}"
            )
        if not method.journal_id:
            raise KaragePosError(f"Journal not found for payment method {method.name}")
        return method

    def payments(self, order, config):
        """``[(payment method, amount)]`` of the order's checkout details."""
        currency = config.currency_id
        return [
            (self.method_for(detail["PaymentMode"], config), currency.round(amount))
            for detail in order["CheckoutDetails"]
            if (amount := detail["AmountPaid"])
        ]

    def change(self, total, payments, currency):
        """The change given back in cash; refuse an overpayment otherwise.

        Change is given only in cash and never more than the cash tendered:
        what was paid beyond the total by card would overstate the bank and
        leave the drawer short.
        """
        paid = currency.round(sum(amount for __, amount in payments))
        change = currency.round(paid - total)
        if currency.compare_amounts(change, 0) <= 0:
            return 0.0
        cash = currency.round(
            sum(amount for method, amount in payments if method.is_cash_count)
        )
        if currency.compare_amounts(change, cash) > 0:
            raise KaragePosError(
                f"Overpaid by non-cash payments: paid {paid:.2f} for a total of "
                f"{total:.2f}, a change of {change:.2f}, but only {cash:.2f} was "
                "paid in cash; change is given only in cash",
                details={
                    "total": total,
                    "paid": paid,
                    "change": change,
                    "cash_tendered": cash,
                },
            )
        return change

    def check_change(self, order):
        """The payments against Karage's own total, before acceptance.

        An order whose payments do not cover its own total is refused (no
        tax setting of Odoo can make it paid), and the change rule applies.
        The change rule is skipped when a payment mode is not mapped yet or
        the integration has no POS configuration: the order's creation
        reports those, for an operator to fix.
        """
        currency = self.env.company.currency_id
        total = order.get("GrandTotal")
        if total is None:
            total = order["AmountTotal"] + order["Tax"]
        total = currency.round(total)
        paid = currency.round(sum(d["AmountPaid"] for d in order["CheckoutDetails"]))
        if currency.compare_amounts(paid, total) < 0:
            raise KaragePosError(
                f"{NOT_PAID}: CheckoutDetails pay {paid:.2f} of the order's total "
                f"{total:.2f}",
                details={"total": total, "paid": paid},
            )
        try:
            config = self.component(usage="session.provider").config()
            payments = self.payments(order, config)
        except KaragePosError:
            return
        self.change(total, payments, config.currency_id)
