from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.followup_policy import hour_to_time


class HrCandidate(models.Model):
    """How the candidate wants to be reached: WeChat ID and contact hours."""

    _inherit = "hr.candidate"

    wechat_id = fields.Char(
        string="WeChat ID",
        tracking=True,
        help="The candidate's WeChat ID, to add them on WeChat.",
    )
    followup_hour_from = fields.Float(
        string="Reach From",
        help="The candidate's own contact hours, inside the company's: no automated "
        "follow-up reaches them before this hour (their time zone). 0: the "
        "company's hours.",
    )
    followup_hour_to = fields.Float(
        string="Reach Until",
        help="No automated follow-up reaches the candidate at or after this hour "
        "(their time zone). 0: the company's hours.",
    )

    @api.constrains("followup_hour_from", "followup_hour_to")
    def _check_followup_hours(self):
        for candidate in self:
            hour_from = candidate.followup_hour_from
            hour_to = candidate.followup_hour_to
            if not (0 <= hour_from < 24 and 0 <= hour_to <= 24):
                raise ValidationError(
                    self.env._(
                        "Contact hours must lie between 00:00 and 24:00 "
                        "(%(candidate)s).",
                        candidate=candidate.partner_name,
                    )
                )
            if hour_to and hour_from >= hour_to:
                raise ValidationError(
                    self.env._(
                        "The contact hours of %(candidate)s end before they start: "
                        "'from' must be earlier than 'until'.",
                        candidate=candidate.partner_name,
                    )
                )

    @api.constrains("wechat_id")
    def _check_wechat_id(self):
        for candidate in self:
            if candidate.wechat_id and len(candidate.wechat_id) > 64:
                raise ValidationError(
                    self.env._("A WeChat ID has at most 64 characters.")
                )

    def _followup_contact_window(self, company):
        """The hours a follow-up may reach this candidate: the company's window,
        narrowed by the candidate's own hours when they gave some."""
        hour_from, hour_to = company.followup_hour_from, company.followup_hour_to
        if self.followup_hour_from:
            hour_from = max(hour_from, self.followup_hour_from)
        if self.followup_hour_to:
            hour_to = min(hour_to, self.followup_hour_to)
        if hour_from >= hour_to:
            # Preferences outside today's company window: the company's rules.
            return company.followup_hour_from, company.followup_hour_to
        return hour_from, hour_to

    def _followup_contact_hours_vals(self, hour_from, hour_to):
        """Values for the candidate's hours typed on their page ("18" or "18:00",
        empty for no preference), checked against the company's window."""
        self.ensure_one()

        def parse(value):
            value = (value or "").strip()
            if not value:
                return 0.0
            try:
                if ":" in value:
                    hours, minutes = value.split(":", 1)
                    number = int(hours) + int(minutes) / 60
                else:
                    number = float(value)
            except ValueError as error:
                raise ValidationError(
                    self.env._("%(value)s is not an hour.", value=value)
                ) from error
            if not 0 <= number <= 24:
                raise ValidationError(
                    self.env._("%(value)s is not an hour.", value=value)
                )
            return number

        hour_from, hour_to = parse(hour_from), parse(hour_to)
        company = self.company_id or self.env.company
        low, high = company.followup_hour_from, company.followup_hour_to
        if (hour_from and not low <= hour_from < high) or (
            hour_to and not low < hour_to <= high
        ):
            raise ValidationError(
                self.env._(
                    "Choose hours between %(start)s and %(end)s.",
                    start=hour_to_time(low).strftime("%H:%M"),
                    end=hour_to_time(high).strftime("%H:%M") if high < 24 else "24:00",
                )
            )
        if hour_from and hour_to and hour_from >= hour_to:
            raise ValidationError(
                self.env._("The end of your hours must come after their start.")
            )
        return {"followup_hour_from": hour_from, "followup_hour_to": hour_to}

    def _followup_contact_hours_label(self):
        self.ensure_one()

        def fmt(hour):
            return "24:00" if hour >= 24 else hour_to_time(hour).strftime("%H:%M")

        if self.followup_hour_from and self.followup_hour_to:
            return self.env._(
                "Contact hours: %(start)s-%(end)s.",
                start=fmt(self.followup_hour_from),
                end=fmt(self.followup_hour_to),
            )
        if self.followup_hour_from:
            return self.env._(
                "Contact hours: after %(start)s.", start=fmt(self.followup_hour_from)
            )
        if self.followup_hour_to:
            return self.env._(
                "Contact hours: before %(end)s.", end=fmt(self.followup_hour_to)
            )
        return ""

    def write(self, vals):
        res = super().write(vals)
        if {"followup_hour_from", "followup_hour_to"} & vals.keys():
            # The plan counts the candidate's hours: plan their applications again.
            self.with_context(active_test=False).applicant_ids._plan_next_followup()
        return res
