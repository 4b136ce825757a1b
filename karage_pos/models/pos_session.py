# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading
from contextlib import contextmanager
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import html2plaintext, mute_logger, plaintext2html

from .pos_order import KARAGE_SOURCE
from .res_config_settings import parse_close_cutoff

_logger = logging.getLogger(__name__)

# The POS closing screen sets closing control and closes in its next
# request: a session in closing control for longer was left by a failed
# close, and blocks the Karage orders of its configuration.
CLOSING_CONTROL_GRACE = timedelta(minutes=10)
# How long a close waits for the orders being written into the session.
CLOSE_LOCK_TIMEOUT = "10s"


class PosSession(models.Model):
    _inherit = "pos.session"

    @api.model
    def _cron_karage_close_sessions(self):
        self._karage_close_due_sessions()

    @api.model
    def _karage_close_due_sessions(self, now=None):
        """Close the Karage sessions due at ``now``; report those that cannot.

        A session is due when it was opened before the most recent daily
        cut-off, when it received no order for the idle limit, or when a
        failed close left it in closing control. Each session is closed in
        two transactions, as the POS closing screen does: the first only
        sets closing control (orders of a transaction that began earlier
        then fail to hold the session and run again, into a new session),
        the second closes with a snapshot that sees every order of the
        session. A session that cannot close is put back as it was and its
        POS managers get an activity. Outside tests each step commits: call
        this from the cron or a shell, never inside a transaction to keep.

        :param now: naive UTC datetime, default the current time
        :returns: the sessions closed
        """
        now = now or fields.Datetime.now()
        closed = self.browse()
        for session, why in self._karage_due_sessions(now):
            if session._karage_close(why, now):
                closed |= session
        return closed

    @api.model
    def _karage_due_sessions(self, now):
        """``[(session, why)]``: the Karage sessions to close at ``now``."""
        sessions = self._karage_sessions()
        last_order = dict(
            self.env["pos.order"]
            .sudo()
            ._read_group(
                [("session_id", "in", sessions.ids)],
                ["session_id"],
                ["create_date:max"],
            )
        )
        cutoff, raw_cutoff = self._karage_cutoff()
        idle = self.env["res.config.settings"]._karage_setting("close_idle_minutes")
        due = []
        for session in sessions:
            tz_name = session.company_id._karage_timezone()
            last = last_order.get(session) or session.start_at
            if session.state == "closing_control":
                if session.stop_at and session.stop_at <= now - CLOSING_CONTROL_GRACE:
                    due.append((session, _("left in closing control")))
            elif cutoff and session.start_at < _last_cutoff(cutoff, tz_name, now):
                why = _(
                    "opened before the daily close time %(time)s (%(tz)s)",
                    time=raw_cutoff,
                    tz=tz_name,
                )
                due.append((session, why))
            elif idle > 0 and last <= now - timedelta(minutes=idle):
                due.append(
                    (session, _("no order for %(minutes)s minutes", minutes=idle))
                )
        return due

    @api.model
    def _karage_sessions(self):
        """The integration's open sessions: those of a configuration set for
        Karage, and any that received a Karage order (branches). The
        company's fallback configuration is not enough: it may be a till
        whose cashier counts the drawer."""
        sessions = self.sudo().search(
            [("state", "in", ("opened", "closing_control")), ("rescue", "=", False)]
        )
        if not sessions:
            return sessions
        karage_configs = self.env["res.company"].sudo().search([]).karage_pos_config_id
        with_orders = {
            session
            for (session,) in self.env["pos.order"]
            .sudo()
            ._read_group(
                [
                    ("session_id", "in", sessions.ids),
                    ("external_order_source", "=", KARAGE_SOURCE),
                ],
                ["session_id"],
            )
        }
        return sessions.filtered(
            lambda s: s.config_id in karage_configs or s in with_orders
        )

    @api.model
    def _karage_cutoff(self):
        """``((hour, minute) or None, setting)`` of the daily close."""
        raw_cutoff = self.env["res.config.settings"]._karage_setting("close_cutoff")
        try:
            return parse_close_cutoff(raw_cutoff), raw_cutoff
        except ValueError:
            _logger.warning(
                "Karage daily close: cut-off %r is not HH:MM nor off; no daily "
                "close until it is fixed in the settings",
                raw_cutoff,
            )
            return None, raw_cutoff

    def _karage_close(self, why, now):
        """Close this session the normal way, or put it back and report it.

        :returns: True when the session is closed
        """
        self.ensure_one()
        session = self.sudo().with_company(self.company_id)
        marked = False  # this close set closing control: undo it on failure
        try:
            with self._karage_step():
                if not session._karage_lock():
                    return False
                if session.state == "opened":
                    session.write({"state": "closing_control", "stop_at": now})
                    marked = True
            with self._karage_step():
                if session._karage_lock() != "closing_control":
                    return False
                session._karage_close_now(why)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
            # nothing to report: the next run tries again
            _logger.info(
                "Karage daily close: session %s is busy (%s), tried again next run",
                session.name,
                error.pgcode,
            )
            session._karage_put_back(marked)
        except Exception as error:  # noqa: BLE001 - reported, never silent
            session._karage_put_back(marked, session._karage_failure(error))
        else:
            _logger.info("Karage daily close: closed session %s", session.name)
            return True
        return False

    def _karage_failure(self, error):
        """Why this session could not close, for its POS managers (logged)."""
        if isinstance(error, UserError):
            _logger.warning(
                "Karage daily close: session %s cannot close: %s",
                self.name,
                error.args[0],
            )
            return error.args[0]
        _logger.exception("Karage daily close: session %s cannot close", self.name)
        return _("Unexpected error: %s", error)

    @api.model
    @contextmanager
    def _karage_step(self):
        """One step of a close: a transaction of its own, outside tests.

        Its first statement takes its snapshot, so that a step that begins
        after an order committed sees that order; a failure undoes the step
        and nothing else. Tests cannot commit: each step is a savepoint.
        """
        cr = self.env.cr
        if getattr(threading.current_thread(), "testing", False):
            with cr.savepoint():
                yield
            return
        cr.commit()  # pylint: disable=invalid-commit
        try:
            yield
        except Exception:
            cr.rollback()
            raise
        cr.commit()  # pylint: disable=invalid-commit

    def _karage_lock(self):
        """Lock this session's row; its state, False when it is gone.

        Waits for the orders being written into the session (they hold the
        row FOR SHARE), at most a few seconds; orders that come later wait
        for the close.
        """
        self.env.cr.execute("SET LOCAL lock_timeout = %s", [CLOSE_LOCK_TIMEOUT])
        with mute_logger("odoo.sql_db"):  # a busy session is no error
            self.env.cr.execute(
                "SELECT state FROM pos_session WHERE id = %s FOR UPDATE", [self.id]
            )
        row = self.env.cr.fetchone()
        self.invalidate_recordset()
        return row and row[0]

    def _karage_close_now(self, why):
        if self.cash_control:
            # The integration has no drawer to count: what was counted is
            # what the orders say is there.
            self.cash_register_balance_end_real = self.cash_register_balance_end
            # the difference is computed with the expected cash and does not
            # depend on the counted one: as the closing screen's next request
            # would, read it again, or the whole drawer is booked as a loss
            self.invalidate_recordset(["cash_register_difference"])
        result = self.with_context(
            karage_pos_daily_close=True
        ).action_pos_session_closing_control()
        if isinstance(result, dict):
            raise UserError(result.get("name") or _("The session could not close."))
        self.message_post(body=_("Closed by the Karage daily close: %s.", why))
        activities = self._karage_close_activities()
        if activities:
            activities.action_feedback(feedback=_("The session closed in a later run."))

    def _karage_put_back(self, marked, reason=None):
        """Reopen a session this close ``marked`` closing; report ``reason``."""
        try:
            with self._karage_step():
                if marked and self._karage_lock() == "closing_control":
                    self.write({"state": "opened", "stop_at": False})
                if reason and self.exists() and self.state != "closed":
                    self._karage_report(reason)
        except Exception:
            # the session stays in closing control: the next run retries it
            _logger.exception(
                "Karage daily close: could not put back session %s", self.name
            )

    def _karage_report(self, reason):
        """One open activity per POS manager for this session and reason."""
        summary = self._karage_close_summary()
        note = plaintext2html(reason)
        managers = self.company_id._karage_pos_managers()
        if not managers:
            _logger.warning(
                "Karage daily close: no POS manager in company %s, the "
                "activity goes to the session's user",
                self.company_id.name,
            )
            managers = self.user_id
        known = self._karage_close_activities().filtered(
            lambda a: html2plaintext(a.note or "") == html2plaintext(note)
        )
        for user in managers - known.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=note,
                user_id=user.id,
            )

    def _karage_close_activities(self):
        summary = self._karage_close_summary()
        todo = self.env.ref("mail.mail_activity_data_todo")
        return self.activity_ids.filtered(
            lambda a: a.activity_type_id == todo and a.summary == summary
        )

    def _karage_close_summary(self):
        return _("Karage daily close failed")

    def _create_account_move(
        self,
        balancing_account=False,
        amount_to_balance=0,
        bank_payment_method_diffs=None,
    ):
        data = super()._create_account_move(
            balancing_account, amount_to_balance, bank_payment_method_diffs
        )
        if self.env.context.get("karage_pos_daily_close"):
            # Odoo answers an unbalanced session by rolling the whole
            # transaction back and returning a wizard: fail here instead, so
            # that the daily close undoes this session's step only.
            move = self.move_id.sudo().with_context(check_move_validity=True)
            with move._check_balanced({"records": move}):
                pass
        return data


def _last_cutoff(cutoff, tz_name, now):
    """The latest moment at or before ``now`` that is ``cutoff`` in ``tz_name``.

    :param cutoff: ``(hour, minute)``
    :param now: naive UTC datetime
    :returns: naive UTC datetime
    """
    tz = pytz.timezone(tz_name)
    local_now = pytz.utc.localize(now).astimezone(tz)
    day = local_now.date()
    moment = tz.localize(datetime.combine(day, time(*cutoff)))
    if moment > local_now:
        moment = tz.localize(datetime.combine(day - timedelta(days=1), time(*cutoff)))
    return moment.astimezone(pytz.utc).replace(tzinfo=None)
