# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import SINGLE, KarageQueueHttpCase


@tagged("post_install", "-at_install")
class TestStatus(KarageQueueHttpCase):
    def _status(self, order_id):
        return self.get(f"{SINGLE}/{order_id}")

    def test_unknown_order_is_404(self):
        code, body = self._status(999)
        self.assertEqual(code, 404)
        self.assertEqual(body["error"], "Order 999 not found")

    def test_status_needs_the_api_key(self):
        response = self.opener.get(self.base_url() + f"{SINGLE}/1", timeout=12)
        self.assertEqual(response.status_code, 401)

    def test_queued_processing_done(self):
        self.post(SINGLE, self.payload(order_id=201))
        code, body = self._status(201)
        self.assertEqual(code, 200)
        self.assertEqual(body["data"]["state"], "queued")
        log = self.log_of(201)
        log.job_id.state = "started"
        self.assertEqual(self._status(201)[1]["data"]["state"], "processing")
        log.job_id.state = "pending"
        log._karage_process_job()
        body = self._status(201)[1]
        self.assertEqual(body["data"]["state"], "done")
        self.assertEqual(body["data"]["order"]["state"], "paid")

    def test_failed_job_reports_the_seed_error(self):
        # the untaxed product does not give Karage's taxed total: the job fails
        self.post(SINGLE, self.payload(order_id=202, product=self.untaxed))
        self.assertEqual(self.run_job(self.log_of(202)).state, "failed")
        body = self._status(202)[1]
        self.assertEqual(body["data"]["state"], "failed")
        self.assertTrue(
            body["data"]["error"].startswith(
                "Failed to confirm order: Order is not fully paid"
            ),
            body,
        )

    def test_order_refused_at_acceptance_is_failed(self):
        self.post(SINGLE, self.payload(order_id=203, OrderStatus=5))
        body = self._status(203)[1]
        self.assertEqual(body["data"]["state"], "failed")
        self.assertEqual(
            body["data"]["error"], "Invalid OrderStatus: 5 not in allowed statuses"
        )

    def test_a_copy_refused_later_does_not_fail_the_queued_order(self):
        self.post(SINGLE, self.payload(order_id=204))
        other = self.payload(order_id=204)
        other["OrderItems"][0]["Quantity"] = 2
        code, __ = self.post(SINGLE, other)
        self.assertEqual(code, 409)
        self.assertEqual(self._status(204)[1]["data"]["state"], "queued")
