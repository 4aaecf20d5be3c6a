from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_cadence import CadenceCommon

CHALLENGES = "Frequent travel to customer sites\n\nOne on-call week a month\n"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 02:00:00")
class TestTransparency(CadenceCommon):
    def _pre_offer(self, name):
        return self._candidate_applicant(
            name, "Asia/Shanghai", stage_id=self.stage_second.id
        )

    def _render(self, xmlid, applicant):
        template = self.env.ref(f"hr_recruitment_followup.{xmlid}")
        return template._render_field("body_html", applicant.ids)[applicant.id]

    def test_emails_before_the_offer_list_the_challenges(self):
        applicant = self._pre_offer("Traveller")
        body = self._render("mail_template_followup_light_touch", applicant)
        self.assertNotIn("what the role also demands", body, "none listed yet")
        self.job.followup_challenges = CHALLENGES
        applicant.start_date = "2026-04-01"
        for xmlid in (
            "mail_template_followup_light_touch",
            "mail_template_followup_before_start",
            "mail_template_followup_preboarding_guide",
            "mail_template_followup_reactivation",
        ):
            body = self._render(xmlid, applicant)
            self.assertIn("<li>Frequent travel to customer sites</li>", body, xmlid)
            self.assertIn("<li>One on-call week a month</li>", body, xmlid)
            self.assertEqual(body.count("<li>"), 2 + ("ID card" in body) * 2, xmlid)
            self.assertIn("confirm you are comfortable with them", body, xmlid)

    def test_the_light_touch_sent_by_the_job_carries_the_challenges(self):
        self.job.followup_challenges = CHALLENGES
        applicant = self._pre_offer("Mailed")
        with freeze_time("2026-03-06 02:00:00"):
            self._run_cron()
        mail = self._mails(applicant)
        self.assertEqual(len(mail), 1)
        self.assertIn("One on-call week a month", mail.body_html)

    def test_acknowledgement_is_logged_and_restarts_the_cadence(self):
        self.job.followup_challenges = CHALLENGES
        applicant = self._pre_offer("Agreeing")
        self.assertTrue(applicant.challenges_to_acknowledge)
        self.assertEqual(applicant.followup_rule_id, self.rule_light)
        due_before = applicant.next_followup_date
        with freeze_time("2026-03-04 06:00:00"):
            applicant.with_user(self.recruiter).action_challenges_acknowledged()
            self.assertFalse(applicant.challenges_to_acknowledge)
            self.assertEqual(
                str(applicant.challenges_acknowledged_date), "2026-03-04 06:00:00"
            )
            log = applicant.contact_log_ids
            self.assertEqual(log.direction, "inbound")
            self.assertEqual(log.user_id, self.recruiter)
            self.assertEqual(
                log.summary,
                "Acknowledged the challenges of the position: Frequent travel to "
                "customer sites; One on-call week a month",
            )
            self.assertGreater(applicant.next_followup_date, due_before)

    def test_nothing_to_acknowledge_without_challenges(self):
        applicant = self._pre_offer("Plain")
        self.assertFalse(applicant.challenges_to_acknowledge)
        with self.assertRaisesText(UserError, "lists no challenges"):
            applicant.action_challenges_acknowledged()
        self.assertFalse(applicant.contact_log_ids)
        self.assertFalse(applicant.challenges_acknowledged_date)
