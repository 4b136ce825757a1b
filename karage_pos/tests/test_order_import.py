# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.tests import tagged

from ..exceptions import DuplicateOrder, KaragePosError
from .common import KarageCase


@tagged("post_install", "-at_install")
class TestOrderImport(KarageCase):
    def _counts(self):
        return (
            self.env["pos.order"].sudo().search_count([]),
            self.env["pos.order.line"].sudo().search_count([]),
            self.env["pos.payment"].sudo().search_count([]),
            self.env["stock.picking"].sudo().search_count([]),
        )

    def assertNothingWritten(self, before):
        self.assertEqual(self._counts(), before, "a refused order left records")

    def test_seed_payload_becomes_paid_order_with_done_picking(self):
        order = self.import_order(self.payload())
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.external_order_id, "2001")
        self.assertEqual(order.external_order_source, "karage_pos_webhook")
        self.assertAlmostEqual(order.amount_total, 80.50)
        self.assertAlmostEqual(order.amount_tax, 10.50)
        self.assertAlmostEqual(order.amount_paid, 80.50)
        self.assertEqual(order.lines.product_id, self.chair)
        self.assertEqual(order.lines.tax_ids, self.tax15)
        self.assertEqual(order.payment_ids.payment_method_id, self.cash_method)
        self.assertEqual(order.config_id, self.config)
        self.assertEqual(order.user_id, self.pos_user)
        self.assertTrue(order.picking_ids)
        self.assertEqual(set(order.picking_ids.mapped("state")), {"done"})
        self.assertEqual(order.picking_ids.move_ids.quantity, 1)

    def test_absolute_discount_keeps_every_cent(self):
        # 10 x 999.99 with 123.45 off: a percentage rounded to 2 decimals
        # would give 9876.40; the exact one gives 9876.45 and 1481.47 tax
        item = {
            "OdooItemID": self.chair.id,
            "Price": 999.99,
            "Quantity": 10,
            "DiscountAmount": 123.45,
        }
        payload = self.payload(
            OrderItems=[item],
            AmountTotal=9876.45,
            Tax=1481.47,
            GrandTotal=11357.92,
            AmountPaid=11357.92,
            CheckoutDetails=[{"PaymentMode": 2, "AmountPaid": 11357.92}],
        )
        order = self.import_order(payload)
        self.assertEqual(order.state, "paid")
        self.assertAlmostEqual(order.lines.price_subtotal, 9876.45, places=2)
        self.assertAlmostEqual(order.amount_tax, 1481.47, places=2)
        self.assertAlmostEqual(order.amount_total, 11357.92, places=2)
        self.assertEqual(order.payment_ids.payment_method_id, self.bank_method)

    def test_a_net_on_a_half_cent_in_binary_floats_rounds_up(self):
        # 0.99 x 106.5 - 105.43 is 0.005 as written, 0.004999... as floats
        item = {
            "OdooItemID": self.untaxed.id,
            "Price": 0.99,
            "Quantity": 106.5,
            "DiscountAmount": 105.43,
        }
        payload = self.payload(
            OrderItems=[item],
            AmountTotal=0.01,
            Tax=0.0,
            GrandTotal=0.01,
            AmountPaid=0.01,
            CheckoutDetails=[{"PaymentMode": 1, "AmountPaid": 0.01}],
        )
        order = self.import_order(payload)
        self.assertAlmostEqual(order.amount_total, 0.01)

    def test_order_date_is_local_time_of_configured_zone(self):
        self.company.karage_pos_timezone = "Asia/Riyadh"
        order = self.import_order(self.payload())
        # 14:30 in Riyadh (UTC+3) is 11:30 UTC
        self.assertEqual(order.date_order, datetime(2025, 11, 27, 11, 30))

    def test_order_date_with_offset_is_converted(self):
        order = self.import_order(self.payload(OrderDate="2025-11-27T14:30:00+02:00"))
        self.assertEqual(order.date_order, datetime(2025, 11, 27, 12, 30))

    def test_untaxed_product_with_taxed_payload_is_not_fully_paid(self):
        before = self._counts()
        with self.assertRaises(KaragePosError) as caught:
            self.import_order(self.payload(product=self.untaxed))
        error = caught.exception
        self.assertTrue(
            error.message.startswith("Failed to confirm order: Order is not fully paid")
        )
        line = error.details["lines"][0]
        self.assertEqual(line["karage"]["total"], 80.5)
        self.assertEqual(line["odoo"]["total"], 70.0)
        self.assertEqual(line["odoo"]["taxes"], [])
        self.assertNothingWritten(before)

    def test_duplicate_order_id_refused_with_seed_message(self):
        self.import_order(self.payload())
        with self.assertRaises(DuplicateOrder) as caught:
            self.import_order(self.payload())
        self.assertEqual(
            caught.exception.message, "Duplicate order: OrderID 2001 already exists"
        )
        self.assertEqual(caught.exception.status, 409)
        self.assertEqual(len(self.karage_orders()), 1)

    def test_string_and_integer_order_ids_are_the_same_order(self):
        self.import_order(self.payload(order_id=77))
        with self.assertRaises(DuplicateOrder):
            self.import_order(self.payload(order_id="77"))

    def test_invalid_status_refused(self):
        before = self._counts()
        with self.assertRaises(KaragePosError) as caught:
            self.import_order(self.payload(OrderStatus=101))
        self.assertEqual(
            caught.exception.message, "Invalid OrderStatus: 101 not in allowed statuses"
        )
        self.assertNothingWritten(before)

    def test_valid_statuses_setting_is_honoured(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "karage_pos.valid_statuses", "103, 104"
        )
        self.assertEqual(self.import_order(self.payload(OrderStatus=104)).state, "paid")

    def test_unknown_product_refused_and_nothing_written(self):
        before = self._counts()
        payload = self.payload()
        payload["OrderItems"][0].update(OdooItemID=999999, ItemName="Nothing Such")
        with self.assertRaises(KaragePosError) as caught:
            self.import_order(payload)
        self.assertTrue(caught.exception.message.startswith("Product not found"))
        self.assertNothingWritten(before)

    def test_product_not_available_in_pos_is_not_found(self):
        self.chair.available_in_pos = False
        with self.assertRaises(KaragePosError) as caught:
            self.import_order(self.payload())
        self.assertIn("Product not found", caught.exception.message)

    def test_product_resolved_by_legacy_item_id(self):
        self.oil.karage_item_id = "L-42"
        payload = self.payload()
        payload["OrderItems"][0] = {
            "ItemID": "L-42",
            "Price": 70.0,
            "Quantity": 1,
        }
        self.assertEqual(self.import_order(payload).lines.product_id, self.oil)

    def test_product_resolved_by_name(self):
        payload = self.payload()
        payload["OrderItems"][0] = {
            "ItemName": "Karage Fuchs Oil 5W30",
            "Price": 70.0,
            "Quantity": 1,
        }
        self.assertEqual(self.import_order(payload).lines.product_id, self.oil)

    def test_failing_second_line_leaves_nothing(self):
        before = self._counts()
        payload = self.payload()
        payload["OrderItems"].append(
            {"OdooItemID": 999999, "Price": 1.0, "Quantity": 1}
        )
        with self.assertRaises(KaragePosError):
            self.import_order(payload)
        self.assertNothingWritten(before)

    def test_no_payment_methods_configured(self):
        config = self.env["pos.config"].create({"name": "Karage Empty"})
        config.payment_method_ids = [(5, 0, 0)]
        self.company.karage_pos_config_id = config
        with self.assertRaises(KaragePosError) as caught:
            self.import_order(self.payload())
        self.assertEqual(caught.exception.message, "No payment methods configured")

    def test_mapped_method_without_journal_refused(self):
        # a method without journal that is no Customer Account (which
        # identifies its customers: split transactions)
        no_journal = self.env["pos.payment.method"].create({"name": "Tabby"})
        self.config.payment_method_ids |= no_journal
        self.env.ref("karage_pos.payment_mode_tabby").payment_method_id = no_journal
        payload = self.payload(CheckoutDetails=[{"PaymentMode": 5, "AmountPaid": 80.5}])
        with self.assertRaises(KaragePosError) as caught:
            self.import_order(payload)
        self.assertEqual(
            caught.exception.message,
            "Journal not found for payment method Tabby",
        )

    def test_split_payment_cash_and_card(self):
        payload = self.payload(
            CheckoutDetails=[
                {"PaymentMode": 1, "AmountPaid": 50.0},
                {"PaymentMode": 2, "AmountPaid": 30.5},
            ]
        )
        order = self.import_order(payload)
        amounts = {p.payment_method_id: p.amount for p in order.payment_ids}
        self.assertEqual(amounts, {self.cash_method: 50.0, self.bank_method: 30.5})

    def test_cash_overpayment_is_given_back_as_change(self):
        payload = self.payload(
            CheckoutDetails=[{"PaymentMode": 1, "AmountPaid": 100.0}]
        )
        order = self.import_order(payload)
        self.assertEqual(order.state, "paid")
        self.assertAlmostEqual(order.amount_return, 19.5)

    def test_underpayment_refused(self):
        payload = self.payload(CheckoutDetails=[{"PaymentMode": 1, "AmountPaid": 50.0}])
        with self.assertRaises(KaragePosError) as caught:
            self.import_order(payload)
        self.assertIn("Order is not fully paid", caught.exception.message)

    def test_closing_session_posts_journal_entries(self):
        order = self.import_order(self.payload())
        session = order.session_id
        session.with_user(self.pos_user).action_pos_session_closing_control()
        self.assertEqual(session.state, "closed")
        self.assertTrue(session.move_id)
        self.assertEqual(session.move_id.state, "posted")
        self.assertEqual(order.state, "done")
