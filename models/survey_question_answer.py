from odoo import fields, models


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    decline_reason_id = fields.Many2one(
        "hr.applicant.decline.reason",
        ondelete="set null",
        help="Choosing this answer in an offer decline survey records this reason.",
    )
    followup_no_future_contact = fields.Boolean(
        string="Means No Future Contact",
        help="Choosing this answer in an offer decline survey marks the candidate "
        "Do Not Contact.",
    )
