from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, format_date

from ..tools import followup_bulk
from ..tools.core_internals import fast_paths_enabled
from ..tools.followup_format import human_datetime

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
    (
        "automated",
        "rule_id",
        "followup_anchor",
        "followup_occurrence",
        "mail_id",
        "delivery_state",
    )
)
DELIVERY_STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("bounced", "Bounced"),
    ("failed", "Failed"),
    ("review", "Prepared for review"),
    ("withheld", "Not sent"),
]
# An email that never reached the candidate, or was not sent (yet): a draft
# waiting for the recruiter's review, or one skipped or dropped.
UNSENT_STATES = ("bounced", "failed", "review", "withheld")
# A logged contact counts as one (last contact, cadence, SLA) unless it is an
# email that has not left yet, or never reached the candidate. As SQL, on the
# log's table.
COUNTED_SQL = "(delivery_state IS NULL OR delivery_state = 'sent')"
# What the state of a mail.mail means for its contact.
MAIL_DELIVERY_STATES = {
    "outgoing": "queued",
    "sent": "sent",
    "received": "sent",
    "exception": "failed",
    "cancel": "failed",
}
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
    # Groups of applicants read from the index on (applicant, company), newest
    # application first (see the mixin, models/followup_read_group.py).
    _followup_group_by_id = ("applicant_id",)

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

    # Follows the email's mail.mail (see mail_mail.py) and the bounces Odoo's
    # gateway receives for it (mail_thread.py).
    delivery_state = fields.Selection(
        DELIVERY_STATES,
        readonly=True,
        help="For an email: queued until it leaves (then dated when it left), "
        "sent, bounced (the candidate's mail server returned it) or failed (it "
        "could not be sent); prepared for the recruiter's review, or not sent "
        "(skipped or dropped after review). Only sent emails count as contacts.",
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
        self._followup_backfill_delivery_state()
        return res

    def _followup_backfill_delivery_state(self):
        """The delivery state of the emails logged before it existed: their
        mail's state, in one statement, at install or upgrade (a no-op once
        done). A log whose mail is gone (deleted once sent) keeps no state and
        counts as a contact, as it did."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE hr_applicant_contact_log log
                   SET delivery_state = CASE mail.state
                       WHEN 'outgoing' THEN 'queued'
                       WHEN 'exception' THEN 'failed'
                       WHEN 'cancel' THEN 'failed'
                       ELSE 'sent' END
                  FROM mail_mail mail
                 WHERE mail.id = log.mail_id AND log.delivery_state IS NULL
                """
            )
        )

    def _followup_counted(self):
        """Whether this contact counts as one: see ``COUNTED_SQL``."""
        self.ensure_one()
        return self.delivery_state in (False, "sent")

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
            # An email the system queued for later (a re-activation invitation
            # held until the candidate's contact hours) is dated when it
            # leaves; people cannot link a log to a mail.
            if (
                not log.automated
                and log.contact_date > now + FUTURE_TOLERANCE
                and not (
                    log.mail_id.scheduled_date
                    and log.contact_date <= log.mail_id.scheduled_date
                )
            ):
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
                        next=format_date(self.env, log.next_contact_date),
                        date=format_date(self.env, contact_day),
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
        vals_list = [self._followup_with_delivery_state(vals) for vals in vals_list]
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
        With the fast paths turned off, create(). (Core code it mirrors:
        tools/core_internals.py, "orm_insert", "contact_log_insert".)
        """
        if not vals_list:
            return self.browse()
        if (
            not self.env.su
            or not fast_paths_enabled(self.env)
            or not followup_bulk.create_is_stock(
                self, (HrApplicantContactLog.__module__,)
            )
        ):
            return self.create(vals_list)
        applicants = self.env["hr.applicant"].browse(
            [vals["applicant_id"] for vals in vals_list]
        )
        complete = []
        for vals, applicant in zip(vals_list, applicants, strict=True):
            # Every row with the same columns (one INSERT).
            vals = {"delivery_state": False, **self._followup_with_delivery_state(vals)}
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

    @api.model
    def _followup_with_delivery_state(self, vals):
        """An email logged with its queued mail starts queued."""
        if vals.get("mail_id") and "delivery_state" not in vals:
            return {**vals, "delivery_state": "queued"}
        return vals

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
        if {"contact_date", "direction", "applicant_id", "delivery_state"} & set(vals):
            self.applicant_id._plan_next_followup()
        return res

    def unlink(self):
        applicants = self.applicant_id
        res = super().unlink()
        applicants._plan_next_followup()
        return res

    def _followup_follow_mail(self):
        """Follow the state of the emails these contacts logged: a sent email
        is dated when it left; a failed one did not happen, and the recruiter
        gets the message to pass on another way."""
        now = fields.Datetime.now()
        failed = self.browse()
        for log in self:
            state = MAIL_DELIVERY_STATES.get(log.mail_id.state)
            if state in (None, log.delivery_state) or log.delivery_state == "bounced":
                continue
            if state == "sent":
                log.write({"delivery_state": "sent", "contact_date": now})
            else:
                log.write({"delivery_state": state})
                if state == "failed":
                    failed |= log
        failed._followup_undelivered("failed")

    @api.model
    def _followup_bounced(self, message, email):
        """Odoo's gateway received the bounce of ``message`` (a mail.message of
        an applicant) for ``email``: its contact did not happen."""
        logs = self.search(
            [
                ("mail_id.mail_message_id", "=", message.id),
                ("delivery_state", "!=", "bounced"),
            ]
        )
        logs.write({"delivery_state": "bounced"})
        logs._followup_undelivered("bounced", email=email)
        return logs

    def _followup_undelivered(self, state, email=None):
        """The recruiter gets an activity with the message prepared for the
        candidate's next channel, as for a candidate without a valid address
        (see ``hr.applicant._followup_prepare_activities``)."""
        for log in self:
            applicant = log.applicant_id
            rule = log.rule_id
            subject = log.mail_id.subject or log.summary or ""
            if state == "bounced":
                summary = self.env._(
                    "%(subject)s: the email to %(email)s bounced, contact the "
                    "candidate another way",
                    subject=subject,
                    email=email or applicant.email_from or "",
                )
            else:
                summary = self.env._(
                    "%(subject)s: the email could not be sent, contact the "
                    "candidate another way",
                    subject=subject,
                )
            note = (
                rule.mail_template_id
                and rule.mail_template_id._followup_render_field(
                    "body_html", applicant.ids
                ).get(applicant.id)
            ) or log.mail_id.body_html
            applicant._followup_schedule_prepared(
                rule.activity_type_id, summary, {applicant.id: note}
            )

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
            # People's contacts hold the plan: an email of the job, queued for
            # the morning (dated then) or sent since, neither makes nor drops it.
            latest = self.search(
                [("applicant_id", "=", applicant.id), ("automated", "=", False)],
                limit=1,
            )
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
                date=human_datetime(
                    self.env,
                    self.contact_date,
                    self.applicant_id._followup_recruiter_tz().zone,
                ),
                channel=channels.get(self.channel),
            ),
            self.summary or "",
        )

    # Odoo's privacy lookup finds the records pointing at a person's contact:
    # the conversations logged with a candidate are personal data too.
    partner_id = fields.Many2one(
        related="candidate_id.partner_id", store=True, string="Contact"
    )
