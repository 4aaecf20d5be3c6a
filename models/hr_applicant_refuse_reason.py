from odoo import fields, models


class HrApplicantRefuseReason(models.Model):
    _inherit = "hr.applicant.refuse.reason"

    refused_by = fields.Selection(
        [("company", "The company"), ("candidate", "The candidate")],
        required=True,
        default="company",
        help="Who ended the application: we rejected the candidate, or the candidate "
        "declined. Reports keep the two apart.",
    )
