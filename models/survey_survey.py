from odoo import fields, models


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    followup_decline_survey = fields.Boolean(
        string="Offer Decline Survey",
        help="Answers to this survey fill the applicant's decline reasons, comment "
        "and contact preference.",
    )
