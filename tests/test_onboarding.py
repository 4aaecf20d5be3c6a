from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .test_cadence import CadenceCommon


@tagged("post_install", "-at_install")
class TestOnboarding(CadenceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule_guide = cls.env.ref(
            "hr_recruitment_followup.followup_rule_preboarding_guide"
        )
        cls.rule_guide.active = True
        cls.tag_abandoned = cls.env.ref("hr_recruitment_followup.tag_hire_abandoned")
        cls.buddy_user = new_test_user(cls.env, "fu_buddy", name="Buddy Sun")
        cls.buddy = cls.env["hr.employee"].create(
            {"name": "Buddy Sun", "user_id": cls.buddy_user.id}
        )

    def _hired(self, name, start, **values):
        applicant = self._candidate_applicant(
            name, "Asia/Shanghai", stage_id=self.stage_signed.id, **values
        )
        applicant.start_date = start
        return self._job_replans(applicant)

    @freeze_time("2026-03-02 02:00:00")
    def test_pending_start_then_arrived(self):
        applicant = self._hired("Arriving", date(2026, 3, 16))
        self.assertEqual(applicant.onboarding_state, "pending_start")
        offered = self._candidate_applicant(
            "Offered", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        self.assertFalse(offered.onboarding_state, "no first day yet")
        offered.start_date = date(2026, 3, 20)
        self.assertEqual(offered.onboarding_state, "pending_start")
        with self.assertRaisesText(UserError, "on or after the first day"):
            applicant.action_onboarding_started()
        with freeze_time("2026-03-16 01:00:00"):
            applicant.action_onboarding_started()
        self.assertEqual(applicant.onboarding_state, "started")
        applicant.start_date = date(2026, 3, 17)
        self.assertEqual(applicant.onboarding_state, "started", "kept once set")

    def test_abandoned_hire_stops_the_checkpoints(self):
        with freeze_time("2026-03-02 02:00:00"):
            applicant = self._hired("Abandoning", date(2026, 3, 30))
            self.assertEqual(applicant.followup_rule_id, self.rule_confirm)
            applicant.action_onboarding_abandon()
            self.assertEqual(applicant.onboarding_state, "abandoned")
            self.assertIn(self.tag_abandoned, applicant.categ_ids)
            self.assertIn(self.tag_abandoned, applicant.candidate_id.categ_ids)
            self.assertEqual(applicant.followup_stage_id, self.fu_talent_pool)
            self.assertFalse(applicant.followup_rule_id)
        with freeze_time("2026-03-29 02:00:00"):
            self._run_cron()
            self.assertFalse(self._mails(applicant), "no checkpoint after giving up")
        # Even back in the stage before the first day, the checkpoints stay off.
        applicant.followup_stage_id = self.fu_pre_onboarding
        applicant._plan_next_followup()
        self.assertFalse(applicant.followup_rule_id)

    def test_no_show_is_recorded_on_the_first_day(self):
        with freeze_time("2026-03-02 02:00:00"):
            applicant = self._hired("Absent", date(2026, 3, 16))
            with self.assertRaisesText(UserError, "no-show can only be recorded"):
                applicant.action_onboarding_no_show()
            self.assertEqual(applicant.onboarding_state, "pending_start")
        with freeze_time("2026-03-16 04:00:00"):
            applicant.with_user(self.recruiter).action_onboarding_no_show()
        self.assertEqual(applicant.onboarding_state, "no_show")
        self.assertIn(self.tag_abandoned, applicant.categ_ids)
        log = applicant.contact_log_ids
        self.assertEqual(log.outcome, "no_response")
        self.assertEqual(log.user_id, self.recruiter)
        self.assertEqual(log.summary, "No-show on the first day (2026-03-16).")

    def test_preboarding_guide_five_days_before_with_the_buddy(self):
        with freeze_time("2026-03-02 02:00:00"):
            applicant = self._hired("Guided", date(2026, 3, 30))
            applicant.buddy_id = self.buddy
        # The intent call, then the checkpoints 14 and 7 days before; then 5 days
        # before, 09:00 in Shanghai, the guide.
        for moment in (
            "2026-03-03 02:00:00",
            "2026-03-16 01:00:00",
            "2026-03-23 01:00:00",
            "2026-03-25 01:00:00",
        ):
            with freeze_time(moment):
                self._run_cron()
        mail = self._mails(applicant).filtered(lambda m: "what to expect" in m.subject)
        self.assertEqual(len(mail), 1)
        self.assertIn("Buddy Sun", mail.body_html)
        self.assertIn("ID card", mail.body_html)
        log = self._auto_logs(applicant).filtered(
            lambda l: l.rule_id == self.rule_guide
        )
        self.assertEqual(log.contact_date, datetime(2026, 3, 25, 1, 0))

    @freeze_time("2026-03-02 02:00:00")
    def test_preboarding_plan_assigns_the_buddy(self):
        applicant = self._hired("Planned", date(2026, 3, 30))
        plan = self.env.ref("hr_recruitment_followup.mail_activity_plan_preboarding")
        action = applicant.with_user(self.recruiter).action_onboarding_plan()
        with self.assertRaisesText(ValidationError, "Choose a buddy for Planned"):
            Form(
                self.env["mail.activity.schedule"].with_context(**action["context"])
            ).save()
        applicant.buddy_id = self.buddy
        wizard = Form(
            self.env["mail.activity.schedule"]
            .with_user(self.recruiter)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.plan_id, plan)
        self.assertEqual(wizard.plan_date, date(2026, 3, 30), "from the first day")
        wizard.plan_on_demand_user_id = self.manager
        wizard.save().action_schedule_plan()
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "hr.applicant"), ("res_id", "=", applicant.id)]
        )
        by_summary = {a.summary: a for a in activities}
        intro = by_summary["Buddy: introduce yourself to the new hire"]
        self.assertEqual(intro.user_id, self.buddy_user)
        self.assertEqual(intro.date_deadline, date(2026, 3, 25))
        welcome = by_summary["Buddy: welcome the new hire and have lunch together"]
        self.assertEqual(welcome.user_id, self.buddy_user)
        self.assertEqual(welcome.date_deadline, date(2026, 3, 30))
        desk = by_summary["Prepare the desk, the laptop and the accounts"]
        self.assertEqual(desk.user_id, self.manager)

    @freeze_time("2026-03-02 02:00:00")
    def test_buddy_needs_a_user_and_an_applicant_plan(self):
        applicant = self._hired("No User Buddy", date(2026, 3, 30))
        applicant.buddy_id = self.env["hr.employee"].create({"name": "Offline Wu"})
        action = applicant.action_onboarding_plan()
        with self.assertRaisesText(ValidationError, "Offline Wu has no user"):
            Form(
                self.env["mail.activity.schedule"].with_context(**action["context"])
            ).save()
        plan = self.env["mail.activity.plan"].create(
            {"name": "Employees", "res_model": "res.partner"}
        )
        with self.assertRaisesText(ValidationError, "Only plans for applicants"):
            self.env["mail.activity.plan.template"].create(
                {
                    "plan_id": plan.id,
                    "summary": "Buddy task",
                    "responsible_type": "buddy",
                }
            )
