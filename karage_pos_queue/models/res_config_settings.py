# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    karage_pos_single_sync = fields.Boolean(
        string="Create Single Orders Synchronously",
        config_parameter="karage_pos_queue.single_sync",
        help="Single-order requests create the order before answering (200 "
        "with the order) instead of queueing it (202). Bulk requests are "
        "always queued.",
    )
