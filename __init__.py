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


def uninstall_hook(env):
    """Let the uninstallation remove the module's records, and keep users' data.

    While the module runs, applicants hold their follow-up stage (which cannot be
    deleted under them) and recruiters' reminders use the follow-up activity
    type: the deletion of both would fail and leave them behind. The reminders
    become to-dos. The refuse reasons and the applicant tags the module brought
    are kept where applicants or candidates use them: they are the users' data.
    """
    module = "hr_recruitment_followup"
    env.cr.execute(
        "UPDATE hr_applicant SET followup_stage_id = NULL "
        "WHERE followup_stage_id IS NOT NULL"
    )
    followup = env.ref(
        f"{module}.mail_activity_type_followup", raise_if_not_found=False
    )
    if followup:
        activities = (
            env["mail.activity"]
            .sudo()
            .with_context(active_test=False)
            .search([("activity_type_id", "=", followup.id)])
        )
        todo = env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        if todo:
            activities.write({"activity_type_id": todo.id})
        else:
            activities.unlink()
    Applicant = env["hr.applicant"].with_context(active_test=False)
    Candidate = env["hr.candidate"].with_context(active_test=False)
    kept = env["ir.model.data"]
    for xmlid, used in (
        ("refuse_reason_offer_declined", lambda r: [("refuse_reason_id", "=", r.id)]),
        ("refuse_reason_withdrew", lambda r: [("refuse_reason_id", "=", r.id)]),
        ("tag_urgent_position", lambda r: [("categ_ids", "in", r.ids)]),
        ("tag_potential_candidate", lambda r: [("categ_ids", "in", r.ids)]),
        ("tag_hire_abandoned", lambda r: [("categ_ids", "in", r.ids)]),
    ):
        record = env.ref(f"{module}.{xmlid}", raise_if_not_found=False)
        if not record:
            continue
        in_use = Applicant.search_count(used(record), limit=1)
        if not in_use and record._name == "hr.applicant.category":
            in_use = Candidate.search_count(used(record), limit=1)
        if in_use:
            kept |= env["ir.model.data"].search(
                [("module", "=", module), ("name", "=", xmlid)]
            )
    # Without their XML id, Odoo no longer sees them as the module's records.
    kept.unlink()
    # The reports' indexes on core tables and columns, and their statistics (the
    # ones on the module's tables and columns go with them).
    env.cr.execute("DROP INDEX IF EXISTS calendar_event_applicant_stop_idx")
    env.cr.execute("DROP INDEX IF EXISTS hr_applicant_candidate_created_idx")
    env.cr.execute("DROP STATISTICS IF EXISTS hr_applicant_furthest_stage_stat")
