# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pytz

from odoo import api, fields, models


@api.model
def _tz_get(self):
    return [(tz, tz) for tz in sorted(pytz.all_timezones)]


CONFIG_NAME_KEYWORDS = ("External", "Webhook", "API", "Integration")


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

    karage_pos_partner_id = fields.Many2one(
        "res.partner",
        string="Karage Default Customer",
        check_company=True,
        help="Customer of the Karage orders that name none (partner_id or "
        "customer_ref). Such orders are not invoiced. Empty: no customer.",
    )
    karage_pos_invoice_orders = fields.Boolean(
        string="Invoice Karage Orders with a Customer",
        default=True,
        help="Karage orders that name their customer are invoiced through "
        "the Point of Sale (a posted customer invoice); refunds of invoiced "
        "sales get a credit note.",
    )

    def _karage_pos_config(self):
        """The POS configuration that receives this company's Karage orders.

        The configured one, else the first whose name contains one of the
        seed's keywords, else the company's first; empty when the company
        has none (Karage is not set up there).
        """
        self.ensure_one()
        if self.karage_pos_config_id:
            return self.karage_pos_config_id
        PosConfig = self.env["pos.config"]
        domain = [("company_id", "=", self.id)]
        for keyword in CONFIG_NAME_KEYWORDS:
            config = PosConfig.search(
                domain + [("name", "ilike", keyword)], order="id", limit=1
            )
            if config:
                return config
        return PosConfig.search(domain, order="id", limit=1)

    def _karage_timezone(self):
        self.ensure_one()
        return self.karage_pos_timezone or self.partner_id.tz or "UTC"

    def _karage_pos_managers(self):
        """The internal *Point of Sale / Administrator* users of this company:
        they get the activities of the daily close and of the alerts."""
        self.ensure_one()
        return self.env.ref("point_of_sale.group_pos_manager").users.filtered(
            lambda u: not u.share and self in u.company_ids
        )
