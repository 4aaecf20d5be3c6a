import base64
import io
from datetime import datetime

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import file_open

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupImport(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.import_job = cls.env["hr.job"].create(
            {"name": "Import Engineer", "user_id": cls.recruiter.id}
        )

    def _import(self, content, file_name):
        wizard = (
            self.env["hr.applicant.followup.import"]
            .with_user(self.recruiter)
            .create({"file": base64.b64encode(content), "file_name": file_name})
        )
        action = wizard.action_import()
        self.assertEqual(
            (action["res_model"], action["res_id"]), (wizard._name, wizard.id)
        )
        return wizard

    def _file(self, path):
        with file_open(f"hr_recruitment_followup/{path}", "rb") as f:
            return f.read()

    def _applicant(self, email, job):
        return (
            self.env["hr.applicant"]
            .with_context(active_test=False)
            .search([("email_from", "=", email), ("job_id", "=", job.id)])
        )

    @freeze_time("2026-03-02 02:00:00")
    def test_sample_sheet_imports_good_rows_and_lists_bad_ones(self):
        sheet = self._file("tests/data/followup_import_sample.csv")
        result = self._import(sheet, "followup_import_sample.csv")
        self.assertEqual(result.state, "done")
        self.assertEqual(result.imported_count, 4)
        self.assertEqual(result.error_count, 7)
        self.assertEqual(
            result.errors.splitlines(),
            [
                "Row 5: unknown channel 'fax'",
                "Row 6: the candidate's name is missing",
                "Row 7: contact date 2026-13-01 is not a date (e.g. 2026-03-01)",
                "Row 8: 'not-an-email' is not an email address",
                "Row 9: unknown job position 'Unknown Position'",
                "Row 11: unknown outcome 'maybe'",
                "Row 12: the next contact is before the contact itself",
            ],
        )
        self.assertIn(
            "4 rows imported: 2 candidates and 3 applications created, 3 contacts "
            "logged.",
            result.result,
        )
        self.assertIn("Columns not recognised, ignored: Hobby.", result.result)

        zhang = self._applicant("zhang.wei@example.com", self.import_job)
        self.assertEqual(len(zhang), 1, "two rows, one application")
        # Zhang Wei was a candidate already: found by email, kept as he is.
        self.assertEqual(zhang.partner_name, "Zhang Wei")
        self.assertEqual(zhang.user_id, self.recruiter, "the job's recruiter")
        self.assertEqual(zhang.stage_id, self.stage_second, "the last row's stage")
        self.assertEqual(
            zhang.candidate_id, self.candidate, "found by email, not duplicated"
        )
        first, second = zhang.contact_log_ids.sorted("contact_date")
        # 10:00 in Shanghai (the recruiter's time zone) is 02:00 UTC.
        self.assertEqual(first.contact_date, datetime(2026, 2, 20, 2, 0))
        self.assertEqual(
            (first.channel, first.direction, first.outcome),
            ("wechat", "outbound", "positive"),
        )
        self.assertEqual(first.summary, "感谢参加面试")
        self.assertEqual(first.candidate_response, "很感兴趣")
        self.assertEqual(first.next_step, "安排复试")
        self.assertEqual(str(first.next_contact_date), "2026-02-25")
        self.assertEqual(first.user_id, self.recruiter)
        self.assertEqual(
            (second.channel, second.direction), ("phone", "inbound"), "2026/02/25"
        )
        self.assertEqual(second.contact_date, datetime(2026, 2, 25, 1, 0))
        self.assertEqual(zhang.last_contact_date, second.contact_date)
        li = self._applicant("li.na@example.com", self.import_job)
        self.assertEqual((li.partner_name, li.partner_phone), ("李娜", "13900000000"))
        self.assertEqual(li.contact_log_ids.channel, "email")
        wu = self._applicant("wu.min@example.com", self.import_job)
        self.assertEqual(wu.stage_id, self.stage_proposal)
        self.assertFalse(wu.contact_log_ids, "no contact date: the application only")
        for email in (
            "wang.fang@example.com",
            "no.name@example.com",
            "zhao.lei@example.com",
            "liu.yang@example.com",
            "sun.li@example.com",
            "zhou.qiang@example.com",
        ):
            self.assertFalse(
                self.env["hr.candidate"]
                .with_context(active_test=False)
                .search([("email_from", "=", email)]),
                f"{email}: a bad row leaves nothing behind",
            )
        # The same sheet again: nothing logged twice.
        again = self._import(sheet, "followup_import_sample.csv")
        self.assertEqual(again.imported_count, 1, "only the row without contact")
        self.assertIn(
            "3 contacts were already imported and were skipped.", again.result
        )
        self.assertEqual(len(zhang.contact_log_ids), 2)

    @freeze_time("2026-03-10 02:00:00")
    def test_shipped_template_is_importable(self):
        template = self._file("static/xls/hr_applicant_followup_import_template.xlsx")
        result = self._import(template, "hr_applicant_followup_import_template.xlsx")
        self.assertFalse(result.errors)
        self.assertEqual(result.imported_count, 2)
        self.assertEqual(self.applicant.stage_id, self.stage_second)
        logs = self.applicant.contact_log_ids.sorted("contact_date")
        self.assertEqual(logs.mapped("channel"), ["wechat", "phone"])
        self.assertEqual(logs[0].summary, "感谢参加面试，介绍了复试流程")

    @freeze_time("2026-03-02 02:00:00")
    def test_excel_dates_and_gbk_csv(self):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Name", "Email", "Job", "Contact Date", "Channel", "Summary"])
        sheet.append(
            [
                "Excel Date",
                "excel.date@example.com",
                "import engineer",
                datetime(2026, 2, 27, 15, 30),
                "企业微信",
                "Sent the offer",
            ]
        )
        sheet.append(
            [
                "Future",
                "future@example.com",
                "Import Engineer",
                datetime(2026, 3, 9, 15, 30),
                "phone",
                "Not yet",
            ]
        )
        content = io.BytesIO()
        book.save(content)
        result = self._import(content.getvalue(), "contacts.xlsx")
        self.assertEqual(
            result.errors,
            "Row 3: the contact date 2026-03-09 15:30:00 is in the future",
        )
        log = self._applicant("excel.date@example.com", self.import_job).contact_log_ids
        self.assertEqual(log.channel, "wecom")
        self.assertEqual(log.contact_date, datetime(2026, 2, 27, 7, 30))
        gbk = (
            "姓名,邮箱,岗位,联系日期,渠道\n"
            "黄蕾,huang.lei@example.com,Import Engineer,2026年2月26日,短信\n"
        )
        result = self._import(gbk.encode("gb18030"), "contacts.csv")
        self.assertFalse(result.errors)
        log = self._applicant("huang.lei@example.com", self.import_job).contact_log_ids
        self.assertEqual((log.channel, log.candidate_id.partner_name), ("sms", "黄蕾"))

    def test_sheet_without_the_required_columns_is_refused(self):
        wizard = self.env["hr.applicant.followup.import"].create(
            {
                "file": base64.b64encode(b"Name,Phone\nA,1\n"),
                "file_name": "contacts.csv",
            }
        )
        with self.assertRaisesText(UserError, "missing: Email, Job Position"):
            wizard.action_import()
        wizard.file_name = "contacts.pdf"
        wizard.file = base64.b64encode(b"%PDF-1.4")
        with self.assertRaisesText(UserError, "as .xlsx or .csv"):
            wizard.action_import()

    @freeze_time("2026-03-02 02:00:00")
    def test_a_row_failing_on_save_is_rolled_back_alone(self):
        self.candidate.write({"do_not_contact": True, "do_not_contact_reason": "Asked"})
        sheet = (
            "Name,Email,Job,Contact Date,Channel,Next Contact\n"
            "Zhang Wei,zhang.wei@example.com,Import Engineer,2026-02-27,phone,"
            "2026-03-05\n"
            "Good One,good.one@example.com,Import Engineer,2026-02-27,phone,\n"
        )
        result = self._import(sheet.encode(), "contacts.csv")
        self.assertIn("Row 2: Zhang Wei asked not to be contacted again", result.errors)
        self.assertFalse(self._applicant("zhang.wei@example.com", self.import_job))
        self.assertTrue(self._applicant("good.one@example.com", self.import_job))
        self.assertEqual(result.imported_count, 1)

    def test_template_download(self):
        action = self.env["hr.applicant.followup.import"].action_download_template()
        self.assertTrue(
            action["url"].endswith("hr_applicant_followup_import_template.xlsx")
        )
        self.assertTrue(
            self._file("static/xls/hr_applicant_followup_import_template.xlsx")
        )
