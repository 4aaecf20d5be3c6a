from odoo import api, models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        """A bounce of an email logged as a contact with an applicant: the
        contact did not happen (see ``hr.applicant.contact.log``). Core counts
        the bounce on the candidate and the partner with that address
        (``message_bounce``), which keeps the next follow-ups off email."""
        res = super()._routing_handle_bounce(email_message, message_dict)
        bounced = message_dict.get("bounced_message")
        if (
            bounced
            and message_dict.get("bounced_email")
            and bounced.model == "hr.applicant"
            and bounced.res_id
        ):
            self.env["hr.applicant.contact.log"].sudo()._followup_bounced(
                bounced, message_dict["bounced_email"]
            )
        return res
