from odoo import api, fields, models

APPLICATION_STATUSES = [
    ("ongoing", "Ongoing"),
    ("hired", "Hired"),
    ("refused", "Refused"),
    ("archived", "Archived"),
]
# Refused and archived applications have left the pipeline: a stage that does not
# name their status explicitly must not catch them just because of the pipeline
# stage they were in when they left.
CLOSED_STATUSES = ("refused", "archived")
# Who ended an application: the same words everywhere, reports included.
DECLINED_BY = [("company", "We rejected"), ("candidate", "They declined")]


class HrRecruitmentFollowupStage(models.Model):
    _name = "hr.recruitment.followup.stage"
    _description = "Recruitment Follow-up Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    fold = fields.Boolean(
        string="Folded in Kanban",
        help="Fold this stage in the follow-up kanban view.",
    )
    color = fields.Integer()
    description = fields.Html(
        translate=True,
        help="What a recruiter should do with candidates in this stage.",
    )
    recruitment_stage_ids = fields.Many2many(
        "hr.recruitment.stage",
        "hr_recruitment_followup_stage_recruitment_stage_rel",
        "followup_stage_id",
        "recruitment_stage_id",
        string="Recruitment Stages",
        help="Applicants in one of these pipeline stages enter this follow-up stage. "
        "Leave empty to match any pipeline stage.",
    )
    application_status = fields.Selection(
        APPLICATION_STATUSES,
        help="Only applications with this status enter this follow-up stage. "
        "Refused and archived applications only enter stages that name "
        "their status.",
    )
    declined_by = fields.Selection(
        DECLINED_BY,
        string="Ended By",
        help="Only applications ended this way enter this follow-up stage.",
    )
    applicant_count = fields.Integer(compute="_compute_applicant_count")

    def _compute_applicant_count(self):
        counts = dict(
            self.env["hr.applicant"]._read_group(
                [("followup_stage_id", "in", self.ids)],
                ["followup_stage_id"],
                ["__count"],
            )
        )
        for stage in self:
            stage.applicant_count = counts.get(stage, 0)

    def _matches(self, applicant):
        """Whether ``applicant`` belongs in this stage according to its mapping.

        A stage without any mapping is only ever set by hand (or by a process
        such as declining an offer), never computed.
        """
        self.ensure_one()
        if not self.recruitment_stage_ids and not self.application_status:
            return False
        status = applicant._followup_status()
        if self.application_status:
            if self.application_status != status:
                return False
        elif status in CLOSED_STATUSES:
            return False
        if self.declined_by and applicant.declined_by != self.declined_by:
            return False
        return (
            not self.recruitment_stage_ids
            or applicant.stage_id in self.recruitment_stage_ids
        )

    def _specificity(self):
        """How many conditions the mapping sets: the most specific match wins."""
        self.ensure_one()
        return sum(
            bool(value)
            for value in (
                self.recruitment_stage_ids,
                self.application_status,
                self.declined_by,
            )
        )

    @api.model
    def _find_for_applicants(self, applicants):
        """Map each applicant to its follow-up stage.

        Among the stages whose mapping matches, the most specific one wins (an
        offer declined by the candidate is more than "refused"), then the first
        by sequence.

        :return: dict {applicant: stage record (possibly empty)}
        """
        stages = (
            self.sudo()
            .search([])
            .sorted(lambda stage: (-stage._specificity(), stage.sequence, stage.id))
        )
        empty = self.browse()
        result = {}
        for applicant in applicants:
            result[applicant] = next(
                (stage for stage in stages if stage._matches(applicant)), empty
            )
        return result

    def action_open_applicants(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hr_recruitment.crm_case_categ0_act_job"
        )
        action.update(
            {
                "domain": [("followup_stage_id", "=", self.id)],
                "context": {"active_test": False},
                "name": self.name,
            }
        )
        return action
