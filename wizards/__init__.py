from . import mail_compose_message
from . import applicant_send_mail
from . import hr_recruitment_followup_summary
