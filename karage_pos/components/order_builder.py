# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid
from decimal import ROUND_HALF_UP, Decimal

from odoo import fields
from odoo.tools import float_round

from odoo.addons.component.core import Component

from ..exceptions import InvalidPayload, KaragePosError
from ..models.pos_order import KARAGE_SOURCE
from ..schemas import (
    is_refund,
    karage_total,
    line_discount,
    line_gross,
    order_key,
    unit_price,
)
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

    def build(self, document, session):
        config = session.config_id
        currency = session.currency_id
        sale = None
        if is_refund(document):
            sale = self.component(usage="refund.matcher").sale(document, lock=True)
        customers = self.component(usage="customer.resolver")
        partner, invoiced, debtor = customers.for_order(document, sale)
        lines = self.lines(document, config, sale)
        total = currency.round(sum(line["price_subtotal_incl"] for line in lines))
        untaxed = currency.round(sum(line["price_subtotal"] for line in lines))
        mapper = self.component(usage="payment.mapper")
        payments = mapper.payments(document, config)
        mapper.check_customer(payments, debtor)
        paid = currency.round(sum(amount for __, amount in payments))
        self._check_amounts(document, lines, (total, untaxed), paid, currency)
        header = self._header(document, session)
        return {
            **header,
            "partner_id": partner.id,
            "to_invoice": invoiced,
            "amount_tax": currency.round(total - untaxed),
            "amount_total": total,
            "amount_paid": paid,
            "amount_return": 0.0 if sale else mapper.change(total, payments, currency),
            "lines": [(0, 0, line) for line in lines],
            "payment_ids": [
                (0, 0, self._payment(method, amount, header["date_order"]))
                for method, amount in payments
            ],
        }

    @staticmethod
    def _payment(method, amount, date):
        return {"amount": amount, "payment_method_id": method.id, "payment_date": date}

    def _header(self, document, session):
        """Where and when: session, dates, identity of the order."""
        config = session.config_id
        key = order_key(document)
        date_order = fields.Datetime.to_string(
            self.component(usage="order.checker").utc_date(document["OrderDate"])
        )
        return {
            "uuid": str(uuid.uuid5(UUID_NAMESPACE, f"{config.company_id.id}/{key}")),
            "session_id": session.id,
            "user_id": self.env.uid,
            "date_order": date_order,
            "pricelist_id": config.pricelist_id.id,
            "fiscal_position_id": config.default_fiscal_position_id.id,
            "external_order_id": key,
            "external_order_source": KARAGE_SOURCE,
        }

    def lines(self, document, config, sale=None):
        """The ``pos.order.line`` values of ``document`` (of a refund:
        matched to the lines of ``sale``)."""
        currency = config.currency_id
        if sale is None:
            return [
                self._line(item, index, config, currency)
                for index, item in enumerate(document["OrderItems"])
            ]
        allocation = self.component(usage="refund.matcher").allocate(document, sale)
        return [
            self._refund_line(item, line, -qty, currency)
            for item, parts in zip(document["OrderItems"], allocation, strict=True)
            for line, qty in parts
        ]

    def totals(self, document, config, sale=None):
        """``(total, untaxed)`` Odoo will charge for ``document``, before
        creating anything."""
        currency = config.currency_id
        lines = self.lines(document, config, sale)
        return (
            currency.round(sum(line["price_subtotal_incl"] for line in lines)),
            currency.round(sum(line["price_subtotal"] for line in lines)),
        )

    def _line(self, item, index, config, currency):
        product = self.component(usage="product.resolver").resolve(item, index)
        qty = item["Quantity"]
        uom_error = self.component(usage="order.checker").uom_error(product, qty)
        if uom_error:
            raise InvalidPayload(
                f"Invalid payload: OrderItems.{index}.Quantity: {uom_error}",
                details={f"OrderItems.{index}.Quantity": [uom_error]},
            )
        price = unit_price(item)
        gross = abs(line_gross(item))
        # at most the line amount (checked with the payload)
        discount_amount = min(line_discount(item), gross)
        # pos.order.line.discount is stored unrounded (digits=0): keep the
        # exact percentage so that price * qty * (1 - d) is the cent Karage
        # meant; rounding it here would drift on large amounts. It is aimed
        # at the line's net rounded half-up to the cent: aimed at the raw
        # net, a net on a half cent (6.245 - 6.24) comes back from the
        # percentage as 0.004999... and Odoo rounds it down.
        discount = 0.0
        if gross and discount_amount:
            net = _net_in_cents(price, item["Quantity"], discount_amount, currency)
            discount = (1.0 - net / gross) * 100.0
        taxes = product.taxes_id.filtered_domain(
            self.env["account.tax"]._check_company_domain(config.company_id)
        )
        taxes = config.default_fiscal_position_id.map_tax(taxes)
        return self._values(item, product, qty, price, discount, taxes, currency)

    def _refund_line(self, item, refunded, qty, currency):
        """A line returning ``qty`` of the sale line ``refunded``: what the
        sale charged is what is given back (its price, discount and taxes,
        as Odoo's own refunds do); Karage's figures are checked against it."""
        values = self._values(
            item,
            refunded.product_id,
            qty,
            refunded.price_unit,
            refunded.discount,
            refunded.tax_ids,
            currency,
        )
        values["refunded_orderline_id"] = refunded.id
        return values

    def _values(self, item, product, qty, price, discount, taxes, currency):
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

    def _check_amounts(self, document, lines, totals, paid, currency):
        """Refuse what Odoo would not confirm.

        Karage's own total and tax must be Odoo's to the cent: GrandTotal,
        else AmountTotal + Tax, else (later payloads without Tax and
        GrandTotal) AmountTotal, with tax or before tax. The payments must
        cover the total; a refund pays back exactly its total, and so does
        an order whose AmountTotal is before tax (its change could not be
        told from a tax Karage charged and Odoo did not).
        """
        total, untaxed = totals
        tax = currency.round(total - untaxed)
        sent_total, exact = self.sent_total(document, totals, currency)
        sent_tax = document.get("Tax")
        mismatch = currency.compare_amounts(sent_total, total) or (
            sent_tax is not None and currency.compare_amounts(sent_tax, tax)
        )
        compared = currency.compare_amounts(paid, total)
        short = compared < 0 or ((exact or is_refund(document)) and compared)
        if mismatch or short:
            sent = f"total {sent_total:.2f}"
            if sent_tax is not None:
                sent += f" (tax {sent_tax:.2f})"
            raise KaragePosError(
                f"{NOT_PAID}: Karage sent {sent}, paid {paid:.2f}; Odoo computes "
                f"total {total:.2f} (tax {tax:.2f}) from the products' taxes",
                details=self._amount_details(document, lines, total, tax, paid),
            )
        for line in lines:
            line.pop("_karage")

    @staticmethod
    def sent_total(document, totals, currency):
        """``(Karage's total, exact)``: see :meth:`_check_amounts`."""
        sent = karage_total(document)
        if sent is not None:
            return sent, False
        total, untaxed = totals
        amount = document["AmountTotal"]
        if currency.compare_amounts(amount, total) == 0:
            return amount, False
        if currency.compare_amounts(amount, untaxed) == 0:
            return total, True
        return amount, False

    def _amount_details(self, document, lines, total, tax, paid):
        tax_percent = document.get("TaxPercent") or 0.0
        details = []
        for index, line in enumerate(lines):
            item = line["_karage"]["item"]
            gross = line_gross(item)
            sign = -1.0 if gross < 0 else 1.0
            net = gross - sign * line_discount(item)
            details.append(
                {
                    "line": index,
                    "product": line["full_product_name"],
                    "karage": {
                        "price": unit_price(item),
                        "quantity": item["Quantity"],
                        "discount_amount": line_discount(item),
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
                "total": karage_total(document),
                "tax": document.get("Tax"),
                "paid": paid,
            },
            "odoo": {"total": total, "tax": tax},
            "lines": details,
        }


def _net_in_cents(price, qty, discount, currency):
    """|Price × Quantity| − discount, rounded half-up to the currency's
    cent on the decimals Karage wrote: in binary floats 0.99 × 106.5 −
    105.43 is 0.004999…, which rounds to 0.00 where Karage means 0.01."""
    exact = abs(Decimal(repr(price)) * Decimal(repr(qty))) - Decimal(repr(discount))
    step = Decimal(repr(currency.rounding))
    return float((exact / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step)
