from . import hr_recruitment_followup_stage
from . import hr_applicant_contact_log
from . import hr_candidate
from . import hr_applicant
from . import hr_job
