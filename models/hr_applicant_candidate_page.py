import uuid
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from ..tools.followup_policy import hour_to_time
from .hr_applicant_contact_log import TEXT_LIMIT

# The topics a candidate may raise before the first day.
DOUBT_TOPICS = [
    ("salary", "Salary"),
    ("benefits", "Benefits"),
    ("role", "The role"),
    ("start_date", "The start date"),
    ("other", "Something else"),
]
ONBOARDING_INTENTS = [
    ("confirmed", "Confirmed"),
    ("hesitant", "Hesitant"),
]
# The channels a candidate may choose on their page.
PAGE_CHANNELS = ("email", "phone", "wechat", "wecom")
# How long the unsubscribe link of an ended application keeps working.
UNSUBSCRIBE_GRACE = timedelta(days=730)
# A checkpoint due this soon after a doubt does not fire on top of the one-to-one.
DOUBT_QUIET = timedelta(days=2)
# Without a confirmation this close to the first day, the hire is at risk.
RISK_DAYS = 7
# Applicants given a page token per statement at install.
TOKEN_BATCH = 50000


class HrApplicant(models.Model):
    """The candidate's own page: where they stand, the first day, their answers."""

    _name = "hr.applicant"
    _inherit = ["hr.applicant", "portal.mixin"]  # noqa: RUF012

    # Every application has its token from its creation: the emails of a batch
    # link to the page without a write per applicant.
    access_token = fields.Char(default=lambda self: str(uuid.uuid4()))
    onboarding_intent = fields.Selection(
        ONBOARDING_INTENTS,
        string="Intent to Join",
        readonly=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
        help="What the candidate answered on their page before the first day: "
        "confirmed, or hesitant (a doubt raised). Empty: no answer yet.",
    )
    onboarding_intent_date = fields.Datetime(
        string="Intent Answered On", readonly=True, copy=False
    )
    onboarding_doubt_topic = fields.Selection(
        DOUBT_TOPICS, string="Doubt About", readonly=True, copy=False
    )
    onboarding_at_risk = fields.Boolean(
        string="Hire at Risk",
        compute="_compute_onboarding_at_risk",
        search="_search_onboarding_at_risk",
        help="The first day is a week away or less and the candidate has not "
        "confirmed it, or raised a doubt.",
    )
    followup_page_url = fields.Char(
        string="Candidate Page Link",
        compute="_compute_followup_page_url",
        help="The candidate's own page, with their token: the follow-up emails "
        "link to it.",
    )
    start_time = fields.Float(
        string="First Day Time",
        help="When the new hire is expected on the first day (their time zone).",
    )
    start_place = fields.Char(
        string="First Day Place",
        help="Where the new hire goes on the first day. Empty: the position's address.",
    )
    checklist_item_ids = fields.Many2many(
        "hr.recruitment.followup.checklist.item",
        string="Checklist",
        compute="_compute_checklist_item_ids",
        help="What the candidate prepares before the first day: the items of the "
        "company and of the position.",
    )
    checklist_done_ids = fields.Many2many(
        "hr.recruitment.followup.checklist.item",
        "hr_applicant_checklist_done_rel",
        "applicant_id",
        "item_id",
        copy=False,
        help="The items the candidate ticked on their page.",
    )
    checklist_progress = fields.Char(
        compute="_compute_checklist_item_ids",
        help="Items ticked by the candidate out of the items to prepare.",
    )

    def init(self):
        res = super().init()
        # Applicants created before the module have no token: given one in SQL,
        # a batch at a time, without loading them.
        cr = self.env.cr
        while True:
            cr.execute(
                SQL(
                    """
                    UPDATE hr_applicant SET access_token = gen_random_uuid()::text
                    WHERE id IN (SELECT id FROM hr_applicant
                                 WHERE access_token IS NULL LIMIT %s)
                    """,
                    TOKEN_BATCH,
                )
            )
            if cr.rowcount < TOKEN_BATCH:
                break
        return res

    @api.depends("access_token")
    def _compute_followup_page_url(self):
        base_urls = {}
        for applicant in self:
            company = applicant.company_id
            if company not in base_urls:
                base_urls[company] = applicant.get_base_url()
            applicant.followup_page_url = (
                f"{base_urls[company]}/recruitment/followup/{applicant.id}"
                f"?access_token={applicant.access_token}"
                if applicant.id and applicant.access_token
                else False
            )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for applicant in self:
            applicant.access_url = f"/recruitment/followup/{applicant.id}"
        return res

    def _followup_page_url(self, suffix="", anchor=None):
        """The candidate's own link (absolute), with their token."""
        self.ensure_one()
        token = self.access_token or self.sudo()._portal_ensure_token()
        url = f"{self.get_base_url()}/recruitment/followup/{self.id}{suffix}"
        url += f"?access_token={token}"
        if anchor:
            url += f"#{anchor}"
        return url

    def action_open_candidate_page(self):
        """The candidate's page as they see it (their link, in a new tab)."""
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_url",
            "url": self._followup_page_url(),
            "target": "new",
        }

    def _followup_unsubscribe_url(self):
        return self._followup_page_url("/unsubscribe")

    def _followup_unsubscribe_headers(self):
        """RFC 8058 one-click unsubscribe headers of a follow-up email, as
        mail.mail stores them (a dict's repr)."""
        self.ensure_one()
        if not self.followup_page_url:
            return False
        base, query = self.followup_page_url.split("?", 1)
        return repr(
            {
                "List-Unsubscribe": f"<{base}/unsubscribe?{query}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("job_id", "company_id", "checklist_done_ids")
    def _compute_checklist_item_ids(self):
        Item = self.env["hr.recruitment.followup.checklist.item"].sudo()
        items = Item.search([("company_id", "in", [*self.company_id.ids, False])])
        for applicant in self:
            mine = items.filtered(
                lambda i, a=applicant: (
                    i.company_id in (a.company_id, Item.company_id)
                    and (not i.job_ids or a.job_id in i.job_ids)
                )
            )
            applicant.checklist_item_ids = mine
            done = len(applicant.checklist_done_ids & mine)
            applicant.checklist_progress = f"{done} / {len(mine)}" if mine else False

    @api.depends("onboarding_state", "onboarding_intent", "start_date")
    def _compute_onboarding_at_risk(self):
        today = fields.Date.context_today(self)
        for applicant in self:
            applicant.onboarding_at_risk = bool(
                applicant.onboarding_state == "pending_start"
                and applicant.start_date
                and applicant.onboarding_intent != "confirmed"
                and (applicant.start_date - today).days <= RISK_DAYS
            )

    def _search_onboarding_at_risk(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        today = fields.Date.context_today(self)
        domain = [
            ("onboarding_state", "=", "pending_start"),
            ("start_date", "!=", False),
            ("start_date", "<=", today + timedelta(days=RISK_DAYS)),
            "|",
            ("onboarding_intent", "=", False),
            ("onboarding_intent", "!=", "confirmed"),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", *domain]

    # ------------------------------------------------------------------
    # What the page may show and do
    # ------------------------------------------------------------------

    def _followup_page_ended_at(self):
        """When the application ended, or False while it goes on.

        It goes on while it is open, and after a hire until the first day has
        passed (plus a week, for the no-show)."""
        self.ensure_one()
        if not self.active or self.application_status == "refused":
            return self.refuse_date or self.write_date
        if self.onboarding_state in ("abandoned", "no_show"):
            return self.write_date
        if self.date_closed:
            end = self.start_date or self.date_closed.date()
            if fields.Date.context_today(self) > end + timedelta(days=7):
                return fields.Datetime.to_datetime(end)
        return False

    def _followup_page_open(self):
        return not self._followup_page_ended_at()

    def _followup_unsubscribe_open(self):
        ended = self._followup_page_ended_at()
        return not ended or fields.Datetime.now() - ended <= UNSUBSCRIBE_GRACE

    def _followup_page_values(self):
        """What the candidate sees: nothing internal (no stage names meant for HR,
        no notes, no scores, no other applicant)."""
        self.ensure_one()
        stage = self.followup_stage_id
        code = ""
        if self.date_closed or self.onboarding_state == "pending_start":
            code = "hired"
        elif stage == self._followup_ref("followup_stage_pre_offer"):
            code = "pre_offer"
        elif stage == self._followup_ref("followup_stage_post_interview"):
            code = "interviewed"
        else:
            code = "applied"
        recruiter = self.user_id or self.job_id.user_id
        return {
            "applicant": self,
            "step": code,
            "recruiter": recruiter,
            "company": self.company_id or self.env.company,
            "checklist": self.checklist_item_ids,
            "done_items": self.checklist_done_ids,
            "doubt_topics": [
                (key, label)
                for key, label in self._fields[
                    "onboarding_doubt_topic"
                ]._description_selection(self.env)
            ],
            "channels": [
                (key, label)
                for key, label in self.candidate_id._fields[
                    "preferred_channel"
                ]._description_selection(self.env)
                if key in PAGE_CHANNELS
            ],
            "start_date_label": format_date(
                self.env, self.start_date, date_format="long"
            )
            if self.start_date
            else "",
            "start_time_label": hour_to_time(self.start_time).strftime("%H:%M")
            if self.start_time
            else "",
        }

    def _followup_page_guide(self):
        """The pre-boarding guide, as the email tells it, once the hire is set."""
        self.ensure_one()
        template = self._followup_ref("mail_template_followup_preboarding_guide")
        if not template or self.onboarding_state != "pending_start":
            return False
        return (
            template.sudo()
            .with_context(lang=self.env.lang)
            ._render_field("body_html", self.ids, compute_lang=False)[self.id]
        )

    def _followup_start_place(self):
        self.ensure_one()
        if self.start_place:
            return self.start_place
        address = self.job_id.address_id or self.company_id.partner_id
        return ", ".join(
            part for part in (address.street, address.street2, address.city) if part
        )

    # ------------------------------------------------------------------
    # The candidate's actions (called by the page's controller, as superuser)
    # ------------------------------------------------------------------

    def _followup_page_log(self, summary, response, outcome="neutral", **vals):
        """Write what the candidate did to the contact log and the chatter."""
        self.ensure_one()
        self.env["hr.applicant.contact.log"].sudo().create(
            {
                "applicant_id": self.id,
                "channel": "page",
                "direction": "inbound",
                "summary": summary,
                "candidate_response": response or False,
                "outcome": outcome,
                "user_id": False,
                **vals,
            }
        )
        body = Markup("<p>%s</p>") % summary
        if response:
            body += Markup("<blockquote>%s</blockquote>") % response
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _followup_page_check_open(self):
        if not self._followup_page_open():
            raise UserError(self.env._("This application has ended."))

    def _followup_page_confirm(self, start_date):
        """The candidate confirms the first day shown on their page."""
        self.ensure_one()
        self._followup_page_check_open()
        if not self.start_date:
            raise ValidationError(self.env._("No first day is set yet."))
        day = fields.Date.to_date(start_date) if start_date else None
        if day and day < fields.Date.context_today(self):
            raise ValidationError(self.env._("This date is in the past."))
        if day != self.start_date:
            raise ValidationError(
                self.env._(
                    "The first day has changed: it is now %(date)s. Please confirm "
                    "the new date.",
                    date=format_date(self.env, self.start_date),
                )
            )
        summary = self.env._(
            "The candidate confirmed the first day (%(date)s) on their page.",
            date=format_date(self.env, self.start_date),
        )
        self.sudo().write(
            {
                "onboarding_intent": "confirmed",
                "onboarding_intent_date": fields.Datetime.now(),
                "onboarding_doubt_topic": False,
            }
        )
        self._followup_page_log(summary, False, outcome="positive")
        self._followup_checkpoint_activities().action_feedback(
            feedback=self.env._("Confirmed by the candidate on their page.")
        )
        return True

    def _followup_page_doubt(self, topic, text, proposed_date=None):
        """The candidate raises a doubt: logged, intent hesitant, and the
        department manager (or the HRBP) gets a one-to-one the same day."""
        self.ensure_one()
        self._followup_page_check_open()
        text = (text or "").strip()
        if topic not in dict(DOUBT_TOPICS):
            raise ValidationError(self.env._("Choose what your question is about."))
        if not text:
            raise ValidationError(self.env._("Write your question or doubt."))
        if len(text) > TEXT_LIMIT:
            raise ValidationError(
                self.env._(
                    "Your message is too long: %(length)s characters, at most "
                    "%(limit)s.",
                    length=len(text),
                    limit=TEXT_LIMIT,
                )
            )
        day = None
        if proposed_date:
            try:
                day = fields.Date.to_date(proposed_date)
            except ValueError as error:
                raise ValidationError(self.env._("This date is not valid.")) from error
            if day < fields.Date.context_today(self):
                raise ValidationError(self.env._("This date is in the past."))
        label = dict(
            self._fields["onboarding_doubt_topic"]._description_selection(self.env)
        )
        summary = self.env._(
            "The candidate raised a doubt on their page about: %(topic)s.",
            topic=label[topic],
        )
        if day:
            summary += " " + self.env._(
                "Proposed first day: %(date)s.", date=format_date(self.env, day)
            )
        self.sudo().write(
            {
                "onboarding_intent": "hesitant",
                "onboarding_intent_date": fields.Datetime.now(),
                "onboarding_doubt_topic": topic,
            }
        )
        self._followup_page_log(summary, text, outcome="neutral")
        self._followup_page_escalate(label[topic], text)
        return True

    def _followup_page_escalate(self, topic, text):
        """A one-to-one today with the department manager, else the recruiter."""
        manager = (
            self.department_id.manager_id.user_id
            or self.job_id.department_id.manager_id.user_id
            or self.user_id
            or self.job_id.user_id
        )
        if not manager:
            return
        self.sudo().activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=fields.Date.context_today(self),
            summary=self.env._("One-to-one talk with a hesitant candidate"),
            note=Markup("<p>%s</p><p>%s</p><blockquote>%s</blockquote>")
            % (
                self.env._(
                    "%(name)s has a doubt before joining as %(job)s: please talk to "
                    "them one to one today.",
                    name=self.partner_name,
                    job=self.job_id.name or "",
                ),
                topic,
                text,
            ),
            user_id=manager.id,
        )

    def _followup_page_reach(self, channel, wechat_id, hour_from, hour_to):
        """How the candidate wants to be reached."""
        self.ensure_one()
        self._followup_page_check_open()
        if channel not in PAGE_CHANNELS:
            raise ValidationError(self.env._("Choose a channel from the list."))
        wechat_id = (wechat_id or "").strip()
        if channel == "wechat" and not wechat_id:
            raise ValidationError(
                self.env._("Give your WeChat ID to be reached on WeChat.")
            )
        vals = {"preferred_channel": channel}
        if wechat_id:
            vals["wechat_id"] = wechat_id
        vals.update(self.candidate_id._followup_contact_hours_vals(hour_from, hour_to))
        self.candidate_id.sudo().write(vals)
        labels = dict(
            self.candidate_id._fields["preferred_channel"]._description_selection(
                self.env
            )
        )
        summary = self.env._(
            "The candidate chose how to be reached on their page: %(channel)s.",
            channel=labels[channel],
        )
        if vals.get("followup_hour_from") or vals.get("followup_hour_to"):
            summary += " " + self.candidate_id._followup_contact_hours_label()
        self._followup_page_log(summary, wechat_id or False)
        return True

    def _followup_page_checklist(self, item_ids):
        """The candidate ticks what they prepared."""
        self.ensure_one()
        self._followup_page_check_open()
        items = self.checklist_item_ids
        wanted = items.browse(item_ids) & items
        if len(wanted) != len(set(item_ids)):
            raise ValidationError(self.env._("This checklist item is not yours."))
        if wanted == self.checklist_done_ids & items:
            return True
        self.sudo().checklist_done_ids = [fields.Command.set(wanted.ids)]
        summary = self.env._(
            "The candidate updated their checklist on their page: %(progress)s.",
            progress=self.checklist_progress,
        )
        self._followup_page_log(
            summary, ", ".join(wanted.mapped("name")) or False, outcome="positive"
        )
        return True

    def _followup_page_acknowledge(self):
        self.ensure_one()
        self._followup_page_check_open()
        if not self.followup_challenges:
            raise ValidationError(self.env._("This position lists no challenges."))
        self.sudo().with_context(
            followup_acknowledged_on_page=True
        ).action_challenges_acknowledged()
        return True

    def _followup_page_stop(self, reason):
        """Do not contact me again: from the page or the one-click unsubscribe."""
        self.ensure_one()
        reason = (reason or "").strip()[:500] or self.env._(
            "Asked on their page not to be contacted again."
        )
        if self.candidate_id.do_not_contact:
            return True
        self.candidate_id.sudo().write(
            {"do_not_contact": True, "do_not_contact_reason": reason}
        )
        self._followup_page_log(
            self.env._("The candidate asked not to be contacted again."),
            reason,
            outcome="negative",
        )
        return True

    def _followup_checkpoint_activities(self):
        """The recruiter's open reminders of the checkpoints before the first day."""
        rules = (
            self.env["hr.recruitment.followup.rule"]
            .sudo()
            .with_context(active_test=False)
            .search([("trigger", "=", "before_start")])
        )
        names = set(rules.mapped("name"))
        if not names:
            return self.env["mail.activity"]
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "hr.applicant"),
                    ("res_id", "in", self.ids),
                    ("automated", "=", True),
                    ("summary", "in", list(names)),
                ]
            )
        )

    def _followup_rule_applies(self, rule, now):
        """A checkpoint falling within two days of a doubt does not fire on top
        of the one-to-one that the doubt asked for; the later ones still do."""
        res = super()._followup_rule_applies(rule, now)
        if (
            res
            and rule.trigger == "before_start"
            and self.onboarding_intent == "hesitant"
            and self.onboarding_intent_date
            and self.start_date
        ):
            day = self.start_date - timedelta(days=rule.delay)
            asked = self.onboarding_intent_date.date()
            if asked <= day <= asked + DOUBT_QUIET:
                return False
        return res
