# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Request examples of the OpenAPI document: both Karage payload
generations, a refund and a credit sale, the same sale spelled twice."""

FIRST_GENERATION = {
    "OrderID": 2001,
    "OrderDate": "2025-11-27T14:30:00",
    "OrderStatus": 103,
    "AmountTotal": 70.0,
    "Tax": 10.5,
    "TaxPercent": 15.0,
    "GrandTotal": 80.5,
    "AmountPaid": 80.5,
    "AmountDiscount": 0.0,
    "BalanceAmount": 0.0,
    "PaymentMode": 1,
    "OrderItems": [
        {
            "OdooItemID": 5,
            "ItemName": "Office Chair",
            "Price": 70.0,
            "Quantity": 1,
            "DiscountAmount": 0.0,
        }
    ],
    "CheckoutDetails": [{"PaymentMode": 1, "AmountPaid": 80.5, "CardType": "Cash"}],
}

LATER_GENERATION = {
    "OrderID": 2002,
    "OrderDate": "2025-11-27T14:30:00+03:00",
    "OrderStatus": 103,
    "AmountTotal": 80.5,
    "TaxPercent": 15.0,
    "AmountPaid": 80.5,
    "OrderItems": [
        {
            "OdooItemID": 5,
            "ItemName": "Office Chair",
            "Price": 80.5,
            "PriceWithoutTax": 70.0,
            "Quantity": 1,
            "DiscountPercentage": 0.0,
        }
    ],
    "CheckoutDetails": [{"PaymentMode": 2, "AmountPaid": 80.5, "CardType": "Mada"}],
}

REFUND = {
    "OrderID": 2001,
    "RefundID": "R-1",
    "OrderDate": "2025-11-28T10:00:00",
    "OrderStatus": 106,
    "AmountTotal": -70.0,
    "Tax": -10.5,
    "TaxPercent": 15.0,
    "GrandTotal": -80.5,
    "AmountPaid": -80.5,
    "OrderItems": [{"OdooItemID": 5, "Price": 70.0, "Quantity": -1}],
    "CheckoutDetails": [{"PaymentMode": 1, "AmountPaid": -80.5, "CardType": "Cash"}],
}

CREDIT_SALE = {
    **FIRST_GENERATION,
    "OrderID": 2003,
    "customer_ref": "KC-0001",
    "pos_config_id": 1,
    "CheckoutDetails": [{"PaymentMode": 3, "AmountPaid": 80.5, "CardType": "Credit"}],
}

ORDER_EXAMPLES = {
    "first_generation": {
        "summary": "A sale as the setup guide sends it",
        "value": FIRST_GENERATION,
    },
    "later_generation": {
        "summary": "A sale of later Karage versions: PriceWithoutTax, "
        "DiscountPercentage, an offset, no Tax or GrandTotal",
        "value": LATER_GENERATION,
    },
    "refund": {
        "summary": "A partial refund (OrderStatus 106) of sale 2001",
        "value": REFUND,
    },
    "credit_sale": {
        "summary": "A credit sale to a customer known by Reference, at a branch",
        "value": CREDIT_SALE,
    },
}

BULK_EXAMPLES = {
    "bulk": {
        "summary": "Two orders of one branch and one customer",
        "value": {
            "pos_config_id": 1,
            "customer_ref": "KC-0001",
            "orders": [FIRST_GENERATION, LATER_GENERATION],
        },
    },
}
