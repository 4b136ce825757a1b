# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hypothesis strategies of Karage orders, and the figures Odoo must reach.

A :class:`Case` is one order as Karage would post it (or a broken variant of
one) with what the accountant expects: for a valid order its total, tax,
payments per PaymentMode and change, computed exactly as Odoo does with the
demo products' 15 % tax excluded from the price (per line: net =
Price × Quantity − DiscountAmount rounded half-up to the cent, tax = net ×
15 % rounded half-up); for an invalid one the HTTP status and the field the
400 ``details`` must name, or the first words of the 422 error.
"""

import copy
import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import strategies as st

CENT = Decimal("0.01")
TAX_RATE = Decimal("0.15")
CASH, CARD = 1, 2
VALID_STATUS = 103
# refunds have their own shape (negative figures): not an invalid status
REFUND_STATUS = 106
MAX_INTEGER = 2**31 - 1
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
# fields Odoo's routes once turned into keyword arguments
ROUTE_KEYS = ["self", "collection", "kwargs", "args", "params", "env", "request"]
TOP_REQUIRED = [
    "OrderID",
    "OrderDate",
    "OrderStatus",
    "AmountPaid",
    "AmountTotal",
    # Tax (and GrandTotal) may be left out since Karage's later payloads
    "TaxPercent",
    "OrderItems",
    "CheckoutDetails",
]
TOP_AMOUNTS = ["AmountPaid", "AmountTotal", "Tax", "GrandTotal"]
ACCEPT = "accept"


def cents(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value):
    """Decimal → the JSON number Karage sends (a float, exact to the cent)."""
    return float(value)


@dataclass
class Case:
    """One generated order and what must become of it."""

    kind: str
    payload: object
    # ACCEPT, or the status a refusal must have (for a fresh OrderID)
    expect: object
    # the key the 400 ``details`` must name (itself or a sub-path)
    path: str = None
    # the first words of the refusal's ``error`` (422)
    words: str = None
    # figures of an accepted order: total, tax, paid per mode, change
    figures: dict = None
    # figures the 422 error text must mention
    mentions: tuple = ()
    # a 422 only an operator can fix (unknown product or payment mode,
    # totals the product taxes do not give): with the queue, accepted and
    # then failed in its job is allowed too (README "Accepted means done")
    operator: bool = False
    # request-level cases: raw body text and Content-Type
    raw: str = None
    content_type: str = "application/json"
    # a repeat of an earlier order (see resolve_repeats): how, and which
    repeat: str = None
    ref: int = 0
    # a refund (OrderStatus 106): "full" returns a whole earlier sale,
    # "over" twice as much, "unknown" a sale never sent; the refunded
    # sale's OrderID and content, the refund's RefundID and payment mode
    refund: str = None
    sale_id: str = None
    sale_content: str = None
    refund_id: str = None
    refund_mode: int = CASH
    # what it may become is uncertain (its sale was refused): not judged
    lenient: bool = False

    @property
    def order_id(self):
        """The order's key: its OrderID, or a refund's ``<OrderID>:refund``."""
        if isinstance(self.payload, dict):
            key = normalized_id(self.payload.get("OrderID"))
            if key is not None and self.payload.get("OrderStatus") == REFUND_STATUS:
                refund_id = normalized_id(self.payload.get("RefundID"))
                key += ":refund" + (f":{refund_id}" if refund_id else "")
            return key
        return None

    def body(self):
        if self.raw is not None:
            return self.raw
        return json.dumps(self.payload, allow_nan=True)


def normalized_id(value):
    """The pos.order ``external_order_id`` of an OrderID, None if not one."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value).strip()
    return text or None


def content_key(payload):
    """Content of an order regardless of how its OrderID is spelled."""
    if not isinstance(payload, dict):
        return json.dumps(payload, sort_keys=True, allow_nan=True)
    return json.dumps(
        {**payload, "OrderID": normalized_id(payload.get("OrderID"))},
        sort_keys=True,
        allow_nan=True,
    )


def weighted(draw, choices):
    """Draw one key of ``choices`` ({key: integer weight})."""
    total = sum(choices.values())
    ticket = draw(st.integers(0, total - 1))
    for key, weight in choices.items():
        if ticket < weight:
            return key
        ticket -= weight
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------
# valid orders


def _hundredths():
    """A quantity in hundredths: whole, one decimal or two decimals."""
    return st.one_of(
        st.integers(1, 60).map(lambda q: q * 100),
        st.integers(1, 2000).map(lambda q: q * 10),
        st.integers(1, 100_000),
        st.sampled_from([1, 5, 99, 101, 150, 999, 1001]),
    )


def _price_cents():
    return st.one_of(
        st.integers(1, 20_000),
        st.integers(0, 10_000_000),
        st.sampled_from([0, 1, 5, 99, 7000, 4500, 2500, 333, 9_999_999]),
    )


@st.composite
def order_lines(draw, products, count):
    lines = []
    names = sorted(products)
    for __ in range(count):
        name = draw(st.sampled_from(names))
        price = Decimal(draw(_price_cents())) / 100
        qty = Decimal(draw(_hundredths())) / 100
        gross = price * qty
        top = int(gross / CENT)  # largest whole-cent discount within the line
        discount = Decimal(
            draw(st.one_of(st.just(0), st.just(0), st.integers(0, top), st.just(top)))
        ) / Decimal(100)
        net = cents(gross - discount)
        lines.append(
            {
                "name": name,
                "product_id": products[name],
                "price": price,
                "qty": qty,
                "discount": discount,
                "net": net,
                "tax": cents(net * TAX_RATE),
            }
        )
    return lines


def _item(draw, line, whole_as_int):
    def number(value):
        if whole_as_int and value == value.to_integral_value():
            return int(value)
        return money(value)

    keys = weighted(draw, {"both": 5, "id": 3, "name": 1})
    item = {}
    if keys in ("both", "id"):
        item["OdooItemID"] = line["product_id"]
    if keys in ("both", "name"):
        item["ItemName"] = line["name"]
    item["Price"] = number(line["price"])
    item["Quantity"] = number(line["qty"])
    if line["discount"] or draw(st.booleans()):
        item["DiscountAmount"] = number(line["discount"])
    return item


@st.composite
def payment_plan(draw, total):
    """CheckoutDetails paying ``total``: cash and card, maybe cash change.

    Card never pays beyond the total; change comes only out of cash.
    """
    parts = draw(st.integers(1, 4))
    cuts = sorted(
        draw(
            st.lists(
                st.integers(0, int(total / CENT)),
                min_size=parts - 1,
                max_size=parts - 1,
            )
        )
    )
    bounds = [0, *cuts, int(total / CENT)]
    amounts = [Decimal(b - a) / 100 for a, b in zip(bounds, bounds[1:], strict=False)]
    modes = [draw(st.sampled_from([CASH, CARD])) for __ in amounts]
    change = Decimal(0)
    if draw(st.integers(0, 3)) == 0:
        change = Decimal(draw(st.integers(1, 20_000))) / 100
        if CASH in modes:
            at = modes.index(CASH)
            amounts[at] += change
        else:
            amounts.append(change)
            modes.append(CASH)
    details = [
        {"PaymentMode": m, "AmountPaid": a}
        for m, a in zip(modes, amounts, strict=False)
    ]
    return details, change


def _date_text(draw, moment):
    style = weighted(draw, {"naive": 4, "z": 2, "offset": 1, "micro": 1})
    if style == "naive":
        # naive means the company's zone: keep clear of the window's edges
        return moment.replace(tzinfo=None).isoformat(timespec="seconds")
    if style == "z":
        return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    if style == "micro":
        return moment.isoformat(timespec="microseconds")
    return moment.astimezone(timezone(timedelta(hours=3))).isoformat()


@st.composite
def order_date(draw, now):
    kind = weighted(draw, {"inside": 12, "earliest": 1, "latest": 1})
    if kind == "earliest":
        return "2000-01-01T00:00:00Z"
    if kind == "latest":
        # a till clock a little ahead of Odoo's
        latest = now + timedelta(hours=draw(st.integers(1, 20)))
        return latest.replace(tzinfo=None, microsecond=0).isoformat() + "Z"
    moment = draw(
        st.datetimes(
            min_value=datetime(2000, 1, 3),
            max_value=(now - timedelta(days=2)).replace(tzinfo=None),
        )
    )
    return _date_text(draw, moment.replace(tzinfo=timezone.utc))


@st.composite
def valid_order(draw, ctx, order_id, lines=None):
    """A valid Karage order and its figures."""
    if lines:
        # the most lines an order may have: a few distinct lines repeated
        distinct = draw(order_lines(ctx.products, draw(st.integers(1, 4))))
        rows = [distinct[i % len(distinct)] for i in range(lines)]
    else:
        count = weighted(draw, {1: 8, 2: 6, 3: 4, 4: 1, 5: 1, 8: 1, 12: 1})
        rows = draw(order_lines(ctx.products, count))
    count = len(rows)
    whole_as_int = draw(st.booleans())
    untaxed = sum((r["net"] for r in rows), Decimal(0))
    tax = sum((r["tax"] for r in rows), Decimal(0))
    total = untaxed + tax
    details, change = draw(payment_plan(total))
    paid = sum((d["AmountPaid"] for d in details), Decimal(0))
    float_sums = draw(st.integers(0, 4)) == 0
    payload = {
        "OrderID": order_id,
        "OrderDate": draw(order_date(ctx.now)),
        "OrderStatus": VALID_STATUS,
        "TaxPercent": draw(st.sampled_from([15, 15.0])),
        "OrderItems": [_item(draw, r, whole_as_int) for r in rows],
        "CheckoutDetails": [
            {"PaymentMode": d["PaymentMode"], "AmountPaid": money(d["AmountPaid"])}
            for d in details
        ],
    }
    if float_sums:
        # what a client summing floats sends: 0.1 + 0.2 = 0.30000000000000004
        amount_total = 0.0
        for row in rows:
            amount_total += float(row["net"])
        tax_f = 0.0
        for row in rows:
            tax_f += float(row["tax"])
        paid_f = 0.0
        for detail in details:
            paid_f += float(detail["AmountPaid"])
        payload.update(
            AmountTotal=amount_total,
            Tax=tax_f,
            GrandTotal=amount_total + tax_f,
            AmountPaid=paid_f,
        )
    else:
        payload.update(
            AmountTotal=money(untaxed),
            Tax=money(tax),
            GrandTotal=money(total),
            AmountPaid=money(paid),
        )
    if draw(st.integers(0, 4)) == 0:
        del payload["GrandTotal"]  # then AmountTotal + Tax is the total
    elif draw(st.integers(0, 5)) == 0:
        # Karage's later payloads may leave out Tax and GrandTotal: their
        # AmountTotal is then the total with tax
        payload["AmountTotal"] = payload["AmountTotal"] + payload.pop("Tax")
        del payload["GrandTotal"]
    if draw(st.integers(0, 5)) == 0:
        # ... and send the unit price before tax as PriceWithoutTax
        for item in payload["OrderItems"]:
            item["PriceWithoutTax"] = item.pop("Price")
    if draw(st.booleans()):
        payload["PaymentMode"] = details[0]["PaymentMode"]
        payload["AmountDiscount"] = money(
            sum((r["discount"] for r in rows), Decimal(0))
        )
        payload["BalanceAmount"] = 0.0
    for detail in payload["CheckoutDetails"]:
        if draw(st.integers(0, 2)) == 0:
            detail["CardType"] = "Cash" if detail["PaymentMode"] == CASH else "Visa"
    by_mode = {}
    for detail in details:
        by_mode[detail["PaymentMode"]] = (
            by_mode.get(detail["PaymentMode"], Decimal(0)) + detail["AmountPaid"]
        )
    figures = {
        "total": total,
        "tax": tax,
        "paid_by_mode": by_mode,
        "change": change,
        "lines": count,
    }
    return payload, figures


# ---------------------------------------------------------------------------
# mutations of a valid order into an invalid one


def _paths(payload):
    """Dotted paths of every field of an order, with its value."""
    found = {key: value for key, value in payload.items()}
    for index, item in enumerate(payload.get("OrderItems") or []):
        for key, value in item.items():
            found[f"OrderItems.{index}.{key}"] = value
    for index, detail in enumerate(payload.get("CheckoutDetails") or []):
        for key, value in detail.items():
            found[f"CheckoutDetails.{index}.{key}"] = value
    return found


def _set(payload, path, value):
    parts = path.split(".")
    node = payload
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[parts[-1]] = value


def _delete(payload, path):
    parts = path.split(".")
    node = payload
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    del node[parts[-1]]


NUMBER_FIELDS = (
    "AmountPaid",
    "AmountTotal",
    "Tax",
    "TaxPercent",
    "GrandTotal",
    "Price",
    "Quantity",
    "DiscountAmount",
)
INTEGER_FIELDS = ("OrderStatus", "PaymentMode", "OdooItemID")


def _leaf(path):
    return path.rsplit(".", 1)[-1]


def _wrong_values(path):
    leaf = _leaf(path)
    if leaf in NUMBER_FIELDS:
        return ["12.5", "abc", True, [], {}, None]
    if leaf in INTEGER_FIELDS:
        return [1.5, "103", True, False, [], None]
    if leaf == "OrderDate":
        return [20251127, None, [], True]
    if leaf in ("OrderItems", "CheckoutDetails"):
        return [{}, "x", 7, None, [1], ["x"]]
    if leaf == "OrderID":
        return [1.5, True, [], {}, None, "", "   "]
    return [[], {}]


def _missing(draw, ctx, payload, figures, case):
    paths = _paths(payload)
    choices = [p for p in TOP_REQUIRED if p in payload] + [
        p
        for p in paths
        if (_leaf(p) in ("Price", "Quantity") and p.startswith("OrderItems."))
        or (_leaf(p) in ("PaymentMode", "AmountPaid") and p.startswith("Checkout"))
    ]
    case.path = draw(st.sampled_from(choices))
    _delete(payload, case.path)


NULLABLE = ("GrandTotal", "Tax", "DiscountAmount", "PaymentMode", "OdooItemID")


def _wrong_type(draw, ctx, payload, figures, case):
    typed = NUMBER_FIELDS + INTEGER_FIELDS + ("OrderDate", "OrderItems")
    typed += ("CheckoutDetails", "OrderID")
    path = draw(st.sampled_from([p for p in _paths(payload) if _leaf(p) in typed]))
    value = draw(st.sampled_from(_wrong_values(path)))
    if value is None and _leaf(path) in NULLABLE and "Checkout" not in path:
        value = "abc"  # null is allowed there
    _set(payload, path, value)
    case.path = path
    if (
        isinstance(value, list)
        and value
        and _leaf(path)
        in (
            "OrderItems",
            "CheckoutDetails",
        )
    ):
        case.path = f"{path}.0"


def _non_finite(draw, ctx, payload, figures, case):
    paths = [p for p in _paths(payload) if _leaf(p) in NUMBER_FIELDS]
    case.path = draw(st.sampled_from(paths))
    _set(payload, case.path, draw(st.sampled_from([math.nan, math.inf, -math.inf])))


def _negative(draw, ctx, payload, figures, case):
    paths = [p for p in _paths(payload) if _leaf(p) in NUMBER_FIELDS]
    case.path = draw(st.sampled_from(paths))
    value = draw(
        st.one_of(st.just(-0.01), st.integers(1, 10**8).map(lambda c: -c / 100))
    )
    _set(payload, case.path, value)


def _fine_quantity(draw, ctx, payload, figures, case):
    index = draw(st.integers(0, len(payload["OrderItems"]) - 1))
    item = payload["OrderItems"][index]
    fraction = draw(st.sampled_from([0.004, 0.001, 0.0001, 0.005, 0.009, 0.0099]))
    item["Quantity"] = draw(st.integers(0, 50)) + fraction
    item["DiscountAmount"] = 0.0  # one fault at a time
    case.path = f"OrderItems.{index}.Quantity"


def _fraction_of_cent(draw, ctx, payload, figures, case):
    paths = [p for p in TOP_AMOUNTS if p in payload]
    paths += [
        f"CheckoutDetails.{i}.AmountPaid"
        for i in range(len(payload["CheckoutDetails"]))
    ]
    case.path = draw(st.sampled_from(paths))
    extra = Decimal(draw(st.sampled_from([1, 3, 4, 5, 7, 9]))) / 1000
    value = Decimal(str(_paths(payload)[case.path])) + extra
    _set(payload, case.path, float(value))


def _date_outside(draw, ctx, payload, figures, case):
    payload["OrderDate"] = draw(
        st.one_of(
            st.sampled_from(
                [
                    "0999-01-01T00:00:00",
                    "1999-12-31T23:59:59Z",
                    "1970-01-01T00:00:00Z",
                    "2999-01-01T00:00:00",
                    "9999-12-31T23:59:59",
                ]
            ),
            st.datetimes(
                min_value=datetime(1, 1, 1), max_value=datetime(1999, 12, 30)
            ).map(lambda d: d.isoformat(timespec="seconds")),
            st.integers(2, 3_000_000).map(
                lambda h: (ctx.now + timedelta(days=1, hours=h))
                .replace(tzinfo=None, microsecond=0)
                .isoformat()
                + "Z"
            ),
        )
    )
    case.path = "OrderDate"


def _bad_date(draw, ctx, payload, figures, case):
    payload["OrderDate"] = draw(
        st.sampled_from(
            ["2025-13-01T00:00:00", "yesterday", "", "2025-11-27 25:00", "27/11/2025"]
        )
    )
    case.path = "OrderDate"


def _status(draw, ctx, payload, figures, case):
    payload["OrderStatus"] = draw(
        st.integers(-MAX_INTEGER, MAX_INTEGER).filter(
            lambda s: s not in (VALID_STATUS, REFUND_STATUS)
        )
    )
    case.expect, case.words = 422, "Invalid OrderStatus"


def _status_too_big(draw, ctx, payload, figures, case):
    payload["OrderStatus"] = draw(st.integers(MAX_INTEGER + 1, 2**70))
    case.path = "OrderStatus"


def _card_overpaid(draw, ctx, payload, figures, case):
    """Card beyond the total: the change would exceed the cash tendered."""
    total = figures["total"]
    over = Decimal(draw(st.integers(1, 100_000))) / 100
    cash = Decimal(draw(st.integers(0, int(over / CENT) - 1))) / 100
    details = [{"PaymentMode": CARD, "AmountPaid": money(total + over)}]
    if cash or draw(st.booleans()):
        details.append({"PaymentMode": CASH, "AmountPaid": money(cash)})
    if draw(st.booleans()):
        details.reverse()
    payload["CheckoutDetails"] = details
    payload["AmountPaid"] = money(total + over + cash)
    case.expect = 422
    # Odoo must say how much cash was tendered and how much change is owed
    case.mentions = (f"{cash:.2f}", f"{over + cash:.2f}")


def _product(draw, ctx, payload, figures, case):
    index = draw(st.integers(0, len(payload["OrderItems"]) - 1))
    item = payload["OrderItems"][index]
    item.pop("ItemName", None)
    item["OdooItemID"] = draw(st.integers(10**6, MAX_INTEGER))
    case.expect, case.words = 422, "Product not found"
    case.operator = True


def _totals_mismatch(draw, ctx, payload, figures, case):
    which = draw(st.sampled_from(["GrandTotal", "Tax"]))
    delta = Decimal(draw(st.integers(1, 500))) / 100
    sent = figures["total"] if which == "GrandTotal" else figures["tax"]
    if draw(st.booleans()) and sent - delta >= 0:
        delta = -delta
    payload[which] = money(sent + delta)
    case.expect, case.words = 422, "Failed to confirm order"
    case.operator = True


def _underpaid(draw, ctx, payload, figures, case):
    details = payload["CheckoutDetails"]
    amounts = [Decimal(str(d["AmountPaid"])) for d in details]
    index = amounts.index(max(amounts))
    # at least a cent short of the total once the change is taken back
    least = figures["change"] + CENT
    if figures["total"] == 0 or amounts[index] < least:
        return False
    short = draw(st.integers(int(least / CENT), int(amounts[index] / CENT)))
    details[index]["AmountPaid"] = money(amounts[index] - Decimal(short) / 100)
    payload["AmountPaid"] = money(
        sum((Decimal(str(d["AmountPaid"])) for d in details), Decimal(0))
    )
    case.expect = 422
    return True


def _payment_mode(draw, ctx, payload, figures, case):
    details = payload["CheckoutDetails"]
    positive = [i for i, d in enumerate(details) if d["AmountPaid"] > 0]
    if not positive:
        return False
    index = draw(st.sampled_from(positive))
    details[index]["PaymentMode"] = draw(
        st.one_of(st.integers(9, MAX_INTEGER), st.integers(-MAX_INTEGER, 0))
    )
    case.expect = 422
    case.operator = True
    return True


def _discount_beyond(draw, ctx, payload, figures, case):
    index = draw(st.integers(0, len(payload["OrderItems"]) - 1))
    item = payload["OrderItems"][index]
    price = item.get("Price", item.get("PriceWithoutTax"))
    gross = Decimal(str(price)) * Decimal(str(item["Quantity"]))
    extra = Decimal(draw(st.integers(1, 10_000))) / 100
    item["DiscountAmount"] = money(cents(gross) + extra)
    case.path = f"OrderItems.{index}.DiscountAmount"


def _empty_list(draw, ctx, payload, figures, case):
    case.path = draw(st.sampled_from(["OrderItems", "CheckoutDetails"]))
    payload[case.path] = []


def _no_product_key(draw, ctx, payload, figures, case):
    index = draw(st.integers(0, len(payload["OrderItems"]) - 1))
    item = payload["OrderItems"][index]
    for key in ("OdooItemID", "ItemName", "ItemID"):
        item.pop(key, None)
    if draw(st.booleans()):
        item["ItemName"] = ""
    case.path = f"OrderItems.{index}"


def _too_many_lines(draw, ctx, payload, figures, case):
    item = payload["OrderItems"][0]
    payload["OrderItems"] = [copy.deepcopy(item) for __ in range(ctx.max_lines + 1)]
    case.path = "OrderItems"


# name: (weight, mutation); a mutation returning False does not apply
MUTATIONS = {
    "missing": (6, _missing),
    "wrong-type": (6, _wrong_type),
    "non-finite": (4, _non_finite),
    "negative": (4, _negative),
    "fine-quantity": (3, _fine_quantity),
    "fraction-of-cent": (3, _fraction_of_cent),
    "date-outside": (3, _date_outside),
    "bad-date": (1, _bad_date),
    "status": (3, _status),
    "status-too-big": (1, _status_too_big),
    "card-overpaid": (3, _card_overpaid),
    "product": (3, _product),
    "totals-mismatch": (3, _totals_mismatch),
    "underpaid": (2, _underpaid),
    "payment-mode": (2, _payment_mode),
    "discount-beyond": (2, _discount_beyond),
    "empty-list": (1, _empty_list),
    "no-product-key": (1, _no_product_key),
    "too-many-lines": (1, _too_many_lines),
}


@st.composite
def invalid_order(draw, ctx, order_id):
    """A valid order broken in one place, and the refusal it deserves."""
    payload, figures = draw(valid_order(ctx, order_id))
    kind = weighted(draw, {name: weight for name, (weight, __) in MUTATIONS.items()})
    case = Case(kind=f"invalid:{kind}", payload=payload, expect=400)
    if MUTATIONS[kind][1](draw, ctx, payload, figures, case) is False:
        # nothing to break that way in this order: break a field instead
        case.kind = "invalid:missing"
        _missing(draw, ctx, payload, figures, case)
    return case


# ---------------------------------------------------------------------------
# whole cases


@dataclass
class Context:
    """What the strategies need to know of the server under test."""

    products: dict
    now: datetime
    max_lines: int
    max_body: int  # bytes
    new_order_id: object  # callable: a fresh OrderID number


@st.composite
def fresh_order_id(draw, ctx):
    number = ctx.new_order_id()
    style = weighted(draw, {"int": 6, "str": 3, "prefixed": 2, "padded": 1})
    if style == "int":
        return number
    if style == "str":
        return str(number)
    if style == "prefixed":
        return f"KRG-{number}"
    return f"  {number} "


@st.composite
def valid_case(draw, ctx):
    order_id = draw(fresh_order_id(ctx))
    kind = weighted(draw, {"valid": 150, "extra-keys": 12, "max-lines": 1})
    if kind == "max-lines":
        payload, figures = draw(valid_order(ctx, order_id, lines=ctx.max_lines))
    else:
        payload, figures = draw(valid_order(ctx, order_id))
    if kind == "extra-keys":
        for key in draw(st.lists(st.sampled_from(ROUTE_KEYS), min_size=1, max_size=4)):
            payload[key] = draw(
                st.one_of(st.integers(), st.text(max_size=10), st.none())
            )
        item = payload["OrderItems"][0]
        item[draw(st.sampled_from(ROUTE_KEYS))] = "x"
    return Case(kind=f"valid:{kind}", payload=payload, expect=ACCEPT, figures=figures)


@st.composite
def repeat_case(draw, ctx):
    """An OrderID seen before: the same order again, or another content.

    Which earlier order is repeated is chosen when the batch is posted
    (:func:`resolve_repeats`): the strategy itself never depends on what
    was posted, as Hypothesis requires. Until then the case is a fresh order
    of its own, which it stays when there is nothing to repeat.
    """
    kind = weighted(draw, {"exact": 4, "spelling": 1, "conflict": 4, "invalid": 1})
    if kind == "invalid":
        case = draw(invalid_order(ctx, draw(fresh_order_id(ctx))))
    else:
        case = draw(valid_case(ctx))
    case.repeat = kind
    case.ref = draw(st.integers(0, 2**20))
    return case


def resolve_repeats(cases, pool, single):
    """Point each repeat case at an earlier order (of the pool or batch)."""
    resolved = []
    for case in cases:
        if case.refund and case.repeat:
            case = _resolve_refund(case, pool[-500:] + resolved)
        elif case.repeat:
            case = _resolve(case, pool[-500:] + resolved, single)
        resolved.append(case)
    return resolved


def _resolve(case, earlier_cases, single):
    seen = [
        c for c in earlier_cases if c.order_id is not None and (single or c.raw is None)
    ]
    if not seen:
        return case
    earlier = seen[case.ref % len(seen)]
    order_id = earlier.payload["OrderID"]
    if case.repeat == "exact":
        twin = copy.deepcopy(earlier)
        twin.kind, twin.repeat = "repeat:exact", None
        return twin
    if case.repeat == "spelling":
        if earlier.expect != ACCEPT:
            return case
        twin = copy.deepcopy(earlier)
        number = normalized_id(order_id)
        if isinstance(order_id, str) and number.isdigit() and len(number) < 10:
            twin.payload["OrderID"] = int(number)
        else:
            twin.payload["OrderID"] = number
        twin.kind, twin.repeat = "repeat:spelling", None
        return twin
    if case.path == "OrderID" or case.order_id is None:
        return case  # its OrderID is what is broken: nothing to repeat
    case.payload["OrderID"] = order_id
    case.kind = f"repeat:{case.repeat}:{case.kind.split(':', 1)[1]}"
    return case


def make_refund(sale, figures, refund_id, mode, factor=1):
    """A refund returning ``factor`` times everything ``sale`` sold, paid
    back in ``mode``: each item mirrors the sale's (same product, price and
    discount), so Odoo's figures are the sale's, negated."""
    items = []
    for item in sale["OrderItems"]:
        back = {
            key: item[key]
            for key in ("OdooItemID", "ItemName", "Price", "PriceWithoutTax")
            if key in item
        }
        back["Quantity"] = -item["Quantity"] * factor
        if item.get("DiscountAmount"):
            back["DiscountAmount"] = item["DiscountAmount"] * factor
        items.append(back)
    total = -figures["total"] * factor
    tax = -figures["tax"] * factor
    payload = {
        "OrderID": sale["OrderID"],
        "OrderDate": sale["OrderDate"],
        "OrderStatus": REFUND_STATUS,
        "TaxPercent": 15.0,
        "AmountTotal": money(total - tax),
        "Tax": money(tax),
        "GrandTotal": money(total),
        "AmountPaid": money(total),
        "OrderItems": items,
        "CheckoutDetails": [{"PaymentMode": mode, "AmountPaid": money(total)}],
    }
    if refund_id is not None:
        payload["RefundID"] = refund_id
    refund_figures = {
        "total": total,
        "tax": tax,
        "paid_by_mode": {mode: total},
        "change": Decimal(0),
        "lines": len(items),
    }
    return payload, refund_figures


@st.composite
def refund_case(draw, ctx):
    """A refund of an earlier sale, chosen when the batch is posted
    (:func:`resolve_repeats`); until then a refund of a sale never sent."""
    variant = weighted(draw, {"full": 7, "over": 2, "unknown": 1})
    refund_id = draw(st.one_of(st.none(), st.integers(1, 10**6).map(lambda n: f"R{n}")))
    mode = draw(st.sampled_from([CASH, CARD]))
    sale, figures = draw(valid_order(ctx, draw(fresh_order_id(ctx))))
    payload, refund_figures = make_refund(sale, figures, refund_id, mode)
    case = Case(
        kind="refund:unknown",
        payload=payload,
        expect=422,
        words="Original order",
        figures=refund_figures,
        refund="unknown",
        sale_id=normalized_id(sale["OrderID"]),
        refund_id=refund_id,
        refund_mode=mode,
    )
    if variant != "unknown":
        case.repeat, case.ref = variant, draw(st.integers(0, 2**20))
    return case


def _resolve_refund(case, earlier_cases):
    sales = [
        c
        for c in earlier_cases
        if c.expect == ACCEPT
        and c.kind.startswith("valid:")
        and isinstance(c.payload, dict)
        and c.payload.get("OrderStatus") == VALID_STATUS
    ]
    if not sales:
        case.repeat = None
        return case  # stays the refund of a sale never sent
    sale = sales[case.ref % len(sales)]
    factor = 2 if case.repeat == "over" else 1
    payload, figures = make_refund(
        sale.payload, sale.figures, case.refund_id, case.refund_mode, factor
    )
    refund = copy.copy(case)
    refund.payload, refund.figures = payload, figures
    refund.kind, refund.refund, refund.repeat = (
        f"refund:{case.repeat}",
        case.repeat,
        None,
    )
    refund.sale_id = normalized_id(sale.payload["OrderID"])
    refund.sale_content = content_key(sale.payload)
    if case.repeat == "over":
        refund.expect, refund.words = 422, "Refund of more than was sold"
    else:
        refund.expect, refund.words = ACCEPT, None
    return refund


@st.composite
def request_case(draw, ctx):
    """A single request broken before any order is read."""
    order_id = draw(fresh_order_id(ctx))
    payload, __ = draw(valid_order(ctx, order_id))
    text = json.dumps(payload)
    kind = weighted(
        draw, {"malformed": 3, "content-type": 2, "not-object": 2, "too-large": 1}
    )
    case = Case(kind=f"request:{kind}", payload=payload, expect=400)
    if kind == "malformed":
        cut = draw(st.integers(1, len(text) - 1))
        case.raw = text[:cut] + draw(st.sampled_from(["", "}", ",", "]]", "\x00"]))
    elif kind == "content-type":
        case.raw = text
        case.content_type = draw(
            st.sampled_from(["text/plain", "application/x-www-form-urlencoded"])
        )
        case.expect = 415
    elif kind == "not-object":
        case.raw = json.dumps(
            draw(st.sampled_from([[payload], "order", 42, None, True]))
        )
    else:
        case.raw = json.dumps({**payload, "Notes": "x" * (ctx.max_body + 1024)})
        case.expect = 413
    return case


@st.composite
def case_strategy(draw, ctx):
    kind = weighted(
        draw, {"valid": 50, "invalid": 30, "repeat": 14, "request": 3, "refund": 8}
    )
    if kind == "refund":
        case = draw(refund_case(ctx))
    elif kind == "valid":
        case = draw(valid_case(ctx))
    elif kind == "invalid":
        case = draw(invalid_order(ctx, draw(fresh_order_id(ctx))))
    elif kind == "repeat":
        case = draw(repeat_case(ctx))
    else:
        case = draw(request_case(ctx))
    return case


def now_utc():
    return datetime.now(timezone.utc)
