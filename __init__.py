from . import controllers
from . import models
from . import wizards
from . import report


def post_init_hook(env):
    """Put the applicants already in the database in their follow-up stage.

    The stages are data of this module: when the stored field was first computed
    at install, they did not exist yet. The scheduled job then plans every
    applicant in a follow-up stage, in batches.
    """
    applicants = (
        env["hr.applicant"]
        .with_context(active_test=False, tracking_disable=True)
        .search([])
    )
    applicants._compute_followup_stage_id()
    applicants._followup_mark_for_replan([("followup_stage_id", "!=", False)])
