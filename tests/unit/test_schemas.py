# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure-Python tests of the payload schemas: no Odoo needed."""

import copy
import importlib.util
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cerberus import Validator
from hypothesis import given, settings
from hypothesis import strategies as st

SCHEMAS = Path(__file__).resolve().parents[2] / "karage_pos" / "schemas.py"
_spec = importlib.util.spec_from_file_location("karage_schemas", SCHEMAS)
schemas = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(schemas)

# the single order example of the setup guide, shared with the Odoo suite
SEED = json.loads(
    (SCHEMAS.parent / "tests" / "data" / "seed_order.json").read_text(encoding="utf-8")
)


def seed(**changes):
    payload = copy.deepcopy(SEED)
    payload.update(changes)
    return payload


def test_seed_example_is_valid():
    document, errors = schemas.validate_order(seed())
    assert errors == {}
    assert document["OrderItems"][0]["OdooItemID"] == 5


def test_order_id_may_be_string():
    assert schemas.validate_order(seed(OrderID="KR-1"))[1] == {}


def test_empty_string_order_id_refused():
    assert "OrderID" in schemas.validate_order(seed(OrderID="  "))[1]


def test_unknown_fields_are_dropped():
    document, errors = schemas.validate_order(seed(Cashier="Ali"))
    assert errors == {} and "Cashier" not in document


def test_missing_fields_are_named():
    payload = seed()
    del payload["OrderDate"], payload["CheckoutDetails"]
    errors = schemas.validate_order(payload)[1]
    assert errors["OrderDate"] == ["required field"]
    assert errors["CheckoutDetails"] == ["required field"]


def test_nested_type_errors_are_flattened():
    payload = seed(OrderItems=[{"OdooItemID": 5, "Price": "70", "Quantity": 1}])
    errors = schemas.validate_order(payload)[1]
    assert errors == {"OrderItems.0.Price": ["must be of number type"]}
    message = schemas.describe_errors(errors)
    assert message == "Invalid payload: OrderItems.0.Price: must be of number type"


def test_booleans_are_not_numbers():
    assert "Tax" in schemas.validate_order(seed(Tax=True))[1]


def test_line_needs_a_product_reference():
    payload = seed(OrderItems=[{"Price": 1.0, "Quantity": 1}])
    assert "OrderItems.0" in schemas.validate_order(payload)[1]


def test_zero_or_negative_quantity_refused():
    payload = seed(OrderItems=[{"OdooItemID": 5, "Price": 1.0, "Quantity": 0}])
    assert "OrderItems.0.Quantity" in schemas.validate_order(payload)[1]


def test_figures_beyond_any_sale_are_refused_by_field():
    # what schemathesis sent: products overflowing to infinity, 2**62 codes
    payload = seed(
        OrderStatus=-5928,
        TaxPercent=7e-14,
        Tax=5.4e307,
        OrderItems=[{"OdooItemID": 2**40, "Price": 1.1e308, "Quantity": 2e119}],
        CheckoutDetails=[{"PaymentMode": 4408837407048178176, "AmountPaid": 1.0}],
    )
    errors = schemas.validate_order(payload)[1]
    assert set(errors) == {
        "Tax",
        "OrderItems.0.OdooItemID",
        "OrderItems.0.Price",
        "OrderItems.0.Quantity",
        "CheckoutDetails.0.PaymentMode",
    }
    assert errors["OrderItems.0.Price"] == ["max value is 1000000000000.0"]


def test_largest_accepted_line_keeps_its_cents():
    payload = seed(
        OrderItems=[{"OdooItemID": 2**31 - 1, "Price": 1e3, "Quantity": 1e9}],
    )
    assert schemas.validate_order(payload)[1] == {}


def test_a_line_or_order_beyond_a_trillion_is_refused():
    # beyond 10^12 a float no longer keeps the cents of a sum
    line = {"OdooItemID": 1, "Price": 1e12, "Quantity": 1e9}
    errors = schemas.validate_order(seed(OrderItems=[line]))[1]
    assert "OrderItems.0.Quantity" in errors
    half = {"OdooItemID": 1, "Price": 6e11, "Quantity": 1}
    errors = schemas.validate_order(seed(OrderItems=[half, half]))[1]
    assert list(errors) == ["OrderItems"]


def test_true_and_false_are_neither_integers_nor_numbers():
    errors = schemas.validate_order(seed(OrderID=True, OrderStatus=False, Tax=True))[1]
    assert set(errors) == {"OrderID", "OrderStatus", "Tax"}


def test_nan_and_infinity_are_refused_by_field():
    payload = seed(Tax=float("nan"), TaxPercent=float("inf"))
    errors = schemas.validate_order(payload)[1]
    assert "must be a finite number" in errors["Tax"]
    assert "TaxPercent" in errors


def test_lone_surrogates_are_refused():
    assert "OrderID" in schemas.validate_order(seed(OrderID="a\ud800"))[1]


def test_content_fingerprint_ignores_spelling():
    first, __ = schemas.validate_order(seed(OrderID=2001))
    second, __ = schemas.validate_order(seed(OrderID="2001"))
    second["OrderItems"][0]["Quantity"] = 1.0
    assert schemas.content_fingerprint(first) == schemas.content_fingerprint(second)
    second["OrderItems"][0]["Quantity"] = 2
    assert schemas.content_fingerprint(first) != schemas.content_fingerprint(second)


def test_reused_validator_keeps_no_state_between_orders():
    first, __ = schemas.validate_order(seed(OrderID="A-1", Cashier="Ali"))
    assert schemas.validate_order(seed(Tax="x"))[1] == {
        "Tax": ["must be of number type"]
    }
    second, errors = schemas.validate_order(seed(OrderID="A-2"))
    assert errors == {}
    assert (first["OrderID"], second["OrderID"]) == ("A-1", "A-2")
    assert "Cashier" not in first


def test_nul_characters_are_refused_by_field():
    payload = seed(
        OrderID="A\x00B",
        OrderItems=[{"ItemName": "Chair\x00", "Price": 1.0, "Quantity": 1}],
    )
    errors = schemas.validate_order(payload)[1]
    assert set(errors) == {"OrderID", "OrderItems.0.ItemName"}


def test_empty_order_items_refused():
    assert "OrderItems" in schemas.validate_order(seed(OrderItems=[]))[1]


def test_non_object_order_refused():
    assert schemas.validate_order([1, 2])[1] == {"order": ["must be a JSON object"]}


def test_order_date_parsing():
    assert schemas.parse_order_date("2025-11-27T14:30:00") == datetime(
        2025, 11, 27, 14, 30
    )
    aware = schemas.parse_order_date("2025-11-27T14:30:00Z")
    assert aware.utcoffset() == timedelta(0)
    offset = schemas.parse_order_date("2025-11-27T14:30:00+03:00")
    assert offset.tzinfo == timezone(timedelta(hours=3))
    assert schemas.parse_order_date("27/11/2025") is None
    assert "OrderDate" in schemas.validate_order(seed(OrderDate="yesterday"))[1]


def test_order_id_normalization():
    assert schemas.normalize_order_id(2001) == schemas.normalize_order_id("2001 ")


def refund(**changes):
    payload = seed(
        OrderStatus=106,
        AmountTotal=-70.0,
        Tax=-10.5,
        GrandTotal=-80.5,
        AmountPaid=-80.5,
    )
    payload["OrderItems"][0]["Quantity"] = -1
    payload["CheckoutDetails"][0]["AmountPaid"] = -80.5
    payload.update(changes)
    return payload


def test_refund_with_negative_figures_is_valid_and_keyed_apart_from_its_sale():
    document, errors = schemas.validate_order(refund())
    assert errors == {}
    assert schemas.order_key(document) == "2001:refund"
    document, __ = schemas.validate_order(refund(RefundID=" R-7 "))
    assert schemas.order_key(document) == "2001:refund:R-7"
    assert schemas.refund_origin("2001:refund:R-7") == "2001"
    assert schemas.refund_origin("2001") is None


def test_refund_with_positive_figures_refused_by_field():
    payload = refund(AmountPaid=80.5)
    payload["OrderItems"][0]["Quantity"] = 1
    errors = schemas.validate_order(payload)[1]
    assert "AmountPaid" in errors
    assert "OrderItems.0.Quantity" in errors


def test_sale_may_not_carry_a_refund_id_nor_an_order_id_marking_refunds():
    assert "RefundID" in schemas.validate_order(seed(RefundID="R1"))[1]
    assert "OrderID" in schemas.validate_order(seed(OrderID="7:refund"))[1]


def test_later_generation_may_leave_out_tax_and_grand_total():
    payload = seed()
    del payload["Tax"], payload["GrandTotal"]
    document, errors = schemas.validate_order(payload)
    assert errors == {}
    assert schemas.karage_total(document) is None
    assert schemas.karage_total(schemas.validate_order(seed())[0]) == 80.5


def test_price_without_tax_wins_and_percentage_discount_is_an_amount():
    payload = seed()
    payload["OrderItems"][0].update(
        Price=80.5, PriceWithoutTax=70.0, Quantity=2, DiscountPercentage=10
    )
    del payload["OrderItems"][0]["DiscountAmount"]
    document, errors = schemas.validate_order(payload)
    assert errors == {}
    item = document["OrderItems"][0]
    assert schemas.unit_price(item) == 70.0
    assert abs(schemas.line_discount(item) - 14.0) < 1e-9


def test_empty_refund_id_is_no_refund_id():
    document, errors = schemas.validate_order(refund(RefundID=""))
    assert errors == {}
    assert schemas.order_key(document) == "2001:refund"


# what a sender may put anywhere: JSON values of every type
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**15), 10**15)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _mutated(draw, value, rules):
    """``value`` (valid for ``rules``) with fields replaced, removed or
    added at random, at every level."""
    schema = rules.get("schema")
    if isinstance(value, dict) and schema:
        value = {
            name: draw(st.one_of(st.just(_mutated(draw, item, schema[name])), JSON))
            for name, item in value.items()
            if draw(st.integers(0, 9))
        }
        value.update(draw(st.dictionaries(st.sampled_from([*schema, "Extra"]), JSON)))
        return value
    if isinstance(value, list) and schema:
        return [_mutated(draw, item, schema) for item in value]
    return value


@st.composite
def mutated_orders(draw):
    return _mutated(draw, seed(), {"type": "dict", "schema": schemas.ORDER_SCHEMA})


@settings(max_examples=400, deadline=None)
@given(mutated_orders())
def test_known_fields_validate_as_cerberus_purge_unknown_does(payload):
    """Dropping unknown fields ourselves and validating without cerberus's
    normalization accepts and refuses exactly what purge_unknown did."""
    reference = Validator(schemas.ORDER_SCHEMA, purge_unknown=True)
    expected_valid = reference.validate(copy.deepcopy(payload))
    document = schemas.known_fields(
        payload, {"type": "dict", "schema": schemas.ORDER_SCHEMA}
    )
    validator = schemas.order_validator()
    assert validator.validate(document, normalize=False) == expected_valid
    if expected_valid:
        assert document == reference.document
    else:
        assert schemas.flatten_errors(validator.errors) == schemas.flatten_errors(
            reference.errors
        )
