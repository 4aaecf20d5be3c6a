from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.models import regex_order
from odoo.tools import SQL

from ..tools import followup_bulk

CONTACT_CHANNELS = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("wechat", "WeChat"),
    ("wecom", "WeCom"),
    ("sms", "SMS"),
    ("meeting", "Meeting"),
    ("other", "Other"),
]
# A contact may also come from the candidate's own page (inbound only): not a
# channel to reach them on.
LOG_CHANNELS = [*CONTACT_CHANNELS, ("page", "Candidate Page")]
CONTACT_OUTCOMES = [
    ("positive", "Positive"),
    ("neutral", "Neutral"),
    ("negative", "Negative"),
    ("no_response", "No response"),
]
# A logged contact happened: a date later than now is a typing error, with a small
# tolerance for clocks that disagree.
FUTURE_TOLERANCE = timedelta(minutes=5)
# Written by the scheduled job only (see _check_automation_fields).
AUTOMATION_FIELDS = frozenset(
    ("automated", "rule_id", "followup_anchor", "followup_occurrence", "mail_id")
)
# What a person types in one field, in characters: a few pages for a note, a line
# for a one-liner. Longer documents belong in attachments.
TEXT_LIMIT = 10000
LINE_LIMIT = 500


def check_text_length(records, limits):
    """Refuse, with a clear message, a typed text longer than its limit.

    :param limits: {field name: maximum number of characters}
    """
    for record in records:
        for fname, limit in limits.items():
            length = len(record[fname] or "")
            if length > limit:
                raise ValidationError(
                    record.env._(
                        "%(field)s is too long: %(length)s characters, at most "
                        "%(limit)s. Attach long documents to the applicant instead.",
                        field=record._fields[fname]._description_string(record.env),
                        length=length,
                        limit=limit,
                    )
                )


class HrApplicantContactLog(models.Model):
    _name = "hr.applicant.contact.log"
    _inherit = "hr.recruitment.followup.group.count.mixin"
    _description = "Applicant Contact Log"
    _order = "contact_date desc, id desc"
    _check_company_auto = True

    applicant_id = fields.Many2one(
        "hr.applicant",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    # Precomputed: written by the INSERT of a (batch) create, not by an UPDATE
    # after it.
    candidate_id = fields.Many2one(
        related="applicant_id.candidate_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="applicant_id.company_id", store=True, index=True, precompute=True
    )
    job_id = fields.Many2one(related="applicant_id.job_id", store=True, precompute=True)
    channel = fields.Selection(
        LOG_CHANNELS,
        required=True,
        compute="_compute_channel",
        store=True,
        readonly=False,
        precompute=True,
    )
    direction = fields.Selection(
        [("outbound", "Outbound"), ("inbound", "Inbound")],
        required=True,
        default="outbound",
        help="Outbound: we contacted the candidate. Inbound: the candidate "
        "contacted us.",
    )
    contact_date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users",
        string="Contacted by",
        default=lambda self: self.env.user,
        index=True,
        domain="[('share', '=', False)]",
    )
    summary = fields.Text(help="What was said.")
    candidate_response = fields.Text(string="Candidate's Response")
    outcome = fields.Selection(CONTACT_OUTCOMES)
    next_step = fields.Char()
    next_contact_date = fields.Date(
        string="Next Contact",
        help="Schedules a follow-up activity for the recruiter on this date.",
    )
    followup_stage_id = fields.Many2one(
        "hr.recruitment.followup.stage",
        string="Follow-up Stage",
        compute="_compute_followup_stage_id",
        store=True,
        readonly=False,
        precompute=True,
        help="The follow-up stage the applicant was in at the time of the contact.",
    )
    automated = fields.Boolean(
        readonly=True, help="Sent or prepared by a follow-up rule."
    )
    rule_id = fields.Many2one(
        "hr.recruitment.followup.rule",
        string="Follow-up Rule",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )
    # What the rule's message answered: the interview, the stage entry or the
    # first day it counts from, and its repetition number. With the applicant and
    # the rule, the key of a message: the scheduled job never writes it twice.
    followup_anchor = fields.Char(string="Anchor", readonly=True)
    followup_occurrence = fields.Integer(string="Repetition", readonly=True)
    # Indexed: the mail queue looks up the logs of the mails it is about to send
    # (mail_id IN ...) to cancel those of candidates who opted out meanwhile, and
    # deleting a queued mail looks for the contacts pointing to it.
    mail_id = fields.Many2one(
        "mail.mail",
        string="Email",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )

    _sql_constraints = [  # noqa: RUF012
        (
            "followup_key_unique",
            "UNIQUE (applicant_id, rule_id, followup_anchor, followup_occurrence)",
            "This follow-up message was already sent to this applicant.",
        ),
    ]

    def init(self):
        res = super().init()
        # Last contact of an applicant, and contacts of an applicant over a
        # period (tier caps): WHERE applicant_id = ? ORDER BY contact_date DESC.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hr_applicant_contact_log_applicant_date_idx
            ON hr_applicant_contact_log (applicant_id, contact_date DESC)
            """
        )
        # The log grouped by applicant, for a user of one or several companies:
        # WHERE company_id IN (...) GROUP BY applicant_id, read from the index
        # alone (half the time of reading the table at a million contacts).
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hr_applicant_contact_log_applicant_company_idx
            ON hr_applicant_contact_log (applicant_id, company_id)
            """
        )
        # The log in its order (contact_date desc, id desc), a page at a time,
        # and grouped by date: read from the index alone, without sorting or
        # reading the table.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hr_applicant_contact_log_date_idx
            ON hr_applicant_contact_log (contact_date DESC, id DESC)
            INCLUDE (company_id)
            """
        )
        return res

    def _read_group_orderby(self, order, groupby_terms, query):
        """Groups of applicants come newest application first, by the log's
        own column: Odoo would order them as applicants are ordered (priority,
        then newest), a column of another table, which makes PostgreSQL join
        every contact to its applicant, sort and group them before it can take
        the first page of groups. By the log's column, the groups are read from
        the index on (applicant, company), without the join or the sort."""
        term = groupby_terms.get("applicant_id")
        if not order or term is None:
            return super()._read_group_orderby(order, groupby_terms, query)
        terms = []
        for part in order.split(","):
            match = regex_order.match(part)
            if match and match["term"] == "applicant_id":
                asc = (match["direction"] or "").lower() == "asc"
                direction = "ASC" if asc else "DESC"
                terms.append(SQL("%s %s", term, SQL(direction)))
            else:
                terms.append(super()._read_group_orderby(part, groupby_terms, query))
        return SQL(", ").join(term for term in terms if term)

    @api.depends("applicant_id")
    def _compute_channel(self):
        for log in self:
            if not log.channel:
                log.channel = log.applicant_id.preferred_channel or "phone"

    @api.depends("applicant_id")
    def _compute_followup_stage_id(self):
        for log in self:
            if not log.followup_stage_id:
                log.followup_stage_id = log.applicant_id.followup_stage_id

    @api.depends("applicant_id", "channel", "contact_date")
    def _compute_display_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for log in self:
            log.display_name = " - ".join(
                part
                for part in (
                    log.applicant_id.partner_name,
                    channels.get(log.channel),
                    log.contact_date
                    and fields.Date.to_string(
                        fields.Datetime.context_timestamp(log, log.contact_date)
                    ),
                )
                if part
            )

    @api.constrains("contact_date", "next_contact_date")
    def _check_dates(self):
        now = fields.Datetime.now()
        for log in self:
            if not log.automated and log.contact_date > now + FUTURE_TOLERANCE:
                raise ValidationError(
                    self.env._(
                        "The contact with %(name)s is dated in the future. Log a "
                        "contact once it happened, and plan future ones with "
                        "'Next Contact'.",
                        name=log.applicant_id.partner_name,
                    )
                )
            if not log.next_contact_date:
                continue
            contact_day = fields.Datetime.context_timestamp(
                log, log.contact_date
            ).date()
            if log.next_contact_date < contact_day:
                raise ValidationError(
                    self.env._(
                        "The next contact (%(next)s) cannot be before the contact "
                        "itself (%(date)s).",
                        next=log.next_contact_date,
                        date=contact_day,
                    )
                )

    @api.constrains("summary", "candidate_response", "next_step")
    def _check_text_length(self):
        check_text_length(
            self,
            {
                "summary": TEXT_LIMIT,
                "candidate_response": TEXT_LIMIT,
                "next_step": LINE_LIMIT,
            },
        )

    @api.constrains("next_contact_date", "applicant_id")
    def _check_do_not_contact(self):
        for log in self:
            if log.next_contact_date and log.applicant_id.do_not_contact:
                raise ValidationError(
                    self.env._(
                        "%(name)s asked not to be contacted again (%(reason)s): "
                        "no next contact can be planned.",
                        name=log.applicant_id.partner_name,
                        reason=log.applicant_id.do_not_contact_reason,
                    )
                )

    def _check_automation_fields(self, vals_list, written=False):
        """Only the scheduled job (as superuser) records automated follow-ups.

        A person setting these could mark a follow-up as sent that never was:
        the candidate would never receive it.
        """
        if self.env.su:
            return
        for vals in vals_list:
            names = (
                AUTOMATION_FIELDS & vals.keys()
                if written
                else {name for name in AUTOMATION_FIELDS if vals.get(name)}
            )
            if names:
                raise AccessError(
                    self.env._(
                        "Only the scheduled job records automated follow-ups: "
                        "%(fields)s cannot be set by hand.",
                        fields=", ".join(
                            sorted(
                                self._fields[name]._description_string(self.env)
                                for name in names
                            )
                        ),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_automation_fields(vals_list)
        if not self.env.context.get("default_applicant_id") and any(
            not vals.get("applicant_id") for vals in vals_list
        ):
            raise ValidationError(
                self.env._("A contact must be logged on an applicant.")
            )
        logs = super().create(vals_list)
        manual = logs.filtered(lambda log: not log.automated)
        manual._sync_followup_activity()
        # A contact moves the cadence (caps, time without contact); automated
        # logs are re-planned by the scheduled job that wrote them.
        manual.applicant_id._plan_next_followup()
        return logs

    @api.model
    def _followup_create_automated(self, vals_list):
        """``create(vals_list)`` for the scheduled job's logs, in one INSERT (see
        followup_bulk), unless another module or an automation rule extends
        create(). The stored computed fields get what their computes give: the
        applicant's candidate, contact, company, position and follow-up stage.
        """
        if not vals_list:
            return self.browse()
        if not self.env.su or not followup_bulk.create_is_stock(
            self, (HrApplicantContactLog.__module__,)
        ):
            return self.create(vals_list)
        applicants = self.env["hr.applicant"].browse(
            [vals["applicant_id"] for vals in vals_list]
        )
        complete = []
        for vals, applicant in zip(vals_list, applicants, strict=True):
            vals = {
                "candidate_id": applicant.candidate_id.id,
                "partner_id": applicant.candidate_id.partner_id.id,
                "company_id": applicant.company_id.id,
                "job_id": applicant.job_id.id,
                "followup_stage_id": applicant.followup_stage_id.id,
                **vals,
            }
            vals.setdefault("channel", applicant.preferred_channel or "phone")
            complete.append(vals)
        complete = followup_bulk.with_defaults(self, complete)
        if not followup_bulk.insertable(self, complete):
            return self.create(vals_list)
        # The log's company is its applicant's, and the applicant is the only
        # field checked against it: the company check cannot fail.
        return followup_bulk.insert(self, complete, check_company=False)

    def write(self, vals):
        self._check_automation_fields([vals], written=True)
        res = super().write(vals)
        if not self.env.su:
            # Record rules are checked before a write, not after: without this an
            # interviewer could move their entry to an applicant they do not
            # interview, or sign it with someone else's name.
            self.check_access("write")
        if {"next_contact_date", "contact_date", "next_step", "user_id"} & set(vals):
            self.filtered(lambda log: not log.automated)._sync_followup_activity()
        if {"contact_date", "direction", "applicant_id"} & set(vals):
            self.applicant_id._plan_next_followup()
        return res

    def unlink(self):
        applicants = self.applicant_id
        res = super().unlink()
        applicants._plan_next_followup()
        return res

    def _sync_followup_activity(self):
        """Keep one follow-up activity per applicant, driven by its latest log.

        The latest contact of an applicant holds the plan: with a next contact
        date, the applicant's open follow-up activity is moved there (or created);
        without one, the open activity that this contact fulfilled (due on or
        before the contact) is marked done.
        """
        activity_type = self.env.ref(
            "hr_recruitment_followup.mail_activity_type_followup",
            raise_if_not_found=False,
        )
        if not activity_type:
            return
        for applicant in self.applicant_id:
            latest = self.search([("applicant_id", "=", applicant.id)], limit=1)
            if latest not in self:
                continue
            activity = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "hr.applicant"),
                    ("res_id", "=", applicant.id),
                    ("activity_type_id", "=", activity_type.id),
                ],
                limit=1,
            )
            if latest.next_contact_date:
                values = {
                    "date_deadline": latest.next_contact_date,
                    "user_id": (
                        applicant.user_id or latest.user_id or self.env.user
                    ).id,
                    "summary": latest.next_step
                    or self.env._(
                        "Follow up with %(name)s", name=applicant.partner_name
                    ),
                    "note": latest._activity_note(),
                }
                if activity:
                    activity.write(values)
                else:
                    applicant.activity_schedule(
                        "hr_recruitment_followup.mail_activity_type_followup",
                        **values,
                    )
            elif (
                activity
                and latest.direction == "outbound"
                and activity.date_deadline
                <= fields.Datetime.context_timestamp(latest, latest.contact_date).date()
            ):
                activity.action_feedback(feedback=latest.summary or latest.display_name)

    def _activity_note(self):
        self.ensure_one()
        channels = dict(self._fields["channel"]._description_selection(self.env))
        return Markup("<p>%s</p><p>%s</p>") % (
            self.env._(
                "Last contact: %(date)s by %(channel)s.",
                date=fields.Datetime.context_timestamp(
                    self, self.contact_date
                ).strftime("%Y-%m-%d %H:%M"),
                channel=channels.get(self.channel),
            ),
            self.summary or "",
        )

    # Odoo's privacy lookup finds the records pointing at a person's contact:
    # the conversations logged with a candidate are personal data too.
    partner_id = fields.Many2one(
        related="candidate_id.partner_id", store=True, string="Contact"
    )
