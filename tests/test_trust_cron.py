"""Trust: the scheduled job never loses a follow-up and never sends one twice.

Batches, crashes and re-runs inside the test transaction (each batch is a
savepoint there), then real concurrency: two database transactions at once,
which needs committed data (see TestTrustCronConcurrency).
"""

from contextlib import closing, contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

from .test_cadence import CadenceCommon

INTERVIEW = ("2026-03-02 02:00:00", "2026-03-02 03:00:00")  # 10:00-11:00 Shanghai
DUE = "2026-03-02 05:00:00"  # the thank-you rule: 2 hours after the interview


@contextmanager
def failing_call(model_class, method, on_call, message="injected crash"):
    """Make ``model_class.method`` raise on its ``on_call``-th call.

    Fault injection in our own dispatch path: the other calls run the real code.
    """
    original = getattr(model_class, method)
    calls = []

    def wrapper(records, *args, **kwargs):
        calls.append(records.ids)
        if len(calls) == on_call:
            raise RuntimeError(message)
        return original(records, *args, **kwargs)

    with patch.object(model_class, method, wrapper):
        yield calls


class TrustCronCommon(CadenceCommon):
    @classmethod
    def _interviewed(cls, name, tz="Asia/Shanghai", interview=INTERVIEW, **values):
        applicant = cls._candidate_applicant(
            name, tz, stage_id=cls.stage_first.id, **values
        )
        cls.env["calendar.event"].create(
            {
                "name": f"Interview {name}",
                "applicant_id": applicant.id,
                "start": interview[0],
                "stop": interview[1],
                "user_id": cls.interviewer.id,
            }
        )
        return cls._job_replans(applicant)

    def _counts(self):
        """What the job may create, everywhere in the database."""
        return {
            model: self.env[model].sudo().search_count([])
            for model in (
                "mail.mail",
                "mail.message",
                "mail.activity",
                "hr.applicant.contact.log",
                "ir.cron.trigger",
            )
        }


@tagged("post_install", "-at_install")
class TestTrustCronBatches(TrustCronCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Applicant = cls.env["hr.applicant"]
        with freeze_time("2026-03-02 01:00:00"):
            cls.due = cls.Applicant.concat(
                *(cls._interviewed(f"Batch {n}") for n in range(6))
            )

    def test_setup_all_due_at_the_same_time_by_the_same_rule(self):
        self.assertEqual(
            set(self.due.mapped("followup_rule_id")), {self.rule_interview}
        )
        self.assertEqual(
            set(self.due.mapped("next_followup_date")), {datetime(2026, 3, 2, 5, 0)}
        )

    @freeze_time(DUE)
    def test_crash_in_second_batch_keeps_the_first_and_next_run_completes(self):
        with (
            failing_call(
                type(self.Applicant), "_followup_send_emails", on_call=2
            ) as calls,
            self.assertRaisesRegex(RuntimeError, "injected crash"),
        ):
            self.Applicant._cron_process_followups(batch_size=2)
        # Three batches of two were due; the job stopped in the second.
        self.assertEqual(calls, [self.due[:2].ids, self.due[2:4].ids])
        first, rest = self.due[:2], self.due[2:]
        kept = {}
        for applicant in first:
            mail, log = self._mails(applicant), self._auto_logs(applicant)
            self.assertEqual(len(mail), 1, "the first batch's mail is kept")
            self.assertEqual(mail.state, "outgoing")
            self.assertEqual(log.mail_id, mail)
            self.assertFalse(applicant.followup_rule_id, "and re-planned")
            kept[applicant] = (mail, log)
        for applicant in rest:
            self.assertFalse(self._mails(applicant), "the second batch is rolled back")
            self.assertFalse(self._auto_logs(applicant))
            self.assertEqual(applicant.followup_rule_id, self.rule_interview)
            self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 2, 5, 0))

        # The next run takes the second batch again, then the third.
        self.assertGreaterEqual(self.Applicant._cron_process_followups(batch_size=2), 4)
        for applicant in self.due:
            self.assertEqual(len(self._mails(applicant)), 1, applicant.partner_name)
            self.assertEqual(len(self._auto_logs(applicant)), 1, applicant.partner_name)
            self.assertFalse(applicant.followup_rule_id)
        for applicant, (mail, log) in kept.items():
            self.assertEqual(self._mails(applicant), mail, "not sent a second time")
            self.assertEqual(self._auto_logs(applicant), log)

    @freeze_time(DUE)
    def test_crash_preparing_activities_rolls_back_the_batch_emails_too(self):
        """A batch holding two rules is atomic: no email without its activity."""
        with freeze_time("2026-03-01 05:00:00"):
            offer = self._candidate_applicant(
                "Offer Made", "Asia/Shanghai", stage_id=self.stage_proposal.id
            )
        self.assertEqual(offer.followup_rule_id, self.rule_confirm)
        with (
            failing_call(
                type(self.Applicant), "_followup_prepare_activities", on_call=1
            ),
            self.assertRaisesRegex(RuntimeError, "injected crash"),
        ):
            self.Applicant._cron_process_followups(batch_size=10)
        for applicant in self.due | offer:
            self.assertFalse(self._mails(applicant), applicant.partner_name)
            self.assertFalse(self._auto_logs(applicant), applicant.partner_name)
        self.assertFalse(self._followup_activities(offer))
        self.Applicant._cron_process_followups(batch_size=10)
        self.assertEqual(len(self._followup_activities(offer)), 1)
        for applicant in self.due:
            self.assertEqual(len(self._mails(applicant)), 1)

    def test_run_twice_at_the_same_frozen_instant_adds_nothing(self):
        with freeze_time("2026-03-01 05:00:00"):
            offer = self._candidate_applicant(
                "Offer Made", "Asia/Shanghai", stage_id=self.stage_proposal.id
            )
        with freeze_time(DUE):
            self.assertGreaterEqual(
                self.Applicant._cron_process_followups(batch_size=4), 7
            )
            self.assertEqual(len(self._followup_activities(offer)), 1)
            before = self._counts()
            self.assertEqual(self.Applicant._cron_process_followups(batch_size=4), 0)
            self.assertEqual(self._counts(), before)
            # Neither does re-planning everything at the same instant.
            self.due._plan_next_followup()
            self.assertEqual(self.Applicant._cron_process_followups(), 0)
            self.assertEqual(self._counts(), before)
        for applicant in self.due:
            self.assertEqual(len(self._mails(applicant)), 1)


@tagged("post_install", "-at_install")
class TestTrustQuietHours(TrustCronCommon):
    """The email waits in the queue until the candidate's morning, never lost."""

    # (time zone, interview end in UTC, when the mail may leave in UTC or None
    # for "at once")
    CASES = (
        # UTC+8, 13:00 local: within contact hours.
        ("Asia/Shanghai", "2026-03-02 03:00:00", None),
        # UTC+8, 20:00 local sharp: contact hours end at 20:00 (excluded).
        ("Asia/Shanghai", "2026-03-02 10:00:00", "2026-03-03 01:00:00"),
        # UTC+8, 02:00 local: the same day's 09:00.
        ("Asia/Shanghai", "2026-03-01 16:00:00", "2026-03-02 01:00:00"),
        # UTC+5:30, 20:30 local: 09:00 IST is 03:30 UTC.
        ("Asia/Kolkata", "2026-03-02 13:00:00", "2026-03-03 03:30:00"),
        # UTC-5 in winter, 22:00 local.
        ("America/New_York", "2026-01-15 01:00:00", "2026-01-15 14:00:00"),
        # UTC-5 becomes UTC-4 overnight (2026-03-08): 09:00 EDT is 13:00 UTC.
        ("America/New_York", "2026-03-08 01:30:00", "2026-03-08 13:00:00"),
        # UTC-4 becomes UTC-5 overnight (2026-11-01): 09:00 EST is 14:00 UTC.
        ("America/New_York", "2026-11-01 01:30:00", "2026-11-01 14:00:00"),
        # UTC-5, 07:00 local: waits two hours.
        ("America/New_York", "2026-01-15 10:00:00", "2026-01-15 14:00:00"),
    )

    def test_mail_waits_for_the_candidates_contact_hours(self):
        for n, (tz, end, send_at) in enumerate(self.CASES):
            end_dt = fields.Datetime.to_datetime(end)
            due = end_dt + timedelta(hours=2)
            with self.subTest(tz=tz, end=end):
                with freeze_time(end_dt - timedelta(hours=2)):
                    start = fields.Datetime.to_string(end_dt - timedelta(hours=1))
                    applicant = self._interviewed(
                        f"Quiet {n}", tz=tz, interview=(start, end)
                    )
                    self.assertEqual(applicant.next_followup_date, due)
                with freeze_time(due):
                    self.env["hr.applicant"]._cron_process_followups()
                mail = self._mails(applicant)
                self.assertEqual(len(mail), 1, "queued when due, never dropped")
                expected = send_at and fields.Datetime.to_datetime(send_at)
                self.assertEqual(mail.scheduled_date or None, expected)
                log = self._auto_logs(applicant)
                self.assertEqual(log.contact_date, expected or due)

    @freeze_time("2026-03-01 20:00:00")
    def test_night_mail_is_triggered_for_the_morning(self):
        """The mail queue is woken up when the mail may leave."""
        applicant = self._interviewed(
            "Night", interview=("2026-03-02 10:00:00", "2026-03-02 11:00:00")
        )
        with freeze_time("2026-03-02 13:00:00"):  # 21:00 Shanghai
            self.env["hr.applicant"]._cron_process_followups()
        mail = self._mails(applicant)
        self.assertEqual(mail.scheduled_date, datetime(2026, 3, 3, 1, 0))
        scheduler = self.env.ref("mail.ir_cron_mail_scheduler_action")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count(
                [("cron_id", "=", scheduler.id), ("call_at", "=", mail.scheduled_date)]
            )
        )


@tagged("post_install", "-at_install")
class TestTrustCaps(TrustCronCommon):
    """Caps per position tier count the contacts people made by hand."""

    def _call(self, applicant, when, direction="outbound"):
        with freeze_time(when):
            return (
                self.env["hr.applicant.contact.log"]
                .with_user(self.recruiter)
                .create(
                    {
                        "applicant_id": applicant.id,
                        "channel": "phone",
                        "direction": direction,
                        "summary": "Call",
                    }
                )
            )

    @freeze_time("2026-03-02 01:00:00")
    def test_core_cap_counts_the_candidates_own_calendar_day(self):
        """A call at 22:00 yesterday in New York does not use up today's contact
        there; the same instant is today in Shanghai."""
        self.job.followup_tier = "core"
        interview = ("2026-03-02 03:00:00", "2026-03-02 04:00:00")
        ny = self._interviewed(
            "In New York", tz="America/New_York", interview=interview
        )
        sh = self._interviewed("In Shanghai", tz="Asia/Shanghai", interview=interview)
        # 03:00 UTC: 22:00 on 03-01 in New York, 11:00 on 03-02 in Shanghai.
        for applicant in ny | sh:
            self._call(applicant, "2026-03-02 03:00:00")
        # Due at 06:00 UTC. New York: 01:00 on a new day, no cap; dispatched when
        # due and held by the queue until 09:00 there.
        self.assertEqual(ny.next_followup_date, datetime(2026, 3, 2, 6, 0))
        # Shanghai: 14:00 the same day as the call; planned for 09:00 tomorrow.
        self.assertEqual(sh.next_followup_date, datetime(2026, 3, 3, 1, 0))
        with freeze_time("2026-03-02 06:00:00"):
            self.env["hr.applicant"]._cron_process_followups()
        self.assertEqual(self._mails(ny).scheduled_date, datetime(2026, 3, 2, 14, 0))
        self.assertFalse(self._mails(sh))
        with freeze_time("2026-03-03 01:00:00"):
            self.env["hr.applicant"]._cron_process_followups()
        self.assertEqual(len(self._mails(sh)), 1)

    @freeze_time("2026-03-02 01:00:00")
    def test_standard_cap_counts_manual_and_sent_but_not_prepared_or_inbound(self):
        applicant = self._interviewed("Standard")
        # Inbound (the candidate wrote) and a prepared WeChat message (not sent
        # yet) are no contact of ours.
        self._call(applicant, "2026-02-27 02:00:00", direction="inbound")
        with freeze_time("2026-02-28 02:00:00"):
            self.env["hr.applicant.contact.log"].sudo().create(
                {
                    "applicant_id": applicant.id,
                    "channel": "wechat",
                    "automated": True,
                    "user_id": False,
                    "summary": "Prepared for the recruiter",
                }
            )
        applicant._plan_next_followup()
        self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 2, 5, 0))
        # Two real outbound contacts this week: the cap (2 a week) is full until
        # the older one leaves the 7 days.
        self._call(applicant, "2026-02-27 03:00:00")
        self._call(applicant, "2026-03-01 03:00:00")
        self.assertEqual(applicant.next_followup_date, datetime(2026, 3, 6, 3, 0, 1))
        with freeze_time(DUE):
            self.env["hr.applicant"]._cron_process_followups()
        self.assertFalse(self._mails(applicant), "held by the cap")
        # By then the thank-you has expired (1 day after it was due): skipped,
        # as the rule says, rather than sent four days late.
        with freeze_time("2026-03-06 03:00:01"):
            self.env["hr.applicant"]._cron_process_followups()
        self.assertFalse(self._mails(applicant))
        self.assertFalse(applicant.followup_rule_id)


@tagged("post_install", "-at_install")
class TestTrustOptOut(TrustCronCommon):
    """Do-not-contact, the email blacklist and the phone blacklist stop every path."""

    PHONE = "+86 138 0013 8000"

    def _opt_out(self, applicant, how):
        if how == "do_not_contact":
            applicant.write(
                {"do_not_contact": True, "do_not_contact_reason": "Asked by phone"}
            )
        elif how == "email_blacklist":
            self.env["mail.blacklist"]._add(applicant.email_from)
        elif how == "phone_blacklist":
            # Blacklisted as typed elsewhere: the same number once sanitized.
            self.env["phone.blacklist"]._add(["+8613800138000"])
        return {
            "do_not_contact": "do not contact: Asked by phone",
            "email_blacklist": "email blacklisted",
            "phone_blacklist": "phone blacklisted",
        }[how]

    def _paths_for(self, how):
        """Every path a message can take, for one opted-out candidate each."""
        with freeze_time("2026-03-01 05:00:00"):
            email = self._interviewed(f"Email {how}", partner_phone=self.PHONE)
            phone = self._candidate_applicant(
                f"Phone {how}",
                "Asia/Shanghai",
                stage_id=self.stage_proposal.id,
                partner_phone=self.PHONE,
            )
            replan = self._candidate_applicant(
                f"Replan {how}", "Asia/Shanghai", partner_phone=self.PHONE
            )
        return email, phone, replan

    def test_every_path_sends_nothing_to_opted_out_candidates(self):
        for how in ("do_not_contact", "email_blacklist", "phone_blacklist"):
            with self.subTest(how=how):
                email, phone, replan = self._paths_for(how)
                # Planned before the opt-out: there is something to stop.
                self.assertEqual(email.followup_rule_id, self.rule_interview)
                self.assertEqual(phone.followup_rule_id, self.rule_confirm)
                with freeze_time("2026-03-01 06:00:00"):
                    for applicant in email | phone | replan:
                        reason = self._opt_out(applicant, how)
                    # Automation rule: a stage change re-plans, and plans nothing.
                    replan.stage_id = self.stage_second
                    self.assertEqual(replan.followup_stage_id, self.fu_pre_offer)
                    self.assertFalse(replan.followup_rule_id)
                    if how == "do_not_contact":
                        # Re-planned at once; a blacklist is caught at dispatch.
                        self.assertFalse((email | phone).followup_rule_id)
                # The scheduled job, email and activity rules.
                with freeze_time("2026-03-02 05:00:00"):
                    self.env["hr.applicant"]._cron_process_followups()
                for applicant in email | phone | replan:
                    self.assertFalse(applicant.followup_rule_id)
                    self.assertFalse(self._mails(applicant), applicant.partner_name)
                    self.assertFalse(self._auto_logs(applicant))
                    self.assertFalse(applicant.activity_ids)
                # People writing by hand are warned, with the reason.
                composer = (
                    self.env["mail.compose.message"]
                    .with_user(self.recruiter)
                    .with_context(
                        default_model="hr.applicant", default_res_ids=email.ids
                    )
                    .create({})
                )
                self.assertIn(reason, composer.followup_contact_warning)
                wizard = (
                    self.env["applicant.send.mail"]
                    .with_user(self.recruiter)
                    .create({"applicant_ids": [(6, 0, (email | phone).ids)]})
                )
                self.assertIn(reason, wizard.followup_contact_warning)
                self.assertIn(email.partner_name, wizard.followup_contact_warning)
                self.assertIn(phone.partner_name, wizard.followup_contact_warning)

    def test_mail_queued_for_the_morning_is_cancelled_by_a_later_opt_out(self):
        for how in ("do_not_contact", "email_blacklist", "phone_blacklist"):
            with self.subTest(how=how):
                with freeze_time("2026-03-02 09:00:00"):
                    applicant = self._interviewed(
                        f"Night {how}",
                        interview=("2026-03-02 10:00:00", "2026-03-02 11:00:00"),
                        partner_phone=self.PHONE,
                    )
                    control = self._interviewed(
                        f"Control {how}",
                        interview=("2026-03-02 10:00:00", "2026-03-02 11:00:00"),
                    )
                with freeze_time("2026-03-02 13:00:00"):  # 21:00 in Shanghai
                    self.env["hr.applicant"]._cron_process_followups()
                mail = self._mails(applicant)
                self.assertEqual(mail.scheduled_date, datetime(2026, 3, 3, 1, 0))
                with freeze_time("2026-03-02 15:00:00"):
                    reason = self._opt_out(applicant, how)
                with freeze_time("2026-03-03 01:00:00"):
                    self.env["mail.mail"].sudo().process_email_queue(
                        ids=(mail | self._mails(control)).ids
                    )
                self.assertEqual(mail.state, "cancel", "never leaves the queue")
                self.assertIn(reason, mail.failure_reason)
                self.assertFalse(self._auto_logs(applicant), "no contact happened")
                self.assertEqual(self._mails(control).state, "sent")
                self.assertEqual(len(self._auto_logs(control)), 1)


@tagged("post_install", "-at_install")
class TestTrustCronConcurrency(BaseCase):
    """Two transactions claiming due applicants at the same time.

    Odoo's TransactionCase runs everything in one uncommitted transaction that no
    other connection can see, and its test mode funnels every cursor into that
    one. Real concurrency needs committed data: like core's own concurrency tests
    (base/tests/test_ir_sequence.py, onboarding/tests/test_onboarding_concurrency.py)
    this class commits its own applicants in its own cursors and deletes them
    afterwards. The job's selection is narrowed to these applicants, so that the
    database's demo applicants are never touched by a committed run.
    """

    N = 6

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with freeze_time("2026-03-02 01:00:00"), self._cursor() as env:
            job = env["hr.job"].create({"name": "Concurrency test job"})
            applicants, events = env["hr.applicant"], env["calendar.event"]
            for n in range(self.N):
                partner = env["res.partner"].create(
                    {
                        "name": f"Concurrent {n}",
                        "email": f"concurrent.{n}@example.com",
                        "tz": "Asia/Shanghai",
                    }
                )
                candidate = env["hr.candidate"].create(
                    {"partner_id": partner.id, "partner_name": partner.name}
                )
                applicant = env["hr.applicant"].create(
                    {
                        "candidate_id": candidate.id,
                        "job_id": job.id,
                        "stage_id": env.ref("hr_recruitment.stage_job2").id,
                    }
                )
                events |= env["calendar.event"].create(
                    {
                        "name": f"Interview {n}",
                        "applicant_id": applicant.id,
                        "start": INTERVIEW[0],
                        "stop": INTERVIEW[1],
                    }
                )
                applicants |= applicant
            self.job_id = job.id
            self.event_ids = events.ids
            self.ids = applicants.ids
            self.partner_ids = applicants.partner_id.ids
            self.candidate_ids = applicants.candidate_id.ids
            # The scheduled job's next run plans them (nothing is due yet).
            applicants.filtered("followup_needs_plan")._plan_next_followup()
            rule = env.ref("hr_recruitment_followup.followup_rule_after_interview")
            self.assertEqual(applicants.followup_rule_id, rule)
        self.addCleanup(self._delete_data)
        Applicant = self.registry["hr.applicant"]
        send, replan = (
            Applicant._get_followup_send_domain,
            Applicant._get_followup_replan_domain,
        )
        ids = self.ids

        def only_ours_due(model, now):
            return [*send(model, now), ("id", "in", ids)]

        def only_ours_replanned(model):
            return [*replan(model), ("id", "in", ids)]

        self.startPatcher(
            patch.object(Applicant, "_get_followup_send_domain", only_ours_due)
        )
        self.startPatcher(
            patch.object(Applicant, "_get_followup_replan_domain", only_ours_replanned)
        )

    @contextmanager
    def _cursor(self):
        """A new transaction, committed when the block ends without error."""
        with self.registry.cursor() as cr:
            # A lock wait is a bug here: fail instead of hanging.
            cr.execute("SET LOCAL lock_timeout = '30s'")
            yield api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _open(self):
        cr = self.registry.cursor()
        cr.execute("SET LOCAL lock_timeout = '30s'")
        return cr, api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _delete_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            applicants = env["hr.applicant"].browse(self.ids).exists()
            env["mail.mail"].search(
                [
                    "|",
                    "&",
                    ("model", "=", "hr.applicant"),
                    ("res_id", "in", self.ids),
                    "&",
                    ("model", "=", "calendar.event"),
                    ("res_id", "in", self.event_ids),
                ]
            ).unlink()
            env["calendar.event"].browse(self.event_ids).exists().unlink()
            applicants.unlink()
            env["hr.candidate"].browse(self.candidate_ids).exists().unlink()
            env["res.partner"].browse(self.partner_ids).exists().unlink()
            env["hr.job"].browse(self.job_id).unlink()

    def _sent(self):
        """{applicant id: (mails, automated logs)} as committed."""
        with self._cursor() as env:
            result = {}
            for applicant_id in self.ids:
                mails = env["mail.mail"].search_count(
                    [("model", "=", "hr.applicant"), ("res_id", "=", applicant_id)]
                )
                logs = env["hr.applicant.contact.log"].search_count(
                    [("applicant_id", "=", applicant_id), ("automated", "=", True)]
                )
                result[applicant_id] = (mails, logs)
            return result

    def test_two_cursors_claim_disjoint_applicants(self):
        with freeze_time(DUE):
            cr_a, env_a = self._open()
            cr_b, env_b = self._open()
            with closing(cr_a), closing(cr_b):
                now = fields.Datetime.now()
                claimed_a = env_a["hr.applicant"]._followup_claim(now, 3, set())
                claimed_b = env_b["hr.applicant"]._followup_claim(now, 100, set())
                self.assertEqual(len(claimed_a), 3)
                self.assertFalse(set(claimed_a) & set(claimed_b), "never both")
                self.assertEqual(set(claimed_a) | set(claimed_b), set(self.ids))
                # B runs the whole job while A still holds its batch: it only
                # takes what it holds itself.
                self.assertEqual(
                    env_b["hr.applicant"]._cron_process_followups(batch_size=2), 3
                )
                cr_b.commit()
                env_a["hr.applicant"].browse(claimed_a)._followup_dispatch(now)
                cr_a.commit()
            with self._cursor() as env_c:
                self.assertEqual(env_c["hr.applicant"]._cron_process_followups(), 0)
        self.assertEqual(set(self._sent().values()), {(1, 1)})

    def test_claim_after_a_concurrent_commit_stops_cleanly(self):
        """A worker whose snapshot predates another worker's commit stops and
        leaves the rest to the next run, instead of failing or repeating."""
        with freeze_time(DUE):
            cr_a, env_a = self._open()
            with closing(cr_a):
                cr_a.execute("SELECT 1")  # A's snapshot starts here
                with self._cursor() as env_b:
                    self.assertEqual(
                        env_b["hr.applicant"]._cron_process_followups(), self.N
                    )
                self.assertEqual(env_a["hr.applicant"]._cron_process_followups(), 0)
                cr_a.commit()
        self.assertEqual(set(self._sent().values()), {(1, 1)})

    @mute_logger("odoo.sql_db")
    def test_unique_key_refuses_a_second_message_even_without_locks(self):
        """Were the lock bypassed, the log's key still refuses the duplicate, and
        the duplicate mail goes down with it (same transaction)."""
        target = self.ids[0]
        with freeze_time(DUE):
            cr_b, env_b = self._open()
            with closing(cr_b):
                # B decides from a snapshot taken before A sends.
                self.assertTrue(env_b["hr.applicant"].browse(target).followup_rule_id)
                with self._cursor() as env_a:
                    env_a["hr.applicant"].browse(target)._followup_dispatch(
                        fields.Datetime.now()
                    )
                with self.assertRaises(psycopg2.errors.UniqueViolation):
                    env_b["hr.applicant"].browse(target)._followup_dispatch(
                        fields.Datetime.now()
                    )
                cr_b.rollback()
        self.assertEqual(self._sent()[target], (1, 1))

    def test_crash_with_real_commits_keeps_the_committed_batches(self):
        """Production: each batch is committed, a crash rolls back only the
        current one (ir.cron rolls back the failed job's transaction)."""
        Applicant = self.registry["hr.applicant"]
        with (
            freeze_time(DUE),
            patch.object(Applicant, "_followup_auto_commit", lambda self: True),
        ):
            cr, env = self._open()
            with closing(cr):
                with (
                    failing_call(Applicant, "_followup_send_emails", on_call=2),
                    self.assertRaisesRegex(RuntimeError, "injected crash"),
                ):
                    env["hr.applicant"]._cron_process_followups(batch_size=2)
                cr.rollback()
            sent = self._sent()
            self.assertEqual([sent[i] for i in self.ids[:2]], [(1, 1)] * 2)
            self.assertEqual([sent[i] for i in self.ids[2:]], [(0, 0)] * 4)
            with self._cursor() as env:
                self.assertEqual(
                    env["hr.applicant"]._cron_process_followups(batch_size=2), 4
                )
        self.assertEqual(set(self._sent().values()), {(1, 1)})
