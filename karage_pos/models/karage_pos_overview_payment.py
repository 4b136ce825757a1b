# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .karage_pos_overview import (
    DAY_SQL,
    PAID_STATES,
    ROW_ID_SQL,
    ZONE_SQL,
    create_view,
)
from .pos_order import KARAGE_SOURCE


class KaragePosOverviewPayment(models.Model):
    """What the Karage orders of a branch and day paid by each method.

    A SQL view next to ``karage.pos.overview``: sales and refunds (negative)
    of paid orders, change given included, so each amount is what the
    method holds at the end of the day.
    """

    _name = "karage.pos.overview.payment"
    _description = "Karage POS Overview: Payments by Method"
    _auto = False
    _order = "day desc, config_id, payment_method_id"
    _rec_name = "payment_method_id"
    # flushed before the view is read
    _depends = {
        "pos.payment": ["amount", "payment_method_id", "pos_order_id"],
        "pos.order": [
            "company_id",
            "config_id",
            "date_order",
            "external_order_source",
            "state",
        ],
        "res.company": ["karage_pos_timezone", "partner_id"],
        "res.partner": ["tz"],
    }

    overview_id = fields.Many2one("karage.pos.overview", readonly=True)
    day = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    config_id = fields.Many2one("pos.config", string="Branch", readonly=True)
    payment_method_id = fields.Many2one(
        "pos.payment.method", string="Payment Method", readonly=True
    )
    currency_id = fields.Many2one(related="config_id.currency_id")
    amount = fields.Monetary(readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)

    def init(self):
        day = DAY_SQL.format(moment="o.date_order")
        # a payment belongs to one row: the smallest one's id is the row's
        view = f"""
            WITH z AS MATERIALIZED ({ZONE_SQL})
            SELECT MIN(p.id) AS id,
                   {ROW_ID_SQL.format(config="o.config_id", day=day)} AS overview_id,
                   o.company_id, o.config_id, {day} AS day,
                   p.payment_method_id, SUM(p.amount) AS amount,
                   COUNT(DISTINCT o.id) AS order_count
              FROM pos_payment p
              JOIN pos_order o ON o.id = p.pos_order_id
              JOIN z ON z.company_id = o.company_id
             WHERE o.external_order_source = '{KARAGE_SOURCE}'
               AND o.state IN {PAID_STATES}
               AND o.config_id IS NOT NULL
             GROUP BY o.company_id, o.config_id, {day}, p.payment_method_id
        """
        create_view(self.env.cr, self._table, view)
