from odoo import api, fields, models
from odoo.exceptions import UserError


class HrCandidateTalentPool(models.TransientModel):
    _name = "hr.candidate.talent.pool"
    _description = "Add Candidates to the Talent Pool"

    candidate_ids = fields.Many2many(
        "hr.candidate", string="Candidates to Add", required=True
    )
    consent = fields.Boolean(
        string="Consent Given",
        help="The candidate agreed that we keep their profile and contact them about "
        "future positions.",
    )
    reason = fields.Text(
        string="Why in the Pool",
        help="Strengths, the positions they fit: what the next recruiter should know.",
    )
    expiry = fields.Date(
        string="Keep Until",
        compute="_compute_expiry",
        store=True,
        readonly=False,
        required=True,
    )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        context = self.env.context
        if (
            "candidate_ids" in fields_list
            and not res.get("candidate_ids")
            and context.get("active_model") == "hr.applicant"
        ):
            applicants = self.env["hr.applicant"].browse(context.get("active_ids", []))
            res["candidate_ids"] = [fields.Command.set(applicants.candidate_id.ids)]
        return res

    @api.depends("candidate_ids")
    def _compute_expiry(self):
        for wizard in self:
            if not wizard.expiry:
                company = wizard.candidate_ids[:1].company_id or self.env.company
                wizard.expiry = self.env["hr.candidate"]._talent_pool_default_expiry(
                    company
                )

    def action_confirm(self):
        self.ensure_one()
        if not self.consent:
            raise UserError(
                self.env._(
                    "%(names)s can only join the talent pool with their consent: "
                    "ask them first, then tick 'Consent Given'.",
                    names=", ".join(self.candidate_ids.mapped("display_name")),
                )
            )
        self.candidate_ids._talent_pool_add(self.reason, self.expiry)
        return {"type": "ir.actions.act_window_close"}
