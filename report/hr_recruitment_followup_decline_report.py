from odoo import fields, models, tools
from odoo.tools import SQL

SALARY_GAP_BANDS = [
    ("none", "No salary data"),
    ("met", "Offer met expectation"),
    ("below_10", "Under 10% below expectation"),
    ("below_20", "10-20% below expectation"),
    ("below_more", "20% or more below expectation"),
]


class HrRecruitmentFollowupDeclineReport(models.Model):
    """Why candidates decline: one row per (declined application, reason).

    Applications the candidate ended (``declined_by = 'candidate'``, archived or
    not). An application with several reasons has a row for each of them; one
    without a reason has a single row without reason. *Declined Applicants*
    counts applications (distinct), *Share (%)* is the share of the declined
    applications of the current filter that gave the reason (with several
    reasons an application counts for each, so shares may add up to more than
    100%), *Mentions* counts rows. *Declined On*: the decline date, else the
    refusal date, else the date the application entered its follow-up stage.
    Salary gap = expected minus proposed salary, when both are known; salaries
    are averaged per application.
    """

    _name = "hr.recruitment.followup.decline.report"
    _inherit = "hr.recruitment.followup.report.mixin"
    _description = "Offer Decline Analysis"
    _auto = False
    _rec_name = "reason_id"
    _order = "decline_date desc, applicant_id, reason_sequence"

    applicant_id = fields.Many2one(
        "hr.applicant", string="Declined Applicants", readonly=True
    )
    candidate_id = fields.Many2one("hr.candidate", readonly=True)
    reason_id = fields.Many2one(
        "hr.applicant.decline.reason", string="Decline Reason", readonly=True
    )
    reason_sequence = fields.Integer(readonly=True, aggregator=None)
    job_id = fields.Many2one("hr.job", string="Job Position", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    user_id = fields.Many2one("res.users", string="Recruiter", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    stage_id = fields.Many2one(
        "hr.recruitment.stage", string="Declined At Stage", readonly=True
    )
    decline_date = fields.Datetime(string="Declined On", readonly=True)
    mention_count = fields.Integer(
        string="Mentions",
        readonly=True,
        help="Times the reason was given (an application may give several).",
    )
    share = fields.Float(
        string="Share (%)",
        readonly=True,
        aggregator="share",
        digits=(16, 1),
        help="Declined applications in the group, as a share of the declined "
        "applications of the current filter.",
    )
    # Salaries are averaged per application (key_avg): an application with
    # several reasons counts once in every group.
    salary_expected = fields.Float(
        string="Expected Salary", readonly=True, aggregator="key_avg"
    )
    salary_proposed = fields.Float(
        string="Proposed Salary", readonly=True, aggregator="key_avg"
    )
    salary_gap = fields.Float(
        readonly=True,
        aggregator="key_avg",
        help="Expected minus proposed salary, when both are known.",
    )
    salary_gap_percent = fields.Float(
        string="Salary Gap (%)",
        readonly=True,
        aggregator="key_avg",
        digits=(16, 1),
        help="The salary gap as a share of the expected salary.",
    )
    salary_gap_band = fields.Selection(SALARY_GAP_BANDS, readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # Declined applications are found by hr_applicant.declined_by (partial
        # index hr_applicant__declined_by_index, btree_not_null).
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    WITH declined AS (
                        SELECT a.id, a.candidate_id, a.job_id, a.department_id,
                               a.user_id, a.company_id, a.stage_id, a.decline_date,
                               a.refuse_date, a.followup_stage_date,
                               a.salary_expected, a.salary_proposed,
                               CASE WHEN a.salary_expected > 0
                                     AND a.salary_proposed > 0
                                    THEN a.salary_expected - a.salary_proposed
                               END AS gap
                          FROM hr_applicant a
                         WHERE a.declined_by = 'candidate'
                    )
                    SELECT d.id::bigint * 100000 + COALESCE(rel.reason_id, 0) AS id,
                           d.id AS applicant_id,
                           d.candidate_id,
                           rel.reason_id,
                           reason.sequence AS reason_sequence,
                           d.job_id,
                           d.department_id,
                           d.user_id,
                           d.company_id,
                           d.stage_id,
                           COALESCE(
                               d.decline_date, d.refuse_date, d.followup_stage_date
                           ) AS decline_date,
                           1 AS mention_count,
                           NULL::float AS share,
                           NULLIF(d.salary_expected, 0) AS salary_expected,
                           NULLIF(d.salary_proposed, 0) AS salary_proposed,
                           d.gap AS salary_gap,
                           (d.gap * 100.0 / NULLIF(d.salary_expected, 0))::float
                               AS salary_gap_percent,
                           CASE
                               WHEN d.gap IS NULL THEN 'none'
                               WHEN d.gap <= 0 THEN 'met'
                               WHEN d.gap < 0.1 * d.salary_expected THEN 'below_10'
                               WHEN d.gap < 0.2 * d.salary_expected THEN 'below_20'
                               ELSE 'below_more'
                           END AS salary_gap_band
                      FROM declined d
                      LEFT JOIN hr_applicant_decline_reason_rel rel
                        ON rel.applicant_id = d.id
                      LEFT JOIN hr_applicant_decline_reason reason
                        ON reason.id = rel.reason_id
                )
                """,
                SQL.identifier(self._table),
            )
        )
