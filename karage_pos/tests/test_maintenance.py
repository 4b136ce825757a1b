# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..exceptions import KaragePosError
from .common import KarageCase


@tagged("post_install", "-at_install")
class TestMaintenance(KarageCase):
    def _age(self, records, days):
        self.env.cr.execute(
            f"UPDATE {records._table} SET create_date = %s WHERE id IN %s",
            [fields.Datetime.now() - timedelta(days=days), tuple(records.ids)],
        )
        records.invalidate_recordset()

    def _log_and_key(self, name):
        log = self.env["karage.pos.webhook.log"]._karage_record(
            "pos-order", {"OrderID": name}, 200, {"status": "success"}
        )
        key = self.env["karage.pos.idempotency"].create(
            {"key": name, "request_hash": "x", "state": "completed"}
        )
        return log, key

    def test_cleanup_deletes_records_older_than_retention(self):
        old_log, old_key = self._log_and_key("old")
        new_log, new_key = self._log_and_key("new")
        self._age(old_log, 31)
        self._age(old_key, 31)
        self.env["karage.pos.webhook.log"]._cron_cleanup()
        self.env["karage.pos.idempotency"]._cron_cleanup()
        self.assertFalse(old_log.exists())
        self.assertFalse(old_key.exists())
        self.assertTrue(new_log.exists() and new_key.exists())

    def test_retention_zero_keeps_everything(self):
        self.env["ir.config_parameter"].sudo().set_param("karage_pos.retention_days", 0)
        log, key = self._log_and_key("old")
        self._age(log, 400)
        self._age(key, 400)
        self.env["karage.pos.webhook.log"]._cron_cleanup()
        self.env["karage.pos.idempotency"]._cron_cleanup()
        self.assertTrue(log.exists() and key.exists())

    def test_session_in_closing_control_means_no_open_session(self):
        order = self.import_order(self.payload(order_id=1))
        order.session_id.write({"state": "closing_control"})
        with self.assertRaises(KaragePosError) as caught:
            self.import_order(self.payload(order_id=2))
        self.assertTrue(
            caught.exception.message.startswith("No open POS session found")
        )


@tagged("post_install", "-at_install")
class TestSettings(TransactionCase):
    def test_an_integer_setting_of_zero_is_kept_not_read_as_its_default(self):
        Settings = self.env["res.config.settings"]
        Settings.create(
            {"karage_pos_retention_days": 0, "karage_pos_max_body_kb": 0}
        ).execute()
        self.assertEqual(Settings._karage_setting("retention_days"), 0)
        self.assertEqual(Settings._karage_setting("max_body_kb"), 0)
        self.assertEqual(Settings.create({}).karage_pos_retention_days, 0)
        Settings.create({"karage_pos_retention_days": 12}).execute()
        self.assertEqual(Settings._karage_setting("retention_days"), 12)
