# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.component.core import Component

from ..exceptions import KaragePosError
from ..schemas import order_key


class KaragePosOrderImporter(Component):
    """Import one validated Karage order: whole, or not at all.

    Runs the checks, then session, lines, payments and creation inside a
    savepoint: any refusal rolls everything back (no draft order, picking or
    payment) and is raised as a :class:`KaragePosError`. Database errors
    (concurrency, a lost connection) are raised as they are so that the
    caller's transaction is retried.
    """

    _name = "karage.pos.order.importer"
    _inherit = "karage.pos.base"
    _usage = "order.importer"

    def check(self, order):
        """Everything decided before an order is accepted (both modes)."""
        # a branch the key's user may not send to is refused first (403)
        self.component(usage="session.provider").branch(order)
        self.component(usage="status.checker").check(order)
        self.component(usage="order.checker").check(order)
        self.component(usage="duplicate.checker").check(order)

    def run(self, order):
        """Create the paid ``pos.order`` of ``order`` (a validated payload)."""
        self.check(order)
        return self.create_accepted(order)

    def create_accepted(self, order):
        """Create the order of an accepted payload (its checks passed)."""
        try:
            with self.env.cr.savepoint():
                provider = self.component(usage="session.provider")
                session = provider.session(provider.config(order))
                values = self.component(usage="order.builder").build(order, session)
                pos_order = self.component(usage="order.creator").create_order(values)
                provider.hold(session)
                return pos_order
        except psycopg2.errors.UniqueViolation as error:
            if "external_order_unique" in str(error):
                # a concurrent request created the same OrderID first
                raise self.component(usage="duplicate.checker").duplicate_error(
                    order_key(order)
                ) from error
            raise
        except AccessError as error:
            raise KaragePosError(str(error.args[0]), status=403) from error
        except (UserError, ValidationError) as error:
            raise KaragePosError(str(error.args[0])) from error
