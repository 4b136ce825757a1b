# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest import mock

from odoo.sql_db import db_connect
from odoo.tests import tagged

from odoo.addons.karage_pos.components.order_creator import KaragePosOrderCreator
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError
from odoo.addons.queue_job.job import Job

from .common import SINGLE, KarageQueueHttpCase


@tagged("post_install", "-at_install")
class TestJob(KarageQueueHttpCase):
    def _accept(self, order_id, **kwargs):
        code, __ = self.post(SINGLE, self.payload(order_id=order_id, **kwargs))
        self.assertEqual(code, 202)
        return self.log_of(order_id)

    def _run(self, log):
        """Run the stored job as the runner would: failure marks it failed."""
        job = Job.load(self.env, log.job_id.uuid)
        job.set_started()
        try:
            with self.env.cr.savepoint():
                result = job.perform()
        except FailedJobError as error:
            job.set_failed(exc_message=error.args[0], exc_name="FailedJobError")
            job.store()
            return None
        job.set_done(result=result)
        job.store()
        return result

    def test_job_creates_the_paid_order(self):
        log = self._accept(101)
        self._run(log)
        order = log.pos_order_id
        self.assertEqual(order.state, "paid")
        self.assertEqual(set(order.picking_ids.mapped("state")), {"done"})
        self.assertEqual(log.state, "success")
        self.assertEqual(log.job_id.state, "done")

    def test_requeued_done_job_is_a_no_op(self):
        log = self._accept(102)
        self._run(log)
        log.job_id.requeue()
        result = self._run(log)
        self.assertIn("already imported", result)
        self.assertEqual(len(self.karage_orders()), 1)

    def test_business_failure_fails_at_once_with_seed_message(self):
        log = self._accept(103, product=self.untaxed)
        self._run(log)
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
        self._run(log)
        self.assertEqual(log.state, "failed")
        # the admin adds the missing tax, then requeues from the log
        self.untaxed.taxes_id = self.tax15
        log.action_requeue()
        self.assertEqual(log.job_id.state, "pending")
        self._run(log)
        self.assertEqual(log.pos_order_id.state, "paid")
        self.assertEqual(log.state, "success")

    def test_requeue_from_queue_jobs_list(self):
        log = self._accept(105, product=self.untaxed)
        self._run(log)
        self.untaxed.taxes_id = self.tax15
        wizard = (
            self.env["queue.requeue.job"]
            .with_context(active_model="queue.job", active_ids=log.job_id.ids)
            .create({})
        )
        wizard.requeue()
        self._run(log)
        self.assertEqual(log.pos_order_id.state, "paid")

    def test_related_action_opens_order_when_done_else_log(self):
        log = self._accept(106)
        action = log.job_id.open_related_action()
        self.assertEqual((action["res_model"], action["res_id"]), (log._name, log.id))
        self._run(log)
        action = log.job_id.open_related_action()
        self.assertEqual(action["res_model"], "pos.order")
        self.assertEqual(action["res_id"], log.pos_order_id.id)

    def test_job_function_is_configured_as_data(self):
        config = self.env["queue.job.function"].job_config(
            "<karage.pos.webhook.log>._karage_process_job"
        )
        self.assertEqual(config.channel, "root.karage_pos")
        self.assertEqual(config.retry_pattern, {1: 5, 3: 30, 6: 120})
        self.assertEqual(config.related_action_func_name, "_karage_related_action")

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

        job = Job.load(self.env, log.job_id.uuid)
        job.set_started()
        with (
            mock.patch.object(
                KaragePosOrderCreator, "create_order", create_order_on_hot_row
            ),
            self.assertRaises(RetryableJobError) as caught,
        ):
            job.perform()
        self.assertEqual(caught.exception.seconds, 1)
        self.assertEqual(job.retry, 0)  # not counted against max_retries
        self.assertIn("Concurrent update", str(caught.exception))
        self.assertFalse(self.karage_orders())
