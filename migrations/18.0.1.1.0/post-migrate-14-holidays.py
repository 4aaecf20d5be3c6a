"""Issue 14: rules wait for working days (``followup_skip_holidays``).

The new column is created with its default (on) for every existing rule; the
shipped 24-hour thank-you is off on a new install (its value is its
promptness): the same on an upgraded database, unless an administrator
changed it since (they could not have: the field is new).
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE hr_recruitment_followup_rule rule
        SET followup_skip_holidays = FALSE
        FROM ir_model_data data
        WHERE data.module = 'hr_recruitment_followup'
          AND data.name = 'followup_rule_after_interview'
          AND data.model = 'hr.recruitment.followup.rule'
          AND data.res_id = rule.id
        """
    )
