import uuid
from datetime import timedelta

from odoo import api, fields, models

from .hr_applicant_contact_log import TEXT_LIMIT, check_text_length
from .hr_recruitment_followup_stage import DECLINED_BY

# How long a decline survey invitation stays valid.
DECLINE_SURVEY_DAYS = 30


class HrApplicant(models.Model):
    """Offer declined: who ended the application, the reasons, the survey."""

    _inherit = "hr.applicant"

    declined_by = fields.Selection(
        DECLINED_BY,
        string="Ended By",
        compute="_compute_declined_by",
        store=True,
        index="btree_not_null",
        help="Who ended the application: the company rejected the candidate, or the "
        "candidate declined.",
    )
    decline_reason_ids = fields.Many2many(
        "hr.applicant.decline.reason",
        "hr_applicant_decline_reason_rel",
        "applicant_id",
        "reason_id",
        string="Decline Reasons",
        help="Why the candidate declined, from the decline survey or the recruiter.",
    )
    decline_comment = fields.Text(
        help="The candidate's own words on why they declined."
    )
    decline_date = fields.Datetime(string="Declined On", readonly=True, copy=False)
    followup_offer_sent = fields.Boolean(
        string="Offer Sent",
        compute="_compute_followup_offer_sent",
        help="The application reached the offer: a candidate who says no now "
        "declines the offer; before it, they withdraw.",
    )
    decline_survey_url = fields.Char(
        string="Decline Survey Link",
        compute="_compute_decline_survey_url",
        help="The candidate's own link to the offer decline survey.",
    )

    def _compute_decline_survey_url(self):
        for applicant in self:
            base_url = applicant.get_base_url()
            answer = applicant.sudo().response_ids.filtered(
                lambda a: a.survey_id.followup_decline_survey and a.state != "done"
            )[-1:]
            applicant.decline_survey_url = (
                base_url + answer.get_start_url() if answer else False
            )

    @api.depends("stage_id")
    def _compute_followup_offer_sent(self):
        offer_stages = (
            self.env.ref("hr_recruitment_followup.followup_stage_pre_onboarding")
            .sudo()
            .recruitment_stage_ids
        )
        for applicant in self:
            applicant.followup_offer_sent = applicant.stage_id in offer_stages

    def _followup_offer_sent(self):
        """Whether the applicant reached the offer (the stages before the first day)."""
        self.ensure_one()
        return self.followup_offer_sent

    def action_decline_offer(self):
        """Record that the candidate declined the offer, or withdrew before it:
        reasons, comment, survey."""
        return {
            "type": "ir.actions.act_window",
            "name": (
                self.env._("Offer Declined")
                if all(self.mapped("followup_offer_sent"))
                else self.env._("Candidate Withdrew")
            ),
            "res_model": "hr.applicant.decline",
            "view_mode": "form",
            "target": "new",
            "context": {"default_applicant_ids": self.ids},
        }

    def _followup_mark_declined(
        self,
        reasons=None,
        comment=None,
        may_contact=True,
        send_survey=True,
        emailed_at=None,
    ):
        """Record the candidate's decline on applications already refused.

        Tags "Hire abandoned" where an offer was sent (before it, the candidate
        withdrew: no hire was abandoned), marks the candidate Do Not Contact
        when they said so, and invites them to the decline survey (respecting
        opt-outs, contact hours, caps and holidays).

        :param emailed_at: when the candidates were just sent an email the
            contact log does not know (Odoo's refusal email): the survey does
            not reach them in the same contact window
        """
        now = fields.Datetime.now()
        abandoned = self.env.ref("hr_recruitment_followup.tag_hire_abandoned")
        for applicant in self:
            offer_sent = applicant._followup_offer_sent()
            vals = {"decline_date": now}
            if reasons:
                vals["decline_reason_ids"] = [(6, 0, reasons.ids)]
            if comment:
                vals["decline_comment"] = comment
            if offer_sent:
                vals["categ_ids"] = [(4, abandoned.id)]
            if may_contact is False:
                vals.update(
                    {
                        "do_not_contact": True,
                        "do_not_contact_reason": (
                            self.env._(
                                "Declined the offer and asked not to be contacted "
                                "again."
                            )
                            if offer_sent
                            else self.env._(
                                "Withdrew before the offer and asked not to be "
                                "contacted again."
                            )
                        ),
                    }
                )
            applicant.write(vals)
        if send_survey:
            self._followup_send_decline_survey(emailed_at=emailed_at)

    def _followup_send_decline_survey(self, emailed_at=None):
        """Queue the decline survey invitation, each with its own answer token.

        Never two automated emails in one contact window: the invitation goes
        when the rules' emails would (contact hours, caps, holidays; see
        ``_followup_constrain``), held by the mail queue until then. After
        Odoo's refusal email (``emailed_at``), that is the next day's contact
        hours.
        """
        survey = self.env.ref("hr_recruitment_followup.survey_offer_decline").sudo()
        template = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_decline_survey"
        ).sudo()
        now = fields.Datetime.now()
        phone_blacklist = self._followup_phone_blacklist()
        applicants = (
            self.sudo()
            .with_context(active_test=False)
            .filtered(
                lambda a: a.email_from and not a._followup_blocked(phone_blacklist)
            )
        )
        send_times = applicants._followup_send_times(
            now, contacted=dict.fromkeys(applicants.ids, emailed_at or False)
        )
        logs = []
        # Replies reach the applicant's thread (its alias or the catchall), as
        # core's chatter path would route them: read once for the batch.
        reply_tos = template._followup_reply_to(applicants.ids)
        for applicant in applicants:
            survey._create_answer(
                partner=applicant.partner_id,
                email=applicant.email_from,
                check_attempts=False,
                applicant_id=applicant.id,
                invite_token=uuid.uuid4().hex,
                deadline=now + timedelta(days=DECLINE_SURVEY_DAYS),
            )
            applicant.invalidate_recordset(["response_ids", "decline_survey_url"])
            send_at = send_times[applicant.id]
            mail_id = template._followup_send_mail(
                applicant.id,
                email_values={
                    "auto_delete": False,
                    "scheduled_date": send_at if send_at > now else False,
                },
                reply_to=reply_tos.get(applicant.id, False),
            )
            logs.append(
                {
                    "applicant_id": applicant.id,
                    "channel": "email",
                    "direction": "outbound",
                    "contact_date": send_at,
                    "automated": True,
                    "user_id": False,
                    "summary": self.env._("Offer decline survey sent."),
                    "mail_id": mail_id,
                }
            )
        self.env["hr.applicant.contact.log"].sudo().create(logs)

    @api.constrains("decline_comment")
    def _check_decline_comment_length(self):
        check_text_length(self, {"decline_comment": TEXT_LIMIT})
