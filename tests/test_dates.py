import re
from datetime import date

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..tools.followup_format import human_date, human_datetime
from .test_cadence import CadenceCommon

# What babel's "long" formats used to print: an offset, or seconds.
OFFSET_OR_SECONDS = re.compile(r"[+-]0\d:?\d\d\b|\d:\d\d:\d\d")
INTERVIEW = {"en_US": "28 November 2026, 15:00", "zh_CN": "2026年11月28日 15:00"}
FIRST_DAY = {"en_US": "7 December 2026", "zh_CN": "2026年12月7日"}
# The shipped templates that show a date, and which one.
DATED_TEMPLATES = {
    "mail_template_followup_after_interview": INTERVIEW,
    "mail_template_followup_before_start": FIRST_DAY,
    "mail_template_followup_preboarding_guide": FIRST_DAY,
    "mail_template_followup_week_before": FIRST_DAY,
}


@tagged("post_install", "-at_install")
@freeze_time("2026-11-29 02:00:00")
class TestHumanDates(CadenceCommon):
    """Dates read the way a person writes them, in the reader's language: no
    offset, no seconds; the candidate's time zone in what they receive."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["hr_recruitment_followup"], ["zh_CN"]
        )
        # In Shanghai (UTC+8), the recruiter in Berlin: the interview at 07:00
        # UTC is 15:00 for the candidate.
        cls.recruiter.tz = "Europe/Berlin"
        with freeze_time("2026-11-27 02:00:00"):
            cls.hired = cls._candidate_applicant(
                "Wang Fang",
                "Asia/Shanghai",
                stage_id=cls.stage_proposal.id,
                start_date=date(2026, 12, 7),
            )
            cls.env["calendar.event"].create(
                {
                    "name": "Interview",
                    "applicant_id": cls.hired.id,
                    "start": "2026-11-28 07:00:00",
                    "stop": "2026-11-28 08:00:00",
                    "user_id": cls.interviewer.id,
                }
            )
        shipped = cls.env["ir.model.data"].search(
            [
                ("module", "=", "hr_recruitment_followup"),
                ("model", "=", "mail.template"),
            ]
        )
        cls.templates = {
            data.name: cls.env["mail.template"].browse(data.res_id)
            for data in shipped
            if cls.env["mail.template"].browse(data.res_id).model == "hr.applicant"
        }

    def test_every_shipped_template_in_both_languages(self):
        self.assertEqual(
            self.hired.followup_interview_date.isoformat(), "2026-11-28T07:00:00"
        )
        self.assertGreaterEqual(len(self.templates), 11)
        self.assertLessEqual(set(DATED_TEMPLATES), set(self.templates))
        for lang in ("en_US", "zh_CN"):
            # The template's language is the candidate's.
            self.hired.partner_id.lang = lang
            for name, template in self.templates.items():
                with self.subTest(template=name, lang=lang):
                    values = template._generate_template(
                        self.hired.ids, ("subject", "body_html")
                    )[self.hired.id]
                    body = lxml_html.fromstring(values["body_html"]).text_content()
                    text = f"{values['subject']}\n{body}"
                    self.assertNotRegex(text, OFFSET_OR_SECONDS)
                    for forbidden in ("+0800", "+08:00", ":00:00", "GMT"):
                        self.assertNotIn(forbidden, text)
                    if name in DATED_TEMPLATES:
                        self.assertIn(DATED_TEMPLATES[name][lang], text)
                    # The follow-up job's own renderer prints the same.
                    fast = template._followup_generate_template(self.hired.ids)
                    self.assertEqual(
                        fast[self.hired.id]["body_html"], values["body_html"]
                    )
            if lang == "zh_CN":
                after = self.templates["mail_template_followup_after_interview"]
                self.assertIn(
                    "感谢您于 2026年11月28日 15:00 参加",
                    after._generate_template(self.hired.ids, ("body_html",))[
                        self.hired.id
                    ]["body_html"],
                )

    def test_templates_and_python_texts_agree(self):
        """The templates carry their patterns in their text; Python's helper
        must print the same strings."""
        for lang in ("en_US", "zh_CN"):
            env = self.env(context=dict(self.env.context, lang=lang))
            self.assertEqual(
                human_datetime(
                    env, self.hired.followup_interview_date, "Asia/Shanghai"
                ),
                INTERVIEW[lang],
            )
            self.assertEqual(human_date(env, self.hired.start_date), FIRST_DAY[lang])
            self.assertEqual(human_date(env, False), "")

    def test_interview_in_the_candidates_time_zone(self):
        """Without a time zone of their own, the company's follow-up zone."""
        template = self.templates["mail_template_followup_after_interview"]
        self.hired.partner_id.tz = False
        self.company.followup_tz = "America/New_York"
        body = template._generate_template(self.hired.ids, ("body_html",))[
            self.hired.id
        ]["body_html"]
        self.assertIn("28 November 2026, 02:00", body)

    def test_activity_note_dates_the_contact_like_a_person(self):
        for lang, expected in (
            ("en_US", "Last contact: 28 November 2026, 08:00 by"),
            ("zh_CN", "2026年11月28日 08:00"),
        ):
            with self.subTest(lang=lang):
                self.recruiter.lang = lang
                log = (
                    self.env["hr.applicant.contact.log"]
                    .with_user(self.recruiter)
                    .with_context(lang=lang)
                    .create(
                        {
                            "applicant_id": self.hired.id,
                            "channel": "phone",
                            "direction": "outbound",
                            "contact_date": "2026-11-28 07:00:00",
                            "next_contact_date": date(2026, 12, 1),
                            "summary": "Asked about the parking",
                        }
                    )
                )
                note = str(self._followup_activities(log.applicant_id).note)
                # The recruiter's time zone (Berlin): they plan the next contact.
                self.assertIn(expected, note)
                self.assertNotRegex(note, OFFSET_OR_SECONDS)

    def _zh(self, record):
        return record.with_context(lang="zh_CN")

    def test_errors_show_dates_in_the_users_format(self):
        eleven_years = date(2037, 11, 28)
        # English: the language's date format (month/day/year).
        with self.assertRaisesText(ValidationError, "(11/28/2037)"):
            self.hired.start_date = eleven_years
        with self.assertRaisesText(ValidationError, "（2037年11月28日）"):
            self._zh(self.hired).start_date = eleven_years
        with self.assertRaises(ValidationError) as caught:
            self._zh(self.hired).start_date = eleven_years
        self.assertNotIn("2037-11-28", str(caught.exception))

    def test_period_and_expiry_errors_in_both_languages(self):
        Summary = self.env["hr.recruitment.followup.summary"]
        period = {
            "date_from": date(2026, 11, 28),
            "date_to": date(2026, 11, 2),
            "company_id": self.company.id,
        }
        with self.assertRaisesText(ValidationError, "11/28/2026"):
            Summary.create(period)
        with self.assertRaisesText(ValidationError, "2026年11月02日"):
            self._zh(Summary).create(period)
        yesterday = date(2026, 11, 28)
        candidate = self.hired.candidate_id
        with self.assertRaisesText(UserError, "(11/28/2026)"):
            candidate._talent_pool_add("Strong SQL", yesterday)
        with self.assertRaisesText(UserError, "2026年11月28日"):
            self._zh(candidate)._talent_pool_add("Strong SQL", yesterday)

    def test_next_contact_before_the_contact_in_both_languages(self):
        values = {
            "applicant_id": self.hired.id,
            "channel": "phone",
            "direction": "outbound",
            "contact_date": "2026-11-28 07:00:00",
            "next_contact_date": date(2026, 11, 20),
        }
        Log = self.env["hr.applicant.contact.log"].with_user(self.recruiter)
        self.recruiter.lang = "en_US"
        with self.assertRaisesText(ValidationError, "(11/20/2026)"):
            Log.create(values)
        self.recruiter.lang = "zh_CN"
        with self.assertRaisesText(ValidationError, "2026年11月20日"):
            Log.with_context(lang="zh_CN").create(values)

    def test_summary_pdf_period_like_a_person(self):
        summary = self.env["hr.recruitment.followup.summary"].create(
            {
                "date_from": date(2026, 11, 1),
                "date_to": date(2026, 11, 28),
                "company_id": self.company.id,
            }
        )
        for lang, (start, end) in (
            ("en_US", ("1 November 2026", "28 November 2026")),
            ("zh_CN", ("2026年11月1日", "2026年11月28日")),
        ):
            with self.subTest(lang=lang):
                self.manager.lang = lang
                content, _type = (
                    self.env["ir.actions.report"]
                    .with_user(self.manager)
                    ._render_qweb_html(
                        "hr_recruitment_followup.report_followup_summary",
                        summary.ids,
                    )
                )
                doc = lxml_html.fromstring(content)
                self.assertEqual(
                    doc.find_class("o_fu_date_from")[0].text_content(), start
                )
                self.assertEqual(doc.find_class("o_fu_date_to")[0].text_content(), end)
