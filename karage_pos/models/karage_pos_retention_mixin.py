# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models


class KaragePosRetentionMixin(models.AbstractModel):
    """Records deleted by a daily cron once older than Record Retention."""

    _name = "karage.pos.retention.mixin"
    _description = "Karage POS record retention"

    @api.model
    def _cron_cleanup(self):
        """Delete records older than the retention setting (0 keeps all)."""
        days = self.env["res.config.settings"]._karage_setting("retention_days")
        if days <= 0:
            return
        limit = fields.Datetime.now() - timedelta(days=days)
        self.sudo().search([("create_date", "<", limit)]).unlink()
