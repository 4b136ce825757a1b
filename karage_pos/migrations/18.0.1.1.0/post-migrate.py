# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PaymentMode 3 (Credit) pays with the Customer Account method, and
refunds (OrderStatus 106) are accepted, unless the shop chose otherwise."""


def migrate(cr, version):
    cr.execute(
        """UPDATE karage_pos_payment_mode mode SET fallback = 'pay_later'
             FROM ir_model_data data
            WHERE data.module = 'karage_pos'
              AND data.name = 'payment_mode_credit'
              AND data.res_id = mode.id
              AND mode.payment_method_id IS NULL
              AND mode.fallback IS NULL"""
    )
    cr.execute(
        """UPDATE ir_config_parameter SET value = '103,106'
            WHERE key = 'karage_pos.valid_statuses' AND value = '103'"""
    )
