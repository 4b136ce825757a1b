# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install")
class TestApiKeyWizard(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.integration_user = cls.env["res.users"].create(
            {
                "name": "Karage Key Wizard Test",
                "login": "karage_key_wizard_test",
                "groups_id": [Command.link(cls.env.ref("base.group_user").id)],
            }
        )

    def _wizard(self, user):
        return (
            self.env["karage.pos.api.key.wizard"]
            .with_user(self.admin)
            .create({"user_id": self.integration_user.id, "name": "Karage test key"})
            .with_user(user)
        )

    def _issue(self):
        action = self._wizard(self.admin).action_generate()
        return action, action["context"]["default_key"]

    def _tables_holding(self, text):
        """Tables of the database where some row contains ``text``."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        holding = []
        for (table,) in self.env.cr.fetchall():
            self.env.cr.execute(
                SQL(
                    "SELECT 1 FROM %s t WHERE strpos(row_to_json(t)::text, %s) > 0 "
                    "LIMIT 1",
                    SQL.identifier(table),
                    text,
                )
            )
            if self.env.cr.fetchone():
                holding.append(table)
        return holding

    def test_issued_key_is_shown_by_odoo_key_dialog(self):
        action, key = self._issue()
        self.assertEqual(action["res_model"], "res.users.apikeys.show")
        self.assertEqual(action["target"], "new")
        self.assertEqual(
            action["views"], [(self.env.ref("base.form_res_users_key_show").id, "form")]
        )
        shown = (
            self.env["res.users.apikeys.show"]
            .with_user(self.admin)
            .with_context(**action["context"])
            .default_get(["key"])
        )
        self.assertEqual(shown, {"key": key})

    def test_issued_key_is_never_written_to_the_database(self):
        wizard = self._wizard(self.admin)
        key = wizard.action_generate()["context"]["default_key"]
        self.assertNotIn("key", wizard._fields)
        self.assertEqual(self._tables_holding(key), [])
        # the check itself finds what is stored in clear
        self.assertIn("res_users", self._tables_holding(self.integration_user.login))

    def test_issued_key_authenticates_the_integration_user_without_expiry(self):
        _action, key = self._issue()
        uid = self.env["res.users.apikeys"]._check_credentials(scope="rpc", key=key)
        self.assertEqual(uid, self.integration_user.id)
        stored = (
            self.env["res.users.apikeys"]
            .sudo()
            .search([("user_id", "=", self.integration_user.id)])
        )
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored.name, "Karage test key")
        self.assertFalse(stored.expiration_date)

    def test_only_administrators_issue_persistent_keys(self):
        officer = self.env["res.users"].create(
            {
                "name": "Karage Access Officer",
                "login": "karage_access_officer",
                "groups_id": [Command.link(self.env.ref("base.group_erp_manager").id)],
            }
        )
        with self.assertRaises(AccessError):
            self._wizard(officer).action_generate()
        keys = (
            self.env["res.users.apikeys"]
            .sudo()
            .search([("user_id", "=", self.integration_user.id)])
        )
        self.assertFalse(keys)
