from . import karage_pos_bulk
from . import karage_pos_webhook_log
from . import karage_pos_overview
from . import karage_pos_idempotency
from . import res_config_settings
from . import queue_job
