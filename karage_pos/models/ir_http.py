# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import models
from odoo.http import request

from ..exceptions import DATABASE_ERRORS, KarageHTTPError, database_unavailable

_logger = logging.getLogger(__name__)

API_KEY_HEADER = "X-API-KEY"
API_KEY_ENVIRON = "HTTP_X_API_KEY"
# where the key waits, out of the headers, for a retried request: Odoo runs
# the request again (authentication included) after a serialization failure
API_KEY_STASH = "karage_pos.api_key"
POS_USER_GROUP = "point_of_sale.group_pos_user"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _auth_method_karage_api_key(cls):
        # Odoo turns any error raised while authenticating into AccessDenied
        # (403): a database that went away is a 503 the sender retries
        try:
            cls._karage_authenticate()
        except DATABASE_ERRORS as error:
            raise database_unavailable() from error

    @classmethod
    def _karage_authenticate(cls):
        """Authenticate with one of Odoo's own user API keys.

        The key is read from the ``X-API-KEY`` header and checked by
        ``res.users.apikeys`` (hashed, expiring, revocable); the request then
        runs as the key's user with that user's rights. The header is removed
        from the request headers right away so that no later error log
        (base_rest dumps request headers) can ever print it.
        """
        environ = request.httprequest.environ
        key = environ.pop(API_KEY_ENVIRON, None) or environ.get(API_KEY_STASH)
        environ[API_KEY_STASH] = key
        if not key:
            raise KarageHTTPError(
                401, "Missing API key: send it in the X-API-KEY header"
            )
        uid = request.env["res.users.apikeys"]._check_credentials(
            scope="rpc", key=key.strip()
        )
        if not uid:
            _logger.info(
                "Karage webhook: rejected API key from %s",
                request.httprequest.remote_addr,
            )
            raise KarageHTTPError(401, "Invalid or expired API key")
        request.update_env(user=uid)
        if not request.env.user.has_group(POS_USER_GROUP):
            raise KarageHTTPError(
                403,
                f"User {request.env.user.login} has no Point of Sale access",
            )
        # a key only serves its user's company, and only where Karage is set
        # up: the key of another company's user cannot write anything here
        company = request.env.company
        if not company.sudo()._karage_pos_config():
            raise KarageHTTPError(
                403,
                f"No POS configuration found for company {company.name}: "
                f"Karage is not set up for the company of {request.env.user.login}",
            )
