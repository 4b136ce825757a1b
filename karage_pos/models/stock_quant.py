# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy

from psycopg2 import errors

from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL, float_compare

# set by Karage's order creation: a quant changed since the transaction began
# is passed over like a quant another transaction holds
FRESH_QUANTS = "karage_pos_fresh_quants"
_PASSED_OVER = "karage_pos_quants_passed_over"


class StockQuant(models.Model):
    """Book a Karage order's stock without meeting a serialization failure.

    Odoo moves stock on the first quant of the product and location that no
    other transaction holds (``FOR NO KEY UPDATE SKIP LOCKED``), and creates
    a new quant when every one is held. Under REPEATABLE READ a quant another
    order changed *and committed* since this transaction began cannot be
    locked either: PostgreSQL raises a serialization failure and the whole
    order is made again. With orders of one product booked in parallel that
    was one order in five, each time most of an order's cost.

    Under :data:`FRESH_QUANTS` such a quant is passed over like a held one:
    the stock moves on a quant this transaction can lock, or on a new quant,
    as Odoo does when every quant is held. The quantity on hand is the same;
    Odoo's scheduler merges the quants of one product and location
    (``_quant_tasks``). Two cases keep Odoo's outcome, the order made again
    on fresh stock: lots, and stock leaving a location where other move
    lines hold reservations (Odoo frees them by the available quantity,
    which a quant changed meanwhile would misstate).
    """

    _inherit = "stock.quant"

    @api.model
    def _get_gather_domain(
        self,
        product_id,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
    ):
        domain = super()._get_gather_domain(
            product_id, location_id, lot_id, package_id, owner_id, strict
        )
        passed_over = self.env.context.get(_PASSED_OVER)
        if passed_over:
            domain = expression.AND([domain, [("id", "not in", passed_over)]])
        return domain

    @api.model
    def _update_available_quantity(
        self,
        product_id,
        location_id,
        quantity=False,
        reserved_quantity=False,
        lot_id=None,
        package_id=None,
        owner_id=None,
        in_date=None,
    ):
        args = (product_id, location_id, quantity, reserved_quantity)
        kwargs = {"lot_id": lot_id, "package_id": package_id, "owner_id": owner_id}
        if not self.env.context.get(FRESH_QUANTS) or lot_id:
            # lots keep Odoo's own path: their available quantity decides
            # what is taken from untracked quants
            return super()._update_available_quantity(*args, in_date=in_date, **kwargs)
        quants = self.sudo()._gather(product_id, location_id, strict=True, **kwargs)
        rounding = product_id.uom_id.rounding
        if float_compare(reserved_quantity or 0, 0, precision_rounding=rounding) < 0:
            # released from the quant that holds the reservation (this
            # transaction's own, so lockable), not clamped on another one
            quants = quants.sorted(
                lambda quant: float_compare(
                    quant.reserved_quantity,
                    -reserved_quantity,
                    precision_rounding=rounding,
                )
                < 0
            )
        usable, stale = self._karage_first_lockable(quants)
        passed_over = quants - usable
        if not passed_over:
            return super()._update_available_quantity(*args, in_date=in_date, **kwargs)
        if (
            stale
            and float_compare(quantity or 0, 0, precision_rounding=rounding) < 0
            and self._karage_reservations_held(product_id, location_id)
        ):
            raise stale
        if not location_id.should_bypass_reservation():
            # the incoming date Odoo takes from every quant, passed over or not
            in_date = min(
                [in_date] * bool(in_date)
                + [
                    quant.in_date
                    for quant in quants
                    if quant.in_date
                    and float_compare(
                        quant.quantity,
                        0,
                        precision_rounding=quant.product_uom_id.rounding,
                    )
                    > 0
                ],
                default=None,
            )
        context = {_PASSED_OVER: passed_over.ids}
        # the quants a picking's validation prefetched, where Odoo's gather
        # looks first: passed over in a copy, the caller's keeps them all
        prefetched = self.env.context.get("quants_cache")
        if prefetched is not None:
            context["quants_cache"] = copy.copy(prefetched)
            for key, quants_of_key in prefetched.items():
                context["quants_cache"][key] = quants_of_key - passed_over
        __, in_date = super(
            StockQuant, self.with_context(**context)
        )._update_available_quantity(*args, in_date=in_date, **kwargs)
        if prefetched is not None:
            # with the quant Odoo may have created meanwhile
            for key, quants_of_key in context["quants_cache"].items():
                prefetched[key] |= quants_of_key
        # over every quant, as Odoo counts it
        available = self._get_available_quantity(
            product_id, location_id, strict=True, allow_negative=True, **kwargs
        )
        return available, in_date

    def _karage_first_lockable(self, quants):
        """``(quant, error)``: the first of ``quants`` this transaction
        locks (or none), and the serialization failure of a quant changed
        since it began, if one was met.

        Each is tried in a savepoint: held by another transaction it is
        skipped, changed by one committed since this transaction began it
        fails to serialize; either way the next is tried.
        """
        cr = self.env.cr
        stale = None
        for quant in quants:
            try:
                with cr.savepoint(flush=False):
                    cr.execute(
                        SQL(
                            "SELECT id FROM stock_quant WHERE id = %s"
                            " FOR NO KEY UPDATE SKIP LOCKED",
                            quant.id,
                        ),
                        log_exceptions=False,
                    )
                    if cr.fetchone():
                        return quant, stale
            except errors.SerializationFailure as error:
                stale = error
        return quants.browse(), stale

    @api.model
    def _karage_reservations_held(self, product_id, location_id):
        """Whether open move lines of other pickings hold stock of the
        product here: what Odoo's ``_free_reservation`` would release."""
        if location_id.should_bypass_reservation():
            return False
        return bool(
            self.env["stock.move.line"]
            .sudo()
            .search_count(
                [
                    ("state", "not in", ["done", "cancel"]),
                    ("product_id", "=", product_id.id),
                    ("location_id", "=", location_id.id),
                    ("quantity_product_uom", ">", 0.0),
                    ("picked", "=", False),
                ],
                limit=1,
            )
        )
