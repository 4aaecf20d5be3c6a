import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_cadence import CadenceCommon

WEBHOOK_PATH = "/cgi-bin/webhook/send"
OK = (200, {"errcode": 0, "errmsg": "ok"})


class WecomHandler(BaseHTTPRequestHandler):
    """A WeCom group robot on loopback: checks each request like WeCom does."""

    def do_POST(self):
        server = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        problems = []
        if url.path != WEBHOOK_PATH:
            problems.append(f"path {url.path}")
        if parse_qs(url.query).get("key") != [server.key]:
            problems.append("key")
        if self.headers.get("Content-Type") != "application/json":
            problems.append(f"content type {self.headers.get('Content-Type')}")
        try:
            data = json.loads(body.decode("utf-8"))
        except ValueError:
            data = None
            problems.append("not JSON")
        if data is not None and not (
            set(data) == {"msgtype", "markdown"}
            and data["msgtype"] == "markdown"
            and set(data["markdown"]) == {"content"}
            and isinstance(data["markdown"]["content"], str)
            and len(data["markdown"]["content"].encode()) <= 4096
        ):
            problems.append("markdown message format")
        server.received.append({"data": data, "problems": problems})
        status, answer = server.answers.pop(0) if server.answers else OK
        if problems:
            status, answer = 200, {"errcode": 40008, "errmsg": "; ".join(problems)}
        raw = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the test log must stay clean."""


@tagged("post_install", "-at_install")
class TestWecomRobot(CadenceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), WecomHandler)
        cls.server.key = "test-key"
        cls.server.received = []
        cls.server.answers = []
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(thread.join, 5)
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        host, port = cls.server.server_address
        cls.webhook = f"http://{host}:{port}{WEBHOOK_PATH}?key=test-key"
        cls.Robot = cls.env["hr.recruitment.followup.wecom.robot"]
        cls.Message = cls.env["hr.recruitment.followup.wecom.message"]
        cls.company.followup_tz = "Asia/Shanghai"
        cls.robot = cls.Robot.create(
            {
                "name": "Engineering recruiters",
                "webhook_url": cls.webhook,
                "user_ids": [(6, 0, cls.recruiter.ids)],
                "user_id": cls.manager.id,
                "lang": "en_US",
            }
        )

    def setUp(self):
        super().setUp()
        self.server.received.clear()
        self.server.answers.clear()

    def _due_today(self, name, user, day="2026-03-02", **values):
        applicant = self._candidate_applicant(
            name,
            "Asia/Shanghai",
            stage_id=self.stage_second.id,
            user_id=user.id,
            **values,
        )
        self.env["hr.applicant.contact.log"].create(
            {
                "applicant_id": applicant.id,
                "channel": "wechat",
                "contact_date": "2026-02-27 02:00:00",
                "summary": "First call",
                "next_contact_date": day,
            }
        )
        return applicant

    def _send(self):
        return self.Message._cron_send_queued()

    def test_webhook_url_must_be_https_except_on_loopback(self):
        for url in (
            "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
            "ftp://127.0.0.1/x",
            "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
            "https://",
        ):
            with self.assertRaisesText(ValidationError, "must start with https://"):
                self.Robot.create({"name": "Bad", "webhook_url": url})
        good = self.Robot.create(
            {
                "name": "Good",
                "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
            }
        )
        good.webhook_url = "http://localhost:8080/cgi-bin/webhook/send?key=x"
        self.assertTrue(good.exists())

    @freeze_time("2026-03-02 00:30:00")  # 08:30 in Shanghai
    def test_daily_reminder_lists_the_team_follow_ups(self):
        self._due_today("Zhang Wei", self.recruiter, preferred_channel="wechat")
        self._due_today("Late Liu", self.recruiter, day="2026-02-28")
        self._due_today("Tomorrow Tan", self.recruiter, day="2026-03-03")
        self._due_today("Other Team", self.manager)
        opted_out = self._due_today("Opted Out", self.recruiter)
        opted_out.write({"do_not_contact": True, "do_not_contact_reason": "No"})
        idle = self.Robot.create(
            {
                "name": "Idle team",
                "webhook_url": self.webhook,
                "department_ids": [
                    (0, 0, {"name": "Nobody", "company_id": self.company.id})
                ],
            }
        )
        messages = self.Robot._cron_queue_daily_reminders()
        self.assertEqual(messages.robot_id, self.robot, "nothing due: no message")
        self.assertNotIn(idle, messages.robot_id)
        payload = json.loads(messages.payload)
        self.assertEqual(payload["msgtype"], "markdown")
        content = payload["markdown"]["content"]
        self.assertTrue(
            content.startswith("## Follow-up reminder: 2 follow-ups due today")
        )
        self.assertIn("> **Recruiter Wang** (2)", content)
        self.assertIn("[Zhang Wei](", content)
        self.assertIn("/odoo/hr.applicant/", content)
        self.assertIn("Backend Engineer · WeChat", content)
        self.assertIn("Late Liu](", content)
        self.assertIn('<font color="warning">overdue</font>', content)
        for absent in ("Tomorrow Tan", "Other Team", "Opted Out"):
            self.assertNotIn(absent, content)
        self.assertEqual(messages.state, "queued")
        self.assertEqual(self._send(), 1)
        self.assertEqual(messages.state, "sent")
        self.assertEqual(messages.attempts, 1)
        self.assertEqual(len(self.server.received), 1)
        request = self.server.received[0]
        self.assertEqual(request["problems"], [])
        self.assertEqual(request["data"], payload)

    @freeze_time("2026-03-02 00:30:00")
    def test_department_robot_and_long_lists_are_cut(self):
        self.robot.write({"user_ids": [(5,)], "department_ids": self.department.ids})
        for i in range(60):
            self._due_today(f"Candidate With A Rather Long Name {i:02d}", self.manager)
        message = self.Robot._cron_queue_daily_reminders()
        content = message.content
        self.assertIn("60 follow-ups due today", content)
        self.assertLessEqual(len(content.encode()), 4096)
        self.assertIn("more: [My Follow-ups](", content)
        self._send()
        self.assertEqual(message.state, "sent")
        self.assertEqual(self.server.received[0]["problems"], [])

    def test_failures_are_retried_with_backoff_then_sent(self):
        self.server.answers[:] = [
            (500, b"Internal Server Error"),
            (200, {"errcode": 93000, "errmsg": "invalid webhook url"}),
            OK,
        ]
        with freeze_time("2026-03-02 00:30:00"):
            message = self.robot._followup_queue("Reminder")
            self._send()
            self.assertEqual(message.state, "queued")
            self.assertEqual(message.attempts, 1)
            self.assertIn("HTTP 500", message.last_error)
            self.assertEqual(message.next_attempt, datetime(2026, 3, 2, 0, 32))
            self._send()
            self.assertEqual(len(self.server.received), 1, "not before its time")
        with freeze_time("2026-03-02 00:32:00"):
            self._send()
            self.assertEqual(message.attempts, 2)
            self.assertEqual(
                message.last_error, "WeCom error 93000: invalid webhook url"
            )
            self.assertEqual(message.next_attempt, datetime(2026, 3, 2, 0, 36))
        with freeze_time("2026-03-02 00:36:00"):
            self._send()
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.attempts, 3)
        self.assertFalse(message.last_error)
        self.assertEqual(len(self.server.received), 3)
        self.assertTrue(all(not r["problems"] for r in self.server.received))

    def test_final_failure_is_visible_to_the_responsible(self):
        self.server.answers[:] = [(502, b"Bad Gateway")] * 5
        start = datetime(2026, 3, 2, 0, 30)
        with freeze_time(start):
            message = self.robot._followup_queue("Reminder")
        with self.assertLogs(
            "odoo.addons.hr_recruitment_followup.models."
            "hr_recruitment_followup_wecom_message",
            level="WARNING",
        ) as logs:
            for minutes in (0, 2, 6, 14, 30):
                with freeze_time(start + timedelta(minutes=minutes)):
                    self._send()
        self.assertEqual(len(self.server.received), 5)
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.attempts, 5)
        self.assertIn("HTTP 502", message.last_error)
        self.assertIn("failed after 5 attempts", logs.output[0])
        self.assertEqual(self.robot.failed_message_count, 1)
        activity = self.robot.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.summary, "WeCom reminders are not delivered")
        self.assertIn("could not be posted", self.robot.message_ids[0].body)
        with freeze_time(start + timedelta(hours=1)):
            self._send()
        self.assertEqual(len(self.server.received), 5, "failed: not retried alone")
        message.with_user(self.manager).action_retry()
        self.assertEqual((message.state, message.attempts), ("queued", 0))
        self._send()
        self.assertEqual(message.state, "sent")

    def test_unreachable_server_is_an_error_not_a_crash(self):
        closed = ThreadingHTTPServer(("127.0.0.1", 0), WecomHandler)
        port = closed.server_address[1]
        closed.server_close()
        self.robot.webhook_url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}?key=test-key"
        message = self.robot._followup_queue("Reminder")
        self._send()
        self.assertEqual(message.state, "queued")
        self.assertIn("Cannot reach WeCom", message.last_error)

    def test_test_button_reports_the_answer(self):
        action = self.robot.with_user(self.manager).action_send_test()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(
            "Test from Odoo", self.server.received[0]["data"]["markdown"]["content"]
        )
        self.server.answers[:] = [(200, {"errcode": 93000, "errmsg": "invalid key"})]
        with self.assertRaisesText(UserError, "invalid key"):
            self.robot.with_user(self.manager).action_send_test()

    def test_officers_read_without_the_webhook_secret(self):
        robot = self.robot.with_user(self.recruiter)
        self.assertEqual(robot.name, "Engineering recruiters")
        self.assertNotIn(
            "webhook_url", robot.fields_get(attributes=["string"]), "manager only"
        )
        with self.assertRaises(AccessError):
            robot.write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.robot.with_user(self.interviewer).read(["name"])
        with self.assertRaises(AccessError):
            self.Message.with_user(self.interviewer).search([])
