from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_talent_pool import TalentPoolCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 02:00:00")
class TestReactivation(TalentPoolCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag_python = cls.env["hr.applicant.category"].create({"name": "Python"})
        cls.other_department = cls.env["hr.department"].create({"name": "Sales"})
        cls.sales_job = cls.env["hr.job"].create(
            {"name": "Account Manager", "department_id": cls.other_department.id}
        )
        # A new position in the department of cls.job, closed for now.
        cls.platform = cls.env["hr.job"].create(
            {
                "name": "Platform Engineer",
                "department_id": cls.department.id,
                "user_id": cls.recruiter.id,
                "no_of_recruitment": 0,
                "followup_tag_ids": [(6, 0, cls.tag_python.ids)],
            }
        )

    def _pooled(self, name, job=None, **values):
        applicant = self._refused(name, job_id=(job or self.job).id, **values)
        applicant.candidate_id._talent_pool_add("Good", date(2027, 3, 2))
        return applicant

    def _declined(self, name, reason_xmlid, job=None, **values):
        applicant = self._candidate_applicant(
            name,
            "Asia/Shanghai",
            stage_id=self.stage_proposal.id,
            job_id=(job or self.job).id,
            **values,
        )
        applicant.write(
            {"refuse_reason_id": self.env.ref(reason_xmlid).id, "active": False}
        )
        self.assertEqual(applicant.declined_by, "candidate")
        return applicant

    def _matches(self, job):
        return job._followup_match_candidates()[job]

    def test_pool_and_declined_candidates_matching_the_position(self):
        same_job = self._pooled("Same Job")
        no_consent = self._refused("No Consent")
        expired = self._pooled("Expired")
        expired.candidate_id.talent_pool_expiry = date(2026, 3, 1)
        tagged_sales = self._pooled("Tagged Sales", job=self.sales_job)
        tagged_sales.candidate_id.categ_ids = self.tag_python
        self._pooled("Untagged Sales", job=self.sales_job)
        declined_fit = self._declined(
            "Declined Fit", "hr_recruitment.refuse_reason_2", job=self.sales_job
        )
        declined_fit.candidate_id.categ_ids = self.tag_python
        opted_out = self._pooled("Opted Out")
        opted_out.candidate_id.write(
            {"do_not_contact": True, "do_not_contact_reason": "Found a job"}
        )
        busy = self._pooled("Busy")
        self.env["hr.applicant"].create(
            {"candidate_id": busy.candidate_id.id, "job_id": self.platform.id}
        )
        # Declined an offer, then their stay in the pool ended: the pool's
        # truth wins over the declined offer.
        declined_expired = self._declined(
            "Declined Expired", "hr_recruitment.refuse_reason_2"
        )
        declined_expired.candidate_id._talent_pool_add("Good", date(2027, 3, 2))
        declined_expired.candidate_id.talent_pool_expiry = date(2026, 3, 1)
        declined_removed = self._declined(
            "Declined Removed", "hr_recruitment.refuse_reason_2"
        )
        declined_removed.candidate_id._talent_pool_add("Good", date(2027, 3, 2))
        declined_removed.candidate_id.action_talent_pool_remove()

        matches = self._matches(self.platform)
        found = {candidate.partner_name for candidate in matches}
        self.assertIn("Same Job", found, "same department")
        self.assertIn("Tagged Sales", found, "shares a tag")
        self.assertIn("Declined Fit", found, "declined an offer, shares a tag")
        for name in (
            "No Consent",
            "Expired",
            "Untagged Sales",
            "Opted Out",
            "Busy",
            "Declined Expired",
            "Declined Removed",
        ):
            self.assertNotIn(name, found)
        self.assertIn("applied in Engineering", matches[same_job.candidate_id])
        self.assertIn("in the talent pool", matches[same_job.candidate_id])
        self.assertIn("tags: Python", matches[tagged_sales.candidate_id])
        self.assertIn("declined an offer before", matches[declined_fit.candidate_id])
        # The old position itself: "applied for this position before".
        self.assertIn(
            "applied for this position before",
            self._matches(self.job)[same_job.candidate_id],
        )
        self.assertNotIn(no_consent.candidate_id, self._matches(self.job))
        self.assertNotIn(busy.candidate_id, self._matches(self.platform))
        self.assertIn(busy.candidate_id, self._matches(self.job))

    def test_salary_decliners_come_back_only_for_a_better_salary(self):
        declined = self._declined(
            "Wants More", "hr_recruitment.refuse_reason_8", salary_expected=35000
        )
        surveyed = self._candidate_applicant(
            "Surveyed", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        surveyed.write(
            {
                "refuse_reason_id": self.env.ref(
                    "hr_recruitment_followup.refuse_reason_offer_declined"
                ).id,
                "active": False,
                "salary_proposed": 28000,
                "decline_reason_ids": [
                    (
                        6,
                        0,
                        self.env.ref(
                            "hr_recruitment_followup.decline_reason_salary"
                        ).ids,
                    )
                ],
            }
        )
        self.assertEqual(surveyed.declined_by, "candidate")
        candidates = (declined | surveyed).candidate_id
        self.assertFalse(
            set(candidates) & set(self._matches(self.platform)), "no budget"
        )
        self.platform.followup_salary_max = 30000
        matches = self._matches(self.platform)
        self.assertNotIn(declined.candidate_id, matches, "30,000 < 35,000")
        self.assertIn(surveyed.candidate_id, matches, "30,000 > 28,000 proposed")
        self.platform.followup_salary_max = 40000
        matches = self._matches(self.platform)
        self.assertIn(
            "declined for the salary (35,000), this position offers up to 40,000",
            matches[declined.candidate_id],
        )

    def test_skills_match_when_skills_are_installed(self):
        if "skill_ids" not in self.env["hr.job"]._fields:
            self.skipTest("hr_recruitment_skills is not installed")
        skill_type = self.env["hr.skill.type"].create(
            {
                "name": "Languages",
                "skill_ids": [(0, 0, {"name": "Rust"}), (0, 0, {"name": "Go"})],
                "skill_level_ids": [(0, 0, {"name": "Good", "level_progress": 50})],
            }
        )
        rust, go = skill_type.skill_ids
        sales = self._pooled("Rust Seller", job=self.sales_job)
        self.env["hr.candidate.skill"].create(
            {
                "candidate_id": sales.candidate_id.id,
                "skill_id": rust.id,
                "skill_level_id": skill_type.skill_level_ids.id,
                "skill_type_id": skill_type.id,
            }
        )
        other = self.env["hr.job"].create({"name": "Data", "skill_ids": go.ids})
        self.assertNotIn(sales.candidate_id, self._matches(other))
        other.skill_ids = rust | go
        self.assertIn("skills: Rust", self._matches(other)[sales.candidate_id])

    def test_opening_the_position_reminds_the_recruiter(self):
        self._pooled("Pooled One")
        self._pooled("Pooled Two")
        activity_type = self.env.ref(
            "hr_recruitment_followup.mail_activity_type_reactivation"
        )

        def reminders():
            return self.platform.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            )

        self.assertFalse(reminders(), "closed position: nobody reminded")
        self.platform.no_of_recruitment = 2
        reminder = reminders()
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.recruiter)
        self.assertEqual(
            reminder.summary,
            f"{self.platform.followup_match_count} matching candidates in the "
            "talent pool",
        )
        self.assertIn("Pooled One", reminder.note)
        self.platform.no_of_recruitment = 1
        self.platform.no_of_recruitment = 3
        self.assertEqual(len(reminders()), 1, "updated, not repeated")
        self.platform.action_archive()
        reminders().unlink()
        self.platform.action_unarchive()
        self.assertEqual(len(reminders()), 1, "reopened")
        action = self.platform.action_open_followup_matches()
        shown = self.env["hr.candidate"].search(action["domain"])
        self.assertIn("Pooled Two", shown.mapped("partner_name"))
        reasons = shown.with_context(**action["context"]).mapped(
            "followup_match_reason"
        )
        self.assertTrue(all(reasons))

    def test_invite_creates_the_application_logs_and_queues_the_email(self):
        pooled = self._pooled("Invited", email="invited@example.com")
        candidate = pooled.candidate_id.with_user(self.recruiter).with_context(
            followup_match_job_id=self.platform.id
        )
        action = candidate.action_followup_invite()
        applicant = self.env["hr.applicant"].browse(action["res_id"])
        self.assertEqual(applicant.job_id, self.platform)
        self.assertEqual(applicant.candidate_id, pooled.candidate_id)
        self.assertEqual(applicant.stage_id, self.stage_new, "first stage")
        self.assertTrue(applicant.active)
        log = applicant.contact_log_ids
        self.assertEqual(len(log), 1)
        self.assertEqual(log.direction, "outbound")
        self.assertEqual(log.channel, "email")
        self.assertEqual(log.user_id, self.recruiter)
        self.assertIn("Re-activated from the talent pool", log.summary)
        self.assertEqual(log.mail_id.email_to, "invited@example.com")
        self.assertIn("Platform Engineer", log.mail_id.subject)
        # 10:00 in Shanghai: within contact hours, sent at once.
        self.assertFalse(log.mail_id.scheduled_date)
        with self.assertRaisesText(UserError, "already applying for Platform"):
            candidate.action_followup_invite()

    def test_invitation_waits_for_the_next_contact_window_and_counts(self):
        """The invitation is an automated email like the rules': after another
        email to the candidate today it waits for tomorrow's contact hours,
        held by the mail queue (never lost), and its contact counts for the
        caps at that time."""
        pooled = self._pooled("Emailed Today", email="emailed.today@example.com")
        self.env["hr.applicant.contact.log"].with_user(self.recruiter).create(
            {
                "applicant_id": pooled.id,
                "channel": "email",
                "direction": "outbound",
                "summary": "Sent the interview notes",
            }
        )
        candidate = pooled.candidate_id.with_user(self.recruiter).with_context(
            followup_match_job_id=self.platform.id
        )
        action = candidate.action_followup_invite()
        applicant = self.env["hr.applicant"].browse(action["res_id"])
        log = applicant.contact_log_ids
        # 09:00 tomorrow in Shanghai.
        self.assertEqual(log.mail_id.scheduled_date, datetime(2026, 3, 3, 1, 0))
        self.assertEqual(log.contact_date, datetime(2026, 3, 3, 1, 0))
        self.assertEqual(log.mail_id.state, "outgoing")
        # Two emails in 7 days (today's and the invitation): a standard
        # position's cap (2 a week) holds the next automated email until the
        # first of them leaves the week.
        self.assertEqual(self.platform.followup_tier, "standard")
        times = applicant._followup_send_times(datetime(2026, 3, 2, 2, 0))
        self.assertEqual(times[applicant.id], datetime(2026, 3, 9, 2, 0, 1))

    def test_invite_by_wechat_prepares_the_message(self):
        pooled = self._pooled("By WeChat")
        pooled.candidate_id.preferred_channel = "wechat"
        candidate = pooled.candidate_id.with_context(
            followup_match_job_id=self.platform.id
        )
        candidate.action_followup_invite()
        applicant = candidate.applicant_ids.filtered(
            lambda a: a.job_id == self.platform
        )
        self.assertEqual(applicant.contact_log_ids.channel, "wechat")
        self.assertFalse(applicant.contact_log_ids.mail_id)
        activity = self._followup_activities(applicant)
        self.assertIn("Platform Engineer", activity.note)

    def test_invite_respects_do_not_contact(self):
        pooled = self._pooled("Opted Out")
        pooled.candidate_id.write(
            {"do_not_contact": True, "do_not_contact_reason": "Happy where she is"}
        )
        candidate = pooled.candidate_id.with_context(
            followup_match_job_id=self.platform.id
        )
        with self.assertRaisesText(UserError, "Happy where she is"):
            candidate.action_followup_invite()
        self.assertFalse(
            candidate.applicant_ids.filtered(lambda a: a.job_id == self.platform)
        )
        with self.assertRaisesText(UserError, "Choose the position"):
            pooled.candidate_id.action_followup_invite()
