# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The webhook's paths, as Karage posts to them."""

SINGLE = "/api/v1/webhook/pos-order"
BULK = f"{SINGLE}/bulk"
