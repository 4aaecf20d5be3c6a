from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import FollowupCommon


class CadenceCommon(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["hr.recruitment.followup.rule"]
        cls.rule_interview = cls.env.ref(
            "hr_recruitment_followup.followup_rule_after_interview"
        )
        cls.rule_light = cls.env.ref(
            "hr_recruitment_followup.followup_rule_pre_offer_light_touch"
        )
        cls.rule_confirm = cls.env.ref(
            "hr_recruitment_followup.followup_rule_confirm_intent"
        )
        cls.rule_start_14 = cls.env.ref(
            "hr_recruitment_followup.followup_rule_before_start_14"
        )
        cls.rule_start_7 = cls.env.ref(
            "hr_recruitment_followup.followup_rule_before_start_7"
        )
        cls.rule_start_1 = cls.env.ref(
            "hr_recruitment_followup.followup_rule_before_start_1"
        )
        cls.rule_pool = cls.env.ref("hr_recruitment_followup.followup_rule_talent_pool")
        cls.rule_declined = cls.env.ref(
            "hr_recruitment_followup.followup_rule_offer_declined"
        )
        # Only the shipped rules: a database may hold others.
        shipped = (
            cls.rule_interview
            | cls.rule_light
            | cls.rule_confirm
            | cls.rule_start_14
            | cls.rule_start_7
            | cls.rule_start_1
            | cls.rule_pool
            | cls.rule_declined
        )
        (cls.Rule.search([]) - shipped).active = False
        cls.company.write({"followup_hour_from": 9.0, "followup_hour_to": 20.0})
        cls.department = cls.env["hr.department"].create(
            {
                "name": "Engineering",
                "manager_id": cls.env["hr.employee"]
                .create({"name": "Manager Zhou", "user_id": cls.manager.id})
                .id,
            }
        )
        cls.job.department_id = cls.department

    @classmethod
    def _candidate_applicant(cls, name, tz, email=None, **values):
        partner = cls.env["res.partner"].create(
            {
                "name": name,
                "email": email or f"{name.lower().replace(' ', '.')}@example.com",
                "tz": tz,
                "lang": "en_US",
            }
        )
        candidate = cls.env["hr.candidate"].create(
            {"partner_id": partner.id, "partner_name": name}
        )
        applicant = cls.env["hr.applicant"].create(
            {
                "candidate_id": candidate.id,
                "job_id": cls.job.id,
                "user_id": cls.recruiter.id,
                **values,
            }
        )
        return cls._job_replans(applicant)

    @classmethod
    def _job_replans(cls, applicants):
        """What the scheduled job's next run (every 5 minutes) does with the
        applicants a change marked for a new plan, when nothing is due yet: it
        plans them. A change of an application or an interview only marks it
        (``followup_needs_plan``); the tests that look at the plan right after
        a change let the job plan it first, as users do."""
        applicants.filtered("followup_needs_plan")._plan_next_followup()
        return applicants

    def _interview(self, applicant, start, stop):
        event = self.env["calendar.event"].create(
            {
                "name": f"Interview {applicant.partner_name}",
                "applicant_id": applicant.id,
                "start": start,
                "stop": stop,
                "user_id": self.interviewer.id,
            }
        )
        self._job_replans(applicant)
        return event

    def _run_cron(self):
        return self.env["hr.applicant"]._cron_process_followups()

    def _mails(self, applicant):
        return self.env["mail.mail"].search(
            [("model", "=", "hr.applicant"), ("res_id", "=", applicant.id)], order="id"
        )

    def _auto_logs(self, applicant):
        return self.env["hr.applicant.contact.log"].search(
            [("applicant_id", "=", applicant.id), ("automated", "=", True)],
            order="contact_date, id",
        )


@tagged("post_install", "-at_install")
class TestCadenceTimeline(CadenceCommon):
    def test_candidate_timeline_in_shanghai(self):
        """From the interview to the first day, UTC+8, every message asserted."""
        with freeze_time("2026-03-02 01:00:00"):  # 09:00 in Shanghai
            applicant = self._candidate_applicant(
                "Zhang Wei", "Asia/Shanghai", stage_id=self.stage_first.id
            )
            self._interview(applicant, "2026-03-02 02:00:00", "2026-03-02 03:00:00")
            self.assertEqual(applicant.followup_rule_id, self.rule_interview)
            # Two hours after the end of the interview: 13:00 in Shanghai.
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 2, 5, 0))

        with freeze_time("2026-03-02 04:59:00"):
            self._run_cron()
            self.assertFalse(self._mails(applicant), "not due yet")

        with freeze_time("2026-03-02 05:00:00"):
            self._run_cron()
            mail = self._mails(applicant)
            self.assertEqual(len(mail), 1)
            self.assertEqual(mail.state, "outgoing", "queued, not sent in the batch")
            self.assertFalse(mail.scheduled_date, "13:00 is within contact hours")
            self.assertEqual(mail.email_to, "zhang.wei@example.com")
            self.assertIn("Zhang Wei", mail.body_html)
            self.assertIn("Backend Engineer", mail.body_html)
            self.assertIn("Interviewer Zhao", mail.body_html)
            self.assertIn("We will come back to you with our feedback", mail.body_html)
            log = self._auto_logs(applicant)
            self.assertEqual(len(log), 1)
            self.assertEqual(
                (log.rule_id, log.channel, log.direction, log.mail_id),
                (self.rule_interview, "email", "outbound", mail),
            )
            self.assertEqual(log.contact_date, datetime(2026, 3, 2, 5, 0))
            # Running again at the same instant creates nothing.
            self._run_cron()
            self.assertEqual(len(self._mails(applicant)), 1)
            self.assertEqual(len(self._auto_logs(applicant)), 1)
            self.assertFalse(applicant.followup_rule_id, "the thank-you is sent once")

        # Second interview: a light touch after 4 quiet days.
        with freeze_time("2026-03-03 02:00:00"):
            applicant.stage_id = self.stage_second
            self._job_replans(applicant)
            self.assertEqual(applicant.followup_stage_id, self.fu_pre_offer)
            self.assertEqual(applicant.followup_rule_id, self.rule_light)
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 7, 2, 0))
        with freeze_time("2026-03-07 02:00:00"):
            self._run_cron()
            self.assertEqual(len(self._mails(applicant)), 2)
            self.assertEqual(
                self._mails(applicant)[-1].subject.count("Backend Engineer"), 1
            )
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 11, 2, 0))

        # The candidate answers by email: logged, and the cadence restarts from it.
        with freeze_time("2026-03-09 12:00:00"):
            applicant.message_post(
                body="Thanks, any news on the decision?",
                message_type="email",
                author_id=applicant.partner_id.id,
                subtype_xmlid="mail.mt_comment",
            )
            inbound = applicant.contact_log_ids.filtered(
                lambda l: l.direction == "inbound"
            )
            self.assertEqual(len(inbound), 1)
            self.assertIn("any news on the decision", inbound.summary)
            self.assertEqual(applicant.last_contact_date, datetime(2026, 3, 9, 12, 0))
            # 4 days after the reply (20:00 in Shanghai: the queue holds it
            # until 09:00).
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 13, 12, 0))

        # The offer: confirm intent the day after, by phone (an activity).
        with freeze_time("2026-03-10 03:00:00"):
            applicant.write(
                {"stage_id": self.stage_proposal.id, "start_date": "2026-04-01"}
            )
            self._job_replans(applicant)
            self.assertEqual(applicant.followup_stage_id, self.fu_pre_onboarding)
            self.assertEqual(applicant.followup_rule_id, self.rule_confirm)
        with freeze_time("2026-03-11 03:00:00"):
            self._run_cron()
            activity = self._followup_activities(applicant)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, self.recruiter)
            self.assertEqual(activity.date_deadline, date(2026, 3, 11))
            self.assertIn("confirm their intent", activity.note)
            self.assertEqual(self._auto_logs(applicant)[-1].channel, "phone")
            self.assertEqual(len(self._mails(applicant)), 2, "a call is not an email")
            # The next checkpoint: 14 days before the first day, 09:00 Shanghai.
            self.assertEqual(applicant.followup_rule_id, self.rule_start_14)
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 18, 1, 0))

        # The recruiter calls: the candidate hesitates.
        with freeze_time("2026-03-11 06:00:00"):
            self.env["hr.applicant.contact.log"].with_user(self.recruiter).create(
                {
                    "applicant_id": applicant.id,
                    "channel": "phone",
                    "summary": "Asked about the housing allowance",
                    "outcome": "neutral",
                }
            )
        with freeze_time("2026-03-18 01:00:00"):
            self._run_cron()
            self.assertEqual(len(self._mails(applicant)), 3)
            self.assertIn("April 1, 2026", self._mails(applicant)[-1].body_html)
            self.assertEqual(applicant.followup_rule_id, self.rule_start_7)
        with freeze_time("2026-03-25 01:00:00"):
            self._run_cron()
            wechat = self._auto_logs(applicant)[-1]
            self.assertEqual(
                (wechat.rule_id, wechat.channel), (self.rule_start_7, "wechat")
            )
            talks = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "hr.applicant"),
                    ("res_id", "=", applicant.id),
                    ("user_id", "=", self.manager.id),
                ]
            )
            self.assertEqual(len(talks), 1, "the hesitant candidate escalates")
            self.assertIn("hesitates", talks.note)
        with freeze_time("2026-03-31 01:00:00"):
            self._run_cron()
            self.assertEqual(self._auto_logs(applicant)[-1].rule_id, self.rule_start_1)
            self.assertFalse(
                applicant.followup_rule_id, "nothing after the last checkpoint"
            )
        with freeze_time("2026-04-02 01:00:00"):
            self._run_cron()
            self.assertEqual(len(self._auto_logs(applicant)), 6)
            self.assertEqual(len(self._mails(applicant)), 3)

    def test_refused_candidate_joins_the_pool_and_hears_from_us_later(self):
        with freeze_time("2026-03-05 14:00:00"):  # 22:00 in Shanghai
            applicant = self._candidate_applicant(
                "Li Na", "Asia/Shanghai", stage_id=self.stage_second.id
            )
            applicant.worth_job_match = 4
            # She agreed to stay in the pool: the pool's rules may reach her.
            applicant.candidate_id._talent_pool_add("Strong profile", date(2028, 3, 5))
            reason = self.env["hr.applicant.refuse.reason"].create({"name": "Not now"})
            self.env["applicant.get.refuse.reason"].create(
                {
                    "refuse_reason_id": reason.id,
                    "applicant_ids": [(6, 0, applicant.ids)],
                }
            ).action_refuse_reason_apply()
            self._job_replans(applicant)
            self.assertEqual(applicant.followup_stage_id, self.fu_talent_pool)
            self.assertEqual(applicant.followup_rule_id, self.rule_pool)
            self.assertEqual(applicant.next_followup_date, datetime(2026, 6, 3, 14, 0))
        with freeze_time("2026-06-03 14:00:00"):
            self._run_cron()
            mail = self._mails(applicant)
            self.assertEqual(len(mail), 1)
            # 22:00 in Shanghai: queued for 09:00 the next morning.
            self.assertEqual(mail.scheduled_date, datetime(2026, 6, 4, 1, 0))
            self.assertEqual(
                self._auto_logs(applicant).contact_date, datetime(2026, 6, 4, 1, 0)
            )
            # Next touch 120 days after this one.
            self.assertEqual(applicant.next_followup_date, datetime(2026, 10, 2, 1, 0))

    def test_interview_ending_at_night_across_dst_in_new_york(self):
        """UTC-5 becomes UTC-4 on 2026-03-08: the morning is 13:00 UTC, not 14:00."""
        with freeze_time("2026-03-07 20:00:00"):
            applicant = self._candidate_applicant(
                "John Smith", "America/New_York", stage_id=self.stage_first.id
            )
            # 19:30-20:30 EST, the evening before the change.
            self._interview(applicant, "2026-03-08 00:30:00", "2026-03-08 01:30:00")
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 8, 3, 30))
        with freeze_time("2026-03-08 03:30:00"):  # 22:30 EST
            self._run_cron()
            mail = self._mails(applicant)
            self.assertEqual(len(mail), 1, "queued at once, never dropped")
            self.assertEqual(mail.scheduled_date, datetime(2026, 3, 8, 13, 0))

    def test_declined_offer_note_after_three_months(self):
        with freeze_time("2026-03-05 02:00:00"):
            applicant = self._candidate_applicant(
                "Chen Jie", "Asia/Shanghai", stage_id=self.stage_proposal.id
            )
            applicant.followup_stage_id = self.fu_offer_declined
            self._job_replans(applicant)
            self.assertEqual(applicant.followup_rule_id, self.rule_declined)
            self.assertEqual(applicant.next_followup_date, datetime(2026, 6, 3, 2, 0))
            applicant.write(
                {
                    "do_not_contact": True,
                    "do_not_contact_reason": "No intention to change",
                }
            )
            self.assertFalse(applicant.followup_rule_id)
        with freeze_time("2026-06-03 02:00:00"):
            self._run_cron()
            self.assertFalse(self._mails(applicant))


@tagged("post_install", "-at_install")
class TestCadenceGuards(CadenceCommon):
    def _interviewed(self, name, tz="Asia/Shanghai", **values):
        applicant = self._candidate_applicant(
            name, tz, stage_id=self.stage_first.id, **values
        )
        self._interview(applicant, "2026-03-02 02:00:00", "2026-03-02 03:00:00")
        return applicant

    @freeze_time("2026-03-02 01:00:00")
    def test_opted_out_candidates_receive_nothing(self):
        dnc = self._interviewed("Do Not", do_not_contact=False)
        dnc.write({"do_not_contact": True, "do_not_contact_reason": "Asked by phone"})
        mail_blocked = self._interviewed("Mail Blocked")
        self.env["mail.blacklist"]._add(mail_blocked.email_from)
        phone_blocked = self._interviewed("Phone Blocked")
        phone_blocked.partner_phone = "+86 138 0013 8000"
        self.env["phone.blacklist"]._add([phone_blocked.partner_phone_sanitized])
        control = self._interviewed("Control")
        everyone = dnc | mail_blocked | phone_blocked | control
        everyone._plan_next_followup()
        self.assertEqual(everyone.filtered("followup_rule_id"), control)
        with freeze_time("2026-03-02 06:00:00"):
            self._run_cron()
        for applicant in dnc | mail_blocked | phone_blocked:
            self.assertFalse(self._mails(applicant), applicant.partner_name)
            self.assertFalse(self._auto_logs(applicant), applicant.partner_name)
        self.assertEqual(len(self._mails(control)), 1)

    @freeze_time("2026-03-02 01:00:00")
    def test_blacklisted_after_planning_is_caught_at_dispatch(self):
        applicant = self._interviewed("Late Optout")
        self.assertTrue(applicant.followup_rule_id)
        self.env["mail.blacklist"]._add(applicant.email_from)
        with freeze_time("2026-03-02 06:00:00"):
            self._run_cron()
        self.assertFalse(self._mails(applicant))
        self.assertFalse(applicant.followup_rule_id)

    @freeze_time("2026-03-02 01:00:00")
    def test_interview_long_ago_is_not_thanked_late(self):
        applicant = self._candidate_applicant(
            "Old Interview", "Asia/Shanghai", stage_id=self.stage_first.id
        )
        self._interview(applicant, "2026-02-20 02:00:00", "2026-02-20 03:00:00")
        self.assertFalse(applicant.followup_rule_id, "a thank-you expires after a day")

    @freeze_time("2026-03-02 01:00:00")
    def test_core_position_cap_counts_manual_contacts(self):
        self.job.followup_tier = "core"
        applicant = self._interviewed("Core Cap")
        # The recruiter already called today (10:00 Shanghai).
        with freeze_time("2026-03-02 02:30:00"):
            self.env["hr.applicant.contact.log"].with_user(self.recruiter).create(
                {"applicant_id": applicant.id, "channel": "phone", "summary": "Called"}
            )
        # One contact a day: the thank-you moves to tomorrow 09:00, not lost.
        self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 3, 1, 0))
        with freeze_time("2026-03-02 05:00:00"):
            self._run_cron()
            self.assertFalse(self._mails(applicant))
        with freeze_time("2026-03-03 01:00:00"):
            self._run_cron()
            self.assertEqual(len(self._mails(applicant)), 1)

    @freeze_time("2026-03-02 01:00:00")
    def test_standard_position_cap_two_a_week(self):
        applicant = self._interviewed("Standard Cap")
        Log = self.env["hr.applicant.contact.log"].with_user(self.recruiter)
        with freeze_time("2026-02-27 02:00:00"):
            Log.create({"applicant_id": applicant.id, "summary": "First call"})
        with freeze_time("2026-03-01 02:00:00"):
            Log.create({"applicant_id": applicant.id, "summary": "Second call"})
        with freeze_time("2026-03-02 01:00:00"):
            applicant._plan_next_followup()
        # Two contacts in the last 7 days: free again when 02-27 leaves the week.
        self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 6, 2, 0, 1))

    @freeze_time("2026-03-03 02:00:00")
    def test_low_worth_slows_or_stops_light_touches(self):
        def pre_offer(name, **scores):
            return self._candidate_applicant(
                name, "Asia/Shanghai", stage_id=self.stage_second.id, **scores
            )

        high = pre_offer("High", worth_job_match=5, worth_stability=4, worth_intent=4)
        low = pre_offer("Low", worth_job_match=1, worth_stability=2, worth_intent=1)
        unassessed = pre_offer("Unassessed")
        self.assertEqual((high.worth_level, low.worth_level), ("high", "low"))
        self.assertFalse(unassessed.worth_level)
        self.assertEqual(high.next_followup_date, datetime(2026, 3, 7, 2, 0))
        self.assertEqual(unassessed.next_followup_date, datetime(2026, 3, 7, 2, 0))
        self.assertEqual(
            low.next_followup_date, datetime(2026, 3, 11, 2, 0), "half as often"
        )
        reason = self.env["hr.applicant.refuse.reason"].create({"name": "Not now"})
        (high | low).candidate_id._talent_pool_add("Pool", date(2028, 3, 3))
        (high | low).write({"refuse_reason_id": reason.id, "active": False})
        self._job_replans(high | low)
        self.assertEqual(high.followup_rule_id, self.rule_pool)
        self.assertFalse(
            low.followup_rule_id, "the pool is kept warm for good candidates"
        )

    @freeze_time("2026-03-02 01:00:00")
    def test_each_company_follows_its_own_rules(self):
        company_b = self.env["res.company"].create(
            {"name": "Company B", "followup_hour_from": 10.0, "followup_hour_to": 18.0}
        )
        job_b = self.env["hr.job"].create({"name": "Job B", "company_id": company_b.id})
        applicant_b = self._candidate_applicant(
            "In B",
            "Asia/Shanghai",
            stage_id=self.stage_first.id,
            job_id=job_b.id,
            company_id=company_b.id,
        )
        self.rule_interview.company_id = self.company
        self._interview(applicant_b, "2026-03-02 02:00:00", "2026-03-02 03:00:00")
        self.assertFalse(applicant_b.followup_rule_id, "rule of another company")
        own = self.rule_interview.copy({"company_id": company_b.id, "delay": 8})
        applicant_b._plan_next_followup()
        self.assertEqual(applicant_b.followup_rule_id, own)
        # 03:00 + 8h = 19:00 Shanghai: after company B's 18:00, so 10:00 next day.
        with freeze_time("2026-03-02 11:00:00"):
            self._run_cron()
        self.assertEqual(
            self._mails(applicant_b).scheduled_date, datetime(2026, 3, 3, 2, 0)
        )

    @freeze_time("2026-03-02 01:00:00")
    def test_rule_change_replans_through_the_job(self):
        applicant = self._interviewed("Replan")
        self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 2, 5, 0))
        self.rule_interview.delay = 4
        self.assertTrue(applicant.followup_needs_plan)
        self._run_cron()
        self.assertFalse(applicant.followup_needs_plan)
        self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 2, 7, 0))
        self.assertFalse(self._mails(applicant))

    @freeze_time("2026-03-02 01:00:00")
    def test_manual_template_to_opted_out_candidate_warns(self):
        applicant = self._interviewed("Warned")
        applicant.write(
            {"do_not_contact": True, "do_not_contact_reason": "Found a job"}
        )
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.recruiter)
            .with_context(
                default_model="hr.applicant",
                default_res_ids=applicant.ids,
                default_template_id=self.env.ref(
                    "hr_recruitment_followup.mail_template_followup_talent_pool"
                ).id,
            )
            .create({})
        )
        self.assertIn(
            "Warned asked not to be contacted", composer.followup_contact_warning
        )
        self.assertIn("Found a job", composer.followup_contact_warning)
        ok = self._interviewed("Fine")
        composer = (
            self.env["mail.compose.message"]
            .with_context(default_model="hr.applicant", default_res_ids=ok.ids)
            .create({})
        )
        self.assertFalse(composer.followup_contact_warning)
        wizard = self.env["applicant.send.mail"].create(
            {"applicant_ids": [(6, 0, (applicant | ok).ids)]}
        )
        self.assertIn("Warned", wizard.followup_contact_warning)


@tagged("post_install", "-at_install")
class TestCadenceLanguage(CadenceCommon):
    @freeze_time("2026-03-02 01:00:00")
    def test_chinese_candidate_gets_the_chinese_email(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["hr_recruitment_followup"], ["zh_CN"]
        )
        applicant = self._candidate_applicant(
            "Wang Fang", "Asia/Shanghai", stage_id=self.stage_first.id
        )
        applicant.partner_id.lang = "zh_CN"
        self._interview(applicant, "2026-03-02 02:00:00", "2026-03-02 03:00:00")
        with freeze_time("2026-03-02 05:00:00"):
            self._run_cron()
        mail = self._mails(applicant)
        self.assertEqual(mail.subject, "Wang Fang，感谢您参加面试")
        self.assertIn("感谢您", mail.body_html)
        self.assertIn("Backend Engineer", mail.body_html)
        self.assertIn("我们会在几天内给您反馈", mail.body_html)
