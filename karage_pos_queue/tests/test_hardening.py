# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Accepted means done: refused at the door, or created; transient trouble
is waited out, only what an operator must fix fails."""

import json
from unittest import mock

import psycopg2

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.karage_pos.components.order_creator import KaragePosOrderCreator
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError
from odoo.addons.queue_job.job import Job

from .common import BULK, SINGLE, KarageQueueHttpCase


@tagged("post_install", "-at_install")
class TestHardening(KarageQueueHttpCase):
    def _accept(self, order_id, **kwargs):
        code, body = self.post(SINGLE, self.payload(order_id=order_id, **kwargs))
        self.assertEqual(code, 202, body)
        return self.log_of(order_id)

    def _perform(self, log):
        job = Job.load(self.env, log.job_id.uuid)
        job.set_started()
        with self.env.cr.savepoint():
            return job, job.perform()

    def _jobs(self):
        return self.env["queue.job"].search_count(
            [("model_name", "=", "karage.pos.webhook.log")]
        )

    # refused at the door, never a 202 followed by a failed job ----------

    def test_what_cannot_be_booked_is_refused_before_any_job(self):
        jobs = self._jobs()
        nan = json.dumps(self.payload(order_id=1)).replace(
            '"Price": 70.0', '"Price": NaN'
        )
        qty = self.payload(order_id=2)
        qty["OrderItems"][0]["Quantity"] = 1.004
        overpaid = self.payload(
            order_id=4,
            CheckoutDetails=[
                {"PaymentMode": 2, "AmountPaid": 500.0},
                {"PaymentMode": 1, "AmountPaid": 0.01},
            ],
        )
        dated = self.payload(order_id=3, OrderDate="0999-01-01T00:00:00")
        parts = [nan] + [json.dumps(p) for p in (qty, dated, overpaid)]
        response = self.url_open(
            BULK,
            data='{"orders": [%s]}' % ", ".join(parts),  # noqa: UP031 raw NaN
            headers={"Content-Type": "application/json", "X-API-KEY": self.key},
        )
        self.assertEqual(response.status_code, 202)
        results = response.json()["data"]["results"]
        self.assertEqual([r["status_code"] for r in results], [400, 400, 400, 422])
        self.assertIn("OrderItems.0.Price", results[0]["details"])
        self.assertIn("OrderItems.0.Quantity", results[1]["details"])
        self.assertIn("OrderDate", results[2]["details"])
        self.assertIn("Overpaid by non-cash payments", results[3]["error"])
        self.assertEqual(self._jobs(), jobs)

    def test_python_parameter_names_in_the_body_are_plain_fields(self):
        code, body = self.post(SINGLE, {**self.payload(order_id=5), "self": 1})
        self.assertEqual(code, 202, body)
        code, body = self.post(BULK, {"orders": [self.payload(order_id=6)], "self": 1})
        self.assertEqual(code, 202, body)

    # one OrderID, one content --------------------------------------------

    def test_same_order_id_other_content_in_one_bulk_is_409_with_one_job(self):
        other = self.payload(order_id=10)
        other["OrderItems"][0]["Quantity"] = 2
        code, body = self.post(BULK, {"orders": [self.payload(order_id=10), other]})
        self.assertEqual(len(self.jobs_of(10)), 1)
        first, second = body["data"]["results"]
        self.assertEqual((first["status_code"], second["status_code"]), (202, 409))
        self.assertIn("different content", second["error"])

    def test_same_order_id_other_content_while_its_job_waits_is_409(self):
        self._accept(11)
        other = self.payload(order_id=11)
        other["OrderItems"][0]["Quantity"] = 2
        code, body = self.post(SINGLE, other)
        self.assertEqual(code, 409, body)
        self.assertIn("already queued with different content", body["error"])
        # the same content again is a harmless duplicate of the waiting job
        code, body = self.post(SINGLE, self.payload(order_id=11))
        self.assertEqual(code, 202, body)
        self.assertEqual(
            len(
                self.env["karage.pos.webhook.log"]
                .search([("job_id", "!=", False)])
                .filtered(lambda log: log.external_order_id == "11")
                .job_id
            ),
            1,
        )

    def test_requeue_runs_its_own_logs_payload(self):
        first = self._accept(12)
        self.post(SINGLE, self.payload(order_id=12))
        second = self.env["karage.pos.webhook.log"].search(
            [("external_order_id", "=", "12")], order="id desc", limit=1
        )
        self.assertEqual(second.job_id, first.job_id)
        first.job_id.write({"state": "cancelled"})
        second.action_requeue()
        self.assertNotEqual(second.job_id, first.job_id)
        self.assertEqual(second.job_id.records, second)

    def test_job_never_links_an_order_of_other_content(self):
        first = self._accept(14)
        other = self.payload(
            order_id=14,
            AmountPaid=161.0,
            AmountTotal=140.0,
            GrandTotal=161.0,
            Tax=21.0,
            CheckoutDetails=[{"PaymentMode": 1, "AmountPaid": 161.0}],
        )
        other["OrderItems"][0]["Quantity"] = 2
        # the first's job has failed (say, for a missing tax): the sender's
        # corrected content is accepted and created
        first.job_id.write({"state": "failed"})
        code, body = self.post(SINGLE, other)
        self.assertEqual(code, 202, body)
        second = self.env["karage.pos.webhook.log"].search(
            [("external_order_id", "=", "14")], order="id desc", limit=1
        )
        self._perform(second)
        self.assertEqual(self.karage_orders().lines.qty, 2)
        # requeueing the first content fails loudly instead of linking it
        first.job_id.write({"state": "pending"})
        with self.assertRaises(FailedJobError) as caught:
            self._perform(first)
        self.assertIn("already exists", str(caught.exception))
        self.assertIn("with different content", str(caught.exception))
        self.assertFalse(first.pos_order_id)

    def test_same_content_sent_as_text_or_number_shares_the_waiting_job(self):
        first = self._accept(15)
        payload = self.payload(order_id="15")
        payload["OrderItems"][0]["Quantity"] = 1.0
        code, body = self.post(SINGLE, payload)
        self.assertEqual(code, 202, body)
        logs = self.env["karage.pos.webhook.log"].search(
            [("external_order_id", "=", "15")]
        )
        self.assertEqual(logs.job_id, first.job_id)
        self._perform(first)
        # both logs show the order, so retention may clean both up
        self.assertEqual(logs.pos_order_id, self.karage_orders())

    # rights ------------------------------------------------------------

    def test_only_pos_managers_may_requeue(self):
        log = self._accept(13, product=self.untaxed)
        with self.assertRaises(FailedJobError):
            self._perform(log)
        log.job_id.write({"state": "cancelled"})
        with self.assertRaises(AccessError):
            log.with_user(self.pos_user).action_requeue()
        self.assertEqual(log.job_id.state, "cancelled")

    # transient trouble is waited out ------------------------------------

    def test_order_waits_while_the_session_is_closed(self):
        self._perform(self._accept(20))
        self.karage_orders().session_id.state = "closing_control"
        log = self._accept(21)
        with self.assertRaises(RetryableJobError) as caught:
            self._perform(log)
        self.assertTrue(caught.exception.ignore_retry)
        self.assertGreaterEqual(caught.exception.seconds, 5)
        self.assertIn("is closing", str(caught.exception))

    def test_lost_database_connection_runs_the_job_again(self):
        log = self._accept(22)
        with (
            mock.patch.object(
                KaragePosOrderCreator,
                "create_order",
                side_effect=psycopg2.InterfaceError("connection already closed"),
            ),
            self.assertRaises(RetryableJobError) as caught,
        ):
            self._perform(log)
        self.assertTrue(caught.exception.ignore_retry)

    def test_unexpected_exception_fails_in_words_an_operator_reads(self):
        log = self._accept(23)
        with (
            mock.patch.object(
                KaragePosOrderCreator,
                "create_order",
                side_effect=ZeroDivisionError("float division by zero"),
            ),
            self.assertLogs("odoo.addons.karage_pos_queue", "ERROR"),
            self.assertRaises(FailedJobError) as caught,
        ):
            self._perform(log)
        self.assertEqual(
            str(caught.exception), "Internal error while creating order 23"
        )

    def test_accepted_orders_never_run_out_of_retries(self):
        log = self._accept(24)
        # 0 is queue_job's "retry forever": a killed worker requeues the job
        # (the runner counts it as a retry) and it must never fail for that
        self.assertEqual(log.job_id.max_retries, 0)
