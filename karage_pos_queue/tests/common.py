# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import common as odoo_common

from odoo.addons.karage_pos.tests.common import BULK, SINGLE, KarageHttpCase

# queue_job's test helpers register themselves in SETATTR_SOURCES, which
# Odoo 18.0 gained after some of its nightlies (the May 2025 one lacks it):
# give such an Odoo the registry so that trap_jobs can be imported.
if not hasattr(odoo_common, "SETATTR_SOURCES"):
    odoo_common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402

__all__ = ["trap_jobs", "KarageQueueHttpCase", "SINGLE", "BULK"]


class KarageQueueHttpCase(KarageHttpCase):
    def log_of(self, order_id):
        return self.env["karage.pos.webhook.log"].search(
            [("external_order_id", "=", str(order_id))], limit=1
        )
