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

    def check(self, document):
        """Everything decided before an order is accepted (both modes)."""
        # a branch the key's user may not send to is refused first (403)
        self.component(usage="session.provider").branch(document)
        self.component(usage="status.checker").check(document)
        # an order sent again is a duplicate, whatever the checks that
        # depend on what it changed (a refund again is not "more than was
        # sold") or on time (a retried order's date leaving the window)
        self.component(usage="duplicate.checker").check(document)
        self.component(usage="order.checker").check(document)

    def run(self, document):
        """Create the paid ``pos.order`` of ``order`` (a validated payload)."""
        self.check(document)
        return self.create_accepted(document)

    def create_accepted(self, document):
        """Create the order of an accepted payload (its checks passed)."""
        try:
            with self.env.cr.savepoint():
                provider = self.component(usage="session.provider")
                session = provider.session(provider.config(document))
                values = self.component(usage="order.builder").build(document, session)
                pos_order = self.component(usage="order.creator").create_order(values)
                provider.hold(session)
                return pos_order
        except psycopg2.errors.UniqueViolation as error:
            if "external_order_unique" in str(error):
                # a concurrent request created the same OrderID first
                raise self.component(usage="duplicate.checker").duplicate_error(
                    order_key(document)
                ) from error
            raise
        except AccessError as error:
            raise KaragePosError(str(error.args[0]), status=403) from error
        except (UserError, ValidationError) as error:
            raise KaragePosError(str(error.args[0])) from error
