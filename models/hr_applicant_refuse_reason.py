from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HrApplicantRefuseReason(models.Model):
    _inherit = "hr.applicant.refuse.reason"

    refused_by = fields.Selection(
        [("company", "The company"), ("candidate", "The candidate")],
        required=True,
        default="company",
        help="Who ended the application: we rejected the candidate, or the candidate "
        "declined. Reports keep the two apart.",
    )
    decline_reason_id = fields.Many2one(
        "hr.applicant.decline.reason",
        ondelete="set null",
        help="Refused by the candidate: the reason they gave, recorded on the "
        "application when it is refused with this reason and counted by the "
        "Decline Reasons report.",
    )

    @api.constrains("refused_by", "decline_reason_id")
    def _check_decline_reason(self):
        for reason in self:
            if reason.decline_reason_id and reason.refused_by != "candidate":
                raise ValidationError(
                    self.env._(
                        "Refuse reason %(reason)s: only a reason refused by the "
                        "candidate gives a decline reason.",
                        reason=reason.name,
                    )
                )
