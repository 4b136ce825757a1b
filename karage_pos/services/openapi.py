# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What ``/api-docs`` tells a sender: title, description, the answers of
each endpoint with their schemas, the ``X-API-KEY`` scheme."""

import re
import textwrap

TITLE = "Karage POS webhook"
DESCRIPTION = """\
Karage POS sends each completed sale (`OrderStatus` 103) and each refund
(`OrderStatus` 106) here; each becomes a paid Odoo Point of Sale order
exactly once, however often it is sent.

* Authenticate with an Odoo user API key in the `X-API-KEY` header.
* An `OrderID` is one order: sending it again answers 409 (duplicate),
  never a second order. An optional `Idempotency-Key` header replays the
  first answer of a retried request.
* With the queue addon, orders are answered 202 once checked and queued;
  `GET /pos-order/{OrderID}` (the `status_url` of the answer) tells where
  each stands.
* Every answer is the envelope `status`, `data`, `error`, `count`; a 400
  names each wrong field in `details`.
"""

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
API_KEY_SCHEME = {
    "type": "apiKey",
    "in": "header",
    "name": "X-API-KEY",
    "description": "An Odoo user API key (Preferences → Account Security).",
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Replays the first answer when the request is sent again.",
    "schema": {"type": "string", "maxLength": 255},
}

NULLABLE_STRING = {"type": "string", "nullable": True}
ORDER_DATA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "pos_reference": NULLABLE_STRING,
        "amount_total": {"type": "number"},
        "amount_paid": {"type": "number"},
        "amount_tax": {"type": "number"},
        "state": {"type": "string", "enum": ["paid", "done", "invoiced"]},
        "date_order": {"type": "string", "description": "UTC"},
        "external_order_id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "partner_id": {"type": "integer"},
        "invoice": {"type": "string"},
        "refunded_order": {"type": "string", "description": "a refund's sale"},
        "refunds": {"type": "array", "items": {"type": "object"}},
    },
}
ACCEPTED_DATA = {
    "type": "object",
    "properties": {
        "external_order_id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "state": {"type": "string", "enum": ["queued"]},
        "job_uuid": {"type": "string"},
        "status_url": {"type": "string"},
    },
}
STATUS_DATA = {
    "type": "object",
    "properties": {
        "external_order_id": {"type": "string"},
        "state": {
            "type": "string",
            "enum": ["queued", "processing", "done", "failed"],
        },
        "error": NULLABLE_STRING,
        "job_uuid": {"type": "string"},
        "order": ORDER_DATA,
    },
}
BULK_RESULT = {
    "type": "object",
    "properties": {
        "external_order_id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "status": {"type": "string", "enum": ["success", "error"]},
        "status_code": {"type": "integer"},
        "data": {"type": "object", "nullable": True},
        "error": NULLABLE_STRING,
        "details": {"type": "object"},
    },
}
BULK = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["success"]},
        "message": {"type": "string"},
        "data": {
            "type": "object",
            "properties": {
                "total": {"type": "integer"},
                "succeeded": {"type": "integer"},
                "failed": {"type": "integer"},
                "results": {"type": "array", "items": BULK_RESULT},
            },
        },
    },
}
ERROR = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["error"]},
        "data": {"nullable": True},
        "error": {"type": "string"},
        "count": {"type": "integer"},
        "details": {
            "type": "object",
            "description": "400: each wrong field's path (OrderItems.0.Price) "
            "and messages; 422: the figures refused",
        },
    },
}


def success(data):
    return {
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": ["success"]},
            "data": data,
            "error": {"nullable": True},
            "count": {"type": "integer"},
        },
    }


ERRORS = {
    "400": "Invalid payload: `details` names each field",
    "401": "Missing, invalid, expired or revoked API key",
    "403": "The key's user has no Point of Sale rights, or may not send to "
    "this POS configuration (pos_config_id)",
    "404": "No order of this OrderID was ever received",
    "409": "Duplicate order, another content for an OrderID, or an "
    "Idempotency-Key still processing",
    "413": "Body larger than the Maximum Body Size setting",
    "415": "Not a JSON body, or an unknown charset",
    "422": "Refused by business rules (status, product, customer, payment, "
    "amounts, refund)",
    "503": "Send again after Retry-After: database unavailable, session closing",
}


def responses(successes, errors):
    """OpenAPI responses: ``successes`` {code: (description, schema)}, and
    the error ``errors`` with the error envelope."""
    result = {
        code: {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
        for code, (description, schema) in successes.items()
    }
    for code in errors:
        result[code] = {
            "description": ERRORS[code],
            "content": {"application/json": {"schema": ERROR}},
        }
    return result


POST_ERRORS = ("400", "401", "403", "409", "413", "415", "422", "503")
ORDER_RESPONSES = responses(
    {
        "200": ("Order created and paid (karage_pos alone)", success(ORDER_DATA)),
        "202": (
            "Accepted into the queue (karage_pos_queue): follow status_url",
            success(ACCEPTED_DATA),
        ),
    },
    POST_ERRORS,
)
BULK_RESPONSES = responses(
    {
        "200": ("Processed: one result per order, in order", BULK),
        "202": ("Accepted into the queue: one result per order", BULK),
    },
    POST_ERRORS,
)
STATUS_RESPONSES = responses(
    {"200": ("Where the order stands", success(STATUS_DATA))},
    ("401", "403", "404", "503"),
)


def complete(spec):
    """Title, description, security and clean texts on base_rest's spec."""
    spec["info"].update(title=TITLE, description=DESCRIPTION)
    components = spec.setdefault("components", {})
    components.setdefault("securitySchemes", {})["ApiKeyAuth"] = API_KEY_SCHEME
    for path_item in spec.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            operation["security"] = [{"ApiKeyAuth": []}]
            if method == "post":
                operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
            summary, __, rest = (operation.get("summary") or "").partition("\n")
            operation["summary"] = summary.strip()
            if rest.strip():
                operation["description"] = markdown(rest)
    return spec


def markdown(text):
    """A docstring as Markdown: dedented (indented lines would show as a
    code block), ``literal`` as `literal`."""
    return re.sub(r"``([^`]+)``", r"`\1`", textwrap.dedent(text).strip())
