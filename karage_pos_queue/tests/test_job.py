# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest import mock

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import tagged

from odoo.addons.karage_pos.components.order_creator import KaragePosOrderCreator

from .common import SINGLE, KarageQueueHttpCase


@tagged("post_install", "-at_install")
class TestJob(KarageQueueHttpCase):
    def _accept(self, order_id, **kwargs):
        code, __ = self.post(SINGLE, self.payload(order_id=order_id, **kwargs))
        self.assertEqual(code, 202)
        return self.log_of(order_id)

    def test_job_creates_the_paid_order(self):
        log = self._accept(101)
        self.run_job(log)
        order = log.pos_order_id
        self.assertEqual(order.state, "paid")
        self.assertEqual(set(order.picking_ids.mapped("state")), {"done"})
        self.assertEqual(log.state, "success")
        self.assertEqual(log.job_id.state, "done")

    def test_requeued_done_job_is_a_no_op(self):
        log = self._accept(102)
        self.run_job(log)
        log.job_id.requeue()
        job = self.run_job(log)
        self.assertEqual(job.state, "done")
        self.assertIn("already imported", job.result)
        self.assertEqual(len(self.karage_orders()), 1)

    def test_business_failure_fails_at_once_with_seed_message(self):
        log = self._accept(103, product=self.untaxed)
        self.run_job(log)
        self.assertEqual(log.job_id.state, "failed")
        # failed on its first run, not postponed for another try
        self.assertEqual(log.job_id.retry, 1)
        self.assertTrue(
            log.job_error.startswith("Failed to confirm order: Order is not fully paid")
        )
        self.assertEqual(log.state, "failed")
        self.assertFalse(self.karage_orders())

    def test_failed_order_is_created_after_fix_and_requeue(self):
        log = self._accept(104, product=self.untaxed)
        self.run_job(log)
        self.assertEqual(log.state, "failed")
        # the admin adds the missing tax, then requeues from the log
        self.untaxed.taxes_id = self.tax15
        log.action_requeue()
        self.assertEqual(log.job_id.state, "pending")
        self.run_job(log)
        self.assertEqual(log.pos_order_id.state, "paid")
        self.assertEqual(log.state, "success")

    def test_requeue_from_queue_jobs_list(self):
        log = self._accept(105, product=self.untaxed)
        self.run_job(log)
        self.untaxed.taxes_id = self.tax15
        wizard = (
            self.env["queue.requeue.job"]
            .with_context(active_model="queue.job", active_ids=log.job_id.ids)
            .create({})
        )
        wizard.requeue()
        self.run_job(log)
        self.assertEqual(log.pos_order_id.state, "paid")

    def test_related_action_opens_order_when_done_else_log(self):
        log = self._accept(106)
        action = log.job_id.open_related_action()
        self.assertEqual((action["res_model"], action["res_id"]), (log._name, log.id))
        self.run_job(log)
        action = log.job_id.open_related_action()
        self.assertEqual(action["res_model"], "pos.order")
        self.assertEqual(action["res_id"], log.pos_order_id.id)

    def test_lock_conflict_runs_again_soon_without_spending_a_retry(self):
        log = self._accept(120)
        # a committed row no test data touches stands for the hot row
        country = self.env.ref("base.be")
        # this transaction's snapshot is taken; another one then commits an
        # update of a row the order path will update too
        self.env.cr.execute("SELECT 1 FROM res_country WHERE id = %s", [country.id])
        # a connection of its own: the registry's cursors share the test's
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute(
                "UPDATE res_country SET write_date = write_date WHERE id = %s",
                [country.id],
            )
            other.commit()
        create_order = KaragePosOrderCreator.create_order

        def create_order_on_hot_row(creator, values):
            creator.env.cr.execute(
                "UPDATE res_country SET write_date = write_date WHERE id = %s",
                [country.id],
            )
            return create_order(creator, values)

        with mock.patch.object(
            KaragePosOrderCreator, "create_order", create_order_on_hot_row
        ):
            job = self.run_job(log)
        # postponed a second, not counted against max_retries
        self.assertEqual(job.state, "pending")
        self.assertEqual(job.retry, 0)
        self.assertIn("Concurrent update", job.result)
        self.assertLessEqual(
            (job.eta - fields.Datetime.now()).total_seconds(), 2, job.eta
        )
        self.assertFalse(self.karage_orders())
