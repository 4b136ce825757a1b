from . import test_order_import
from . import test_session
from . import test_webhook_http
from . import test_maintenance
from . import test_retention
from . import test_api_key_wizard
from . import test_webhook_log
from . import test_hardening_http
