from odoo import fields, models, tools
from odoo.tools import SQL

# "Touched in the last 6 months".
TOUCH_DAYS = 183


class HrRecruitmentFollowupPoolReport(models.Model):
    """Talent pool health, as of now.

    One row per application in the follow-up stage *Talent pool* (archived or
    not: refused applications are archived).

    - **Touched in 6 months**: an outbound contact (manual or automated) was
      logged on the application in the last 183 days.
    - **Reactivated**: the same candidate applied again: an application of the
      same candidate created later than this one exists.
    - **Kept with consent**: the candidate is in the talent pool with their
      consent, not expired (``hr.candidate._talent_pool_accepts_contact``): only
      they receive the pool's follow-ups.
    """

    _name = "hr.recruitment.followup.pool.report"
    _description = "Talent Pool Health Analysis"
    _auto = False
    _rec_name = "applicant_id"
    _order = "pool_date desc, applicant_id"

    applicant_id = fields.Many2one("hr.applicant", readonly=True)
    candidate_id = fields.Many2one("hr.candidate", readonly=True)
    job_id = fields.Many2one("hr.job", string="Job Position", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    user_id = fields.Many2one("res.users", string="Recruiter", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    pool_date = fields.Datetime(string="In Pool Since", readonly=True)
    last_touch_date = fields.Datetime(string="Last Touch", readonly=True)
    reactivated_applicant_id = fields.Many2one(
        "hr.applicant",
        string="New Application",
        readonly=True,
        help="The candidate's first application created after this one.",
    )
    pool_count = fields.Integer(string="In Pool", readonly=True)
    kept_count = fields.Integer(
        string="Kept with Consent",
        readonly=True,
        help="The candidate agreed to stay in the talent pool: only they receive "
        "the pool's follow-ups.",
    )
    touched_count = fields.Integer(
        string="Touched in 6 Months",
        readonly=True,
        help="Contacted by us in the last 183 days.",
    )
    reactivated_count = fields.Integer(
        string="Reactivated",
        readonly=True,
        help="The candidate applied again after this application.",
    )
    touched_rate = fields.Float(
        string="Touched (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    reactivated_rate = fields.Float(
        string="Reactivated (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )

    def init(self):
        # One row per application of the pool (often half of the applications:
        # most candidates end there), so nothing is computed per row that a
        # column can give:
        # - the last outbound contact is hr_applicant.last_touch_date, kept with
        #   the contact log (looking it up in the log for each application,
        #   even from an index, was most of this report's time at 1M contacts);
        # - the candidate's later application is looked up only for candidates
        #   with several applications, found in one pass over the applications,
        #   and read from an index in the order it is looked for (candidate,
        #   creation): no sort per row, and PostgreSQL no longer compiles the
        #   query (JIT), which cost as much as running it at 100k applications.
        # No WITH clause: PostgreSQL merges the view into the report's query
        # and computes only the columns asked for.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hr_applicant_candidate_created_idx
            ON hr_applicant (candidate_id, create_date, id)
            """
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT a.id,
                           a.id AS applicant_id,
                           a.candidate_id,
                           a.job_id,
                           a.department_id,
                           a.user_id,
                           a.company_id,
                           a.followup_stage_date AS pool_date,
                           a.last_touch_date,
                           n.id AS reactivated_applicant_id,
                           1 AS pool_count,
                           COALESCE(
                               c.in_talent_pool
                               AND c.talent_pool_consent
                               AND (
                                   c.talent_pool_expiry IS NULL
                                   OR c.talent_pool_expiry >= CURRENT_DATE
                               ),
                               FALSE
                           )::int AS kept_count,
                           COALESCE(
                               a.last_touch_date >= %(since)s, FALSE
                           )::int AS touched_count,
                           (n.id IS NOT NULL)::int AS reactivated_count,
                           CASE WHEN a.last_touch_date >= %(since)s
                                THEN 100.0 ELSE 0.0 END::float AS touched_rate,
                           CASE WHEN n.id IS NOT NULL THEN 100.0 ELSE 0.0 END::float
                               AS reactivated_rate
                      FROM hr_applicant a
                      JOIN hr_candidate c ON c.id = a.candidate_id
                      LEFT JOIN (
                          SELECT candidate_id
                            FROM hr_applicant
                           GROUP BY candidate_id
                          HAVING COUNT(*) > 1
                      ) several ON several.candidate_id = a.candidate_id
                      LEFT JOIN LATERAL (
                          SELECT n.id
                            FROM hr_applicant n
                           WHERE several.candidate_id IS NOT NULL
                             AND n.candidate_id = a.candidate_id
                             AND n.create_date > a.create_date
                           ORDER BY n.create_date, n.id
                           LIMIT 1
                      ) n ON TRUE
                     WHERE a.followup_stage_id = (
                            SELECT res_id FROM ir_model_data
                             WHERE module = 'hr_recruitment_followup'
                               AND name = 'followup_stage_talent_pool'
                               AND model = 'hr.recruitment.followup.stage'
                           )
                )
                """,
                view=SQL.identifier(self._table),
                since=SQL(
                    "(NOW() AT TIME ZONE 'UTC') - %s * INTERVAL '1 day'", TOUCH_DAYS
                ),
            )
        )
