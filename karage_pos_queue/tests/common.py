# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import HttpCase
from odoo.tests import common as odoo_common

from odoo.addons.karage_pos.tests.common import KarageDataMixin

# queue_job's test helpers register themselves in SETATTR_SOURCES, which
# Odoo 18.0 gained after some of its nightlies (the May 2025 one lacks it):
# give such an Odoo the registry so that trap_jobs can be imported.
if not hasattr(odoo_common, "SETATTR_SOURCES"):
    odoo_common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402

__all__ = ["trap_jobs", "KarageQueueHttpCase", "SINGLE", "BULK"]

SINGLE = "/api/v1/webhook/pos-order"
BULK = "/api/v1/webhook/pos-order/bulk"


class KarageQueueHttpCase(HttpCase, KarageDataMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_karage_data()
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.pos_user)
            .sudo()
            ._generate(None, "Karage queue test", False)
        )

    def post(self, path, body):
        response = self.url_open(
            path,
            data=json.dumps(body),
            headers={"Content-Type": "application/json", "X-API-KEY": self.key},
        )
        return response.status_code, response.json()

    def get(self, path):
        response = self.opener.get(
            self.base_url() + path, headers={"X-API-KEY": self.key}, timeout=12
        )
        return response.status_code, response.json()

    def log_of(self, order_id):
        return self.env["karage.pos.webhook.log"].search(
            [("external_order_id", "=", str(order_id))], limit=1
        )
