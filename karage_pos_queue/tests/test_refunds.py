# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import BULK, SINGLE, KarageQueueHttpCase


@tagged("post_install", "-at_install")
class TestQueuedRefunds(KarageQueueHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "karage_pos.valid_statuses", "103,106"
        )

    def test_refund_of_a_queued_sale_waits_for_it_then_links_to_it(self):
        self.assertEqual(self.post(SINGLE, self.payload(6001))[0], 202)
        code, body = self.post(SINGLE, self.refund_payload(6001))
        self.assertEqual(code, 202, body)
        self.assertTrue(body["data"]["status_url"].endswith("/pos-order/6001:refund"))
        refund_log = self.log_of("6001:refund")
        job = self.run_job(refund_log)
        self.assertEqual(job.state, "pending")
        self.assertIn("not created yet", job.result)
        self.run_job(self.log_of(6001))
        self.run_job(refund_log)
        sale = self.log_of(6001).pos_order_id
        refund = refund_log.pos_order_id
        self.assertEqual(refund.refunded_order_id, sale)
        self.assertAlmostEqual(refund.amount_total, -80.5)
        code, body = self.get("/api/v1/webhook/pos-order/6001")
        self.assertEqual(code, 200)
        refunds = body["data"]["order"]["refunds"]
        self.assertEqual([r["external_order_id"] for r in refunds], ["6001:refund"])
        code, body = self.get("/api/v1/webhook/pos-order/6001:refund")
        self.assertEqual(body["data"]["state"], "done")
        self.assertEqual(body["data"]["order"]["refunded_order"], "6001")

    def test_refund_of_an_unknown_sale_is_refused_at_the_door(self):
        code, body = self.post(SINGLE, self.refund_payload(6002))
        self.assertEqual(code, 422)
        self.assertEqual(body["error"], "Original order 6002 not found")
        self.assertFalse(self.log_of("6002:refund").job_id)

    def test_refund_of_more_than_was_sold_is_refused_at_the_door(self):
        self.post(SINGLE, self.payload(6003))
        self.run_job(self.log_of(6003))
        code, body = self.post(SINGLE, self.refund_payload(6003, quantity=-2))
        self.assertEqual(code, 422)
        self.assertIn("Refund of more than was sold", body["error"])
        self.assertFalse(self.log_of("6003:refund").job_id)

    def test_refund_of_a_queued_sale_is_checked_against_its_content(self):
        self.post(SINGLE, self.payload(6005))  # one chair, job waiting
        code, body = self.post(SINGLE, self.refund_payload(6005, quantity=-2))
        self.assertEqual(code, 422)
        self.assertIn("Refund of more than was sold", body["error"])

    def test_queued_refunds_count_against_the_sale(self):
        self.post(SINGLE, self.sale_payload(6006, 2))
        self.run_job(self.log_of(6006))
        first = self.post(SINGLE, self.refund_payload(6006, RefundID="A"))
        self.assertEqual(first[0], 202, first[1])
        # the first refund still waits: only one chair is left to refund
        code, body = self.post(
            SINGLE, self.refund_payload(6006, quantity=-2, RefundID="B")
        )
        self.assertEqual(code, 422)
        self.assertIn("1 remain to refund", body["error"])
        second = self.post(SINGLE, self.refund_payload(6006, RefundID="C"))
        self.assertEqual(second[0], 202, second[1])
        self.run_job(self.log_of("6006:refund:A"))
        self.run_job(self.log_of("6006:refund:C"))
        sale = self.log_of(6006).pos_order_id
        self.assertAlmostEqual(sale.lines.refunded_qty, 2)

    def test_negative_quantity_on_a_sale_is_400_naming_the_field(self):
        payload = self.payload(6004)
        payload["OrderItems"][0]["Quantity"] = -1
        code, body = self.post(SINGLE, payload)
        self.assertEqual(code, 400)
        self.assertIn("OrderItems.0.Quantity", body["details"])

    def test_refund_next_to_its_sale_in_one_bulk_is_accepted(self):
        orders = [self.sale_payload(6007, 2), self.refund_payload(6007)]
        code, body = self.post(BULK, {"orders": orders})
        self.assertEqual(code, 202, body)
        results = body["data"]["results"]
        self.assertEqual([r["status_code"] for r in results], [202, 202], results)
        self.run_job(self.log_of(6007))
        self.run_job(self.log_of("6007:refund"))
        self.assertAlmostEqual(self.log_of(6007).pos_order_id.lines.refunded_qty, 1)

    def test_refunds_in_one_bulk_count_against_their_queued_sale(self):
        orders = [
            self.sale_payload(6009, 2),
            self.refund_payload(6009, RefundID="A"),
            self.refund_payload(6009, quantity=-2, RefundID="B"),
            self.refund_payload(6009, RefundID="C"),
        ]
        code, body = self.post(BULK, {"orders": orders})
        self.assertEqual(code, 202, body)
        results = body["data"]["results"]
        self.assertEqual([r["status_code"] for r in results], [202, 202, 422, 202])
        self.assertIn("1 remain to refund", results[2]["error"])
        for key in ("6009", "6009:refund:A", "6009:refund:C"):
            self.run_job(self.log_of(key))
        sale = self.log_of(6009).pos_order_id
        self.assertAlmostEqual(sale.lines.refunded_qty, 2)

    def test_refund_of_a_sale_spelled_as_text_in_a_later_request(self):
        self.post(SINGLE, self.sale_payload("6008", 2))
        code, body = self.post(SINGLE, self.refund_payload("6008"))
        self.assertEqual(code, 202, body)
