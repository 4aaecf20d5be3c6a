import logging
from collections import defaultdict

import psycopg2.errors
from markupsafe import Markup

from odoo import api, fields, models, modules
from odoo.osv import expression
from odoo.tools import SQL, email_normalize, html2plaintext

from ..tools.followup_access import check_scheduled_job_caller
from ..tools.followup_policy import (
    to_local,
)
from .hr_applicant import DISPATCH_BATCH_SIZE
from .hr_recruitment_followup_rule import ACTIVITY_CHANNELS

_logger = logging.getLogger(__name__)


class HrApplicant(models.Model):
    """The scheduled job: send or prepare the follow-ups that are due."""

    _inherit = "hr.applicant"

    @api.model
    def _get_followup_due_domain(self, now):
        """Applicants the scheduled job handles at ``now``: a follow-up is due, or
        a rule change asked for a new plan."""
        return expression.OR(
            [self._get_followup_send_domain(now), self._get_followup_replan_domain()]
        )

    @api.model
    def _get_followup_send_domain(self, now):
        """Applicants with an automated follow-up due by ``now``."""
        return [("followup_rule_id", "!=", False), ("next_followup_date", "<=", now)]

    @api.model
    def _get_followup_replan_domain(self):
        """Applicants a rule change asked the scheduled job to re-plan."""
        return [("followup_needs_plan", "=", True)]

    @api.model
    def _followup_claim(self, now, limit, exclude):
        """Lock and return up to ``limit`` applicants due at ``now``.

        SKIP LOCKED lets a second cron worker take the next applicants instead
        of waiting for (and then repeating) the same ones.

        Follow-ups due by ``now`` come first, by due time: read in that order
        from the partial index on ``next_followup_date``, so that a claim costs
        the same whatever the number of applicants due, or planned later. Once
        none is left, the applicants only waiting for a new plan (they sort after
        them).
        """
        self.env.flush_all()
        Applicant = self.with_context(active_test=False)
        send = expression.normalize_domain(self._get_followup_send_domain(now))
        replan = expression.AND([self._get_followup_replan_domain(), ["!", *send]])
        for domain in (send, replan):
            query = Applicant._search(
                [*domain, ("id", "not in", list(exclude))],
                order="next_followup_date, id",
                limit=limit,
            )
            try:
                with self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(
                        SQL("%s FOR UPDATE SKIP LOCKED", query.select()),
                        log_exceptions=False,
                    )
                    ids = [row[0] for row in self.env.cr.fetchall()]
            except psycopg2.errors.SerializationFailure:
                # Another transaction handled (and committed) a due applicant
                # after this one's snapshot: what it did is done; the next run
                # takes the rest.
                _logger.info(
                    "Follow-ups: applicants handled concurrently, stopping here"
                )
                return []
            if ids:
                return ids
        return []

    @api.model
    def _followup_count_due(self, now, exclude=()):
        return self.with_context(active_test=False).search_count(
            [*self._get_followup_due_domain(now), ("id", "not in", list(exclude))]
        )

    @api.model
    def _cron_process_followups(self, batch_size=DISPATCH_BATCH_SIZE):
        """Send or prepare every follow-up due now, batch by batch.

        Each batch is atomic (a savepoint) and committed on its own outside tests,
        so a crash loses at most the batch it happened in, and that batch is
        taken again by the next run. A unique key per (applicant, rule, anchor,
        occurrence) on the log makes a message impossible to write twice.
        """
        check_scheduled_job_caller(
            self.env, self.env._("Only the scheduled job sends or prepares follow-ups.")
        )
        now = fields.Datetime.now()
        auto_commit = self._followup_auto_commit()
        Applicant = self.with_context(active_test=False, tracking_disable=True).sudo()
        done, stuck = 0, set()
        # Counted once: what a batch handles leaves the set due at ``now`` (it is
        # sent and re-planned), so the rest is what was due minus what was done.
        total = Applicant._followup_count_due(now)
        due_domain = self._get_followup_due_domain(now)
        while True:
            ids = Applicant._followup_claim(now, batch_size, stuck)
            if not ids:
                break
            with self.env.cr.savepoint():
                batch = Applicant.browse(ids)
                batch._followup_dispatch(now)
                # Still due after its batch (nothing could be done now): not to be
                # taken again in this run. Usually none, so the claim's exclusion
                # stays short however many applicants the run handles.
                stuck.update(batch.filtered_domain(due_domain).ids)
            done += len(ids)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=max(total - done, 0)
            )
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        # Drafts nobody reviewed by their deadline: escalated, then sent as they
        # were or dropped (see hr.applicant.followup.draft).
        Draft = self.env["hr.applicant.followup.draft"].sudo()
        while True:
            with self.env.cr.savepoint():
                escalated = Draft._followup_escalate_overdue(now)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if escalated < DISPATCH_BATCH_SIZE:
                break
        return done

    @api.model
    def _followup_auto_commit(self):
        """Whether the scheduled job commits each batch: always, except in tests,
        whose transaction must stay whole."""
        return not modules.module.current_test

    def _followup_dispatch(self, now):
        """Execute the follow-ups of these applicants that are due at ``now``."""
        rules = self._followup_rules()
        history = self._followup_history(rules, hesitant=False) if rules else None
        # Opt-outs read once for the batch: its re-plan comes in the same
        # transaction, after nothing that could change them.
        phone_blacklist = self._followup_fresh_phone_blacklist()
        # The public holidays too: one query for the batch, used by both
        # decisions (what is due now, the next plan).
        holidays = self._followup_holidays(now) if rules else {}
        decisions = self._followup_decide(
            now, history=history, phone_blacklist=phone_blacklist, holidays=holidays
        )
        due = {
            applicant: decision
            for applicant, decision in decisions.items()
            if decision[1] <= now
        }
        if due:
            log_vals, drafts = [], []
            wake = set()
            by_rule = defaultdict(list)
            for applicant, (rule, *_rest) in due.items():
                by_rule[rule].append(applicant)
            for rule, applicants in by_rule.items():
                applicants = self.browse([a.id for a in applicants])
                if rule.channel == "email":
                    # An address that bounced (Odoo counts it on the candidate
                    # until the candidate writes from it again) is not reachable.
                    reachable = applicants.filtered(
                        lambda a: (
                            email_normalize(a.email_from)
                            and not a.candidate_id.message_bounce
                        )
                    )
                    # Drafts for the recruiter's review instead, when the rule
                    # says so for the position (nothing read for the others).
                    reviewed = reachable.filtered(
                        lambda a, rule=rule: rule._followup_reviewed_for(
                            a.job_id.followup_tier
                        )
                    )
                    log_vals += (reachable - reviewed)._followup_send_emails(
                        rule, due, now, wake=wake
                    )
                    prepared = reviewed._followup_prepare_drafts(rule, due)
                    log_vals += [vals for vals, _draft in prepared]
                    drafts += prepared
                    # No valid address: the recruiter gets the message to pass on
                    # another way. A follow-up is never dropped silently.
                    log_vals += (applicants - reachable)._followup_prepare_activities(
                        rule, due, now, no_email=True
                    )
                else:
                    log_vals += applicants._followup_prepare_activities(rule, due, now)
                if rule.escalate_hesitant:
                    hesitant = applicants._followup_hesitant()
                    applicants.browse(
                        [a.id for a in applicants if a.id in hesitant]
                    )._followup_escalate(rule, now)
            logs = (
                self.env["hr.applicant.contact.log"]
                .sudo()
                ._followup_create_automated(log_vals)
            )
            if drafts:
                # The logs come in the order of their values.
                by_vals = {
                    id(vals): log for vals, log in zip(log_vals, logs, strict=True)
                }
                self.env["hr.applicant.followup.draft"].sudo()._followup_create(
                    [
                        {**draft, "log_id": by_vals[id(vals)].id}
                        for vals, draft in drafts
                    ]
                )
            self._followup_wake_mail_queue(wake)
            contact_dates = self.browse(
                [applicant.id for applicant in due]
            )._followup_contact_dates()
            if history:
                history = self._followup_history_after(history, log_vals)
            self._plan_next_followup(
                history=history,
                contact_dates=contact_dates,
                phone_blacklist=phone_blacklist,
                holidays=holidays,
            )
        else:
            self._plan_next_followup(
                history=history, phone_blacklist=phone_blacklist, holidays=holidays
            )

    def _followup_history_after(self, history, log_vals):
        """``history`` (see ``_followup_history``) once the contacts of
        ``log_vals`` are logged: what reading it again would give."""
        rule_counts, contacts, hesitant = history
        rule_counts = dict(rule_counts)
        contacts = defaultdict(list, {key: list(v) for key, v in contacts.items()})
        candidates = {applicant.id: applicant.candidate_id.id for applicant in self}
        for vals in log_vals:
            key = (vals["applicant_id"], vals["rule_id"], vals["followup_anchor"])
            count, last = rule_counts.get(key, (0, None))
            contact_date = vals["contact_date"]
            rule_counts[key] = (
                count + 1,
                max(last, contact_date) if last else contact_date,
            )
            # As _followup_history: a message prepared for a call is not a contact.
            # Nor is an email prepared for the recruiter's review.
            if (
                vals["direction"] == "outbound"
                and vals["channel"] not in ACTIVITY_CHANNELS
                and vals.get("delivery_state") != "review"
            ):
                candidate_id = candidates[vals["applicant_id"]]
                contacts[candidate_id] = sorted([*contacts[candidate_id], contact_date])
        return rule_counts, contacts, hesitant

    def _followup_log_values(self, rule, decision, summary, mail=None, channel=None):
        self.ensure_one()
        _rule, _due, anchor, occurrence, send_at = decision
        return {
            "applicant_id": self.id,
            "channel": channel or rule.channel,
            "direction": "outbound",
            "contact_date": send_at,
            "automated": True,
            "user_id": False,
            "summary": summary,
            "rule_id": rule.id,
            "followup_anchor": anchor,
            "followup_occurrence": occurrence,
            "mail_id": mail.id if mail else False,
        }

    def _followup_send_emails(self, rule, decisions, now, wake=None):
        """Queue the rule's email for these applicants: the mail queue sends it.

        The planner plans a follow-up when it may reach the candidate (contact
        hours, caps, holidays: ``next_followup_date``), and the job takes it
        then: its mail leaves at once. A mail whose time is still ahead (none,
        as the job runs) would wait in the queue until ``scheduled_date``, the
        same time. All of them are rendered and created at once (see
        ``mail.template._followup_send_batch``).

        :param set wake: gets the times the mail queue must run (now, and the
            mornings the held mails wait for); without it, the queue is
            woken here
        """
        email_values = {}
        times = {now} if self else set()
        for applicant in self:
            send_at = decisions[applicant][4]
            send_at = send_at if send_at > now else False
            email_values[applicant.id] = {
                "auto_delete": False,
                "scheduled_date": send_at,
                "headers": applicant._followup_unsubscribe_headers(),
            }
            if send_at:
                times.add(send_at)
        sent = rule.mail_template_id._followup_send_batch(self.ids, email_values)
        if wake is not None:
            wake.update(times)
        else:
            self._followup_wake_mail_queue(times)
        values = []
        for applicant in self:
            mail, subject = sent.get(applicant.id, (None, None))
            values.append(
                applicant._followup_log_values(
                    rule,
                    decisions[applicant],
                    subject if mail else rule.name,
                    mail=mail,
                )
            )
        return values

    @api.model
    def _followup_wake_mail_queue(self, times):
        """Have the mail queue run at each of ``times``: the job's mails leave
        without waiting for the queue's next round, and those held until the
        candidate's morning leave then. One statement whatever the times, so
        that a batch costs the same queries whether its candidates are awake."""
        if times:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger(sorted(times))

    def _followup_prepare_activities(self, rule, decisions, now, no_email=False):
        """Schedule an activity for the recruiter with the prepared message.

        :param no_email: the rule sends emails but these candidates have no valid
            address: the recruiter passes the message on another way.
        """
        if not self:
            return []
        bodies = {}
        if rule.mail_template_id:
            bodies = rule.mail_template_id._followup_render_field("body_html", self.ids)
        summary = rule.name
        if no_email:
            summary = self.env._(
                "%(rule)s: no valid email address, contact the candidate another way",
                rule=rule.name,
            )
        values, notes, deadlines = [], {}, {}
        for applicant in self:
            # The activity lands on the day the candidate may be contacted.
            deadlines[applicant.id] = to_local(
                decisions[applicant][4], applicant._followup_candidate_tz()
            ).date()
            note = bodies.get(applicant.id) or Markup("<p>%s</p>") % rule.name
            notes[applicant.id] = note
            text = html2plaintext(note)
            channel = None
            if no_email:
                # Prepared, not sent: an activity channel, so that caps do not
                # count it as a contact.
                text = f"{summary}\n{text}"
                channel = (
                    applicant.preferred_channel
                    if applicant.preferred_channel in ACTIVITY_CHANNELS
                    else "phone"
                )
            values.append(
                applicant._followup_log_values(
                    rule, decisions[applicant], text[:2000], channel=channel
                )
            )
        self._followup_schedule_prepared(
            rule.activity_type_id, summary, notes, deadlines
        )
        return values

    def _followup_schedule_prepared(
        self, activity_type, summary, notes, deadlines=None
    ):
        """One activity per applicant for its recruiter, with the message
        prepared for the candidate (``notes``: {applicant id: html}), to pass
        on by phone or WeChat; created at once.

        :param deadlines: {applicant id: date}; default: today for the candidate
        """
        activity_type = activity_type or self.env.ref(
            "hr_recruitment_followup.mail_activity_type_followup"
        )
        model_id = self.env["ir.model"]._get_id("hr.applicant")
        now = fields.Datetime.now()
        activity_vals = []
        for applicant in self:
            deadline = (deadlines or {}).get(applicant.id) or to_local(
                now, applicant._followup_candidate_tz()
            ).date()
            activity_vals.append(
                {
                    "res_model_id": model_id,
                    "res_id": applicant.id,
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "note": notes.get(applicant.id) or Markup(""),
                    "date_deadline": deadline,
                    "user_id": (
                        applicant.user_id or applicant.job_id.user_id or self.env.user
                    ).id,
                    "automated": True,
                }
            )
        return self.env["mail.activity"].sudo().create(activity_vals)

    def _followup_escalate(self, rule, now):
        """A hesitant candidate: ask the department manager for a one-to-one talk."""
        for applicant in self:
            manager = (
                applicant.department_id.manager_id.user_id
                or applicant.job_id.department_id.manager_id.user_id
            )
            if not manager:
                continue
            applicant.activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=fields.Date.context_today(applicant, now),
                summary=self.env._("One-to-one talk with a hesitant candidate"),
                note=Markup("<p>%s</p>")
                % self.env._(
                    "%(name)s hesitates before joining as %(job)s: a one-to-one talk "
                    "with the department manager on the role's prospects and the "
                    "team usually helps.",
                    name=applicant.partner_name,
                    job=applicant.job_id.name or "",
                ),
                user_id=manager.id,
            )
