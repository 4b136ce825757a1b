# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import datetime, timedelta
from unittest import mock

import psycopg2

from odoo.tests import tagged

from ..components.product_resolver import KaragePosProductResolver
from .common import BULK, SEED_PAYLOAD, SINGLE, KarageHttpCase


@tagged("post_install", "-at_install")
class TestWebhookHttp(KarageHttpCase):
    # authentication ---------------------------------------------------

    def test_missing_key_is_401(self):
        code, body = self.post(SINGLE, self.payload(), key=False)
        self.assertEqual(code, 401)
        self.assertEqual(body["status"], "error")
        self.assertFalse(self.karage_orders())

    def test_wrong_key_is_401(self):
        code, __ = self.post(SINGLE, self.payload(), key="not-a-key")
        self.assertEqual(code, 401)
        self.assertFalse(self.karage_orders())

    def test_expired_key_is_401(self):
        key = self._key(self.pos_user, expiration=datetime.now() + timedelta(days=1))
        self.env.cr.execute(
            "UPDATE res_users_apikeys SET expiration_date = %s WHERE user_id = %s "
            "AND expiration_date IS NOT NULL",
            [datetime.now() - timedelta(hours=1), self.pos_user.id],
        )
        code, __ = self.post(SINGLE, self.payload(), key=key)
        self.assertEqual(code, 401)

    def test_revoked_key_is_401(self):
        key = self._key(self.pos_user)
        self.env["res.users.apikeys"].sudo().search(
            [("user_id", "=", self.pos_user.id)]
        )._remove()
        code, __ = self.post(SINGLE, self.payload(), key=key)
        self.assertEqual(code, 401)

    def test_user_without_pos_rights_is_403(self):
        user = self.env["res.users"].create(
            {
                "name": "No POS",
                "login": "karage_no_pos",
                "email": "n@example.com",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        code, body = self.post(SINGLE, self.payload(), key=self._key(user))
        self.assertEqual(code, 403)
        self.assertIn("no Point of Sale access", body["error"])
        self.assertFalse(self.karage_orders())

    def test_key_of_other_company_user_is_403_and_writes_nothing(self):
        other = self.env["res.company"].create({"name": "Karage Elsewhere"})
        user = self.env["res.users"].create(
            {
                "name": "Other company cashier",
                "login": "karage_other_company",
                "email": "o@example.com",
                "company_id": other.id,
                "company_ids": [(6, 0, other.ids)],
                "groups_id": [
                    (6, 0, [self.env.ref("point_of_sale.group_pos_user").id])
                ],
            }
        )
        logs = self.env["karage.pos.webhook.log"].search_count([])
        code, body = self.post(SINGLE, self.payload(), key=self._key(user))
        self.assertEqual(code, 403)
        self.assertIn(
            "No POS configuration found for company Karage Elsewhere", body["error"]
        )
        self.assertFalse(self.karage_orders())
        self.assertEqual(self.env["karage.pos.webhook.log"].search_count([]), logs)

    def test_database_lost_while_authenticating_is_503_not_403(self):
        # Odoo turns any error raised during authentication into a 403
        Keys = self.env.registry["res.users.apikeys"]
        with mock.patch.object(
            Keys,
            "_check_credentials",
            side_effect=psycopg2.OperationalError("server closed the connection"),
        ):
            response = self.url_open(
                SINGLE,
                data=json.dumps(self.payload()),
                headers={"Content-Type": "application/json", "X-API-KEY": self.key},
            )
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.headers["Retry-After"], "5")
        self.assertIn("cannot reach its database", response.json()["error"])

    def test_database_lost_while_processing_is_503_not_500(self):
        PosOrder = self.env.registry["pos.order"]
        with mock.patch.object(
            PosOrder,
            "_process_order",
            side_effect=psycopg2.InterfaceError("connection already closed"),
        ):
            code, body = self.post(SINGLE, self.payload())
        self.assertEqual(code, 503)
        self.assertIn("cannot reach its database", body["error"])

    # single order -----------------------------------------------------

    def test_seed_payload_answers_seed_success_shape(self):
        code, body = self.post(SINGLE, self.payload())
        self.assertEqual(code, 200)
        self.assertEqual(body["status"], "success")
        self.assertIsNone(body["error"])
        self.assertEqual(body["count"], 1)
        data = body["data"]
        self.assertEqual(
            set(data),
            {
                "id",
                "name",
                "pos_reference",
                "amount_total",
                "amount_paid",
                "amount_tax",
                "state",
                "date_order",
                "external_order_id",
            },
        )
        self.assertEqual(data["state"], "paid")
        self.assertEqual(data["amount_total"], 80.5)
        self.assertEqual(data["amount_tax"], 10.5)
        self.assertEqual(data["external_order_id"], 2001)
        self.assertEqual(data["date_order"], "2025-11-27 14:30:00")
        order = self.env["pos.order"].browse(data["id"])
        self.assertEqual(order.user_id, self.pos_user)
        log = self.env["karage.pos.webhook.log"].search(
            [("pos_order_id", "=", order.id)]
        )
        self.assertEqual(log.status_code, 200)
        self.assertEqual(log.user_id, self.pos_user)

    def test_retried_order_is_duplicate_409(self):
        self.post(SINGLE, self.payload())
        code, body = self.post(SINGLE, self.payload())
        self.assertEqual(code, 409)
        self.assertEqual(body["error"], "Duplicate order: OrderID 2001 already exists")
        self.assertEqual(body["data"], None)
        self.assertEqual(body["count"], 0)
        self.assertEqual(len(self.karage_orders()), 1)

    def test_malformed_json_is_400(self):
        code, body = self.post(SINGLE, None, raw="{not json")
        self.assertEqual(code, 400)
        self.assertIn("Malformed JSON", body["error"])

    def test_wrong_types_are_400_naming_fields(self):
        payload = self.payload(OrderStatus="done", AmountPaid="lots")
        code, body = self.post(SINGLE, payload)
        self.assertEqual(code, 400)
        self.assertIn("OrderStatus", body["details"])
        self.assertIn("AmountPaid", body["details"])
        log = self.env["karage.pos.webhook.log"].search([], limit=1)
        self.assertEqual(log.status_code, 400)
        self.assertFalse(self.karage_orders())

    def test_figures_overflowing_to_infinity_are_400_not_500(self):
        payload = self.payload()
        payload["OrderItems"][0].update(Price=1.1657593613402702e308, Quantity=2e119)
        payload["CheckoutDetails"][0]["PaymentMode"] = 4408837407048178176
        code, body = self.post(SINGLE, payload)
        self.assertEqual(code, 400)
        self.assertEqual(
            set(body["details"]),
            {
                "OrderItems.0.Price",
                "OrderItems.0.Quantity",
                "CheckoutDetails.0.PaymentMode",
            },
        )
        self.assertFalse(self.karage_orders())

    def test_nul_in_order_id_or_idempotency_key_is_400_and_logged(self):
        code, body = self.post(SINGLE, self.payload(order_id="K\x00-1"))
        self.assertEqual(code, 400)
        self.assertIn("OrderID", body["details"])
        code, body = self.post(
            SINGLE, self.payload(), headers={"Idempotency-Key": "abc\x00def"}
        )
        self.assertEqual(code, 400)
        self.assertIn("Idempotency-Key", body["details"])
        logs = self.env["karage.pos.webhook.log"].search([], limit=2)
        self.assertEqual(logs.mapped("status_code"), [400, 400])
        self.assertIn("K-1", logs.mapped("external_order_id"))
        self.assertFalse(self.karage_orders())

    def test_business_refusal_is_422_and_logged(self):
        code, body = self.post(SINGLE, self.payload(product=self.untaxed))
        self.assertEqual(code, 422)
        self.assertTrue(
            body["error"].startswith("Failed to confirm order: Order is not fully paid")
        )
        self.assertEqual(len(body["details"]["lines"]), 1)
        log = self.env["karage.pos.webhook.log"].search([], limit=1)
        self.assertEqual(log.state, "error")
        self.assertIn("not fully paid", log.error)

    def test_api_key_never_reaches_webhook_log(self):
        self.post(SINGLE, self.payload())
        self.post(SINGLE, self.payload(OrderStatus="x"))
        logs = self.env["karage.pos.webhook.log"].search([])
        self.assertTrue(logs)
        for log in logs:
            for value in (log.payload, log.response, log.error or ""):
                self.assertNotIn(self.key, value)

    # bulk ---------------------------------------------------------------

    def test_bulk_reports_each_order(self):
        orders = [
            self.payload(order_id=1),
            self.payload(order_id=2, product=self.untaxed),
            self.payload(order_id=3, OrderStatus="bad"),
            self.payload(order_id=1),
        ]
        code, body = self.post(BULK, {"orders": orders})
        self.assertEqual(code, 200)
        self.assertEqual(body["message"], "Processed 4 orders: 1 succeeded, 3 failed")
        data = body["data"]
        self.assertEqual((data["total"], data["succeeded"], data["failed"]), (4, 1, 3))
        codes = [result["status_code"] for result in data["results"]]
        self.assertEqual(codes, [200, 422, 400, 409])
        self.assertEqual(self.karage_orders().mapped("external_order_id"), ["1"])

    def test_bulk_resolves_each_product_once(self):
        orders = [self.payload(order_id=order_id) for order_id in (11, 12, 13)]
        resolve = KaragePosProductResolver._resolve
        with mock.patch.object(
            KaragePosProductResolver, "_resolve", autospec=True, side_effect=resolve
        ) as lookup:
            code, body = self.post(BULK, {"orders": orders})
        self.assertEqual((code, body["data"]["succeeded"]), (200, 3))
        # three orders of one product, each checked and created: one lookup
        self.assertEqual(lookup.call_count, 1)

    def test_bulk_accepts_bare_array(self):
        code, body = self.post(BULK, [self.payload(order_id=5)])
        self.assertEqual(code, 200)
        self.assertEqual(body["data"]["succeeded"], 1)

    def test_bulk_over_maximum_is_400(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "karage_pos.max_bulk_orders", 2
        )
        orders = [self.payload(order_id=i) for i in range(3)]
        code, body = self.post(BULK, {"orders": orders})
        self.assertEqual(code, 400)
        self.assertIn("exceeds the maximum of 2", body["error"])
        self.assertFalse(self.karage_orders())

    # idempotency --------------------------------------------------------

    def test_idempotency_key_replays_stored_response(self):
        headers = {"Idempotency-Key": "k-1"}
        first = self.post(SINGLE, self.payload(), headers=headers)
        second = self.post(SINGLE, self.payload(), headers=headers)
        self.assertEqual(first[0], 200)
        self.assertEqual(second, first)
        self.assertEqual(len(self.karage_orders()), 1)

    def test_idempotency_key_with_other_body_is_422(self):
        headers = {"Idempotency-Key": "k-2"}
        self.post(SINGLE, self.payload(), headers=headers)
        code, body = self.post(SINGLE, self.payload(order_id=9), headers=headers)
        self.assertEqual(code, 422)
        self.assertIn("different request body", body["error"])

    def test_idempotency_key_still_processing_is_409(self):
        payload = self.payload()
        self._processing_record("k-3", payload, minutes_ago=1)
        code, body = self.post(SINGLE, payload, headers={"Idempotency-Key": "k-3"})
        self.assertEqual(code, 409)
        self.assertIn("still being processed", body["error"])
        self.assertFalse(self.karage_orders())

    def test_idempotency_key_stuck_past_timeout_is_retried(self):
        payload = self.payload()
        record = self._processing_record("k-4", payload, minutes_ago=10)
        code, __ = self.post(SINGLE, payload, headers={"Idempotency-Key": "k-4"})
        self.assertEqual(code, 200)
        self.assertEqual(record.state, "completed")
        self.assertEqual(len(self.karage_orders()), 1)

    def _processing_record(self, key, payload, minutes_ago):
        from ..models.karage_pos_idempotency import request_fingerprint

        return self.env["karage.pos.idempotency"].create(
            {
                "key": key,
                "request_hash": request_fingerprint(payload),
                "processing_started_at": datetime.now()
                - timedelta(minutes=minutes_ago),
            }
        )

    # documentation ------------------------------------------------------

    def test_openapi_documents_api_key_security(self):
        response = self.url_open("/api-docs/api/v1/webhook.json")
        self.assertEqual(response.status_code, 200)
        spec = response.json()
        scheme = spec["components"]["securitySchemes"]["ApiKeyAuth"]
        self.assertEqual((scheme["in"], scheme["name"]), ("header", "X-API-KEY"))
        self.assertIn("/pos-order", spec["paths"])
        self.assertIn("/pos-order/bulk", spec["paths"])
        body = spec["paths"]["/pos-order"]["post"]["requestBody"]
        schema = body["content"]["application/json"]["schema"]
        self.assertIn("OrderID", schema["required"])

    def test_openapi_tells_a_sender_every_answer_and_shows_the_seed_example(self):
        spec = self.url_open("/api-docs/api/v1/webhook.json").json()
        self.assertEqual(spec["info"]["title"], "Karage POS webhook")
        texts = [spec["info"]["description"]] + [
            operation.get("description", "") + operation["summary"]
            for path in spec["paths"].values()
            for operation in path.values()
        ]
        for text in texts:
            # indented lines would show as a code block; no reStructuredText
            self.assertFalse(
                [line for line in text.splitlines() if line.startswith("    ")], text
            )
            self.assertNotIn("``", text)
        post = spec["paths"]["/pos-order"]["post"]
        examples = post["requestBody"]["content"]["application/json"]["examples"]
        self.assertEqual(examples["first_generation"]["value"], SEED_PAYLOAD)
        self.assertEqual(
            set(post["responses"]),
            {"200", "202", "400", "401", "403", "409", "413", "415", "422", "503"},
        )
        error = post["responses"]["400"]["content"]["application/json"]["schema"]
        self.assertIn("details", error["properties"])
        accepted = post["responses"]["202"]["content"]["application/json"]["schema"]
        self.assertIn("status_url", accepted["properties"]["data"]["properties"])

    def test_idempotency_key_with_malformed_order_id_is_400(self):
        payload = self.payload(OrderID={"not": "an id"})
        code, body = self.post(SINGLE, payload, headers={"Idempotency-Key": "k-5"})
        self.assertEqual(code, 400)
        self.assertIn("OrderID", body["details"])
