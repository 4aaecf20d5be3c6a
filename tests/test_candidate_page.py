import re
from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import Opener
from odoo.tools import mute_logger

from ..controllers.candidate_page import PAGE_RATE_LIMIT

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class CandidatePageCommon(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"followup_hour_from": 9.0, "followup_hour_to": 20.0})
        cls.recruiter = new_test_user(
            cls.env,
            "fu_page_recruiter",
            groups="hr_recruitment.group_hr_recruitment_user",
            name="Page Recruiter",
            email="page.recruiter@example.com",
        )
        cls.manager_user = new_test_user(
            cls.env,
            "fu_page_manager",
            groups="hr_recruitment.group_hr_recruitment_user",
            name="Department Head Zhao",
        )
        manager = cls.env["hr.employee"].create(
            {"name": "Department Head Zhao", "user_id": cls.manager_user.id}
        )
        cls.department = cls.env["hr.department"].create(
            {"name": "Page Engineering", "manager_id": manager.id}
        )
        cls.job = cls.env["hr.job"].create(
            {
                "name": "Page Engineer",
                "user_id": cls.recruiter.id,
                "department_id": cls.department.id,
                "followup_challenges": "On-call one week a month",
            }
        )
        cls.other_job = cls.env["hr.job"].create({"name": "Page Accountant"})
        cls.pre_onboarding = cls.env.ref(
            "hr_recruitment_followup.followup_stage_pre_onboarding"
        )
        cls.applicant = cls._make_applicant("Page Candidate Wang")
        cls.other = cls._make_applicant("Page Candidate Li")

    @classmethod
    def _make_applicant(cls, name, start_in=20, **vals):
        partner = cls.env["res.partner"].create(
            {"name": name, "email": f"{name.split()[-1].lower()}@example.com"}
        )
        candidate = cls.env["hr.candidate"].create(
            {"partner_id": partner.id, "partner_name": name}
        )
        return cls.env["hr.applicant"].create(
            {
                "candidate_id": candidate.id,
                "job_id": cls.job.id,
                "user_id": cls.recruiter.id,
                "department_id": cls.department.id,
                "start_date": fields.Date.today() + timedelta(days=start_in),
                "followup_stage_id": cls.pre_onboarding.id,
                **vals,
            }
        )

    def _url(self, applicant, suffix="", token=None):
        token = applicant.access_token if token is None else token
        return f"/recruitment/followup/{applicant.id}{suffix}?access_token={token}"

    def _csrf(self, applicant):
        response = self.url_open(self._url(applicant))
        self.assertEqual(response.status_code, 200)
        return CSRF.search(response.text).group(1)

    def _post(self, applicant, action, data, token=None):
        data = {"csrf_token": self._csrf(applicant), **data}
        return self.url_open(
            self._url(applicant, f"/{action}", token=token),
            data=data,
            allow_redirects=False,
        )

    def _one_to_one_today(self, applicant):
        """The department manager's one-to-one, due today: exactly one."""
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "hr.applicant"),
                ("res_id", "=", applicant.id),
                ("user_id", "=", self.manager_user.id),
            ]
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, fields.Date.context_today(activity))
        return activity

    def _logs(self, applicant):
        return self.env["hr.applicant.contact.log"].search(
            [("applicant_id", "=", applicant.id), ("channel", "=", "page")]
        )


class TestCandidatePage(CandidatePageCommon):
    def test_token_is_long_random_and_per_application(self):
        self.assertGreaterEqual(len(self.applicant.access_token), 32)
        self.assertNotEqual(self.applicant.access_token, self.other.access_token)

    def test_page_shows_where_the_candidate_stands_and_nothing_internal(self):
        self.applicant.write({"worth_job_match": 4})
        self.env["hr.applicant.contact.log"].create(
            {"applicant_id": self.applicant.id, "summary": "Internal note XYZ-123"}
        )
        before = self.applicant.write_date
        logs = self.env["hr.applicant.contact.log"].search_count([])
        response = self.url_open(self._url(self.applicant))
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn("Page Engineer", page)
        self.assertIn("Page Recruiter", page)
        self.assertIn("On-call one week a month", page)
        self.assertIn("I confirm I start on", page)
        # Nothing meant for HR: the follow-up stage, notes, scores, others.
        self.assertNotIn(self.pre_onboarding.name, page)
        self.assertNotIn("XYZ-123", page)
        self.assertNotIn("Job Match", page)
        self.assertNotIn("Page Candidate Li", page)
        # A GET changes nothing.
        self.applicant.invalidate_recordset()
        self.assertEqual(self.applicant.write_date, before)
        self.assertEqual(self.env["hr.applicant.contact.log"].search_count([]), logs)

    def test_confirm_the_first_day(self):
        rule = self.env.ref("hr_recruitment_followup.followup_rule_before_start_7")
        checkpoint = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("hr.applicant"),
                "res_id": self.applicant.id,
                "summary": rule.name,
                "user_id": self.recruiter.id,
                "automated": True,
                "activity_type_id": self.env.ref(
                    "hr_recruitment_followup.mail_activity_type_followup"
                ).id,
            }
        )
        response = self._post(
            self.applicant,
            "confirm",
            {"start_date": fields.Date.to_string(self.applicant.start_date)},
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("done=confirm", response.headers["Location"])
        self.assertEqual(self.applicant.onboarding_intent, "confirmed")
        log = self._logs(self.applicant)
        self.assertEqual(
            (log.direction, log.outcome, log.automated), ("inbound", "positive", False)
        )
        self.assertIn("confirmed the first day", log.summary)
        self.assertFalse(checkpoint.exists(), "the checkpoint reminder is done")
        self.assertTrue(
            any(
                "confirmed the first day" in message.body
                for message in self.applicant.message_ids
            )
        )
        self.assertFalse(self.applicant.onboarding_at_risk)

    def test_confirm_refuses_a_past_or_changed_date(self):
        past = fields.Date.to_string(fields.Date.today() - timedelta(days=1))
        response = self._post(self.applicant, "confirm", {"start_date": past})
        self.assertEqual(response.status_code, 400)
        self.assertIn("This date is in the past.", response.text)
        other = fields.Date.to_string(self.applicant.start_date + timedelta(days=3))
        response = self._post(self.applicant, "confirm", {"start_date": other})
        self.assertEqual(response.status_code, 400)
        self.assertIn("The first day has changed", response.text)
        self.assertFalse(self.applicant.onboarding_intent)
        self.assertFalse(self._logs(self.applicant))

    def test_doubt_escalates_the_same_day(self):
        response = self._post(
            self.applicant,
            "doubt",
            {"topic": "salary", "text": "Is the 13th month salary guaranteed?"},
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            (self.applicant.onboarding_intent, self.applicant.onboarding_doubt_topic),
            ("hesitant", "salary"),
        )
        log = self._logs(self.applicant)
        self.assertEqual(log.candidate_response, "Is the 13th month salary guaranteed?")
        self.assertIn("Salary", log.summary)
        activity = self._one_to_one_today(self.applicant)
        self.assertIn("13th month", activity.note)
        self.assertFalse(self.applicant.onboarding_at_risk)

    def test_a_checkpoint_does_not_fire_on_top_of_a_doubt(self):
        rule = self.env.ref("hr_recruitment_followup.followup_rule_before_start_7")
        soon = self._make_applicant("Page Candidate Zhou", start_in=8)
        now = fields.Datetime.now()
        self.assertTrue(soon._followup_rule_applies(rule, now))
        soon._followup_page_doubt("role", "Who will be my manager?")
        # The week-before checkpoint falls the day after the doubt: the one-to-one
        # covers it; two weeks before is long past, the day before still comes.
        self.assertFalse(soon._followup_rule_applies(rule, now))
        day_before = self.env.ref(
            "hr_recruitment_followup.followup_rule_before_start_1"
        )
        self.assertTrue(soon._followup_rule_applies(day_before, now))

    def test_doubt_bad_input_writes_nothing(self):
        cases = [
            ({"topic": "salary", "text": "   "}, "Write your question or doubt."),
            ({"topic": "salary", "text": "x" * 10001}, "Your message is too long"),
            ({"topic": "weather", "text": "Rain?"}, "Choose what your question"),
            (
                {
                    "topic": "start_date",
                    "text": "Earlier?",
                    "proposed_date": "2020-01-01",
                },
                "This date is in the past.",
            ),
            (
                {"topic": "start_date", "text": "Later?", "proposed_date": "31/31/31"},
                "This date is not valid.",
            ),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                response = self._post(self.applicant, "doubt", data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        self.assertFalse(self.applicant.onboarding_intent)
        self.assertFalse(self._logs(self.applicant))
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_id", "=", self.applicant.id), ("res_model", "=", "hr.applicant")]
            )
        )

    def test_how_to_reach_me_feeds_the_planner(self):
        response = self._post(
            self.applicant,
            "reach",
            {
                "channel": "wechat",
                "wechat_id": "wang_page_88",
                "hour_from": "18:00",
                "hour_to": "",
            },
        )
        self.assertEqual(response.status_code, 303)
        candidate = self.applicant.candidate_id
        self.assertEqual(
            (candidate.preferred_channel, candidate.wechat_id),
            ("wechat", "wang_page_88"),
        )
        self.assertEqual(candidate.followup_hour_from, 18.0)
        self.assertIn("after 18:00", self._logs(self.applicant).summary)
        # A follow-up due at 10:00 in the candidate's time zone waits until 18:00.
        candidate.partner_id.tz = "Asia/Shanghai"
        due = datetime(2031, 3, 4, 2, 0)  # 10:00 in Shanghai
        send_at = self.applicant._followup_constrain(due, due, [])
        self.assertEqual(send_at, datetime(2031, 3, 4, 10, 0))  # 18:00 in Shanghai

    def test_how_to_reach_me_bad_input_writes_nothing(self):
        cases = [
            ({"channel": "fax"}, "Choose a channel from the list."),
            ({"channel": "wechat", "wechat_id": ""}, "Give your WeChat ID"),
            ({"channel": "email", "hour_from": "06:00"}, "Choose hours between 09:00"),
            (
                {"channel": "email", "hour_from": "19:00", "hour_to": "18:00"},
                "must come after their start",
            ),
            ({"channel": "email", "hour_from": "soon"}, "is not an hour"),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                response = self._post(self.applicant, "reach", data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        candidate = self.applicant.candidate_id
        self.assertFalse(candidate.preferred_channel)
        self.assertFalse(candidate.followup_hour_from)
        self.assertFalse(self._logs(self.applicant))

    def test_checklist(self):
        Item = self.env["hr.recruitment.followup.checklist.item"]
        papers = Item.create({"name": "Bring your ID card and degree certificates"})
        check = Item.create(
            {"name": "Background-check consent", "job_ids": [(6, 0, self.job.ids)]}
        )
        Item.create(
            {"name": "Accountant's licence", "job_ids": [(6, 0, self.other_job.ids)]}
        )
        other_company = self.env["res.company"].create({"name": "Page Other Co"})
        foreign = Item.create(
            {"name": "Other company's form", "company_id": other_company.id}
        )
        self.assertEqual(self.applicant.checklist_item_ids, papers | check)
        page = self.url_open(self._url(self.applicant)).text
        self.assertIn("Background-check consent", page)
        self.assertNotIn("Accountant", page)
        response = self._post(self.applicant, "checklist", {"item_ids": [papers.id]})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.applicant.checklist_done_ids, papers)
        self.assertEqual(self.applicant.checklist_progress, "1 / 2")
        self.assertIn("1 / 2", self._logs(self.applicant).summary)
        response = self._post(self.applicant, "checklist", {"item_ids": [foreign.id]})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.applicant.checklist_done_ids, papers)

    def test_acknowledge_the_challenges(self):
        response = self._post(self.applicant, "acknowledge", {})
        self.assertEqual(response.status_code, 303)
        self.assertTrue(self.applicant.challenges_acknowledged_date)
        self.assertIn(
            "I am comfortable with them",
            self.url_open(self._url(self.applicant)).text.replace(
                "You confirmed you are comfortable", "I am comfortable with them"
            ),
        )

    def test_stop_from_the_page(self):
        response = self._post(self.applicant, "stop", {"reason": "Found a job"})
        self.assertEqual(response.status_code, 303)
        candidate = self.applicant.candidate_id
        self.assertTrue(candidate.do_not_contact)
        self.assertEqual(candidate.do_not_contact_reason, "Found a job")
        self.assertEqual(self._logs(self.applicant).outcome, "negative")
        self.assertFalse(self.applicant.next_followup_date)


class TestCandidatePageRefusals(CandidatePageCommon):
    def _not_found(self):
        return self.url_open("/recruitment/followup/999999999?access_token=x")

    def assertLikeMissing(self, response):
        missing = self._not_found()
        self.assertEqual(response.status_code, 404)
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(len(response.text), len(missing.text))

    def test_wrong_token_other_token_no_token(self):
        for token in ("wrong", self.other.access_token, ""):
            with self.subTest(token=token):
                response = self.url_open(self._url(self.applicant, token=token))
                self.assertLikeMissing(response)

    def test_action_with_another_applications_token(self):
        csrf = self._csrf(self.applicant)
        response = self.url_open(
            self._url(self.applicant, "/stop", token=self.other.access_token),
            data={"csrf_token": csrf},
            allow_redirects=False,
        )
        self.assertLikeMissing(response)
        self.assertFalse(self.applicant.candidate_id.do_not_contact)
        self.assertFalse(self.other.candidate_id.do_not_contact)

    def test_ended_application_page_is_gone_but_unsubscribe_works(self):
        self.applicant.write(
            {
                "active": False,
                "refuse_date": fields.Datetime.now() - timedelta(days=30),
            }
        )
        self.assertLikeMissing(self.url_open(self._url(self.applicant)))
        # No session, no CSRF token: what a mail provider sends.
        response = Opener(self.cr).post(
            self.base_url() + self._url(self.applicant, "/unsubscribe"),
            data={"List-Unsubscribe": "One-Click"},
            timeout=30,
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.applicant.candidate_id.do_not_contact)

    def test_unsubscribe_expires_after_the_grace_period(self):
        self.applicant.write(
            {
                "active": False,
                "refuse_date": fields.Datetime.now() - timedelta(days=1000),
            }
        )
        response = Opener(self.cr).post(
            self.base_url() + self._url(self.applicant, "/unsubscribe"),
            data={"List-Unsubscribe": "One-Click"},
            timeout=30,
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.applicant.candidate_id.do_not_contact)

    def test_one_click_unsubscribe_without_session_or_csrf(self):
        response = Opener(self.cr).post(
            self.base_url() + self._url(self.applicant, "/unsubscribe"),
            data={"List-Unsubscribe": "One-Click"},
            timeout=30,
        )
        self.assertEqual(response.status_code, 200)
        candidate = self.applicant.candidate_id
        self.assertTrue(candidate.do_not_contact)
        self.assertIn("Unsubscribed", candidate.do_not_contact_reason)
        self.assertEqual(self._logs(self.applicant).outcome, "negative")

    def test_get_never_acts(self):
        response = self.url_open(self._url(self.applicant, "/unsubscribe"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Do not contact me again", response.text)
        for action in ("confirm", "doubt", "stop", "acknowledge", "reach"):
            with self.subTest(action=action):
                response = self.url_open(self._url(self.applicant, f"/{action}"))
                self.assertEqual(response.status_code, 405)
        self.applicant.invalidate_recordset()
        self.assertFalse(self.applicant.candidate_id.do_not_contact)
        self.assertFalse(self.applicant.onboarding_intent)
        self.assertFalse(self.applicant.challenges_acknowledged_date)
        self.assertFalse(self._logs(self.applicant))

    @mute_logger("odoo.http")
    def test_post_without_csrf_from_the_page_is_refused(self):
        response = self.url_open(
            self._url(self.applicant, "/stop"),
            data={"reason": "x"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.applicant.candidate_id.do_not_contact)

    def test_burst_from_one_address(self):
        url = self._url(self.applicant)
        for _i in range(PAGE_RATE_LIMIT):
            self.assertEqual(self.url_open(url).status_code, 200)
        self.assertEqual(self.url_open(url).status_code, 429)
        response = Opener(self.cr).post(
            self.base_url() + self._url(self.applicant, "/unsubscribe"),
            data={"List-Unsubscribe": "One-Click"},
            timeout=30,
        )
        self.assertEqual(response.status_code, 429)
        self.assertFalse(self.applicant.candidate_id.do_not_contact)


class TestCandidatePageChinese(CandidatePageCommon):
    def test_page_in_the_candidates_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["hr_recruitment_followup"], ["zh_CN"]
        )
        self.applicant.candidate_id.partner_id.lang = "zh_CN"
        page = self.url_open(self._url(self.applicant)).text
        self.assertIn("我确认入职日期", page)
        self.assertIn("如何联系我", page)
        self.assertNotIn("I confirm I start on", page)
        english = self.url_open(self._url(self.applicant) + "&lang=en_US").text
        self.assertIn("I confirm I start on", english)


@tagged("post_install", "-at_install")
class TestOnboardingIntentReport(CandidatePageCommon):
    def test_intent_report_figures(self):
        Applicant = self.env["hr.applicant"]
        rows = [
            ("confirmed", "started"),
            ("confirmed", "started"),
            ("confirmed", "no_show"),
            ("hesitant", "abandoned"),
            ("hesitant", "started"),
            (False, "no_show"),
        ]
        created = Applicant
        for i, (intent, state) in enumerate(rows):
            applicant = self._make_applicant(f"Intent Candidate {i}", start_in=-3)
            applicant.write({"onboarding_state": state, "onboarding_intent": intent})
            created |= applicant
        (self.applicant | self.other).write({"active": False})
        Report = self.env["hr.recruitment.followup.intent.report"]
        Report.env.flush_all()
        groups = Report._read_group(
            [("applicant_id", "in", created.ids)],
            ["intent"],
            ["hire_count:sum", "no_show_rate:avg", "abandoned_rate:avg"],
        )
        figures = {
            intent: (count, round(no_show, 1), round(abandoned, 1))
            for intent, count, no_show, abandoned in groups
        }
        self.assertEqual(
            figures,
            {
                "confirmed": (3, 33.3, 0.0),
                "hesitant": (2, 0.0, 50.0),
                "no_answer": (1, 100.0, 0.0),
            },
        )


@tagged("post_install", "-at_install")
class TestCandidatePageTour(CandidatePageCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_candidate_confirms_and_raises_a_doubt_on_a_phone_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["hr_recruitment_followup"], ["zh_CN"]
        )
        self.applicant.candidate_id.partner_id.lang = "zh_CN"
        self.start_tour(
            self._url(self.applicant), "hr_recruitment_followup_candidate_page"
        )
        self.assertEqual(self.applicant.onboarding_intent, "hesitant")
        self.assertEqual(self.applicant.onboarding_doubt_topic, "salary")
        logs = self._logs(self.applicant).sorted("id")
        self.assertEqual(len(logs), 2)
        self.assertEqual(logs[0].outcome, "positive")
        self.assertEqual(logs[1].candidate_response, "年终奖是否有保障？")
        self._one_to_one_today(self.applicant)
