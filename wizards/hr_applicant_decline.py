from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.hr_applicant_contact_log import CONTACT_CHANNELS


class HrApplicantDecline(models.TransientModel):
    _name = "hr.applicant.decline"
    _description = "Record an Offer Declined by the Candidate"

    applicant_ids = fields.Many2many("hr.applicant", string="Applicants", required=True)
    decline_reason_ids = fields.Many2many(
        "hr.applicant.decline.reason",
        string="Reasons",
        help="What the candidate said. Leave empty to ask through the survey.",
    )
    comment = fields.Text(help="The candidate's own words.")
    may_contact = fields.Selection(
        [
            ("yes", "Yes"),
            ("no", "No, never contact them again"),
            ("unknown", "Not asked yet"),
        ],
        string="May We Contact Them About Future Openings?",
        required=True,
        default="unknown",
    )
    send_survey = fields.Boolean(
        string="Send the Decline Survey",
        compute="_compute_send_survey",
        store=True,
        readonly=False,
        help="Email the candidate a two-minute survey on their reasons.",
    )
    channel = fields.Selection(
        CONTACT_CHANNELS,
        string="Told Us By",
        required=True,
        default="phone",
    )
    summary = fields.Text(help="What was said, for the contact log.")

    @api.depends("decline_reason_ids", "may_contact")
    def _compute_send_survey(self):
        for wizard in self:
            wizard.send_survey = (
                not wizard.decline_reason_ids and wizard.may_contact != "no"
            )

    def action_confirm(self):
        self.ensure_one()
        applicants = self.applicant_ids
        if not self.decline_reason_ids and not self.send_survey:
            raise UserError(
                self.env._(
                    "Give at least one reason, or send the survey so that the "
                    "candidate can tell us."
                )
            )
        if self.send_survey and self.may_contact == "no":
            raise UserError(
                self.env._(
                    "The candidate asked never to be contacted again: the survey "
                    "cannot be sent."
                )
            )
        # Before the offer, the candidate withdrew: the refuse reason, the log
        # and the follow-up stage say so, and no hire was abandoned.
        declined = applicants.filtered("followup_offer_sent")
        now = fields.Datetime.now()
        for group, xmlid in (
            (declined, "refuse_reason_offer_declined"),
            (applicants - declined, "refuse_reason_withdrew"),
        ):
            if group:
                group.write(
                    {
                        "refuse_reason_id": self.env.ref(
                            f"hr_recruitment_followup.{xmlid}"
                        ).id,
                        "active": False,
                        "refuse_date": now,
                    }
                )
        self.env["hr.applicant.contact.log"].create(
            [
                {
                    "applicant_id": applicant.id,
                    "channel": self.channel,
                    "direction": "inbound",
                    "summary": self.summary
                    or (
                        self.env._("The candidate declined the offer.")
                        if applicant in declined
                        else self.env._("The candidate withdrew before the offer.")
                    ),
                    "candidate_response": self.comment,
                    "outcome": "negative",
                }
                for applicant in applicants
            ]
        )
        applicants._followup_mark_declined(
            reasons=self.decline_reason_ids,
            comment=self.comment,
            may_contact={"yes": True, "no": False}.get(self.may_contact),
            send_survey=self.send_survey,
        )
        return {"type": "ir.actions.act_window_close"}
