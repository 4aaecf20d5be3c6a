"""Review before send (issue 17): the job prepares the rule's email as a draft
for the recruiter, who edits and sends it, skips it or calls instead; a draft
nobody reviews is escalated and sent as it was or dropped."""

from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import html2plaintext

from .test_cadence import CadenceCommon

INTERVIEW = ("2026-03-02 02:00:00", "2026-03-02 03:00:00")  # 10:00-11:00 Shanghai
DUE = "2026-03-02 05:00:00"  # two hours after the interview: 13:00 in Shanghai


class ReviewCommon(CadenceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Draft = cls.env["hr.applicant.followup.draft"]
        cls.job.followup_tier = "core"
        # As shipped: the thank-you is reviewed first for core positions.
        cls.rule_interview.write(
            {"send_mode": "review_core", "review_deadline_action": "send"}
        )

    def _interviewed(self, name, tz="Asia/Shanghai", interview=INTERVIEW, **values):
        applicant = self._candidate_applicant(
            name, tz, stage_id=self.stage_first.id, **values
        )
        self._interview(applicant, *interview)
        return applicant

    def _drafts(self, applicants):
        return self.Draft.search([("applicant_id", "in", applicants.ids)], order="id")

    def _prepared(self, name, **values):
        """An interviewed applicant whose thank-you the job prepared for review."""
        with freeze_time("2026-03-02 01:00:00"):
            applicant = self._interviewed(name, **values)
        with freeze_time(DUE):
            self._run_cron()
        draft = self._drafts(applicant)
        self.assertEqual(len(draft), 1)
        return applicant, draft


@tagged("post_install", "-at_install")
class TestReviewBeforeSend(ReviewCommon):
    def test_review_rule_prepares_a_draft_and_no_email(self):
        with freeze_time("2026-03-02 01:00:00"):
            applicant = self._interviewed(
                "Zhang Wei", followup_personal_note="Your cache design stood out."
            )
            other_job = self.job.copy({"followup_tier": "standard"})
            standard = self._interviewed("Li Na", job_id=other_job.id)
        with freeze_time(DUE):
            self._run_cron()
        self.assertFalse(self._mails(applicant), "no email: a draft")
        draft = self._drafts(applicant)
        self.assertEqual(len(draft), 1)
        self.assertEqual(
            (draft.state, draft.rule_id, draft.user_id),
            ("draft", self.rule_interview, self.recruiter),
        )
        # What the job would have sent, rendered the same way.
        template = self.rule_interview.mail_template_id
        rendered = template._generate_template(applicant.ids, ("subject", "body_html"))[
            applicant.id
        ]
        self.assertEqual(draft.subject, rendered["subject"])
        self.assertEqual(
            html2plaintext(draft.body_html), html2plaintext(rendered["body_html"])
        )
        self.assertIn("Your cache design stood out.", draft.body_html)
        # The light touch says it too; without it, neither does.
        light = self.rule_light.mail_template_id
        self.assertIn(
            "Your cache design stood out.",
            light._generate_template(applicant.ids, ("body_html",))[applicant.id][
                "body_html"
            ],
        )
        self.assertNotIn("What struck us", draft.body_html)
        self.assertNotIn(
            "What struck us",
            template._generate_template(standard.ids, ("body_html",))[standard.id][
                "body_html"
            ],
        )
        self.assertIn("Interviewer Zhao", draft.body_html)
        # Within 24 hours of the interview's end.
        self.assertEqual(draft.deadline, datetime(2026, 3, 3, 3, 0))
        # Logged as prepared for review: no contact.
        log = draft.log_id
        self.assertEqual(
            (log.automated, log.rule_id, log.delivery_state, log.mail_id.id),
            (True, self.rule_interview, "review", False),
        )
        self.assertFalse(applicant.last_contact_date)
        self.assertEqual(draft.activity_id.user_id, self.recruiter)
        self.assertEqual(draft.activity_id.res_id, applicant.id)
        self.assertEqual(applicant.with_user(self.recruiter).followup_draft_count, 1)
        # Prepared once; the standard position's candidate got the email.
        with freeze_time("2026-03-02 05:30:00"):
            self._run_cron()
        self.assertEqual(len(self._drafts(applicant)), 1)
        self.assertFalse(applicant.followup_rule_id)
        self.assertEqual(len(self._mails(standard)), 1)
        self.assertFalse(self._drafts(standard))

    def test_edit_and_send_queues_one_mail_with_the_edited_text(self):
        # The company's alias domain: its catchall receives the answers.
        self.company.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "review.example.org"}
        )
        applicant, draft = self._prepared("Zhang Wei")
        with freeze_time("2026-03-02 06:00:00"):  # 14:00 in Shanghai
            draft = draft.with_user(self.recruiter)
            draft.write(
                {
                    "subject": "Thank you, Zhang Wei",
                    "body_html": (
                        "<p>Your answer on sharding was the best we heard.</p>"
                    ),
                }
            )
            activity = draft.activity_id
            draft.action_send()
        mail = self._mails(applicant)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "Thank you, Zhang Wei")
        self.assertIn("Your answer on sharding was the best we heard.", mail.body_html)
        self.assertEqual(mail.email_to, "zhang.wei@example.com")
        self.assertEqual(mail.state, "outgoing")
        self.assertFalse(mail.scheduled_date, "14:00: within contact hours")
        # The Reply-To the job's emails carry.
        template = self.rule_interview.mail_template_id.sudo()
        reply_to = template._followup_reply_to(applicant.ids).get(applicant.id)
        self.assertIn("catchall@review.example.org", reply_to)
        self.assertEqual(mail.reply_to, reply_to)
        log = draft.log_id
        self.assertEqual((log.mail_id, log.delivery_state), (mail, "queued"))
        self.assertEqual(log.contact_date, datetime(2026, 3, 2, 6, 0))
        self.assertIn("Your answer on sharding", log.summary)
        self.assertEqual((draft.state, draft.reviewer_id), ("sent", self.recruiter))
        self.assertFalse(activity.exists())
        with self.assertRaises(UserError):
            draft.action_send()
        self.assertEqual(len(self._mails(applicant)), 1)

    def test_send_at_night_waits_for_the_morning(self):
        applicant, draft = self._prepared("Zhang Wei")
        with freeze_time("2026-03-02 14:00:00"):  # 22:00 in Shanghai
            draft.with_user(self.recruiter).action_send()
        mail = self._mails(applicant)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.scheduled_date, datetime(2026, 3, 3, 1, 0))
        self.assertEqual(draft.log_id.contact_date, datetime(2026, 3, 3, 1, 0))
        self.assertEqual(draft.state, "sent", "reviewed before its deadline")

    def test_do_not_contact_between_draft_and_send_blocks_it(self):
        applicant, draft = self._prepared("Zhang Wei")
        applicant.write({"do_not_contact": True, "do_not_contact_reason": "Asked us"})
        with (
            freeze_time("2026-03-02 06:00:00"),
            self.assertRaisesText(UserError, "Zhang Wei"),
        ):
            draft.with_user(self.recruiter).action_send()
        self.assertFalse(self._mails(applicant))
        self.assertEqual(draft.state, "draft")
        self.assertEqual(draft.log_id.delivery_state, "review")

    def test_skip_needs_a_reason_and_is_logged(self):
        applicant, draft = self._prepared("Zhang Wei")
        draft = draft.with_user(self.recruiter)
        with self.assertRaisesText(UserError, "Reason"):
            draft.action_skip()
        draft.reason = "We spoke an hour ago on the phone"
        draft.action_skip()
        self.assertEqual((draft.state, draft.reviewer_id), ("skipped", self.recruiter))
        self.assertEqual(draft.log_id.delivery_state, "withheld")
        self.assertIn("We spoke an hour ago on the phone", draft.log_id.summary)
        self.assertFalse(self._mails(applicant))
        self.assertFalse(applicant.last_contact_date)

    def test_call_instead_becomes_an_activity_with_the_text(self):
        applicant, draft = self._prepared("Zhang Wei")
        draft = draft.with_user(self.recruiter)
        draft.body_html = "<p>Tell him the team loved his demo.</p>"
        draft.action_call_instead()
        self.assertEqual(draft.state, "called")
        self.assertFalse(self._mails(applicant))
        call = self.env["mail.activity"].search(
            [
                ("res_model", "=", "hr.applicant"),
                ("res_id", "=", applicant.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("mail.mail_activity_data_call").id,
                ),
            ]
        )
        self.assertEqual(len(call), 1)
        self.assertIn("Tell him the team loved his demo.", call.note)
        self.assertEqual(call.user_id, self.recruiter)
        log = draft.log_id
        self.assertEqual((log.channel, log.delivery_state), ("phone", False))
        self.assertIn("Tell him the team loved his demo.", log.summary)

    def test_bulk_send_queues_every_draft_with_constant_queries(self):
        """A campus day: the job prepares the drafts in its batches and the
        recruiter sends them at once, at the same cost for 5 as for 30."""
        groups = []
        with freeze_time("2026-03-02 00:30:00"):
            # Interviews ending at 02:00, 03:00, 04:00: due two hours later.
            for hour, count in ((2, 2), (3, 5), (4, 30)):
                interview = (
                    f"2026-03-02 {hour - 1:02d}:00:00",
                    f"2026-03-02 {hour:02d}:00:00",
                )
                group = self.env["hr.applicant"]
                for index in range(count):
                    group |= self._interviewed(
                        f"Campus {hour} {index}", interview=interview
                    )
                groups.append(group)
        applicants = groups[0] | groups[1] | groups[2]

        def queries(func):
            self.env.flush_all()
            self.env.invalidate_all()
            count0 = self.cr.sql_log_count
            func()
            self.env.flush_all()
            return self.cr.sql_log_count - count0

        prepared = []
        for hour, group in zip((4, 5, 6), groups, strict=True):
            with freeze_time(f"2026-03-02 {hour:02d}:00:00"):
                prepared.append(queries(self._run_cron))
            self.assertEqual(len(self._drafts(group)), len(group))
        self.assertEqual(prepared[2], prepared[1], "5 or 30 drafts: same queries")
        Mail = self.env["mail.mail"]
        domain = [("model", "=", "hr.applicant"), ("res_id", "in", applicants.ids)]
        self.assertFalse(Mail.search(domain), "drafts, no email")

        def send(group):
            return queries(self._drafts(group).with_user(self.recruiter).action_send)

        with freeze_time("2026-03-02 06:30:00"):
            send(groups[0])  # warms the registry's caches
            five = send(groups[1])
            thirty = send(groups[2])
        self.assertEqual(thirty, five)
        mails = Mail.search(domain)
        self.assertEqual(len(mails), 37)
        drafts = self._drafts(applicants)
        self.assertEqual(set(drafts.mapped("state")), {"sent"})
        self.assertEqual(drafts.log_id.mail_id, mails)

    def test_missed_deadline_escalates_then_sends_as_it_was(self):
        applicant, draft = self._prepared("Zhang Wei")
        body = draft.body_html
        with freeze_time("2026-03-03 03:01:00"):
            self._run_cron()
        self.assertEqual((draft.state, draft.escalated), ("sent_unreviewed", True))
        mail = self._mails(applicant)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, draft.subject)
        self.assertEqual(html2plaintext(mail.body_html), html2plaintext(body))
        self.assertEqual(draft.log_id.mail_id, mail)
        self.assertIn("Sent without review", draft.log_id.summary)
        escalation = self.env["mail.activity"].search(
            [
                ("res_model", "=", "hr.applicant"),
                ("res_id", "=", applicant.id),
                ("summary", "=", "Follow-up email not reviewed in time"),
            ]
        )
        # The department's manager.
        self.assertEqual(escalation.user_id, self.manager)

    def test_missed_deadline_escalates_then_drops(self):
        self.rule_interview.review_deadline_action = "drop"
        applicant, draft = self._prepared("Zhang Wei")
        with freeze_time("2026-03-03 03:00:00"):
            self._run_cron()
        self.assertEqual(draft.state, "dropped")
        self.assertFalse(self._mails(applicant))
        self.assertEqual(draft.log_id.delivery_state, "withheld")
        self.assertIn("dropped", draft.log_id.summary)
        escalation = self.env["mail.activity"].search(
            [
                ("res_model", "=", "hr.applicant"),
                ("res_id", "=", applicant.id),
                ("user_id", "=", self.manager.id),
            ]
        )
        self.assertEqual(len(escalation), 1)


@tagged("post_install", "-at_install")
class TestShippedSendModes(TransactionCase):
    def test_thank_you_and_light_touch_are_reviewed_for_core_positions(self):
        """As installed (an upgrade keeps what the administrator chose)."""
        Rule = self.env["hr.recruitment.followup.rule"]
        reviewed = Rule.search([("send_mode", "!=", "auto")])
        self.assertEqual(
            reviewed,
            self.env.ref("hr_recruitment_followup.followup_rule_after_interview")
            | self.env.ref(
                "hr_recruitment_followup.followup_rule_pre_offer_light_touch"
            ),
        )
        self.assertEqual(set(reviewed.mapped("send_mode")), {"review_core"})
        rule = reviewed[:1]
        self.assertTrue(rule._followup_reviewed_for("core"))
        self.assertFalse(rule._followup_reviewed_for("standard"))


@tagged("post_install", "-at_install")
class TestReviewSlaReport(ReviewCommon):
    def test_review_outcomes_per_recruiter(self):
        with freeze_time("2026-03-02 01:00:00"):
            on_time = self._interviewed("On Time")
            late = self._interviewed("Late")
            unreviewed = self._interviewed("Unreviewed")
            dropped = self._interviewed(
                "Dropped", interview=("2026-03-02 03:00:00", "2026-03-02 04:00:00")
            )
            skipped = self._interviewed("Skipped")
        with freeze_time("2026-03-02 06:00:00"):
            self._run_cron()
            drafts = {
                applicant: self._drafts(applicant)
                for applicant in (on_time, late, unreviewed, dropped, skipped)
            }
            self.assertTrue(all(len(draft) == 1 for draft in drafts.values()))
            drafts[on_time].with_user(self.recruiter).action_send()
            drafts[skipped].reason = "Hired elsewhere"
            drafts[skipped].with_user(self.recruiter).action_skip()
        with freeze_time("2026-03-03 03:00:30"):
            # Past its deadline, before the job escalated it.
            drafts[late].with_user(self.recruiter).action_send()
            # Unreviewed's deadline passed too (Dropped's is an hour later).
            self._run_cron()
        with freeze_time("2026-03-03 04:00:30"):
            self.rule_interview.review_deadline_action = "drop"
            self._run_cron()
        states = {
            applicant.partner_name: draft.state for applicant, draft in drafts.items()
        }
        self.assertEqual(
            states,
            {
                "On Time": "sent",
                "Late": "sent_late",
                "Unreviewed": "sent_unreviewed",
                "Dropped": "dropped",
                "Skipped": "skipped",
            },
        )
        self.env.flush_all()
        Report = self.env["hr.recruitment.followup.sla.report"]
        measures = [
            "review_sent_count",
            "review_late_count",
            "review_unreviewed_count",
            "review_dropped_count",
        ]
        applicants = on_time | late | unreviewed | dropped | skipped
        rows = Report.search([("applicant_id", "in", applicants.ids)])
        self.assertEqual(
            {
                row.applicant_id.partner_name: tuple(row[m] for m in measures)
                for row in rows
            },
            {
                "On Time": (1, 0, 0, 0),
                "Late": (0, 1, 0, 0),
                "Unreviewed": (0, 0, 1, 0),
                "Dropped": (0, 0, 0, 1),
                "Skipped": (0, 0, 0, 0),
            },
        )
        [group] = Report._read_group(
            [("applicant_id", "in", applicants.ids)],
            ["user_id"],
            [f"{m}:sum" for m in measures],
        )
        self.assertEqual(group, (self.recruiter, 1, 1, 1, 1))


@tagged("post_install", "-at_install")
class TestReviewTour(HttpCase):
    def test_review_and_send_tour(self):
        recruiter = self.env["res.users"].create(
            {
                "name": "Review Recruiter",
                "login": "fu_review_recruiter",
                "password": "fu_review_recruiter",
                "tz": "Asia/Shanghai",
                "groups_id": [
                    (
                        6,
                        0,
                        [self.env.ref("hr_recruitment.group_hr_recruitment_user").id],
                    )
                ],
            }
        )
        job = self.env["hr.job"].create(
            {
                "name": "Review Engineer",
                "user_id": recruiter.id,
                "followup_tier": "core",
            }
        )
        candidate = self.env["hr.candidate"].create(
            {"partner_name": "Tour Wang Fang", "email_from": "wang.fang@example.com"}
        )
        applicant = self.env["hr.applicant"].create(
            {
                "candidate_id": candidate.id,
                "job_id": job.id,
                "stage_id": self.env.ref("hr_recruitment.stage_job2").id,
                "user_id": recruiter.id,
            }
        )
        rule = self.env.ref("hr_recruitment_followup.followup_rule_after_interview")
        log = (
            self.env["hr.applicant.contact.log"]
            .sudo()
            .create(
                {
                    "applicant_id": applicant.id,
                    "channel": "email",
                    "automated": True,
                    "user_id": False,
                    "rule_id": rule.id,
                    "followup_anchor": "interview:2026-03-02 03:00:00",
                    "delivery_state": "review",
                    "summary": "Thank you for your interview",
                }
            )
        )
        draft = (
            self.env["hr.applicant.followup.draft"]
            .sudo()
            ._followup_create(
                [
                    {
                        "applicant_id": applicant.id,
                        "rule_id": rule.id,
                        "user_id": recruiter.id,
                        "subject": "Thank you for your interview, Tour Wang Fang",
                        "body_html": "<p>Dear Tour Wang Fang,</p><p>Thank you.</p>",
                        "deadline": "2099-01-01 00:00:00",
                        "log_id": log.id,
                    }
                ]
            )
        )
        self.start_tour(
            "/odoo/action-hr_recruitment_followup.hr_applicant_followup_draft_action",
            "hr_recruitment_followup_review_send",
            login="fu_review_recruiter",
        )
        self.assertEqual(draft.state, "sent")
        mail = draft.log_id.mail_id
        self.assertTrue(mail)
        self.assertEqual(mail.state, "outgoing")
        self.assertIn("Your system design answer impressed the team.", mail.body_html)
