from odoo import api, fields, models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    followup_contact_warning = fields.Char(
        string="Opt-out Warning", compute="_compute_followup_contact_warning"
    )

    @api.depends("model", "res_ids")
    def _compute_followup_contact_warning(self):
        for composer in self:
            warning = False
            if composer.model == "hr.applicant" and composer.res_ids:
                applicants = self.env["hr.applicant"].browse(
                    composer._evaluate_res_ids()
                )
                warning = applicants._followup_contact_warning()
            composer.followup_contact_warning = warning
