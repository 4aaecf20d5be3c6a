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
        # Per-row index probes on purpose: the pool is a small part of the
        # applications, while a join + aggregate would read every outbound
        # contact. The last outbound contact uses
        # hr_applicant_contact_log_outbound_idx (created by the follow-up SLA
        # report); the candidate's later application the index on
        # hr_applicant.candidate_id.
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    WITH pool AS (
                        SELECT a.id, a.candidate_id, a.job_id, a.department_id,
                               a.user_id, a.company_id, a.create_date,
                               a.followup_stage_date,
                               COALESCE(
                                   c.in_talent_pool
                                   AND c.talent_pool_consent
                                   AND (
                                       c.talent_pool_expiry IS NULL
                                       OR c.talent_pool_expiry >= CURRENT_DATE
                                   ),
                                   FALSE
                               ) AS kept,
                               (
                                   SELECT MAX(l.contact_date)
                                     FROM hr_applicant_contact_log l
                                    WHERE l.applicant_id = a.id
                                      AND l.direction = 'outbound'
                               ) AS last_touch,
                               (
                                   SELECT n.id
                                     FROM hr_applicant n
                                    WHERE n.candidate_id = a.candidate_id
                                      AND n.create_date > a.create_date
                                    ORDER BY n.create_date, n.id
                                    LIMIT 1
                               ) AS new_applicant_id
                          FROM hr_applicant a
                          JOIN hr_candidate c ON c.id = a.candidate_id
                         WHERE a.followup_stage_id = (
                                SELECT res_id FROM ir_model_data
                                 WHERE module = 'hr_recruitment_followup'
                                   AND name = 'followup_stage_talent_pool'
                                   AND model = 'hr.recruitment.followup.stage'
                               )
                    ),
                    flagged AS (
                        SELECT pool.*,
                               COALESCE(
                                   last_touch >= (NOW() AT TIME ZONE 'UTC')
                                       - %(days)s * INTERVAL '1 day',
                                   FALSE
                               ) AS touched,
                               new_applicant_id IS NOT NULL AS reactivated
                          FROM pool
                    )
                    SELECT id,
                           id AS applicant_id,
                           candidate_id,
                           job_id,
                           department_id,
                           user_id,
                           company_id,
                           followup_stage_date AS pool_date,
                           last_touch AS last_touch_date,
                           new_applicant_id AS reactivated_applicant_id,
                           1 AS pool_count,
                           kept::int AS kept_count,
                           touched::int AS touched_count,
                           reactivated::int AS reactivated_count,
                           CASE WHEN touched THEN 100.0 ELSE 0.0 END::float
                               AS touched_rate,
                           CASE WHEN reactivated THEN 100.0 ELSE 0.0 END::float
                               AS reactivated_rate
                      FROM flagged
                )
                """,
                view=SQL.identifier(self._table),
                days=TOUCH_DAYS,
            )
        )
