# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.component.core import Component

from ..exceptions import KaragePosError


class KaragePosStatusChecker(Component):
    """Accept only the OrderStatus codes of the Valid Order Statuses setting."""

    _name = "karage.pos.status.checker"
    _inherit = "karage.pos.base"
    _usage = "status.checker"

    def check(self, document):
        status = str(document["OrderStatus"])
        allowed = self.env["res.config.settings"]._karage_valid_statuses()
        if status not in allowed:
            raise KaragePosError(
                f"Invalid OrderStatus: {status} not in allowed statuses",
                details={"allowed_statuses": sorted(allowed)},
            )
