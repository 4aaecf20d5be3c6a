from odoo import fields, models, tools
from odoo.tools import SQL

# "Touched in the last 6 months".
TOUCH_DAYS = 183


class HrRecruitmentFollowupPoolReport(models.Model):
    """Talent pool health, as of now.

    One row per candidate in the talent pool: with their consent, not expired
    (``hr.candidate._talent_pool_accepts_contact``, the one truth the pool's
    follow-ups and the re-activation read too), whatever the follow-up stage of
    their applications. Job, department, recruiter and company are those of the
    candidate's latest application, the one that carries the pool's follow-ups.

    - **Touched in 6 months**: an outbound contact (manual or automated) was
      logged on one of the candidate's applications in the last 183 days.
    - **Reactivated**: the candidate applied again after joining the pool: an
      application created after the day they joined (or that day, and not
      refused).
    """

    _name = "hr.recruitment.followup.pool.report"
    _description = "Talent Pool Health Analysis"
    _auto = False
    _rec_name = "candidate_id"
    _order = "pool_date desc, candidate_id"

    applicant_id = fields.Many2one(
        "hr.applicant",
        string="Latest Application",
        readonly=True,
        help="The candidate's latest application: it carries the pool's follow-ups.",
    )
    candidate_id = fields.Many2one("hr.candidate", readonly=True)
    job_id = fields.Many2one("hr.job", string="Job Position", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    user_id = fields.Many2one("res.users", string="Recruiter", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    pool_date = fields.Date(string="In Pool Since", readonly=True)
    pool_expiry = fields.Date(readonly=True)
    last_touch_date = fields.Datetime(string="Last Touch", readonly=True)
    reactivated_applicant_id = fields.Many2one(
        "hr.applicant",
        string="New Application",
        readonly=True,
        help="The candidate's first application after joining the pool.",
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
        help="The candidate applied again after joining the pool.",
    )
    touched_rate = fields.Float(
        string="Touched (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    reactivated_rate = fields.Float(
        string="Reactivated (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )

    def init(self):
        # One row per candidate of the pool (consent, not expired: a few
        # thousand at most), found by hr_candidate.in_talent_pool (indexed).
        # Their applications are read from the (candidate, creation) index:
        # the latest one backwards, the last touch and the first application
        # after joining forwards. No WITH clause: PostgreSQL merges the view
        # into the report's query and computes only the columns asked for.
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
                    SELECT c.id,
                           a.id AS applicant_id,
                           c.id AS candidate_id,
                           a.job_id,
                           a.department_id,
                           a.user_id,
                           COALESCE(a.company_id, c.company_id) AS company_id,
                           c.talent_pool_date AS pool_date,
                           c.talent_pool_expiry AS pool_expiry,
                           t.last_touch_date,
                           n.id AS reactivated_applicant_id,
                           1 AS pool_count,
                           1 AS kept_count,
                           COALESCE(
                               t.last_touch_date >= %(since)s, FALSE
                           )::int AS touched_count,
                           (n.id IS NOT NULL)::int AS reactivated_count,
                           CASE WHEN t.last_touch_date >= %(since)s
                                THEN 100.0 ELSE 0.0 END::float AS touched_rate,
                           CASE WHEN n.id IS NOT NULL THEN 100.0 ELSE 0.0 END::float
                               AS reactivated_rate
                      FROM hr_candidate c
                      LEFT JOIN LATERAL (
                          SELECT l.id, l.job_id, l.department_id, l.user_id,
                                 l.company_id
                            FROM hr_applicant l
                           WHERE l.candidate_id = c.id
                           ORDER BY l.create_date DESC, l.id DESC
                           LIMIT 1
                      ) a ON TRUE
                      LEFT JOIN LATERAL (
                          SELECT MAX(o.last_touch_date) AS last_touch_date
                            FROM hr_applicant o
                           WHERE o.candidate_id = c.id
                      ) t ON TRUE
                      LEFT JOIN LATERAL (
                          SELECT n.id
                            FROM hr_applicant n
                           WHERE n.candidate_id = c.id
                             AND n.create_date >= c.talent_pool_date
                             AND (
                                 n.create_date >= c.talent_pool_date + 1
                                 OR n.refuse_reason_id IS NULL
                             )
                           ORDER BY n.create_date, n.id
                           LIMIT 1
                      ) n ON TRUE
                     WHERE c.in_talent_pool
                       AND c.talent_pool_consent
                       AND (
                           c.talent_pool_expiry IS NULL
                           OR c.talent_pool_expiry >= CURRENT_DATE
                       )
                )
                """,
                view=SQL.identifier(self._table),
                since=SQL(
                    "(NOW() AT TIME ZONE 'UTC') - %s * INTERVAL '1 day'", TOUCH_DAYS
                ),
            )
        )
