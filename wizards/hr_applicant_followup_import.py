import base64
import csv
import io
import re
from datetime import date, datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize

from ..tools.followup_policy import localize, resolve_tz, to_utc

try:
    import openpyxl
except ImportError:  # pragma: no cover - openpyxl is an Odoo requirement
    openpyxl = None

TEMPLATE_URL = (
    "/hr_recruitment_followup/static/xls/hr_applicant_followup_import_template.xlsx"
)
# Column -> the headers HR sheets use for it (English and Chinese), lower case.
COLUMNS = {
    "name": ("name", "candidate", "candidate name", "姓名", "候选人", "候选人姓名"),
    "email": ("email", "e-mail", "邮箱", "电子邮件", "邮件地址"),
    "phone": ("phone", "mobile", "电话", "手机", "手机号", "联系电话"),
    "job": ("job position", "job", "position", "岗位", "职位", "应聘岗位"),
    "stage": ("stage", "阶段", "招聘阶段"),
    "recruiter": ("recruiter", "招聘专员", "负责人", "招聘负责人"),
    "contact_date": ("contact date", "date", "联系日期", "联系时间", "日期"),
    "channel": ("channel", "渠道", "联系方式", "沟通方式"),
    "direction": ("direction", "方向"),
    "summary": ("summary", "沟通内容", "内容", "摘要", "跟进内容"),
    "candidate_response": (
        "candidate's response",
        "candidate response",
        "response",
        "候选人反馈",
        "反馈",
    ),
    "outcome": ("outcome", "结果", "跟进结果"),
    "next_step": ("next step", "下一步", "下一步计划"),
    "next_contact_date": (
        "next contact",
        "next contact date",
        "下次联系",
        "下次联系日期",
        "下次联系时间",
    ),
}
REQUIRED_COLUMNS = ("name", "email", "job")
CHANNEL_WORDS = {
    "email": ("email", "e-mail", "mail", "邮件", "电子邮件", "邮箱"),
    "phone": ("phone", "call", "电话", "手机", "致电"),
    "wechat": ("wechat", "weixin", "微信"),
    "wecom": ("wecom", "wework", "企业微信", "企微"),
    "sms": ("sms", "text", "短信"),
    "meeting": ("meeting", "会面", "面谈", "见面"),
    "other": ("other", "其他"),
}
DIRECTION_WORDS = {
    "outbound": ("outbound", "out", "主动联系", "我方联系", "呼出"),
    "inbound": ("inbound", "in", "候选人来信", "候选人联系", "来电", "呼入"),
}
OUTCOME_WORDS = {
    "positive": ("positive", "积极", "正面"),
    "neutral": ("neutral", "中立", "一般"),
    "negative": ("negative", "消极", "负面"),
    "no_response": ("no response", "no_response", "无回应", "未回复", "未接通"),
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
TIME_FORMATS = ("%H:%M:%S", "%H:%M")


def _words_map(words):
    return {word.lower(): key for key, values in words.items() for word in values}


class RowError(Exception):
    """A value of the row is wrong: the row is not imported."""


class HrApplicantFollowupImport(models.TransientModel):
    _name = "hr.applicant.followup.import"
    _description = "Import Applicants and Their Contact History"

    file = fields.Binary(string="Spreadsheet", required=True)
    file_name = fields.Char()
    state = fields.Selection(
        [("upload", "Upload"), ("done", "Done")], default="upload", required=True
    )
    imported_count = fields.Integer(string="Rows Imported", readonly=True)
    error_count = fields.Integer(string="Rows with Errors", readonly=True)
    result = fields.Text(readonly=True)
    errors = fields.Text(string="Rows Not Imported", readonly=True)

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------

    def _read_rows(self):
        """[(row number in the sheet, [cell values])], header row included."""
        raw = base64.b64decode(self.file or b"")
        name = (self.file_name or "").lower()
        if name.endswith(".csv"):
            return self._read_csv(raw)
        if name.endswith(".xlsx") or raw[:2] == b"PK":
            return self._read_xlsx(raw)
        raise UserError(
            self.env._(
                "Upload the sheet as .xlsx or .csv (in Excel or WPS: File > Save As)."
            )
        )

    def _read_csv(self, raw):
        # Excel in China saves CSV files in GB18030 unless told otherwise.
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(self.env._("The CSV file is neither UTF-8 nor GB18030."))
        first_line = text.split("\n", 1)[0]
        # Excel writes ";" where the comma is the decimal separator.
        delimiter = max(",;\t", key=first_line.count)
        return list(enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1))

    def _read_xlsx(self, raw):
        try:
            book = openpyxl.load_workbook(
                io.BytesIO(raw), read_only=True, data_only=True
            )
        except Exception as error:  # pylint: disable=broad-except
            raise UserError(
                self.env._(
                    "The file cannot be read as a spreadsheet: %(error)s", error=error
                )
            ) from error
        sheet = book.worksheets[0]
        return [
            (number, ["" if value is None else value for value in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), 1)
        ]

    @api.model
    def _header_key(self, header):
        """The column a header names; a "中文 / English" header may say both."""
        text = str(header or "").strip().lower()
        aliases = {alias: key for key, values in COLUMNS.items() for alias in values}
        for part in [text, *re.split(r"\s*[/|]\s*|\s*\n\s*", text)]:
            part = part.strip().strip("*").strip()
            if part in aliases:
                return aliases[part]
        return None

    # ------------------------------------------------------------------
    # Values
    # ------------------------------------------------------------------

    def _cell_text(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip() if value not in (None, "") else ""

    def _parse_choice(self, value, words, what):
        text = self._cell_text(value)
        if not text:
            return False
        key = _words_map(words).get(text.lower())
        if not key:
            raise RowError(
                self.env._("unknown %(what)s '%(value)s'", what=what, value=text)
            )
        return key

    def _parse_date(self, value, what, with_time=False):
        """A date (or datetime when ``with_time``) from a cell; False if empty."""
        if isinstance(value, datetime):
            return value if with_time else value.date()
        if isinstance(value, date):
            return datetime.combine(value, time(9, 0)) if with_time else value
        text = self._cell_text(value)
        if not text:
            return False
        for date_format in DATE_FORMATS:
            formats = [date_format]
            if with_time:
                formats = [f"{date_format} {t}" for t in TIME_FORMATS] + formats
            for candidate in formats:
                try:
                    parsed = datetime.strptime(text, candidate)
                except ValueError:
                    continue
                if not with_time:
                    return parsed.date()
                # A day without time: 09:00, when the working day starts.
                has_time = " " in candidate
                return parsed if has_time else parsed.replace(hour=9)
        raise RowError(
            self.env._(
                "%(what)s %(value)s is not a date (e.g. 2026-03-01)",
                what=what,
                value=text,
            )
        )

    def _parse_row(self, values, caches):
        """Check one row. :return: the values to import; raises RowError."""
        problems = []

        def get(key):
            return values.get(key, "")

        def check(callback, *args):
            try:
                return callback(*args)
            except RowError as error:
                problems.append(str(error))
                return False

        name = self._cell_text(get("name"))
        email = self._cell_text(get("email"))
        if not name:
            problems.append(self.env._("the candidate's name is missing"))
        normalized = email_normalize(email) if email else False
        if not email:
            problems.append(
                self.env._("the email is missing: it identifies the candidate")
            )
        elif not normalized:
            problems.append(
                self.env._("'%(email)s' is not an email address", email=email)
            )
        job_name = self._cell_text(get("job"))
        job = caches["jobs"].get(job_name.lower()) if job_name else None
        if not job_name:
            problems.append(self.env._("the job position is missing"))
        elif not job:
            problems.append(self.env._("unknown job position '%(job)s'", job=job_name))
        stage_name = self._cell_text(get("stage"))
        stage = caches["stages"].get(stage_name.lower()) if stage_name else False
        if stage_name and not stage:
            problems.append(self.env._("unknown stage '%(stage)s'", stage=stage_name))
        recruiter_name = self._cell_text(get("recruiter"))
        recruiter = (
            caches["users"].get(recruiter_name.lower()) if recruiter_name else False
        )
        if recruiter_name and not recruiter:
            problems.append(
                self.env._("unknown recruiter '%(user)s'", user=recruiter_name)
            )
        contact_date = check(
            self._parse_date,
            get("contact_date"),
            self.env._("contact date"),
            True,
        )
        next_contact = check(
            self._parse_date, get("next_contact_date"), self.env._("next contact date")
        )
        channel = check(
            self._parse_choice, get("channel"), CHANNEL_WORDS, self.env._("channel")
        )
        direction = check(
            self._parse_choice,
            get("direction"),
            DIRECTION_WORDS,
            self.env._("direction"),
        )
        outcome = check(
            self._parse_choice, get("outcome"), OUTCOME_WORDS, self.env._("outcome")
        )
        log_values = {
            "summary": self._cell_text(get("summary")),
            "candidate_response": self._cell_text(get("candidate_response")),
            "outcome": outcome,
            "next_step": self._cell_text(get("next_step")),
            "next_contact_date": next_contact,
        }
        has_contact = any(log_values.values()) or channel or direction
        if has_contact and not contact_date and not problems:
            problems.append(self.env._("the contact date is missing"))
        if contact_date:
            tz = resolve_tz(self.env.user.tz, self.env.company.followup_tz)
            contact_date = to_utc(
                localize(contact_date.date(), contact_date.time(), tz)
            )
            if contact_date > fields.Datetime.now():
                problems.append(
                    self.env._(
                        "the contact date %(date)s is in the future",
                        date=self._cell_text(get("contact_date")),
                    )
                )
            elif next_contact and next_contact < contact_date.date():
                problems.append(
                    self.env._("the next contact is before the contact itself")
                )
        if problems:
            raise RowError("; ".join(problems))
        return {
            "name": name,
            "email": email,
            "normalized": normalized,
            "phone": self._cell_text(get("phone")),
            "job": job,
            "stage": stage,
            "recruiter": recruiter,
            "contact_date": contact_date,
            "log": {
                **log_values,
                "channel": channel or "phone",
                "direction": direction or "outbound",
            },
        }

    def _caches(self):
        company = self.env.company
        jobs = self.env["hr.job"].search(
            [("company_id", "in", [company.id, False])], order="company_id, id desc"
        )
        stages = self.env["hr.recruitment.stage"].search([])
        users = self.env["res.users"].search([("share", "=", False)])
        caches = {"jobs": {}, "stages": {}, "users": {}}
        # Names in the user's language and in English: sheets use either.
        for lang in {self.env.lang or "en_US", "en_US"}:
            for job in jobs.with_context(lang=lang):
                caches["jobs"].setdefault(job.name.strip().lower(), job)
            for stage in stages.with_context(lang=lang):
                caches["stages"].setdefault(stage.name.strip().lower(), stage)
        for user in users:
            caches["users"].setdefault(user.name.strip().lower(), user)
            caches["users"].setdefault(user.login.strip().lower(), user)
        return caches

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------

    def action_import(self):
        """Import the good rows; list the others with what is wrong.

        Each row is imported in its own savepoint: a row is either imported
        entirely (candidate, application, contact) or not at all.
        """
        self.ensure_one()
        rows = self._read_rows()
        header_number, header = next(
            ((n, r) for n, r in rows if any(self._cell_text(c) for c in r)),
            (0, []),
        )
        keys = [self._header_key(cell) for cell in header]
        missing = [key for key in REQUIRED_COLUMNS if key not in keys]
        if missing:
            labels = {
                "name": self.env._("Name"),
                "email": self.env._("Email"),
                "job": self.env._("Job Position"),
            }
            raise UserError(
                self.env._(
                    "The first row must name the columns; missing: %(columns)s. "
                    "Start from the import template.",
                    columns=", ".join(labels[key] for key in missing),
                )
            )
        caches = self._caches()
        counts = dict.fromkeys(("rows", "candidates", "applicants", "logs", "known"), 0)
        errors = []
        for number, row in rows:
            if number <= header_number or not any(self._cell_text(c) for c in row):
                continue
            values = {key: cell for key, cell in zip(keys, row, strict=False) if key}
            try:
                parsed = self._parse_row(values, caches)
                with self.env.cr.savepoint():
                    self._import_row(parsed, counts)
            except RowError as error:
                errors.append(
                    self.env._("Row %(row)s: %(error)s", row=number, error=error)
                )
            except (UserError, ValidationError) as error:
                errors.append(
                    self.env._(
                        "Row %(row)s: %(error)s", row=number, error=error.args[0]
                    )
                )
        ignored = [
            str(cell)
            for cell, key in zip(header, keys, strict=False)
            if cell and not key
        ]
        result = [
            self.env._(
                "%(rows)s rows imported: %(candidates)s candidates and %(applicants)s "
                "applications created, %(logs)s contacts logged.",
                **counts,
            )
        ]
        if counts["known"]:
            result.append(
                self.env._(
                    "%(count)s contacts were already imported and were skipped.",
                    count=counts["known"],
                )
            )
        if ignored:
            result.append(
                self.env._(
                    "Columns not recognised, ignored: %(columns)s.",
                    columns=", ".join(ignored),
                )
            )
        self.write(
            {
                "state": "done",
                "imported_count": counts["rows"],
                "error_count": len(errors),
                "result": "\n".join(result),
                "errors": "\n".join(errors),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import Contact History"),
        }

    def _import_row(self, parsed, counts):
        """Find or create the candidate (by email) and the application (by job),
        then log the contact."""
        company = parsed["job"].company_id or self.env.company
        Candidate = self.env["hr.candidate"].with_context(active_test=False)
        candidate = Candidate.search(
            [
                ("email_normalized", "=", parsed["normalized"]),
                ("company_id", "in", [company.id, False]),
            ],
            limit=1,
        )
        if not candidate:
            candidate = Candidate.create(
                {
                    "partner_name": parsed["name"],
                    "email_from": parsed["email"],
                    "partner_phone": parsed["phone"] or False,
                    "company_id": company.id,
                }
            )
            counts["candidates"] += 1
        applicant = candidate.applicant_ids.filtered(
            lambda a: a.job_id == parsed["job"]
        ).sorted(lambda a: (a.active, a.id), reverse=True)[:1]
        if not applicant:
            applicant = self.env["hr.applicant"].create(
                {
                    "candidate_id": candidate.id,
                    "job_id": parsed["job"].id,
                    "company_id": company.id,
                    "user_id": (parsed["recruiter"] or parsed["job"].user_id).id,
                    **({"stage_id": parsed["stage"].id} if parsed["stage"] else {}),
                }
            )
            counts["applicants"] += 1
        elif parsed["stage"] and applicant.stage_id != parsed["stage"]:
            applicant.stage_id = parsed["stage"]
        if not parsed["contact_date"]:
            counts["rows"] += 1
            return
        log_values = {
            **parsed["log"],
            "applicant_id": applicant.id,
            "contact_date": parsed["contact_date"],
            "user_id": (parsed["recruiter"] or self.env.user).id,
        }
        Log = self.env["hr.applicant.contact.log"]
        if Log.search_count(
            [
                ("applicant_id", "=", applicant.id),
                ("contact_date", "=", parsed["contact_date"]),
                ("channel", "=", log_values["channel"]),
                ("summary", "=", log_values["summary"] or False),
            ],
            limit=1,
        ):
            counts["known"] += 1
            return
        Log.create(log_values)
        counts["logs"] += 1
        counts["rows"] += 1

    def action_download_template(self):
        return {"type": "ir.actions.act_url", "url": TEMPLATE_URL, "target": "download"}
