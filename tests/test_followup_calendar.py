"""When automated touches really reach the candidate: public holidays of the
company's working calendar, one email per contact window (the refuse wizard and
the decline survey), and the plan shown as the real send time (issue 14)."""

from datetime import datetime

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .test_cadence import CadenceCommon


class CalendarCommon(CadenceCommon):
    @classmethod
    def _holiday_calendar(cls, tz, name, date_from, date_to):
        """The company's working calendar with one public holiday (a global
        leave: no resource), as an Odoo user loads theirs."""
        calendar = cls.env["resource.calendar"].create(
            {"name": f"Working time {tz}", "tz": tz, "company_id": cls.company.id}
        )
        cls.env["resource.calendar.leaves"].create(
            {
                "name": name,
                "calendar_id": calendar.id,
                "date_from": date_from,
                "date_to": date_to,
            }
        )
        cls.company.resource_calendar_id = calendar
        return calendar

    def _interviewed(self, name, tz, start, stop, **values):
        applicant = self._candidate_applicant(
            name, tz, stage_id=self.stage_first.id, **values
        )
        self._interview(applicant, start, stop)
        return applicant


@tagged("post_install", "-at_install")
class TestFollowupHolidays(CalendarCommon):
    """Chinese New Year 2026 (17-23 February in Shanghai) as a global leave."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls._holiday_calendar(
            "Asia/Shanghai",
            "Chinese New Year",
            # 2026-02-17 00:00 to 2026-02-23 23:59:59 in Shanghai.
            "2026-02-16 16:00:00",
            "2026-02-23 15:59:59",
        )

    def test_shipped_rules_wait_for_working_days_except_the_thank_you(self):
        self.assertFalse(self.rule_interview.followup_skip_holidays)
        for rule in (
            self.rule_light,
            self.rule_confirm,
            self.rule_start_14,
            self.rule_start_7,
            self.rule_start_1,
            self.rule_pool,
            self.rule_declined,
        ):
            self.assertTrue(rule.followup_skip_holidays, rule.name)
        self.assertTrue(
            self.Rule.default_get(["followup_skip_holidays"])["followup_skip_holidays"],
            "on by default",
        )

    def test_thank_you_goes_at_the_next_contact_hour_even_on_the_holiday(self):
        with freeze_time("2026-02-16 09:00:00"):
            # 19:00-20:00 in Shanghai, the eve of the holiday.
            applicant = self._interviewed(
                "Eve Interview",
                "Asia/Shanghai",
                "2026-02-16 11:00:00",
                "2026-02-16 12:00:00",
            )
            self.assertEqual(applicant.followup_rule_id, self.rule_interview)
            # Due at 22:00; 09:00 on the first day of the holiday.
            self.assertEqual(applicant.next_followup_date, datetime(2026, 2, 17, 1, 0))
        with freeze_time("2026-02-16 14:00:00"):
            self._run_cron()
            self.assertFalse(self._mails(applicant), "nothing at night")
        with freeze_time("2026-02-17 01:00:00"):
            self._run_cron()
            mail = self._mails(applicant)
            self.assertEqual(len(mail), 1)
            self.assertFalse(mail.scheduled_date)
            self.assertEqual(
                self._auto_logs(applicant).contact_date, datetime(2026, 2, 17, 1, 0)
            )

    def test_light_touch_waits_for_the_first_working_day(self):
        with freeze_time("2026-02-13 02:00:00"):  # 10:00 in Shanghai, a Friday
            applicant = self._candidate_applicant(
                "Spring Festival", "Asia/Shanghai", stage_id=self.stage_second.id
            )
            self.assertEqual(applicant.followup_rule_id, self.rule_light)
            # Four quiet days: 10:00 on 02-17, the first day of the holiday; the
            # first working day's contact hours start at 09:00 on 02-24.
            self.assertEqual(applicant.next_followup_date, datetime(2026, 2, 24, 1, 0))
        with freeze_time("2026-02-17 02:00:00"):
            self._run_cron()
            self.assertFalse(self._mails(applicant))
        with freeze_time("2026-02-24 00:59:59"):
            self._run_cron()
            self.assertFalse(self._mails(applicant), "not a second early")
        with freeze_time("2026-02-24 01:00:00"):
            self._run_cron()
            self.assertEqual(len(self._mails(applicant)), 1)
            self.assertEqual(
                self._auto_logs(applicant).contact_date, datetime(2026, 2, 24, 1, 0)
            )

    @freeze_time("2026-02-13 02:00:00")
    def test_a_rule_that_does_not_wait_keeps_the_holiday(self):
        applicant = self._candidate_applicant(
            "No Holiday Rule", "Asia/Shanghai", stage_id=self.stage_second.id
        )
        self.assertEqual(applicant.next_followup_date, datetime(2026, 2, 24, 1, 0))
        self.rule_light.followup_skip_holidays = False
        self.assertTrue(applicant.followup_needs_plan, "re-planned by the job")
        self._run_cron()
        self.assertEqual(applicant.next_followup_date, datetime(2026, 2, 17, 2, 0))

    @freeze_time("2026-02-12 02:00:00")  # Thursday, 10:00 in Shanghai
    def test_checkpoint_before_the_first_day_comes_before_the_holiday(self):
        """The first day is the first working day after the holiday: the call
        of the day before comes on the last working day before the holiday."""
        (self.rule_confirm | self.rule_start_14 | self.rule_start_7).active = False
        applicant = self._candidate_applicant(
            "First Day After", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        applicant.start_date = "2026-02-24"
        applicant._plan_next_followup()
        self.assertEqual(applicant.followup_rule_id, self.rule_start_1)
        # Due 2026-02-23 09:00 (a holiday): 09:00 on Monday 02-16 instead.
        self.assertEqual(applicant.next_followup_date, datetime(2026, 2, 16, 1, 0))
        with freeze_time("2026-02-16 01:00:00"):
            self._run_cron()
            activity = self._followup_activities(applicant)
            self.assertEqual(len(activity), 1)
            self.assertEqual(str(activity.date_deadline), "2026-02-16")
        # Planned while the holiday has begun: nothing before it is left, the
        # call waits for the first working day's morning.
        with freeze_time("2026-02-18 02:00:00"):
            late = self._candidate_applicant(
                "Planned Late", "Asia/Shanghai", stage_id=self.stage_proposal.id
            )
            late.start_date = "2026-02-24"
            late._plan_next_followup()
            self.assertEqual(late.followup_rule_id, self.rule_start_1)
            self.assertEqual(late.next_followup_date, datetime(2026, 2, 24, 1, 0))

    def test_weekends_are_not_holidays(self):
        """Only the public holidays move a touch: the calendar's days without
        attendance (its weekend) do not."""
        self.assertFalse(
            self.calendar.attendance_ids.filtered(lambda a: a.dayofweek in "56"),
            "Monday to Friday",
        )
        with freeze_time("2026-03-03 02:00:00"):  # Tuesday, 10:00 in Shanghai
            applicant = self._candidate_applicant(
                "Weekend", "Asia/Shanghai", stage_id=self.stage_second.id
            )
            # Saturday 10:00 in Shanghai.
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 7, 2, 0))

    def test_another_company_without_the_holiday_is_not_moved(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        job_b = self.env["hr.job"].create({"name": "Job B", "company_id": company_b.id})
        with freeze_time("2026-02-13 02:00:00"):
            applicant = self._candidate_applicant(
                "In B",
                "Asia/Shanghai",
                stage_id=self.stage_second.id,
                job_id=job_b.id,
                company_id=company_b.id,
            )
            self.assertEqual(applicant.next_followup_date, datetime(2026, 2, 17, 2, 0))

    def test_holidays_read_once_for_a_batch(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        job_b = self.env["hr.job"].create({"name": "Job B", "company_id": company_b.id})
        applicants = self.env["hr.applicant"]
        for n in range(6):
            values = {"job_id": job_b.id, "company_id": company_b.id} if n % 2 else {}
            applicants |= self._candidate_applicant(
                f"Batch {n}", "Asia/Shanghai", **values
            )
        applicants.mapped("company_id.name")
        self.env.flush_all()
        now = datetime(2026, 2, 1, 0, 0)
        with self.assertQueryCount(1):
            holidays = applicants._followup_holidays(now)
        self.assertEqual(len(holidays[self.company.id]), 7)
        self.assertIn(datetime(2026, 2, 17).date(), holidays[self.company.id])
        self.assertNotIn(datetime(2026, 2, 24).date(), holidays[self.company.id])
        self.assertNotIn(company_b.id, holidays)
        with self.assertQueryCount(1):
            applicants[:1]._followup_holidays(now)


@tagged("post_install", "-at_install")
class TestFollowupHolidaysDst(CalendarCommon):
    """A company day off in New York on 2026-03-08, the day clocks move forward
    (EST, UTC-5, becomes EDT, UTC-4, at 02:00)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._holiday_calendar(
            "America/New_York",
            "Company day off",
            "2026-03-08 05:00:00",  # 00:00 EST
            "2026-03-09 04:00:00",  # 00:00 EDT the next day
        )

    def test_light_touch_moves_to_the_next_morning_after_the_dst_change(self):
        with freeze_time("2026-03-04 16:00:00"):  # Wednesday, 11:00 EST
            applicant = self._candidate_applicant(
                "Jane Doe", "America/New_York", stage_id=self.stage_second.id
            )
            # Due 2026-03-08 16:00 UTC (12:00 EDT, the day off): 09:00 EDT on
            # the 9th is 13:00 UTC.
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 9, 13, 0))

    def test_thank_you_on_the_day_off_at_nine_edt(self):
        with freeze_time("2026-03-07 20:00:00"):
            # 19:00-20:00 EST on the 7th.
            applicant = self._interviewed(
                "John Roe",
                "America/New_York",
                "2026-03-08 00:00:00",
                "2026-03-08 01:00:00",
            )
            # Due 22:00 EST: 09:00 EDT on the day off (13:00 UTC, not 14:00).
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 8, 13, 0))


@tagged("post_install", "-at_install")
class TestOneEmailPerContactWindow(CalendarCommon):
    """Refused with a reason of the candidate's: Odoo's refusal email and the
    decline survey invitation never reach them in the same contact window."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("hr_recruitment_followup.survey_offer_decline")
        cls.salary = cls.env.ref("hr_recruitment.refuse_reason_8")

    def _refuse(self, applicant, reason, send_mail=None):
        """Odoo's refuse wizard as the "Refuse" button opens it (its form view
        cannot be driven by the test Form: an expression on a many2many)."""
        action = applicant.with_user(self.recruiter).archive_applicant()
        vals = {"refuse_reason_id": reason.id}
        if send_mail is not None:
            vals["send_mail"] = send_mail
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.recruiter)
            .with_context(**action["context"])
            .create(vals)
        )
        wizard.action_refuse_reason_apply()
        return wizard

    def _emails_to(self, applicant, start, end):
        """The emails that reach the candidate between ``start`` and ``end``
        (UTC): Odoo's notifications (the refusal, whose mail may be deleted
        once sent) and the mails of the queue, at their scheduled time."""
        partner = applicant.partner_id
        times = {}
        for notification in (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("res_partner_id", "=", partner.id),
                    ("notification_type", "=", "email"),
                ]
            )
        ):
            times[notification.mail_message_id] = notification.mail_message_id.date
        for mail in (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    "|",
                    ("recipient_ids", "in", partner.ids),
                    ("email_to", "ilike", applicant.email_from),
                ]
            )
        ):
            times[mail.mail_message_id] = mail.scheduled_date or mail.date
        return {message: when for message, when in times.items() if start <= when < end}

    def _survey_mail(self, applicant):
        answer = (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [
                    ("applicant_id", "=", applicant.id),
                    ("survey_id", "=", self.survey.id),
                ]
            )
        )
        self.assertEqual(len(answer), 1)
        mails = self._mails(applicant).filtered(
            lambda m: answer.access_token in (m.body_html or "")
        )
        self.assertEqual(len(mails), 1)
        return answer, mails

    @freeze_time("2026-03-10 02:00:00")  # Tuesday, 10:00 in Shanghai
    def test_refusal_email_then_the_survey_the_next_morning(self):
        applicant = self._candidate_applicant(
            "Zhou Ting", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        wizard = self._refuse(applicant, self.salary)
        self.assertTrue(wizard.send_mail, "Odoo's refusal template is sent")
        self.assertEqual(applicant.declined_by, "candidate")
        # Today's contact window in Shanghai: 09:00-20:00.
        today = self._emails_to(
            applicant, datetime(2026, 3, 10, 1, 0), datetime(2026, 3, 10, 12, 0)
        )
        self.assertEqual(len(today), 1, "one email in the window: the refusal")
        refusal = next(iter(today))
        self.assertIn(applicant.partner_id, refusal.partner_ids)
        # The survey: tomorrow, 09:00 in Shanghai, held by the mail queue.
        answer, survey_mail = self._survey_mail(applicant)
        self.assertEqual(survey_mail.scheduled_date, datetime(2026, 3, 11, 1, 0))
        link = f"/survey/start/{self.survey.access_token}"
        self.assertIn(link, survey_mail.body_html)
        log = applicant.contact_log_ids.filtered(lambda l: l.mail_id == survey_mail)
        self.assertEqual(log.contact_date, datetime(2026, 3, 11, 1, 0))
        tomorrow = self._emails_to(
            applicant, datetime(2026, 3, 11, 1, 0), datetime(2026, 3, 11, 12, 0)
        )
        self.assertEqual(list(tomorrow), [survey_mail.mail_message_id])
        # Not before its time; sent when the morning comes.
        self.env["mail.mail"].sudo().process_email_queue(ids=survey_mail.ids)
        self.assertEqual(survey_mail.state, "outgoing")
        with freeze_time("2026-03-11 01:00:00"):
            self.env["mail.mail"].sudo().process_email_queue(ids=survey_mail.ids)
        self.assertEqual(survey_mail.state, "sent")
        self.assertTrue(answer.access_token)

    @freeze_time("2026-03-10 02:00:00")
    def test_no_refusal_email_the_survey_goes_now(self):
        applicant = self._candidate_applicant(
            "Qian Yu", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        self._refuse(applicant, self.salary, send_mail=False)
        _answer, survey_mail = self._survey_mail(applicant)
        self.assertFalse(survey_mail.scheduled_date)
        today = self._emails_to(
            applicant, datetime(2026, 3, 10, 1, 0), datetime(2026, 3, 10, 12, 0)
        )
        self.assertEqual(list(today), [survey_mail.mail_message_id])

    def test_refusal_before_a_holiday_survey_after_it(self):
        """The survey is an automated touch like the rules: after the refusal
        on the eve of Chinese New Year it waits for the first working day."""
        self._holiday_calendar(
            "Asia/Shanghai",
            "Chinese New Year",
            "2026-02-16 16:00:00",
            "2026-02-23 15:59:59",
        )
        with freeze_time("2026-02-16 02:00:00"):
            applicant = self._candidate_applicant(
                "Eve Refusal", "Asia/Shanghai", stage_id=self.stage_proposal.id
            )
            self._refuse(applicant, self.salary)
            _answer, survey_mail = self._survey_mail(applicant)
            self.assertEqual(survey_mail.scheduled_date, datetime(2026, 2, 24, 1, 0))

    @freeze_time("2026-03-10 02:00:00")
    def test_caps_count_the_survey_and_a_capped_one_waits(self):
        """A core position allows one contact a day: a call logged this
        morning holds the invitation until tomorrow (never lost); the
        invitation then counts for the rules' caps."""
        self.job.followup_tier = "core"
        applicant = self._candidate_applicant(
            "Called Today", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        self.env["hr.applicant.contact.log"].with_user(self.recruiter).create(
            {
                "applicant_id": applicant.id,
                "channel": "phone",
                "direction": "outbound",
                "summary": "Called to hear the decision",
            }
        )
        action = applicant.with_user(self.recruiter).action_decline_offer()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.recruiter)
            .with_context(**action["context"])
        )
        form.save().action_confirm()
        _answer, survey_mail = self._survey_mail(applicant)
        self.assertEqual(survey_mail.scheduled_date, datetime(2026, 3, 11, 1, 0))
        # Another application of the same candidate: its next automated email
        # does not land in the invitation's window either.
        other = self.env["hr.applicant"].create(
            {
                "candidate_id": applicant.candidate_id.id,
                "job_id": self.job.id,
                "stage_id": self.stage_second.id,
                "user_id": self.recruiter.id,
            }
        )
        times = other._followup_send_times(datetime(2026, 3, 10, 2, 0))
        self.assertEqual(times[other.id], datetime(2026, 3, 12, 1, 0))


@tagged("post_install", "-at_install")
class TestNextFollowupIsTheSendTime(CalendarCommon):
    """'Next Follow-up' is when the email really leaves, and the job sends it
    then: never earlier, never a mail queued in advance."""

    @freeze_time("2026-03-02 06:00:00")  # 14:00 in Shanghai
    def test_due_at_night_shows_the_morning_and_filters_follow(self):
        # 21:40-22:40 in Shanghai: the thank-you is due at 00:40.
        applicant = self._interviewed(
            "Late Interview",
            "Asia/Shanghai",
            "2026-03-02 13:40:00",
            "2026-03-02 14:40:00",
        )
        self.assertEqual(applicant.followup_rule_id, self.rule_interview)
        self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 3, 1, 0))
        recruiter_view = applicant.with_user(self.recruiter)
        # Due tomorrow for the recruiter in Shanghai, not overdue, not today.
        self.assertFalse(recruiter_view.followup_due_today)
        self.assertFalse(recruiter_view.followup_overdue)
        with freeze_time("2026-03-02 16:40:00"):  # 00:40, the raw due time
            self._run_cron()
            self.assertFalse(self._mails(applicant))
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 3, 1, 0))
        with freeze_time("2026-03-03 01:00:00"):
            self.assertTrue(
                self.env["hr.applicant"]
                .with_user(self.recruiter)
                .search_count(
                    [("id", "=", applicant.id), ("followup_due_today", "=", True)]
                )
            )
            self._run_cron()
            mail = self._mails(applicant)
            self.assertEqual(len(mail), 1)
            # The mail, the log and what the user saw agree.
            self.assertFalse(mail.scheduled_date)
            self.assertEqual(mail.state, "outgoing")
            self.assertEqual(
                self._auto_logs(applicant).contact_date, datetime(2026, 3, 3, 1, 0)
            )

    @freeze_time("2026-03-02 01:00:00")
    def test_standard_position_one_automated_email_a_day(self):
        """Two rules due the same day for a candidate of a standard position
        (caps 2 a week): the second waits for the next contact window."""
        applicant = self._interviewed(
            "Two Rules", "Asia/Shanghai", "2026-03-02 02:00:00", "2026-03-02 03:00:00"
        )
        self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 2, 5, 0))
        with freeze_time("2026-03-02 05:00:00"):
            self._run_cron()
            self.assertEqual(len(self._mails(applicant)), 1)
            second = self.rule_interview.copy(
                {"name": "Second thank-you", "delay": 3, "trigger": "interview_end"}
            )
            applicant._plan_next_followup()
            self.assertEqual(applicant.followup_rule_id, second)
            # Due 14:00 the same day: 09:00 the next day.
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 3, 1, 0))
