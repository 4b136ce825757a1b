# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import KarageCase
from .test_overview import OverviewMixin

# a Thursday, 14:00 in Riyadh (UTC+3)
NOON = datetime(2025, 11, 27, 11, 0)


@tagged("post_install", "-at_install")
class TestAlerts(KarageCase, OverviewMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_overview_data()
        cls.company.karage_pos_timezone = "Asia/Riyadh"
        cls.manager = cls._pos_manager("karage_alert_manager")
        cls.set_alerts(silence=60, start="09:00", end="22:00", rate=0, minimum=5)

    @classmethod
    def set_alerts(cls, **settings):
        params = cls.env["ir.config_parameter"].sudo()
        names = {
            "silence": "alert_silence_minutes",
            "start": "alert_hours_start",
            "end": "alert_hours_end",
            "rate": "alert_failure_rate",
            "minimum": "alert_failure_min_orders",
        }
        for key, value in settings.items():
            params.set_param(f"karage_pos.{names[key]}", str(value))

    def evaluate(self, now):
        return self.env["karage.pos.alert"]._karage_evaluate(now=now)

    def alerts(self, config, kind, state="open"):
        return self.env["karage.pos.alert"].search(
            [("config_id", "=", config.id), ("kind", "=", kind), ("state", "=", state)]
        )

    def todo(self, alert):
        return alert.activity_ids.filtered(lambda a: a.user_id == self.manager)

    # silence ------------------------------------------------------------------

    def test_silence_within_business_hours_raises_one_activity(self):
        self.sell(301, self.north, NOON - timedelta(minutes=90))
        raised = self.evaluate(NOON)
        alert = self.alerts(self.north, "silence")
        self.assertEqual(len(alert), 1)
        self.assertIn(alert, raised)
        activity = self.todo(alert)
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertIn("Karage North", activity.summary)
        self.assertIn("no order", activity.note)
        self.assertIn("Webhook Logs", activity.note)
        # the company's Karage configuration never sent anything today
        self.assertEqual(len(self.alerts(self.config, "silence")), 1)

    def test_second_run_raises_no_duplicate(self):
        self.sell(301, self.north, NOON - timedelta(minutes=90))
        alert = self.evaluate(NOON).filtered(lambda a: a.config_id == self.north)
        self.assertFalse(self.evaluate(NOON + timedelta(minutes=10)))
        self.assertEqual(self.alerts(self.north, "silence"), alert)
        self.assertEqual(len(self.todo(alert)), 1)

    def test_order_arriving_resolves_the_alert(self):
        self.sell(301, self.north, NOON - timedelta(minutes=90))
        alert = self.evaluate(NOON).filtered(lambda a: a.config_id == self.north)
        activity = self.todo(alert)
        self.sell(302, self.north, NOON + timedelta(minutes=5))
        self.evaluate(NOON + timedelta(minutes=10))
        self.assertEqual(alert.state, "resolved")
        self.assertIn("Orders arrive again", alert.resolution)
        self.assertFalse(activity.exists())  # marked done
        done = alert.message_ids.filtered(lambda m: m.mail_activity_type_id)
        self.assertTrue(done)
        for message in done:
            self.assertIn("Orders arrive again", message.body)

    def test_no_alert_outside_business_hours(self):
        self.sell(301, self.north, NOON - timedelta(hours=3))
        # 23:30 in Riyadh
        self.assertFalse(self.evaluate(datetime(2025, 11, 27, 20, 30)))
        # 09:30: the day's business began 30 minutes ago, not yet silent
        self.assertFalse(self.evaluate(datetime(2025, 11, 28, 6, 30)))
        # 10:05: an hour into business hours without an order
        raised = self.evaluate(datetime(2025, 11, 28, 7, 5))
        self.assertIn(self.north, raised.config_id)

    def test_business_hours_across_midnight(self):
        self.set_alerts(start="18:00", end="02:00")
        self.sell(301, self.north, NOON - timedelta(hours=3))
        self.assertFalse(self.evaluate(NOON))  # 14:00 is closed
        # 01:30 the next night is still open, silent since 18:00
        raised = self.evaluate(datetime(2025, 11, 27, 22, 30))
        self.assertIn(self.north, raised.config_id)

    def test_silence_alerts_off(self):
        self.set_alerts(silence=0)
        self.assertFalse(self.evaluate(NOON))

    def test_cron_evaluates(self):
        cron = self.env.ref("karage_pos.ir_cron_alerts")
        self.assertEqual(cron.model_id.model, "karage.pos.alert")
        self.env["karage.pos.alert"]._cron_karage_alerts()

    # failure rate -------------------------------------------------------------

    def test_failure_rate_above_threshold_raises_one_then_below_resolves(self):
        self.set_alerts(silence=0, rate=40, minimum=5)
        for number in range(3):
            self.sell(400 + number, self.south, NOON - timedelta(minutes=30))
        for number in range(2):
            self.refuse(410 + number, self.south, NOON - timedelta(minutes=20))
            # sent again: still one failed order each
            self.refuse(410 + number, self.south, NOON - timedelta(minutes=10))
        raised = self.evaluate(NOON)
        alert = self.alerts(self.south, "failure_rate")
        self.assertEqual(raised, alert)
        self.assertEqual(len(self.todo(alert)), 1)
        self.assertIn("2 of the 5 orders", alert.description)
        self.assertIn("40%", alert.description)
        self.assertFalse(self.evaluate(NOON + timedelta(minutes=10)))
        # an hour later the failures are out of the window
        for number in range(5):
            self.sell(420 + number, self.south, NOON + timedelta(minutes=50))
        self.evaluate(NOON + timedelta(minutes=70))
        self.assertEqual(alert.state, "resolved")
        self.assertFalse(self.todo(alert))
        self.assertIn("below the alert threshold", alert.resolution)

    def test_failure_rate_needs_the_minimum_count(self):
        self.set_alerts(silence=0, rate=40, minimum=5)
        self.sell(430, self.south, NOON - timedelta(minutes=30))
        self.refuse(431, self.south, NOON - timedelta(minutes=20))
        self.refuse(432, self.south, NOON - timedelta(minutes=20))
        self.assertFalse(self.evaluate(NOON))

    def test_failed_order_that_later_succeeded_is_not_counted(self):
        self.set_alerts(silence=0, rate=40, minimum=2)
        self.refuse(440, self.south, NOON - timedelta(minutes=20))
        self.sell(440, self.south, NOON - timedelta(minutes=10))
        self.sell(441, self.south, NOON - timedelta(minutes=10))
        self.assertFalse(self.evaluate(NOON))

    def test_alerts_go_to_each_pos_administrator(self):
        self.set_alerts(silence=0, rate=40, minimum=1)
        self.refuse(450, self.south, NOON - timedelta(minutes=20))
        alert = self.evaluate(NOON)
        managers = self.company._karage_pos_managers()
        self.assertIn(self.manager, managers)
        self.assertEqual(alert.activity_ids.user_id, managers)

    def test_settings_refuse_bad_business_hours(self):
        settings = self.env["res.config.settings"].create({})
        with self.assertRaises(ValidationError):
            settings.karage_pos_alert_hours_start = "9h"
            settings.flush_recordset()
        with self.assertRaises(ValidationError):
            settings.karage_pos_alert_failure_rate = 120
            settings.flush_recordset()
