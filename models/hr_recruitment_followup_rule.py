from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

# Channels a rule can use. Email is sent through the mail queue; the others are
# handled by a person: the rule prepares the message in an activity.
RULE_CHANNELS = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("wechat", "WeChat"),
    ("wecom", "WeCom"),
    ("sms", "SMS"),
]
ACTIVITY_CHANNELS = ("phone", "wechat", "wecom", "sms")
TRIGGERS = [
    ("interview_end", "After the interview"),
    ("stage_enter", "After entering the stage"),
    ("no_contact", "After a time without contact"),
    ("before_start", "Before the first day"),
    ("offer_declined", "After the offer was declined"),
    ("talent_pool", "While in the talent pool"),
]
WORTH_RANK = {"low": 0, "medium": 1, "high": 2}
MAX_YEARS = 10
MAX_REPEATS = 100


class HrRecruitmentFollowupRule(models.Model):
    _name = "hr.recruitment.followup.rule"
    _description = "Recruitment Follow-up Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to apply the rule in every company.",
    )
    followup_stage_id = fields.Many2one(
        "hr.recruitment.followup.stage",
        string="Follow-up Stage",
        ondelete="cascade",
        help="The rule applies to applicants in this follow-up stage. "
        "Empty: any stage.",
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="stage_enter")
    delay = fields.Integer(
        default=1,
        help="How long after the trigger (before the first day, for that trigger) "
        "the first message is due.",
    )
    delay_unit = fields.Selection(
        [("hours", "Hours"), ("days", "Days")], required=True, default="days"
    )
    repeat_interval = fields.Integer(
        help="Time between two repetitions, in the delay's unit.",
    )
    max_repeats = fields.Integer(
        string="Maximum Repetitions",
        help="How many times the message is repeated after the first one.",
    )
    expiry_days = fields.Integer(
        string="Expires After (Days)",
        help="A message not sent within this many days of its due time is skipped "
        "(a thank-you a week late does more harm than good). 0: never expires.",
    )
    channel = fields.Selection(RULE_CHANNELS, required=True, default="email")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'hr.applicant')]",
        help="Rendered for the candidate. For channels handled by a person, its body "
        "is the message prepared in the recruiter's activity.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        domain="['|', ('res_model', '=', False), ('res_model', '=', 'hr.applicant')]",
        help="Activity scheduled for the recruiter for phone, WeChat, WeCom and SMS.",
    )
    job_tier = fields.Selection(
        [
            ("any", "Any position"),
            ("core", "Core positions"),
            ("standard", "Standard positions"),
        ],
        string="Positions",
        required=True,
        default="any",
    )
    low_worth_policy = fields.Selection(
        [
            ("keep", "Same cadence"),
            ("slow", "Half as often"),
            ("stop", "Stop"),
        ],
        string="Candidates Worth Little Follow-up",
        required=True,
        default="keep",
        help="What the rule does for candidates whose worth-following level is low.",
    )
    min_worth_level = fields.Selection(
        [("medium", "Medium or high"), ("high", "High only")],
        string="Only Candidates Worth",
        help="Apply the rule only to candidates assessed at least at this level. "
        "Candidates not assessed yet count as medium.",
    )
    escalate_hesitant = fields.Boolean(
        string="Escalate Hesitant Candidates",
        help="When the candidate's last logged answer was neutral or negative, also "
        "schedule a one-to-one talk for the department manager.",
    )
    send_mode = fields.Selection(
        [
            ("auto", "Automatic"),
            ("review", "Recruiter reviews first"),
            ("review_core", "Recruiter reviews first for core positions"),
        ],
        required=True,
        default="auto",
        help="Automatic: the email leaves when it is due. Recruiter reviews first: "
        "when it is due, the recruiter gets the rendered email as a draft to "
        "edit and send, skip, or replace by a call, before its deadline.",
    )
    review_deadline_action = fields.Selection(
        [("send", "Send it as it was"), ("drop", "Drop it")],
        string="When Not Reviewed in Time",
        required=True,
        default="send",
        help="What happens to a draft nobody reviewed by its deadline (the "
        "interview's end plus 24 hours for a thank-you, a day after it was due "
        "otherwise). Either way the recruiter's manager gets an activity.",
    )
    followup_skip_holidays = fields.Boolean(
        string="Wait for a Working Day",
        default=True,
        help="On a public holiday of the company's working calendar (its global "
        "time off), the message waits for the next working day's contact hours "
        "(before the first day: it comes on the working day before the holiday). "
        "Off: it only waits for the contact hours, whatever the day (a thank-you "
        "promised within 24 hours).",
    )
    description = fields.Text(translate=True)

    @api.constrains(
        "delay",
        "repeat_interval",
        "max_repeats",
        "expiry_days",
        "trigger",
        "delay_unit",
    )
    def _check_timing(self):
        for rule in self:
            if rule.delay < 0 or rule.repeat_interval < 0 or rule.max_repeats < 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: delay, repeat interval and repetitions cannot "
                        "be negative.",
                        rule=rule.name,
                    )
                )
            if rule.expiry_days < 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the expiry cannot be negative.", rule=rule.name
                    )
                )
            if rule.max_repeats and not rule.repeat_interval:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s repeats %(count)s times but has no repeat "
                        "interval: set how long to wait between repetitions.",
                        rule=rule.name,
                        count=rule.max_repeats,
                    )
                )
            if rule.trigger == "no_contact" and not rule.delay:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: say after how long without contact it applies.",
                        rule=rule.name,
                    )
                )
            if rule.trigger == "before_start" and rule.delay_unit != "days":
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: checkpoints before the first day are counted "
                        "in days.",
                        rule=rule.name,
                    )
                )

    @api.constrains("channel", "mail_template_id", "activity_type_id")
    def _check_channel(self):
        for rule in self:
            if rule.channel == "email" and not rule.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s sends emails: choose the email template.",
                        rule=rule.name,
                    )
                )
            if rule.channel in ACTIVITY_CHANNELS and not rule.activity_type_id:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s is handled by a person: choose the activity "
                        "type to schedule for the recruiter.",
                        rule=rule.name,
                    )
                )
            if rule.mail_template_id and rule.mail_template_id.model != "hr.applicant":
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the template must be made for applicants.",
                        rule=rule.name,
                    )
                )

    @api.constrains(
        "delay", "repeat_interval", "max_repeats", "expiry_days", "delay_unit"
    )
    def _check_bounds(self):
        # Beyond these, date arithmetic leaves the calendar and the planner of
        # every applicant would fail: refuse the typing error instead.
        for rule in self:
            longest = MAX_YEARS * 366 * (24 if rule.delay_unit == "hours" else 1)
            if (
                max(rule.delay, rule.repeat_interval) > longest
                or rule.expiry_days > MAX_YEARS * 366
                or rule.max_repeats > MAX_REPEATS
            ):
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: delays, intervals and expiry are limited to "
                        "%(years)s years, and repetitions to %(repeats)s.",
                        rule=rule.name,
                        years=MAX_YEARS,
                        repeats=MAX_REPEATS,
                    )
                )

    def _followup_reviewed_for(self, tier):
        """Whether this rule's emails to applicants of a position of ``tier``
        are drafts for the recruiter to review instead of sent directly."""
        self.ensure_one()
        return self.channel == "email" and (
            self.send_mode == "review"
            or (self.send_mode == "review_core" and tier == "core")
        )

    def _delta(self, amount):
        self.ensure_one()
        if self.delay_unit == "hours":
            return timedelta(hours=amount)
        return timedelta(days=amount)

    def _applies_to_worth(self, level):
        """Whether the rule runs for a candidate of worth ``level``.

        ``level`` is False for a candidate not assessed yet.
        """
        self.ensure_one()
        if level == "low" and self.low_worth_policy == "stop":
            return False
        if self.min_worth_level:
            rank = WORTH_RANK[level or "medium"]
            return rank >= WORTH_RANK[self.min_worth_level]
        return True

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._replan_applicants()
        return rules

    def write(self, vals):
        res = super().write(vals)
        self._replan_applicants()
        return res

    def _replan_applicants(self):
        """Have the scheduled job re-plan the applicants a changed rule may concern.

        Marking them due is cheap and lets the job re-plan them in batches, instead
        of re-planning thousands of applicants inside a configuration write.
        """
        stages = self.followup_stage_id
        domain = [("followup_stage_id", "!=", False)]
        if stages and all(self.mapped("followup_stage_id")):
            domain = [("followup_stage_id", "in", stages.ids)]
        if "talent_pool" in self.mapped("trigger"):
            # The pool's candidates, whatever the stage of their applications.
            domain = expression.OR(
                [domain, [("candidate_id.in_talent_pool", "=", True)]]
            )
        self.env["hr.applicant"].with_context(
            active_test=False
        )._followup_mark_for_replan(domain)
