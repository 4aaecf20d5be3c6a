from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.hr_recruitment_followup_stage import DECLINED_BY


class HrRecruitmentFollowupFunnelReport(models.Model):
    """Funnel drop-off: where applicants leave the pipeline, and who ended it.

    One row per (application, pipeline stage it reached):

    - **Reached**: the pipeline is ordered by the stages' sequence (then id). An
      application reached every stage up to its *furthest* stage
      (``hr.applicant.furthest_stage_id``: the furthest stage it was ever in,
      kept on every stage change and taken from Odoo's stage tracking at
      install), except the stages reserved to other jobs.
    - **Left**: the application ended (it was refused, or the candidate
      declined; refused applications are archived and still counted) and its
      furthest stage is this one. Split by who ended it (``declined_by``):
      *We rejected* (the company) and *They declined* (the candidate).
    - **Period**: the date the candidate applied (``Applied On``); the date the
      application ended (``Left On``) can be used instead.

    So "most candidates give up after the second interview" reads as the
    *They declined* count (and the drop-off rate) of the stage "Second
    Interview".
    """

    _name = "hr.recruitment.followup.funnel.report"
    _description = "Recruitment Funnel Drop-off Analysis"
    _auto = False
    _rec_name = "stage_id"
    _order = "stage_sequence, stage_id, applicant_id"

    applicant_id = fields.Many2one("hr.applicant", readonly=True)
    candidate_id = fields.Many2one("hr.candidate", readonly=True)
    stage_id = fields.Many2one("hr.recruitment.stage", readonly=True)
    stage_sequence = fields.Integer(readonly=True, aggregator=None)
    furthest_stage_id = fields.Many2one("hr.recruitment.stage", readonly=True)
    job_id = fields.Many2one("hr.job", string="Job Position", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    user_id = fields.Many2one("res.users", string="Recruiter", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    application_date = fields.Datetime(string="Applied On", readonly=True)
    end_date = fields.Datetime(
        string="Left On",
        readonly=True,
        help="When the application ended: the candidate declined, or it was refused.",
    )
    refuse_reason_id = fields.Many2one("hr.applicant.refuse.reason", readonly=True)
    declined_by = fields.Selection(DECLINED_BY, string="Ended By", readonly=True)
    reached_count = fields.Integer(
        string="Reached",
        readonly=True,
        help="Applications that reached this stage.",
    )
    left_count = fields.Integer(
        string="Left",
        readonly=True,
        help="Applications that ended with this stage as the furthest one.",
    )
    rejected_count = fields.Integer(
        string="We Rejected",
        readonly=True,
        help="Applications the company rejected at this stage.",
    )
    declined_count = fields.Integer(
        string="They Declined",
        readonly=True,
        help="Applications the candidate ended at this stage.",
    )
    drop_rate = fields.Float(
        string="Drop-off (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Share of the applications that reached the stage and ended there.",
    )

    def init(self):
        # The report reads hr_applicant.furthest_stage_id (one column, kept on
        # write) instead of aggregating the stage tracking of every application:
        # filters on the application (company, dates, job) stay sargable.
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    WITH reached AS (
                        SELECT a.id AS applicant_id,
                               a.candidate_id,
                               s.id AS stage_id,
                               s.sequence AS stage_sequence,
                               f.id AS furthest_stage_id,
                               a.job_id,
                               a.department_id,
                               a.source_id,
                               a.medium_id,
                               a.user_id,
                               a.company_id,
                               a.create_date AS application_date,
                               COALESCE(a.decline_date, a.refuse_date) AS end_date,
                               a.refuse_reason_id,
                               a.declined_by,
                               CASE WHEN s.id = f.id THEN a.declined_by END AS left_by
                          FROM hr_applicant a
                          -- The current stage when the furthest one was deleted.
                          JOIN hr_recruitment_stage f
                            ON f.id = COALESCE(a.furthest_stage_id, a.stage_id)
                          JOIN hr_recruitment_stage s
                            ON (s.sequence, s.id) <= (f.sequence, f.id)
                         WHERE s.id = f.id
                            OR NOT EXISTS (
                                SELECT 1 FROM hr_job_hr_recruitment_stage_rel r
                                 WHERE r.hr_recruitment_stage_id = s.id
                            )
                            OR EXISTS (
                                SELECT 1 FROM hr_job_hr_recruitment_stage_rel r
                                 WHERE r.hr_recruitment_stage_id = s.id
                                   AND r.hr_job_id = a.job_id
                            )
                    )
                    SELECT applicant_id::bigint * 100000 + stage_id AS id,
                           applicant_id,
                           candidate_id,
                           stage_id,
                           stage_sequence,
                           furthest_stage_id,
                           job_id,
                           department_id,
                           source_id,
                           medium_id,
                           user_id,
                           company_id,
                           application_date,
                           end_date,
                           refuse_reason_id,
                           declined_by,
                           1 AS reached_count,
                           (left_by IS NOT NULL)::int AS left_count,
                           COALESCE(left_by = 'company', FALSE)::int AS rejected_count,
                           COALESCE(left_by = 'candidate', FALSE)::int
                               AS declined_count,
                           CASE WHEN left_by IS NOT NULL THEN 100.0 ELSE 0.0 END::float
                               AS drop_rate
                      FROM reached
                )
                """,
                SQL.identifier(self._table),
            )
        )
