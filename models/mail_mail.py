from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def send(self, *args, **kwargs):
        self._followup_cancel_opted_out()
        return super().send(*args, **kwargs)

    def _followup_cancel_opted_out(self):
        """Cancel the follow-up emails of candidates who opted out since queued.

        A follow-up due at night waits in the queue until the morning: in between,
        the candidate may ask us to stop, or land on a blacklist. The contact did
        not happen: its log goes, and the applicant's chatter says why.
        """
        logs = (
            self.env["hr.applicant.contact.log"]
            .sudo()
            .search([("mail_id", "in", self.ids), ("automated", "=", True)])
        )
        logs = logs.filtered(lambda log: log.mail_id.state == "outgoing")
        if not logs:
            return
        applicants = logs.applicant_id.sudo()
        applicants.candidate_id.invalidate_recordset(
            ["is_blacklisted", "phone_sanitized_blacklisted"]
        )
        phone_blacklist = applicants._followup_phone_blacklist()
        for log in logs:
            reason = log.applicant_id._followup_blocked_reason(phone_blacklist)
            if not reason:
                continue
            mail = log.mail_id
            mail.write(
                {
                    "state": "cancel",
                    "failure_reason": self.env._(
                        "Follow-up not sent: %(reason)s.", reason=reason
                    ),
                }
            )
            log.applicant_id._message_log(
                body=self.env._(
                    'The follow-up email "%(subject)s" was cancelled before it '
                    "left the queue: %(reason)s.",
                    subject=mail.subject,
                    reason=reason,
                )
            )
            log.unlink()
