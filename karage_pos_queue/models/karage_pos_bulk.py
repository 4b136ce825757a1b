# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.osv import expression

# the webhook log states of an accepted order, as the bulk counts them
COUNTED_STATES = ("queued", "success", "failed")


class KaragePosBulk(models.Model):
    """One bulk request: its accepted orders and how far their jobs are.

    The progress is read from the orders' logs when shown, never written by
    the jobs: a finished job costs its bulk nothing (queue_job_batch's
    progress job, one per finished job, cost about a fifth of an order).
    """

    _name = "karage.pos.bulk"
    _inherit = ["karage.pos.retention.mixin"]
    _description = "Karage POS Bulk"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Sent By", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    log_ids = fields.One2many(
        "karage.pos.webhook.log", "bulk_id", string="Webhook Logs", readonly=True
    )
    order_count = fields.Integer(
        string="Accepted", compute="_compute_progress", help="Orders queued by it."
    )
    done_count = fields.Integer(string="Created", compute="_compute_progress")
    queued_count = fields.Integer(string="Waiting", compute="_compute_progress")
    failed_count = fields.Integer(string="Failed", compute="_compute_progress")
    state = fields.Selection(
        [("progress", "In Progress"), ("done", "Done"), ("failed", "Has Failures")],
        compute="_compute_progress",
    )

    @api.depends("log_ids.state")
    def _compute_progress(self):
        groups = self.env["karage.pos.webhook.log"]._read_group(
            [("bulk_id", "in", self.ids), ("state", "in", COUNTED_STATES)],
            ["bulk_id", "state"],
            ["__count"],
        )
        counts = {(bulk.id, state): count for bulk, state, count in groups}
        for bulk in self:
            bulk.done_count = counts.get((bulk.id, "success"), 0)
            bulk.queued_count = counts.get((bulk.id, "queued"), 0)
            bulk.failed_count = counts.get((bulk.id, "failed"), 0)
            bulk.order_count = bulk.done_count + bulk.queued_count + bulk.failed_count
            if bulk.queued_count:
                bulk.state = "progress"
            else:
                bulk.state = "failed" if bulk.failed_count else "done"

    @api.model
    def _karage_cleanup_domain(self, limit_date):
        """A bulk goes with the last of its logs (see Record Retention)."""
        return expression.AND(
            [super()._karage_cleanup_domain(limit_date), [("log_ids", "=", False)]]
        )

    @api.model
    def _karage_open(self, size):
        """The bulk of the request being accepted, ``size`` orders sent."""
        return self.sudo().create(
            {
                "name": _("Karage bulk of %s orders", size),
                "user_id": self.env.uid,
                "company_id": self.env.company.id,
            }
        )

    def action_open_logs(self, state=None):
        self.ensure_one()
        domain = [("bulk_id", "=", self.id)]
        if state:
            domain.append(("state", "=", state))
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "karage.pos.webhook.log",
            "view_mode": "list,form",
            "domain": domain,
        }

    def action_open_failed(self):
        return self.action_open_logs("failed")

    def action_open_jobs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "queue.job",
            "view_mode": "list,form",
            "domain": [("id", "in", self.log_ids.job_id.ids)],
        }
