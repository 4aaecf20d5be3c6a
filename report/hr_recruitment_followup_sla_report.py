from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.hr_applicant_contact_log import LOG_CHANNELS

SLA_HOURS = 24
SLA_STATUSES = [
    ("on_time", "Contacted within 24 hours"),
    ("late", "Contacted after 24 hours"),
    ("missed", "Not contacted, 24 hours passed"),
    ("pending", "Not contacted yet, within 24 hours"),
]


class HrRecruitmentFollowupSlaReport(models.Model):
    """Follow-up after the interview, per recruiter: was the candidate contacted
    within 24 hours of the interview's end?

    One row per application with an interview that has ended (a calendar event
    of the application, not archived; the latest one counts). The follow-up is
    the first outbound contact logged on the application at or after the end of
    that interview (manual or automated); the delay is counted in hours. An
    email counts once it left (dated then), never while it waits in the queue,
    nor when it bounced or failed. The recruiter is the application's
    recruiter.

    *Within 24h (%)* is the share of interviews whose follow-up came within 24
    hours, among those contacted or whose 24 hours have passed (an interview that
    ended less than 24 hours ago without contact is still pending and not
    counted). *Median Delay* and *Average Delay* count contacted applications
    only.
    """

    _name = "hr.recruitment.followup.sla.report"
    _inherit = "hr.recruitment.followup.report.mixin"
    _description = "Follow-up SLA Analysis"
    _auto = False
    _rec_name = "applicant_id"
    _order = "interview_end desc, applicant_id"

    applicant_id = fields.Many2one("hr.applicant", readonly=True)
    candidate_id = fields.Many2one("hr.candidate", readonly=True)
    user_id = fields.Many2one("res.users", string="Recruiter", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    job_id = fields.Many2one("hr.job", string="Job Position", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    interview_end = fields.Datetime(readonly=True)
    first_contact_date = fields.Datetime(string="First Follow-up", readonly=True)
    first_contact_channel = fields.Selection(
        LOG_CHANNELS, string="Follow-up Channel", readonly=True
    )
    first_contact_automated = fields.Boolean(
        string="Automated Follow-up", readonly=True
    )
    sla_status = fields.Selection(SLA_STATUSES, string="Follow-up", readonly=True)
    interview_count = fields.Integer(string="Interviews", readonly=True)
    on_time_count = fields.Integer(string="Within 24h", readonly=True)
    late_count = fields.Integer(string="After 24h", readonly=True)
    missed_count = fields.Integer(string="Not Contacted", readonly=True)
    on_time_rate = fields.Float(
        string="Within 24h (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Interviews followed up within 24 hours, among those contacted or "
        "whose 24 hours have passed.",
    )
    delay_hours = fields.Float(
        string="Average Delay (h)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Hours from the end of the interview to the first follow-up.",
    )
    median_delay_hours = fields.Float(
        string="Median Delay (h)",
        readonly=True,
        aggregator="median",
        digits=(16, 1),
        help="Median of the hours from the end of the interview to the first "
        "follow-up.",
    )

    # What became of the emails the recruiter was to review (see
    # hr.applicant.followup.draft), counted on the application's row.
    review_sent_count = fields.Integer(
        string="Reviewed, Sent on Time",
        readonly=True,
        help="Emails to review that the recruiter sent before their deadline.",
    )
    review_late_count = fields.Integer(
        string="Reviewed, Sent Late",
        readonly=True,
        help="Emails to review that the recruiter sent after their deadline.",
    )
    review_unreviewed_count = fields.Integer(
        string="Sent Unreviewed",
        readonly=True,
        help="Emails nobody reviewed by their deadline, sent as they were.",
    )
    review_dropped_count = fields.Integer(
        string="Dropped Unreviewed",
        readonly=True,
        help="Emails nobody reviewed by their deadline, dropped.",
    )

    def init(self):
        cr = self.env.cr
        # First outbound contact of an application after a date (this report) and
        # last outbound contact of an application (talent pool report): one index
        # probe per application.
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hr_applicant_contact_log_outbound_idx
            ON hr_applicant_contact_log (applicant_id, contact_date, id)
            WHERE direction = 'outbound'
            """
        )
        # Latest ended interview of each application (this report): an index-only
        # scan instead of reading every calendar event.
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS calendar_event_applicant_stop_idx
            ON calendar_event (applicant_id, stop)
            WHERE applicant_id IS NOT NULL AND active
            """
        )
        tools.drop_view_if_exists(cr, self._table)
        cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    WITH interview AS (
                        SELECT ev.applicant_id, MAX(ev.stop) AS interview_end
                          FROM calendar_event ev
                         WHERE ev.applicant_id IS NOT NULL
                           AND ev.active
                           AND ev.stop <= (NOW() AT TIME ZONE 'UTC')
                         GROUP BY ev.applicant_id
                    ),
                    followup AS (
                        SELECT a.id AS applicant_id,
                               a.candidate_id, a.user_id, a.company_id, a.job_id,
                               a.department_id,
                               i.interview_end,
                               fc.contact_date,
                               fc.channel,
                               fc.automated,
                               EXTRACT(
                                   EPOCH FROM fc.contact_date - i.interview_end
                               )::float / 3600.0 AS delay,
                               i.interview_end + %(hours)s * INTERVAL '1 hour'
                                   < (NOW() AT TIME ZONE 'UTC') AS window_closed
                          FROM interview i
                          JOIN hr_applicant a ON a.id = i.applicant_id
                          LEFT JOIN LATERAL (
                              SELECT l.contact_date, l.channel, l.automated
                                FROM hr_applicant_contact_log l
                               WHERE l.applicant_id = a.id
                                 AND l.direction = 'outbound'
                                 AND l.contact_date >= i.interview_end
                                 AND (l.delivery_state IS NULL
                                      OR l.delivery_state = 'sent')
                               ORDER BY l.contact_date, l.id
                               LIMIT 1
                          ) fc ON TRUE
                    )
                    SELECT f.applicant_id AS id,
                           f.applicant_id,
                           f.candidate_id,
                           f.user_id,
                           f.company_id,
                           f.job_id,
                           f.department_id,
                           f.interview_end,
                           f.contact_date AS first_contact_date,
                           f.channel AS first_contact_channel,
                           f.automated AS first_contact_automated,
                           CASE
                               WHEN f.delay <= %(hours)s THEN 'on_time'
                               WHEN f.delay IS NOT NULL THEN 'late'
                               WHEN f.window_closed THEN 'missed'
                               ELSE 'pending'
                           END AS sla_status,
                           1 AS interview_count,
                           COALESCE(f.delay <= %(hours)s, FALSE)::int AS on_time_count,
                           COALESCE(f.delay > %(hours)s, FALSE)::int AS late_count,
                           (f.delay IS NULL AND f.window_closed)::int AS missed_count,
                           CASE
                               WHEN f.delay <= %(hours)s THEN 100.0
                               WHEN f.delay IS NOT NULL OR f.window_closed THEN 0.0
                           END::float AS on_time_rate,
                           f.delay AS delay_hours,
                           f.delay AS median_delay_hours,
                           COALESCE(r.sent, 0) AS review_sent_count,
                           COALESCE(r.late, 0) AS review_late_count,
                           COALESCE(r.unreviewed, 0) AS review_unreviewed_count,
                           COALESCE(r.dropped, 0) AS review_dropped_count
                      FROM followup f
                      LEFT JOIN LATERAL (
                          SELECT COUNT(*) FILTER (WHERE d.state = 'sent') AS sent,
                                 COUNT(*) FILTER (
                                     WHERE d.state = 'sent_late') AS late,
                                 COUNT(*) FILTER (
                                     WHERE d.state = 'sent_unreviewed') AS unreviewed,
                                 COUNT(*) FILTER (
                                     WHERE d.state = 'dropped') AS dropped
                            FROM hr_applicant_followup_draft d
                           WHERE d.applicant_id = f.applicant_id
                      ) r ON TRUE
                )
                """,
                view=SQL.identifier(self._table),
                hours=SLA_HOURS,
            )
        )
