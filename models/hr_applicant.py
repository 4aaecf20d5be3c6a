from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, html2plaintext

from ..tools.followup_policy import (
    hour_to_time,
    local_day_start,
    localize,
    resolve_tz,
    to_utc,
)

NO_CONTACT_DAYS = 7
# Stored on the candidate, shown on the applicant.
CANDIDATE_FOLLOWUP_FIELDS = (
    "preferred_channel",
    "do_not_contact",
    "do_not_contact_reason",
)
WORTH_FIELDS = ("worth_job_match", "worth_stability", "worth_intent")
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
# What the planner decides from: a change of one of these on an application
# marks it for the scheduled job to re-plan (``followup_needs_plan``), in the
# same UPDATE as the change itself. The job re-plans in batches.
REPLAN_FIELDS = frozenset(
    (
        "stage_id",
        "active",
        "refuse_reason_id",
        "date_closed",
        "job_id",
        "followup_stage_id",
        "start_date",
        *WORTH_FIELDS,
    )
)
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
# The switches of the re-plan on change (Recruitment > Configuration >
# Settings): an ir.config_parameter each, on unless set to "False". Read from
# the registry's cache (no query once read).
REPLAN_PARAMS = {
    "application": "hr_recruitment_followup.replan_on_application_change",
    "interview": "hr_recruitment_followup.replan_on_interview_change",
}


def followup_replan_enabled(env, what):
    """Whether a change of an application (``what`` = "application") or of an
    interview ("interview") marks the applicant for the scheduled job to
    re-plan."""
    value = env["ir.config_parameter"].sudo().get_param(REPLAN_PARAMS[what], "True")
    return value not in ("False", "0", "")


class HrApplicant(models.Model):
    """The applicant's follow-up: stage, contact dates, worth, filters, actions."""

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
    preferred_channel = fields.Selection(
        related="candidate_id.preferred_channel", readonly=False
    )
    do_not_contact = fields.Boolean(
        related="candidate_id.do_not_contact", readonly=False
    )
    do_not_contact_reason = fields.Char(
        related="candidate_id.do_not_contact_reason", readonly=False
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
        replan = followup_replan_enabled(self.env, "application")
        for vals in vals_list:
            self._check_worth_values(vals)
            if replan:
                # Planned by the scheduled job's next batch, not here.
                vals.setdefault("followup_needs_plan", True)
            if vals.get("stage_id"):
                vals.setdefault("furthest_stage_id", vals["stage_id"])
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
        if REPLAN_FIELDS & vals.keys() and followup_replan_enabled(
            self.env, "application"
        ):
            # Mark, don't compute: the flag goes in the same UPDATE as the
            # change, and the scheduled job re-plans in its batches.
            vals = {**vals, "followup_needs_plan": True}
        res = super().write(vals)
        if "stage_id" in vals or "job_id" in vals:
            self._followup_update_furthest_stage()
        return res

    def web_save(self, vals, specification, next_id=None):
        """Save from the form: the applicant the user looks at shows its new
        plan right away. Elsewhere (imports, the kanban, code) a change only
        marks the applicant, and the scheduled job plans it within minutes."""
        if "followup_rule_id" not in specification or next_id or len(self) > 1:
            return super().web_save(vals, specification, next_id=next_id)
        # web_save() of web, with the plan between the save and the read.
        if self:
            self.write(vals)
            records = self
        else:
            records = self.create(vals)
        records.filtered("followup_needs_plan")._plan_next_followup()
        return records.with_context(bin_size=True).web_read(specification)

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
        if message_type != "email":
            # A note or a comment of ours: nothing to log, nothing read.
            return res
        author = message.author_id
        if not author.user_ids.filtered(lambda user: not user.share):
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
