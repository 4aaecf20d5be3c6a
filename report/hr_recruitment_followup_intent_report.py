from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.hr_applicant_candidate_page import ONBOARDING_INTENTS


class HrRecruitmentFollowupIntentReport(models.Model):
    """Does the confirmation before the first day predict no-shows?

    One row per hire with a first day (onboarding pending, started, abandoned
    or no-show), with what the candidate answered on their page: confirmed,
    hesitant, or no answer. The rates are the share of hires, per intent, that
    did not come (no-show) or gave up before the first day (abandoned).
    """

    _name = "hr.recruitment.followup.intent.report"
    _description = "Onboarding Intent Analysis"
    _auto = False
    _rec_name = "applicant_id"
    _order = "start_date desc, applicant_id"

    applicant_id = fields.Many2one("hr.applicant", readonly=True)
    job_id = fields.Many2one("hr.job", string="Job Position", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    user_id = fields.Many2one("res.users", string="Recruiter", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    start_date = fields.Date(string="First Day", readonly=True)
    intent = fields.Selection(
        [*ONBOARDING_INTENTS, ("no_answer", "No answer")],
        string="Intent to Join",
        readonly=True,
    )
    onboarding_state = fields.Selection(
        [
            ("pending_start", "Pending start"),
            ("started", "Started"),
            ("abandoned", "Abandoned"),
            ("no_show", "No-show"),
        ],
        string="Onboarding",
        readonly=True,
    )
    hire_count = fields.Integer(string="Hires", readonly=True)
    no_show_count = fields.Integer(string="No-shows", readonly=True)
    abandoned_count = fields.Integer(string="Abandoned", readonly=True)
    no_show_rate = fields.Float(
        string="No-show (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    abandoned_rate = fields.Float(
        string="Abandoned (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT a.id AS id,
                           a.id AS applicant_id,
                           a.job_id,
                           a.department_id,
                           a.user_id,
                           a.company_id,
                           a.start_date,
                           COALESCE(a.onboarding_intent, 'no_answer') AS intent,
                           a.onboarding_state,
                           1 AS hire_count,
                           (a.onboarding_state = 'no_show')::int AS no_show_count,
                           (a.onboarding_state = 'abandoned')::int AS abandoned_count,
                           CASE WHEN a.onboarding_state = 'no_show'
                                THEN 100.0 ELSE 0.0 END AS no_show_rate,
                           CASE WHEN a.onboarding_state = 'abandoned'
                                THEN 100.0 ELSE 0.0 END AS abandoned_rate
                      FROM hr_applicant a
                     WHERE a.onboarding_state IS NOT NULL
                       AND a.start_date IS NOT NULL
                )
                """,
                SQL.identifier(self._table),
            )
        )
