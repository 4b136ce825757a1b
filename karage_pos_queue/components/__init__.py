from . import refund_matcher
