from collections import defaultdict

from odoo import models

from odoo.addons.mail.models.mail_message import _image_dataurl

from ..tools import followup_bulk

# What runs in create() of mail.mail and mail.message: the ORM, mail, and
# mass_mailing (which only acts on mailing traces, never in a follow-up).
MAIL_CREATE_MODULES = (
    "odoo.addons.mail.models.mail_mail",
    "odoo.addons.mail.models.mail_message",
    "odoo.addons.mass_mailing.models.mail_mail",
)


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _followup_create_batch(self, values_list):
        """``create(values_list)`` in one INSERT per table (see followup_bulk).

        Reproduces what mail.mail's and mail.message's create() do with the
        values a template renders (scheduled date, message id, reply-to, record
        name, recipients); anything else (attachments, embedded images,
        tracking, another module's create, an automation rule on mails or
        messages) goes through create().
        """
        Message = self.env["mail.message"]
        if not values_list:
            return self.browse()
        if not self._followup_create_batch_supported(values_list):
            return self.create(values_list)
        message_fields = {
            name for name, field in self._fields.items() if field.inherited
        }
        mail_values_list = []
        for values in values_list:
            values = dict(values)
            # mail.mail.create()
            if values.get("scheduled_date"):
                parsed = self._parse_scheduled_datetime(values["scheduled_date"])
                values["scheduled_date"] = (
                    parsed.replace(tzinfo=None) if parsed else False
                )
            else:
                values["scheduled_date"] = False
            mail_values_list.append(values)
        mail_values_list = followup_bulk.with_defaults(self, mail_values_list)
        message_values_list = []
        for values in mail_values_list:
            message_values = {
                name: values.pop(name)
                for name in list(values)
                if name in message_fields
            }
            # mail.message.create()
            if "email_from" not in message_values:
                _author, message_values["email_from"] = self.env[
                    "mail.thread"
                ]._message_compute_author(
                    message_values.get("author_id"),
                    email_from=None,
                    raise_on_email=False,
                )
            if not message_values.get("message_id"):
                message_values["message_id"] = Message._get_message_id(message_values)
            if "reply_to" not in message_values:
                message_values["reply_to"] = Message._get_reply_to(message_values)
            if (
                "record_name" not in message_values
                and "default_record_name" not in self.env.context
            ):
                message_values["record_name"] = Message._get_record_name(message_values)
            message_values_list.append(message_values)
        message_values_list = followup_bulk.with_defaults(Message, message_values_list)
        if not (
            followup_bulk.insertable(Message, message_values_list)
            and followup_bulk.insertable(self, mail_values_list)
        ):
            # A default value (another module's) that only create() handles.
            return self.create(values_list)
        messages = followup_bulk.insert(Message, message_values_list)
        for values, message in zip(mail_values_list, messages, strict=True):
            values["mail_message_id"] = message.id
        mails = followup_bulk.insert(self, mail_values_list)
        # As mail.message.create(): the documents' message lists changed.
        documents = defaultdict(set)
        for values in message_values_list:
            if Message.is_thread_message(values):
                documents[values["model"]].add(values["res_id"])
        for model, res_ids in documents.items():
            if model in self.env and issubclass(
                self.pool[model], self.pool["mail.thread"]
            ):
                self.env[model].browse(res_ids).invalidate_recordset(
                    ["message_ids", "message_needaction", "message_needaction_counter"]
                )
        return mails

    def _followup_create_batch_supported(self, values_list):
        """Whether ``_followup_create_batch`` can write these values itself."""
        Message = self.env["mail.message"]
        if not (
            followup_bulk.create_is_stock(self, MAIL_CREATE_MODULES)
            and followup_bulk.create_is_stock(Message, MAIL_CREATE_MODULES)
        ):
            return False
        for values in values_list:
            if (
                values.get("attachment_ids")
                or values.get("tracking_value_ids")
                or values.get("mail_message_id")
                or values.get("mailing_trace_ids")
                or _image_dataurl.search(values.get("body") or "")
            ):
                return False
        return all(name in self._fields for values in values_list for name in values)

    def _send(self, *args, **kwargs):
        # Decided from the mails' own values: send() has just read them for
        # the whole batch (_split_by_mail_configuration), so the mails that are
        # not about an applicant cost nothing more.
        self.filtered(
            lambda mail: mail.model == "hr.applicant" and mail.res_id
        )._followup_cancel_opted_out()
        return super()._send(*args, **kwargs)

    def _followup_cancel_opted_out(self):
        """Cancel the follow-up emails of candidates who opted out since queued.

        A follow-up due at night waits in the queue until the morning: in between,
        the candidate may ask us to stop, or land on a blacklist. The contact did
        not happen: its log goes, and the applicant's chatter says why.
        """
        if not self:
            return
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
