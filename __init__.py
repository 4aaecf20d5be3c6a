from . import controllers
from . import models
from . import wizards
from . import report


def post_init_hook(env):
    """Put the applicants already in the database in their follow-up stage.

    The stages are data of this module: they exist once the data files are
    loaded. The stored fields of existing applicants are filled in SQL, in
    batches (never loading them into the ORM), and the scheduled job then plans
    every applicant in a follow-up stage, in its batches.
    """
    env["hr.applicant"]._followup_install_backfill()


def uninstall_hook(env):
    """Let the uninstallation remove the module's records, and keep users' data.

    While the module runs, applicants hold their follow-up stage (which cannot be
    deleted under them) and recruiters' reminders use the follow-up activity
    type: the deletion of both would fail and leave them behind. The reminders
    become to-dos. The refuse reason and the applicant tags the module brought
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
        todo = env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        if todo:
            # One statement, whatever the number of reminders: nothing stored
            # on an activity depends on its type.
            env["mail.activity"].flush_model()
            env.cr.execute(
                "UPDATE mail_activity SET activity_type_id = %s "
                "WHERE activity_type_id = %s",
                (todo.id, followup.id),
            )
            env["mail.activity"].invalidate_model(["activity_type_id"])
        else:
            env["mail.activity"].sudo().with_context(active_test=False).search(
                [("activity_type_id", "=", followup.id)]
            ).unlink()
    # The switches of the re-plan on change.
    env.cr.execute(
        "DELETE FROM ir_config_parameter WHERE key LIKE %s",
        (f"{module}.%",),
    )
    Applicant = env["hr.applicant"].with_context(active_test=False)
    Candidate = env["hr.candidate"].with_context(active_test=False)
    kept = env["ir.model.data"]
    for xmlid, used in (
        ("refuse_reason_offer_declined", lambda r: [("refuse_reason_id", "=", r.id)]),
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
