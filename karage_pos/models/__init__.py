from . import ir_http
from . import karage_pos_collection
from . import karage_pos_retention_mixin
from . import karage_pos_idempotency
from . import karage_pos_payment_mode
from . import pos_order
from . import pos_session
from . import product_template
from . import stock_move_line
from . import stock_quant
from . import res_company
from . import res_users
from . import res_config_settings
from . import karage_pos_webhook_log

# SQL views last: their init() reads the columns the models above add
from . import karage_pos_overview
from . import karage_pos_overview_payment
from . import karage_pos_alert
