# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import datetime, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.tools import format_datetime, plaintext2html

from .res_config_settings import parse_clock

_logger = logging.getLogger(__name__)

# the window in which the last order of a branch is looked for: a business
# period began at most a day ago
LOOKBACK = timedelta(hours=25)
FAILURE_WINDOW = timedelta(hours=1)


class KaragePosAlert(models.Model):
    """Something wrong at a branch, told once to the POS administrators.

    A branch that sends nothing for a while within business hours
    (*silence*), or whose orders of the last hour failed too often
    (*failure rate*), gets one open alert of that kind, with one *To Do*
    activity per POS administrator of its company. The scheduled check
    resolves it (activities marked done with the reason) when the cause
    ends; the next occurrence is a new alert. ``pos.config`` has no chatter
    (adding one would also send its fields to every POS front end), hence
    a record of its own that names the branch.
    """

    _name = "karage.pos.alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Karage POS Alert"
    _order = "id desc"

    config_id = fields.Many2one(
        "pos.config",
        string="Branch",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="config_id.company_id", store=True, index=True)
    kind = fields.Selection(
        [("silence", "No orders received"), ("failure_rate", "Orders failing")],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    description = fields.Text(readonly=True, help="What happened, where to look.")
    resolution = fields.Text(readonly=True, help="Why the alert was resolved.")
    date_resolved = fields.Datetime(string="Resolved on", readonly=True)

    @api.depends("config_id", "kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for alert in self:
            alert.display_name = f"{alert.config_id.name}: {kinds.get(alert.kind)}"

    @api.model
    def _cron_karage_alerts(self):
        self._karage_evaluate()

    @api.model
    def _karage_evaluate(self, now=None):
        """Raise and resolve the alerts of every Karage branch at ``now``.

        :param now: naive UTC datetime, default the current time
        :returns: the alerts raised
        """
        now = now or fields.Datetime.now()
        recent = self.env["karage.pos.overview"]._karage_recent(
            now - LOOKBACK, now - FAILURE_WINDOW, now
        )
        raised = self.browse()
        for config in self._karage_branches():
            last, received, failed = recent.get(config.id, (None, 0, 0))
            raised |= self._karage_judge(
                config, "silence", self._karage_silence(config, last, now)
            )
            raised |= self._karage_judge(
                config, "failure_rate", self._karage_failure(received, failed)
            )
        return raised

    @api.model
    def _karage_branches(self):
        """The active Karage branches: the configurations set for Karage in
        the settings and any that received a Karage order or log (as the
        daily close: a company's fallback configuration may be a till that
        never hears from Karage)."""
        Config = self.env["pos.config"].sudo()
        configs = self.env["res.company"].sudo().search([]).karage_pos_config_id
        logs = self.env["karage.pos.webhook.log"].sudo()
        configs |= Config.browse(
            config.id
            for (config,) in logs._read_group(
                [("pos_config_id", "!=", False)], ["pos_config_id"]
            )
        )
        orders = (
            self.env["pos.order"]
            .sudo()
            ._read_group(
                [("external_order_source", "=", "karage_pos_webhook")], ["config_id"]
            )
        )
        configs |= Config.browse(config.id for (config,) in orders)
        return configs.filtered("active")

    def _karage_judge(self, config, kind, verdict):
        """Open or resolve the ``kind`` alert of ``config`` as ``verdict`` says.

        :param verdict: ``("raise", description)``, ``("resolve", reason)``
            or None to leave things as they are
        :returns: the alert raised, if any
        """
        if not verdict:
            return self.browse()
        action, text = verdict
        alert = self.sudo().search(
            [
                ("config_id", "=", config.id),
                ("kind", "=", kind),
                ("state", "=", "open"),
            ],
            limit=1,
        )
        if action == "resolve":
            if alert:
                alert._karage_resolve(text)
            return self.browse()
        if alert:
            return self.browse()  # told once: no second alert while it lasts
        alert = self.sudo().create(
            {"config_id": config.id, "kind": kind, "description": text}
        )
        alert._karage_notify()
        return alert

    def _karage_notify(self):
        """One *To Do* activity per POS administrator of the branch's company."""
        self.ensure_one()
        managers = self.company_id._karage_pos_managers()
        if not managers:
            _logger.warning(
                "Karage alert %s: no POS administrator in company %s to tell",
                self.display_name,
                self.company_id.name,
            )
        _logger.warning("Karage alert: %s: %s", self.display_name, self.description)
        for user in managers:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Karage: %s", self.display_name),
                note=plaintext2html(self.description),
                user_id=user.id,
            )

    def _karage_resolve(self, reason):
        self.write(
            {
                "state": "resolved",
                "resolution": reason,
                "date_resolved": fields.Datetime.now(),
            }
        )
        if self.activity_ids:
            self.activity_ids.action_feedback(feedback=reason)
        else:
            self.message_post(body=plaintext2html(reason))
        _logger.info("Karage alert resolved: %s: %s", self.display_name, reason)

    # the causes ------------------------------------------------------------------

    def _karage_local(self, config, moment):
        """``moment`` (naive UTC) as local text of the branch's company."""
        tz = config.company_id._karage_timezone()
        return format_datetime(self.env, moment, tz=tz, dt_format="short")

    @api.model
    def _karage_silence(self, config, last, now):
        """Verdict on silence: nothing received within business hours."""
        minutes = self.env["res.config.settings"]._karage_setting(
            "alert_silence_minutes"
        )
        if minutes <= 0:
            return "resolve", _("Silence alerts were turned off.")
        if last and last > now - timedelta(minutes=minutes):
            return "resolve", _(
                "Orders arrive again: the last one at %s.",
                self._karage_local(config, last),
            )
        opened = self._karage_business_start(config, now)
        if opened is None or now - max(last or opened, opened) < timedelta(
            minutes=minutes
        ):
            # outside business hours, or not silent long enough since they
            # began: an open alert stays open until an order arrives
            return None
        since = (
            _("since %s", self._karage_local(config, last))
            if last
            else _("for more than a day")
        )
        return "raise", _(
            "Karage sent no order to %(branch)s %(since)s, within business "
            "hours, for over %(minutes)s minutes. Check that the Karage "
            "terminal is on and online and that its API key is valid; see "
            "Point of Sale > Karage > Overview and Webhook Logs.",
            branch=config.name,
            since=since,
            minutes=minutes,
        )

    @api.model
    def _karage_business_start(self, config, now):
        """When the business period ``now`` falls in began (naive UTC), None
        outside business hours. An end before the start spans midnight; the
        same start and end mean all day."""
        settings = self.env["res.config.settings"]
        try:
            start = parse_clock(settings._karage_setting("alert_hours_start"))
            end = parse_clock(settings._karage_setting("alert_hours_end"))
        except ValueError:
            _logger.warning("Karage alerts: business hours are not HH:MM")
            return None
        tz = pytz.timezone(config.company_id._karage_timezone())
        local = pytz.utc.localize(now).astimezone(tz)
        clock = (local.hour, local.minute)
        day = local.date()
        if start < end and not start <= clock < end:
            return None
        if start > end and end <= clock < start:
            return None
        if clock < start:
            day -= timedelta(days=1)  # the period began yesterday
        began = tz.localize(
            datetime.combine(day, datetime.min.time()).replace(
                hour=start[0], minute=start[1]
            )
        )
        return began.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _karage_failure(self, received, failed):
        """Verdict on the share of the last hour's orders that failed."""
        settings = self.env["res.config.settings"]
        threshold = settings._karage_setting("alert_failure_rate")
        minimum = settings._karage_setting("alert_failure_min_orders")
        if threshold <= 0:
            return "resolve", _("Failure alerts were turned off.")
        share = failed * 100 / received if received else 0
        if received < max(minimum, 1) or share < threshold:
            return "resolve", _(
                "%(failed)s of %(received)s orders received in the last hour "
                "failed (%(share)s%%), below the alert threshold.",
                failed=failed,
                received=received,
                share=round(share),
            )
        return "raise", _(
            "%(failed)s of the %(received)s orders received in the last hour "
            "failed (%(share)s%%, alert from %(threshold)s%%). See Point of "
            "Sale > Karage > Overview (Failed) and the Webhook Logs in error "
            "for the reasons (unknown products, unmapped payment modes, "
            "amounts that do not reconcile).",
            failed=failed,
            received=received,
            share=round(share),
            threshold=threshold,
        )
