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
