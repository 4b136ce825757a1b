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
    # an empty RefundID is no RefundID (a sale or a refund's only refund)
    if isinstance(value, str) and not value.strip() and field != "RefundID":
        error(field, "must not be empty")
    # maxlength only bounds strings: an integer of thousands of digits is
    # no id either (and would not fit an index)
    if isinstance(value, int) and len(str(abs(value))) > 64:
        error(field, "must have at most 64 digits")
    if field == "OrderID" and REFUND_MARK in str(value):
        error(field, f"must not contain {REFUND_MARK!r} (it marks refunds)")


PRODUCT_KEYS = ("OdooItemID", "ItemID", "ItemName")

# Karage's OrderStatus of a refund: its OrderID is the refunded sale's
REFUND_STATUS = 106
# what separates a refund's key from its sale's OrderID (refused in OrderIDs)
REFUND_MARK = ":refund"
# customer and branch fields an order may carry, or a bulk once for all
SHARED_FIELDS = ("partner_id", "customer_ref", "pos_config_id")

# Bounds that keep every figure finite and storable: an amount of a trillion
# or a quantity of a billion is no sale, and integers beyond PostgreSQL's
# 32-bit integer cannot be ids or codes (fuzzing sent 1e308 and 2**62).
MAX_AMOUNT = 1e12
MAX_QUANTITY = 1e9
MAX_INTEGER = 2**31 - 1
NUMBER = {"type": "number", "check_with": _check_finite}
AMOUNT = {**NUMBER, "min": 0, "max": MAX_AMOUNT}
# a figure whose sign the OrderStatus decides: positive on a sale,
# negative on a refund (checked in validate_order)
SIGNED_AMOUNT = {**NUMBER, "min": -MAX_AMOUNT, "max": MAX_AMOUNT}
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
    # the unit price before tax; later Karage versions send it as
    # PriceWithoutTax (Price may then include the tax, and is not used)
    "Price": {**AMOUNT, "nullable": True},
    "PriceWithoutTax": {**AMOUNT, "nullable": True},
    # negative on a refund
    "Quantity": {
        **NUMBER,
        "required": True,
        "min": -MAX_QUANTITY,
        "max": MAX_QUANTITY,
    },
    # absent is not 0: a DiscountAmount of 0 next to a DiscountPercentage
    # says the two disagree
    "DiscountAmount": {**AMOUNT, "nullable": True},
    "DiscountPercentage": {**NUMBER, "nullable": True, "min": 0, "max": 100},
}

CHECKOUT_SCHEMA = {
    "PaymentMode": {**INTEGER, "required": True},
    # negative on a refund (paid back)
    "AmountPaid": {**SIGNED_AMOUNT, "required": True},
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
    # a refund's own id, to tell several refunds of one sale apart
    "RefundID": {
        **TEXT,
        "type": ["integer", "string"],
        "nullable": True,
        "check_with": _check_order_id,
        "maxlength": 64,
    },
    "AmountPaid": {**SIGNED_AMOUNT, "required": True},
    "AmountTotal": {**SIGNED_AMOUNT, "required": True},
    # later Karage versions may leave out Tax and GrandTotal: the order is
    # then checked against its payments
    "Tax": {**SIGNED_AMOUNT, "nullable": True},
    "TaxPercent": {**NUMBER, "required": True, "min": 0, "max": 100},
    "AmountDiscount": {**AMOUNT, "nullable": True},
    "BalanceAmount": {
        **NUMBER,
        "nullable": True,
        "min": -MAX_AMOUNT,
        "max": MAX_AMOUNT,
    },
    "GrandTotal": {**SIGNED_AMOUNT, "nullable": True},
    "PaymentMode": {**INTEGER, "nullable": True},
    # the customer: an Odoo partner id, or the partner's Reference
    "partner_id": {**INTEGER, "nullable": True, "min": 1},
    "customer_ref": {**TEXT, "type": "string", "nullable": True, "maxlength": 128},
    # the branch: the POS configuration that receives the order
    "pos_config_id": {**INTEGER, "nullable": True, "min": 1},
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
    # given once for every order of the bulk that does not name its own
    "partner_id": ORDER_SCHEMA["partner_id"],
    "customer_ref": ORDER_SCHEMA["customer_ref"],
    "pos_config_id": ORDER_SCHEMA["pos_config_id"],
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
    """Validator of one Karage order (of its known fields, see
    :func:`known_fields`).

    Building a validator checks the whole schema, which cost more than
    validating an order; each thread (Odoo serves requests in threads or
    in worker processes) keeps one and reuses it.
    """
    validator = getattr(_local, "order_validator", None)
    if validator is None:
        validator = _local.order_validator = Validator(ORDER_SCHEMA)
    return validator


def known_fields(value, rules):
    """A copy of ``value`` without the fields its ``rules`` do not know.

    What cerberus's ``purge_unknown`` does, without cerberus's normalization
    pass, which cost five times the validation itself (the order schema has
    nothing else to normalize: no default, coercion nor renaming). A value
    of the wrong type is kept as it is, for the validation to refuse.
    """
    schema = rules.get("schema")
    if schema and rules.get("type") == "dict" and isinstance(value, dict):
        return {
            name: known_fields(item, schema[name])
            for name, item in value.items()
            if name in schema
        }
    if schema and rules.get("type") == "list" and isinstance(value, list):
        return [known_fields(item, schema) for item in value]
    return value


def validate_order(payload):
    """Return ``(document, errors)`` for one order payload.

    ``document`` is the normalized order when valid, else ``None``;
    ``errors`` maps dotted field paths to their messages.
    """
    if not isinstance(payload, dict):
        return None, {"order": ["must be a JSON object"]}
    document = known_fields(payload, {"type": "dict", "schema": ORDER_SCHEMA})
    validator = order_validator()
    if not validator.validate(document, normalize=False):
        return None, flatten_errors(validator.errors)
    refund = is_refund(document)
    errors = _sign_errors(document, refund)
    for index, item in enumerate(document["OrderItems"]):
        errors.update(_item_errors(index, item, refund))
    # beyond a trillion a float cannot keep the cents of a sum
    if sum(abs(line_gross(item)) for item in document["OrderItems"]) > MAX_AMOUNT:
        errors.setdefault("OrderItems", []).append(
            f"the lines' Price × Quantity must not add up to more than {MAX_AMOUNT:.0f}"
        )
    if errors:
        return None, errors
    return document, {}


def is_refund(document):
    return document.get("OrderStatus") == REFUND_STATUS


def karage_total(document):
    """The order's total as Karage sent it: GrandTotal, else AmountTotal +
    Tax; ``None`` when both Tax and GrandTotal are left out (later Karage
    versions): the order is then checked against its payments."""
    if document.get("GrandTotal") is not None:
        return document["GrandTotal"]
    if document.get("Tax") is not None:
        return document["AmountTotal"] + document["Tax"]
    return None


def unit_price(item):
    """The line's unit price before tax (PriceWithoutTax wins over Price)."""
    price = item.get("PriceWithoutTax")
    return item.get("Price") if price is None else price


def line_gross(item):
    """Unit price × quantity: negative on a refund line."""
    return (unit_price(item) or 0.0) * item["Quantity"]


def line_discount(item):
    """The line's discount as an amount (of the line's absolute value)."""
    if item.get("DiscountAmount") is not None:
        return item["DiscountAmount"]
    return abs(line_gross(item)) * (item.get("DiscountPercentage") or 0.0) / 100.0


def amounts(document):
    """``[(field path, value)]`` of the order's totals and of each payment:
    the figures Odoo books or compares to the cent."""
    return [
        (name, document.get(name))
        for name in ("AmountPaid", "AmountTotal", "Tax", "GrandTotal")
    ] + [
        (f"CheckoutDetails.{index}.AmountPaid", detail["AmountPaid"])
        for index, detail in enumerate(document["CheckoutDetails"])
    ]


def _sign_errors(document, refund):
    """A sale's figures are positive, a refund's negative (paid back)."""
    fields = amounts(document)
    if refund:
        message = "must not be positive on a refund (OrderStatus 106)"
        wrong = [name for name, value in fields if value is not None and value > 0]
    else:
        message = (
            "must not be negative on a sale (negative figures are refunds, "
            "OrderStatus 106)"
        )
        wrong = [name for name, value in fields if value is not None and value < 0]
    errors = {name: [message] for name in wrong}
    if not refund and document.get("RefundID") not in (None, ""):
        errors["RefundID"] = ["only a refund (OrderStatus 106) has a RefundID"]
    return errors


def _item_errors(index, item, refund=False):
    """What is wrong with one line beyond its fields' own rules."""
    errors = {}
    prefix = f"OrderItems.{index}"
    if not any(item.get(key) not in (None, "") for key in PRODUCT_KEYS):
        errors[prefix] = ["one of OdooItemID, ItemID or ItemName is required"]
    if unit_price(item) is None:
        errors[f"{prefix}.Price"] = ["required (or PriceWithoutTax)"]
        return errors
    qty = item["Quantity"]
    if refund and not qty < 0:
        errors[f"{prefix}.Quantity"] = [
            "must be negative on a refund (OrderStatus 106): the quantity returned"
        ]
    elif not refund and not qty > 0:
        errors[f"{prefix}.Quantity"] = [
            "must be positive on a sale (negative quantities are refunds, "
            "OrderStatus 106)"
        ]
    gross = abs(line_gross(item))
    if gross > MAX_AMOUNT:
        errors[f"{prefix}.Quantity"] = [
            f"Price × Quantity must not exceed {MAX_AMOUNT:.0f}"
        ]
    discount = line_discount(item)
    # a thousandth of a cent of float noise is not a discount beyond the line
    if discount > gross + 1e-5:
        errors[f"{prefix}.DiscountAmount"] = [
            f"{discount} exceeds the line amount {gross:.2f} (Price × Quantity)"
        ]
    percentage = item.get("DiscountPercentage")
    if item.get("DiscountAmount") is not None and percentage is not None:
        # both given: they must say the same, to the cent
        if abs(gross * percentage / 100.0 - item["DiscountAmount"]) >= 0.005 + 1e-9:
            errors[f"{prefix}.DiscountPercentage"] = [
                f"{percentage} % of {gross:.2f} is not the DiscountAmount "
                f"{item['DiscountAmount']}"
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


def order_key(document):
    """What identifies a validated order: its OrderID, or for a refund
    ``<OrderID>:refund`` and ``<OrderID>:refund:<RefundID>``.

    OrderIDs may not contain ``:refund``: no sale and no refund share a key.
    """
    key = normalize_order_id(document["OrderID"])
    if not is_refund(document):
        return key
    refund_id = document.get("RefundID")
    if refund_id in (None, "") or not str(refund_id).strip():
        return key + REFUND_MARK
    return f"{key}{REFUND_MARK}:{normalize_order_id(refund_id)}"


def refund_origin(key):
    """The OrderID of the sale a refund key refunds (``None`` for a sale)."""
    if REFUND_MARK not in key:
        return None
    return key.split(REFUND_MARK, 1)[0]
