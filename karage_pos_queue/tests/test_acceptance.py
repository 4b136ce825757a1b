# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.karage_pos.exceptions import KaragePosError
from odoo.addons.karage_pos.services.pos_order_service import (
    KaragePosOrderService as BaseService,
)

from .common import BULK, SINGLE, KarageQueueHttpCase


@tagged("post_install", "-at_install")
class TestAcceptance(KarageQueueHttpCase):
    def test_single_order_is_accepted_with_one_job(self):
        code, body = self.post(SINGLE, self.payload(order_id=11))
        self.assertEqual(code, 202)
        data = body["data"]
        self.assertEqual((data["external_order_id"], data["state"]), (11, "queued"))
        self.assertTrue(data["status_url"].endswith("/api/v1/webhook/pos-order/11"))
        self.assertFalse(self.karage_orders(), "created before the job ran")
        log = self.log_of(11)
        job = self.jobs_of(11)
        self.assertEqual(len(job), 1)
        self.assertEqual(log.job_id, job)
        self.assertEqual(data["job_uuid"], job.uuid)
        self.assertEqual(log.state, "queued")
        self.assertEqual(
            (job.state, job.channel, job.name, job.priority, job.max_retries),
            ("pending", "root.karage_pos", "Karage POS order 11", 10, 0),
        )
        self.assertEqual((job.records, job.method_name), (log, "_karage_process_job"))
        # the job runs as the key's user, who sent the order
        self.assertEqual((job.user_id, log.user_id), (self.pos_user, self.pos_user))
        self.assertEqual(json.loads(log.response)["data"]["job_uuid"], job.uuid)
        # the job itself is tested by calling it (test_job)
        log._karage_process_job()
        self.assertEqual(self.karage_orders().state, "paid")
        self.assertEqual(log.pos_order_id, self.karage_orders())
        self.assertEqual(log.status_code, 200)

    def test_bulk_enqueues_one_job_per_valid_order_on_bulk_channel(self):
        orders = [
            self.payload(order_id=21),
            self.payload(order_id=22, OrderStatus="bad"),
            self.payload(order_id=23),
        ]
        code, body = self.post(BULK, {"orders": orders})
        self.assertEqual(code, 202)
        results = body["data"]["results"]
        self.assertEqual([r["status_code"] for r in results], [202, 400, 202])
        self.assertEqual(results[1]["status"], "error")
        self.assertFalse(self.jobs_of(22))
        for order_id, result in zip((21, 23), (results[0], results[2]), strict=True):
            job = self.jobs_of(order_id)
            self.assertEqual(job.records, self.log_of(order_id))
            self.assertEqual((job.channel, job.priority), ("root.karage_pos.bulk", 20))
            self.assertEqual(result["data"]["job_uuid"], job.uuid)

    def test_same_order_twice_in_one_bulk_shares_one_job(self):
        orders = [self.payload(order_id=24), self.payload(order_id="24")]
        code, body = self.post(BULK, {"orders": orders})
        self.assertEqual(code, 202, body)
        first, second = body["data"]["results"]
        job = self.jobs_of(24)
        self.assertEqual(len(job), 1)
        self.assertEqual(
            (first["data"]["job_uuid"], second["data"]["job_uuid"]),
            (job.uuid, job.uuid),
        )
        logs = self.env["karage.pos.webhook.log"].search(
            [("external_order_id", "=", "24")]
        )
        self.assertEqual(len(logs), 2)
        self.assertEqual(logs.job_id, job)
        self.run_job(logs[:1])
        self.assertEqual(len(self.karage_orders()), 1)
        self.assertEqual(logs.pos_order_id, self.karage_orders())

    def test_an_order_that_cannot_be_queued_is_refused_alone(self):
        Log = type(self.env["karage.pos.webhook.log"])
        identity_key = Log._karage_identity_key

        def failing(log):
            if log.external_order_id == "26":
                raise ValueError("broken")
            return identity_key(log)

        orders = [self.payload(order_id=i) for i in (25, 26, 27)]
        with (
            patch.object(Log, "_karage_identity_key", failing),
            mute_logger("odoo.addons.karage_pos_queue.services.pos_order_service"),
        ):
            code, body = self.post(BULK, {"orders": orders})
        self.assertEqual(code, 202, body)
        results = body["data"]["results"]
        self.assertEqual([r["status_code"] for r in results], [202, 500, 202])
        self.assertIn("26", results[1]["error"])
        self.assertEqual(self.log_of(26).status_code, 500)
        self.assertFalse(self.jobs_of(26))
        for order_id in (25, 27):
            self.assertEqual(self.log_of(order_id).job_id, self.jobs_of(order_id))
            self.assertEqual(self.log_of(order_id).state, "queued")

    def test_a_claim_is_answered_by_the_occurrence_that_was_queued(self):
        Log = type(self.env["karage.pos.webhook.log"])
        identity_key = Log._karage_identity_key
        failures = []

        def failing_twice(log):
            # the batch, then the first occurrence written alone
            if log.external_order_id == "28" and len(failures) < 2:
                failures.append(log)
                raise ValueError("broken")
            return identity_key(log)

        orders = [self.payload(order_id=28), self.payload(order_id=28)]
        with (
            patch.object(Log, "_karage_identity_key", failing_twice),
            mute_logger("odoo.addons.karage_pos_queue.services.pos_order_service"),
        ):
            code, body = self.post(BULK, {"orders": orders})
        self.assertEqual(code, 202, body)
        results = body["data"]["results"]
        self.assertEqual([r["status_code"] for r in results], [500, 202])
        claim = self.env["karage.pos.idempotency"].search(
            [("kind", "=", "order"), ("key", "=", "28")]
        )
        self.assertEqual((claim.state, claim.response_code), ("completed", 202))
        self.assertEqual(
            json.loads(claim.response_body)["data"]["job_uuid"], self.jobs_of(28).uuid
        )

    def test_an_order_refused_as_its_acceptance_ends_is_not_queued(self):
        accept = BaseService._karage_accept

        def refused_once_queued(service, document, endpoint, started):
            answer = accept(service, document, endpoint, started)
            if document["OrderID"] == 42:
                raise KaragePosError("refused after it was queued")
            return answer

        orders = [self.payload(order_id=i) for i in (41, 42, 43)]
        with patch.object(BaseService, "_karage_accept", refused_once_queued):
            code, body = self.post(BULK, {"orders": orders})
        self.assertEqual(code, 202, body)
        results = body["data"]["results"]
        self.assertEqual([r["status_code"] for r in results], [202, 422, 202])
        self.assertFalse(self.jobs_of(42))
        logs = self.env["karage.pos.webhook.log"].search(
            [("external_order_id", "=", "42")]
        )
        self.assertEqual((logs.status_code, logs.job_id.id), (422, False))
        for order_id in (41, 43):
            self.assertEqual(self.log_of(order_id).job_id, self.jobs_of(order_id))

    def test_bulk_is_one_bulk_of_stored_jobs(self):
        orders = [self.payload(order_id=31), self.payload(order_id=32)]
        code, __ = self.post(BULK, {"orders": orders})
        self.assertEqual(code, 202)
        logs = self.log_of(31) | self.log_of(32)
        self.assertEqual(len(logs.job_id), 2)
        self.assertEqual(set(logs.job_id.mapped("state")), {"pending"})
        bulk = logs.bulk_id
        self.assertEqual(len(bulk), 1)
        self.assertEqual((bulk.order_count, bulk.queued_count), (2, 2))
        self.assertEqual(bulk.state, "progress")

    def test_bulk_progress_costs_no_job(self):
        orders = [self.payload(order_id=33), self.payload(order_id=34)]
        self.post(BULK, {"orders": orders})
        bulk = self.log_of(33).bulk_id
        # a finished job enqueues nothing (no progress job per bulk)
        jobs = self.env["queue.job"].sudo().search_count([])
        self.run_job(self.log_of(33))
        bulk.invalidate_recordset()
        self.assertEqual((bulk.done_count, bulk.queued_count), (1, 1))
        self.run_job(self.log_of(34))
        self.assertEqual(self.env["queue.job"].sudo().search_count([]), jobs)
        bulk.invalidate_recordset()
        self.assertEqual((bulk.done_count, bulk.state), (2, "done"))

    def test_bulk_goes_with_its_last_log(self):
        orders = [self.payload(order_id=35), self.payload(order_id=36, Tax="x")]
        self.post(BULK, {"orders": orders})
        bulk = self.log_of(35).bulk_id
        old = fields.Datetime.now() - timedelta(days=31)
        self.env.cr.execute(
            "UPDATE karage_pos_bulk SET create_date = %s WHERE id = %s", [old, bulk.id]
        )
        self.env["karage.pos.bulk"]._cron_cleanup()
        self.assertTrue(bulk.exists(), "its accepted order's log is kept")
        self.log_of(35).unlink()
        self.env["karage.pos.bulk"]._cron_cleanup()
        self.assertFalse(bulk.exists())

    def test_invalid_payload_is_refused_without_job(self):
        code, body = self.post(SINGLE, self.payload(order_id=41, Tax="x"))
        self.assertEqual(code, 400)
        self.assertIn("Tax", body["details"])
        self.assertFalse(self.jobs_of(41))

    def test_existing_order_is_duplicate_without_job(self):
        self.post(SINGLE, self.payload(order_id=51))
        self.run_job(self.log_of(51))
        code, body = self.post(SINGLE, self.payload(order_id=51))
        self.assertEqual(code, 409)
        self.assertEqual(body["error"], "Duplicate order: OrderID 51 already exists")
        self.assertEqual(len(self.jobs_of(51)), 1)

    def test_same_waiting_order_is_not_enqueued_twice(self):
        self.post(SINGLE, self.payload(order_id=61))
        self.post(SINGLE, self.payload(order_id=61))
        jobs = self.env["queue.job"].search(
            [("identity_key", "=", f"karage_pos_order:{self.company.id}:61")]
        )
        self.assertEqual(len(jobs), 1)

    def test_single_sync_setting_answers_with_the_order(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "karage_pos_queue.single_sync", "True"
        )
        code, body = self.post(SINGLE, self.payload(order_id=71))
        self.assertFalse(self.jobs_of(71))
        self.assertEqual(code, 200)
        self.assertEqual(body["data"]["state"], "paid")
