# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    karage_pos_config_ids = fields.Many2many(
        "pos.config",
        "karage_pos_config_res_users_rel",
        "user_id",
        "config_id",
        string="Karage POS Branches",
        # set by an administrator: an API key's user must not widen its own
        # binding (the field is not one of the self-writeable fields either)
        groups="base.group_system",
        help="POS configurations this user's API keys may send Karage orders "
        "to; an order without pos_config_id goes to the only one. Empty: "
        "every configuration of the user's companies.",
    )
