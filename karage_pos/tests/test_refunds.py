# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.tests import tagged

from ..exceptions import DuplicateOrder, KaragePosError, RetryLater
from ..schemas import validate_order
from .common import KarageCase


@tagged("post_install", "-at_install")
class TestRefunds(KarageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "karage_pos.valid_statuses", "103,106"
        )

    def sale(self, order_id=3001, quantity=2):
        return self.import_order(self.sale_payload(order_id, quantity))

    def refund_payload(self, order_id=3001, quantity=-2, **more):
        return super().refund_payload(order_id, quantity, **more)

    def test_full_refund_returns_stock_and_pays_back_through_odoos_refund_path(self):
        sale = self.sale()
        refund = self.import_order(self.refund_payload())
        self.assertEqual(refund.state, "paid")
        self.assertEqual(refund.external_order_id, "3001:refund")
        self.assertEqual(refund.lines.refunded_orderline_id, sale.lines)
        self.assertEqual(refund.refunded_order_id, sale)
        self.assertAlmostEqual(refund.lines.qty, -2)
        self.assertAlmostEqual(refund.amount_total, -161.0)
        self.assertAlmostEqual(refund.amount_tax, -21.0)
        self.assertAlmostEqual(refund.amount_paid, -161.0)
        self.assertEqual(refund.payment_ids.payment_method_id, self.cash_method)
        self.assertAlmostEqual(refund.payment_ids.amount, -161.0)
        self.assertAlmostEqual(sale.lines.refunded_qty, 2)
        # the goods came back: a done picking from the customer to the stock
        # the sale took them from
        picking = refund.picking_ids
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.location_dest_id, sale.picking_ids.location_id)
        self.assertAlmostEqual(picking.move_ids.quantity, 2)

    def test_partial_refunds_told_apart_by_refund_id(self):
        sale = self.sale(quantity=3)
        first = self.import_order(self.refund_payload(quantity=-1, RefundID="R1"))
        second = self.import_order(self.refund_payload(quantity=-1, RefundID="R2"))
        self.assertEqual(first.external_order_id, "3001:refund:R1")
        self.assertEqual(second.external_order_id, "3001:refund:R2")
        self.assertAlmostEqual(sale.lines.refunded_qty, 2)
        self.assertAlmostEqual(first.amount_total, -80.5)
        # the same refund again is a duplicate, whatever its content
        with self.assertRaisesRegex(DuplicateOrder, "Duplicate refund: 3001:refund:R1"):
            self.import_order(self.refund_payload(quantity=-1, RefundID="R1"))

    def test_second_refund_without_refund_id_is_a_duplicate(self):
        self.sale(quantity=3)
        self.import_order(self.refund_payload(quantity=-1))
        with self.assertRaises(DuplicateOrder) as raised:
            self.import_order(self.refund_payload(quantity=-1))
        self.assertEqual(raised.exception.status, 409)

    def test_refund_of_more_than_remains_refused(self):
        sale = self.sale(quantity=2)
        self.import_order(self.refund_payload(quantity=-1, RefundID="A"))
        before = self.env["pos.order"].sudo().search_count([])
        with self.assertRaisesRegex(
            KaragePosError, "Refund of more than was sold.*sold 2 and 1 remain"
        ) as raised:
            self.import_order(self.refund_payload(quantity=-2, RefundID="B"))
        self.assertEqual(raised.exception.status, 422)
        self.assertEqual(self.env["pos.order"].sudo().search_count([]), before)
        self.assertAlmostEqual(sale.lines.refunded_qty, 1)

    def test_refund_of_an_unknown_sale_refused(self):
        with self.assertRaisesRegex(KaragePosError, "Original order 9999 not found"):
            self.import_order(self.refund_payload(order_id=9999))

    def test_refund_of_an_item_the_sale_did_not_have_refused(self):
        self.sale()
        payload = self.refund_payload(quantity=-1)
        payload["OrderItems"][0]["OdooItemID"] = self.oil.id
        payload["OrderItems"][0]["Price"] = 45.0
        payload.update(AmountTotal=-45.0, Tax=-6.75, GrandTotal=-51.75)
        payload.update(AmountPaid=-51.75)
        payload["CheckoutDetails"][0]["AmountPaid"] = -51.75
        with self.assertRaisesRegex(
            KaragePosError, "Refund of an item the sale did not have: OrderItems.0"
        ):
            self.import_order(payload)

    def test_refund_paying_back_less_than_its_total_refused(self):
        self.sale()
        payload = self.refund_payload(AmountPaid=-150.0)
        payload["CheckoutDetails"][0]["AmountPaid"] = -150.0
        with self.assertRaisesRegex(KaragePosError, "pays back exactly its total"):
            self.import_order(payload)

    def test_refund_uses_the_sales_taxes_even_if_the_product_changed(self):
        sale = self.sale()
        self.chair.taxes_id = False
        refund = self.import_order(self.refund_payload(quantity=-1))
        self.assertEqual(refund.lines.tax_ids, sale.lines.tax_ids)
        self.assertAlmostEqual(refund.amount_total, -80.5)

    def test_refund_spread_over_two_sale_lines_of_one_product(self):
        payload = self.sale_payload(3002, 2)
        payload["OrderItems"] = [dict(payload["OrderItems"][0], Quantity=1)] * 2
        sale = self.import_order(payload)
        refund = self.import_order(self.refund_payload(order_id=3002, quantity=-2))
        self.assertEqual(refund.lines.refunded_orderline_id, sale.lines)
        self.assertEqual(sorted(refund.lines.mapped("qty")), [-1, -1])

    def test_session_with_sales_and_refunds_closes_balanced(self):
        sale = self.sale(quantity=3)
        self.import_order(self.refund_payload(quantity=-1))
        session = sale.session_id
        session.with_user(self.pos_user).action_pos_session_closing_control()
        self.assertEqual(session.state, "closed")
        lines = session.move_id.line_ids
        self.assertAlmostEqual(sum(lines.mapped("debit")), sum(lines.mapped("credit")))

    def test_refund_gives_back_what_the_sale_charged_not_more(self):
        # sold 2 chairs at 70.00 with 14.00 off (144.90 paid)
        self.import_order(self.sale_payload(3010, 2, discount=14.0))
        # a refund of both without the discount would pay back 161.00
        with self.assertRaisesRegex(KaragePosError, "Odoo computes total -144.90"):
            self.import_order(self.refund_payload(order_id=3010))
        refund = self.import_order(
            self.refund_payload(order_id=3010, quantity=-2, discount=14.0)
        )
        self.assertAlmostEqual(refund.amount_total, -144.9)
        self.assertAlmostEqual(refund.lines.discount, 10.0)

    def test_refund_goes_back_to_its_sales_branch(self):
        branch = self._branch("Karage Refund Branch", "KRB")
        sale = self.import_order(self.sale_payload(3011, 1, pos_config_id=branch.id))
        refund = self.import_order(self.refund_payload(order_id=3011, quantity=-1))
        self.assertEqual(refund.config_id, branch)
        self.assertEqual(
            refund.picking_ids.location_dest_id, sale.picking_ids.location_id
        )

    def test_refund_while_its_sale_is_being_created_is_sent_again_later(self):
        # another request holds the sale's OrderID claim, still processing
        self.env["karage.pos.idempotency"].sudo().create(
            {
                "key": "3012",
                "kind": "order",
                "state": "processing",
                "processing_started_at": fields.Datetime.now(),
            }
        )
        with self.assertRaises(RetryLater):
            self.import_order(self.refund_payload(order_id=3012))

    def test_refunds_are_accepted_by_default(self):
        self.env["ir.config_parameter"].sudo().search(
            [("key", "=", "karage_pos.valid_statuses")]
        ).unlink()
        self.assertEqual(
            self.env["res.config.settings"]._karage_valid_statuses(), {"103", "106"}
        )

    def test_negative_figures_on_a_sale_refused_at_validation(self):
        payload = self.payload()
        payload["OrderItems"][0]["Quantity"] = -1
        payload["CheckoutDetails"][0]["AmountPaid"] = -80.5
        __, errors = validate_order(payload)
        self.assertIn("OrderItems.0.Quantity", errors)
        self.assertIn("CheckoutDetails.0.AmountPaid", errors)
        self.assertIn("must be positive on a sale", errors["OrderItems.0.Quantity"][0])

    def test_positive_quantity_on_a_refund_refused_at_validation(self):
        __, errors = validate_order(self.refund_payload(quantity=1))
        self.assertIn(
            "must be negative on a refund", errors["OrderItems.0.Quantity"][0]
        )
