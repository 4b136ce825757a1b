# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestStockHistory(TransactionCase):
    """A sale of a product out of stock costs the same on a long history."""

    def _plan_of_free_reservation_search(self):
        """PostgreSQL's plan for the search Odoo's ``_free_reservation``
        runs on each order of a product whose stock is negative, with
        sequential scans priced out as on a table of many done lines."""
        domain = [
            ("state", "not in", ["done", "cancel"]),
            ("product_id", "=", 1),
            ("lot_id", "=", False),
            ("location_id", "=", 1),
            ("owner_id", "=", False),
            ("package_id", "=", False),
            ("quantity_product_uom", ">", 0.0),
            ("picked", "=", False),
            ("id", "not in", (1,)),
        ]
        query = self.env["stock.move.line"]._search(domain)
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(f"EXPLAIN {query.select().code}", query.select().params)
        return "\n".join(row[0] for row in self.env.cr.fetchall())

    def test_free_reservation_search_reads_only_open_move_lines(self):
        plan = self._plan_of_free_reservation_search()
        self.assertIn("stock_move_line_karage_pos_open_index", plan)
        # done lines are not in the index: none is read to be filtered out
        self.assertNotRegex(plan, r"Filter: .*state")

    def test_odoo_index_alone_leaves_the_search_a_scan_of_all_lines(self):
        # why the index exists: Odoo's partial index (NOT picked) is not
        # implied by the ORM's "picked IS NULL OR picked = FALSE"
        self.env.cr.execute("DROP INDEX stock_move_line_karage_pos_open_index")
        plan = self._plan_of_free_reservation_search()
        self.assertNotIn("stock_move_line_free_reservation_index", plan)
        # every line of the product, done or not, is read and filtered
        self.assertRegex(plan, r"Filter: .*state")
