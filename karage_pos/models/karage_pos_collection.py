# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class KaragePosCollection(models.AbstractModel):
    """Collection of the Karage order processors.

    Work is entered with ``env["karage.pos.collection"].work_on("pos.order")``
    from the REST service and from queue jobs alike.
    """

    _name = "karage.pos.collection"
    _inherit = "collection.base"
    _description = "Karage POS processors"
