# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import SINGLE, KarageQueueHttpCase


@tagged("post_install", "-at_install")
class TestOverviewQueue(KarageQueueHttpCase):
    """Accepted orders waiting for their job are pending; those whose job
    failed are failed, in the overview and for the alerts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._branch("Karage North", "KNO")

    def accept(self, order_id, **values):
        payload = self.payload(order_id, pos_config_id=self.north.id, **values)
        code, body = self.post(SINGLE, payload)
        self.assertEqual(code, 202, body)
        return self.log_of(order_id)

    def setUp(self):
        super().setUp()
        self.done = self.accept(501)
        self.run_job(self.done)
        self.failed = self.accept(502, product=self.untaxed)
        self.run_job(self.failed)
        self.waiting = self.accept(503)

    def received_row(self):
        """The row of the day the logs were received (today)."""
        # the view's rows keep their id as their figures change
        self.env.invalidate_all()
        rows = self.env["karage.pos.overview"].search(
            [("config_id", "=", self.north.id), ("received_count", ">", 0)]
        )
        self.assertEqual(len(rows), 1)
        return rows

    def opened(self, action):
        return self.env[action["res_model"]].search(action["domain"])

    def test_pending_and_failed_jobs_are_counted(self):
        self.assertEqual(self.done.job_id.state, "done")
        self.assertEqual(self.failed.job_id.state, "failed")
        self.assertEqual(self.waiting.job_id.state, "pending")
        self.assertEqual(
            (self.done | self.failed | self.waiting).pos_config_id, self.north
        )
        row = self.received_row()
        self.assertRecordValues(
            row, [{"received_count": 3, "pending_count": 1, "failed_count": 1}]
        )
        rows = self.env["karage.pos.overview"].search(
            [("config_id", "=", self.north.id)]
        )
        self.assertEqual(sum(rows.mapped("paid_count")), 1)

    def test_buttons_open_the_jobs(self):
        row = self.received_row()
        self.assertEqual(self.opened(row.action_open_pending()), self.waiting.job_id)
        self.assertEqual(self.opened(row.action_open_failed()), self.failed)
        jobs = (self.done | self.failed | self.waiting).job_id
        self.assertEqual(self.opened(row.action_open_jobs()), jobs)
        # Point of Sale > Karage > Karage Jobs
        action = self.env.ref("karage_pos_queue.action_karage_pos_jobs")
        karage_jobs = self.env["queue.job"].search(safe_eval(action.domain))
        self.assertEqual(karage_jobs & jobs, jobs)
        self.assertEqual(
            set(karage_jobs.mapped("model_name")), {"karage.pos.webhook.log"}
        )

    def test_requeued_job_that_succeeds_is_no_longer_failed(self):
        self.untaxed.taxes_id = self.tax15
        self.failed.action_requeue()
        self.assertEqual(self.received_row().pending_count, 2)
        self.run_job(self.failed)
        self.assertRecordValues(
            self.received_row(), [{"pending_count": 1, "failed_count": 0}]
        )

    def test_failed_jobs_count_for_the_failure_alert(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("karage_pos.alert_silence_minutes", "0")
        params.set_param("karage_pos.alert_failure_rate", "30")
        params.set_param("karage_pos.alert_failure_min_orders", "3")
        now = self.waiting.create_date + timedelta(minutes=1)
        alert = self.env["karage.pos.alert"]._karage_evaluate(now=now)
        self.assertEqual(alert.config_id, self.north)
        self.assertEqual(alert.kind, "failure_rate")
        self.assertIn("1 of the 3 orders", alert.description)
