from . import mail_compose_message
from . import applicant_send_mail
from . import hr_applicant_decline
from . import applicant_get_refuse_reason
from . import hr_candidate_talent_pool
from . import mail_activity_schedule
from . import hr_applicant_followup_import
from . import hr_recruitment_followup_summary
