from odoo import fields, models

from .hr_applicant_onboarding import ENDED_ONBOARDING_STATES


class HrApplicant(models.Model):
    """The talent pool and the re-activation of its candidates."""

    _inherit = "hr.applicant"

    in_talent_pool = fields.Boolean(related="candidate_id.in_talent_pool")

    def _followup_rule_applies(self, rule, now):
        """Whether ``rule`` may reach this applicant at ``now``, beyond its stage,
        tier and worth filters. Other features extend it.

        The talent pool's own rules only reach candidates kept in the pool with
        their consent, until its expiry.
        """
        self.ensure_one()
        pool_stage = self._followup_ref("followup_stage_talent_pool")
        if pool_stage and rule.followup_stage_id == pool_stage:
            return self.candidate_id._talent_pool_accepts_contact(now.date())
        pre_onboarding = self._followup_ref("followup_stage_pre_onboarding")
        # No checkpoint before a first day that will not happen (or did).
        return not (
            self.onboarding_state in ENDED_ONBOARDING_STATES
            and (
                rule.trigger == "before_start"
                or (pre_onboarding and rule.followup_stage_id == pre_onboarding)
            )
        )

    def action_talent_pool_add(self):
        return self.candidate_id.action_talent_pool_add()

    # ------------------------------------------------------------------
    # Re-activation
    # ------------------------------------------------------------------

    def _followup_declined_for_salary(self):
        """Whether the candidate said no because of the salary."""
        self.ensure_one()
        salary_refusal = self.env.ref(
            "hr_recruitment.refuse_reason_8", raise_if_not_found=False
        )
        return "salary" in self.decline_reason_ids.mapped("code") or bool(
            salary_refusal and self.refuse_reason_id == salary_refusal
        )

    def _followup_send_invitation(self, source):
        """Queue the invitation to a re-activated candidate and log the contact.

        By email when the candidate has one and prefers it; otherwise the
        recruiter gets the invitation's text in an activity, to send it by
        phone, WeChat or WeCom.
        """
        self.ensure_one()
        template = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_reactivation",
            raise_if_not_found=False,
        )
        now = fields.Datetime.now()
        mail = self.env["mail.mail"]
        channel = self.preferred_channel or ("email" if self.email_from else "phone")
        by_email = bool(template and self.email_from and channel == "email")
        send_at = now
        if by_email:
            # Within the contact hours, the caps and the holidays, as the
            # rules' emails: held by the mail queue until then.
            send_at = self._followup_send_times(now)[self.id]
            mail = mail.sudo().browse(
                template.send_mail(
                    self.id,
                    email_values={
                        "auto_delete": False,
                        "scheduled_date": send_at if send_at > now else False,
                    },
                )
            )
        # The link to the queued email is the system's (people cannot forge one).
        self.env["hr.applicant.contact.log"].sudo().create(
            {
                "applicant_id": self.id,
                "user_id": self.env.user.id,
                "channel": channel,
                "direction": "outbound",
                "contact_date": send_at,
                "summary": self.env._(
                    "Re-activated from %(origin)s: invited to apply for %(job)s.",
                    origin=source,
                    job=self.job_id.name or "",
                ),
                "mail_id": mail.id,
            }
        )
        if template and not by_email:
            self.activity_schedule(
                "hr_recruitment_followup.mail_activity_type_followup",
                summary=self.env._(
                    "Invite %(name)s to apply", name=self.partner_name or ""
                ),
                note=template._render_field("body_html", self.ids)[self.id],
                user_id=(self.user_id or self.env.user).id,
            )
