import logging
import re
import uuid
from collections import defaultdict
from datetime import timedelta

import psycopg2.errors
import pytz
from markupsafe import Markup

from odoo import api, fields, models, modules
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize, html2plaintext

from .followup_access import check_scheduled_job_caller
from .followup_policy import (
    cap_release,
    hour_to_time,
    local_day_start,
    localize,
    next_allowed,
    resolve_tz,
    to_local,
    to_utc,
)
from .hr_applicant_contact_log import TEXT_LIMIT, check_text_length
from .hr_recruitment_followup_rule import ACTIVITY_CHANNELS
from .hr_recruitment_followup_stage import DECLINED_BY

_logger = logging.getLogger(__name__)

NO_CONTACT_DAYS = 7
# Stored on the candidate, shown on the applicant.
CANDIDATE_FOLLOWUP_FIELDS = (
    "preferred_channel",
    "do_not_contact",
    "do_not_contact_reason",
)
WORTH_FIELDS = ("worth_job_match", "worth_stability", "worth_intent")
# Caps look this far back; a rolling week plus a day of margin for time zones.
CAP_LOOKBACK = timedelta(days=8)
# Applicants per batch: as many as the mail queue sends in a run (mail.mail's
# process_email_queue takes 1000). What a batch costs besides its follow-ups
# (the claim, the rules, the templates compiled, the cache emptied by its
# commit) is shared by 1000; its mails, logs and plans are one statement each
# whatever the size (activities go through the ORM, which inserts 100 rows per
# statement). A crash makes the next run take the batch again, not lose it.
# Measured in bench/RESULTS.md.
DISPATCH_BATCH_SIZE = 1000
# The planner's decision, stored on the applicant.
PLAN_FIELDS = (
    "followup_rule_id",
    "followup_rule_due",
    "followup_rule_anchor",
    "followup_rule_occurrence",
    "followup_needs_plan",
)
# What _compute_contact_dates computes from the contact log, in this order.
CONTACT_DATE_FIELDS = ("last_contact_date", "followup_planned_date", "last_touch_date")
# How long a decline survey invitation stays valid.
DECLINE_SURVEY_DAYS = 30
# The planner's decision, written by the planner only (as superuser).
PLANNER_FIELDS = frozenset(
    (
        "followup_rule_id",
        "followup_rule_due",
        "followup_rule_anchor",
        "followup_rule_occurrence",
        "followup_needs_plan",
        "next_followup_date",
    )
)
# A first day further than this from today is a typing error (the year).
START_DATE_MAX_DAYS = 3653


def phone_key(number):
    """A phone number reduced to its digits (and leading +) for comparisons."""
    return re.sub(r"[^\d+]", "", number or "")


ONBOARDING_STATES = [
    ("pending_start", "Pending start"),
    ("started", "Started"),
    ("abandoned", "Abandoned"),
    ("no_show", "No-show"),
]
# Set by a person: the computation leaves them alone.
ENDED_ONBOARDING_STATES = ("started", "abandoned", "no_show")


class HrApplicant(models.Model):
    _inherit = "hr.applicant"

    followup_stage_id = fields.Many2one(
        "hr.recruitment.followup.stage",
        string="Follow-up Stage",
        compute="_compute_followup_stage_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        ondelete="restrict",
        group_expand="_read_group_followup_stage_ids",
        help="Computed from the pipeline stage and the application status, "
        "following the mapping of the follow-up stages; can be set by hand.",
    )
    followup_stage_date = fields.Datetime(
        string="In Follow-up Stage Since",
        compute="_compute_followup_stage_date",
        store=True,
        readonly=True,
    )
    followup_stage_days = fields.Integer(
        string="Days in Follow-up Stage",
        compute="_compute_followup_stage_days",
        help="For follow-up templates: a long wait calls for an explanation.",
    )
    followup_next_round = fields.Boolean(
        string="Invited to the Next Round",
        compute="_compute_followup_stage_days",
        help="For follow-up templates: the candidate was invited to the next round.",
    )
    contact_log_ids = fields.One2many(
        "hr.applicant.contact.log", "applicant_id", string="Contacts"
    )
    contact_log_count = fields.Integer(compute="_compute_contact_log_count")
    last_contact_date = fields.Datetime(
        string="Last Contact",
        compute="_compute_contact_dates",
        store=True,
    )
    followup_planned_date = fields.Datetime(
        string="Planned Contact",
        compute="_compute_contact_dates",
        store=True,
        help="The next contact the recruiter planned when logging the last contact.",
    )
    last_touch_date = fields.Datetime(
        string="Last Touch",
        compute="_compute_contact_dates",
        store=True,
        help="The last time we contacted the candidate (an outbound contact, "
        "manual or automated). The talent pool report reads it.",
    )
    # What the planner decided: the next automated follow-up and its rule.
    followup_rule_id = fields.Many2one(
        "hr.recruitment.followup.rule",
        string="Next Follow-up Rule",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    followup_rule_due = fields.Datetime(string="Rule Due", readonly=True, copy=False)
    followup_rule_anchor = fields.Char(string="Rule Anchor", readonly=True, copy=False)
    followup_rule_occurrence = fields.Integer(
        string="Rule Repetition", readonly=True, copy=False
    )
    followup_needs_plan = fields.Boolean(
        string="Needs Planning", readonly=True, copy=False, index="btree_not_null"
    )
    # The follow-up cron selects on this field (see init() for its partial index).
    next_followup_date = fields.Datetime(
        string="Next Follow-up",
        compute="_compute_next_followup_date",
        store=True,
        index=True,
        help="The next automated follow-up, or else the contact the recruiter planned.",
    )
    start_date = fields.Date(
        string="First Day",
        tracking=True,
        help="The day the candidate starts: follow-up checkpoints count back from it.",
    )
    preferred_channel = fields.Selection(
        related="candidate_id.preferred_channel", readonly=False
    )
    do_not_contact = fields.Boolean(
        related="candidate_id.do_not_contact", readonly=False
    )
    do_not_contact_reason = fields.Char(
        related="candidate_id.do_not_contact_reason", readonly=False
    )
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
    decline_survey_url = fields.Char(
        string="Decline Survey Link",
        compute="_compute_decline_survey_url",
        help="The candidate's own link to the offer decline survey.",
    )
    worth_job_match = fields.Integer(
        string="Job Match",
        help="0-5: skills and experience against the position (0: not assessed).",
    )
    worth_stability = fields.Integer(
        string="Stability",
        help="0-5: a clear career plan, tenure in past positions (0: not assessed).",
    )
    worth_intent = fields.Integer(
        string="Intent",
        help="0-5: how strongly the candidate wants the job: knowledge of the company, "
        "engagement in interviews (0: not assessed).",
    )
    worth_level = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        string="Worth Following",
        compute="_compute_worth_level",
        store=True,
        help="High keeps the full cadence; low slows or stops the light-touch "
        "follow-ups, as each rule says.",
    )
    followup_due_today = fields.Boolean(
        string="Follow-up Due Today",
        compute="_compute_followup_due",
        search="_search_followup_due_today",
    )
    followup_overdue = fields.Boolean(
        string="Follow-up Overdue",
        compute="_compute_followup_due",
        search="_search_followup_overdue",
    )
    followup_no_recent_contact = fields.Boolean(
        string="No Contact for 7 Days",
        compute="_compute_followup_no_recent_contact",
        search="_search_followup_no_recent_contact",
    )
    followup_interview_date = fields.Datetime(
        string="Last Interview",
        compute="_compute_followup_interview",
        help="Start of the latest interview, for follow-up templates.",
    )
    followup_interviewer_names = fields.Char(
        string="Interviewers' Names",
        compute="_compute_followup_interview",
        help="Who interviewed the candidate, for follow-up templates.",
    )
    # The funnel report joins the stages up to this one (see
    # report/hr_recruitment_followup_funnel_report.py): kept on write, so that the
    # report reads one column instead of the whole stage history.
    furthest_stage_id = fields.Many2one(
        "hr.recruitment.stage",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The furthest pipeline stage the application ever reached, in the order "
        "of the stages. The funnel report counts the application in every stage up "
        "to this one.",
    )

    def init(self):
        res = super().init()
        self._followup_backfill_furthest_stage()
        # The follow-up cron: WHERE followup_rule_id IS NOT NULL
        #   AND next_followup_date <= now ORDER BY next_followup_date.
        # Only applicants with an automated follow-up planned are in it, so the
        # index (and the selection) grows with the due applicants, not the others.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hr_applicant_followup_due_idx
            ON hr_applicant (next_followup_date)
            WHERE followup_rule_id IS NOT NULL
            """
        )
        return res

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_worth_values(vals)
        applicants = super().create(vals_list)
        applicants._followup_update_furthest_stage()
        return applicants

    def write(self, vals):
        self._check_worth_values(vals)
        if not self.env.su and PLANNER_FIELDS & vals.keys():
            raise AccessError(
                self.env._(
                    "The next automated follow-up is decided by the follow-up "
                    "rules: it cannot be set by hand."
                )
            )
        # Related fields are written back one by one: the flag would be checked
        # before its reason arrives. Write them to the candidate in one go.
        candidate_vals = {
            name: vals.pop(name) for name in CANDIDATE_FOLLOWUP_FIELDS if name in vals
        }
        if candidate_vals:
            self.candidate_id.write(candidate_vals)
        res = super().write(vals)
        if "stage_id" in vals or "job_id" in vals:
            self._followup_update_furthest_stage()
        return res

    def _check_worth_values(self, vals):
        for name in WORTH_FIELDS:
            value = vals.get(name)
            if value and not 0 <= value <= 5:
                raise ValidationError(
                    self.env._(
                        "%(score)s is scored from 0 to 5, not %(value)s.",
                        score=self._fields[name]._description_string(self.env),
                        value=value,
                    )
                )

    def _followup_status(self):
        """The application status, read from its sources.

        Core's ``application_status`` is not recomputed when ``active`` changes
        within a transaction; the follow-up must not act on a stale status.
        """
        self.ensure_one()
        if self.refuse_reason_id:
            return "refused"
        if not self.active:
            return "archived"
        if self.date_closed:
            return "hired"
        return "ongoing"

    @api.depends("stage_id", "refuse_reason_id", "date_closed", "active", "declined_by")
    def _compute_followup_stage_id(self):
        matches = self.env["hr.recruitment.followup.stage"]._find_for_applicants(self)
        for applicant in self:
            applicant.followup_stage_id = matches[applicant]

    @api.depends("followup_stage_id")
    def _compute_followup_stage_date(self):
        now = fields.Datetime.now()
        for applicant in self:
            applicant.followup_stage_date = (
                now if applicant.followup_stage_id else False
            )

    @api.depends("followup_stage_date", "followup_stage_id")
    def _compute_followup_stage_days(self):
        now = fields.Datetime.now()
        pre_offer = self.env.ref(
            "hr_recruitment_followup.followup_stage_pre_offer", raise_if_not_found=False
        )
        for applicant in self:
            since = applicant.followup_stage_date
            applicant.followup_stage_days = (now - since).days if since else 0
            applicant.followup_next_round = bool(pre_offer) and (
                applicant.followup_stage_id == pre_offer
            )

    @api.model
    def _read_group_followup_stage_ids(self, stages, domain):
        return stages.search([])

    def _compute_contact_log_count(self):
        counts = dict(
            self.env["hr.applicant.contact.log"]._read_group(
                [("applicant_id", "in", self.ids)], ["applicant_id"], ["__count"]
            )
        )
        for applicant in self:
            applicant.contact_log_count = counts.get(applicant, 0)

    @api.depends(
        "contact_log_ids.contact_date",
        "contact_log_ids.next_contact_date",
        "contact_log_ids.direction",
        "user_id.tz",
    )
    def _compute_contact_dates(self):
        latest_by_id = self._followup_latest_logs()
        for applicant in self:
            if applicant.id in latest_by_id:
                contact_date, next_contact_date, touch_date = latest_by_id[applicant.id]
            else:
                logs = applicant.contact_log_ids
                latest = logs.sorted(
                    lambda log: (log.contact_date, log.id or 0), reverse=True
                )[:1]
                contact_date, next_contact_date = (
                    latest.contact_date,
                    latest.next_contact_date,
                )
                touch_date = max(
                    (
                        log.contact_date
                        for log in logs
                        if log.direction == "outbound" and log.contact_date
                    ),
                    default=False,
                )
            applicant.last_contact_date = contact_date
            applicant.last_touch_date = touch_date
            applicant.followup_planned_date = (
                applicant._followup_planned_at(next_contact_date)
                if next_contact_date
                else False
            )

    def _followup_latest_logs(self):
        """{applicant id: (contact date, next contact) of its latest contact, and
        the date of its latest outbound contact} in one query, for the stored
        applicants whose contacts are all stored too (the others are computed
        from the cache). An applicant may have hundreds of contacts: loading them
        all to keep the latest one is what this avoids."""
        ids = [applicant_id for applicant_id in self.ids if applicant_id]
        if not ids:
            return {}
        Log = self.env["hr.applicant.contact.log"]
        Log.flush_model(
            ["applicant_id", "contact_date", "next_contact_date", "direction"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (applicant_id)
                    applicant_id, contact_date, next_contact_date,
                    MAX(contact_date) FILTER (WHERE direction = 'outbound')
                        OVER (PARTITION BY applicant_id)
                FROM hr_applicant_contact_log
                WHERE applicant_id IN %s
                ORDER BY applicant_id, contact_date DESC, id DESC
                """,
                tuple(ids),
            )
        )
        latest = {
            row[0]: tuple(value or False for value in row[1:])
            for row in self.env.cr.fetchall()
        }
        for applicant_id in ids:
            latest.setdefault(applicant_id, (False, False, False))
        return latest

    @api.depends("followup_rule_id", "followup_rule_due", "followup_planned_date")
    def _compute_next_followup_date(self):
        for applicant in self:
            applicant.next_followup_date = (
                applicant.followup_rule_due
                if applicant.followup_rule_id
                else applicant.followup_planned_date
            )

    @api.depends("refuse_reason_id.refused_by")
    def _compute_declined_by(self):
        for applicant in self:
            applicant.declined_by = applicant.refuse_reason_id.refused_by or False

    @api.depends(*WORTH_FIELDS)
    def _compute_worth_level(self):
        for applicant in self:
            scores = [applicant[name] for name in WORTH_FIELDS if applicant[name]]
            if not scores:
                applicant.worth_level = False
                continue
            average = sum(scores) / len(scores)
            applicant.worth_level = (
                "high" if average >= 3.5 else "medium" if average >= 2.5 else "low"
            )

    @api.depends("meeting_ids.start", "meeting_ids.partner_ids")
    def _compute_followup_interview(self):
        for applicant in self:
            meeting = applicant.meeting_ids.sorted("start", reverse=True)[:1]
            applicant.followup_interview_date = meeting.start
            interviewers = meeting.user_id | applicant.interviewer_ids
            applicant.followup_interviewer_names = ", ".join(
                interviewers.mapped("name")
            )

    def _followup_recruiter_tz(self):
        """Time zone in which the recruiter plans this applicant's follow-ups."""
        self.ensure_one()
        return resolve_tz(
            self.user_id.tz,
            self.env.user.tz,
            self.company_id.followup_tz,
            self.company_id.partner_id.tz,
        )

    def _followup_candidate_tz(self):
        """The candidate's own time zone, else the company's, else the recruiter's."""
        self.ensure_one()
        own = self.candidate_id.partner_id.tz
        if own and own in pytz.all_timezones_set:
            return pytz.timezone(own)  # the usual case: no need to look further
        return resolve_tz(
            own,
            (self.job_id.company_id or self.company_id).followup_tz,
            self.user_id.tz,
            self.company_id.partner_id.tz,
        )

    def _followup_company(self):
        self.ensure_one()
        return self.company_id or self.job_id.company_id or self.env.company

    def _followup_planned_at(self, day):
        """A planned day falls due when the company's contact hours start."""
        self.ensure_one()
        start = hour_to_time(self._followup_company().followup_hour_from)
        return to_utc(localize(day, start, self._followup_recruiter_tz()))

    @api.model
    def _followup_today_bounds(self):
        """UTC bounds of today in the current user's time zone."""
        tz = resolve_tz(self.env.context.get("tz"), self.env.user.tz)
        now = fields.Datetime.now()
        return local_day_start(now, tz), local_day_start(now, tz, days=1)

    @api.depends("next_followup_date", "followup_planned_date")
    @api.depends_context("tz", "uid")
    def _compute_followup_due(self):
        start, end = self._followup_today_bounds()
        for applicant in self:
            dates = [
                d
                for d in (applicant.next_followup_date, applicant.followup_planned_date)
                if d
            ]
            applicant.followup_due_today = any(start <= d < end for d in dates)
            applicant.followup_overdue = any(d < start for d in dates)

    @api.depends("last_contact_date", "followup_stage_id")
    def _compute_followup_no_recent_contact(self):
        limit = fields.Datetime.now() - timedelta(days=NO_CONTACT_DAYS)
        for applicant in self:
            applicant.followup_no_recent_contact = (
                bool(applicant.followup_stage_id)
                and (
                    applicant.last_contact_date
                    or applicant.create_date
                    or fields.Datetime.now()
                )
                < limit
            )

    def _boolean_search(self, operator, value, domain):
        """Domain for ``field operator value`` on a boolean defined by ``domain``.

        The negation goes through ``id not in`` so that NULL dates count as
        "not matching" instead of vanishing from both sides.
        """
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        if (operator == "=") == value:
            return domain
        return [("id", "not in", self.with_context(active_test=False)._search(domain))]

    def _search_followup_due_today(self, operator, value):
        start, end = self._followup_today_bounds()
        domain = [
            "|",
            "&",
            ("next_followup_date", ">=", start),
            ("next_followup_date", "<", end),
            "&",
            ("followup_planned_date", ">=", start),
            ("followup_planned_date", "<", end),
        ]
        return self._boolean_search(operator, value, domain)

    def _search_followup_overdue(self, operator, value):
        start, _end = self._followup_today_bounds()
        domain = [
            "|",
            ("next_followup_date", "<", start),
            ("followup_planned_date", "<", start),
        ]
        return self._boolean_search(operator, value, domain)

    def _search_followup_no_recent_contact(self, operator, value):
        limit = fields.Datetime.now() - timedelta(days=NO_CONTACT_DAYS)
        domain = [
            ("followup_stage_id", "!=", False),
            "|",
            ("last_contact_date", "<", limit),
            "&",
            ("last_contact_date", "=", False),
            ("create_date", "<", limit),
        ]
        return self._boolean_search(operator, value, domain)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_log_contact(self):
        """Open the quick form to log a contact with this applicant."""
        self.ensure_one()
        # A button call does not check the record: related fields would answer
        # for an applicant the user may not see.
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Contact"),
            "res_model": "hr.applicant.contact.log",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "hr_recruitment_followup.hr_applicant_contact_log_view_form_quick"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
            "context": {
                "default_applicant_id": self.id,
                "default_channel": self.preferred_channel or "phone",
            },
        }

    def action_open_contact_logs(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hr_recruitment_followup.hr_applicant_contact_log_action"
        )
        action.update(
            {
                "domain": [("applicant_id", "=", self.id)],
                "context": {"default_applicant_id": self.id},
                "name": self.env._("Contacts with %(name)s", name=self.partner_name),
            }
        )
        return action

    def _followup_contact_warning(self):
        """A warning for a person about to write to candidates who opted out."""
        phone_blacklist = self._followup_phone_blacklist()
        applicants = self.filtered(
            lambda a: a.candidate_id and a._followup_blocked_reason(phone_blacklist)
        )
        if not applicants:
            return False
        return self.env._(
            "Think twice: %(names)s asked not to be contacted or blocked our "
            "messages (%(reasons)s).",
            names=", ".join(a.partner_name or a.display_name for a in applicants),
            reasons="; ".join(
                dict.fromkeys(
                    a._followup_blocked_reason(phone_blacklist) for a in applicants
                )
            ),
        )

    # ------------------------------------------------------------------
    # Replies
    # ------------------------------------------------------------------

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        message_type = msg_vals.get("message_type", message.message_type)
        author = message.author_id
        if message_type == "email" and not author.user_ids.filtered(
            lambda user: not user.share
        ):
            # The candidate wrote to us: log it, which restarts the cadence.
            self.env["hr.applicant.contact.log"].sudo().create(
                {
                    "applicant_id": self.id,
                    "channel": "email",
                    "direction": "inbound",
                    "contact_date": message.date or fields.Datetime.now(),
                    "summary": html2plaintext(message.body or "")[:2000]
                    or message.subject,
                    "user_id": False,
                }
            )
        return res

    # ------------------------------------------------------------------
    # Plan: when is the next automated follow-up due, and by which rule
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # Dispatch: the scheduled job
    # ------------------------------------------------------------------

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
        decisions = self._followup_decide(
            now, history=history, phone_blacklist=phone_blacklist
        )
        due = {
            applicant: decision
            for applicant, decision in decisions.items()
            if decision[1] <= now
        }
        if due:
            log_vals = []
            wake = set()
            by_rule = defaultdict(list)
            for applicant, (rule, *_rest) in due.items():
                by_rule[rule].append(applicant)
            for rule, applicants in by_rule.items():
                applicants = self.browse([a.id for a in applicants])
                if rule.channel == "email":
                    reachable = applicants.filtered(
                        lambda a: email_normalize(a.email_from)
                    )
                    log_vals += reachable._followup_send_emails(
                        rule, due, now, wake=wake
                    )
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
            self.env["hr.applicant.contact.log"].sudo()._followup_create_automated(
                log_vals
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
            )
        else:
            self._plan_next_followup(history=history, phone_blacklist=phone_blacklist)

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
            if (
                vals["direction"] == "outbound"
                and vals["channel"] not in ACTIVITY_CHANNELS
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

        Mails that would reach the candidate outside contact hours wait in the
        queue until ``scheduled_date``. All of them are rendered and created at
        once (see ``mail.template._followup_send_batch``).

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
        activity_type = rule.activity_type_id or self.env.ref(
            "hr_recruitment_followup.mail_activity_type_followup"
        )
        summary = rule.name
        if no_email:
            summary = self.env._(
                "%(rule)s: no valid email address, contact the candidate another way",
                rule=rule.name,
            )
        activity_vals, values = [], []
        model_id = self.env["ir.model"]._get_id("hr.applicant")
        for applicant in self:
            # The activity lands on the day the candidate may be contacted.
            deadline = to_local(
                decisions[applicant][4], applicant._followup_candidate_tz()
            ).date()
            note = bodies.get(applicant.id) or Markup("<p>%s</p>") % rule.name
            activity_vals.append(
                {
                    "res_model_id": model_id,
                    "res_id": applicant.id,
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "note": note,
                    "date_deadline": deadline,
                    "user_id": (
                        applicant.user_id or applicant.job_id.user_id or self.env.user
                    ).id,
                    "automated": True,
                }
            )
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
        self.env["mail.activity"].sudo().create(activity_vals)
        return values

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

    # ------------------------------------------------------------------
    # Offer declined
    # ------------------------------------------------------------------

    def _compute_decline_survey_url(self):
        for applicant in self:
            base_url = applicant.get_base_url()
            answer = applicant.sudo().response_ids.filtered(
                lambda a: a.survey_id.followup_decline_survey and a.state != "done"
            )[-1:]
            applicant.decline_survey_url = (
                base_url + answer.get_start_url() if answer else False
            )

    def _followup_offer_sent(self):
        """Whether the applicant reached the offer (the stages before the first day)."""
        self.ensure_one()
        pre_onboarding = self.env.ref(
            "hr_recruitment_followup.followup_stage_pre_onboarding"
        )
        return self.stage_id in pre_onboarding.sudo().recruitment_stage_ids

    def action_decline_offer(self):
        """Record that the candidate declined: reasons, comment, survey."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Offer Declined"),
            "res_model": "hr.applicant.decline",
            "view_mode": "form",
            "target": "new",
            "context": {"default_applicant_ids": self.ids},
        }

    def _followup_mark_declined(
        self, reasons=None, comment=None, may_contact=True, send_survey=True
    ):
        """Record the candidate's decline on applications already refused.

        Tags "Hire abandoned" where an offer was sent, marks the candidate Do Not
        Contact when they said so, and invites them to the decline survey
        (respecting opt-outs and contact hours).
        """
        now = fields.Datetime.now()
        abandoned = self.env.ref("hr_recruitment_followup.tag_hire_abandoned")
        for applicant in self:
            vals = {"decline_date": now}
            if reasons:
                vals["decline_reason_ids"] = [(6, 0, reasons.ids)]
            if comment:
                vals["decline_comment"] = comment
            if applicant._followup_offer_sent():
                vals["categ_ids"] = [(4, abandoned.id)]
            if may_contact is False:
                vals.update(
                    {
                        "do_not_contact": True,
                        "do_not_contact_reason": self.env._(
                            "Declined the offer and asked not to be contacted again."
                        ),
                    }
                )
            applicant.write(vals)
        if send_survey:
            self._followup_send_decline_survey()

    def _followup_send_decline_survey(self):
        """Queue the decline survey invitation, each with its own answer token."""
        survey = self.env.ref("hr_recruitment_followup.survey_offer_decline").sudo()
        template = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_decline_survey"
        ).sudo()
        now = fields.Datetime.now()
        phone_blacklist = self._followup_phone_blacklist()
        logs = []
        for applicant in self.sudo().with_context(active_test=False):
            if not applicant.email_from or applicant._followup_blocked(phone_blacklist):
                continue
            survey._create_answer(
                partner=applicant.partner_id,
                email=applicant.email_from,
                check_attempts=False,
                applicant_id=applicant.id,
                invite_token=uuid.uuid4().hex,
                deadline=now + timedelta(days=DECLINE_SURVEY_DAYS),
            )
            applicant.invalidate_recordset(["response_ids", "decline_survey_url"])
            company = applicant._followup_company()
            send_at = next_allowed(
                now,
                applicant._followup_candidate_tz(),
                company.followup_hour_from,
                company.followup_hour_to,
            )
            mail_id = template.send_mail(
                applicant.id,
                email_values={
                    "auto_delete": False,
                    "scheduled_date": send_at if send_at > now else False,
                },
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

    # ------------------------------------------------------------------
    # Input checks
    # ------------------------------------------------------------------

    @api.constrains("decline_comment")
    def _check_decline_comment_length(self):
        check_text_length(self, {"decline_comment": TEXT_LIMIT})

    @api.constrains("start_date")
    def _check_start_date(self):
        today = fields.Date.context_today(self)
        for applicant in self:
            day = applicant.start_date
            if day and abs((day - today).days) > START_DATE_MAX_DAYS:
                raise ValidationError(
                    self.env._(
                        "The first day of %(name)s (%(date)s) is more than 10 years "
                        "away from today: check the year.",
                        name=applicant.partner_name,
                        date=day,
                    )
                )

    # ------------------------------------------------------------------
    # Talent pool
    # ------------------------------------------------------------------

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
        if by_email:
            _due, send_at = self._followup_constrain(now, now, [])
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
                "contact_date": now,
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

    # ------------------------------------------------------------------
    # Offer to first day
    # ------------------------------------------------------------------

    onboarding_state = fields.Selection(
        ONBOARDING_STATES,
        string="Onboarding",
        compute="_compute_onboarding_state",
        store=True,
        readonly=False,
        tracking=True,
        index="btree_not_null",
        help="Pending start: the offer is accepted and the first day is set. Started, "
        "abandoned (the candidate gave up before the first day) and no-show are "
        "recorded by the recruiter.",
    )
    buddy_id = fields.Many2one(
        "hr.employee",
        tracking=True,
        check_company=True,
        help="The colleague who welcomes the new hire: the Pre-boarding plan gives "
        "them their activities, and the pre-boarding guide introduces them.",
    )

    @api.depends("start_date", "date_closed", "followup_stage_id")
    def _compute_onboarding_state(self):
        pre_onboarding = self.env.ref(
            "hr_recruitment_followup.followup_stage_pre_onboarding",
            raise_if_not_found=False,
        )
        for applicant in self:
            if applicant.onboarding_state in ENDED_ONBOARDING_STATES:
                applicant.onboarding_state = applicant.onboarding_state
            elif applicant.start_date and (
                applicant.date_closed
                or (pre_onboarding and applicant.followup_stage_id == pre_onboarding)
            ):
                applicant.onboarding_state = "pending_start"
            else:
                applicant.onboarding_state = False

    def _onboarding_check_started(self, message):
        today = fields.Date.context_today(self)
        for applicant in self:
            if not applicant.start_date or applicant.start_date > today:
                raise UserError(
                    message
                    % {
                        "name": applicant.partner_name,
                        "date": applicant.start_date or "-",
                    }
                )

    def action_onboarding_started(self):
        """The new hire arrived on their first day."""
        self._onboarding_check_started(
            self.env._(
                "%(name)s starts on %(date)s: confirm the arrival on or after the "
                "first day."
            )
        )
        self.onboarding_state = "started"
        return True

    def action_onboarding_abandon(self):
        """The candidate gave up the job before the first day."""
        self._onboarding_end("abandoned")
        for applicant in self:
            applicant.message_post(
                body=self.env._(
                    "Hire abandoned: %(name)s will not join on %(date)s.",
                    name=applicant.partner_name,
                    date=applicant.start_date or "-",
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_onboarding_no_show(self):
        """The candidate did not come on the first day."""
        self._onboarding_check_started(
            self.env._(
                "%(name)s starts on %(date)s: a no-show can only be recorded on or "
                "after the first day."
            )
        )
        self._onboarding_end("no_show")
        self.env["hr.applicant.contact.log"].create(
            [
                {
                    "applicant_id": applicant.id,
                    "channel": applicant.preferred_channel or "phone",
                    "direction": "outbound",
                    "outcome": "no_response",
                    "summary": self.env._(
                        "No-show on the first day (%(date)s).",
                        date=applicant.start_date,
                    ),
                }
                for applicant in self
            ]
        )
        return True

    def _onboarding_end(self, state):
        """Record that the first day will not happen: tag "Hire abandoned" and
        move to the talent pool follow-up stage, where only candidates who agreed
        to stay in the pool are contacted."""
        tag = self.env.ref(
            "hr_recruitment_followup.tag_hire_abandoned", raise_if_not_found=False
        )
        pool_stage = self.env.ref(
            "hr_recruitment_followup.followup_stage_talent_pool",
            raise_if_not_found=False,
        )
        vals = {"onboarding_state": state}
        if pool_stage:
            vals["followup_stage_id"] = pool_stage.id
        if tag:
            # In 18 the applicant's tags are copied from the candidate's.
            self.candidate_id.write({"categ_ids": [fields.Command.link(tag.id)]})
            vals["categ_ids"] = [fields.Command.link(tag.id)]
        self.write(vals)

    def action_onboarding_plan(self):
        """Launch the Pre-boarding plan: the buddy's and the team's activities,
        counted back from the first day."""
        self.ensure_one()
        plan = self.env.ref(
            "hr_recruitment_followup.mail_activity_plan_preboarding",
            raise_if_not_found=False,
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Pre-boarding"),
            "res_model": "mail.activity.schedule",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "hr.applicant",
                "active_id": self.id,
                "active_ids": self.ids,
                "default_res_model": "hr.applicant",
                "default_res_ids": str(self.ids),
                "default_plan_id": plan.id if plan else False,
            },
        }

    # ------------------------------------------------------------------
    # Transparency: the position's challenges, acknowledged before the offer
    # ------------------------------------------------------------------

    followup_challenges = fields.Text(related="job_id.followup_challenges")
    challenges_acknowledged_date = fields.Datetime(
        string="Challenges Acknowledged On",
        readonly=True,
        copy=False,
        tracking=True,
        help="When the candidate confirmed they are comfortable with the "
        "challenges of the position.",
    )
    challenges_to_acknowledge = fields.Boolean(
        compute="_compute_challenges_to_acknowledge",
        help="The position lists challenges the candidate has not acknowledged yet.",
    )

    @api.depends("job_id.followup_challenges", "challenges_acknowledged_date")
    def _compute_challenges_to_acknowledge(self):
        for applicant in self:
            applicant.challenges_to_acknowledge = bool(
                (applicant.job_id.followup_challenges or "").strip()
                and not applicant.challenges_acknowledged_date
            )

    def _followup_challenge_list(self):
        self.ensure_one()
        return [
            line.strip()
            for line in (self.job_id.followup_challenges or "").splitlines()
            if line.strip()
        ]

    def action_challenges_acknowledged(self):
        """The candidate confirmed the position's challenges: log their answer."""
        now = fields.Datetime.now()
        for applicant in self:
            challenges = applicant._followup_challenge_list()
            if not challenges:
                raise UserError(
                    self.env._(
                        "The position %(job)s lists no challenges to acknowledge.",
                        job=applicant.job_id.name or "-",
                    )
                )
        self.write({"challenges_acknowledged_date": now})
        self.env["hr.applicant.contact.log"].create(
            [
                {
                    "applicant_id": applicant.id,
                    "channel": applicant.preferred_channel or "phone",
                    "direction": "inbound",
                    "contact_date": now,
                    "outcome": "positive",
                    "summary": self.env._(
                        "Acknowledged the challenges of the position: %(challenges)s",
                        challenges="; ".join(applicant._followup_challenge_list()),
                    ),
                }
                for applicant in self
            ]
        )
        return True

    # ------------------------------------------------------------------
    # Reports: the furthest stage reached
    # ------------------------------------------------------------------

    def _followup_update_furthest_stage(self):
        """Move the furthest stage forward when the current stage is further.

        One UPDATE for the recordset; stages are ordered by (sequence, id), the
        pipeline order of hr.recruitment.stage.
        """
        if not self.ids:
            return
        self.flush_recordset(["stage_id", "furthest_stage_id"])
        self.env["hr.recruitment.stage"].flush_model(["sequence"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE hr_applicant a
                   SET furthest_stage_id = a.stage_id
                  FROM hr_recruitment_stage cur
                 WHERE a.id IN %s
                   AND cur.id = a.stage_id
                   AND a.furthest_stage_id IS DISTINCT FROM a.stage_id
                   AND (
                        a.furthest_stage_id IS NULL
                        OR (cur.sequence, cur.id) > (
                            SELECT f.sequence, f.id
                              FROM hr_recruitment_stage f
                             WHERE f.id = a.furthest_stage_id
                        )
                   )
                """,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["furthest_stage_id"])

    @api.model
    def _followup_backfill_furthest_stage(self):
        """Set the furthest stage of the applications that have none from Odoo's
        own stage history: the stage tracking values, the last stage and the
        current stage.

        Runs at install and update; applications already set are left alone.
        """
        self.env.cr.execute(
            """
            SELECT 1 FROM hr_applicant
             WHERE furthest_stage_id IS NULL AND stage_id IS NOT NULL
             LIMIT 1
            """
        )
        if not self.env.cr.rowcount:
            return
        self.env.cr.execute(
            """
            WITH visited AS (
                SELECT a.id AS applicant_id, a.stage_id AS stage_id
                  FROM hr_applicant a
                 WHERE a.furthest_stage_id IS NULL AND a.stage_id IS NOT NULL
                UNION ALL
                SELECT a.id, a.last_stage_id
                  FROM hr_applicant a
                 WHERE a.furthest_stage_id IS NULL AND a.stage_id IS NOT NULL
                   AND a.last_stage_id IS NOT NULL
                UNION ALL
                SELECT m.res_id, UNNEST(ARRAY[t.old_value_integer, t.new_value_integer])
                  FROM mail_tracking_value t
                  JOIN mail_message m ON m.id = t.mail_message_id
                  JOIN hr_applicant a ON a.id = m.res_id
                 WHERE t.field_id = (
                        SELECT id FROM ir_model_fields
                         WHERE model = 'hr.applicant' AND name = 'stage_id'
                       )
                   AND m.model = 'hr.applicant'
                   AND a.furthest_stage_id IS NULL AND a.stage_id IS NOT NULL
            ),
            furthest AS (
                SELECT DISTINCT ON (v.applicant_id) v.applicant_id, s.id AS stage_id
                  FROM visited v
                  JOIN hr_recruitment_stage s ON s.id = v.stage_id
                 ORDER BY v.applicant_id, s.sequence DESC, s.id DESC
            )
            UPDATE hr_applicant a
               SET furthest_stage_id = furthest.stage_id
              FROM furthest
             WHERE a.id = furthest.applicant_id
            """
        )

    # ------------------------------------------------------------------
    # Records of the addon's data, per applicant without a query
    # ------------------------------------------------------------------

    @api.model
    def _followup_ref(self, name):
        """The addon's record ``name`` (an xml id of this module), or an empty
        record. Unlike ``env.ref``, no query checks that it exists: the planner
        asks it for every applicant and rule, and the xml id is cached."""
        # Kept for the cursor's life (a cron run, a request): the planner asks
        # it tens of thousands of times in a run.
        refs = self.env.cr.cache.setdefault("hr_recruitment_followup_refs", {})
        if name not in refs:
            refs[name] = self.env["ir.model.data"]._xmlid_to_res_model_res_id(
                f"hr_recruitment_followup.{name}", raise_if_not_found=False
            )
        res_model, res_id = refs[name]
        if not res_model:
            return self.env["hr.recruitment.followup.stage"]
        return self.env[res_model].browse(res_id)
