# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid

from odoo import fields
from odoo.tools import float_round

from odoo.addons.component.core import Component

from ..exceptions import InvalidPayload, KaragePosError
from ..models.pos_order import KARAGE_SOURCE
from ..schemas import normalize_order_id
from .payment_mapper import NOT_PAID

UUID_NAMESPACE = uuid.UUID("6f1d2c1e-5b7a-4c53-9a43-2f4b8c7e9d10")


class KaragePosOrderBuilder(Component):
    """Build the values Odoo's POS order path expects from a Karage order.

    Line figures come from Odoo's tax engine on the product's taxes (never
    from the payload), with Karage's absolute line discount turned into an
    unrounded percentage so that no cent is lost. The order is refused when
    what Karage charged differs from what Odoo computes.
    """

    _name = "karage.pos.order.builder"
    _inherit = "karage.pos.base"
    _usage = "order.builder"

    def build(self, order, session):
        config = session.config_id
        currency = session.currency_id
        lines = [
            self._line(item, index, config, currency)
            for index, item in enumerate(order["OrderItems"])
        ]
        total = currency.round(sum(line["price_subtotal_incl"] for line in lines))
        untaxed = currency.round(sum(line["price_subtotal"] for line in lines))
        tax = currency.round(total - untaxed)
        mapper = self.component(usage="payment.mapper")
        payments = mapper.payments(order, config)
        paid = currency.round(sum(amount for __, amount in payments))
        self._check_amounts(order, lines, total, tax, paid, currency)
        change = mapper.change(total, payments, currency)
        date_order = fields.Datetime.to_string(
            self.component(usage="order.checker").utc_date(order["OrderDate"])
        )
        external_id = normalize_order_id(order["OrderID"])
        return {
            "uuid": str(
                uuid.uuid5(UUID_NAMESPACE, f"{config.company_id.id}/{external_id}")
            ),
            "session_id": session.id,
            "user_id": self.env.uid,
            "date_order": date_order,
            "pricelist_id": config.pricelist_id.id,
            "fiscal_position_id": config.default_fiscal_position_id.id,
            "partner_id": False,
            "to_invoice": False,
            "amount_tax": tax,
            "amount_total": total,
            "amount_paid": paid,
            "amount_return": change,
            "lines": [(0, 0, line) for line in lines],
            "payment_ids": [
                (
                    0,
                    0,
                    {
                        "amount": amount,
                        "payment_method_id": method.id,
                        "payment_date": date_order,
                    },
                )
                for method, amount in payments
            ],
            "external_order_id": external_id,
            "external_order_source": KARAGE_SOURCE,
        }

    def _line(self, item, index, config, currency):
        product = self.component(usage="product.resolver").resolve(item, index)
        qty = item["Quantity"]
        price = item["Price"]
        gross = price * qty
        # at most the line amount (checked with the payload)
        discount_amount = min(item.get("DiscountAmount") or 0.0, gross)
        uom_error = self.component(usage="order.checker").uom_error(product, qty)
        if uom_error:
            raise InvalidPayload(
                f"Invalid payload: OrderItems.{index}.Quantity: {uom_error}",
                details={f"OrderItems.{index}.Quantity": [uom_error]},
            )
        # pos.order.line.discount is stored unrounded (digits=0): keep the
        # exact percentage so that price * qty * (1 - d) is the cent Karage
        # meant; rounding it here would drift on large amounts. It is aimed
        # at the line's net rounded half-up to the cent: aimed at the raw
        # net, a net on a half cent (6.245 - 6.24) comes back from the
        # percentage as 0.004999... and Odoo rounds it down.
        discount = 0.0
        if gross and discount_amount:
            net = currency.round(gross - discount_amount)
            discount = (1.0 - net / gross) * 100.0
        company = config.company_id
        taxes = product.taxes_id.filtered_domain(
            self.env["account.tax"]._check_company_domain(company)
        )
        taxes = config.default_fiscal_position_id.map_tax(taxes)
        computed = taxes.compute_all(
            price * (1 - discount / 100.0), currency, qty, product=product
        )
        return {
            "product_id": product.id,
            "full_product_name": product.display_name,
            "qty": qty,
            "price_unit": price,
            "discount": discount,
            "tax_ids": [(6, 0, taxes.ids)],
            "price_subtotal": computed["total_excluded"],
            "price_subtotal_incl": computed["total_included"],
            "_karage": {
                "item": item,
                "taxes": [
                    {"name": t["name"], "amount": t["amount"]}
                    for t in computed["taxes"]
                ],
            },
        }

    def _check_amounts(self, order, lines, total, tax, paid, currency):
        """Refuse what Odoo would not confirm."""
        sent_total = order.get("GrandTotal")
        if sent_total is None:
            sent_total = order["AmountTotal"] + order["Tax"]
        mismatch = currency.compare_amounts(
            sent_total, total
        ) or currency.compare_amounts(order["Tax"], tax)
        short = currency.compare_amounts(paid, total) < 0
        if mismatch or short:
            raise KaragePosError(
                f"{NOT_PAID}: Karage sent total {sent_total:.2f} (tax "
                f"{order['Tax']:.2f}, paid {paid:.2f}), Odoo computes total "
                f"{total:.2f} (tax {tax:.2f}) from the products' taxes",
                details=self._amount_details(order, lines, total, tax, paid),
            )
        for line in lines:
            line.pop("_karage")

    def _amount_details(self, order, lines, total, tax, paid):
        tax_percent = order.get("TaxPercent") or 0.0
        details = []
        for index, line in enumerate(lines):
            item = line["_karage"]["item"]
            net = item["Price"] * item["Quantity"] - (item.get("DiscountAmount") or 0)
            details.append(
                {
                    "line": index,
                    "product": line["full_product_name"],
                    "karage": {
                        "price": item["Price"],
                        "quantity": item["Quantity"],
                        "discount_amount": item.get("DiscountAmount") or 0.0,
                        "tax_percent": tax_percent,
                        "subtotal": float_round(net, 2),
                        "total": float_round(net * (1 + tax_percent / 100.0), 2),
                    },
                    "odoo": {
                        "subtotal": line["price_subtotal"],
                        "tax": float_round(
                            line["price_subtotal_incl"] - line["price_subtotal"], 2
                        ),
                        "total": line["price_subtotal_incl"],
                        "taxes": line["_karage"]["taxes"],
                    },
                }
            )
        return {
            "karage": {
                "total": order.get("GrandTotal"),
                "tax": order["Tax"],
                "paid": paid,
            },
            "odoo": {"total": total, "tax": tax},
            "lines": details,
        }
