from . import pos_order_service
