from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestAccess(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Log = cls.env["hr.applicant.contact.log"]
        cls.applicant.interviewer_ids = cls.interviewer
        cls.other_applicant = cls._new_applicant("Not his", stage_id=cls.stage_first.id)
        cls.recruiter_log = Log.create(
            {
                "applicant_id": cls.applicant.id,
                "user_id": cls.recruiter.id,
                "summary": "R",
            }
        )
        cls.other_log = Log.create(
            {"applicant_id": cls.other_applicant.id, "user_id": cls.recruiter.id}
        )
        cls.company_b = cls.env["res.company"].create({"name": "Second Company"})
        cls.officer_b = new_test_user(
            cls.env,
            "fu_officer_b",
            groups="hr_recruitment.group_hr_recruitment_user",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        job_b = cls.env["hr.job"].create(
            {"name": "Sales B", "company_id": cls.company_b.id}
        )
        candidate_b = cls.env["hr.candidate"].create(
            {"partner_name": "Company B candidate", "company_id": cls.company_b.id}
        )
        cls.applicant_b = cls.env["hr.applicant"].create(
            {
                "candidate_id": candidate_b.id,
                "job_id": job_b.id,
                "company_id": cls.company_b.id,
                "stage_id": cls.stage_first.id,
            }
        )
        cls.log_b = Log.create({"applicant_id": cls.applicant_b.id, "summary": "B"})

    def test_interviewer_reads_only_logs_of_their_applicants(self):
        Log = self.env["hr.applicant.contact.log"].with_user(self.interviewer)
        visible = Log.search([("id", "in", (self.recruiter_log | self.other_log).ids)])
        self.assertEqual(visible, self.recruiter_log)
        self.assertEqual(self.recruiter_log.with_user(self.interviewer).summary, "R")
        with self.assertRaises(AccessError):
            self.other_log.with_user(self.interviewer).read(["summary"])

    def test_interviewer_logs_own_contacts_only(self):
        Log = self.env["hr.applicant.contact.log"].with_user(self.interviewer)
        own = Log.create(
            {"applicant_id": self.applicant.id, "summary": "Tech questions"}
        )
        self.assertEqual(own.user_id, self.interviewer)
        own.write({"summary": "Tech questions answered"})
        with self.assertRaises(AccessError):
            Log.create({"applicant_id": self.other_applicant.id, "summary": "Not mine"})
        with self.assertRaises(AccessError):
            Log.create(
                {"applicant_id": self.applicant.id, "user_id": self.recruiter.id}
            )
        with self.assertRaises(AccessError):
            self.recruiter_log.with_user(self.interviewer).write({"summary": "Changed"})
        with self.assertRaises(AccessError):
            own.unlink()

    def test_officer_manages_all_logs(self):
        Log = self.env["hr.applicant.contact.log"].with_user(self.recruiter)
        log = Log.create(
            {"applicant_id": self.other_applicant.id, "user_id": self.interviewer.id}
        )
        self.recruiter_log.with_user(self.recruiter).write({"outcome": "positive"})
        self.assertEqual(Log.search_count([("id", "=", self.other_log.id)]), 1)
        (log | self.other_log).with_user(self.recruiter).unlink()
        self.assertFalse(self.other_log.exists())

    def test_second_company_is_isolated(self):
        Log = self.env["hr.applicant.contact.log"]
        self.assertEqual(
            Log.with_user(self.officer_b).search([]),
            self.log_b,
        )
        with self.assertRaises(AccessError):
            self.recruiter_log.with_user(self.officer_b).read(["summary"])
        self.assertNotIn(self.log_b, Log.with_user(self.recruiter).search([]))
        with self.assertRaises(AccessError):
            self.log_b.with_user(self.recruiter).read(["summary"])

    def test_portal_user_has_no_access(self):
        portal = new_test_user(self.env, "fu_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["hr.applicant.contact.log"].with_user(portal).search([])
        with self.assertRaises(AccessError):
            self.env["hr.recruitment.followup.stage"].with_user(portal).search([])
