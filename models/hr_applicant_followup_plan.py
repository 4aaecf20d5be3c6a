import re
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.followup_policy import (
    cap_release,
    hour_to_time,
    localize,
    next_allowed,
    to_utc,
)
from .hr_applicant import PLAN_FIELDS
from .hr_recruitment_followup_rule import ACTIVITY_CHANNELS

# Caps look this far back; a rolling week plus a day of margin for time zones.
CAP_LOOKBACK = timedelta(days=8)
# What _compute_contact_dates computes from the contact log, in this order.
CONTACT_DATE_FIELDS = ("last_contact_date", "followup_planned_date", "last_touch_date")


def phone_key(number):
    """A phone number reduced to its digits (and leading +) for comparisons."""
    return re.sub(r"[^\d+]", "", number or "")


class HrApplicant(models.Model):
    """The planner: when the next automated follow-up is due, and by which rule."""

    _inherit = "hr.applicant"

    def _followup_fresh_phone_blacklist(self):
        """``_followup_phone_blacklist()``, the candidates' opt-outs read again:
        they are not stored on the candidate, a cached answer may be old."""
        self.candidate_id.invalidate_recordset(
            ["is_blacklisted", "phone_sanitized_blacklisted"]
        )
        return self._followup_phone_blacklist()

    def _followup_phone_blacklist(self):
        """Blacklisted numbers among these candidates' phones.

        hr.candidate keeps its sanitized phone in ``partner_phone_sanitized``, which
        phone_validation's own blacklist check does not look at.
        """
        numbers = {n for n in self.candidate_id.mapped("partner_phone_sanitized") if n}
        if not numbers:
            return set()
        # Without the phonenumbers library Odoo keeps numbers as typed: match the
        # digits too, so "+86 138 0013 8000" finds a blacklisted "+8613800138000".
        found = (
            self.env["phone.blacklist"]
            .sudo()
            .search([("number", "in", list(numbers | {phone_key(n) for n in numbers}))])
            .mapped("number")
        )
        return {phone_key(n) for n in found}

    def _followup_blocked_reason(self, phone_blacklist=None):
        """Why the candidate must not receive follow-ups, or False."""
        self.ensure_one()
        candidate = self.candidate_id
        if phone_blacklist is None:
            phone_blacklist = self._followup_phone_blacklist()
        if candidate.do_not_contact:
            return self.env._(
                "do not contact: %(reason)s", reason=candidate.do_not_contact_reason
            )
        if candidate.is_blacklisted:
            return self.env._("email blacklisted")
        if (
            candidate.phone_sanitized_blacklisted
            or phone_key(candidate.partner_phone_sanitized) in phone_blacklist
        ):
            return self.env._("phone blacklisted")
        return False

    def _followup_blocked(self, phone_blacklist=None):
        """Whether no automated follow-up may reach this candidate at all."""
        self.ensure_one()
        return (
            not self.candidate_id
            or self._followup_status() == "archived"
            or bool(self._followup_blocked_reason(phone_blacklist))
        )

    def _followup_history(self, rules, hesitant=True):
        """Everything the planner reads from the log, in three queries.

        :param hesitant: whether to read the last answers (the planner does not
            need them, the scheduled job's escalation does)
        :return: (rule_counts, contacts, hesitant) where rule_counts maps
            (applicant id, rule id, anchor) to (sent count, last sent date);
            contacts maps a candidate id to the sorted dates of its recent outbound
            contacts; hesitant is the set of applicant ids whose last answer
            was neutral or negative.
        """
        Log = self.env["hr.applicant.contact.log"].sudo()
        rule_counts = {}
        if rules:
            for applicant, rule, anchor, count, last in Log._read_group(
                [
                    ("applicant_id", "in", self.ids),
                    ("rule_id", "in", rules.ids),
                    ("automated", "=", True),
                ],
                ["applicant_id", "rule_id", "followup_anchor"],
                ["__count", "contact_date:max"],
            ):
                rule_counts[applicant.id, rule.id, anchor] = (count, last)
        contacts = defaultdict(list)
        since = fields.Datetime.now() - CAP_LOOKBACK
        # A message prepared for a call or WeChat is not a contact yet: the
        # recruiter logs the real one.
        for candidate, dates in Log._read_group(
            [
                ("candidate_id", "in", self.candidate_id.ids),
                ("direction", "=", "outbound"),
                ("contact_date", ">=", since),
                "|",
                ("automated", "=", False),
                ("channel", "not in", ACTIVITY_CHANNELS),
            ],
            ["candidate_id"],
            ["contact_date:array_agg"],
        ):
            contacts[candidate.id] = sorted(dates)
        return rule_counts, contacts, self._followup_hesitant() if hesitant else set()

    def _followup_hesitant(self):
        """Applicants whose last answer logged by a person was neutral or negative."""
        if not self:
            return set()
        self.env["hr.applicant.contact.log"].flush_model(
            ["applicant_id", "automated", "outcome", "contact_date"]
        )
        # The latest answer of each applicant only, not all of them: one short
        # scan of the (applicant_id, contact_date DESC) index each.
        self.env.cr.execute(
            SQL(
                """
                SELECT applicant.id, answer.outcome
                FROM unnest(%s) AS applicant(id)
                CROSS JOIN LATERAL (
                    SELECT log.outcome FROM hr_applicant_contact_log log
                    WHERE log.applicant_id = applicant.id
                      AND log.automated IS NOT TRUE
                      AND log.outcome IS NOT NULL
                    ORDER BY log.contact_date DESC, log.id DESC
                    LIMIT 1
                ) AS answer
                """,
                list(self.ids),
            )
        )
        return {
            applicant_id
            for applicant_id, outcome in self.env.cr.fetchall()
            if outcome in ("neutral", "negative")
        }

    def _followup_occurrence(self, rule, now, rule_counts):
        """The next occurrence of ``rule`` for this applicant.

        :return: (due, anchor, occurrence) or None when the rule has nothing left
            to send here.
        """
        self.ensure_one()
        slow = (
            2 if (self.worth_level == "low" and rule.low_worth_policy == "slow") else 1
        )
        stage_anchor = self.followup_stage_date
        if rule.trigger == "interview_end":
            ends = [meeting.stop for meeting in self.meeting_ids if meeting.stop]
            if not ends:
                return None
            base = max(ends)
            anchor = f"interview:{fields.Datetime.to_string(base)}"
        elif rule.trigger == "before_start":
            if not self.start_date or self._followup_status() not in (
                "ongoing",
                "hired",
            ):
                return None
            anchor = f"start:{fields.Date.to_string(self.start_date)}"
            base = None
        else:
            if not stage_anchor:
                return None
            if (
                rule.trigger == "offer_declined"
                and self.followup_stage_id
                != self._followup_ref("followup_stage_offer_declined")
            ):
                return None
            stamp = fields.Datetime.to_string(stage_anchor)
            anchor = f"stage:{self.followup_stage_id.id}:{stamp}"
            base = stage_anchor
        sent, last_sent = rule_counts.get((self.id, rule.id, anchor), (0, None))
        if sent > rule.max_repeats:
            return None
        if rule.trigger == "before_start":
            day = self.start_date - timedelta(days=rule.delay)
            start = hour_to_time(self._followup_company().followup_hour_from)
            due = to_utc(localize(day, start, self._followup_candidate_tz()))
            if due.date() > self.start_date or now.date() > self.start_date:
                return None
        elif rule.trigger == "no_contact":
            quiet_since = max(self.last_contact_date or base, base)
            wait = rule.delay if not sent else (rule.repeat_interval or rule.delay)
            due = quiet_since + rule._delta(wait * slow)
        elif not sent:
            due = base + rule._delta(rule.delay * slow)
        else:
            due = last_sent + rule._delta(rule.repeat_interval * slow)
        if rule.expiry_days and due + timedelta(days=rule.expiry_days) < now:
            return None
        return due, anchor, sent

    def _followup_constrain(self, due, now, contacts):
        """Apply the caps and the candidate's contact hours to a raw due time.

        :return: (due, send_at): when the follow-up is due once the caps allow it,
            and when it may reach the candidate (the next allowed minute in their
            time zone, still within the caps). A follow-up due at night is
            dispatched when due and held by the mail queue until ``send_at``.
        """
        self.ensure_one()
        company = self._followup_company()
        tz = self._followup_candidate_tz()
        core = self.job_id.followup_tier == "core"
        caps = {
            "per_day": company.followup_cap_core_per_day if core else 0,
            "per_week": 0 if core else company.followup_cap_standard_per_week,
        }
        due = max(due, now)
        capped = cap_release(due, contacts, tz, **caps)
        send_at = capped
        for _guard in range(10):
            moved = next_allowed(
                cap_release(send_at, contacts, tz, **caps),
                tz,
                company.followup_hour_from,
                company.followup_hour_to,
            )
            if moved == send_at:
                break
            send_at = moved
        # Deferred by a cap: planned when it may go. Deferred only by the night:
        # dispatched when due, held by the mail queue until the morning.
        return (send_at if capped != due else due), send_at

    def _followup_rules(self):
        return (
            self.env["hr.recruitment.followup.rule"]
            .sudo()
            .with_context(active_test=True)
            .search([])
        )

    def _followup_decide(self, now, history=None, phone_blacklist=None):
        """The next automated follow-up of each applicant: a pure decision.

        :param history: what ``_followup_history(rules)`` returns for these
            applicants and the active rules, when the caller already read it
        :param phone_blacklist: what ``_followup_phone_blacklist()`` returns, when
            the caller read it and the candidates' opt-outs in this transaction
            (they are read again otherwise)
        :return: {applicant: (rule, due, anchor, occurrence, send_at)} for
            applicants with a follow-up to plan; the others are absent.
        """
        rules = self._followup_rules()
        if not rules or not self:
            return {}
        if phone_blacklist is None:
            phone_blacklist = self._followup_fresh_phone_blacklist()
        rule_counts, contacts, _hesitant = history or self._followup_history(
            rules, hesitant=False
        )
        # The fallbacks for candidates without a time zone (the company's, the
        # recruiter's), read for the whole batch rather than when the first such
        # candidate comes: a batch costs the same queries whoever is in it.
        (self.company_id | self.job_id.company_id).mapped("followup_tz")
        self.user_id.mapped("tz")
        self.company_id.partner_id.mapped("tz")
        # What each rule filters on, read once instead of once per applicant.
        levels = (False, "low", "medium", "high")
        filters = [
            (
                rule,
                rule.company_id.id,
                rule.followup_stage_id.id,
                rule.job_tier,
                {level: rule._applies_to_worth(level) for level in levels},
            )
            for rule in rules
        ]
        decisions = {}
        for applicant in self:
            if applicant._followup_blocked(phone_blacklist):
                continue
            company_id = applicant.company_id.id
            stage_id = applicant.followup_stage_id.id
            tier = applicant.job_id.followup_tier
            level = applicant.worth_level
            best = None
            for rule, rule_company_id, rule_stage_id, rule_tier, worth in filters:
                if rule_company_id and rule_company_id != company_id:
                    continue
                if rule_stage_id and rule_stage_id != stage_id:
                    continue
                if rule_tier != "any" and rule_tier != tier:
                    continue
                if not worth[level]:
                    continue
                if not applicant._followup_rule_applies(rule, now):
                    continue
                try:
                    occurrence = applicant._followup_occurrence(rule, now, rule_counts)
                except OverflowError:
                    # A date at the far end of the calendar (an interview typed
                    # in year 9999): nothing to plan from it, and no reason to
                    # stop the others.
                    occurrence = None
                if occurrence and (best is None or occurrence[0] < best[1]):
                    best = (rule, *occurrence)
            if best:
                rule, due, anchor, sent = best
                try:
                    due, send_at = applicant._followup_constrain(
                        due, now, contacts.get(applicant.candidate_id.id, [])
                    )
                except OverflowError:
                    continue
                decisions[applicant] = (rule, due, anchor, sent, send_at)
        return decisions

    def _plan_next_followup(
        self, history=None, contact_dates=None, phone_blacklist=None
    ):
        """Decide and store the next automated follow-up of these applicants.

        Called by the automation rules when an application changes, after every
        logged contact, and by the scheduled job after each dispatch.

        :param history: what ``_followup_history`` would read now, when the
            caller knows it (the scheduled job, from what it read and wrote)
        :param contact_dates: {applicant id: (last contact, planned contact, last
            touch)} to store with the plan (see ``_followup_contact_dates``)
        :param phone_blacklist: see ``_followup_decide``
        """
        applicants = self.with_context(active_test=False).sudo().exists()
        if not applicants:
            return
        decisions = applicants._followup_decide(
            fields.Datetime.now(), history=history, phone_blacklist=phone_blacklist
        )
        empty = (False, False, False, 0, False)
        changed = {}
        for applicant in applicants:
            decision = decisions.get(applicant)
            if decision:
                rule, due, anchor, sent, _send_at = decision
                plan = (rule.id, due, anchor, sent, False)
            else:
                plan = empty
            current = (
                applicant.followup_rule_id.id,
                applicant.followup_rule_due,
                applicant.followup_rule_anchor,
                applicant.followup_rule_occurrence,
                applicant.followup_needs_plan,
            )
            if current != plan or applicant.id in (contact_dates or ()):
                changed[applicant.id] = plan
        applicants._followup_store_plan(changed, contact_dates)

    def _followup_store_plan(self, plans, contact_dates=None):
        """Store the planner's decisions: {applicant id: (rule id, due, anchor,
        occurrence, needs plan)}, in one UPDATE whatever their number.

        These are the planner's own fields (no tracking, nothing for an
        automation rule to react on), and every applicant gets different values:
        a write() each would cost a query and an automation-rule check each.
        ``next_followup_date`` follows in the same statement, as its compute says,
        and so do the ``contact_dates`` given for some of them.
        """
        if not plans:
            return
        contact_dates = contact_dates or {}
        applicants = self.browse(list(plans))
        dates = list(CONTACT_DATE_FIELDS)
        fnames = [*PLAN_FIELDS, "next_followup_date", *dates]
        applicants.flush_recordset(fnames)
        rows = SQL(", ").join(
            SQL(
                "(%s, %s::int, %s::timestamp, %s::varchar, %s::int, %s::bool, "
                "%s::bool, %s::timestamp, %s::timestamp, %s::timestamp)",
                applicant_id,
                rule_id or None,
                due or None,
                anchor or None,
                occurrence,
                needs_plan,
                applicant_id in contact_dates,
                *[value or None for value in contact_dates.get(applicant_id, ())]
                or (None, None, None),
            )
            for applicant_id, (rule_id, due, anchor, occurrence, needs_plan) in (
                plans.items()
            )
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE hr_applicant a SET
                    followup_rule_id = v.rule_id,
                    followup_rule_due = v.due,
                    followup_rule_anchor = v.anchor,
                    followup_rule_occurrence = v.occurrence,
                    followup_needs_plan = v.needs_plan,
                    last_contact_date = CASE WHEN v.has_dates
                        THEN v.last ELSE a.last_contact_date END,
                    followup_planned_date = CASE WHEN v.has_dates
                        THEN v.planned ELSE a.followup_planned_date END,
                    last_touch_date = CASE WHEN v.has_dates
                        THEN v.touched ELSE a.last_touch_date END,
                    next_followup_date = CASE
                        WHEN v.rule_id IS NOT NULL THEN v.due
                        WHEN v.has_dates THEN v.planned
                        ELSE a.followup_planned_date END,
                    write_uid = %(uid)s,
                    write_date = %(now)s
                FROM (VALUES %(rows)s)
                    AS v(id, rule_id, due, anchor, occurrence, needs_plan,
                         has_dates, last, planned, touched)
                WHERE a.id = v.id
                """,
                uid=self.env.uid,
                now=self.env.cr.now(),
                rows=rows,
            )
        )
        with_dates = applicants.browse([i for i in plans if i in contact_dates])
        applicants.invalidate_recordset(
            [*PLAN_FIELDS, "next_followup_date", "write_uid", "write_date"]
        )
        with_dates.invalidate_recordset(dates)
        # Whatever depends on these fields is recomputed as after a write(),
        # except what the UPDATE already set.
        applicants.modified([*PLAN_FIELDS, "next_followup_date"])
        with_dates.modified(dates)
        self.env.remove_to_compute(self._fields["next_followup_date"], applicants)
        for name in dates:
            self.env.remove_to_compute(self._fields[name], with_dates)

    def _followup_contact_dates(self):
        """Last contact, planned contact and last outbound contact of these
        applicants after the scheduled job logged contacts, as
        ``_compute_contact_dates`` gives them, read in one query: {applicant id:
        (last contact, planned contact, last touch)}, to
        store with the plan (``_plan_next_followup``). The cache gets them too,
        and the ORM no longer recomputes them.

        The ORM would recompute them through the automation rules' hook, which
        reads the applicants again to find the rules these fields trigger. When
        no rule watches them, that is all it would do; when one does, this
        returns None, and the ORM recomputes them itself, and the rule runs.
        """
        if not self or self._followup_contact_dates_watched():
            return None
        latest = self._followup_latest_logs()
        dates = {}
        for applicant in self:
            last, next_contact, touched = latest[applicant.id]
            dates[applicant.id] = (
                last or False,
                applicant._followup_planned_at(next_contact) if next_contact else False,
                touched or False,
            )
        for name in CONTACT_DATE_FIELDS:
            self.env.remove_to_compute(self._fields[name], self)
        for applicant in self:
            applicant._update_cache(
                dict(zip(CONTACT_DATE_FIELDS, dates[applicant.id], strict=True)),
                validate=False,
            )
        return dates

    @api.model
    def _followup_contact_dates_watched(self):
        """Whether an automation rule may run when the last contact or the
        planned contact of an applicant changes."""
        if "base.automation" not in self.env:
            return False
        watched = set(CONTACT_DATE_FIELDS)
        automations = (
            self.env["base.automation"]
            .sudo()
            .with_context(active_test=True)
            .search(
                [
                    ("model_name", "=", self._name),
                    ("trigger", "in", ["on_write", "on_create_or_write"]),
                ]
            )
        )
        return any(
            not automation.trigger_field_ids
            or watched & set(automation.trigger_field_ids.mapped("name"))
            for automation in automations
        )

    def _followup_mark_needs_plan(self):
        """Flag these applicants for the scheduled job to re-plan: one UPDATE,
        nothing read."""
        if not self.ids:
            return
        self.flush_recordset(["followup_needs_plan"])
        self.env.cr.execute(
            SQL(
                "UPDATE hr_applicant SET followup_needs_plan = TRUE "
                "WHERE id IN %s AND followup_needs_plan IS NOT TRUE",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["followup_needs_plan"])

    @api.model
    def _followup_mark_for_replan(self, domain):
        """Flag the applicants of ``domain`` for the scheduled job to re-plan."""
        self.env.flush_all()
        query = self.with_context(active_test=False)._search(
            [*domain, ("followup_needs_plan", "=", False)]
        )
        self.env.cr.execute(
            SQL(
                "UPDATE hr_applicant SET followup_needs_plan = TRUE WHERE id IN %s",
                query.subselect(),
            )
        )
        self.invalidate_model(["followup_needs_plan"])
