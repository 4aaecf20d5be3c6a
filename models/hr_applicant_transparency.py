from odoo import api, fields, models
from odoo.exceptions import UserError


class HrApplicant(models.Model):
    """Transparency: the position's challenges, acknowledged before the offer."""

    _inherit = "hr.applicant"

    followup_challenges = fields.Text(related="job_id.followup_challenges")
    challenges_acknowledged_date = fields.Datetime(
        string="Challenges Acknowledged On",
        readonly=True,
        copy=False,
        tracking=True,
        help="When the candidate confirmed they are comfortable with the "
        "challenges of the position.",
    )
    challenges_to_acknowledge = fields.Boolean(
        compute="_compute_challenges_to_acknowledge",
        help="The position lists challenges the candidate has not acknowledged yet.",
    )

    @api.depends("job_id.followup_challenges", "challenges_acknowledged_date")
    def _compute_challenges_to_acknowledge(self):
        for applicant in self:
            applicant.challenges_to_acknowledge = bool(
                (applicant.job_id.followup_challenges or "").strip()
                and not applicant.challenges_acknowledged_date
            )

    def _followup_challenge_list(self):
        self.ensure_one()
        return [
            line.strip()
            for line in (self.job_id.followup_challenges or "").splitlines()
            if line.strip()
        ]

    def action_challenges_acknowledged(self):
        """The candidate confirmed the position's challenges: log their answer."""
        now = fields.Datetime.now()
        for applicant in self:
            challenges = applicant._followup_challenge_list()
            if not challenges:
                raise UserError(
                    self.env._(
                        "The position %(job)s lists no challenges to acknowledge.",
                        job=applicant.job_id.name or "-",
                    )
                )
        self.write({"challenges_acknowledged_date": now})
        self.env["hr.applicant.contact.log"].create(
            [
                {
                    "applicant_id": applicant.id,
                    "channel": applicant.preferred_channel or "phone",
                    "direction": "inbound",
                    "contact_date": now,
                    "outcome": "positive",
                    "summary": self.env._(
                        "Acknowledged the challenges of the position: %(challenges)s",
                        challenges="; ".join(applicant._followup_challenge_list()),
                    ),
                }
                for applicant in self
            ]
        )
        return True
