from . import test_order_import
from . import test_session
from . import test_webhook_http
from . import test_maintenance
