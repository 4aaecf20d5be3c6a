import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get


class ResCompany(models.Model):
    _inherit = "res.company"

    followup_hour_from = fields.Float(
        string="Contact Candidates From",
        default=9.0,
        help="No follow-up reaches a candidate before this hour, in the candidate's "
        "time zone.",
    )
    followup_hour_to = fields.Float(
        string="Contact Candidates Until",
        default=20.0,
        help="No follow-up reaches a candidate at or after this hour, in the "
        "candidate's time zone.",
    )
    followup_cap_core_per_day = fields.Integer(
        string="Core Positions: Contacts per Day",
        default=1,
        help="At most this many contacts a day with a candidate for a core position, "
        "manual contacts included.",
    )
    followup_cap_standard_per_week = fields.Integer(
        string="Standard Positions: Contacts per Week",
        default=2,
        help="At most this many contacts in 7 days with a candidate for a standard "
        "position, manual contacts included.",
    )
    followup_tz = fields.Selection(
        _tz_get,
        string="Candidates' Default Time Zone",
        help="Used for candidates whose own time zone is unknown. Empty: the "
        "recruiter's time zone.",
    )

    def _check_followup_tz_value(self, vals):
        # A selection refuses unknown values with a technical error: say it clearly.
        name = vals.get("followup_tz")
        if name and name not in pytz.all_timezones_set:
            raise ValidationError(
                self.env._(
                    "Unknown time zone %(tz)s: choose one from the list, e.g. "
                    "Asia/Shanghai.",
                    tz=name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_followup_tz_value(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_followup_tz_value(vals)
        return super().write(vals)

    @api.constrains("followup_hour_from", "followup_hour_to")
    def _check_followup_hours(self):
        for company in self:
            hour_from, hour_to = company.followup_hour_from, company.followup_hour_to
            if not (0 <= hour_from < 24 and 0 < hour_to <= 24):
                raise ValidationError(
                    self.env._(
                        "Contact hours must lie between 00:00 and 24:00 (%(company)s).",
                        company=company.name,
                    )
                )
            if hour_from >= hour_to:
                raise ValidationError(
                    self.env._(
                        "Contact hours of %(company)s end before they start: "
                        "'from' must be earlier than 'until'.",
                        company=company.name,
                    )
                )

    @api.constrains("followup_cap_core_per_day", "followup_cap_standard_per_week")
    def _check_followup_caps(self):
        for company in self:
            if (
                company.followup_cap_core_per_day < 1
                or company.followup_cap_standard_per_week < 1
            ):
                raise ValidationError(
                    self.env._(
                        "Contact caps must allow at least one contact (%(company)s).",
                        company=company.name,
                    )
                )

    talent_pool_months = fields.Integer(
        string="Talent Pool: Keep for (Months)",
        default=24,
        help="Default time a candidate stays in the talent pool, from the day they "
        "join it.",
    )
    talent_pool_grace_days = fields.Integer(
        string="Talent Pool: Grace Period (Days)",
        default=90,
        help="A refused candidate whose consent was never given, or was withdrawn, "
        "is archived and anonymised after this many days.",
    )

    @api.constrains("talent_pool_months", "talent_pool_grace_days")
    def _check_talent_pool_periods(self):
        for company in self:
            if company.talent_pool_months < 1 or company.talent_pool_grace_days < 1:
                raise ValidationError(
                    self.env._(
                        "The talent pool duration and grace period must be at least "
                        "one month and one day (%(company)s).",
                        company=company.name,
                    )
                )
