from odoo import api, fields, models


class ApplicantSendMail(models.TransientModel):
    _inherit = "applicant.send.mail"

    followup_contact_warning = fields.Char(
        string="Opt-out Warning", compute="_compute_followup_contact_warning"
    )

    @api.depends("applicant_ids")
    def _compute_followup_contact_warning(self):
        for wizard in self:
            wizard.followup_contact_warning = (
                wizard.applicant_ids._followup_contact_warning()
            )
