from contextlib import contextmanager

from odoo.tests import TransactionCase, new_test_user


class FollowupCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.stage_new = cls.env.ref("hr_recruitment.stage_job0")
        cls.stage_first = cls.env.ref("hr_recruitment.stage_job2")
        cls.stage_second = cls.env.ref("hr_recruitment.stage_job3")
        cls.stage_proposal = cls.env.ref("hr_recruitment.stage_job4")
        cls.stage_signed = cls.env.ref("hr_recruitment.stage_job5")
        cls.fu_post_interview = cls.env.ref(
            "hr_recruitment_followup.followup_stage_post_interview"
        )
        cls.fu_pre_offer = cls.env.ref(
            "hr_recruitment_followup.followup_stage_pre_offer"
        )
        cls.fu_pre_onboarding = cls.env.ref(
            "hr_recruitment_followup.followup_stage_pre_onboarding"
        )
        cls.fu_talent_pool = cls.env.ref(
            "hr_recruitment_followup.followup_stage_talent_pool"
        )
        cls.fu_offer_declined = cls.env.ref(
            "hr_recruitment_followup.followup_stage_offer_declined"
        )
        cls.activity_type = cls.env.ref(
            "hr_recruitment_followup.mail_activity_type_followup"
        )
        cls.recruiter = new_test_user(
            cls.env,
            "fu_recruiter",
            groups="hr_recruitment.group_hr_recruitment_user",
            tz="Asia/Shanghai",
            name="Recruiter Wang",
        )
        cls.manager = new_test_user(
            cls.env,
            "fu_manager",
            groups="hr_recruitment.group_hr_recruitment_manager",
            name="HR Manager Li",
        )
        cls.interviewer = new_test_user(
            cls.env,
            "fu_interviewer",
            groups="hr_recruitment.group_hr_recruitment_interviewer",
            name="Interviewer Zhao",
        )
        cls.job = cls.env["hr.job"].create(
            {"name": "Backend Engineer", "user_id": cls.recruiter.id}
        )
        cls.candidate = cls.env["hr.candidate"].create(
            {"partner_name": "Zhang Wei", "email_from": "zhang.wei@example.com"}
        )
        cls.applicant = cls.env["hr.applicant"].create(
            {
                "candidate_id": cls.candidate.id,
                "job_id": cls.job.id,
                "stage_id": cls.stage_first.id,
                "user_id": cls.recruiter.id,
            }
        )

    @classmethod
    def _new_applicant(cls, name, **values):
        candidate = cls.env["hr.candidate"].create({"partner_name": name})
        return cls.env["hr.applicant"].create(
            {
                "candidate_id": candidate.id,
                "job_id": cls.job.id,
                "user_id": cls.recruiter.id,
                **values,
            }
        )

    def _followup_activities(self, applicant):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "hr.applicant"),
                ("res_id", "=", applicant.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    @contextmanager
    def assertRaisesText(self, exception, text):
        """Like assertRaisesRegex, but rolled back like Odoo's assertRaises."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertIn(text, str(caught.exception))
