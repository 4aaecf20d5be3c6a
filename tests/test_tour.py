from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFollowupTour(HttpCase):
    """Browser tours in headless Chromium (static/tests/tours/)."""

    def test_log_wechat_contact_tour(self):
        recruiter = new_test_user(
            self.env,
            "fu_tour_recruiter",
            groups="hr_recruitment.group_hr_recruitment_user",
            tz="Asia/Shanghai",
            name="Tour Recruiter",
        )
        job = self.env["hr.job"].create(
            {"name": "Tour Engineer", "user_id": recruiter.id}
        )
        stage = self.env.ref("hr_recruitment.stage_job2")

        def applicant(name):
            candidate = self.env["hr.candidate"].create(
                {"partner_name": name, "email_from": "tour@example.com"}
            )
            return self.env["hr.applicant"].create(
                {
                    "candidate_id": candidate.id,
                    "job_id": job.id,
                    "stage_id": stage.id,
                    "user_id": recruiter.id,
                }
            )

        li = applicant("Tour Candidate Li")
        chen = applicant("Tour Overdue Chen")
        now = fields.Datetime.now()
        # Called ten days ago and planned to call back three days ago.
        self.env["hr.applicant.contact.log"].create(
            {
                "applicant_id": chen.id,
                "user_id": recruiter.id,
                "contact_date": now - timedelta(days=10),
                "next_contact_date": fields.Date.today() - timedelta(days=3),
                "summary": "First call",
            }
        )
        self.assertTrue(chen.with_user(recruiter).followup_overdue)
        self.assertFalse(li.with_user(recruiter).followup_overdue)

        self.start_tour(
            "/odoo/recruitment-applications",
            "hr_recruitment_followup_log_contact",
            login="fu_tour_recruiter",
        )

        log = li.contact_log_ids
        self.assertEqual(len(log), 1)
        self.assertEqual(
            (log.channel, log.outcome, log.user_id, log.automated),
            ("wechat", "positive", recruiter, False),
        )
        self.assertEqual(
            log.summary, "Added on WeChat, sent the feedback of the interview"
        )
        self.assertGreater(log.next_contact_date, fields.Date.today())
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "hr.applicant"),
                ("res_id", "=", li.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref(
                        "hr_recruitment_followup.mail_activity_type_followup"
                    ).id,
                ),
            ]
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, log.next_contact_date)
        self.assertEqual(activity.user_id, recruiter)
        self.assertEqual(li.last_contact_date, log.contact_date)

    def test_candidate_answers_the_decline_survey_tour(self):
        partner = self.env["res.partner"].create(
            {"name": "Tour Decliner Wu", "email": "tour.decliner@example.com"}
        )
        candidate = self.env["hr.candidate"].create(
            {"partner_id": partner.id, "partner_name": "Tour Decliner Wu"}
        )
        applicant = self.env["hr.applicant"].create(
            {
                "candidate_id": candidate.id,
                "stage_id": self.env.ref("hr_recruitment.stage_job4").id,
            }
        )
        self.env["hr.applicant.decline"].create(
            {"applicant_ids": [(6, 0, applicant.ids)], "send_survey": True}
        ).action_confirm()
        answer = applicant.with_context(active_test=False).response_ids
        self.assertEqual(len(answer), 1)

        # As the candidate: no login, only the invitation's link.
        self.start_tour(
            answer.get_start_url(), "hr_recruitment_followup_decline_survey"
        )

        self.assertEqual(answer.state, "done")
        self.assertEqual(
            sorted(applicant.decline_reason_ids.mapped("code")),
            ["other_offer", "salary"],
        )
        self.assertEqual(
            applicant.decline_comment, "The other company offered 20% more."
        )
        self.assertFalse(applicant.do_not_contact)
        # "Keep me informed": the candidate's consent puts them in the talent
        # pool; the application stays where it ended.
        self.assertTrue(applicant.candidate_id.in_talent_pool)
        self.assertTrue(applicant.candidate_id.talent_pool_consent)
        self.assertEqual(
            applicant.followup_stage_id,
            self.env.ref("hr_recruitment_followup.followup_stage_offer_declined"),
        )
