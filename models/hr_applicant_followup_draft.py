from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize, html2plaintext

from .hr_applicant import DISPATCH_BATCH_SIZE
from .hr_applicant_contact_log import TEXT_LIMIT

DRAFT_STATES = [
    ("draft", "To review"),
    ("sent", "Sent"),
    ("sent_late", "Sent late"),
    ("sent_unreviewed", "Sent unreviewed"),
    ("skipped", "Skipped"),
    ("called", "Called instead"),
    ("dropped", "Dropped"),
]
# How long the recruiter has to review a draft: a thank-you leaves within 24
# hours of the interview's end; any other message within a day of being due.
REVIEW_WINDOW = timedelta(hours=24)


class HrApplicantFollowupDraft(models.Model):
    """An email of a rule that the recruiter reviews before it is sent.

    The scheduled job renders it when the rule falls due, exactly as it would
    have sent it, and logs it on the contact log as "prepared for review" (not a
    contact: caps, SLA and last contact ignore it). The recruiter edits it and
    sends it (through the mail queue, at the next minute the candidate may be
    contacted), skips it, or calls instead. A draft nobody reviewed by its
    deadline is escalated to the recruiter's manager and sent as it was, or
    dropped, as the rule says.
    """

    _name = "hr.applicant.followup.draft"
    _description = "Follow-up Email to Review"
    _order = "deadline, id"
    _rec_name = "subject"
    _check_company_auto = True

    applicant_id = fields.Many2one(
        "hr.applicant",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="applicant_id.company_id", store=True, index=True
    )
    rule_id = fields.Many2one(
        "hr.recruitment.followup.rule",
        string="Follow-up Rule",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    user_id = fields.Many2one(
        "res.users", string="Recruiter", readonly=True, index=True
    )
    partner_name = fields.Char(related="applicant_id.partner_name", string="Candidate")
    job_id = fields.Many2one(related="applicant_id.job_id")
    email_to = fields.Char(string="To", related="applicant_id.email_from")
    subject = fields.Char(required=True)
    body_html = fields.Html(string="Email", sanitize_style=True)
    deadline = fields.Datetime(
        readonly=True,
        help="Sent or decided by then, or the recruiter's manager is told and the "
        "rule's choice applies (sent as it was, or dropped).",
    )
    state = fields.Selection(
        DRAFT_STATES, required=True, default="draft", readonly=True, index=True
    )
    reviewer_id = fields.Many2one("res.users", string="Reviewed by", readonly=True)
    review_date = fields.Datetime(string="Reviewed on", readonly=True)
    reason = fields.Text(help="Why the email is skipped.")
    log_id = fields.Many2one(
        "hr.applicant.contact.log", string="Contact", readonly=True, ondelete="set null"
    )
    mail_id = fields.Many2one(related="log_id.mail_id", string="Queued Email")
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    escalated = fields.Boolean(readonly=True)
    # The candidate's context, next to the email.
    followup_interview_date = fields.Datetime(
        related="applicant_id.followup_interview_date"
    )
    followup_interviewer_names = fields.Char(
        related="applicant_id.followup_interviewer_names"
    )
    applicant_notes = fields.Html(related="applicant_id.applicant_notes")
    followup_personal_note = fields.Text(related="applicant_id.followup_personal_note")
    worth_job_match = fields.Integer(related="applicant_id.worth_job_match")
    worth_stability = fields.Integer(related="applicant_id.worth_stability")
    worth_intent = fields.Integer(related="applicant_id.worth_intent")
    worth_level = fields.Selection(related="applicant_id.worth_level")
    followup_challenges = fields.Text(related="applicant_id.job_id.followup_challenges")
    contact_log_ids = fields.One2many(related="applicant_id.contact_log_ids")

    # ------------------------------------------------------------------
    # Created by the scheduled job
    # ------------------------------------------------------------------

    @api.model
    def _followup_create(self, vals_list):
        """Create the job's drafts and their recruiters' activities, each in
        one go."""
        applicants = self.env["hr.applicant"].browse(
            [vals["applicant_id"] for vals in vals_list]
        )
        deadlines, notes = {}, {}
        for vals, applicant in zip(vals_list, applicants, strict=True):
            deadline = fields.Datetime.to_datetime(vals["deadline"])
            deadlines[applicant.id] = fields.Datetime.context_timestamp(
                self.with_context(tz=applicant._followup_recruiter_tz().zone),
                deadline,
            ).date()
            notes[applicant.id] = Markup("<p>%s</p>") % vals["subject"]
        # The recruiter finds them under To Review and in their activities:
        # no email per draft (after a campus day, thirty of them).
        activities = applicants.with_context(
            mail_activity_quick_update=True
        )._followup_schedule_prepared(
            self.env.ref("mail.mail_activity_data_todo"),
            self.env._("Review the follow-up email before it is sent"),
            notes,
            deadlines,
        )
        return self.create(
            [
                {**vals, "activity_id": activity.id}
                for vals, activity in zip(vals_list, activities, strict=True)
            ]
        )

    # ------------------------------------------------------------------
    # The recruiter's buttons
    # ------------------------------------------------------------------

    def _followup_check_handled(self):
        done = self.filtered(lambda draft: draft.state != "draft")
        if done:
            raise UserError(
                self.env._(
                    "These emails were already handled: %(names)s.",
                    names=", ".join(done.mapped("partner_name")),
                )
            )

    def _followup_lock(self):
        """Lock these drafts (or wait for whoever is handling them): two clicks,
        or a click and the job's escalation, never send the same email twice;
        the second finds it handled."""
        self.check_access("write")
        if not self:
            return
        self.flush_recordset(["state"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM hr_applicant_followup_draft WHERE id IN %s FOR UPDATE",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["state"])
        self._followup_check_handled()

    def action_send(self):
        """Queue the (edited) emails: each leaves at the next minute its
        candidate may be contacted, if the candidate may still be."""
        self._followup_lock()
        self.sudo()._followup_send(reviewer=self.env.user)
        return True

    def action_skip(self):
        self._followup_lock()
        missing = self.filtered(lambda draft: not (draft.reason or "").strip())
        if missing:
            raise UserError(
                self.env._(
                    "Say why you skip the email to %(names)s (Reason).",
                    names=", ".join(missing.mapped("partner_name")),
                )
            )
        for draft in self.sudo():
            draft._followup_withhold(
                "skipped",
                self.env._(
                    "Email skipped after review by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=draft.reason,
                ),
                reviewer=self.env.user,
            )
        return True

    def action_call_instead(self):
        """The recruiter passes the message by phone or WeChat: an activity
        with the text, and the log says so (a prepared message, not a contact
        until the recruiter logs the call)."""
        self._followup_lock()
        now = fields.Datetime.now()
        for draft in self.sudo():
            applicant = draft.applicant_id
            channel = "wechat" if applicant.preferred_channel == "wechat" else "phone"
            activity_type = self.env.ref(
                "mail.mail_activity_data_call"
                if channel == "phone"
                else "hr_recruitment_followup.mail_activity_type_followup"
            )
            summary = self.env._(
                "Call instead of the email: %(subject)s", subject=draft.subject
            )
            applicant._followup_schedule_prepared(
                activity_type, summary, {applicant.id: draft.body_html}
            )
            text = html2plaintext(draft.body_html or "")
            draft.log_id.write(
                {
                    "channel": channel,
                    "delivery_state": False,
                    "summary": f"{summary}\n{text}"[:TEXT_LIMIT],
                }
            )
            draft.activity_id.unlink()
            draft.write(
                {
                    "state": "called",
                    "reviewer_id": self.env.user.id,
                    "review_date": now,
                }
            )
        return True

    def _followup_withhold(self, state, summary, reviewer=None):
        """Not sent: the draft says why, and so does its contact log row."""
        self.ensure_one()
        self.log_id.write(
            {
                "delivery_state": "withheld",
                "summary": f"{summary}\n{self.subject}"[:TEXT_LIMIT],
            }
        )
        self.activity_id.unlink()
        self.write(
            {
                "state": state,
                "reviewer_id": reviewer.id if reviewer else False,
                "review_date": fields.Datetime.now(),
            }
        )

    # ------------------------------------------------------------------
    # Sending (as superuser, once the caller's access is checked)
    # ------------------------------------------------------------------

    def _followup_send(self, reviewer=None):
        """Queue these drafts' emails with their (edited) subject and body,
        through the rule's template (the same sender, recipients, Reply-To and
        headers as the job's emails), each at the next allowed minute for its
        candidate: contact hours and caps, counted now. A candidate who may no
        longer be contacted (do not contact, blacklist, archived, no valid
        address) stops the whole request with the reason: nothing is queued.

        A constant number of queries per template, whatever the number of
        drafts.

        :param reviewer: the user who sent them; None for the job sending
            drafts nobody reviewed in time
        """
        if not self:
            return
        now = fields.Datetime.now()
        applicants = self.applicant_id.with_context(active_test=False)
        self._followup_check_reachable(applicants)
        # What the planner reads for the caps and contact hours, for all at once.
        _counts, contacts, _hesitant = applicants._followup_history(
            self.env["hr.recruitment.followup.rule"], hesitant=False
        )
        (applicants.company_id | applicants.job_id.company_id).mapped("followup_tz")
        applicants.user_id.mapped("tz")
        applicants.company_id.partner_id.mapped("tz")
        # Public holidays of the companies, for the rules that wait for them.
        holidays = applicants._followup_holidays(now)
        send_times = {}
        for draft in self:
            applicant = draft.applicant_id
            dates = contacts.get(applicant.candidate_id.id, [])
            days = (
                holidays.get(applicant._followup_company().id, frozenset())
                if draft.rule_id.followup_skip_holidays
                else frozenset()
            )
            send_at = applicant._followup_constrain(now, now, dates, days)
            send_times[draft.id] = send_at
            # The next draft for the same candidate counts this one.
            contacts[applicant.candidate_id.id] = sorted([*dates, send_at])
        mails = {}
        remaining = self
        while remaining:
            # One mail per applicant and template per pass.
            batch, seen = self.browse(), set()
            for draft in remaining:
                key = (draft.rule_id.mail_template_id.id, draft.applicant_id.id)
                if key not in seen:
                    seen.add(key)
                    batch |= draft
            remaining -= batch
            for template in batch.rule_id.mail_template_id:
                group = batch.filtered(
                    lambda d, t=template: d.rule_id.mail_template_id == t
                )
                values = {
                    draft.applicant_id.id: {
                        "auto_delete": False,
                        "scheduled_date": send_times[draft.id]
                        if send_times[draft.id] > now
                        else False,
                        "subject": draft.subject,
                        "body_html": draft.body_html,
                    }
                    for draft in group
                }
                sent = template._followup_send_batch(group.applicant_id.ids, values)
                for draft in group:
                    mails[draft.id] = sent[draft.applicant_id.id][0]
        applicants._followup_wake_mail_queue({now, *send_times.values()})
        self._followup_log_sent(mails, send_times, reviewer)
        by_state = {}
        for draft in self:
            if reviewer is None:
                state = "sent_unreviewed"
            elif draft.deadline and now > draft.deadline:
                state = "sent_late"
            else:
                state = "sent"
            by_state.setdefault(state, self.browse())
            by_state[state] |= draft
        self.activity_id.unlink()
        for state, drafts in by_state.items():
            drafts.write(
                {
                    "state": state,
                    "reviewer_id": reviewer.id if reviewer else False,
                    "review_date": now,
                }
            )
        applicants._plan_next_followup()

    def _followup_check_reachable(self, applicants):
        """Refuse, with the reasons, drafts whose candidate may no longer be
        contacted by email (checked now, not when the draft was made)."""
        phone_blacklist = applicants._followup_fresh_phone_blacklist()
        blocked = []
        for draft in self:
            applicant = draft.applicant_id
            reason = applicant._followup_blocked_reason(phone_blacklist)
            if not reason and applicant._followup_status() == "archived":
                reason = self.env._("archived")
            if not reason and not email_normalize(applicant.email_from):
                reason = self.env._("no valid email address")
            if reason:
                blocked.append(
                    self.env._(
                        "%(name)s (%(reason)s)", name=draft.partner_name, reason=reason
                    )
                )
        if blocked:
            raise UserError(
                self.env._(
                    "These candidates may not receive this email any more; "
                    "nothing was sent: %(names)s.",
                    names=", ".join(blocked),
                )
            )

    def _followup_log_sent(self, mails, send_times, reviewer):
        """The contact log rows of these drafts become the real emails (queued,
        dated when they may leave, with the text sent), in one UPDATE."""
        Log = self.env["hr.applicant.contact.log"]
        logs = self.log_id
        if not logs:
            return
        Log.flush_model()
        prefix = (
            ""
            if reviewer
            else self.env._("Sent without review (its deadline passed):") + "\n"
        )
        rows = SQL(", ").join(
            SQL(
                "(%s, %s, %s::timestamp, %s)",
                draft.log_id.id,
                mails[draft.id].id,
                send_times[draft.id],
                (prefix + html2plaintext(draft.body_html or ""))[:TEXT_LIMIT],
            )
            for draft in self
            if draft.log_id
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE hr_applicant_contact_log log
                   SET mail_id = v.mail_id, delivery_state = 'queued',
                       contact_date = v.contact_date, summary = v.summary,
                       channel = 'email'
                  FROM (VALUES %s) AS v(id, mail_id, contact_date, summary)
                 WHERE log.id = v.id
                """,
                rows,
            )
        )
        names = ["mail_id", "delivery_state", "contact_date", "summary", "channel"]
        logs.invalidate_recordset(names)
        logs.modified(names)

    # ------------------------------------------------------------------
    # Nothing waits forever
    # ------------------------------------------------------------------

    @api.model
    def _followup_escalate_overdue(self, now, limit=DISPATCH_BATCH_SIZE):
        """Drafts past their deadline: the recruiter's manager gets an
        activity, and each is sent as it was or dropped, as its rule says.

        :return: the number of drafts handled
        """
        self.flush_model(["state", "deadline"])
        query = self._search(
            [("state", "=", "draft"), ("deadline", "<=", now)],
            order="deadline, id",
            limit=limit,
        )
        # Locked: a second cron worker takes other drafts, never the same ones
        # (nor those a recruiter is sending right now).
        self.env.cr.execute(SQL("%s FOR UPDATE SKIP LOCKED", query.select()))
        drafts = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not drafts:
            return 0
        drafts._followup_notify_manager()
        drafts.escalated = True
        to_send = drafts.filtered(
            lambda draft: draft.rule_id.review_deadline_action == "send"
        )
        to_drop = drafts - to_send
        if to_send:
            try:
                with self.env.cr.savepoint():
                    to_send._followup_send()
            except UserError:
                # One of them may no longer be contacted: each on its own, so
                # that the others still leave.
                for draft in to_send:
                    try:
                        with self.env.cr.savepoint():
                            draft._followup_send()
                    except UserError:
                        to_drop |= draft
        for draft in to_drop:
            draft._followup_withhold(
                "dropped",
                self.env._("Not reviewed by its deadline: dropped."),
            )
        return len(drafts)

    def _followup_notify_manager(self):
        model_id = self.env["ir.model"]._get_id("hr.applicant")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        vals_list = []
        for draft in self:
            applicant = draft.applicant_id
            recruiter = draft.user_id
            manager = (
                recruiter.employee_id.parent_id.user_id
                or applicant.department_id.manager_id.user_id
                or applicant.job_id.department_id.manager_id.user_id
                or applicant.job_id.user_id
                or recruiter
            )
            action = (
                self.env._("It was sent as it was.")
                if draft.rule_id.review_deadline_action == "send"
                else self.env._("It was dropped.")
            )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": applicant.id,
                    "activity_type_id": activity_type.id,
                    "summary": self.env._("Follow-up email not reviewed in time"),
                    "note": Markup("<p>%s</p><p>%s</p>")
                    % (
                        self.env._(
                            "%(recruiter)s did not review the email to %(name)s "
                            "(%(subject)s) by its deadline.",
                            recruiter=recruiter.name or "",
                            name=draft.partner_name or "",
                            subject=draft.subject,
                        ),
                        action,
                    ),
                    "date_deadline": fields.Date.context_today(draft),
                    "user_id": (manager or self.env.user).id,
                    "automated": True,
                }
            )
        self.env["mail.activity"].sudo().create(vals_list)
