from . import test_contact_log
from . import test_followup_stage
from . import test_followup_filters
from . import test_access
from . import test_i18n
from . import test_cadence
from . import test_dispatch_performance
