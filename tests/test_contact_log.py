from datetime import date, datetime, timedelta

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

    def test_last_touch_is_the_last_outbound_contact(self):
        Log = self.env["hr.applicant.contact.log"].with_user(self.recruiter)
        self.assertFalse(self.applicant.last_touch_date)
        # The candidate writes to us: a contact, not a touch.
        Log.create(
            {
                "applicant_id": self.applicant.id,
                "direction": "inbound",
                "contact_date": datetime(2026, 3, 1, 2, 0),
            }
        )
        self.assertEqual(self.applicant.last_contact_date, datetime(2026, 3, 1, 2, 0))
        self.assertFalse(self.applicant.last_touch_date)
        call = Log.create(
            {
                "applicant_id": self.applicant.id,
                "channel": "phone",
                "contact_date": datetime(2026, 2, 20, 2, 0),
            }
        )
        self.assertEqual(self.applicant.last_touch_date, datetime(2026, 2, 20, 2, 0))
        self.assertEqual(self.applicant.last_contact_date, datetime(2026, 3, 1, 2, 0))
        # Corrected to inbound: no touch left.
        call.direction = "inbound"
        self.assertFalse(self.applicant.last_touch_date)
        call.direction = "outbound"
        call.unlink()
        self.assertFalse(self.applicant.last_touch_date)
        # The stored value is what the compute gives, read back from the database.
        Log.create(
            {
                "applicant_id": self.applicant.id,
                "channel": "wechat",
                "contact_date": datetime(2026, 2, 25, 2, 0),
            }
        )
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self.applicant.last_touch_date, datetime(2026, 2, 25, 2, 0))


@tagged("post_install", "-at_install")
class TestContactLogGroups(FollowupCommon):
    """Grouped contact log: the groups counted in the page's own query, the
    applicants newest application first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Log = cls.env["hr.applicant.contact.log"]
        cls.applicants = cls.env["hr.applicant"]
        for index in range(7):
            applicant = cls._new_applicant(
                f"Candidate {index}", priority=str(index % 4)
            )
            cls.applicants |= applicant
            Log.create(
                [
                    {
                        "applicant_id": applicant.id,
                        "channel": "phone",
                        "contact_date": datetime(2026, 1, 1, 2, 0)
                        + timedelta(weeks=day),
                    }
                    for day in range(index + 1)
                ]
            )
        cls.domain = [("applicant_id", "in", cls.applicants.ids)]

    def _odoo_length(self, groupby):
        """What Odoo's web_read_group counts: every group, read again."""
        Log = self.env["hr.applicant.contact.log"]
        return len(Log._read_group(self.domain, groupby))

    def test_group_count_equals_odoo_count(self):
        Log = self.env["hr.applicant.contact.log"]
        for groupby in (["applicant_id"], ["contact_date:week"], ["channel"]):
            expected = self._odoo_length(groupby)
            for limit, offset in ((3, 0), (3, 3), (2, 6), (80, 0), (3, 30)):
                with self.subTest(groupby=groupby, limit=limit, offset=offset):
                    result = Log.web_read_group(
                        self.domain, [], groupby, limit=limit, offset=offset
                    )
                    shown = min(limit, max(expected - offset, 0))
                    self.assertEqual(len(result["groups"]), shown)
                    self.assertEqual(result["length"], expected if shown else 0)
        self.assertEqual(self._odoo_length(["applicant_id"]), 7)
        self.assertEqual(self._odoo_length(["contact_date:week"]), 7)

    def test_page_counts_groups_in_one_query(self):
        Log = self.env["hr.applicant.contact.log"]
        cr = self.env.cr
        for groupby in (["contact_date:week"], ["applicant_id"]):
            Log.web_read_group(self.domain, [], groupby, limit=3)
            queries = cr.sql_log_count
            Log._web_read_group(self.domain, [], groupby, limit=3)
            page_queries = cr.sql_log_count - queries
            queries = cr.sql_log_count
            result = Log.web_read_group(self.domain, [], groupby, limit=3)
            # Counting the groups costs no query of its own.
            self.assertEqual(cr.sql_log_count - queries, page_queries)
            self.assertEqual(result["length"], 7)

    def test_applicant_groups_newest_application_first(self):
        Log = self.env["hr.applicant.contact.log"]
        groups = Log.web_read_group(self.domain, [], ["applicant_id"], limit=80)
        newest_first = self.applicants.sorted("id", reverse=True)
        self.assertEqual(
            [g["applicant_id"][0] for g in groups["groups"]], newest_first.ids
        )
        self.assertEqual(
            [g["applicant_id_count"] for g in groups["groups"]], [7, 6, 5, 4, 3, 2, 1]
        )
        oldest_first = Log.web_read_group(
            self.domain, [], ["applicant_id"], limit=80, orderby="applicant_id asc"
        )
        self.assertEqual(
            [g["applicant_id"][0] for g in oldest_first["groups"]], self.applicants.ids
        )
        # Other orders are Odoo's.
        by_count = Log.web_read_group(
            self.domain, [], ["applicant_id"], limit=2, orderby="__count desc"
        )
        self.assertEqual(by_count["groups"][0]["applicant_id"][0], newest_first[0].id)
        self.assertEqual(by_count["length"], 7)
