"""Real mail, both ways: what the addon sends leaves through a real SMTP server
on loopback, the candidate's answers and the bounces come back through Odoo's
mail gateway (``message_process`` of the raw email)."""

import email
import email.policy
import socket
import unittest
from contextlib import contextmanager
from datetime import date, datetime
from email.utils import format_datetime, make_msgid, parseaddr
from unittest.mock import patch

from freezegun import freeze_time

from odoo import modules
from odoo.tests import TransactionCase, tagged

from ..models.hr_applicant import own_words
from .test_decline import DeclineCommon

try:
    from aiosmtpd.controller import Controller
except ImportError:  # bin/test installs it; a bare Odoo run may lack it
    Controller = None


class SmtpSink:
    """An SMTP server's handler: keeps what it receives; refuses the
    recipients in ``refused`` as a real server refuses an unknown mailbox."""

    def __init__(self):
        self.received = []
        self.refused = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            email.message_from_bytes(envelope.content, policy=email.policy.SMTP)
        )
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailRoundTripCommon(DeclineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if Controller is None:
            raise unittest.SkipTest("aiosmtpd is not installed (bin/test installs it)")
        cls.sink = SmtpSink()
        cls.smtp = Controller(cls.sink, hostname="127.0.0.1", port=free_port())
        cls.smtp.start()
        cls.addClassCleanup(cls.smtp.stop)
        # The company's alias domain: its catchall receives the answers, its
        # bounce alias the delivery reports.
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "hr.example.org"}
        )
        cls.company.alias_domain_id = cls.alias_domain
        cls.env["ir.mail_server"].search([]).active = False
        cls.mail_server = cls.env["ir.mail_server"].create(
            {
                "name": "Loopback",
                "smtp_host": "127.0.0.1",
                "smtp_port": cls.smtp.port,
                "smtp_encryption": "none",
            }
        )

    def setUp(self):
        super().setUp()
        self.sink.received.clear()
        self.sink.refused.clear()

    @contextmanager
    def _really_sending(self):
        """Lift the test-mode guard of ir.mail_server (``connect`` and
        ``send_email`` return early while a test runs): the mails really go to
        the SMTP server on loopback. Nothing else of Odoo is replaced."""
        with patch.object(modules.module, "current_test", False):
            yield

    def _run_mail_queue(self, mails):
        """The mail queue's own entry point, on these mails only (the database
        may hold other queued mails)."""
        with self._really_sending():
            self.env["mail.mail"].process_email_queue(ids=mails.ids)
        self.env.invalidate_all()

    def _received_by(self, address):
        return [
            message
            for message in self.sink.received
            if address in (message["To"] or "")
        ]

    def _gateway(self, raw):
        """The raw email through Odoo's mail gateway, as the fetchmail cron or
        the mail-to-Odoo script gives it."""
        return self.env["mail.thread"].message_process(False, raw)

    def _pre_offer(self, name, tz="Asia/Shanghai", email_address=None):
        """An applicant after the second interview, the light touch planned."""
        applicant = self._candidate_applicant(
            name, tz, email=email_address, stage_id=self.stage_first.id
        )
        applicant.stage_id = self.stage_second
        self._job_replans(applicant)
        self.assertEqual(applicant.followup_rule_id, self.rule_light)
        return applicant

    def _sla(self, applicant):
        """The applicant's row of the Follow-up SLA report, read again."""
        self.env.flush_all()
        self.env["hr.recruitment.followup.sla.report"].invalidate_model()
        return self.env["hr.recruitment.followup.sla.report"].search(
            [("applicant_id", "=", applicant.id)]
        )

    def _dsn(self, original, recipient):
        """A delivery status notification as a mail server sends it back: to
        the bounce alias, the original message attached (its Message-Id)."""
        headers = "".join(
            f"{name}: {value}\n"
            for name, value in original.items()
            if name.lower()
            in ("message-id", "from", "to", "subject", "date", "reply-to")
        )
        return f"""Return-Path: <>
Date: {format_datetime(datetime(2026, 3, 7, 2, 5))}
From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
To: {self.alias_domain.bounce_email}
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="BOUNDARY.dsn"
Message-Id: {make_msgid(domain="mx.example.com")}

This is a MIME-encapsulated message.

--BOUNDARY.dsn
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{recipient}>: host mx.example.com said: 550 5.1.1 No such user

--BOUNDARY.dsn
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com
Arrival-Date: {format_datetime(datetime(2026, 3, 7, 2, 1))}

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 No such user

--BOUNDARY.dsn
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

{headers}
--BOUNDARY.dsn--
"""


@tagged("post_install", "-at_install")
class TestMailRoundTrip(MailRoundTripCommon):
    def test_follow_up_sent_answered_and_replanned_through_real_mail(self):
        with freeze_time("2026-03-03 02:00:00"):
            applicant = self._pre_offer("Zhang Wei")
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 7, 2, 0))

        # The job queues the light touch (10:00 in Shanghai), the mail queue
        # sends it through the SMTP server on loopback.
        with freeze_time("2026-03-07 02:00:00"):
            self._run_cron()
            mail = self._mails(applicant)
            log = self._auto_logs(applicant)
            self.assertEqual(log.mail_id, mail)
            self.assertEqual(log.delivery_state, "queued")
            self.assertFalse(applicant.last_contact_date, "not a contact until sent")
        with freeze_time("2026-03-07 02:01:00"):
            self._run_mail_queue(mail)
            self.assertEqual(mail.state, "sent")
            self.assertEqual(log.delivery_state, "sent")
            self.assertEqual(log.contact_date, datetime(2026, 3, 7, 2, 1))
            self.assertEqual(applicant.last_contact_date, datetime(2026, 3, 7, 2, 1))
        received = self._received_by("zhang.wei@example.com")
        self.assertEqual(len(received), 1)
        sent = received[0]
        # Replies are routed to the applicant: the company's catchall.
        self.assertIn("catchall@hr.example.org", sent["Reply-To"])
        self.assertEqual(sent["Message-Id"], mail.message_id)
        # RFC 8058: the candidate's provider can unsubscribe them in one click.
        self.assertEqual(
            sent["List-Unsubscribe"], f"<{applicant._followup_unsubscribe_url()}>"
        )
        self.assertEqual(sent["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertIn("Backend Engineer", sent["Subject"])
        original_text = sent.get_body(("plain",)).get_content()
        self.assertIn("Zhang Wei", original_text)

        # The candidate answers from their mailbox, quoting our email.
        quoted = "<br>".join(
            line for line in original_text.splitlines() if line.strip()
        )
        reply = f"""From: Zhang Wei <zhang.wei@example.com>
To: {sent["Reply-To"]}
Subject: Re: {sent["Subject"]}
Date: {format_datetime(datetime(2026, 3, 9, 12, 0))}
Message-Id: {make_msgid(domain="mail.example.com")}
In-Reply-To: {sent["Message-Id"]}
References: {sent["Message-Id"]}
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<div dir="ltr">Thank you, I am still very interested. Could we talk on Friday?</div>
<br>
<div class="gmail_extra"><div class="gmail_quote">On Sat, Mar 7, 2026 at 10:01 AM
{sent["From"]} wrote:<br>
<blockquote class="gmail_quote">{quoted}</blockquote></div></div>
"""
        with freeze_time("2026-03-09 12:00:00"):
            thread_id = self._gateway(reply)
            self.assertEqual(thread_id, applicant.id, "routed to the applicant")
            message = applicant.message_ids.filtered(
                lambda m: (
                    m.message_type == "email" and m.author_id == applicant.partner_id
                )
            )
            self.assertEqual(len(message), 1)
            inbound = applicant.contact_log_ids.filtered(
                lambda entry: entry.direction == "inbound"
            )
            self.assertEqual(len(inbound), 1)
            self.assertEqual(
                inbound.summary,
                "Thank you, I am still very interested. Could we talk on Friday?",
            )
            self.assertEqual(inbound.channel, "email")
            self.assertEqual(applicant.last_contact_date, datetime(2026, 3, 9, 12, 0))
            # The cadence restarts from the answer: 4 quiet days after it
            # (20:00 in Shanghai), planned when it may really go: 09:00 the
            # next morning.
            self.assertEqual(applicant.followup_rule_id, self.rule_light)
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 14, 1, 0))

    def test_bounce_is_not_a_contact_and_prepares_the_next_channel(self):
        with freeze_time("2026-03-03 02:00:00"):
            applicant = self._pre_offer("Li Na")
            applicant.preferred_channel = "wechat"
            manual = self.env["hr.applicant.contact.log"].create(
                {
                    "applicant_id": applicant.id,
                    "channel": "phone",
                    "direction": "outbound",
                    "summary": "Second interview feedback by phone",
                }
            )
            self.assertEqual(applicant.last_contact_date, manual.contact_date)
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 7, 2, 0))
        with freeze_time("2026-03-07 02:00:00"):
            self._run_cron()
            mail = self._mails(applicant)
            log = self._auto_logs(applicant)
            self._run_mail_queue(mail)
            self.assertEqual(log.delivery_state, "sent")
            self.assertEqual(applicant.last_contact_date, datetime(2026, 3, 7, 2, 0))
        sent = self._received_by("li.na@example.com")[0]

        with freeze_time("2026-03-07 02:05:00"):
            self._gateway(self._dsn(sent, "li.na@example.com"))
            self.assertEqual(log.delivery_state, "bounced")
            # Odoo's bounce counter on the candidate (and the contact).
            self.assertEqual(applicant.candidate_id.message_bounce, 1)
            self.assertEqual(applicant.partner_id.message_bounce, 1)
            # Not a contact: the last contact is the call again.
            self.assertEqual(applicant.last_contact_date, manual.contact_date)
            self.assertEqual(applicant.last_touch_date, manual.contact_date)
            activity = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "hr.applicant"),
                    ("res_id", "=", applicant.id),
                    ("summary", "ilike", "bounced"),
                ]
            )
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, self.recruiter)
            self.assertIn("li.na@example.com", activity.summary)
            self.assertEqual(activity.date_deadline, date(2026, 3, 7))
            # The message prepared for the next channel: the email's text.
            self.assertIn("Li Na", activity.note)
            self.assertIn("Backend Engineer", activity.note)

        # The next light touch does not go to the bouncing address: the
        # recruiter gets it to pass on by WeChat.
        with freeze_time("2026-03-11 02:00:00"):
            self._run_cron()
            self.assertEqual(len(self._mails(applicant)), 1, "no email to it again")
            prepared = self._auto_logs(applicant)[-1]
            self.assertEqual(prepared.channel, "wechat")
            self.assertFalse(prepared.mail_id)

    def test_refused_recipient_gives_failed(self):
        with freeze_time("2026-03-03 02:00:00"):
            applicant = self._pre_offer("Wang Fang")
        self.sink.refused.add("wang.fang@example.com")
        with freeze_time("2026-03-07 02:00:00"):
            self._run_cron()
            mail = self._mails(applicant)
            log = self._auto_logs(applicant)
            with self.assertLogs("odoo.addons.mail.models.mail_mail", "ERROR"):
                self._run_mail_queue(mail)
            self.assertEqual(mail.state, "exception")
            self.assertIn("Recipient address rejected", mail.failure_reason)
            self.assertEqual(log.delivery_state, "failed")
            self.assertFalse(applicant.last_contact_date)
            self.assertFalse(applicant.last_touch_date)
            activity = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "hr.applicant"),
                    ("res_id", "=", applicant.id),
                    ("summary", "ilike", "could not be sent"),
                ]
            )
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, self.recruiter)
        self.assertFalse(self._received_by("wang.fang@example.com"))


@tagged("post_install", "-at_install")
class TestNightHeldEmail(MailRoundTripCommon):
    def _new_york(self, name):
        applicant = self._candidate_applicant(
            name, "America/New_York", stage_id=self.stage_first.id
        )
        # 19:00-20:00 in New York (EST): the thank-you is due at 22:00.
        self._interview(applicant, "2026-03-03 00:00:00", "2026-03-03 01:00:00")
        return applicant

    def test_email_waiting_for_the_morning_hides_no_contact(self):
        with freeze_time("2026-03-02 23:00:00"):
            john = self._new_york("John Smith")
            mary = self._new_york("Mary Jones")
            bill = self._new_york("Bill Brown")
        # The job runs at 23:00 in New York: nothing leaves at night; the
        # thank-you is planned, and shown, for 09:00 (14:00 UTC).
        with freeze_time("2026-03-03 04:00:00"):
            self._run_cron()
            for applicant in (john, mary, bill):
                self.assertFalse(self._mails(applicant))
                self.assertFalse(self._auto_logs(applicant))
                self.assertEqual(
                    applicant.next_followup_date, datetime(2026, 3, 3, 14, 0)
                )
                self.assertFalse(applicant.last_contact_date, "never in the future")
                self.assertFalse(self._sla(applicant).first_contact_date)

        # Meanwhile the recruiter talks to John on WeChat, twice, and plans
        # the next contact each time.
        Log = self.env["hr.applicant.contact.log"].with_user(self.recruiter)
        with freeze_time("2026-03-03 04:30:00"):
            Log.create(
                {
                    "applicant_id": john.id,
                    "channel": "wechat",
                    "direction": "outbound",
                    "summary": "Thanked him on WeChat",
                    "next_contact_date": "2026-03-05",
                }
            )
        with freeze_time("2026-03-03 05:00:00"):
            Log.create(
                {
                    "applicant_id": john.id,
                    "channel": "wechat",
                    "direction": "inbound",
                    "summary": "He asks about the team",
                    "next_contact_date": "2026-03-06",
                }
            )
            self.assertEqual(john.last_contact_date, datetime(2026, 3, 3, 5, 0))
            self.assertEqual(
                john.followup_planned_date, john._followup_planned_at(date(2026, 3, 6))
            )
            activity = self._followup_activities(john)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.date_deadline, date(2026, 3, 6))
            # The first contact after the interview is the WeChat one.
            self.assertEqual(
                self._sla(john).first_contact_date, datetime(2026, 3, 3, 4, 30)
            )

        # 09:00 in New York: the job queues the thank-yous; queued, they are
        # no contact yet. Bill's is cancelled in the queue, Mary's leaves.
        with freeze_time("2026-03-03 14:00:00"):
            self._run_cron()
            mails = {a: self._mails(a) for a in (mary, bill)}
            for applicant, mail in mails.items():
                self.assertEqual(len(mail), 1)
                self.assertEqual(self._auto_logs(applicant).delivery_state, "queued")
                self.assertFalse(applicant.last_contact_date)
                self.assertFalse(self._sla(applicant).first_contact_date)
            mails[bill].cancel()
            self.assertEqual(self._auto_logs(bill).delivery_state, "failed")
        with freeze_time("2026-03-03 14:05:00"):
            self._run_mail_queue(mails[mary] | self._mails(john))
            log = self._auto_logs(mary)
            self.assertEqual(log.delivery_state, "sent")
            self.assertEqual(log.contact_date, datetime(2026, 3, 3, 14, 5))
            self.assertEqual(len(self._received_by("mary.jones@example.com")), 1)
            # Dated when it left, now a contact.
            self.assertEqual(mary.last_contact_date, datetime(2026, 3, 3, 14, 5))
            self.assertFalse(bill.last_contact_date)
            # John's plan and activity, logged by people, stay whatever the job
            # sent him meanwhile.
            self.assertEqual(
                john.followup_planned_date, john._followup_planned_at(date(2026, 3, 6))
            )
            self.assertEqual(self._followup_activities(john), activity)
            self.assertEqual(activity.date_deadline, date(2026, 3, 6))
            # The SLA counts Mary's email once sent (13 hours after the
            # interview), never Bill's.
            self.assertEqual(
                self._sla(mary).first_contact_date, datetime(2026, 3, 3, 14, 5)
            )
            self.assertEqual(self._sla(mary).sla_status, "on_time")
            self.assertFalse(self._sla(bill).first_contact_date)
            self.assertEqual(self._sla(bill).sla_status, "missed")


@tagged("post_install", "-at_install")
class TestReplyTo(MailRoundTripCommon):
    """Every email the addon sends answers to the applicant's thread, as core's
    chatter path for the same template (``message_post_with_source``)."""

    def _core_reply_to(self, applicant, template):
        message = applicant.message_post_with_source(
            template, subtype_xmlid="mail.mt_comment"
        )
        return message.reply_to

    def _assert_reply_to_like_core(self, mail, template):
        applicant = self.env["hr.applicant"].browse(mail.res_id)
        expected = self._core_reply_to(applicant, template)
        self.assertIn("catchall@hr.example.org", expected)
        self.assertEqual(mail.reply_to, expected)
        self._run_mail_queue(mail)
        received = self._received_by(mail.email_to)
        self.assertEqual(len(received), 1)
        self.assertEqual(parseaddr(received[0]["Reply-To"]), parseaddr(expected))
        self.assertEqual(
            received[0]["List-Unsubscribe"],
            f"<{applicant._followup_unsubscribe_url()}>",
        )

    @freeze_time("2026-03-10 02:00:00")
    def test_decline_survey_invitation(self):
        applicant = self._candidate_applicant(
            "Zhao Lei", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        form = self._decline_form(applicant)
        form.channel = "wechat"
        form.summary = "Will not join"
        form.save().action_confirm()
        mail = self._mails(applicant)
        self.assertEqual(len(mail), 1)
        self._assert_reply_to_like_core(
            mail,
            self.env.ref(
                "hr_recruitment_followup.mail_template_followup_decline_survey"
            ),
        )
        survey_log = applicant.contact_log_ids.filtered("mail_id")
        self.assertEqual(survey_log.mail_id, mail)
        self.assertEqual(survey_log.delivery_state, "sent")

    @freeze_time("2026-03-02 02:00:00")
    def test_reactivation_invitation(self):
        refused = self._candidate_applicant(
            "Invited", "Asia/Shanghai", stage_id=self.stage_second.id
        )
        refused.write(
            {
                "refuse_reason_id": self.env["hr.applicant.refuse.reason"]
                .create({"name": "Not this time"})
                .id,
                "active": False,
            }
        )
        refused.candidate_id._talent_pool_add("Good", date(2027, 3, 2))
        platform = self.env["hr.job"].create(
            {"name": "Platform Engineer", "user_id": self.recruiter.id}
        )
        action = (
            refused.candidate_id.with_user(self.recruiter)
            .with_context(followup_match_job_id=platform.id)
            .action_followup_invite()
        )
        applicant = self.env["hr.applicant"].browse(action["res_id"])
        mail = applicant.contact_log_ids.mail_id
        self.assertEqual(len(mail), 1)
        self._assert_reply_to_like_core(
            mail,
            self.env.ref("hr_recruitment_followup.mail_template_followup_reactivation"),
        )

    def test_preboarding_guide(self):
        rule = self.env.ref("hr_recruitment_followup.followup_rule_preboarding_guide")
        rule.active = True
        # The guide alone: the other checkpoints before the first day are
        # tested elsewhere.
        (
            self.rule_confirm
            | self.rule_start_14
            | self.rule_start_7
            | self.rule_start_1
        ).active = False
        with freeze_time("2026-03-10 02:00:00"):
            applicant = self._candidate_applicant(
                "Sun Li", "Asia/Shanghai", stage_id=self.stage_first.id
            )
            applicant.write(
                {"stage_id": self.stage_proposal.id, "start_date": "2026-03-20"}
            )
            self._job_replans(applicant)
            self.assertEqual(applicant.followup_stage_id, self.fu_pre_onboarding)
            self.assertEqual(applicant.followup_rule_id, rule)
        with freeze_time("2026-03-15 01:00:00"):  # 09:00 in Shanghai
            self._run_cron()
            mail = self._mails(applicant)
            self.assertEqual(len(mail), 1)
            self.assertEqual(self._auto_logs(applicant).rule_id, rule)
            self._assert_reply_to_like_core(mail, rule.mail_template_id)

    @freeze_time("2026-03-16 02:00:00")
    def test_template_reply_to_wins(self):
        """An admin's Reply-To on the template is kept, by the job and by
        ``send_mail``. (Core's chatter composer ignores it for a record with
        a thread and answers to the record's alias or the catchall: the
        addon's mails are sent from the job, where the admin's choice is the
        only one given.)"""
        template = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_light_touch"
        )
        template.reply_to = "jobs@hr.example.org"
        applicant = self._candidate_applicant(
            "Qian Yu", "Asia/Shanghai", stage_id=self.stage_second.id
        )
        fast = template._followup_send_batch(applicant.ids, {})[applicant.id][0]
        core = template._followup_send_batch_core(applicant.ids, {})[applicant.id][0]
        one = self.env["mail.mail"].browse(template._followup_send_mail(applicant.id))
        self.assertEqual(
            set((fast | core | one).mapped("reply_to")), {"jobs@hr.example.org"}
        )

    def test_without_catchall_the_sender_answers_as_in_core(self):
        self.company.alias_domain_id = False
        template = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_light_touch"
        )
        applicant = self._candidate_applicant(
            "Zhou Ming", "Asia/Shanghai", stage_id=self.stage_second.id
        )
        mail = template._followup_send_batch(applicant.ids, {})[applicant.id][0]
        expected = self._core_reply_to(applicant, template)
        self.assertEqual(mail.reply_to or mail.email_from, expected)


@tagged("post_install", "-at_install")
class TestOwnWords(TransactionCase):
    def test_summary_without_the_quoted_text(self):
        self.assertEqual(
            own_words(
                '<p>Yes, Friday works.</p><blockquote data-o-mail-quote="1" '
                'data-o-mail-quote-node="1"><p>Dear Zhang Wei</p></blockquote>'
            ),
            "Yes, Friday works.",
        )
        # All of it quoted: nothing could be told apart, keep everything.
        self.assertEqual(
            own_words('<p data-o-mail-quote="1">&gt; Dear Zhang Wei</p>'),
            "> Dear Zhang Wei",
        )
        self.assertEqual(own_words(False), "")


@tagged("post_install", "-at_install")
class TestDeliveryState(MailRoundTripCommon):
    def test_other_mails_cost_no_query(self):
        """The mail queue's hook reads nothing for mails that are not the
        addon's: another model's, or a chatter notification of an applicant."""
        Mail = self.env["mail.mail"]
        partner_mail = Mail.create(
            {
                "model": "res.partner",
                "res_id": self.applicant.partner_id.id or self.env.user.partner_id.id,
                "email_to": "someone@example.com",
                "body_html": "<p>Hello</p>",
                "auto_delete": False,
            }
        )
        notification = Mail.create(
            {
                "model": "hr.applicant",
                "res_id": self.applicant.id,
                "email_to": "someone@example.com",
                "body_html": "<p>Hello</p>",
                "is_notification": True,
            }
        )
        mails = partner_mail | notification
        self.env.flush_all()
        mails.mapped("model")
        mails.mapped("res_id")
        mails.mapped("is_notification")
        mails.mapped("auto_delete")
        with self.assertQueryCount(0):
            mails._followup_track_delivery()

    @freeze_time("2026-03-07 02:00:00")
    def test_existing_logs_get_their_mails_state_at_upgrade(self):
        applicant = self._pre_offer("Zhou Jie")
        Log = self.env["hr.applicant.contact.log"].sudo()
        template = self.rule_light.mail_template_id
        states = ("outgoing", "sent", "exception", "cancel")
        logs = Log.browse()
        for state in states:
            mail = self.env["mail.mail"].browse(
                template._followup_send_mail(applicant.id, {"auto_delete": False})
            )
            mail.state = state
            logs |= Log.create(
                {
                    "applicant_id": applicant.id,
                    "channel": "email",
                    "summary": state,
                    "mail_id": mail.id,
                }
            )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE hr_applicant_contact_log SET delivery_state = NULL WHERE id IN %s",
            (tuple(logs.ids),),
        )
        logs.invalidate_recordset(["delivery_state"])
        Log._followup_backfill_delivery_state()
        self.assertEqual(
            logs.mapped("delivery_state"), ["queued", "sent", "failed", "failed"]
        )
