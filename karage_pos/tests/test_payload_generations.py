# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from ..exceptions import KaragePosError
from ..schemas import validate_order
from .common import KarageCase

LINE_FIELDS = (
    "product_id",
    "qty",
    "price_unit",
    "price_subtotal",
    "price_subtotal_incl",
)


@tagged("post_install", "-at_install")
class TestPayloadGenerations(KarageCase):
    """Karage's first payloads and its later ones make the same order."""

    def first_generation(self, order_id):
        # 2 chairs at 70.00, 14.00 off, 15 % tax, local time of the zone
        return self.payload(
            order_id,
            OrderDate="2025-11-27T14:30:00",
            OrderItems=[
                {
                    "OdooItemID": self.chair.id,
                    "Price": 70.0,
                    "Quantity": 2,
                    "DiscountAmount": 14.0,
                }
            ],
            AmountTotal=126.0,
            Tax=18.9,
            GrandTotal=144.9,
            AmountPaid=144.9,
            CheckoutDetails=[{"PaymentMode": 2, "AmountPaid": 144.9}],
        )

    def later_generation(self, order_id):
        # the same sale: price before tax, a percentage, an offset, no totals
        payload = self.first_generation(order_id)
        payload["OrderDate"] = "2025-11-27T17:30:00+03:00"
        payload["OrderItems"] = [
            {
                "OdooItemID": self.chair.id,
                "Price": 80.5,
                "PriceWithoutTax": 70.0,
                "Quantity": 2,
                "DiscountPercentage": 10.0,
            }
        ]
        for field in ("Tax", "GrandTotal"):
            del payload[field]
        payload["AmountTotal"] = 144.9  # with tax
        return payload

    def test_both_generations_side_by_side_make_the_same_order(self):
        first = self.import_order(self.first_generation(5001))
        later = self.import_order(self.later_generation(5002))
        for field in ("amount_total", "amount_tax", "amount_paid", "date_order"):
            self.assertEqual(first[field], later[field], field)
        self.assertEqual(
            first.lines.read(LINE_FIELDS)[0] | {"id": 0},
            later.lines.read(LINE_FIELDS)[0] | {"id": 0},
        )
        self.assertAlmostEqual(later.lines.discount, 10.0)
        self.assertAlmostEqual(later.amount_total, 144.9)

    def test_later_generation_without_totals_is_checked_against_its_payments(self):
        payload = self.later_generation(5003)
        payload["AmountPaid"] = 140.0
        payload["CheckoutDetails"][0]["AmountPaid"] = 140.0
        with self.assertRaisesRegex(
            KaragePosError, "pay 140.00 of the order's total 144.90"
        ):
            self.import_order(payload)
        self.assertFalse(self.karage_orders())

    def test_without_tax_and_grand_total_amount_total_must_be_odoos_total(self):
        # Karage charged 80.50 for a product Odoo sells at 0 before tax: the
        # difference is no change to give back
        payload = self.later_generation(5006)
        payload["OrderItems"][0]["PriceWithoutTax"] = 0.0
        payload["CheckoutDetails"] = [{"PaymentMode": 1, "AmountPaid": 144.9}]
        with self.assertRaisesRegex(KaragePosError, "AmountTotal 144.90"):
            self.import_order(payload)
        self.assertFalse(self.karage_orders())

    def test_amount_total_before_tax_allows_no_change(self):
        # AmountTotal before tax says nothing of the tax Karage charged: the
        # cash paid must be Odoo's total, none of it is change
        payload = self.later_generation(5007)
        payload["AmountTotal"] = 126.0
        payload["CheckoutDetails"] = [{"PaymentMode": 1, "AmountPaid": 150.0}]
        payload["AmountPaid"] = 150.0
        with self.assertRaisesRegex(KaragePosError, "pay 150.00 of the order's"):
            self.import_order(payload)
        payload["CheckoutDetails"] = [{"PaymentMode": 1, "AmountPaid": 144.9}]
        payload["AmountPaid"] = 144.9
        order = self.import_order(payload)
        self.assertAlmostEqual(order.amount_total, 144.9)
        self.assertAlmostEqual(order.amount_return, 0.0)

    def test_discount_amount_and_percentage_must_agree(self):
        payload = self.first_generation(5004)
        payload["OrderItems"][0]["DiscountPercentage"] = 20.0
        __, errors = validate_order(payload)
        self.assertIn("OrderItems.0.DiscountPercentage", errors)
        payload["OrderItems"][0]["DiscountPercentage"] = 10.0
        __, errors = validate_order(payload)
        self.assertFalse(errors)
        # a DiscountAmount of 0 is sent, not absent: it disagrees
        payload["OrderItems"][0]["DiscountAmount"] = 0
        __, errors = validate_order(payload)
        self.assertIn("OrderItems.0.DiscountPercentage", errors)

    def test_a_line_needs_a_price_of_either_generation(self):
        payload = self.first_generation(5005)
        del payload["OrderItems"][0]["Price"]
        __, errors = validate_order(payload)
        self.assertEqual(
            errors["OrderItems.0.Price"], ["required (or PriceWithoutTax)"]
        )
