# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo.addons.component.core import Component

from ..exceptions import KaragePosError, RetryLater
from ..schemas import is_refund

_logger = logging.getLogger(__name__)


class KaragePosSessionProvider(Component):
    """Find the POS configuration (branch) of an order and an opened session.

    Opens a session when none is open and opens a session left in opening
    control. Two requests that both find no session must not both create
    one (Odoo's one-session rule is a Python check, blind to concurrent
    transactions): the slow path updates the configuration row first, so
    the later transaction fails with a serialization error once the first
    commits, and is retried by Odoo (HTTP) or queue_job, then finds the
    session.
    """

    _name = "karage.pos.session.provider"
    _inherit = "karage.pos.base"
    _usage = "session.provider"

    def config(self, document=None):
        """The POS configuration (branch) that records ``order``.

        See :meth:`branch`; a configuration without payment methods cannot
        record an order.
        """
        config = self.branch(document)
        if not config.payment_method_ids:
            raise KaragePosError("No payment methods configured")
        return config

    def branch(self, document=None):
        """The POS configuration ``order`` is sent to, checked at the door.

        The order's ``pos_config_id`` (an active configuration of the current
        company), else the single branch the API key's user is bound to, else
        the company's Karage configuration. A user bound to branches
        (*Karage POS Branches* on the user) may send to those only: any
        other is refused 403.

        :raises KaragePosError: 422 for an unknown configuration, 403 for
            one the user may not send to
        """
        company = self.env.company
        # the binding is an administrator's field: read it whatever the
        # rights of the API key's user, archived branches included (an
        # archived branch narrows the binding, never widens it to all)
        binding = (
            self.env.user.sudo().with_context(active_test=False).karage_pos_config_ids
        )
        bound = binding.filtered(lambda c: c.company_id == company and c.active)
        config_id = (document or {}).get("pos_config_id")
        sale = self._refunded_sale(document)
        if sale and not config_id:
            # a refund goes back where its sale was made: that branch's
            # stock, drawer and figures
            config = sale.config_id
        elif config_id:
            config = self._memo(
                ("branch", config_id), lambda: self._named_config(config_id)
            )
        elif len(bound) == 1:
            config = self.env["pos.config"].browse(bound.id)
        else:
            config = company._karage_pos_config()
            if not config:
                raise KaragePosError(
                    f"No POS configuration found for company {company.name}"
                )
        # a refund of a sale of another branch reads that sale: refused too
        self.check_bound(config | (sale.config_id if sale else config))
        return config

    def _named_config(self, config_id):
        """The active POS configuration ``config_id`` of the company (422)."""
        company = self.env.company
        config = self.env["pos.config"].search(
            [("id", "=", config_id), ("company_id", "=", company.id)]
        )
        if not config:
            raise KaragePosError(
                f"POS configuration {config_id} not found",
                details={
                    "pos_config_id": [
                        f"no active POS configuration {config_id} in "
                        f"company {company.name}"
                    ]
                },
            )
        return config

    def check_bound(self, configs):
        """Refuse (403) ``configs`` outside the branches the API key's user
        is bound to (an administrator's field, read whatever the user's
        rights; archived branches narrow the binding, never widen it)."""
        user = self.env.user
        binding = user.sudo().with_context(active_test=False).karage_pos_config_ids
        allowed = binding.filtered(lambda c: c.active)
        outside = configs.filtered(lambda c: c.id not in allowed.ids)
        if binding and outside:
            raise KaragePosError(
                f"API key user {user.login} may not send orders to POS "
                f"configuration {outside[:1].sudo().name}",
                status=403,
                details={
                    "pos_config_id": [
                        f"{outside[:1].id} is not among the branches of {user.login}"
                    ]
                },
            )

    def _refunded_sale(self, document):
        if not document or not is_refund(document):
            return None
        return self.component(usage="duplicate.checker").existing_order(
            document["OrderID"]
        )

    def session(self, config):
        """An opened session of ``config``, opening one if needed."""
        session = self._opened_session(config)
        if session:
            return session
        self._lock_config(config)
        session = self.env["pos.session"].search(
            [
                ("config_id", "=", config.id),
                ("state", "!=", "closed"),
                ("rescue", "=", False),
            ],
            limit=1,
        )
        if session.state == "closing_control":
            raise RetryLater(
                f"No open POS session found: session {session.name} of "
                f"{config.name} is closing; the order waits for the next session"
            )
        if not session:
            session = self.env["pos.session"].create(
                {"config_id": config.id, "user_id": self.env.uid}
            )
            _logger.info("Karage: opened POS session %s", session.name)
        session.set_opening_control(0, "")
        return session

    def hold(self, session):
        """Make sure ``session`` was not closed under the order just made.

        Closing takes a snapshot of the session's orders: an order added by
        a transaction that began before the close committed would be left
        out of its entries. A share lock taken under REPEATABLE READ fails
        (a serialization failure, run again) when the session row changed
        since this transaction began, and makes a close that starts now
        wait until the order is committed. Orders never block each other.
        """
        self.env.cr.execute(
            "SELECT id FROM pos_session WHERE id = %s FOR SHARE", [session.id]
        )

    def _opened_session(self, config):
        return self.env["pos.session"].search(
            [
                ("config_id", "=", config.id),
                ("state", "=", "opened"),
                ("rescue", "=", False),
            ],
            limit=1,
        )

    def _lock_config(self, config):
        # A real update (not only FOR UPDATE): a concurrent transaction that
        # touches the same row after we commit gets a serialization failure
        # and is retried with a snapshot that sees our session.
        self.env.cr.execute(
            "UPDATE pos_config SET write_date = write_date WHERE id = %s",
            [config.id],
        )
