from odoo import fields, models


class ApplicantGetRefuseReason(models.TransientModel):
    _inherit = "applicant.get.refuse.reason"

    def action_refuse_reason_apply(self):
        # Read before: once refused, the applicants are archived and drop out of
        # the wizard's many2many.
        applicants = self.applicant_ids
        res = super().action_refuse_reason_apply()
        if self.refuse_reason_id.refused_by == "candidate":
            # The candidate said no: the same as the "Offer Declined" action,
            # with the reason the refuse reason stands for ("salary"). When
            # this wizard just emailed them (the refusal template), the survey
            # invitation waits for the next contact window: one email at a
            # time, whichever template the recruiter chose.
            applicants._followup_mark_declined(
                reasons=self.refuse_reason_id.sudo().decline_reason_id,
                emailed_at=fields.Datetime.now() if self.send_mail else None,
            )
        return res
