# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

PARAM_PREFIX = "karage_pos."
DEFAULTS = {
    "processing_timeout": 5,
    "retention_days": 30,
    "max_bulk_orders": 1000,
    "valid_statuses": "103,106",
    "max_body_kb": 10240,
    "max_order_lines": 500,
    "order_date_min": "2000-01-01",
    "order_date_max_days_ahead": 1,
    "close_cutoff": "00:00",
    "close_idle_minutes": 0,
    "alert_silence_minutes": 0,
    "alert_hours_start": "09:00",
    "alert_hours_end": "22:00",
    "alert_failure_rate": 20,
    "alert_failure_min_orders": 10,
}
# "off" rather than empty: an emptied setting is deleted and reads as its default
CLOSE_CUTOFF_OFF = "off"
CLOSE_CUTOFF_PATTERN = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def parse_close_cutoff(value):
    """``(hour, minute)`` of an "HH:MM" cut-off, ``None`` for "off".

    :raises ValueError: for anything else
    """
    value = (value or "").strip()
    if value.lower() == CLOSE_CUTOFF_OFF:
        return None
    match = CLOSE_CUTOFF_PATTERN.fullmatch(value)
    if not match:
        raise ValueError(f"not a time as HH:MM, nor {CLOSE_CUTOFF_OFF}: {value!r}")
    return int(match.group(1)), int(match.group(2))


def parse_clock(value):
    """``(hour, minute)`` of an "HH:MM" time of day.

    :raises ValueError: for anything else
    """
    match = CLOSE_CUTOFF_PATTERN.fullmatch((value or "").strip())
    if not match:
        raise ValueError(f"not a time as HH:MM: {value!r}")
    return int(match.group(1)), int(match.group(2))


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
        help="Comma-separated OrderStatus codes accepted: 103 completed "
        "sales, 106 refunds.",
    )
    karage_pos_config_id = fields.Many2one(
        related="company_id.karage_pos_config_id", readonly=False
    )
    karage_pos_timezone = fields.Selection(
        related="company_id.karage_pos_timezone", readonly=False
    )
    karage_pos_close_cutoff = fields.Char(
        string="Daily Close Time",
        config_parameter="karage_pos.close_cutoff",
        default=DEFAULTS["close_cutoff"],
        help="Local time (HH:MM, in the OrderDate time zone) after which the "
        "Karage sessions opened before it are closed and posted; off: never.",
    )
    karage_pos_close_idle_minutes = fields.Integer(
        string="Close Idle Sessions After (minutes)",
        config_parameter="karage_pos.close_idle_minutes",
        default=DEFAULTS["close_idle_minutes"],
        help="Close a Karage session that received no order for this long. "
        "0: never.",
    )
    karage_pos_partner_id = fields.Many2one(
        related="company_id.karage_pos_partner_id", readonly=False
    )
    karage_pos_alert_silence_minutes = fields.Integer(
        string="Alert after Silence (minutes)",
        config_parameter="karage_pos.alert_silence_minutes",
        default=DEFAULTS["alert_silence_minutes"],
        help="A branch that sends nothing for this long within its business "
        "hours raises an activity for the POS administrators. 0: never.",
    )
    karage_pos_alert_hours_start = fields.Char(
        string="Business Hours Start",
        config_parameter="karage_pos.alert_hours_start",
        default=DEFAULTS["alert_hours_start"],
        help="Local time (HH:MM, OrderDate time zone) from which silence "
        "counts; an end before the start spans midnight.",
    )
    karage_pos_alert_hours_end = fields.Char(
        string="Business Hours End",
        config_parameter="karage_pos.alert_hours_end",
        default=DEFAULTS["alert_hours_end"],
        help="Local time (HH:MM, OrderDate time zone) until which silence counts.",
    )
    karage_pos_alert_failure_rate = fields.Integer(
        string="Alert at Failed Orders (%)",
        config_parameter="karage_pos.alert_failure_rate",
        default=DEFAULTS["alert_failure_rate"],
        help="Share of the orders received by a branch in the last hour that "
        "failed, from which the POS administrators get an activity. 0: never.",
    )
    karage_pos_alert_failure_min_orders = fields.Integer(
        string="Minimum Orders in the Hour",
        config_parameter="karage_pos.alert_failure_min_orders",
        default=DEFAULTS["alert_failure_min_orders"],
        help="The failure share is judged only on at least this many orders "
        "received in the hour.",
    )
    karage_pos_invoice_orders = fields.Boolean(
        related="company_id.karage_pos_invoice_orders", readonly=False
    )

    @api.constrains("karage_pos_close_cutoff", "karage_pos_close_idle_minutes")
    def _check_karage_close(self):
        for settings in self:
            try:
                parse_close_cutoff(settings.karage_pos_close_cutoff)
            except ValueError as error:
                raise ValidationError(
                    _(
                        "Daily Close Time must be a time as HH:MM (e.g. 00:00) "
                        "or off."
                    )
                ) from error
            if settings.karage_pos_close_idle_minutes < 0:
                raise ValidationError(
                    _("Close Idle Sessions After cannot be negative.")
                )

    @api.constrains(
        "karage_pos_alert_silence_minutes",
        "karage_pos_alert_hours_start",
        "karage_pos_alert_hours_end",
        "karage_pos_alert_failure_rate",
        "karage_pos_alert_failure_min_orders",
    )
    def _check_karage_alerts(self):
        for settings in self:
            try:
                parse_clock(settings.karage_pos_alert_hours_start)
                parse_clock(settings.karage_pos_alert_hours_end)
            except ValueError as error:
                raise ValidationError(
                    _("Business hours must be times as HH:MM (e.g. 09:00).")
                ) from error
            if (
                settings.karage_pos_alert_silence_minutes < 0
                or settings.karage_pos_alert_failure_min_orders < 0
                or not 0 <= settings.karage_pos_alert_failure_rate <= 100
            ):
                raise ValidationError(
                    _(
                        "Alert minutes and orders cannot be negative; the "
                        "failed share is a percentage from 0 to 100."
                    )
                )

    def set_values(self):
        res = super().set_values()
        # Odoo stores an integer setting of 0 as no value at all, which
        # reads back as the default (Record Retention 0, "keep", would read
        # 30): store the 0 itself
        params = self.env["ir.config_parameter"].sudo()
        for name, default in DEFAULTS.items():
            field = f"karage_pos_{name}"
            if isinstance(default, int) and field in self._fields:
                if self[field] == 0:
                    params.set_param(PARAM_PREFIX + name, "0")
        return res

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
