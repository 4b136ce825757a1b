# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Cerberus schemas of the Karage payload and the pure helpers around them.

This module imports nothing from Odoo on purpose: the schemas, the error
flattening and the date parsing are unit-tested without a database.
"""

import hashlib
import json
import math
import threading
from datetime import datetime

from cerberus import Validator


def _check_iso_datetime(field, value, error):
    if parse_order_date(value) is None:
        error(field, "must be an ISO 8601 date-time, e.g. 2025-11-27T14:30:00")


def _check_finite(field, value, error):
    # json.loads reads NaN and Infinity, and cerberus' min/max comparisons
    # with NaN are always false: a NaN would pass every bound
    if isinstance(value, bool):
        error(field, "must be a number, not true or false")
    elif isinstance(value, float) and not math.isfinite(value):
        error(field, "must be a finite number")


def _check_not_bool(field, value, error):
    # cerberus takes JSON's true and false for the integers 1 and 0
    if isinstance(value, bool):
        error(field, "must be an integer, not true or false")


def _check_order_id(field, value, error):
    _check_not_bool(field, value, error)
    if isinstance(value, str) and not value.strip():
        error(field, "must not be empty")
    # maxlength only bounds strings: an integer of thousands of digits is
    # no id either (and would not fit an index)
    if isinstance(value, int) and len(str(abs(value))) > 64:
        error(field, "must have at most 64 digits")


PRODUCT_KEYS = ("OdooItemID", "ItemID", "ItemName")

# Bounds that keep every figure finite and storable: an amount of a trillion
# or a quantity of a billion is no sale, and integers beyond PostgreSQL's
# 32-bit integer cannot be ids or codes (fuzzing sent 1e308 and 2**62).
MAX_AMOUNT = 1e12
MAX_QUANTITY = 1e9
MAX_INTEGER = 2**31 - 1
NUMBER = {"type": "number", "check_with": _check_finite}
AMOUNT = {**NUMBER, "min": 0, "max": MAX_AMOUNT}
# text PostgreSQL can store: no NUL character, no lone UTF-16 surrogate
# (JSON may escape one, UTF-8 cannot encode it); applies to strings only
TEXT = {"regex": r"^[^\x00\ud800-\udfff]*$"}
INTEGER = {
    "type": "integer",
    "min": -MAX_INTEGER,
    "max": MAX_INTEGER,
    "check_with": _check_not_bool,
}

ITEM_SCHEMA = {
    "OdooItemID": {**INTEGER, "nullable": True, "min": 1},
    "ItemID": {
        **TEXT,
        "type": ["integer", "string"],
        "check_with": _check_not_bool,
        "nullable": True,
        "maxlength": 64,
    },
    "ItemName": {**TEXT, "type": "string", "nullable": True, "maxlength": 512},
    "Price": {**AMOUNT, "required": True},
    "Quantity": {
        **NUMBER,
        "required": True,
        "min": 0.0001,
        "max": MAX_QUANTITY,
    },
    "DiscountAmount": {**AMOUNT, "default": 0.0, "nullable": True},
}

CHECKOUT_SCHEMA = {
    "PaymentMode": {**INTEGER, "required": True},
    # a sale is paid, never paid back: negative amounts are refunds
    "AmountPaid": {**AMOUNT, "required": True},
    "CardType": {**TEXT, "type": "string", "nullable": True, "maxlength": 128},
}

ORDER_SCHEMA = {
    "OrderID": {
        **TEXT,
        "type": ["integer", "string"],
        "required": True,
        "check_with": _check_order_id,
        "maxlength": 64,
    },
    "OrderDate": {
        "type": "string",
        "required": True,
        "check_with": _check_iso_datetime,
    },
    "OrderStatus": {**INTEGER, "required": True},
    "AmountPaid": {**AMOUNT, "required": True},
    "AmountTotal": {**AMOUNT, "required": True},
    "Tax": {**AMOUNT, "required": True},
    "TaxPercent": {**NUMBER, "required": True, "min": 0, "max": 100},
    "AmountDiscount": {**AMOUNT, "nullable": True},
    "BalanceAmount": {
        **NUMBER,
        "nullable": True,
        "min": -MAX_AMOUNT,
        "max": MAX_AMOUNT,
    },
    "GrandTotal": {**AMOUNT, "nullable": True},
    "PaymentMode": {**INTEGER, "nullable": True},
    "OrderItems": {
        "type": "list",
        "required": True,
        "minlength": 1,
        "schema": {"type": "dict", "schema": ITEM_SCHEMA},
    },
    "CheckoutDetails": {
        "type": "list",
        "required": True,
        "minlength": 1,
        "schema": {"type": "dict", "schema": CHECKOUT_SCHEMA},
    },
}

BULK_SCHEMA = {
    "orders": {
        "type": "list",
        "required": True,
        "minlength": 1,
        # each order is validated on its own so that one bad order gets its
        # own result instead of rejecting the whole bulk
        "schema": {"type": "dict", "allow_unknown": True},
    },
}


_local = threading.local()


def order_validator():
    """Validator of one Karage order: unknown fields are dropped.

    Building a validator checks the whole schema, which cost more than
    validating an order; each thread (Odoo serves requests in threads or
    in worker processes) keeps one and reuses it: ``validate`` starts from
    a fresh copy of the document every time.
    """
    validator = getattr(_local, "order_validator", None)
    if validator is None:
        validator = _local.order_validator = Validator(ORDER_SCHEMA, purge_unknown=True)
    return validator


def validate_order(payload):
    """Return ``(document, errors)`` for one order payload.

    ``document`` is the normalized order when valid, else ``None``;
    ``errors`` maps dotted field paths to their messages.
    """
    if not isinstance(payload, dict):
        return None, {"order": ["must be a JSON object"]}
    validator = order_validator()
    if not validator.validate(payload):
        return None, flatten_errors(validator.errors)
    document = validator.document
    errors = {}
    for index, item in enumerate(document["OrderItems"]):
        errors.update(_item_errors(index, item))
    # beyond a trillion a float cannot keep the cents of a sum
    if sum(item["Price"] * item["Quantity"] for item in document["OrderItems"]) > (
        MAX_AMOUNT
    ):
        errors.setdefault("OrderItems", []).append(
            f"the lines' Price × Quantity must not add up to more than {MAX_AMOUNT:.0f}"
        )
    if errors:
        return None, errors
    return document, {}


def _item_errors(index, item):
    """What is wrong with one line beyond its fields' own rules."""
    errors = {}
    if not any(item.get(key) not in (None, "") for key in PRODUCT_KEYS):
        errors[f"OrderItems.{index}"] = [
            "one of OdooItemID, ItemID or ItemName is required"
        ]
    gross = item["Price"] * item["Quantity"]
    if gross > MAX_AMOUNT:
        errors[f"OrderItems.{index}.Quantity"] = [
            f"Price × Quantity must not exceed {MAX_AMOUNT:.0f}"
        ]
    discount = item.get("DiscountAmount") or 0.0
    # a thousandth of a cent of float noise is not a discount beyond the line
    if discount > gross + 1e-5:
        errors[f"OrderItems.{index}.DiscountAmount"] = [
            f"{discount} exceeds the line amount {gross:.2f} (Price × Quantity)"
        ]
    return errors


def flatten_errors(errors, prefix=""):
    """Turn cerberus' nested error tree into ``{"a.0.b": ["msg"]}``."""
    flat = {}
    for field, messages in errors.items():
        path = f"{prefix}.{field}" if prefix else str(field)
        for message in messages:
            if isinstance(message, dict):
                flat.update(flatten_errors(message, path))
            else:
                flat.setdefault(path, []).append(str(message))
    return flat


def describe_errors(flat_errors):
    """One readable sentence for the ``error`` field of the envelope."""
    parts = [
        f"{field}: {', '.join(messages)}"
        for field, messages in sorted(flat_errors.items())
    ]
    return "Invalid payload: " + "; ".join(parts)


def parse_order_date(value):
    """Parse Karage's ``OrderDate``; ``None`` when it is not ISO 8601."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def content_fingerprint(document):
    """SHA-256 of what an order says, not of how it was spelled.

    ``OrderID`` 2001 and "2001" are the same order, a quantity of 1 and of
    1.0 the same figure: the same sale sent twice has one fingerprint.
    """

    def canonical(value):
        if isinstance(value, dict):
            return {key: canonical(item) for key, item in value.items()}
        if isinstance(value, list):
            return [canonical(item) for item in value]
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return value

    document = dict(document, OrderID=normalize_order_id(document["OrderID"]))
    text = json.dumps(canonical(document), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def normalize_order_id(value):
    """Karage sends OrderID as integer or string: one canonical text key."""
    return str(value).strip()
