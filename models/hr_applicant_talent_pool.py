from odoo import api, fields, models

from .hr_applicant_onboarding import ENDED_ONBOARDING_STATES


class HrApplicant(models.Model):
    """The talent pool and the re-activation of its candidates."""

    _inherit = "hr.applicant"

    in_talent_pool = fields.Boolean(related="candidate_id.in_talent_pool")

    @api.model_create_multi
    def create(self, vals_list):
        applicants = super().create(vals_list)
        # A pool candidate applies again: the new application carries the
        # pool's follow-ups from now on, the previous one no longer plans them.
        pooled = applicants.candidate_id.filtered("in_talent_pool")
        if pooled:
            others = pooled.with_context(active_test=False).applicant_ids - applicants
            others._plan_next_followup()
        return applicants

    def _followup_rule_applies(self, rule, now):
        """Whether ``rule`` may reach this applicant at ``now``, beyond its stage,
        tier and worth filters. Other features extend it.

        The talent pool's rules only reach candidates kept in the pool with
        their consent, until its expiry (the candidate's pool membership is the
        one truth, whatever the stage of their applications), through one
        application each (``_followup_carries_pool``); for them, it replaces
        the note after a declined offer. The rules of the not-hired stage only
        reach them too: refused candidates who did not agree to stay are not
        contacted again.
        """
        self.ensure_one()
        if rule.trigger in ("talent_pool", "offer_declined"):
            in_pool = self.candidate_id._talent_pool_accepts_contact(now.date())
            if rule.trigger == "talent_pool":
                return in_pool and self._followup_carries_pool()
            # One cadence at a time: once the pool question is settled after
            # the decline (joined, or consent withdrawn since), the pool's
            # light touch, or nothing, takes over from the single note.
            settled = self.candidate_id.talent_pool_consent_date
            stage_date = self.followup_stage_date
            if in_pool or (settled and stage_date and settled >= stage_date.date()):
                return False
        not_hired = self._followup_ref("followup_stage_talent_pool")
        if not_hired and rule.followup_stage_id == not_hired:
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

    def _followup_carries_pool(self):
        """Whether this application carries its candidate's pool follow-ups:
        the candidate's latest application (archived ones included), so that
        the pool reaches a candidate once, not once per application.

        The applications of the whole batch's candidates are read at once
        (prefetch).
        """
        self.ensure_one()
        applications = self.candidate_id.with_context(active_test=False).applicant_ids
        latest = max(applications, key=lambda a: (a.create_date, a.id), default=None)
        return latest == self

    def _followup_pool_anchor(self):
        """(base, anchor) of the pool's follow-ups on this application, or None.

        The first touch is counted from the latest of: joining the pool, this
        application's entering its follow-up stage, our last contact with the
        candidate (on any of their applications, read with them by
        ``_followup_carries_pool``: a new application carries on the cadence of
        the previous one); the repetitions from the previous touch. One anchor
        per stay in the pool.
        """
        self.ensure_one()
        candidate = self.candidate_id
        if not candidate.talent_pool_date:
            return None
        applications = candidate.with_context(active_test=False).applicant_ids
        dates = [
            fields.Datetime.to_datetime(candidate.talent_pool_date),
            self.followup_stage_date,
            *applications.mapped("last_touch_date"),
        ]
        base = max(date for date in dates if date)
        return base, f"pool:{fields.Date.to_string(candidate.talent_pool_date)}"

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
                template._followup_send_mail(
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
