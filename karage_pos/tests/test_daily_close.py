# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.point_of_sale.models.pos_session import PosSession as PosSessionBase

from .common import KarageCase


@tagged("post_install", "-at_install")
class TestDailyClose(KarageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._pos_manager("karage_close_manager")
        journal = cls.env["account.journal"].create(
            {"name": "Karage Branch Cash", "type": "cash", "code": "KBC"}
        )
        cash = cls.env["pos.payment.method"].create(
            {"name": "Karage Branch Cash", "journal_id": journal.id}
        )
        cls.branch = cls.env["pos.config"].create(
            {
                "name": "Karage Branch",
                "payment_method_ids": [Command.set((cash | cls.bank_method).ids)],
            }
        )
        cls.set_close(cutoff="00:00", idle=0)

    @classmethod
    def set_close(cls, cutoff, idle):
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("karage_pos.close_cutoff", cutoff)
        params.set_param("karage_pos.close_idle_minutes", str(idle))

    def session_with_order(self, order_id, config=None, start_at=None):
        """A Karage order's session, sent to ``config`` (default: the company's)."""
        if config:
            self.company.karage_pos_config_id = config
        try:
            order = self.import_order(self.payload(order_id=order_id))
            session = order.session_id.with_env(self.env)
        finally:
            self.company.karage_pos_config_id = self.config
        if start_at:
            session.start_at = start_at
        return session

    def close(self, now):
        return self.env["pos.session"]._karage_close_due_sessions(now=now)

    def manager_activities(self, session):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "pos.session"),
                ("res_id", "=", session.id),
                ("user_id", "=", self.manager.id),
            ]
        )

    def assertClosedAndPosted(self, session):
        self.assertEqual(session.state, "closed")
        move = session.move_id
        self.assertEqual(move.state, "posted")
        self.assertTrue(move.line_ids)
        self.assertAlmostEqual(
            sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))
        )
        self.assertEqual(set(session.order_ids.mapped("state")), {"done"})

    def test_session_opened_before_cutoff_is_closed_and_posted(self):
        session = self.session_with_order(1, start_at=datetime(2026, 3, 10, 22, 0))
        closed = self.close(now=datetime(2026, 3, 11, 0, 10))
        self.assertEqual(closed, session)
        self.assertClosedAndPosted(session)
        self.assertEqual(session.stop_at, datetime(2026, 3, 11, 0, 10))
        # the drawer is not counted: the expected cash is the counted cash
        self.assertTrue(session.cash_control)
        self.assertFalse(session.cash_register_difference)
        self.assertFalse(
            session.statement_line_ids.filtered(
                lambda line: "difference" in (line.payment_ref or "")
            )
        )

    def test_session_opened_after_cutoff_stays_open(self):
        session = self.session_with_order(1, start_at=datetime(2026, 3, 11, 0, 5))
        self.assertFalse(self.close(now=datetime(2026, 3, 11, 23, 55)))
        self.assertEqual(session.state, "opened")

    def test_cutoff_is_local_time(self):
        self.company.karage_pos_timezone = "Asia/Riyadh"  # UTC+3
        # 23:30 in Riyadh
        session = self.session_with_order(1, start_at=datetime(2026, 3, 10, 20, 30))
        # 23:50 in Riyadh: the cut-off has not come yet
        self.assertFalse(self.close(now=datetime(2026, 3, 10, 20, 50)))
        # 00:10 in Riyadh, 21:10 UTC
        self.assertEqual(self.close(now=datetime(2026, 3, 10, 21, 10)), session)

    def test_daily_close_off(self):
        self.set_close(cutoff="off", idle=0)
        session = self.session_with_order(1, start_at=datetime(2026, 3, 1, 8, 0))
        self.assertFalse(self.close(now=datetime(2026, 3, 11, 0, 10)))
        self.assertEqual(session.state, "opened")

    def test_bad_cutoff_closes_nothing(self):
        self.set_close(cutoff="25:99", idle=0)
        session = self.session_with_order(1, start_at=datetime(2026, 3, 1, 8, 0))
        with self.assertLogs("odoo.addons.karage_pos.models.pos_session", "WARNING"):
            self.assertFalse(self.close(now=datetime(2026, 3, 11, 0, 10)))
        self.assertEqual(session.state, "opened")

    def test_idle_session_is_closed(self):
        self.set_close(cutoff="off", idle=120)
        session = self.session_with_order(1)
        last_order = session.order_ids.create_date
        self.assertFalse(self.close(now=last_order + timedelta(minutes=119)))
        self.assertEqual(session.state, "opened")
        self.assertEqual(self.close(now=last_order + timedelta(minutes=120)), session)
        self.assertClosedAndPosted(session)

    def test_session_that_cannot_close_is_reported_once(self):
        stuck = self.session_with_order(1, start_at=datetime(2026, 3, 10, 22, 0))
        draft = self.env["pos.order"].create(
            {
                "session_id": stuck.id,
                "amount_tax": 0,
                "amount_total": 0,
                "amount_paid": 0,
                "amount_return": 0,
            }
        )
        other = self.session_with_order(
            2, config=self.branch, start_at=datetime(2026, 3, 10, 22, 0)
        )
        now = datetime(2026, 3, 11, 0, 10)

        self.assertEqual(self.close(now=now), other)

        self.assertClosedAndPosted(other)
        self.assertEqual(stuck.state, "opened")
        self.assertFalse(stuck.stop_at)
        activity = self.manager_activities(stuck)
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertIn("draft", activity.note)

        # the next run reports the same reason again: no second activity
        self.assertFalse(self.close(now=now + timedelta(minutes=15)))
        self.assertEqual(self.manager_activities(stuck), activity)

        # once fixed, the session closes and its activity is done
        draft.state = "cancel"
        self.assertEqual(self.close(now=now + timedelta(minutes=30)), stuck)
        self.assertEqual(stuck.state, "closed")
        self.assertFalse(self.manager_activities(stuck))

    def test_unbalanced_session_is_reported_and_others_close(self):
        stuck = self.session_with_order(1, start_at=datetime(2026, 3, 10, 22, 0))
        other = self.session_with_order(
            2, config=self.branch, start_at=datetime(2026, 3, 10, 22, 0)
        )
        original = PosSessionBase._create_account_move

        def unbalanced(session, *args, **kwargs):
            data = original(session, *args, **kwargs)
            if session == stuck:
                line = session.move_id.line_ids[:1]
                line.with_context(check_move_validity=False).copy(
                    {"move_id": line.move_id.id}
                )
            return data

        with patch.object(PosSessionBase, "_create_account_move", unbalanced):
            closed = self.close(now=datetime(2026, 3, 11, 0, 10))

        self.assertEqual(closed, other)
        self.assertClosedAndPosted(other)
        self.assertEqual(stuck.state, "opened")
        self.assertFalse(stuck.move_id)
        self.assertIn("not balanced", self.manager_activities(stuck).note)

    def test_session_left_in_closing_control_is_closed(self):
        session = self.session_with_order(1)
        session.write({"state": "closing_control", "stop_at": datetime(2026, 3, 11, 9)})
        self.set_close(cutoff="off", idle=0)
        self.assertFalse(self.close(now=datetime(2026, 3, 11, 9, 5)))
        self.assertEqual(session.state, "closing_control")
        self.assertEqual(self.close(now=datetime(2026, 3, 11, 9, 10)), session)
        self.assertClosedAndPosted(session)

    def test_other_pos_sessions_are_left_alone(self):
        till = self.env["pos.config"].create(
            {
                "name": "Shop Till",
                "payment_method_ids": [Command.set(self.bank_method.ids)],
            }
        )
        till.open_ui()
        session = till.current_session_id
        session.start_at = datetime(2026, 3, 1, 8, 0)
        self.assertFalse(self.close(now=datetime(2026, 3, 11, 0, 10)))
        self.assertIn(session.state, ("opening_control", "opened"))

    def test_next_order_opens_a_new_session_and_late_order_keeps_its_date(self):
        first = self.session_with_order(1, start_at=datetime(2026, 3, 10, 22, 0))
        self.close(now=datetime(2026, 3, 11, 0, 10))
        self.assertEqual(first.state, "closed")

        # sold at 23:50, received after the close
        late = self.import_order(
            self.payload(order_id=2, OrderDate="2026-03-10T23:50:00")
        ).with_env(self.env)

        self.assertNotEqual(late.session_id, first)
        self.assertEqual(late.session_id.state, "opened")
        self.assertEqual(late.date_order, datetime(2026, 3, 10, 23, 50))

    def test_cron_closes_due_sessions(self):
        session = self.session_with_order(1)
        session.start_at = session.start_at - timedelta(days=2)
        self.env.ref("karage_pos.ir_cron_close_sessions").method_direct_trigger()
        self.assertClosedAndPosted(session)

    def test_settings_refuse_a_bad_close_time(self):
        Settings = self.env["res.config.settings"]
        with self.assertRaises(ValidationError):
            Settings.create({"karage_pos_close_cutoff": "7pm"})
        Settings.create({"karage_pos_close_cutoff": "off"}).execute()
        self.assertEqual(
            self.env["ir.config_parameter"].sudo().get_param("karage_pos.close_cutoff"),
            "off",
        )
