# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a hostile or unlucky sender gets: a 4xx naming the field at the
door, never a 500, nothing half-written, and books that balance."""

import json
from datetime import datetime, timedelta
from unittest import mock

from odoo.tests import tagged

from .common import BULK, SINGLE, KarageHttpCase


@tagged("post_install", "-at_install")
class TestHardeningHttp(KarageHttpCase):
    def assertRefused(self, code, body, status, field):
        self.assertEqual(code, status, body)
        self.assertEqual(body["status"], "error")
        self.assertIn(field, body["details"])
        self.assertFalse(self.karage_orders())

    def payment(self, **overrides):
        """The seed's 80.50 chair sale paid as ``CheckoutDetails``."""
        return self.payload(
            CheckoutDetails=[
                {"PaymentMode": int(mode), "AmountPaid": amount}
                for mode, amount in overrides.items()
            ],
        )

    # figures ----------------------------------------------------------

    def test_quantity_finer_than_the_unit_precision_is_400(self):
        payload = self.payload()
        payload["OrderItems"][0]["Quantity"] = 1.004
        code, body = self.post(SINGLE, payload)
        self.assertRefused(code, body, 400, "OrderItems.0.Quantity")
        self.assertIn("more than 2 decimals", body["error"])

    def test_quantity_finer_than_the_products_unit_rounding_is_400(self):
        whole = self.env["uom.uom"].create(
            {
                "name": "Karage whole crate",
                "category_id": self.env.ref("uom.product_uom_categ_unit").id,
                "uom_type": "bigger",
                "factor_inv": 10.0,
                "rounding": 1.0,
            }
        )
        self.chair.product_tmpl_id.write({"uom_id": whole.id, "uom_po_id": whole.id})
        payload = self.payload()
        payload["OrderItems"][0]["Quantity"] = 1.5
        code, body = self.post(SINGLE, payload)
        self.assertRefused(code, body, 400, "OrderItems.0.Quantity")
        self.assertIn("rounding 1 of the unit Karage whole crate", body["error"])

    def test_non_finite_numbers_are_400_naming_the_field(self):
        raw = json.dumps(self.payload()).replace('"Price": 70.0', '"Price": NaN')
        code, body = self.post(SINGLE, raw)
        self.assertRefused(code, body, 400, "OrderItems.0.Price")
        self.assertIn("finite", body["error"])
        raw = json.dumps(self.payload()).replace('"Tax": 10.5', '"Tax": Infinity')
        code, body = self.post(SINGLE, raw)
        self.assertRefused(code, body, 400, "Tax")

    def test_payment_in_fractions_of_a_cent_is_400(self):
        code, body = self.post(SINGLE, self.payment(**{"1": 80.505}))
        self.assertRefused(code, body, 400, "CheckoutDetails.0.AmountPaid")

    def test_totals_in_fractions_of_a_cent_are_400(self):
        for field in ("GrandTotal", "Tax", "AmountTotal", "AmountPaid"):
            payload = self.payload()
            payload[field] += 0.001
            code, body = self.post(SINGLE, payload)
            self.assertRefused(code, body, 400, field)

    def test_true_and_false_are_no_integers(self):
        for path, field in (
            (("OrderID",), "OrderID"),
            (("OrderStatus",), "OrderStatus"),
            (("OrderItems", 0, "OdooItemID"), "OrderItems.0.OdooItemID"),
            (("CheckoutDetails", 0, "PaymentMode"), "CheckoutDetails.0.PaymentMode"),
            (("OrderItems", 0, "Quantity"), "OrderItems.0.Quantity"),
        ):
            payload = self.payload()
            node = payload
            for step in path[:-1]:
                node = node[step]
            node[path[-1]] = True
            code, body = self.post(SINGLE, payload)
            self.assertRefused(code, body, 400, field)

    def test_a_line_net_on_a_half_cent_after_discount_rounds_up(self):
        # 124.90 x 0.05 = 6.245, less 6.24 = 0.005: the receipt says 0.01
        payload = self.payload(
            AmountPaid=0.01,
            AmountTotal=0.01,
            GrandTotal=0.01,
            Tax=0.0,
            CheckoutDetails=[{"PaymentMode": 1, "AmountPaid": 0.01}],
        )
        payload["OrderItems"][0].update(
            OdooItemID=self.untaxed.id, Price=124.9, Quantity=0.05, DiscountAmount=6.24
        )
        code, body = self.post(SINGLE, payload)
        self.assertEqual(code, 200, body)
        self.assertEqual(self.karage_orders().lines.price_subtotal, 0.01)

    def test_float_noise_on_a_payment_is_not_a_fraction_of_a_cent(self):
        payload = self.payment(**{"1": 80.2, "2": 0.1 + 0.2})
        self.assertEqual(
            payload["CheckoutDetails"][1]["AmountPaid"], 0.30000000000000004
        )
        code, body = self.post(SINGLE, payload)
        self.assertEqual(code, 200, body)
        self.assertEqual(body["data"]["amount_paid"], 80.5)

    def test_overpayment_by_card_is_refused_with_both_figures(self):
        code, body = self.post(SINGLE, self.payment(**{"2": 500.0, "1": 0.01}))
        self.assertEqual(code, 422, body)
        self.assertIn("Overpaid by non-cash payments", body["error"])
        self.assertIn("paid 500.01 for a total of 80.50", body["error"])
        self.assertEqual(body["details"]["cash_tendered"], 0.01)
        self.assertFalse(self.karage_orders())

    def test_payments_short_of_karages_own_total_are_refused_at_the_door(self):
        code, body = self.post(SINGLE, self.payment(**{"1": 50.0, "2": 30.0}))
        self.assertEqual(code, 422, body)
        self.assertIn(
            "CheckoutDetails pay 80.00 of the order's total 80.50", body["error"]
        )
        self.assertFalse(self.karage_orders())

    def test_cash_overpayment_gives_change_from_the_cash_tendered(self):
        code, body = self.post(SINGLE, self.payment(**{"2": 50.0, "1": 50.0}))
        self.assertEqual(code, 200, body)
        order = self.karage_orders()
        self.assertEqual(order.amount_return, 19.5)
        cash = order.payment_ids.filtered(lambda p: p.payment_method_id.is_cash_count)
        self.assertEqual(sum(cash.mapped("amount")), 30.5)  # 50 tendered, 19.50 back

    # dates ------------------------------------------------------------

    def test_order_date_outside_the_plausible_window_is_400(self):
        for date in ("0999-01-01T00:00:00", "1999-12-31T23:00:00", "2999-01-01"):
            code, body = self.post(SINGLE, self.payload(OrderDate=date))
            self.assertRefused(code, body, 400, "OrderDate")
        tomorrow = (datetime.now() + timedelta(hours=20)).isoformat()
        code, body = self.post(SINGLE, self.payload(OrderDate=tomorrow))
        self.assertEqual(code, 200, body)

    def test_order_date_window_is_a_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "karage_pos.order_date_min", "2026-01-01"
        )
        code, body = self.post(SINGLE, self.payload(OrderDate="2025-11-27T14:30:00"))
        self.assertRefused(code, body, 400, "OrderDate")
        self.assertIn("between 2026-01-01", body["error"])

    # the body ---------------------------------------------------------

    def test_keys_that_are_python_parameter_names_are_plain_fields(self):
        for key in ("self", "collection", "payload", "kwargs"):
            code, body = self.post(SINGLE, {key: 1})
            self.assertEqual(code, 400, (key, body))
            self.assertIn("OrderID", body["details"])
        code, body = self.post(SINGLE, {**self.payload(), "self": 1, "collection": 2})
        self.assertEqual(code, 200, body)

    def test_unknown_charset_is_415(self):
        for charset in ("klingon", "punycode", "undefined"):
            response = self.send(
                SINGLE,
                json.dumps(self.payload()),
                headers={"Content-Type": f"application/json; charset={charset}"},
            )
            self.assertEqual(response.status_code, 415, charset)
            self.assertIn("Unknown charset", response.json()["error"])

    def test_lone_surrogates_are_400_naming_the_field(self):
        raw = json.dumps(self.payload(OrderID="a\ud800"))
        self.assertIn("\\ud800", raw)  # the escape JSON allows
        code, body = self.post(SINGLE, raw)
        self.assertRefused(code, body, 400, "OrderID")
        payload = self.payload(order_id=60)
        payload["OrderItems"][0]["ItemName"] = "chair \udc00"
        code, body = self.post(BULK, {"orders": [payload, self.payload(order_id=61)]})
        self.assertEqual(
            [r["status_code"] for r in body["data"]["results"]], [400, 200], body
        )

    def test_oversized_order_ids_are_400_and_sink_nothing(self):
        long_text = self.payload(OrderID="x" * 4000)
        long_int = json.dumps(self.payload()).replace(
            '"OrderID": 2001', '"OrderID": ' + "9" * 200
        )
        parts = [json.dumps(long_text), long_int, json.dumps(self.payload(order_id=62))]
        code, body = self.post(BULK, '{"orders": [' + ", ".join(parts) + "]}")
        self.assertEqual(code, 200, body)
        results = body["data"]["results"]
        self.assertEqual([r["status_code"] for r in results], [400, 400, 200])
        self.assertIn("OrderID", results[0]["details"])
        self.assertIn("at most 64 digits", results[1]["details"]["OrderID"][0])

    def test_idempotency_key_longer_than_255_is_400(self):
        code, body = self.post(
            SINGLE, self.payload(), headers={"Idempotency-Key": "k" * 256}
        )
        self.assertRefused(code, body, 400, "Idempotency-Key")

    def test_absurd_nesting_is_400(self):
        for depth in (100, 100000):
            deep = "[" * depth + "]" * depth
            raw = json.dumps(self.payload())[:-1] + f', "Extra": {deep}}}'
            response = self.send(SINGLE, raw)
            self.assertEqual(response.status_code, 400, depth)
            self.assertIn("nested deeper", response.json()["error"])

    def test_body_beyond_the_maximum_size_is_413(self):
        self.env["ir.config_parameter"].sudo().set_param("karage_pos.max_body_kb", 1)
        payload = self.payload(Note="x" * 2048)
        response = self.send(SINGLE, payload)
        self.assertEqual(response.status_code, 413)
        self.assertIn("Maximum Body Size", response.json()["error"])
        self.assertFalse(self.karage_orders())

    def test_huge_unknown_fields_are_not_kept_in_the_log(self):
        code, body = self.post(
            SINGLE, {**self.payload(order_id=50), "Blob": "x" * 10**6}
        )
        self.assertEqual(code, 200, body)
        code, body = self.post(SINGLE, {"OrderID": 51, "Blob": "x" * 10**6})
        self.assertEqual(code, 400)
        logs = self.env["karage.pos.webhook.log"].search(
            [("external_order_id", "in", ["50", "51"])]
        )
        self.assertEqual(len(logs), 2)
        self.assertTrue(all(len(log.payload) < 70 * 1024 for log in logs))
        self.assertNotIn("Blob", logs.filtered(lambda log: log.pos_order_id).payload)

    def test_too_many_lines_is_400(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "karage_pos.max_order_lines", 2
        )
        payload = self.payload()
        payload["OrderItems"] = payload["OrderItems"] * 3
        code, body = self.post(SINGLE, payload)
        self.assertRefused(code, body, 400, "OrderItems")
        self.assertIn("maximum of 2 lines", body["error"])

    # bulks ------------------------------------------------------------

    def test_one_bad_order_never_sinks_the_bulk(self):
        bad = json.dumps(self.payload(order_id=1)).replace(
            '"Price": 70.0', '"Price": NaN'
        )
        good = json.dumps(self.payload(order_id=2))
        dated = json.dumps(self.payload(order_id=3, OrderDate="0999-01-01T00:00:00"))
        code, body = self.post(BULK, f'{{"orders": [{bad}, {good}, {dated}]}}')
        self.assertEqual(code, 200, body)
        codes = [r["status_code"] for r in body["data"]["results"]]
        self.assertEqual(codes, [400, 200, 400])
        self.assertEqual(self.karage_orders().mapped("external_order_id"), ["2"])

    def test_unexpected_exception_refuses_only_its_order_in_seed_words(self):
        Builder = self.env.registry["pos.order"]
        original = Builder._process_order

        def process(records, order, existing_order):
            if order["external_order_id"] == "7":
                raise ZeroDivisionError("float division by zero")
            return original(records, order, existing_order)

        with (
            mock.patch.object(Builder, "_process_order", process),
            self.assertLogs("odoo.addons.karage_pos", "ERROR") as logs,
        ):
            code, body = self.post(
                BULK, {"orders": [self.payload(order_id=7), self.payload(order_id=8)]}
            )
        self.assertEqual(code, 200)
        first, second = body["data"]["results"]
        self.assertEqual(first["status_code"], 500)
        self.assertEqual(first["error"], "Internal error while creating order 7")
        self.assertEqual(second["status_code"], 200)
        self.assertIn("ZeroDivisionError", "\n".join(logs.output))
        self.assertEqual(self.karage_orders().mapped("external_order_id"), ["8"])

    def test_same_order_id_with_other_content_in_one_bulk_is_409(self):
        other = self.payload(order_id=5)
        other["OrderItems"][0]["Quantity"] = 2
        code, body = self.post(BULK, {"orders": [self.payload(order_id=5), other]})
        first, second = body["data"]["results"]
        self.assertEqual(first["status_code"], 200)
        self.assertEqual(second["status_code"], 409)
        self.assertIn("more than once in this request with different", second["error"])
        self.assertEqual(self.karage_orders().lines.qty, 1)

    def test_a_refused_occurrence_does_not_decide_the_content(self):
        refused = self.payload(order_id=9, OrderStatus=104)
        code, body = self.post(BULK, {"orders": [refused, self.payload(order_id=9)]})
        self.assertEqual(
            [r["status_code"] for r in body["data"]["results"]], [422, 200]
        )

    def test_same_order_twice_in_one_bulk_is_a_duplicate(self):
        code, body = self.post(
            BULK, {"orders": [self.payload(order_id=6), self.payload(order_id=6)]}
        )
        second = body["data"]["results"][1]
        self.assertEqual(second["status_code"], 409)
        self.assertEqual(second["error"], "Duplicate order: OrderID 6 already exists")
        self.assertEqual(len(self.karage_orders()), 1)

    # sessions ---------------------------------------------------------

    def test_order_while_the_session_closes_is_503_with_retry_after(self):
        self.post(SINGLE, self.payload(order_id=20))
        self.karage_orders().session_id.state = "closing_control"
        response = self.send(SINGLE, self.payload(order_id=21))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.headers["Retry-After"], "5")
        self.assertIn("is closing", response.json()["error"])
        self.assertEqual(len(self.karage_orders()), 1)

    # idempotency ------------------------------------------------------

    def test_every_order_is_claimed_by_its_order_id(self):
        self.post(SINGLE, self.payload(order_id=30))
        claim = self.env["karage.pos.idempotency"].search(
            [("kind", "=", "order"), ("key", "=", "30")]
        )
        self.assertEqual(claim.state, "completed")
        self.assertEqual(claim.response_code, 200)

    def test_order_id_claimed_by_a_crashed_request_is_409_until_the_timeout(self):
        claim = self.env["karage.pos.idempotency"].create(
            {
                "key": "31",
                "kind": "order",
                "request_hash": "crashed",
                "processing_started_at": datetime.now() - timedelta(minutes=1),
            }
        )
        code, body = self.post(SINGLE, self.payload(order_id=31))
        self.assertEqual(code, 409)
        self.assertIn("OrderID 31 is still being processed", body["error"])
        claim.processing_started_at = datetime.now() - timedelta(minutes=6)
        code, body = self.post(SINGLE, self.payload(order_id=31))
        self.assertEqual(code, 200, body)
        self.assertEqual(claim.state, "completed")

    def test_a_crashed_claim_settled_before_it_is_locked_is_busy(self):
        # seen processing by a request that died (no lock: a probe), then
        # settled before the lock: the conflicts read before it are stale
        Claims = self.env["karage.pos.idempotency"]
        claim = Claims.create(
            {
                "key": "72",
                "kind": "order",
                "state": "completed",
                "claim_token": "ended",
                "processing_started_at": datetime.now(),
            }
        )
        holder = Claims._karage_holder()
        entry = ("72", "fingerprint", "pos-order", "72")
        verdicts = Claims._karage_take(
            holder,
            "order",
            ("72",),
            {claim.id: entry},
            {claim.id: ("processing", "ended")},
        )
        self.assertEqual(verdicts["72"][0], "refused")
        self.assertIn("OrderID 72 is still being processed", verdicts["72"][1].message)
        self.assertEqual((claim.state, claim.claim_token), ("completed", "ended"))
        # judged afresh (no probe), the settled claim is taken
        verdicts = Claims._karage_take(holder, "order", ("72",), {claim.id: entry})
        self.assertEqual(verdicts["72"], ("claimed", claim.id))

    def test_an_answer_that_says_later_is_not_replayed(self):
        claim = self.env["karage.pos.idempotency"].create(
            {
                "key": "70",
                "kind": "order",
                "request_hash": "crashed",
                "processing_started_at": datetime.now() - timedelta(minutes=1),
            }
        )
        headers = {"Idempotency-Key": "later-70"}
        code, body = self.post(SINGLE, self.payload(order_id=70), headers=headers)
        self.assertEqual(code, 409)
        self.assertIn("still being processed", body["error"])
        header = self.env["karage.pos.idempotency"].search([("key", "=", "later-70")])
        self.assertEqual(header.state, "failed")
        claim.processing_started_at = datetime.now() - timedelta(minutes=6)
        code, body = self.post(SINGLE, self.payload(order_id=70), headers=headers)
        self.assertEqual(code, 200, body)
        self.assertEqual(header.state, "completed")

    def test_order_id_spelled_as_text_or_number_is_one_content(self):
        self.post(SINGLE, self.payload(order_id=71))
        payload = self.payload(order_id="71")
        payload["OrderItems"][0]["Quantity"] = 1.0
        code, body = self.post(SINGLE, payload)
        self.assertEqual(code, 409)
        self.assertEqual(body["error"], "Duplicate order: OrderID 71 already exists")

    def test_order_id_and_idempotency_key_do_not_share_a_namespace(self):
        headers = {"Idempotency-Key": "40"}
        code, __ = self.post(SINGLE, self.payload(order_id=40), headers=headers)
        self.assertEqual(code, 200)
        claims = self.env["karage.pos.idempotency"].search([("key", "=", "40")])
        self.assertEqual(sorted(claims.mapped("kind")), ["header", "order"])
