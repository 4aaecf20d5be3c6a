from odoo import fields, models


class HrApplicantDeclineReason(models.Model):
    _name = "hr.applicant.decline.reason"
    _description = "Offer Decline Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    code = fields.Char(
        required=True,
        help="Stable key of the reason, used by reports and by the decline survey's "
        "answers.",
    )

    _sql_constraints = [  # noqa: RUF012
        ("code_unique", "UNIQUE (code)", "Each decline reason has its own code."),
    ]
