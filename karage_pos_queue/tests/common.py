# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest import mock

from odoo.tools import mute_logger

from odoo.addons.karage_pos.tests.common import BULK, SINGLE, KarageHttpCase
from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.job import Job

__all__ = ["KarageQueueHttpCase", "SINGLE", "BULK"]


class KarageQueueHttpCase(KarageHttpCase):
    def run_job(self, log):
        """Run the log's job through queue_job's own runner, as the job
        runner would (done, postponed or failed), in the test transaction;
        return its ``queue.job``."""
        job = Job.load(self.env, log.job_id.uuid)
        job.set_started()
        job.store()
        with (
            # queue_job records failures and postponements in a transaction
            # of their own; here in the test's, as its own tests do
            mock.patch.object(Job, "in_temporary_env") as temporary_env,
            # a postponed job rolls back what it did: it did nothing
            mock.patch.object(self.env.cr, "rollback"),
            mute_logger("odoo.addons.queue_job.controllers.main"),
        ):
            temporary_env.return_value.__enter__.return_value = self.env
            try:
                RunJobController._runjob(self.env, job)
            except Exception:  # noqa: BLE001 - stored as the job's failure
                self.env.invalidate_all()
        return log.job_id

    def jobs_of(self, *order_ids):
        """The stored jobs of these OrderIDs."""
        keys = [f"karage_pos_order:{self.company.id}:{i}" for i in order_ids]
        return self.env["queue.job"].sudo().search([("identity_key", "in", keys)])

    def log_of(self, order_id):
        return self.env["karage.pos.webhook.log"].search(
            [("external_order_id", "=", str(order_id))], limit=1
        )
