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
            env.cr.execute(
                "DELETE FROM stock_quant WHERE product_id = %s", [self.product_id]
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

    def _sell_one(self, env):
        env["stock.quant"]._update_available_quantity(
            env["product.product"].browse(self.product_id),
            env["stock.location"].browse(self.location_id),
            -1,
        )

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
