# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import AccessError


class KaragePosApiKeyWizard(models.TransientModel):
    """Issue a persistent API key for the Karage integration user.

    Odoo lets only administrators create keys without expiry; this wizard
    lets one issue such a key for a dedicated, least-privilege user. The key
    itself is never written to the database: like Odoo's own key wizard it is
    handed once to the abstract ``res.users.apikeys.show`` dialog through the
    action's context (a transient model's fields stay in PostgreSQL until the
    vacuum).
    """

    _name = "karage.pos.api.key.wizard"
    _description = "Karage POS API Key Wizard"

    user_id = fields.Many2one(
        "res.users",
        string="Integration User",
        required=True,
        domain=[("share", "=", False)],
    )
    name = fields.Char(
        string="Description", required=True, default="Karage POS Webhook Integration"
    )

    def action_generate(self):
        """Create a key without expiry for the chosen user.

        :returns: the action of Odoo's "API Key Ready" dialog, the key in
            its context (``default_key``); nothing else holds it in clear.
        :raises AccessError: unless the current user is an administrator.
        """
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(_("Only an administrator can issue persistent keys."))
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.user_id)
            .sudo()
            ._generate(None, self.name, False)
        )
        self.unlink()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.users.apikeys.show",
            "name": _("API Key Ready"),
            "views": [(self.env.ref("base.form_res_users_key_show").id, "form")],
            "target": "new",
            "context": {"default_key": key},
        }
