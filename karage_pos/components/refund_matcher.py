# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.tools import float_compare, float_is_zero

from odoo.addons.component.core import Component

from ..exceptions import KaragePosError, RetryLater
from ..schemas import normalize_order_id


class KaragePosRefundMatcher(Component):
    """Match a refund's items (OrderStatus 106) to the lines of its sale.

    A refund returns what its sale sold, no more: each item is matched to
    the sale's lines of the same product (OdooItemID, ItemID, ItemName, as
    a sale's products are found) and may return at most what they sold
    minus what earlier refunds returned. An item spread over several lines
    of the same product is split over them, in the sale's order.
    """

    _name = "karage.pos.refund.matcher"
    _inherit = "karage.pos.base"
    _usage = "refund.matcher"

    def sale(self, document, lock=False):
        """The refunded sale; ``lock`` serializes the refunds of one sale."""
        origin = normalize_order_id(document["OrderID"])
        sale = self.component(usage="duplicate.checker").existing_order(origin)
        if not sale:
            if self._sale_pending(origin):
                raise RetryLater(
                    f"Original order {origin} is accepted but not created yet: "
                    "the refund waits for it"
                )
            raise KaragePosError(
                f"Original order {origin} not found",
                details={"OrderID": [f"no sale {origin} was imported"]},
            )
        if lock:
            # a real update, not FOR UPDATE: a concurrent refund of the same
            # sale that began before this one commits fails to serialize and
            # runs again, seeing this refund's lines
            self.env.cr.execute(
                "UPDATE pos_order SET write_date = write_date WHERE id = %s",
                [sale.id],
            )
        return sale

    def _sale_pending(self, origin):
        """Whether sale ``origin`` will exist: a request is creating it now
        (its OrderID is claimed, processing); the queue addon adds sales
        waiting in the queue."""
        Claims = self.env["karage.pos.idempotency"].sudo()
        return bool(
            Claims.search_count(
                [
                    ("key", "=", origin),
                    ("kind", "=", "order"),
                    ("state", "=", "processing"),
                    ("company_id", "=", self.env.company.id),
                    # a claim left by a crash is no sale on its way
                    (
                        "processing_started_at",
                        ">",
                        fields.Datetime.now() - Claims._karage_timeout(),
                    ),
                ],
                limit=1,
            )
        )

    def _pending_sale(self, origin):
        """The accepted, not yet created sale ``origin`` (queue addon): its
        validated document; empty when there is none."""
        return {}

    def _pending_refunds(self, origin, key):
        """Validated documents of the refunds of ``origin`` accepted but not
        created yet, other than ``key`` (queue addon)."""
        return []

    def check(self, document, key):
        """Refuse at the door what the refund's creation would refuse.

        Counts what earlier refunds returned, created or still queued,
        against what the sale sold; the sale may itself still be queued.
        Serializes the refunds of one sale. Returns the sale, ``None`` when
        it is still queued.
        """
        origin = normalize_order_id(document["OrderID"])
        prior = self._pending_refunds(origin, key)
        try:
            sale = self.sale(document, lock=True)
        except RetryLater:
            pending = self._pending_sale(origin)
            if not pending:
                raise
            sale, rows = None, self._document_rows(pending)
        else:
            rows = self._sale_rows(sale)
        self._allocate(document, rows, origin, prior)
        return sale

    def allocate(self, document, sale):
        """``[[(sale line, quantity returned)]]``, one list per item."""
        origin = normalize_order_id(document["OrderID"])
        return self._allocate(document, self._sale_rows(sale), origin)

    @staticmethod
    def _sale_rows(sale):
        """``[(line, product, quantity left to refund)]`` of a created sale."""
        return [
            (line, line.product_id, line.qty - line.refunded_qty)
            for line in sale.sudo().lines
        ]

    def _document_rows(self, document):
        """The rows of a sale not created yet: its items' products."""
        resolver = self.component(usage="product.resolver")
        rows = []
        for index, item in enumerate(document["OrderItems"]):
            try:
                product = resolver.resolve(item, index)
            except KaragePosError:
                continue  # its own job reports it
            rows.append((None, product, item["Quantity"]))
        return rows

    def _allocate(self, document, rows, origin, prior=()):
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        remaining = [qty for __, __, qty in rows]
        for earlier in prior:
            left = list(remaining)
            try:
                self._take(earlier, rows, left, origin, digits)
            except KaragePosError:
                continue  # refused when its own job runs: returns nothing
            remaining[:] = left
        return self._take(document, rows, remaining, origin, digits)

    def _take(self, document, rows, remaining, origin, digits):
        allocation = []
        for index, item in enumerate(document["OrderItems"]):
            candidates = self._rows_of(item, rows)
            field = f"OrderItems.{index}"
            if not candidates:
                raise KaragePosError(
                    f"Refund of an item the sale did not have: {field} "
                    f"({self._describe(item)}) is not in order {origin}",
                    details={field: [f"not sold in order {origin}"]},
                )
            wanted = -item["Quantity"]
            available = sum(remaining[at] for at in candidates)
            if float_compare(wanted, available, precision_digits=digits) > 0:
                sold = sum(rows[at][2] for at in candidates)
                if rows[candidates[0]][0]:
                    sold = sum(rows[at][0].qty for at in candidates)
                raise KaragePosError(
                    f"Refund of more than was sold: {field} returns {wanted:g} "
                    f"{rows[candidates[0]][1].display_name}, order {origin} "
                    f"sold {sold:g} and {available:g} remain to refund",
                    details={
                        f"{field}.Quantity": [f"at most {available:g} (sold {sold:g})"]
                    },
                )
            parts = []
            for at in candidates:
                take = min(wanted, remaining[at])
                if float_compare(take, 0, precision_digits=digits) <= 0:
                    continue
                parts.append((rows[at][0], take))
                remaining[at] -= take
                wanted -= take
                if float_is_zero(wanted, precision_digits=digits):
                    break
            allocation.append(parts)
        return allocation

    @staticmethod
    def _rows_of(item, rows):
        """Indexes of the rows of the item's product, found as a sale's are."""
        for key, test in (
            ("OdooItemID", lambda product, value: product.id == value),
            ("ItemID", lambda product, value: product.karage_item_id == str(value)),
            ("ItemName", lambda product, value: product.name == value),
        ):
            value = item.get(key)
            if value in (None, ""):
                continue
            found = [at for at, row in enumerate(rows) if test(row[1], value)]
            if found:
                return found
        return []

    @staticmethod
    def _describe(item):
        return ", ".join(
            f"{key} {item[key]}"
            for key in ("OdooItemID", "ItemID", "ItemName")
            if item.get(key) not in (None, "")
        )
