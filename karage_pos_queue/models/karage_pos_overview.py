# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from odoo.addons.karage_pos.models.karage_pos_overview import NO_ORDER_SQL

from .karage_pos_webhook_log import WAITING_JOB_STATES


class KaragePosOverview(models.Model):
    """With the queue: orders accepted and waiting for their job (pending),
    and accepted orders whose job failed (failed too)."""

    _inherit = "karage.pos.overview"
    _depends = {
        "karage.pos.webhook.log": ["job_id"],
        "queue.job": ["state"],
    }

    pending_count = fields.Integer(string="Pending", readonly=True)

    @api.model
    def _karage_columns(self):
        return super()._karage_columns() + [
            "COUNT(DISTINCT e.log_key) FILTER (WHERE e.outcome = 'pending') "
            "AS pending_count"
        ]

    @api.model
    def _karage_log_outcomes(self):
        # an accepted order (202) whose job waits or runs is pending; one
        # whose job failed or was cancelled failed, unless its OrderID became
        # an order through another log
        return [
            (
                "pending",
                f"l.pos_order_id IS NULL AND j.state IN {WAITING_JOB_STATES}",
            ),
            ("failed", f"j.state IN ('failed', 'cancelled') AND {NO_ORDER_SQL}"),
        ] + super()._karage_log_outcomes()

    @api.model
    def _karage_log_joins(self):
        return super()._karage_log_joins() + " LEFT JOIN queue_job j ON j.id = l.job_id"

    def _karage_jobs_action(self, name, outcome=None):
        self.ensure_one()
        ids = self._karage_log_ids(self.config_id.ids, *self._karage_bounds(), outcome)
        jobs = self.env["karage.pos.webhook.log"].browse(ids).job_id
        return self._karage_action("queue.job", name, [("id", "in", jobs.ids)])

    def action_open_pending(self):
        return self._karage_jobs_action(_("Pending jobs"), "pending")

    def action_open_jobs(self):
        return self._karage_jobs_action(_("Jobs"))
