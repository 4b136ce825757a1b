# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import AccessError


class KaragePosApiKeyWizard(models.TransientModel):
    """Issue a persistent API key for the Karage integration user.

    Odoo lets only administrators create keys without expiry; this wizard
    lets one issue such a key for a dedicated, least-privilege user. The key
    is shown once, as Odoo's own key wizard does.
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
    key = fields.Char(readonly=True)

    def action_generate(self):
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(_("Only an administrator can issue persistent keys."))
        self.key = (
            self.env["res.users.apikeys"]
            .with_user(self.user_id)
            .sudo()
            ._generate(None, self.name, False)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
