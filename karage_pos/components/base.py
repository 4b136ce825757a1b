# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.component.core import AbstractComponent


class KaragePosBase(AbstractComponent):
    """Base of every Karage order processor.

    Processors work on ``pos.order`` in the ``karage.pos.collection``; each
    one has a single concern and is found by its ``_usage``.
    """

    _name = "karage.pos.base"
    _collection = "karage.pos.collection"
    _apply_on = "pos.order"

    def _memo(self, key, compute):
        """``compute()``, once per request when the work carries a ``memo``.

        The webhook's work does (a dict per request): a bulk resolves each
        product, payment mapping and named branch once, not once per order.
        Only lookups of records that exist before the request are memoized,
        and a lookup that raises (a refusal) is not.
        """
        memo = getattr(self.work, "memo", None)
        if memo is None:
            return compute()
        if key not in memo:
            memo[key] = compute()
        return memo[key]
