# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pytz

from odoo import api, fields, models


@api.model
def _tz_get(self):
    return [(tz, tz) for tz in sorted(pytz.all_timezones)]


class ResCompany(models.Model):
    _inherit = "res.company"

    karage_pos_config_id = fields.Many2one(
        "pos.config",
        string="Karage POS Configuration",
        check_company=True,
        help="Point of sale that receives the Karage orders of this company. "
        "Empty: the first one whose name contains External, Webhook, API or "
        "Integration.",
    )
    karage_pos_timezone = fields.Selection(
        _tz_get,
        string="Karage Order Time Zone",
        help="Time zone of Karage's OrderDate (local wall-clock time). "
        "Empty: the company's time zone, else UTC.",
    )

    def _karage_timezone(self):
        self.ensure_one()
        return self.karage_pos_timezone or self.partner_id.tz or "UTC"
