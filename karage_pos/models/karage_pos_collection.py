# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager

from odoo import models

from odoo.addons.component.core import WorkContext


class KaragePosCollection(models.AbstractModel):
    """Collection of the Karage order processors.

    Work is entered with ``env["karage.pos.collection"].work_on("pos.order")``
    from the REST service and from queue jobs alike. There is no backend
    record: the settings live on the company and in system parameters, so
    the empty recordset is the collection.
    """

    _name = "karage.pos.collection"
    _inherit = "collection.base"
    _description = "Karage POS processors"

    @contextmanager
    def work_on(self, model_name, **kwargs):
        yield WorkContext(model_name=model_name, collection=self, **kwargs)
