from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# A first day further than this from today is a typing error (the year).
START_DATE_MAX_DAYS = 3653


ONBOARDING_STATES = [
    ("pending_start", "Pending start"),
    ("started", "Started"),
    ("abandoned", "Abandoned"),
    ("no_show", "No-show"),
]
# Set by a person: the computation leaves them alone.
ENDED_ONBOARDING_STATES = ("started", "abandoned", "no_show")


class HrApplicant(models.Model):
    """Offer to first day: the first day, onboarding status, buddy."""

    _inherit = "hr.applicant"

    start_date = fields.Date(
        string="First Day",
        tracking=True,
        help="The day the candidate starts: follow-up checkpoints count back from it.",
    )
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
        # A button on the applicant's form: the form shows the new plan (no
        # checkpoint any more) at once, rather than after the scheduled job.
        self.filtered("followup_needs_plan")._plan_next_followup()

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
