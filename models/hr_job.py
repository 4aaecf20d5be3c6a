from odoo import fields, models


class HrJob(models.Model):
    _inherit = "hr.job"

    followup_tier = fields.Selection(
        [("core", "Core"), ("standard", "Standard")],
        string="Follow-up Tier",
        required=True,
        default="standard",
        help="Core positions may be followed up daily; standard positions once or "
        "twice a week.",
    )
