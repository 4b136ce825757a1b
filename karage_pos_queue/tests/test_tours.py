# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The queue's screens in a real browser (issue #11): a failed order's log
requeued, a bulk's progress. Tours in ``static/tests/tours``; screenshots
as in ``karage_pos``'s ``tour_common``."""

from odoo.tests import tagged

from odoo.addons.karage_pos.tests.tour_common import KarageTourMixin

from .common import BULK, SINGLE, KarageQueueHttpCase


@tagged("post_install", "-at_install")
class TestQueueTours(KarageTourMixin, KarageQueueHttpCase):
    def test_failed_order_is_requeued_from_its_log(self):
        code, __ = self.post(SINGLE, self.payload(order_id=7301, product=self.untaxed))
        self.assertEqual(code, 202)
        log = self.log_of(7301)
        self.run_job(log)
        self.assertEqual(log.job_id.state, "failed")
        self.karage_tour("/odoo", "karage_pos_queue_requeue")
        self.assertEqual(log.job_id.state, "pending")
        self.assertEqual(log.state, "queued")

    def test_bulk_progress_is_followed_from_a_log(self):
        orders = [self.payload(order_id=7401), self.payload(order_id=7402)]
        code, __ = self.post(BULK, {"orders": orders})
        self.assertEqual(code, 202)
        self.run_job(self.log_of(7401))
        self.assertEqual(self.log_of(7402).bulk_id.done_count, 1)
        self.karage_tour("/odoo", "karage_pos_queue_bulk")
