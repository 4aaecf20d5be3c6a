from . import hr_recruitment_followup_funnel_report
from . import hr_recruitment_followup_decline_report
from . import hr_recruitment_followup_sla_report
from . import hr_recruitment_followup_pool_report
from . import report_followup_summary
from . import hr_recruitment_followup_intent_report
