"""The talent pool's one truth (issue 14), on databases installed before it.

The stages, rules and Odoo's refuse reasons are ``noupdate`` data: an upgrade
does not touch them. What the users left as shipped is brought to the new
shipped state; what they changed is theirs and is left alone.
"""

from odoo import api
from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, api.SUPERUSER_ID, {})
    not_hired = env.ref(
        "hr_recruitment_followup.followup_stage_talent_pool", raise_if_not_found=False
    )
    if not_hired:
        # Refused applications without consent are not "in the pool".
        cr.execute(
            SQL(
                """
                UPDATE hr_recruitment_followup_stage
                   SET name = jsonb_build_object(
                           'en_US', 'Not hired', 'zh_CN', '未录用')
                 WHERE id = %s AND name->>'en_US' = 'Talent pool'
                """,
                not_hired.id,
            )
        )
    rule = env.ref(
        "hr_recruitment_followup.followup_rule_talent_pool", raise_if_not_found=False
    )
    if (
        rule
        and not_hired
        and rule.trigger == "stage_enter"
        and rule.followup_stage_id == not_hired
    ):
        # Every candidate in the pool, once, whatever their stage.
        rule.write({"trigger": "talent_pool", "followup_stage_id": False})
    for xmlid, reason in (
        ("hr_recruitment.refuse_reason_8", "decline_reason_salary"),
        ("hr_recruitment.refuse_reason_2", "decline_reason_role_mismatch"),
    ):
        refuse = env.ref(xmlid, raise_if_not_found=False)
        decline = env.ref(f"hr_recruitment_followup.{reason}", raise_if_not_found=False)
        if (
            refuse
            and decline
            and refuse.refused_by == "candidate"
            and not refuse.decline_reason_id
        ):
            refuse.decline_reason_id = decline
