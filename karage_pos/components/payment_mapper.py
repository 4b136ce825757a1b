# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.component.core import Component

from ..exceptions import KaragePosError
from ..schemas import is_refund

# the setup guide's words for an order Odoo cannot confirm
NOT_PAID = "Failed to confirm order: Order is not fully paid"
# where an operator maps a PaymentMode to a payment method
MAPPING_MENU = "Point of Sale → Karage → Payment Mode Mapping"


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
        mapping = self._memo(
            ("payment mode", mode, config.company_id.id),
            lambda: self.env["karage.pos.payment.mode"]._karage_find(
                mode, config.company_id
            ),
        )
        if not mapping:
            raise KaragePosError(
                f"Unknown PaymentMode {mode}: no payment mode mapping (add it "
                f"in {MAPPING_MENU})",
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
        elif not method and mapping.fallback == "pay_later":
            method = methods.filtered(lambda m: m.type == "pay_later")[:1]
        if not method:
            raise KaragePosError(
                f"No payment method configured for PaymentMode {mode} "
                f"({mapping.name}) on {config.name}: set its Payment Method in "
                f"{MAPPING_MENU}"
            )
        # Odoo's Customer Account (pay later, one receivable per customer)
        # has no journal by design; any other method needs one
        if not method.journal_id and not method.split_transactions:
            raise KaragePosError(f"Journal not found for payment method {method.name}")
        return method

    def payments(self, document, config):
        """``[(payment method, amount)]`` of the order's checkout details."""
        currency = config.currency_id
        return [
            (self.method_for(detail["PaymentMode"], config), currency.round(amount))
            for detail in document["CheckoutDetails"]
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

    def check_customer(self, payments, partner):
        """A payment of a method that identifies its customer (Customer
        Account, or any with split transactions) is owed by ``partner``."""
        credit = [method for method, __ in payments if method.split_transactions]
        if credit and not partner:
            raise KaragePosError(
                f"Credit payment needs a customer: {credit[0].name} is paid "
                "later by a customer the order names (partner_id or "
                "customer_ref)",
                details={"partner_id": ["required with a credit payment"]},
            )

    def check_change(self, document, total, debtor, exact=False, credit=True):
        """The payments against the order's total, before acceptance.

        ``total`` is Karage's own (GrandTotal, AmountTotal + Tax), or what
        Odoo will charge (``None``: not known yet). An order whose payments
        do not cover it is refused (no tax setting of Odoo can make it
        paid); a refund, or an ``exact`` order, must pay exactly its total;
        credit needs its ``debtor``; the change rule applies. Those rules are
        skipped when a payment mode is not mapped yet or the integration has
        no POS configuration: the order's creation reports those, for an
        operator to fix.
        """
        currency = self.env.company.currency_id
        paid = currency.round(sum(d["AmountPaid"] for d in document["CheckoutDetails"]))
        refund = is_refund(document)
        if total is not None:
            total = currency.round(total)
            compared = currency.compare_amounts(paid, total)
            if compared < 0 or ((refund or exact) and compared):
                what = "refund" if refund else "order"
                raise KaragePosError(
                    f"{NOT_PAID}: CheckoutDetails pay {paid:.2f} of the {what}'s "
                    f"total {total:.2f}"
                    + (" (a refund pays back exactly its total)" if refund else ""),
                    details={"total": total, "paid": paid},
                )
        try:
            config = self.component(usage="session.provider").config(document)
            payments = self.payments(document, config)
        except KaragePosError:
            return
        if credit:
            self.check_customer(payments, debtor)
        if total is not None and not refund:
            self.change(total, payments, config.currency_id)
