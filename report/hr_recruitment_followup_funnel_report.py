from odoo import fields, models, tools
from odoo.tools import SQL
from odoo.tools.query import Query

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

    Totals count applications, not stage visits: an application is one row
    per stage it reached, so summing *Reached* over the stages (66 rows for 19
    applications) or averaging the drop-off over those rows means nothing.
    *Reached* counts distinct applications and the drop-off is *Left* over
    them, in every group (the same figures as before within one stage) and in
    the pivot's Total row (see ``_read_group_select``). *Left* and its split
    add up as they are: an application leaves at one stage only.
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
        help="Applications that reached this stage. A total counts each application "
        "once, whatever the number of stages it reached.",
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

    def _read_group_select(self, aggregate_spec: str, query: Query) -> SQL:
        # As purchase_stock's vendor delay report: aggregates whose plain
        # SUM/AVG over the rows would count an application once per stage.
        applicants = SQL(
            "COUNT(DISTINCT %s)",
            self._field_to_sql(self._table, "applicant_id", query),
        )
        if aggregate_spec == "reached_count:sum":
            return applicants
        if aggregate_spec == "drop_rate:avg":
            return SQL(
                "100.0::float8 * SUM(%s) / NULLIF(%s, 0)",
                self._field_to_sql(self._table, "left_count", query),
                applicants,
            )
        return super()._read_group_select(aggregate_spec, query)

    def init(self):
        # The report reads hr_applicant.furthest_stage_id (one column, kept on
        # write) instead of aggregating the stage tracking of every application:
        # filters on the application (company, dates, job) stay sargable.
        # The pipeline's pairs (furthest stage, stage reached before it, with
        # the jobs the stage is reserved to) come first, from the few stages
        # (OFFSET 0 keeps PostgreSQL from merging them into the main join):
        # each application then joins its own pairs by equality, instead of
        # every stage being compared with its furthest one. The view has no
        # WITH clause, so that PostgreSQL merges it into the report's query and
        # computes only the columns asked for.
        cr = self.env.cr
        tools.drop_view_if_exists(cr, self._table)
        # Statistics for the estimates. Stages are a few rows that autovacuum
        # never analyzes (it waits for 50 changes): unanalyzed, PostgreSQL
        # assumed hundreds, estimated millions of rows for this view at 100k
        # applications and compiled the query (JIT), which took longer than
        # running it. And the furthest stage of an application, an expression,
        # gets its own statistics: without them PostgreSQL expected a few
        # hundred rows and sorted the 285k real ones on disk to group them.
        cr.execute(
            """
            CREATE STATISTICS IF NOT EXISTS hr_applicant_furthest_stage_stat
            ON (COALESCE(furthest_stage_id, stage_id)) FROM hr_applicant
            """
        )
        cr.execute(
            "ANALYZE hr_recruitment_stage, hr_job_hr_recruitment_stage_rel, "
            "hr_applicant"
        )
        cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT a.id::bigint * 100000 + p.stage_id AS id,
                           a.id AS applicant_id,
                           a.candidate_id,
                           p.stage_id,
                           p.stage_sequence,
                           p.furthest_id AS furthest_stage_id,
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
                           1 AS reached_count,
                           (
                               p.stage_id = p.furthest_id
                               AND a.declined_by IS NOT NULL
                           )::int AS left_count,
                           COALESCE(
                               p.stage_id = p.furthest_id
                               AND a.declined_by = 'company',
                               FALSE
                           )::int AS rejected_count,
                           COALESCE(
                               p.stage_id = p.furthest_id
                               AND a.declined_by = 'candidate',
                               FALSE
                           )::int AS declined_count,
                           CASE WHEN p.stage_id = p.furthest_id
                                     AND a.declined_by IS NOT NULL
                                THEN 100.0 ELSE 0.0 END::float AS drop_rate
                      FROM hr_applicant a
                      -- The current stage when the furthest one was deleted.
                      JOIN (
                          SELECT f.id AS furthest_id,
                                 s.id AS stage_id,
                                 s.sequence AS stage_sequence,
                                 (
                                     SELECT ARRAY_AGG(r.hr_job_id)
                                       FROM hr_job_hr_recruitment_stage_rel r
                                      WHERE r.hr_recruitment_stage_id = s.id
                                 ) AS job_ids
                            FROM hr_recruitment_stage f
                            JOIN hr_recruitment_stage s
                              ON (s.sequence, s.id) <= (f.sequence, f.id)
                          OFFSET 0
                      ) p ON p.furthest_id = COALESCE(a.furthest_stage_id, a.stage_id)
                     WHERE p.stage_id = p.furthest_id
                        OR p.job_ids IS NULL
                        OR a.job_id = ANY(p.job_ids)
                )
                """,
                SQL.identifier(self._table),
            )
        )
