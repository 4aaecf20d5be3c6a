from . import mail_compose_message
from . import applicant_send_mail
from . import hr_applicant_decline
from . import applicant_get_refuse_reason
from . import hr_recruitment_followup_summary
