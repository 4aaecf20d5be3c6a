from odoo.tests import new_test_user, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestRuleReplanAcrossCompanies(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.manager_a = new_test_user(
            cls.env,
            "fu_manager_a",
            groups="hr_recruitment.group_hr_recruitment_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        job_b = cls.env["hr.job"].create(
            {"name": "Sales B", "company_id": cls.company_b.id}
        )
        cls.applicant_b = cls.env["hr.applicant"].create(
            {
                "candidate_id": cls.env["hr.candidate"]
                .create({"partner_name": "In B", "company_id": cls.company_b.id})
                .id,
                "job_id": job_b.id,
                "company_id": cls.company_b.id,
                "stage_id": cls.stage_first.id,
            }
        )
        cls.rule = cls.env.ref("hr_recruitment_followup.followup_rule_after_interview")

    def test_a_shared_rule_edited_in_company_a_replans_company_b_too(self):
        self.assertFalse(self.rule.company_id, "the shipped rule has no company")
        (self.applicant | self.applicant_b).flush_recordset()
        self.env.cr.execute(
            "UPDATE hr_applicant SET followup_needs_plan = FALSE WHERE id IN %s",
            [(self.applicant.id, self.applicant_b.id)],
        )
        self.env.invalidate_all()
        manager_env = self.rule.with_user(self.manager_a).with_context(
            allowed_company_ids=self.company.ids
        )
        self.assertFalse(
            self.env["hr.applicant"]
            .with_user(self.manager_a)
            .search([("id", "=", self.applicant_b.id)]),
            "the editor does not see company B",
        )
        manager_env.write({"delay": 3})
        self.assertTrue(self.applicant.followup_needs_plan)
        self.assertTrue(
            self.applicant_b.followup_needs_plan,
            "company B's applicants follow the shared rule too",
        )


@tagged("post_install", "-at_install")
class TestApplicantWriteCandidateFields(FollowupCommon):
    def test_callers_dict_is_left_as_it_was(self):
        vals = {"preferred_channel": "wechat", "worth_intent": 4}
        self.applicant.write(vals)
        self.assertEqual(vals, {"preferred_channel": "wechat", "worth_intent": 4})
        self.assertEqual(self.candidate.preferred_channel, "wechat")
        self.assertEqual(self.applicant.worth_intent, 4)

    def test_candidate_fields_go_to_the_new_candidate(self):
        new_candidate = self.env["hr.candidate"].create(
            {"partner_name": "Li Na", "email_from": "li.na@example.com"}
        )
        vals = {
            "candidate_id": new_candidate.id,
            "do_not_contact": True,
            "do_not_contact_reason": "Asked on the phone",
            "preferred_channel": "phone",
        }
        self.applicant.with_user(self.recruiter).write(vals)
        self.assertEqual(self.applicant.candidate_id, new_candidate)
        self.assertTrue(new_candidate.do_not_contact)
        self.assertEqual(new_candidate.do_not_contact_reason, "Asked on the phone")
        self.assertEqual(new_candidate.preferred_channel, "phone")
        self.assertFalse(self.candidate.do_not_contact, "the old one is untouched")
        self.assertFalse(self.candidate.preferred_channel)
        self.assertEqual(len(vals), 4, "the caller's dict keeps its keys")
