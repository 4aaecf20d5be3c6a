from . import core_internals
from . import followup_access
from . import followup_bulk
from . import followup_format
from . import followup_policy
