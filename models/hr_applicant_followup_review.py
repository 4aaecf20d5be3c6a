from odoo import fields, models

from .hr_applicant_followup_draft import REVIEW_WINDOW


class HrApplicant(models.Model):
    """Review before send: the drafts the scheduled job prepares for the
    recruiter, and the personal line the shipped templates use."""

    _inherit = "hr.applicant"

    followup_personal_note = fields.Text(
        string="Personal Line",
        help="What struck us in the interview, what to prepare next: the "
        "thank-you and the light-touch emails say it to the candidate.",
    )
    followup_draft_ids = fields.One2many(
        "hr.applicant.followup.draft",
        "applicant_id",
        string="Emails to Review",
        groups="hr_recruitment.group_hr_recruitment_user",
    )
    followup_draft_count = fields.Integer(
        string="To Review",
        compute="_compute_followup_draft_count",
        groups="hr_recruitment.group_hr_recruitment_user",
    )

    def _compute_followup_draft_count(self):
        counts = dict(
            self.env["hr.applicant.followup.draft"]._read_group(
                [("applicant_id", "in", self.ids), ("state", "=", "draft")],
                ["applicant_id"],
                ["__count"],
            )
        )
        for applicant in self:
            applicant.followup_draft_count = counts.get(applicant, 0)

    def action_open_followup_drafts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hr_recruitment_followup.hr_applicant_followup_draft_action"
        )
        action["domain"] = [("applicant_id", "=", self.id)]
        action["context"] = {}
        return action

    def _followup_prepare_drafts(self, rule, decisions):
        """Render the rule's email for these applicants exactly as the job
        would send it (same renderer, each in the candidate's language), for
        the recruiter to review.

        :return: [(contact log values, draft values)]: the log row says
            "prepared for review" and is no contact; the draft gets its log once
            the log is written
        """
        if not self:
            return []
        rendered = rule.mail_template_id._followup_generate_template(self.ids)
        result = []
        for applicant in self:
            decision = decisions[applicant]
            _rule, due, anchor, _occurrence, send_at = decision
            values = rendered.get(applicant.id) or {}
            subject = values.get("subject") or rule.name
            if rule.trigger == "interview_end" and anchor.startswith("interview:"):
                # The thank-you leaves within 24 hours of the interview's end.
                deadline = (
                    fields.Datetime.to_datetime(anchor.split(":", 1)[1]) + REVIEW_WINDOW
                )
            else:
                deadline = due + REVIEW_WINDOW
            log = applicant._followup_log_values(rule, decision, subject)
            log["delivery_state"] = "review"
            result.append(
                (
                    log,
                    {
                        "applicant_id": applicant.id,
                        "rule_id": rule.id,
                        "user_id": (applicant.user_id or applicant.job_id.user_id).id,
                        "subject": subject,
                        "body_html": values.get("body_html") or "",
                        "deadline": max(deadline, send_at),
                    },
                )
            )
        return result
