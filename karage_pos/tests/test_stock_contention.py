# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import closing, contextmanager

from psycopg2 import errors

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

from odoo.addons.karage_pos.models.stock_quant import FRESH_QUANTS


@tagged("post_install", "-at_install")
class TestStockContention(BaseCase):
    """Two orders of one product booked at once, in real transactions.

    The test cursor cannot be used: one snapshot must be taken before
    another transaction commits, so each transaction has its own connection
    and what they commit is removed afterwards.
    """

    @contextmanager
    def _transaction(self, **context):
        with closing(db_connect(get_db_name()).cursor()) as cr:
            yield api.Environment(cr, SUPERUSER_ID, context)

    def setUp(self):
        super().setUp()
        with self._transaction() as env:
            product = env["product.product"].create(
                {"name": "Karage contended product", "is_storable": True}
            )
            stock = env.ref("stock.stock_location_stock")
            env["stock.quant"]._update_available_quantity(product, stock, 10)
            env.cr.commit()
            self.product_id, self.location_id = product.id, stock.id
        self.addCleanup(self._remove_product)

    def _remove_product(self):
        with self._transaction() as env:
            for table in ("stock_move_line", "stock_move", "stock_quant"):
                env.cr.execute(
                    f"DELETE FROM {table} WHERE product_id = %s", [self.product_id]
                )
            env["product.product"].browse(self.product_id).product_tmpl_id.unlink()
            env.cr.commit()

    def _quants(self, env):
        return env["stock.quant"].search(
            [
                ("product_id", "=", self.product_id),
                ("location_id", "=", self.location_id),
            ]
        )

    def _records(self, env):
        return (
            env["product.product"].browse(self.product_id),
            env["stock.location"].browse(self.location_id),
        )

    def _sell_one(self, env):
        env["stock.quant"]._update_available_quantity(*self._records(env), -1)

    def _add_quant(self, quantity, reserved=0.0):
        """Commit another quant of the product in stock (as a past
        contention leaves)."""
        with self._transaction() as env:
            product, stock = self._records(env)
            quant = (
                env["stock.quant"]
                .sudo()
                .create({"product_id": product.id, "location_id": stock.id})
            )
            env.cr.execute(
                "UPDATE stock_quant SET quantity = %s, reserved_quantity = %s "
                "WHERE id = %s",
                [quantity, reserved, quant.id],
            )
            env.cr.commit()
            return quant.id

    def _sell_one_after_a_concurrent_sale(self, **context):
        """A transaction begins; another sells one unit and commits; then
        the first sells one."""
        with self._transaction(**context) as first:
            first.cr.execute("SELECT 1")  # its snapshot is taken here
            with self._transaction() as second:
                self._sell_one(second)
                second.cr.commit()
            self._sell_one(first)
            first.cr.commit()

    def test_order_stock_is_booked_over_a_quant_changed_meanwhile(self):
        self._sell_one_after_a_concurrent_sale(**{FRESH_QUANTS: True})
        with self._transaction() as env:
            quants = self._quants(env)
            self.assertEqual(sum(quants.mapped("quantity")), 8)
            # on a quant of its own, as Odoo does when every quant is held
            self.assertEqual(sorted(quants.mapped("quantity")), [-1, 9])

    def test_order_stock_uses_the_quant_when_nothing_changed_it(self):
        with self._transaction(**{FRESH_QUANTS: True}) as env:
            self._sell_one(env)
            self._sell_one(env)
            env.cr.commit()
        with self._transaction() as env:
            self.assertEqual(self._quants(env).mapped("quantity"), [8])

    @mute_logger("odoo.sql_db")
    def test_odoo_alone_fails_to_serialize_over_a_quant_changed_meanwhile(self):
        # what an order met without FRESH_QUANTS: made again from the start
        with self.assertRaises(errors.SerializationFailure):
            self._sell_one_after_a_concurrent_sale()
        with self._transaction() as env:
            self.assertEqual(self._quants(env).mapped("quantity"), [9])

    def test_prefetched_quants_stay_whole_and_available_counts_every_quant(self):
        self._add_quant(50)
        with self._transaction(**{FRESH_QUANTS: True}) as env:
            product, stock = self._records(env)
            Quant = env["stock.quant"]
            # what a picking's validation prefetches for all its lines
            prefetched = Quant._get_quants_by_products_locations(product, stock)
            [key] = prefetched
            available, __ = Quant.with_context(
                quants_cache=prefetched
            )._update_available_quantity(
                product,
                stock,
                -2,
                package_id=env["stock.quant.package"],
                owner_id=env["res.partner"],
            )
            # Odoo frees other pickings' reservations when this is negative
            self.assertEqual(available, 58)
            self.assertEqual(len(prefetched[key]), 2)

    def test_reservation_is_released_from_the_quant_that_holds_it(self):
        holder = self._add_quant(50, reserved=1)
        with self._transaction(**{FRESH_QUANTS: True}) as env:
            env["stock.quant"]._update_available_quantity(
                *self._records(env), reserved_quantity=-1
            )
            env.cr.commit()
        with self._transaction() as env:
            quants = self._quants(env)
            self.assertEqual(quants.browse(holder).reserved_quantity, 0)
            self.assertEqual(sum(quants.mapped("reserved_quantity")), 0)

    @mute_logger("odoo.sql_db")
    def test_stock_leaving_where_others_hold_reservations_is_made_again(self):
        # a back-office delivery holds two units: Odoo frees reservations
        # by the available quantity, which a changed quant would misstate
        with self._transaction() as env:
            product, stock = self._records(env)
            move = env["stock.move"].create(
                {
                    "name": "Back-office delivery",
                    "product_id": product.id,
                    "product_uom_qty": 2,
                    "product_uom": product.uom_id.id,
                    "location_id": stock.id,
                    "location_dest_id": env.ref("stock.stock_location_customers").id,
                }
            )
            move._action_confirm()
            move._action_assign()
            self.assertEqual(move.move_line_ids.quantity, 2)
            env.cr.commit()
        with self.assertRaises(errors.SerializationFailure):
            self._sell_one_after_a_concurrent_sale(**{FRESH_QUANTS: True})
        with self._transaction() as env:
            self.assertEqual(sum(self._quants(env).mapped("quantity")), 9)
