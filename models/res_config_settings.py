from odoo import fields, models


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
