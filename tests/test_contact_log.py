from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestContactLog(FollowupCommon):
    def _log_form(self, applicant, user):
        action = applicant.with_user(user).action_log_contact()
        return Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"]),
            view=action["views"][0][0],
        )

    @freeze_time("2026-03-02 02:00:00")  # 10:00 in Shanghai, the recruiter's tz
    def test_log_contact_from_applicant_schedules_activity_for_recruiter(self):
        form = self._log_form(self.applicant, self.recruiter)
        self.assertEqual(form.applicant_id, self.applicant)
        form.channel = "wechat"
        form.summary = "Thanked him for the interview"
        form.candidate_response = "Looking forward to the next round"
        form.outcome = "positive"
        form.next_step = "Confirm the second interview"
        form.next_contact_date = date(2026, 3, 5)
        log = form.save()

        self.assertEqual(log.user_id, self.recruiter)
        self.assertEqual(log.followup_stage_id, self.fu_post_interview)
        self.assertFalse(log.automated)
        activity = self._followup_activities(self.applicant)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 3, 5))
        self.assertEqual(activity.user_id, self.recruiter)
        self.assertEqual(activity.summary, "Confirm the second interview")
        self.assertIn("Thanked him for the interview", activity.note)
        self.assertEqual(self.applicant.last_contact_date, datetime(2026, 3, 2, 2, 0))
        # Due at 09:00 in Shanghai on the planned day.
        self.assertEqual(self.applicant.next_followup_date, datetime(2026, 3, 5, 1, 0))
        self.assertEqual(self.applicant.contact_log_count, 1)

    def test_next_contact_moves_the_activity_instead_of_adding_one(self):
        with freeze_time("2026-03-02 02:00:00"):
            self.env["hr.applicant.contact.log"].with_user(self.recruiter).create(
                {
                    "applicant_id": self.applicant.id,
                    "channel": "phone",
                    "next_contact_date": date(2026, 3, 5),
                }
            )
        with freeze_time("2026-03-04 02:00:00"):
            self.env["hr.applicant.contact.log"].with_user(self.recruiter).create(
                {
                    "applicant_id": self.applicant.id,
                    "channel": "email",
                    "direction": "inbound",
                    "summary": "He asked for one more week",
                    "next_contact_date": date(2026, 3, 11),
                }
            )
        activity = self._followup_activities(self.applicant)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 3, 11))
        self.assertEqual(self.applicant.next_followup_date, datetime(2026, 3, 11, 1, 0))

    def test_log_without_next_date_completes_the_due_activity(self):
        Log = self.env["hr.applicant.contact.log"].with_user(self.recruiter)
        with freeze_time("2026-03-02 02:00:00"):
            Log.create(
                {"applicant_id": self.applicant.id, "next_contact_date": "2026-03-05"}
            )
        with freeze_time("2026-03-05 03:00:00"):
            Log.create(
                {"applicant_id": self.applicant.id, "summary": "Offer explained"}
            )
        self.assertFalse(self._followup_activities(self.applicant))
        self.assertFalse(self.applicant.next_followup_date)
        done = self.applicant.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.activity_type
        )
        self.assertTrue(done, "the completed activity is posted on the chatter")

    def test_log_without_next_date_keeps_a_later_activity(self):
        Log = self.env["hr.applicant.contact.log"].with_user(self.recruiter)
        with freeze_time("2026-03-02 02:00:00"):
            Log.create(
                {"applicant_id": self.applicant.id, "next_contact_date": "2026-03-09"}
            )
            Log.create(
                {
                    "applicant_id": self.applicant.id,
                    "direction": "inbound",
                    "summary": "Hi",
                }
            )
        self.assertEqual(
            self._followup_activities(self.applicant).date_deadline, date(2026, 3, 9)
        )

    def test_channel_defaults_to_candidate_preference(self):
        self.candidate.preferred_channel = "wecom"
        form = self._log_form(self.applicant, self.recruiter)
        self.assertEqual(form.channel, "wecom")
        log = self.env["hr.applicant.contact.log"].create(
            {"applicant_id": self.applicant.id}
        )
        self.assertEqual(log.channel, "wecom")

    def test_log_without_applicant_is_refused(self):
        with self.assertRaisesText(ValidationError, "must be logged on an applicant"):
            self.env["hr.applicant.contact.log"].create({"channel": "phone"})

    @freeze_time("2026-03-02 02:00:00")
    def test_next_contact_before_contact_is_refused_and_nothing_written(self):
        Log = self.env["hr.applicant.contact.log"]
        with self.assertRaises(ValidationError) as error:
            Log.create(
                [
                    {
                        "applicant_id": self.applicant.id,
                        "next_contact_date": "2026-03-04",
                    },
                    {
                        "applicant_id": self.applicant.id,
                        "next_contact_date": "2026-03-01",
                    },
                ]
            )
        self.assertIn("cannot be before the contact", str(error.exception))
        self.assertFalse(Log.search([("applicant_id", "=", self.applicant.id)]))
        self.assertFalse(self._followup_activities(self.applicant))

    @freeze_time("2026-03-02 02:00:00")
    def test_contact_in_the_future_is_refused(self):
        with self.assertRaisesText(ValidationError, "dated in the future"):
            self.env["hr.applicant.contact.log"].create(
                {
                    "applicant_id": self.applicant.id,
                    "contact_date": "2026-03-03 02:00:00",
                }
            )

    def test_do_not_contact_needs_a_reason(self):
        with self.assertRaises(ValidationError) as error:
            self.applicant.do_not_contact = True
        self.assertIn("a reason is required", str(error.exception))
        self.env.invalidate_all()
        self.assertFalse(self.candidate.do_not_contact)
        with self.assertRaisesText(ValidationError, "a reason is required"):
            self.applicant.write(
                {"do_not_contact": True, "do_not_contact_reason": "   "}
            )
        self.applicant.write(
            {
                "do_not_contact": True,
                "do_not_contact_reason": "No intention to change jobs",
            }
        )
        self.assertTrue(self.candidate.do_not_contact)
        self.assertTrue(self.candidate.do_not_contact_date)

    @freeze_time("2026-03-02 02:00:00")
    def test_do_not_contact_cancels_and_blocks_planned_contacts(self):
        Log = self.env["hr.applicant.contact.log"].with_user(self.recruiter)
        Log.create(
            {"applicant_id": self.applicant.id, "next_contact_date": "2026-03-03"}
        )
        self.assertTrue(self._followup_activities(self.applicant))
        self.applicant.write(
            {"do_not_contact": True, "do_not_contact_reason": "Accepted another offer"}
        )
        self.assertFalse(self._followup_activities(self.applicant))
        with self.assertRaisesText(ValidationError, "asked not to be contacted"):
            Log.create(
                {"applicant_id": self.applicant.id, "next_contact_date": "2026-03-04"}
            )
        # What the candidate tells us is still logged.
        inbound = Log.create(
            {
                "applicant_id": self.applicant.id,
                "direction": "inbound",
                "summary": "Thanks",
            }
        )
        self.assertTrue(inbound.exists())
