from . import test_acceptance
from . import test_job
from . import test_status
from . import test_hardening
from . import test_branches
from . import test_refunds
from . import test_tours
from . import test_overview
