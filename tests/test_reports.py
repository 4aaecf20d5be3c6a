from datetime import timedelta

from lxml import etree
from lxml import html as lxml_html

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from .common import FollowupCommon

FUNNEL = "hr.recruitment.followup.funnel.report"
DECLINE = "hr.recruitment.followup.decline.report"
SLA = "hr.recruitment.followup.sla.report"
POOL = "hr.recruitment.followup.pool.report"
SUMMARY_REPORT = "hr_recruitment_followup.action_report_followup_summary"
REPORT_ACTIONS = {
    FUNNEL: "hr_recruitment_followup.hr_recruitment_followup_funnel_report_action",
    DECLINE: "hr_recruitment_followup.hr_recruitment_followup_decline_report_action",
    SLA: "hr_recruitment_followup.hr_recruitment_followup_sla_report_action",
    POOL: "hr_recruitment_followup.hr_recruitment_followup_pool_report_action",
}
SLA_AGGREGATES = (
    "interview_count:sum",
    "on_time_count:sum",
    "late_count:sum",
    "missed_count:sum",
    "on_time_rate:avg",
    "median_delay_hours:median",
    "delay_hours:avg",
)
# The rows a report's pivot opens with.
DEFAULT_ROWS = {
    FUNNEL: "stage_id",
    DECLINE: "reason_id",
    SLA: "user_id",
    POOL: "job_id",
}


class ReportsCommon(FollowupCommon):
    """A known recruitment in a company of its own, and a second company.

    Company A, jobs "Java Developer" (A) and "Sales Representative" (B) with a
    stage "Technical Test" reserved to job A, between the first and the second
    interview. Furthest stages: A1, A2, A6, A9 second interview (A6 moved back
    to the first one), A3 contract proposal, A4, A7 first interview, A5 contract
    signed, A8 new. Ended: A1 (we rejected) and A2, A9 (they declined) at the
    second interview, A3 (they declined) at the proposal, A4 (they declined) and
    A7 (we rejected) at the first interview.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Rules would plan follow-ups of their own: the overdue counts below are
        # the planned contacts of the log only.
        cls.env["hr.recruitment.followup.rule"].search([]).active = False
        cls.now = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        cls.today = fields.Date.context_today(cls.recruiter)
        cls.company_a = cls.env["res.company"].create({"name": "Followup Reports A"})
        cls.company_b = cls.env["res.company"].create({"name": "Followup Reports B"})
        cls.rec_a = cls._user("fu_rep_rec_a", "Recruiter Li", cls.company_a)
        cls.rec_b = cls._user("fu_rep_rec_b", "Recruiter Chen", cls.company_a)
        cls.officer_b = cls._user("fu_rep_officer_b", "Officer Zhou", cls.company_b)
        cls.manager_ab = new_test_user(
            cls.env,
            "fu_rep_manager_ab",
            groups="hr_recruitment.group_hr_recruitment_manager",
            name="HR Director Sun",
            company_id=cls.company_a.id,
            company_ids=[Command.set((cls.company_a | cls.company_b).ids)],
        )
        cls.interviewer_a = new_test_user(
            cls.env,
            "fu_rep_interviewer_a",
            groups="hr_recruitment.group_hr_recruitment_interviewer",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.stage_qualification = cls.env.ref("hr_recruitment.stage_job1")
        cls.dept_eng = cls.env["hr.department"].create(
            {"name": "Engineering A", "company_id": cls.company_a.id}
        )
        cls.dept_sales = cls.env["hr.department"].create(
            {"name": "Sales A", "company_id": cls.company_a.id}
        )
        Job = cls.env["hr.job"]
        cls.job_a = Job.create(
            {
                "name": "Java Developer",
                "company_id": cls.company_a.id,
                "department_id": cls.dept_eng.id,
            }
        )
        cls.job_b = Job.create(
            {
                "name": "Sales Representative",
                "company_id": cls.company_a.id,
                "department_id": cls.dept_sales.id,
            }
        )
        cls.job_c = Job.create({"name": "Data Analyst", "company_id": cls.company_a.id})
        # Same sequence as the first interview, created later: right after it.
        cls.stage_test = cls.env["hr.recruitment.stage"].create(
            {
                "name": "Technical Test",
                "sequence": cls.stage_first.sequence,
                "job_ids": [Command.link(cls.job_a.id)],
            }
        )
        cls.linkedin = cls.env["utm.source"].create({"name": "LinkedIn FU"})
        cls.referral = cls.env["utm.source"].create({"name": "Referral FU"})
        cls.reject = cls.env.ref("hr_recruitment.refuse_reason_1")
        cls.declined_job_fit = cls.env.ref("hr_recruitment.refuse_reason_2")
        cls.offer_declined = cls.env.ref(
            "hr_recruitment_followup.refuse_reason_offer_declined"
        )
        cls.reason_salary = cls.env.ref("hr_recruitment_followup.decline_reason_salary")
        cls.reason_other_offer = cls.env.ref(
            "hr_recruitment_followup.decline_reason_other_offer"
        )
        cls.reason_location = cls.env.ref(
            "hr_recruitment_followup.decline_reason_location"
        )
        path_second = [cls.stage_first, cls.stage_second]
        path_proposal = [*path_second, cls.stage_proposal]
        A = cls._pipeline_applicant
        cls.a1 = A("A1", cls.job_a, cls.rec_a, path_second, source=cls.linkedin)
        cls.a2 = A("A2", cls.job_a, cls.rec_a, path_second, source=cls.linkedin)
        cls.a3 = A("A3", cls.job_a, cls.rec_b, path_proposal)
        cls.a4 = A("A4", cls.job_a, cls.rec_a, [cls.stage_first])
        cls.a5 = A("A5", cls.job_a, cls.rec_a, [*path_proposal, cls.stage_signed])
        cls.a6 = A("A6", cls.job_a, cls.rec_a, [*path_second, cls.stage_first])
        cls.a7 = A("A7", cls.job_b, cls.rec_b, [cls.stage_first], source=cls.referral)
        cls.a8 = A("A8", cls.job_b, cls.rec_b, [])
        cls.a9 = A("A9", cls.job_b, cls.rec_b, [cls.stage_second])
        days = cls._days_ago
        cls._refuse(cls.a1, cls.reject, days(2))
        cls._decline(
            cls.a2,
            days(2),
            decline_date=days(3),
            reasons=cls.reason_salary | cls.reason_other_offer,
            expected=30000,
            proposed=25000,
        )
        cls._decline(
            cls.a3,
            days(2),
            decline_date=days(20),
            reasons=cls.reason_salary,
            expected=20000,
            proposed=19000,
        )
        # Declined after the first interview: no reason, no salary, stays in the
        # talent pool.
        cls._refuse(cls.a4, cls.declined_job_fit, days(4))
        cls._refuse(cls.a7, cls.reject, days(2))
        cls._decline(
            cls.a9,
            days(2),
            decline_date=days(1),
            reasons=cls.reason_location,
            expected=10000,
            proposed=10000,
        )
        # The talent pool (job C): P1 touched a month ago, P2 touched 200 days ago
        # (and wrote to us 10 days ago), P3 applied again (P3b).
        cls.p1 = A("P1", cls.job_c, cls.rec_b, [cls.stage_first])
        cls.p2 = A("P2", cls.job_c, cls.rec_b, [cls.stage_first])
        cls.p3 = A("P3", cls.job_c, cls.rec_b, [cls.stage_first])
        for pool_applicant in cls.p1 | cls.p2 | cls.p3:
            cls._refuse(pool_applicant, cls.reject, days(60))
        # P1 agreed to stay in the pool; P2 too, but it expired.
        cls.p1.candidate_id._talent_pool_add(
            "Strong SQL", cls.today + timedelta(days=365)
        )
        cls.p2.candidate_id._talent_pool_add(
            "Good analyst", cls.today + timedelta(days=1)
        )
        # Expired yesterday: the pool counts its expiry dates in the server's
        # calendar (UTC), not the recruiter's.
        cls.p2.candidate_id.talent_pool_expiry = fields.Date.today() - timedelta(days=1)
        # P3 joined the pool and applied again; A9 withdrew at the second
        # interview and then agreed to join the pool: the pool is the candidates
        # with their consent, whatever the stage of their applications.
        cls.p3.candidate_id._talent_pool_add(
            "Good with dashboards", cls.today + timedelta(days=365)
        )
        cls.a9.candidate_id._talent_pool_add(
            "Declined for the commute", cls.today + timedelta(days=365)
        )
        cls.p3b = cls._pipeline_applicant(
            "P3 again", cls.job_c, cls.rec_a, [], candidate=cls.p3.candidate_id
        )
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE hr_applicant SET create_date = %s WHERE id = %s",
            (cls.now - timedelta(days=100), cls.p3.id),
        )
        cls.env.invalidate_all()

        # Interviews: A5 (2 h to the first contact), A6 (30 h), A2 (10 h,
        # automated), A3 (never contacted), A9 (20 h), A8 (ended 2 hours ago,
        # pending); A1's interview is to come, A4's was cancelled.
        cls.t1 = cls._interview(cls.a5, 10).stop
        cls._interview(cls.a5, 12)
        cls.t2 = cls._interview(cls.a6, 8).stop
        cls.t3 = cls._interview(cls.a2, 6).stop
        cls._interview(cls.a3, 5)
        cls.t5 = cls._interview(cls.a9, 3).stop
        cls._interview(cls.a8, 0, hours=2)
        cls._interview(cls.a1, -2)
        cls._interview(cls.a4, 4).active = False
        log = cls._log
        log(
            cls.a5,
            cls.t1 + timedelta(hours=1),
            "wechat",
            cls.rec_a,
            direction="inbound",
        )
        log(cls.a5, cls.t1 + timedelta(hours=2), "phone", cls.rec_a)
        log(cls.a6, cls.t2 - timedelta(hours=5), "email", cls.rec_a)
        log(
            cls.a6,
            cls.t2 + timedelta(hours=30),
            "wechat",
            cls.rec_a,
            next_contact_date=cls.today - timedelta(days=2),
        )
        log(cls.a2, cls.t3 + timedelta(hours=10), "email", False, automated=True)
        log(
            cls.a9,
            cls.t5 + timedelta(hours=20),
            "wecom",
            cls.rec_b,
            next_contact_date=cls.today + timedelta(days=3),
        )
        log(cls.a7, days(5), "sms", cls.rec_b)
        log(cls.p1, days(30), "email", cls.rec_b)
        log(cls.p2, days(200), "phone", cls.rec_b)
        log(cls.p2, days(10), "wechat", cls.rec_b, direction="inbound")

        # Company B: declines for the digest, follow-ups due, an interview.
        cls.job_b2 = Job.create({"name": "Sales B", "company_id": cls.company_b.id})
        B = cls._pipeline_applicant
        cls.b1 = B("B1", cls.job_b2, cls.officer_b, [cls.stage_first])
        cls.b2 = B("B2", cls.job_b2, cls.officer_b, [cls.stage_first])
        cls.b3 = B("B3", cls.job_b2, cls.officer_b, [cls.stage_first])
        cls.b4 = B("B4", cls.job_b2, cls.officer_b, [cls.stage_first])
        cls.b5 = B("B5", cls.job_b2, cls.officer_b, [cls.stage_first])
        cls.b6 = B("B6", cls.job_b2, cls.officer_b, [cls.stage_first])
        cls.b7 = B("B7", cls.job_b2, cls.officer_b, [cls.stage_first])
        cls._decline(cls.b1, days(5), decline_date=days(2), reasons=cls.reason_salary)
        cls._refuse(cls.b2, cls.offer_declined, days(3))
        cls._decline(cls.b3, days(20), decline_date=days(20))
        cls.b3.candidate_id._talent_pool_add(
            "Open to sales roles", cls.today + timedelta(days=365)
        )
        cls._refuse(cls.b4, cls.reject, days(1))
        log(
            cls.b5,
            days(3),
            "phone",
            cls.officer_b,
            next_contact_date=cls.today - timedelta(days=2),
        )
        log(
            cls.b6,
            days(12),
            "phone",
            cls.officer_b,
            next_contact_date=cls.today - timedelta(days=10),
        )
        log(
            cls.b7,
            cls.now - timedelta(hours=1),
            "phone",
            cls.officer_b,
            next_contact_date=cls.today + timedelta(days=1),
        )
        cls.tb = cls._interview(cls.b7, 2).stop
        log(cls.b7, cls.tb + timedelta(hours=3), "email", cls.officer_b)
        cls.env.flush_all()

    # ------------------------------------------------------------------
    # Dataset helpers
    # ------------------------------------------------------------------

    @classmethod
    def _user(cls, login, name, company):
        return new_test_user(
            cls.env,
            login,
            groups="hr_recruitment.group_hr_recruitment_user",
            name=name,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    @classmethod
    def _days_ago(cls, days):
        return cls.now - timedelta(days=days)

    @classmethod
    def _pipeline_applicant(cls, name, job, user, path, source=None, candidate=None):
        """An application created in "New" and moved along ``path``."""
        candidate = candidate or cls.env["hr.candidate"].create(
            {"partner_name": name, "company_id": job.company_id.id}
        )
        applicant = cls.env["hr.applicant"].create(
            {
                "candidate_id": candidate.id,
                "job_id": job.id,
                "company_id": job.company_id.id,
                "user_id": user.id,
                "stage_id": cls.stage_new.id,
                "source_id": source.id if source else False,
            }
        )
        for stage in path:
            applicant.stage_id = stage
        return applicant

    @classmethod
    def _refuse(cls, applicant, reason, when):
        # What the refuse wizard writes.
        applicant.write(
            {"refuse_reason_id": reason.id, "active": False, "refuse_date": when}
        )

    @classmethod
    def _decline(
        cls, applicant, refused, decline_date, reasons=None, expected=0, proposed=0
    ):
        """The candidate declined: what the "Offer Declined" action writes, dated."""
        cls._refuse(applicant, cls.offer_declined, refused)
        applicant.write(
            {
                "decline_date": decline_date,
                "decline_reason_ids": [Command.set(reasons.ids if reasons else [])],
                "salary_expected": expected,
                "salary_proposed": proposed,
            }
        )

    @classmethod
    def _interview(cls, applicant, days_ago, hours=0):
        """An interview of one hour that ended ``days_ago`` days ago."""
        stop = cls.now - timedelta(days=days_ago, hours=hours)
        event = cls.env["calendar.event"].create(
            {
                "name": f"Interview {applicant.partner_name}",
                "start": stop - timedelta(hours=1),
                "stop": stop,
                "applicant_id": applicant.id,
            }
        )
        return event

    @classmethod
    def _log(cls, applicant, when, channel, user, direction="outbound", **values):
        return (
            cls.env["hr.applicant.contact.log"]
            .sudo()
            .create(
                {
                    "applicant_id": applicant.id,
                    "contact_date": when,
                    "channel": channel,
                    "direction": direction,
                    "user_id": user.id if user else False,
                    **values,
                }
            )
        )

    def _company_a(self, *domain):
        return [("company_id", "=", self.company_a.id), *domain]


@tagged("post_install", "-at_install")
class TestFurthestStage(ReportsCommon):
    def test_furthest_stage_follows_the_pipeline_order(self):
        self.assertEqual(self.a8.furthest_stage_id, self.stage_new)
        self.assertEqual(self.a3.furthest_stage_id, self.stage_proposal)
        # Moved back to the first interview: the furthest stage stays.
        self.assertEqual(self.a6.stage_id, self.stage_first)
        self.assertEqual(self.a6.furthest_stage_id, self.stage_second)
        self.a6.stage_id = self.stage_signed
        self.assertEqual(self.a6.furthest_stage_id, self.stage_signed)

    def test_backfill_reads_the_stage_tracking(self):
        env = self.env(context=dict(self.env.context, tracking_disable=False))
        candidate = env["hr.candidate"].create({"partner_name": "Tracked"})
        applicant = env["hr.applicant"].create(
            {
                "candidate_id": candidate.id,
                "job_id": self.job.id,
                "stage_id": self.stage_new.id,
            }
        )
        # Second interview, then back: neither the current stage nor the last
        # stage remembers the second interview; the tracking does.
        for stage in (self.stage_second, self.stage_qualification, self.stage_first):
            applicant.stage_id = stage
            env.flush_all()
            env.cr.precommit.run()
        self.assertEqual(applicant.last_stage_id, self.stage_qualification)
        self.env.cr.execute(
            SQL(
                "UPDATE hr_applicant SET furthest_stage_id = NULL WHERE id = %s",
                applicant.id,
            )
        )
        applicant.invalidate_recordset(["furthest_stage_id"])
        self.env["hr.applicant"]._followup_backfill_furthest_stage()
        applicant.invalidate_recordset(["furthest_stage_id"])
        self.assertEqual(applicant.furthest_stage_id, self.stage_second)


@tagged("post_install", "-at_install")
class TestFunnelReport(ReportsCommon):
    def _funnel(self, domain, groupby):
        rows = self.env[FUNNEL]._read_group(
            [
                *self._company_a(("job_id", "in", (self.job_a | self.job_b).ids)),
                *domain,
            ],
            groupby,
            [
                "reached_count:sum",
                "left_count:sum",
                "rejected_count:sum",
                "declined_count:sum",
                "drop_rate:avg",
            ],
        )
        if not groupby:
            return tuple(rows[0])
        return {group: tuple(values) for group, *values in rows}

    def test_reached_and_left_per_stage(self):
        funnel = self._funnel([], ["stage_id"])
        # reached, left, we rejected, they declined, drop-off %
        self.assertEqual(
            funnel,
            {
                self.stage_new: (9, 0, 0, 0, 0.0),
                self.stage_qualification: (8, 0, 0, 0, 0.0),
                self.stage_first: (8, 2, 1, 1, 25.0),
                self.stage_test: (5, 0, 0, 0, 0.0),
                self.stage_second: (6, 3, 1, 2, 50.0),
                self.stage_proposal: (2, 1, 0, 1, 50.0),
                self.stage_signed: (1, 0, 0, 0, 0.0),
            },
        )

    def test_split_by_job_and_source(self):
        by_job = self._funnel([("stage_id", "=", self.stage_second.id)], ["job_id"])
        self.assertEqual(
            by_job,
            {self.job_a: (5, 2, 1, 1, 40.0), self.job_b: (1, 1, 0, 1, 100.0)},
        )
        by_source = self._funnel(
            [("stage_id", "=", self.stage_second.id)], ["source_id"]
        )
        self.assertEqual(by_source[self.linkedin], (2, 2, 1, 1, 100.0))
        by_department = self._funnel(
            [("stage_id", "=", self.stage_first.id)], ["department_id"]
        )
        self.assertEqual(
            by_department,
            {self.dept_eng: (6, 1, 0, 1, 100 / 6), self.dept_sales: (2, 1, 1, 0, 50.0)},
        )

    def test_totals_count_applications_not_stage_visits(self):
        # 9 applications made 39 stage visits (the sum of Reached above); 6 of
        # them ended: A1, A7 rejected, A2, A3, A4, A9 declined.
        self.assertEqual(self._funnel([], []), (9, 6, 2, 4, 600 / 9))
        # Per job across the stages: A1-A6 (A1 rejected, A2-A4 declined), and
        # A7-A9 (A7 rejected, A9 declined).
        self.assertEqual(
            self._funnel([], ["job_id"]),
            {self.job_a: (6, 4, 1, 3, 400 / 6), self.job_b: (3, 2, 1, 1, 200 / 3)},
        )
        # What the pivot asks for its Total row (read_group, no grouping).
        measures = [
            "reached_count:sum",
            "left_count:sum",
            "rejected_count:sum",
            "declined_count:sum",
            "drop_rate:avg",
        ]
        [total] = self.env[FUNNEL].read_group(
            self._company_a(("job_id", "in", (self.job_a | self.job_b).ids)),
            measures,
            [],
        )
        self.assertEqual(
            {name: total[name.split(":")[0]] for name in measures},
            {
                "reached_count:sum": 9,
                "left_count:sum": 6,
                "rejected_count:sum": 2,
                "declined_count:sum": 4,
                "drop_rate:avg": 600 / 9,
            },
        )
        self.assertEqual(total["__count"], 39)
        # An empty selection has no drop-off rather than a division by zero.
        self.assertEqual(
            self._funnel([("job_id", "=", self.job_c.id), ("id", "=", 0)], []),
            (0, False, False, False, False),
        )

    def test_job_specific_stage_only_for_its_job(self):
        reached = self.env[FUNNEL].search(
            self._company_a(("stage_id", "=", self.stage_test.id))
        )
        self.assertEqual(
            reached.applicant_id, self.a1 | self.a2 | self.a3 | self.a5 | self.a6
        )

    def test_period_is_the_application_date(self):
        # P3 applied 100 days ago, the others today.
        old = self.env[FUNNEL].search(
            self._company_a(("application_date", "<", self._days_ago(50)))
        )
        self.assertEqual(old.applicant_id, self.p3)
        self.assertEqual(
            old.stage_id, self.stage_new | self.stage_qualification | self.stage_first
        )
        left_on = self._funnel(
            [("end_date", ">=", self._days_ago(2)), ("left_count", "=", 1)],
            ["stage_id"],
        )
        self.assertEqual(
            {stage: counts[1] for stage, counts in left_on.items()},
            {self.stage_first: 1, self.stage_second: 2},
        )


@tagged("post_install", "-at_install")
class TestDeclineReport(ReportsCommon):
    def test_counts_shares_and_salary_gap_by_reason(self):
        rows = self.env[DECLINE]._read_group(
            self._company_a(),
            ["reason_id"],
            [
                "applicant_id:count_distinct",
                "mention_count:sum",
                "share:share",
                "salary_gap:key_avg",
            ],
        )
        self.assertEqual(
            [tuple(row) for row in rows],
            [
                (self.reason_salary, 2, 2, 50.0, 3000.0),
                (self.reason_other_offer, 1, 1, 25.0, 5000.0),
                (self.reason_location, 1, 1, 25.0, 0.0),
                (self.env["hr.applicant.decline.reason"], 1, 1, 25.0, False),
            ],
        )
        [(total, mentions, share, gap)] = self.env[DECLINE]._read_group(
            self._company_a(),
            [],
            [
                "applicant_id:count_distinct",
                "mention_count:sum",
                "share:share",
                "salary_gap:key_avg",
            ],
        )
        # A2 gave two reasons: five mentions by four candidates; A2's gap counts
        # once in the average (5000 + 1000 + 0) / 3.
        self.assertEqual((total, mentions, share, gap), (4, 5, 100.0, 2000.0))

    def test_by_job_month_and_salary_gap_band(self):
        by_job = self.env[DECLINE]._read_group(
            self._company_a(),
            ["job_id"],
            ["applicant_id:count_distinct", "share:share"],
        )
        self.assertEqual(
            [tuple(row) for row in by_job],
            [(self.job_a, 3, 75.0), (self.job_b, 1, 25.0)],
        )
        by_band = dict(
            self.env[DECLINE]._read_group(
                self._company_a(), ["salary_gap_band"], ["applicant_id:count_distinct"]
            )
        )
        self.assertEqual(by_band, {"below_20": 1, "below_10": 1, "met": 1, "none": 1})
        by_department = dict(
            self.env[DECLINE]._read_group(
                self._company_a(), ["department_id"], ["applicant_id:count_distinct"]
            )
        )
        self.assertEqual(by_department, {self.dept_eng: 3, self.dept_sales: 1})
        # Declined on: the decline date, else the refusal date (A4).
        recent = self.env[DECLINE].search(
            self._company_a(("decline_date", ">=", self._days_ago(10)))
        )
        self.assertEqual(recent.applicant_id, self.a2 | self.a4 | self.a9)
        by_month = self.env[DECLINE]._read_group(
            self._company_a(), ["decline_date:month"], ["applicant_id:count_distinct"]
        )
        self.assertEqual(sum(count for _month, count in by_month), 4)

    def test_share_follows_the_filter(self):
        # Shares are of the declines of the current filter: job A only.
        rows = dict(
            self.env[DECLINE]._read_group(
                self._company_a(("job_id", "=", self.job_a.id)),
                ["reason_id"],
                ["share:share"],
            )
        )
        self.assertAlmostEqual(rows[self.reason_salary], 200 / 3)
        self.assertAlmostEqual(rows[self.reason_other_offer], 100 / 3)

    def test_web_read_group_computes_the_custom_aggregates(self):
        groups = self.env[DECLINE].read_group(
            self._company_a(),
            ["share", "salary_gap", "applicant_id:count_distinct"],
            ["reason_id"],
            lazy=False,
        )
        salary = next(g for g in groups if g["reason_id"][0] == self.reason_salary.id)
        self.assertEqual(salary["share"], 50.0)
        self.assertEqual(salary["salary_gap"], 3000.0)
        self.assertEqual(salary["applicant_id"], 2)


@tagged("post_install", "-at_install")
class TestSlaReport(ReportsCommon):
    def test_per_recruiter(self):
        rows = {
            user: tuple(values)
            for user, *values in self.env[SLA]._read_group(
                self._company_a(), ["user_id"], list(SLA_AGGREGATES)
            )
        }
        self.assertEqual(set(rows), {self.rec_a, self.rec_b})
        interviews, on_time, late, missed, rate, median, average = rows[self.rec_a]
        self.assertEqual((interviews, on_time, late, missed), (3, 2, 1, 0))
        self.assertAlmostEqual(rate, 200 / 3)
        self.assertAlmostEqual(median, 10.0)
        self.assertAlmostEqual(average, 14.0)
        # A3 never contacted (missed), A8 interviewed 2 hours ago (pending, not
        # counted in the share).
        interviews, on_time, late, missed, rate, median, average = rows[self.rec_b]
        self.assertEqual((interviews, on_time, late, missed), (3, 1, 0, 1))
        self.assertAlmostEqual(rate, 50.0)
        self.assertAlmostEqual(median, 20.0)
        [(median_all,)] = self.env[SLA]._read_group(
            self._company_a(), [], ["median_delay_hours:median"]
        )
        # 2, 10, 20, 30 hours.
        self.assertAlmostEqual(median_all, 15.0)

    def test_rows_follow_the_latest_ended_interview(self):
        rows = {
            row.applicant_id: row for row in self.env[SLA].search(self._company_a())
        }
        # A1's interview is to come; A4's was cancelled.
        self.assertEqual(
            set(rows), {self.a2, self.a3, self.a5, self.a6, self.a8, self.a9}
        )
        self.assertEqual(rows[self.a5].interview_end, self.t1)
        self.assertEqual(rows[self.a5].first_contact_channel, "phone")
        self.assertEqual(rows[self.a6].first_contact_channel, "wechat")
        self.assertTrue(rows[self.a2].first_contact_automated)
        self.assertEqual(
            {a: r.sla_status for a, r in rows.items()},
            {
                self.a2: "on_time",
                self.a3: "missed",
                self.a5: "on_time",
                self.a6: "late",
                self.a8: "pending",
                self.a9: "on_time",
            },
        )

    def test_contacts_per_channel(self):
        rows = self.env["hr.applicant.contact.log"]._read_group(
            self._company_a(("direction", "=", "outbound")),
            ["user_id", "channel"],
            ["__count"],
        )
        self.assertEqual(
            {(user, channel): count for user, channel, count in rows},
            {
                (self.rec_a, "phone"): 1,
                (self.rec_a, "wechat"): 1,
                (self.rec_a, "email"): 1,
                (self.env["res.users"], "email"): 1,
                (self.rec_b, "wecom"): 1,
                (self.rec_b, "sms"): 1,
                (self.rec_b, "email"): 1,
                (self.rec_b, "phone"): 1,
            },
        )

    def test_overdue_followups_now(self):
        Applicant = self.env["hr.applicant"].with_context(active_test=False)
        overdue = Applicant.search(self._company_a(("followup_overdue", "=", True)))
        self.assertEqual(overdue, self.a6)
        self.assertEqual(
            dict(
                Applicant.with_user(self.manager_ab)._read_group(
                    [("followup_overdue", "=", True)], ["user_id"], ["__count"]
                )
            ),
            {self.rec_a: 1, self.officer_b: 2},
        )


@tagged("post_install", "-at_install")
class TestPoolReport(ReportsCommon):
    def test_pool_size_touched_and_reactivated(self):
        [(size, kept, touched, reactivated, touched_rate, reactivated_rate)] = self.env[
            POOL
        ]._read_group(
            self._company_a(),
            [],
            [
                "pool_count:sum",
                "kept_count:sum",
                "touched_count:sum",
                "reactivated_count:sum",
                "touched_rate:avg",
                "reactivated_rate:avg",
            ],
        )
        self.assertEqual((size, kept, touched, reactivated), (3, 3, 2, 1))
        self.assertAlmostEqual(touched_rate, 200 / 3)
        self.assertAlmostEqual(reactivated_rate, 100 / 3)
        rows = {
            row.candidate_id: row for row in self.env[POOL].search(self._company_a())
        }
        # The candidates in the pool (consent, not expired), once each: not P2
        # (expired), not A1, A2, A4, A7 (refused or declined, never asked).
        self.assertEqual(
            {candidate: row.applicant_id for candidate, row in rows.items()},
            {
                self.p1.candidate_id: self.p1,
                self.p3.candidate_id: self.p3b,
                self.a9.candidate_id: self.a9,
            },
        )
        self.assertEqual(
            {c for c, r in rows.items() if r.touched_count},
            {self.p1.candidate_id, self.a9.candidate_id},
        )
        self.assertEqual(rows[self.p3.candidate_id].reactivated_applicant_id, self.p3b)
        self.assertEqual(rows[self.p1.candidate_id].last_touch_date, self._days_ago(30))
        self.assertEqual(
            rows[self.p1.candidate_id].pool_date, self.p1.candidate_id.talent_pool_date
        )

    def test_by_job(self):
        by_job = {
            job: (size, touched, reactivated)
            for job, size, touched, reactivated in self.env[POOL]._read_group(
                self._company_a(),
                ["job_id"],
                ["pool_count:sum", "touched_count:sum", "reactivated_count:sum"],
            )
        }
        self.assertEqual(
            by_job,
            {
                self.job_b: (1, 1, 0),
                self.job_c: (2, 1, 1),
            },
        )


@tagged("post_install", "-at_install")
class TestReportAccess(ReportsCommon):
    def test_officer_reads_the_reports_of_their_company(self):
        for model in (FUNNEL, DECLINE, SLA, POOL):
            Report = self.env[model].with_user(self.rec_a)
            visible = Report.search([])
            self.assertTrue(visible, model)
            self.assertEqual(visible.company_id, self.company_a, model)
            self.assertEqual(
                len(visible), self.env[model].search_count(self._company_a()), model
            )

    def test_interviewer_has_no_access(self):
        for model in (FUNNEL, DECLINE, SLA, POOL):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.interviewer_a)._read_group(
                    [], [], ["__count"]
                )
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(
                self.interviewer_a
            )._render_qweb_html(SUMMARY_REPORT, self._summary().ids)

    def test_second_company_sees_none_of_the_first(self):
        for model in (FUNNEL, DECLINE, SLA, POOL):
            Report = self.env[model].with_user(self.officer_b)
            self.assertFalse(
                Report.search([("company_id", "=", self.company_a.id)]), model
            )
            self.assertEqual(Report.search([]).company_id, self.company_b, model)
            [(count,)] = Report._read_group([], [], ["__count"])
            self.assertEqual(
                count,
                self.env[model].search_count([("company_id", "=", self.company_b.id)]),
            )
        [(declined,)] = (
            self.env[DECLINE]
            .with_user(self.officer_b)
            ._read_group([], [], ["applicant_id:count_distinct"])
        )
        self.assertEqual(declined, 3)

    def test_manager_of_both_companies_sees_the_allowed_ones(self):
        Report = self.env[FUNNEL].with_user(self.manager_ab)
        both = Report.with_context(
            allowed_company_ids=(self.company_a | self.company_b).ids
        ).search([])
        self.assertEqual(both.company_id, self.company_a | self.company_b)
        only_b = Report.with_context(allowed_company_ids=self.company_b.ids).search([])
        self.assertEqual(only_b.company_id, self.company_b)

    def _summary(self):
        return (
            self.env["hr.recruitment.followup.summary"]
            .with_user(self.manager_ab)
            .create(
                {
                    "date_from": self.today - timedelta(days=60),
                    "date_to": self.today,
                    "company_id": self.company_a.id,
                }
            )
        )


@tagged("post_install", "-at_install")
class TestReportViews(ReportsCommon):
    def _pivot(self, model):
        arch = self.env[model].get_views([(False, "pivot")])["views"]["pivot"]["arch"]
        tree = etree.fromstring(arch)
        rows = [f.get("name") for f in tree.iter("field") if f.get("type") == "row"]
        measures = [
            f.get("name") for f in tree.iter("field") if f.get("type") == "measure"
        ]
        return rows, measures

    def test_reports_open_on_a_grouped_pivot_under_reporting(self):
        reporting = self.env.ref("hr_recruitment.report_hr_recruitment")
        menus = self.env["ir.ui.menu"].search([("parent_id", "=", reporting.id)])
        for model, xmlid in REPORT_ACTIONS.items():
            action = self.env.ref(xmlid)
            self.assertEqual(action.view_mode.split(",")[:2], ["pivot", "graph"])
            self.assertIn(action, menus.mapped("action"))
            rows, measures = self._pivot(model)
            self.assertEqual(rows, [DEFAULT_ROWS[model]])
            # The measures as the web client asks for them.
            fields_info = self.env[model].fields_get(measures, ["type", "aggregator"])
            specs = [
                f"{name}:count_distinct"
                if fields_info[name]["type"] == "many2one"
                else f"{name}:{fields_info[name]['aggregator']}"
                for name in measures
            ]
            self.assertTrue(
                self.env[model].read_group(self._company_a(), specs, rows, lazy=False),
                model,
            )
        self.assertEqual(
            self._pivot(FUNNEL)[1],
            [
                "reached_count",
                "left_count",
                "rejected_count",
                "declined_count",
                "drop_rate",
            ],
        )
        self.assertIn("median_delay_hours", self._pivot(SLA)[1])
        summary_menu = self.env.ref(
            "hr_recruitment_followup.menu_hr_recruitment_followup_summary"
        )
        self.assertEqual(summary_menu.parent_id, reporting)
        self.assertEqual(
            summary_menu.action.res_model, "hr.recruitment.followup.summary"
        )

    def test_reporting_menus_hidden_from_interviewers(self):
        reporting = self.env.ref("hr_recruitment.report_hr_recruitment")
        visible = (
            self.env["ir.ui.menu"].with_user(self.interviewer_a)._visible_menu_ids()
        )
        self.assertNotIn(reporting.id, visible)


@tagged("post_install", "-at_install")
class TestSummaryPdf(ReportsCommon):
    def _render(self, user, **values):
        summary = (
            self.env["hr.recruitment.followup.summary"]
            .with_user(user)
            .create(
                {
                    "date_from": self.today - timedelta(days=60),
                    "date_to": self.today,
                    "company_id": self.company_a.id,
                    **values,
                }
            )
        )
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(SUMMARY_REPORT, summary.ids)
        )
        self.assertEqual(report_type, "html")
        return lxml_html.fromstring(content)

    def _table(self, doc, name):
        table = doc.find_class(name)[0]
        return {
            row.get("data-key"): [
                cell.text_content().strip() for cell in row.iter("td")
            ]
            for row in table.iter("tr")
            if row.get("data-key")
        }

    def test_summary_holds_the_four_reports(self):
        doc = self._render(self.manager_ab)
        funnel = self._table(doc, "o_fu_funnel")
        # In the pipeline order: the technical test right after the first interview.
        self.assertEqual(
            list(funnel),
            [
                str(stage.id)
                for stage in (
                    self.stage_new,
                    self.stage_qualification,
                    self.stage_first,
                    self.stage_test,
                    self.stage_second,
                    self.stage_proposal,
                    self.stage_signed,
                )
            ],
        )
        # The period: P3 applied 100 days ago, P1, P2 and P3b in it (job C).
        self.assertEqual(
            funnel[str(self.stage_first.id)],
            ["First Interview", "10", "4", "3", "1", "40.0"],
        )
        self.assertEqual(funnel[str(self.stage_new.id)][1:3], ["12", "0"])
        self.assertEqual(
            funnel[str(self.stage_second.id)][1:], ["6", "3", "1", "2", "50.0"]
        )
        declines = self._table(doc, "o_fu_declines")
        self.assertEqual(
            declines[str(self.reason_salary.id)],
            ["Salary below expectation", "2", "50.0", "3,000"],
        )
        self.assertEqual(declines["none"], ["No reason given", "1", "25.0", "-"])
        self.assertEqual(doc.find_class("o_fu_decline_total")[0].text_content(), "4")
        sla = self._table(doc, "o_fu_sla")
        self.assertEqual(
            sla[str(self.rec_a.id)], ["Recruiter Li", "3", "2", "66.7", "10.0", "1"]
        )
        self.assertEqual(
            sla[str(self.rec_b.id)], ["Recruiter Chen", "3", "1", "50.0", "20.0", "0"]
        )
        channels_table = doc.find_class("o_fu_channels")[0]
        self.assertEqual(
            [
                th.get("data-key")
                for th in channels_table.iter("th")
                if th.get("data-key")
            ],
            ["email", "phone", "wechat", "wecom", "sms"],
        )
        channels = self._table(doc, "o_fu_channels")
        # P2's call 200 days ago is before the period.
        self.assertEqual(
            channels[str(self.rec_a.id)], ["Recruiter Li", "1", "1", "1", "0", "0", "3"]
        )
        self.assertEqual(
            channels[str(self.rec_b.id)],
            ["Recruiter Chen", "1", "0", "0", "1", "1", "3"],
        )
        self.assertEqual(channels["none"], ["Automated", "1", "0", "0", "0", "0", "1"])
        pool = self._table(doc, "o_fu_pool")
        self.assertEqual(pool["pool"], ["3", "3", "2", "66.7", "1", "33.3"])

    def test_period_and_company_narrow_the_summary(self):
        doc = self._render(
            self.manager_ab,
            date_from=self.today - timedelta(days=4),
            company_id=self.company_b.id,
        )
        self.assertEqual(
            doc.find_class("o_fu_company")[0].text_content(), self.company_b.name
        )
        # Company B, last 4 days: B1 (2 days ago) and B2 (refused 3 days ago).
        self.assertEqual(doc.find_class("o_fu_decline_total")[0].text_content(), "2")
        sla = self._table(doc, "o_fu_sla")
        self.assertEqual(
            sla[str(self.officer_b.id)], ["Officer Zhou", "1", "1", "100.0", "3.0", "2"]
        )
        self.assertEqual(self._table(doc, "o_fu_pool")["pool"][0], "1")

    def test_summary_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        view = self.env.ref("hr_recruitment_followup.report_followup_summary_document")
        view.update_field_translations(
            "arch_db", {"zh_CN": {"Funnel drop-off": "招聘漏斗流失"}}
        )
        self.stage_second.update_field_translations("name", {"zh_CN": "二面"})
        self.manager_ab.lang = "zh_CN"
        doc = self._render(self.manager_ab)
        text = doc.text_content()
        self.assertIn("招聘漏斗流失", text)
        self.assertNotIn("Funnel drop-off", text)
        self.assertEqual(
            self._table(doc, "o_fu_funnel")[str(self.stage_second.id)][0], "二面"
        )
        self.manager_ab.lang = "en_US"
        self.assertIn("Funnel drop-off", self._render(self.manager_ab).text_content())

    def test_wizard_prints_and_checks_the_period(self):
        with Form(
            self.env["hr.recruitment.followup.summary"].with_user(self.manager_ab)
        ) as form:
            # The manager's own today (their time zone, not the test runner's).
            self.assertEqual(
                form.date_to,
                fields.Date.context_today(self.manager_ab.with_user(self.manager_ab)),
            )
            self.assertEqual(form.date_from.day, 1)
            form.company_id = self.company_a
        action = form.record.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "hr_recruitment_followup.report_followup_summary"
        )
        with self.assertRaisesText(ValidationError, "after its end"):
            form.record.write(
                {"date_from": self.today, "date_to": self.today - timedelta(days=1)}
            )

    def test_pdf_rendering_falls_back_to_html_without_wkhtmltopdf(self):
        summary = self.env["hr.recruitment.followup.summary"].create(
            {"company_id": self.company_a.id}
        )
        content, report_type = self.env["ir.actions.report"]._render_qweb_pdf(
            SUMMARY_REPORT, summary.ids
        )
        # In tests (and without wkhtmltopdf) Odoo returns the HTML it would print.
        self.assertIn(report_type, ("pdf", "html"))
        if report_type == "html":
            self.assertIn(b"o_fu_funnel", content)
        else:
            self.assertTrue(content.startswith(b"%PDF"))


@tagged("post_install", "-at_install")
class TestDigestKpis(ReportsCommon):
    def _kpi(self, field, days, user=None, company=None):
        company = company or self.company_b
        digest = self.env["digest.digest"].create(
            {
                "name": "Recruitment",
                "company_id": company.id,
                "kpi_hr_recruitment_followup_overdue": True,
                "kpi_hr_recruitment_offers_declined": True,
            }
        )
        digest = (
            digest.with_user(user or self.manager_ab)
            .with_company(company)
            .with_context(
                start_datetime=self.now - timedelta(days=days),
                end_datetime=self.now + timedelta(hours=1),
            )
        )
        return digest[field]

    def test_offers_declined_in_the_period(self):
        # B1 declined 2 days ago, B2 was refused 3 days ago for declining, B3
        # declined 20 days ago; B4 was rejected by us.
        field = "kpi_hr_recruitment_offers_declined_value"
        self.assertEqual(self._kpi(field, 7), 2)
        self.assertEqual(self._kpi(field, 30), 3)

    def test_followups_overdue_that_fell_due_in_the_period(self):
        field = "kpi_hr_recruitment_followup_overdue_value"
        # B5 due 2 days ago, B6 10 days ago; B7 is due tomorrow.
        self.assertEqual(self._kpi(field, 7), 1)
        self.assertEqual(self._kpi(field, 30), 2)

    def test_digest_lists_the_kpis_for_officers_only(self):
        default = self.env.ref("digest.digest_digest_default")
        self.assertTrue(default.kpi_hr_recruitment_followup_overdue)
        self.assertTrue(default.kpi_hr_recruitment_offers_declined)
        with self.assertRaises(AccessError):
            self._kpi(
                "kpi_hr_recruitment_offers_declined_value",
                7,
                user=self.interviewer_a,
                company=self.company_a,
            )
        kpis = {
            kpi["kpi_name"]: kpi
            for kpi in default.with_context(lang="en_US")._compute_kpis(
                self.company_b, self.manager_ab
            )
        }
        self.assertIn("kpi_hr_recruitment_followup_overdue", kpis)
        self.assertIn(
            "hr_applicant_action_followup_overdue",
            kpis["kpi_hr_recruitment_followup_overdue"]["kpi_action"],
        )
