# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

import pytz

from odoo import fields
from odoo.tools import float_round

from odoo.addons.component.core import Component

from ..exceptions import InvalidPayload, KaragePosError, RetryLater
from ..schemas import (
    amounts,
    is_refund,
    karage_total,
    order_key,
    parse_order_date,
)
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

    # dates ------------------------------------------------------------------

    def utc_date(self, value):
        """Karage's OrderDate as naive UTC; naive means the configured zone.

        ``None`` when the moment cannot be expressed in UTC (year 1 with an
        offset east of Greenwich).
        """
        moment = parse_order_date(value)
        try:
            if moment.tzinfo is None:
                zone = pytz.timezone(self.env.company._karage_timezone())
                moment = zone.localize(moment)
            return moment.astimezone(pytz.utc).replace(tzinfo=None)
        except (OverflowError, ValueError):
            return None

    def date_window(self):
        """``(earliest, latest)`` OrderDate accepted, naive UTC."""
        Settings = self.env["res.config.settings"]
        raw = Settings._karage_setting("order_date_min")
        try:
            earliest = datetime.strptime(raw.strip(), "%Y-%m-%d")
        except (AttributeError, ValueError):
            earliest = datetime(2000, 1, 1)
        ahead = Settings._karage_setting("order_date_max_days_ahead")
        return earliest, fields.Datetime.now() + timedelta(days=max(ahead, 0))

    def _date_errors(self, document):
        moment = self.utc_date(document["OrderDate"])
        earliest, latest = self.date_window()
        if moment is None or not earliest <= moment <= latest:
            return {
                "OrderDate": [
                    f"must lie between {earliest:%Y-%m-%d} and "
                    f"{latest:%Y-%m-%d %H:%M} UTC (settings Earliest OrderDate "
                    "and OrderDate Days Ahead)"
                ]
            }
        return {}

    # lines --------------------------------------------------------------------

    def _line_count_errors(self, document):
        limit = self.env["res.config.settings"]._karage_setting("max_order_lines")
        count = len(document["OrderItems"])
        if limit > 0 and count > limit:
            return {
                "OrderItems": [
                    f"{count} lines exceed the maximum of {limit} lines per order "
                    "(setting Maximum Lines per Order)"
                ]
            }
        return {}

    def _quantity_errors(self, document):
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        step = 10**-digits
        resolver = self.component(usage="product.resolver")
        errors = {}
        for index, item in enumerate(document["OrderItems"]):
            qty = item["Quantity"]
            field = f"OrderItems.{index}.Quantity"
            if not _is_multiple(qty, step):
                errors[field] = [
                    f"{qty} has more than {digits} decimals (precision Product "
                    "Unit of Measure)"
                ]
                continue
            # the product's own unit may be coarser (whole units, dozens);
            # an unknown product is the order's creation to report
            try:
                product = resolver.resolve(item, index)
            except KaragePosError:
                continue
            message = self.uom_error(product, qty)
            if message:
                errors[field] = [message]
        return errors

    def uom_error(self, product, qty):
        """Why ``qty`` cannot be sold in ``product``'s unit, or ``None``."""
        uom = product.uom_id
        if uom.rounding and not _is_multiple(qty, uom.rounding):
            return (
                f"{qty} is finer than the rounding {uom.rounding:g} of the unit "
                f"{uom.name} of {product.display_name}"
            )
        return None

    # payments -----------------------------------------------------------------

    def _cent_errors(self, document):
        """Figures Odoo books (payments) or compares to the cent (totals)
        must be whole cents: 80.501 would be accepted as 80.50."""
        currency = self.env.company.currency_id
        return {
            field: [
                f"{amount} is not a whole amount of {currency.name} "
                f"(rounding {currency.rounding:g})"
            ]
            for field, amount in amounts(document)
            if amount is not None and not _is_multiple(amount, currency.rounding)
        }


def _is_multiple(value, step):
    """Whether ``value`` is a whole number of ``step`` (within float noise)."""
    steps = value / step
    # the division errs by a few units in the last place, and a client
    # that adds 500 line totals as floats by many more
    return abs(steps - float_round(steps, 0)) <= EPSILON + abs(steps) * 1e-11
