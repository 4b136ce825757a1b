# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every Karage screen in a real browser (issue #11).

Each test drives headless Chromium through a screen as an administrator
does and keeps a screenshot of where it ended (see ``tour_common``). The
tours are in ``static/tests/tours``.
"""

from odoo import fields
from odoo.tests import tagged

from .common import SINGLE, KarageHttpCase
from .tour_common import KarageTourMixin

# Swagger UI renders the OpenAPI document in the page's JavaScript: wait for
# the Karage operations, then open "Authorize" and read the key scheme there.
API_DOCS_CHECK = """
(async () => {
    const find = async (selector, text = "") => {
        for (let tries = 0; tries < 200; tries++) {
            const found = [...document.querySelectorAll(selector)].find(
                (element) => element.textContent.includes(text)
            );
            if (found) {
                return found;
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`Not on /api-docs: ${selector} showing ${text}`);
    };
    await find(".servers", "/api/v1/webhook");
    // Swagger UI breaks long paths with zero-width spaces: match data-path
    await find(".opblock-summary-path[data-path='/pos-order']");
    await find(".opblock-summary-path[data-path='/pos-order/bulk']");
    (await find(".btn.authorize", "Authorize")).click();
    await find(".auth-container", "ApiKeyAuth");
    await find(".auth-container", "X-API-KEY");
    console.log("test successful");
})()
"""


@tagged("post_install", "-at_install")
class TestTours(KarageTourMixin, KarageHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pay_later = cls.env["pos.payment.method"].create(
            {"name": "Karage Tour Pay Later"}
        )

    def test_settings_are_changed_and_saved(self):
        self.karage_tour("/odoo/settings", "karage_pos_settings")
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("karage_pos.valid_statuses"),
            "103,104",
        )

    def test_credit_payment_mode_is_mapped(self):
        credit = self.env.ref("karage_pos.payment_mode_credit")
        self.karage_tour("/odoo", "karage_pos_payment_mode")
        self.assertEqual(credit.payment_method_id, self.pay_later)

    def test_api_docs_show_the_webhook_and_its_api_key(self):
        with self.karage_screenshot():
            self.browser_js(
                "/api-docs?urls.primaryName=api/v1: webhook",
                API_DOCS_CHECK,
                ready="document.readyState === 'complete'",
            )

    def test_overview_counts_today_and_opens_the_failures(self):
        today = fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
        code, __ = self.post(SINGLE, self.payload(order_id=7501, OrderDate=today))
        self.assertEqual(code, 200)
        refused = self.payload(order_id=7502, product=self.untaxed, OrderDate=today)
        code, __ = self.post(SINGLE, refused)
        self.assertGreaterEqual(code, 400)
        self.karage_tour("/odoo", "karage_pos_overview")

    def test_alert_activity_leads_to_the_alert(self):
        alert = self.env["karage.pos.alert"]._karage_judge(
            self.config,
            "failure_rate",
            ("raise", "3 of 4 orders failed in the last hour: see the Webhook Logs"),
        )
        self.assertIn(self.env.ref("base.user_admin"), alert.activity_ids.user_id)
        self.karage_tour("/odoo", "karage_pos_alert")
