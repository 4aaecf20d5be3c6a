from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MailActivityPlanTemplate(models.Model):
    _inherit = "mail.activity.plan.template"

    responsible_type = fields.Selection(
        selection_add=[("buddy", "Buddy")], ondelete={"buddy": "cascade"}
    )

    @api.constrains("plan_id", "responsible_type")
    def _check_responsible_buddy(self):
        for template in self:
            if (
                template.responsible_type == "buddy"
                and template.plan_id.res_model != "hr.applicant"
            ):
                raise ValidationError(
                    self.env._(
                        "Only plans for applicants can assign an activity to the "
                        "buddy (%(plan)s).",
                        plan=template.plan_id.name,
                    )
                )

    def _determine_responsible(self, on_demand_responsible, applied_on_record):
        if self.responsible_type != "buddy":
            return super()._determine_responsible(
                on_demand_responsible, applied_on_record
            )
        buddy = applied_on_record.buddy_id
        error = False
        if not buddy:
            error = self.env._(
                "Choose a buddy for %(name)s first: the plan assigns them activities.",
                name=applied_on_record.partner_name,
            )
        elif not buddy.user_id:
            error = self.env._(
                "The buddy %(buddy)s has no user: link the employee to a user to "
                "assign them activities.",
                buddy=buddy.name,
            )
        return {"responsible": buddy.user_id, "error": error}
