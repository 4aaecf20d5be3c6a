from odoo import fields, models


class HrRecruitmentFollowupChecklistItem(models.Model):
    """What a new hire prepares before the first day, ticked on their page."""

    _name = "hr.recruitment.followup.checklist.item"
    _description = "Before the First Day: Checklist Item"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    description = fields.Text(
        translate=True, help="A line of explanation shown to the candidate."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        help="Empty: every company.",
    )
    job_ids = fields.Many2many(
        "hr.job",
        string="Positions",
        check_company=True,
        help="Empty: every position of the company.",
    )
