# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.component.core import Component

from ..exceptions import KaragePosError


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
        result = []
        for detail in order["CheckoutDetails"]:
            amount = detail["AmountPaid"]
            if amount < 0:
                raise KaragePosError(
                    "Negative CheckoutDetails.AmountPaid is not supported",
                    status=400,
                )
            if amount:
                result.append((self.method_for(detail["PaymentMode"], config), amount))
        return result
