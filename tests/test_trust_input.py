"""Trust: bad input everywhere a user types gets a clear, translated error and
leaves nothing half-written; odd but acceptable input breaks nothing."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .test_trust_cron import DUE, TrustCronCommon

HUGE = "长" * 10001  # one character over the limit of a note


# (case, exception, English message, Chinese message or None when the message is
# newer than i18n/zh_CN.po, models whose rows are counted before and after).
# Each case is a method `_bad_<case>(env)` doing the bad input in env's language.
LOG = ("hr.applicant.contact.log", "mail.activity")
APPLICANT = ("hr.applicant", "hr.candidate")
RULE = ("hr.recruitment.followup.rule",)
CASES = (
    (
        "log_in_the_future",
        ValidationError,
        "The contact with Zhang Wei is dated in the future.",
        "与 Zhang Wei 的联系时间在未来。",
        LOG,
    ),
    (
        "next_contact_before_the_contact",
        ValidationError,
        (
            "The next contact (03/01/2026) cannot be before the contact itself "
            "(03/02/2026)."
        ),
        "下次联系日期（2026年03月01日）不能早于本次联系日期（2026年03月02日）。",
        LOG,
    ),
    (
        "next_contact_for_do_not_contact",
        ValidationError,
        (
            "Opted Out asked not to be contacted again (Found a job): no next contact "
            "can be planned."
        ),
        "Opted Out 已要求不再联系（Found a job）：不能再安排下次联系。",
        LOG,
    ),
    (
        "next_contact_typed_in_the_quick_form",
        ValidationError,
        (
            "The next contact (02/27/2026) cannot be before the contact itself "
            "(03/02/2026)."
        ),
        "下次联系日期（2026年02月27日）不能早于本次联系日期（2026年03月02日）。",
        LOG,
    ),
    (
        "log_without_applicant",
        ValidationError,
        "A contact must be logged on an applicant.",
        "联系记录必须关联到一位应聘者。",
        LOG,
    ),
    (
        "huge_summary",
        ValidationError,
        "Summary is too long: 10001 characters, at most 10000.",
        None,
        LOG,
    ),
    (
        "huge_candidate_response",
        ValidationError,
        "Candidate's Response is too long: 10001 characters, at most 10000.",
        None,
        LOG,
    ),
    (
        "long_next_step",
        ValidationError,
        "Next Step is too long: 501 characters, at most 500.",
        None,
        LOG,
    ),
    (
        "score_above_five",
        ValidationError,
        "Job Match is scored from 0 to 5, not 6.",
        "的评分范围是 0 到 5，不能是 6。",
        APPLICANT,
    ),
    (
        "score_typed_in_the_form",
        ValidationError,
        "Intent is scored from 0 to 5, not 9.",
        "的评分范围是 0 到 5，不能是 9。",
        APPLICANT,
    ),
    (
        "negative_score_on_create",
        ValidationError,
        "Intent is scored from 0 to 5, not -1.",
        "的评分范围是 0 到 5，不能是 -1。",
        APPLICANT,
    ),
    (
        "first_day_in_year_one",
        ValidationError,
        (
            "The first day of Zhang Wei (01/05/0001) is more than 10 years away from "
            "today: check the year."
        ),
        None,
        APPLICANT,
    ),
    (
        "first_day_far_ahead",
        ValidationError,
        "The first day of Zhang Wei (03/02/2062) is more than 10 years away",
        None,
        APPLICANT,
    ),
    (
        "huge_decline_comment",
        ValidationError,
        "Decline Comment is too long: 10001 characters, at most 10000.",
        None,
        APPLICANT,
    ),
    (
        "do_not_contact_without_reason",
        ValidationError,
        (
            "Say why Zhang Wei must not be contacted: a reason is required with "
            "'Do Not Contact'."
        ),
        "请说明为什么不能联系 Zhang Wei：勾选“请勿联系”时必须填写原因。",
        APPLICANT,
    ),
    (
        "long_do_not_contact_reason",
        ValidationError,
        "Do Not Contact Reason is too long: 501 characters, at most 500.",
        None,
        APPLICANT,
    ),
    (
        "unknown_time_zone",
        ValidationError,
        (
            "Unknown time zone Mars/Olympus_Mons: choose one from the list, e.g. "
            "Asia/Shanghai."
        ),
        "未知时区 Mars/Olympus_Mons：请从列表中选择，例如 Asia/Shanghai。",
        (),
    ),
    (
        "contact_hour_25",
        ValidationError,
        "Contact hours must lie between 00:00 and 24:00 (YourCompany).",
        "可联系时段必须在 00:00 到 24:00 之间（YourCompany）。",
        (),
    ),
    (
        "contact_hour_negative",
        ValidationError,
        "Contact hours must lie between 00:00 and 24:00 (YourCompany).",
        "可联系时段必须在 00:00 到 24:00 之间（YourCompany）。",
        (),
    ),
    (
        "contact_hours_inverted",
        ValidationError,
        (
            "Contact hours of YourCompany end before they start: 'from' must be "
            "earlier than 'until'."
        ),
        "YourCompany 的可联系时段结束早于开始：“起始时间”必须早于“截止时间”。",
        (),
    ),
    (
        "contact_hours_empty",
        ValidationError,
        "Contact hours of YourCompany end before they start",
        "YourCompany 的可联系时段结束早于开始",
        (),
    ),
    (
        "cap_zero",
        ValidationError,
        "Contact caps must allow at least one contact (YourCompany).",
        "联系频率上限至少应允许联系一次（YourCompany）。",
        (),
    ),
    (
        "settings_hours_with_a_cap",
        ValidationError,
        "Contact hours must lie between 00:00 and 24:00 (YourCompany).",
        "可联系时段必须在 00:00 到 24:00 之间（YourCompany）。",
        (),
    ),
    (
        "rule_negative_delay",
        ValidationError,
        "Rule Bad rule: delay, repeat interval and repetitions cannot be negative.",
        "规则 Bad rule：延迟、重复间隔和重复次数不能为负数。",
        RULE,
    ),
    (
        "rule_repeats_without_interval",
        ValidationError,
        "Rule Bad rule repeats 3 times but has no repeat interval",
        "规则 Bad rule 重复 3 次，但没有设置重复间隔",
        RULE,
    ),
    (
        "rule_email_without_template",
        ValidationError,
        "Rule Bad rule sends emails: choose the email template.",
        "规则 Bad rule 发送邮件：请选择邮件模板。",
        RULE,
    ),
    (
        "rule_wechat_without_activity_type",
        ValidationError,
        "Rule Bad rule is handled by a person: choose the activity type",
        "规则 Bad rule 需要人工处理：请选择为招聘专员安排的活动类型。",
        RULE,
    ),
    (
        "rule_before_start_in_hours",
        ValidationError,
        "Rule Bad rule: checkpoints before the first day are counted in days.",
        "规则 Bad rule：入职前的检查点以天为单位。",
        RULE,
    ),
    (
        "rule_template_of_another_model",
        ValidationError,
        "Rule Bad rule: the template must be made for applicants.",
        "规则 Bad rule：模板必须适用于应聘者。",
        RULE,
    ),
    (
        "rule_negative_expiry",
        ValidationError,
        "Rule Bad rule: the expiry cannot be negative.",
        "规则 Bad rule：过期天数不能为负数。",
        RULE,
    ),
    (
        "rule_no_contact_without_delay",
        ValidationError,
        "Rule Bad rule: say after how long without contact it applies.",
        "规则 Bad rule：请设置多久未联系后应用此规则。",
        RULE,
    ),
    (
        "rule_delay_of_a_million_days",
        ValidationError,
        (
            "Rule Bad rule: delays, intervals and expiry are limited to 10 years, and "
            "repetitions to 100."
        ),
        None,
        RULE,
    ),
    (
        "rule_edit_to_a_huge_interval",
        ValidationError,
        (
            "Rule Light touch between the second interview and the offer: delays, "
            "intervals and expiry are limited to 10 years"
        ),
        None,
        RULE,
    ),
)


@tagged("post_install", "-at_install")
class TestTrustInput(TrustCronCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["hr_recruitment_followup"], ["zh_CN"]
        )
        cls.company.name = "YourCompany"
        cls.opted_out = cls._new_applicant("Opted Out", stage_id=cls.stage_first.id)
        cls.opted_out.write(
            {"do_not_contact": True, "do_not_contact_reason": "Found a job"}
        )

    def _log(self, env, applicant, **values):
        return (
            env["hr.applicant.contact.log"]
            .with_user(self.recruiter)
            .create({"applicant_id": applicant.id, **values})
        )

    # -- the bad inputs ---------------------------------------------------

    def _bad_log_in_the_future(self, env):
        self._log(env, self.applicant, contact_date=datetime(2026, 3, 3, 2, 0))

    def _bad_next_contact_before_the_contact(self, env):
        self._log(env, self.applicant, next_contact_date=date(2026, 3, 1))

    def _bad_next_contact_for_do_not_contact(self, env):
        self._log(env, self.opted_out, next_contact_date=date(2026, 3, 5))

    def _bad_next_contact_typed_in_the_quick_form(self, env):
        action = (
            env["hr.applicant"]
            .with_user(self.recruiter)
            .browse(self.applicant.id)
            .action_log_contact()
        )
        form = Form(
            env[action["res_model"]]
            .with_user(self.recruiter)
            .with_context(**action["context"]),
            view=action["views"][0][0],
        )
        form.summary = "Called"
        form.next_contact_date = date(2026, 2, 27)
        form.save()

    def _bad_log_without_applicant(self, env):
        env["hr.applicant.contact.log"].create({"summary": "Who was it?"})

    def _bad_huge_summary(self, env):
        self._log(env, self.applicant, summary=HUGE)

    def _bad_huge_candidate_response(self, env):
        self._log(env, self.applicant, candidate_response=HUGE)

    def _bad_long_next_step(self, env):
        self._log(env, self.applicant, next_step="x" * 501)

    def _bad_score_above_five(self, env):
        env["hr.applicant"].browse(self.applicant.id).write(
            {"worth_stability": 4, "worth_job_match": 6}
        )

    def _bad_score_typed_in_the_form(self, env):
        form = Form(
            env["hr.applicant"].with_user(self.recruiter).browse(self.applicant.id)
        )
        form.worth_job_match = 4
        form.worth_intent = 9
        form.save()

    def _bad_negative_score_on_create(self, env):
        candidate = env["hr.candidate"].create({"partner_name": "Minus"})
        env["hr.applicant"].create({"candidate_id": candidate.id, "worth_intent": -1})

    def _bad_first_day_in_year_one(self, env):
        env["hr.applicant"].browse(self.applicant.id).start_date = date(1, 1, 5)

    def _bad_first_day_far_ahead(self, env):
        env["hr.applicant"].browse(self.applicant.id).start_date = date(2062, 3, 2)

    def _bad_huge_decline_comment(self, env):
        env["hr.applicant"].browse(self.applicant.id).decline_comment = HUGE

    def _bad_do_not_contact_without_reason(self, env):
        env["hr.applicant"].browse(self.applicant.id).write(
            {"do_not_contact": True, "do_not_contact_reason": "   "}
        )

    def _bad_long_do_not_contact_reason(self, env):
        env["hr.applicant"].browse(self.applicant.id).write(
            {"do_not_contact": True, "do_not_contact_reason": "x" * 501}
        )

    def _bad_unknown_time_zone(self, env):
        env.company.followup_tz = "Mars/Olympus_Mons"

    def _bad_contact_hour_25(self, env):
        env.company.followup_hour_to = 25.0

    def _bad_contact_hour_negative(self, env):
        env.company.followup_hour_from = -1.0

    def _bad_contact_hours_inverted(self, env):
        env.company.write({"followup_hour_from": 20.0, "followup_hour_to": 9.0})

    def _bad_contact_hours_empty(self, env):
        env.company.write({"followup_hour_from": 9.0, "followup_hour_to": 9.0})

    def _bad_cap_zero(self, env):
        env.company.followup_cap_standard_per_week = 0

    def _bad_settings_hours_with_a_cap(self, env):
        """The settings screen: the valid cap typed with the bad hour is not
        saved either."""
        settings = Form(env["res.config.settings"])
        settings.followup_cap_core_per_day = 3
        settings.followup_hour_from = 24.5
        settings.save().execute()

    def _rule(self, env, **values):
        return env["hr.recruitment.followup.rule"].create(
            {"name": "Bad rule", **values}
        )

    def _bad_rule_negative_delay(self, env):
        self._rule(env, channel="email", mail_template_id=self.template.id, delay=-1)

    def _bad_rule_repeats_without_interval(self, env):
        self._rule(
            env, channel="email", mail_template_id=self.template.id, max_repeats=3
        )

    def _bad_rule_email_without_template(self, env):
        self._rule(env, channel="email")

    def _bad_rule_wechat_without_activity_type(self, env):
        self._rule(env, channel="wechat")

    def _bad_rule_before_start_in_hours(self, env):
        self._rule(
            env,
            trigger="before_start",
            delay_unit="hours",
            channel="email",
            mail_template_id=self.template.id,
        )

    def _bad_rule_template_of_another_model(self, env):
        template = env["mail.template"].create(
            {
                "name": "For partners",
                "model_id": env["ir.model"]._get_id("res.partner"),
            }
        )
        self._rule(env, channel="email", mail_template_id=template.id)

    def _bad_rule_negative_expiry(self, env):
        self._rule(
            env, channel="email", mail_template_id=self.template.id, expiry_days=-3
        )

    def _bad_rule_no_contact_without_delay(self, env):
        self._rule(
            env,
            trigger="no_contact",
            delay=0,
            channel="email",
            mail_template_id=self.template.id,
        )

    def _bad_rule_delay_of_a_million_days(self, env):
        self._rule(
            env, channel="email", mail_template_id=self.template.id, delay=1000000
        )

    def _bad_rule_edit_to_a_huge_interval(self, env):
        env["hr.recruitment.followup.rule"].browse(self.rule_light.id).write(
            {"repeat_interval": 4000, "delay": 3}
        )

    # -- the test ---------------------------------------------------------

    @property
    def template(self):
        return self.rule_interview.mail_template_id

    def _snapshot(self, models):
        """Row counts, and the values the bad inputs would change."""
        self.env.invalidate_all()
        company = self.company
        applicant = self.applicant
        rule = self.rule_light
        return (
            {
                m: self.env[m].sudo().with_context(active_test=False).search_count([])
                for m in models
            },
            company.read(
                [
                    "followup_tz",
                    "followup_hour_from",
                    "followup_hour_to",
                    "followup_cap_core_per_day",
                    "followup_cap_standard_per_week",
                ]
            ),
            applicant.read(
                [
                    "worth_job_match",
                    "worth_stability",
                    "start_date",
                    "decline_comment",
                    "do_not_contact",
                    "do_not_contact_reason",
                    "next_followup_date",
                ]
            ),
            rule.read(["delay", "repeat_interval"]),
        )

    @freeze_time("2026-03-02 02:00:00")  # 10:00 in Shanghai
    def test_bad_input_is_refused_clearly_in_english_and_chinese(self):
        self.assertEqual(len({case[0] for case in CASES}), len(CASES))
        for case, exception, english, chinese, models in CASES:
            bad = getattr(self, f"_bad_{case}")
            for lang, text in (("en_US", english), ("zh_CN", chinese)):
                if not text:
                    continue
                with self.subTest(case=case, lang=lang):
                    env = self.env(context=dict(self.env.context, lang=lang))
                    before = self._snapshot(models)
                    with self.assertRaisesText(exception, text):
                        bad(env)
                    self.assertEqual(self._snapshot(models), before, "half-written")

    def test_every_case_is_in_the_table(self):
        methods = {name[5:] for name in dir(self) if name.startswith("_bad_")}
        self.assertEqual(methods, {case[0] for case in CASES})


@tagged("post_install", "-at_install")
class TestTrustOddInput(TrustCronCommon):
    """Odd but acceptable input: accepted, and nothing downstream breaks."""

    def _log(self, applicant, **values):
        return (
            self.env["hr.applicant.contact.log"]
            .with_user(self.recruiter)
            .create({"applicant_id": applicant.id, **values})
        )

    @freeze_time("2026-03-02 02:00:00")
    def test_the_longest_texts_allowed_go_through(self):
        summary = "长" * 10000
        log = self._log(
            self.applicant,
            summary=summary,
            candidate_response="答" * 10000,
            next_step="x" * 500,
            next_contact_date=date(2026, 3, 5),
        )
        self.assertEqual(len(log.summary), 10000)
        activity = self._followup_activities(self.applicant)
        self.assertEqual(activity.summary, "x" * 500)
        self.assertIn(summary, activity.note)
        self.applicant.decline_comment = "y" * 10000
        self.applicant.write(
            {"do_not_contact": True, "do_not_contact_reason": "z" * 500}
        )
        self.assertFalse(self._followup_activities(self.applicant))

    def test_back_filled_contact_with_a_past_plan_shows_as_overdue(self):
        with freeze_time("2026-03-10 02:00:00"):
            log = self._log(
                self.applicant,
                contact_date=datetime(2026, 2, 20, 2, 0),
                next_contact_date=date(2026, 2, 25),
                summary="Typed in from last month's notebook",
            )
            self.assertEqual(self.applicant.last_contact_date, log.contact_date)
            self.assertEqual(
                self._followup_activities(self.applicant).date_deadline,
                date(2026, 2, 25),
            )
            self.assertTrue(self.applicant.with_user(self.recruiter).followup_overdue)

    @freeze_time("2026-01-14 20:00:00")
    def test_unknown_candidate_time_zone_falls_back_to_the_company_one(self):
        self.company.followup_tz = "America/New_York"
        applicant = self._interviewed(
            "Legacy Tz", interview=("2026-01-15 00:00:00", "2026-01-15 01:00:00")
        )
        # A time zone pytz does not know, as an old database or an import may
        # leave it (the ORM refuses to write one).
        self.env.cr.execute(
            "UPDATE res_partner SET tz = 'Mars/Olympus_Mons' WHERE id = %s",
            [applicant.partner_id.id],
        )
        self.env.invalidate_all()
        applicant._plan_next_followup()
        # Due at 22:00 in New York: planned for 09:00 there.
        self.assertEqual(applicant.next_followup_date, datetime(2026, 1, 15, 14, 0))
        with freeze_time("2026-01-15 03:00:00"):  # 22:00 in New York
            self.env["hr.applicant"]._cron_process_followups()
        self.assertFalse(self._mails(applicant))
        with freeze_time("2026-01-15 14:00:00"):
            self.env["hr.applicant"]._cron_process_followups()
        self.assertEqual(len(self._mails(applicant)), 1)

    @freeze_time("2026-03-02 02:00:00")
    def test_unknown_user_time_zone_breaks_neither_plans_nor_filters(self):
        self.company.followup_tz = "Asia/Shanghai"
        self.env.cr.execute(
            "UPDATE res_partner SET tz = 'Mars/Olympus_Mons' WHERE id = %s",
            [self.recruiter.partner_id.id],
        )
        self.env.invalidate_all()
        applicant = self.applicant.with_user(self.recruiter)
        self.assertEqual(applicant._followup_recruiter_tz().zone, "Asia/Shanghai")
        self.assertEqual(
            applicant._followup_planned_at(date(2026, 3, 5)), datetime(2026, 3, 5, 1)
        )
        self._log(self.applicant, next_contact_date=date(2026, 3, 5))
        self.assertTrue(self.applicant.followup_planned_date)
        Applicant = self.env["hr.applicant"].with_context(tz="Mars/Olympus_Mons")
        for name in ("followup_due_today", "followup_overdue"):
            Applicant.search([(name, "=", True)])
        self.assertFalse(Applicant.browse(self.applicant.id).followup_overdue)

    def test_malformed_email_prepares_the_message_for_the_recruiter(self):
        with freeze_time("2026-03-02 01:00:00"):
            control = self._interviewed("Valid Email")
            broken = {}
            for n, email in enumerate(("zhang.wei@", "not an email", False)):
                applicant = self._interviewed(f"Broken {n}")
                applicant.email_from = email
                broken[applicant] = email
            wechat = self._interviewed("Prefers WeChat")
            wechat.write({"email_from": "wechat only", "preferred_channel": "wechat"})
        with freeze_time(DUE):
            self.env["hr.applicant"]._cron_process_followups()
            self.assertEqual(len(self._mails(control)), 1)
            for applicant in (*broken, wechat):
                self.assertFalse(self._mails(applicant), applicant.partner_name)
                activity = applicant.activity_ids
                self.assertEqual(len(activity), 1, "the follow-up is not dropped")
                self.assertEqual(activity.user_id, self.recruiter)
                self.assertIn("no valid email address", activity.summary)
                self.assertIn("Thank you for meeting us", activity.note)
                log = self._auto_logs(applicant)
                self.assertEqual(log.rule_id, self.rule_interview)
                self.assertIn("no valid email address", log.summary)
                self.assertFalse(log.mail_id)
                self.assertFalse(applicant.followup_rule_id, "done, not retried")
            self.assertEqual(self._auto_logs(wechat).channel, "wechat")
            self.assertEqual({self._auto_logs(a).channel for a in broken}, {"phone"})
            before = self._counts()
            self.assertEqual(self.env["hr.applicant"]._cron_process_followups(), 0)
            self.assertEqual(self._counts(), before)

    @freeze_time("2026-03-02 01:00:00")
    def test_malformed_phone_breaks_nothing_and_formatting_does_not_hide_a_blacklist(
        self,
    ):
        typo = self._interviewed("Phone Typo", partner_phone="call me maybe")
        blocked = self._interviewed("Phone Blocked", partner_phone="+86 138-0013-8000")
        self.env["phone.blacklist"]._add(["+8613800138000"])
        (typo | blocked)._plan_next_followup()
        self.assertEqual(typo.followup_rule_id, self.rule_interview)
        self.assertFalse(blocked.followup_rule_id)
        self.assertIn(
            "phone blacklisted",
            self.env["mail.compose.message"]
            .with_context(default_model="hr.applicant", default_res_ids=blocked.ids)
            .create({})
            .followup_contact_warning,
        )
        with freeze_time(DUE):
            self.env["hr.applicant"]._cron_process_followups()
        self.assertEqual(len(self._mails(typo)), 1)
        self.assertFalse(self._mails(blocked))

    @freeze_time("2026-03-02 01:00:00")
    def test_interview_at_the_end_of_the_calendar_stops_nobody(self):
        far = self._interviewed(
            "Year 9999", interview=("9999-12-31 20:00:00", "9999-12-31 23:00:00")
        )
        normal = self._interviewed("Normal")
        (far | normal)._plan_next_followup()
        self.assertFalse(far.followup_rule_id)
        self.assertEqual(normal.followup_rule_id, self.rule_interview)
        with freeze_time(DUE):
            self.env["hr.applicant"]._cron_process_followups()
        self.assertEqual(len(self._mails(normal)), 1)

    @freeze_time("2026-03-02 02:00:00")
    def test_import_with_one_bad_row_imports_nothing(self):
        Log = self.env["hr.applicant.contact.log"].with_user(self.recruiter)
        before = Log.search_count([])
        result = Log.load(
            ["applicant_id/.id", "channel", "summary", "contact_date"],
            [
                [str(self.applicant.id), "phone", "Fine", "2026-03-01 10:00:00"],
                [str(self.applicant.id), "wechat", HUGE, "2026-03-01 11:00:00"],
            ],
        )
        self.assertFalse(result["ids"])
        self.assertIn(
            "Summary is too long: 10001 characters",
            " ".join(m["message"] for m in result["messages"]),
        )
        self.assertEqual(Log.search_count([]), before)
