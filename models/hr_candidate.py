from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .hr_applicant_contact_log import CONTACT_CHANNELS, LINE_LIMIT, check_text_length


class HrCandidate(models.Model):
    _inherit = "hr.candidate"

    preferred_channel = fields.Selection(
        CONTACT_CHANNELS,
        tracking=True,
        help="How the candidate prefers to be contacted.",
    )
    do_not_contact = fields.Boolean(
        tracking=True,
        help="The candidate asked not to be contacted again: no follow-up of any "
        "kind is planned or sent.",
    )
    do_not_contact_reason = fields.Char(tracking=True)
    do_not_contact_date = fields.Date(
        string="Do Not Contact Since",
        compute="_compute_do_not_contact_date",
        store=True,
        readonly=False,
    )

    @api.depends("do_not_contact")
    def _compute_do_not_contact_date(self):
        for candidate in self:
            if not candidate.do_not_contact:
                candidate.do_not_contact_date = False
            elif not candidate.do_not_contact_date:
                candidate.do_not_contact_date = fields.Date.context_today(candidate)

    @api.constrains("do_not_contact", "do_not_contact_reason")
    def _check_do_not_contact_reason(self):
        for candidate in self:
            if (
                candidate.do_not_contact
                and not (candidate.do_not_contact_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "Say why %(name)s must not be contacted: a reason is "
                        "required with 'Do Not Contact'.",
                        name=candidate.partner_name,
                    )
                )

    @api.constrains("do_not_contact_reason")
    def _check_do_not_contact_reason_length(self):
        check_text_length(self, {"do_not_contact_reason": LINE_LIMIT})

    def write(self, vals):
        res = super().write(vals)
        if "do_not_contact" in vals:
            self.with_context(active_test=False).applicant_ids._plan_next_followup()
        if vals.get("do_not_contact"):
            # Nobody should be reminded to call a candidate who asked us not to.
            self.env["mail.activity"].search(
                [
                    ("res_model", "=", "hr.applicant"),
                    (
                        "res_id",
                        "in",
                        self.with_context(active_test=False).applicant_ids.ids,
                    ),
                    (
                        "activity_type_id",
                        "=",
                        self.env.ref(
                            "hr_recruitment_followup.mail_activity_type_followup"
                        ).id,
                    ),
                ]
            ).unlink()
        return res
