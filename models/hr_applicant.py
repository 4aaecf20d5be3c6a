from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

# A planned next contact is a day; the follow-up falls due at the start of that
# day's contact hours in the recruiter's time zone.
FOLLOWUP_DAY_START = time(9, 0)
NO_CONTACT_DAYS = 7
# Stored on the candidate, shown on the applicant.
CANDIDATE_FOLLOWUP_FIELDS = ("preferred_channel", "do_not_contact", "do_not_contact_reason")


def _tz(name):
    try:
        return pytz.timezone(name or "UTC")
    except pytz.UnknownTimeZoneError:
        return pytz.utc


def local_day_bounds_utc(day, tz_name):
    """Return the UTC naive datetimes where ``day`` starts and ends in ``tz_name``."""
    tz = _tz(tz_name)
    start = tz.localize(datetime.combine(day, time.min))
    end = tz.localize(datetime.combine(day + timedelta(days=1), time.min))
    return (
        start.astimezone(pytz.utc).replace(tzinfo=None),
        end.astimezone(pytz.utc).replace(tzinfo=None),
    )


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
    contact_log_ids = fields.One2many(
        "hr.applicant.contact.log", "applicant_id", string="Contact Log"
    )
    contact_log_count = fields.Integer(compute="_compute_contact_log_count")
    last_contact_date = fields.Datetime(
        string="Last Contact",
        compute="_compute_contact_dates",
        store=True,
    )
    # The follow-up cron selects on this field: WHERE next_followup_date <= now.
    next_followup_date = fields.Datetime(
        string="Next Follow-up",
        compute="_compute_contact_dates",
        store=True,
        index=True,
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

    def write(self, vals):
        # Related fields are written back one by one: the flag would be checked
        # before its reason arrives. Write them to the candidate in one go.
        candidate_vals = {
            name: vals.pop(name) for name in CANDIDATE_FOLLOWUP_FIELDS if name in vals
        }
        if candidate_vals:
            self.candidate_id.write(candidate_vals)
        return super().write(vals)

    @api.depends("stage_id", "refuse_reason_id", "date_closed", "active")
    def _compute_followup_stage_id(self):
        matches = self.env["hr.recruitment.followup.stage"]._find_for_applicants(self)
        for applicant in self:
            applicant.followup_stage_id = matches[applicant]

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
        "user_id.tz",
    )
    def _compute_contact_dates(self):
        for applicant in self:
            latest = applicant.contact_log_ids.sorted(
                lambda log: (log.contact_date, log.id or 0), reverse=True
            )[:1]
            applicant.last_contact_date = latest.contact_date
            applicant.next_followup_date = (
                applicant._followup_due_at(latest.next_contact_date)
                if latest.next_contact_date
                else False
            )

    def _followup_tz(self):
        """Time zone in which the recruiter plans this applicant's follow-ups."""
        self.ensure_one()
        return (
            self.user_id.tz
            or self.env.user.tz
            or self.company_id.partner_id.tz
            or "UTC"
        )

    def _followup_due_at(self, day):
        self.ensure_one()
        tz = _tz(self._followup_tz())
        local = tz.localize(datetime.combine(day, FOLLOWUP_DAY_START))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _followup_today_bounds(self):
        """UTC bounds of today in the current user's time zone."""
        tz_name = self.env.context.get("tz") or self.env.user.tz or "UTC"
        today = datetime.now(_tz(tz_name)).date()
        return local_day_bounds_utc(today, tz_name)

    @api.depends("next_followup_date")
    @api.depends_context("tz", "uid")
    def _compute_followup_due(self):
        start, end = self._followup_today_bounds()
        for applicant in self:
            due = applicant.next_followup_date
            applicant.followup_due_today = bool(due) and start <= due < end
            applicant.followup_overdue = bool(due) and due < start

    @api.depends("last_contact_date", "followup_stage_id")
    def _compute_followup_no_recent_contact(self):
        limit = fields.Datetime.now() - timedelta(days=NO_CONTACT_DAYS)
        for applicant in self:
            applicant.followup_no_recent_contact = bool(
                applicant.followup_stage_id
            ) and (
                applicant.last_contact_date
                or applicant.create_date
                or fields.Datetime.now()
            ) < limit

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
            ("next_followup_date", ">=", start),
            ("next_followup_date", "<", end),
        ]
        return self._boolean_search(operator, value, domain)

    def _search_followup_overdue(self, operator, value):
        start, _end = self._followup_today_bounds()
        return self._boolean_search(
            operator, value, [("next_followup_date", "<", start)]
        )

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

    def action_log_contact(self):
        """Open the quick form to log a contact with this applicant."""
        self.ensure_one()
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
