from odoo import api, fields, models

from .hr_applicant import REPLAN_PARAMS, followup_replan_enabled


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    followup_hour_from = fields.Float(
        related="company_id.followup_hour_from", readonly=False
    )
    followup_hour_to = fields.Float(
        related="company_id.followup_hour_to", readonly=False
    )
    followup_cap_core_per_day = fields.Integer(
        related="company_id.followup_cap_core_per_day", readonly=False
    )
    followup_cap_standard_per_week = fields.Integer(
        related="company_id.followup_cap_standard_per_week", readonly=False
    )
    followup_tz = fields.Selection(related="company_id.followup_tz", readonly=False)
    talent_pool_months = fields.Integer(
        related="company_id.talent_pool_months", readonly=False
    )
    talent_pool_grace_days = fields.Integer(
        related="company_id.talent_pool_grace_days", readonly=False
    )
    # On by default: an ir.config_parameter each, "False" when switched off
    # (a Boolean with config_parameter= would delete the parameter instead,
    # and could not default to on).
    followup_replan_on_application_change = fields.Boolean(
        string="Re-plan When the Application Changes",
        help="A change of stage, status, position, first day or worth scores "
        "has the scheduled job plan the applicant's next follow-up again.",
    )
    followup_replan_on_interview_change = fields.Boolean(
        string="Re-plan When an Interview Changes",
        help="A new or moved interview of an applicant has the scheduled job "
        "plan the applicant's next follow-up again.",
    )

    @api.model
    def get_values(self):
        res = super().get_values()
        for what in REPLAN_PARAMS:
            res[f"followup_replan_on_{what}_change"] = followup_replan_enabled(
                self.env, what
            )
        return res

    def set_values(self):
        res = super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for what, key in REPLAN_PARAMS.items():
            value = self[f"followup_replan_on_{what}_change"]
            if value != followup_replan_enabled(self.env, what):
                params.set_param(key, "True" if value else "False")
        return res
