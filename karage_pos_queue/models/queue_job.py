# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class QueueJob(models.Model):
    _inherit = "queue.job"

    def _karage_related_action(self):
        """Related action of Karage order jobs: the order, else the log."""
        self.ensure_one()
        return self.records._karage_related_action()
