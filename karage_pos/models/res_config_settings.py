# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

PARAM_PREFIX = "karage_pos."
DEFAULTS = {
    "processing_timeout": 5,
    "retention_days": 30,
    "max_bulk_orders": 1000,
    "valid_statuses": "103",
    "max_body_kb": 10240,
    "max_order_lines": 500,
    "order_date_min": "2000-01-01",
    "order_date_max_days_ahead": 1,
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    karage_pos_processing_timeout = fields.Integer(
        string="Processing Timeout (minutes)",
        config_parameter="karage_pos.processing_timeout",
        default=DEFAULTS["processing_timeout"],
        help="Maximum time a request can stay in processing before it is "
        "considered stuck and may be retried.",
    )
    karage_pos_retention_days = fields.Integer(
        string="Record Retention (days)",
        config_parameter="karage_pos.retention_days",
        default=DEFAULTS["retention_days"],
        help="Days to keep idempotency records and webhook logs. 0 keeps them.",
    )
    karage_pos_max_bulk_orders = fields.Integer(
        string="Maximum Orders per Bulk Request",
        config_parameter="karage_pos.max_bulk_orders",
        default=DEFAULTS["max_bulk_orders"],
    )
    karage_pos_max_body_kb = fields.Integer(
        string="Maximum Body Size (KiB)",
        config_parameter="karage_pos.max_body_kb",
        default=DEFAULTS["max_body_kb"],
        help="Larger requests are refused with 413. 0: no limit of ours.",
    )
    karage_pos_max_order_lines = fields.Integer(
        string="Maximum Lines per Order",
        config_parameter="karage_pos.max_order_lines",
        default=DEFAULTS["max_order_lines"],
        help="Orders with more OrderItems are refused with 400.",
    )
    karage_pos_order_date_min = fields.Char(
        string="Earliest OrderDate",
        config_parameter="karage_pos.order_date_min",
        default=DEFAULTS["order_date_min"],
        help="Orders dated before this day (YYYY-MM-DD) are refused with 400.",
    )
    karage_pos_order_date_max_days_ahead = fields.Integer(
        string="OrderDate Days Ahead",
        config_parameter="karage_pos.order_date_max_days_ahead",
        default=DEFAULTS["order_date_max_days_ahead"],
        help="Orders dated more than this many days after now are refused " "with 400.",
    )
    karage_pos_valid_statuses = fields.Char(
        string="Valid Order Statuses",
        config_parameter="karage_pos.valid_statuses",
        default=DEFAULTS["valid_statuses"],
        help="Comma-separated OrderStatus codes accepted, e.g. 103,104.",
    )
    karage_pos_config_id = fields.Many2one(
        related="company_id.karage_pos_config_id", readonly=False
    )
    karage_pos_timezone = fields.Selection(
        related="company_id.karage_pos_timezone", readonly=False
    )

    @api.model
    def _karage_setting(self, name):
        """Current value of one Karage setting, typed as its default."""
        default = DEFAULTS[name]
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(PARAM_PREFIX + name, default)
        )
        if isinstance(default, int):
            try:
                return int(value)
            except (TypeError, ValueError):
                return default
        return value

    @api.model
    def _karage_valid_statuses(self):
        raw = self._karage_setting("valid_statuses") or ""
        return {part.strip() for part in raw.split(",") if part.strip()}
