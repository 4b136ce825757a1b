# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.base_rest.controllers import main

KARAGE_ROOT_PATH = "/api/v1/webhook/"
API_ROOT_PATH = "/api/v1/"


class KarageWebhookController(main.RestController):
    # the "webhook" service serves /api/v1/webhook/pos-order[/bulk]
    _root_path = API_ROOT_PATH
    _collection_name = "karage.pos.rest.services"
    _default_auth = "karage_api_key"
    # machine-to-machine calls: no browser session to create or keep
    _default_save_session = False
