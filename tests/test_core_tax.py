"""What the addon costs core operations that are not recruitment's: nothing.

Each test measures the operation through the addon's override and through the
rest of the chain without it (``super(<the addon's class>, records)``), on
records in the same state, and asserts the same number of queries: 0 extra.
The recruitment operations get a small constant.
"""

import re
from contextlib import contextmanager
from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.hr_recruitment_followup.models.calendar_event import (
    CalendarEvent as FollowupCalendarEvent,
)
from odoo.addons.hr_recruitment_followup.models.hr_applicant import (
    HrApplicant as FollowupHrApplicant,
)
from odoo.addons.hr_recruitment_followup.models.mail_mail import (
    MailMail as FollowupMailMail,
)

from .common import FollowupCommon


def core_event_write(events, vals):
    """calendar.event's write() without the addon's override."""
    return super(FollowupCalendarEvent, events).write(vals)


def core_event_create(events, vals_list):
    return super(FollowupCalendarEvent, events).create(vals_list)


def core_mail_create(mails, vals_list):
    return super(FollowupMailMail, mails).create(vals_list)


def core_mail_send(mails, **kwargs):
    return super(FollowupMailMail, mails)._send(**kwargs)


def core_applicant_write(applicants, vals):
    """hr.applicant's write() without the addon's write override (the stored
    computes of the addon still follow the stage)."""
    return super(FollowupHrApplicant, applicants).write(vals)


# What the addon reads or writes: none of it for records that are not
# recruitment's.
RECRUITMENT_TABLES = re.compile(
    r"\bhr_applicant\b|hr_applicant_contact_log|hr_recruitment_followup"
)


def count_queries(env, function):
    """Run ``function`` and return the number of queries it made."""
    env.flush_all()
    before = env.cr.sql_log_count
    function()
    env.flush_all()
    return env.cr.sql_log_count - before


@tagged("post_install", "-at_install")
class TestCoreTax(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create(
            {"name": "Someone Else", "email": "someone@example.com"}
        )
        start = datetime(2030, 3, 4, 9, 0)
        cls.events = cls.env["calendar.event"].create(
            [
                {
                    "name": f"Team meeting {index}",
                    "start": start + timedelta(days=index),
                    "stop": start + timedelta(days=index, hours=1),
                }
                for index in range(4)
            ]
        )

    @contextmanager
    def recruitment_queries(self):
        """The queries of the block that touch the applicants, the contact log
        or the addon's tables."""
        queries, touched = [], []
        with contextmanager(self._patchExecute)(queries):
            yield touched
        self.assertTrue(queries, "nothing measured")
        touched += [str(q) for q in queries if RECRUITMENT_TABLES.search(str(q))]

    @contextmanager
    def assertNoRecruitmentQuery(self):
        with self.recruitment_queries() as touched:
            yield
        self.assertFalse(touched)

    def _event_vals(self, name):
        start = datetime(2030, 5, 6, 9, 0)
        return {
            "name": name,
            "start": start,
            "stop": start + timedelta(hours=1),
            "partner_ids": [(4, self.partner.id)],
        }

    def test_other_event_write_costs_no_query(self):
        """Moving a meeting that is no interview: the same queries as core."""
        first, second = self.events[:2]
        self.env.invalidate_all()
        core = count_queries(
            self.env,
            lambda: core_event_write(first, {"stop": first.stop + timedelta(hours=1)}),
        )
        self.env.invalidate_all()
        with self.assertQueryCount(core), self.assertNoRecruitmentQuery():
            second.write({"stop": second.stop + timedelta(hours=1)})
            self.env.flush_all()
        self.assertTrue(core)

    def test_other_event_create_costs_no_query(self):
        Event = self.env["calendar.event"]
        self.env.invalidate_all()
        core = count_queries(
            self.env,
            lambda: core_event_create(Event, [self._event_vals("Core meeting")]),
        )
        self.env.invalidate_all()
        with self.assertQueryCount(core), self.assertNoRecruitmentQuery():
            Event.create([self._event_vals("Meeting")])
            self.env.flush_all()

    def test_interview_change_marks_the_applicant(self):
        """An interview of an applicant: the applicant is marked for the
        scheduled job (one UPDATE), and the job plans from the new end."""
        applicant = self._new_applicant("Interviewed", stage_id=self.stage_first.id)
        self.env["hr.applicant"]._cron_process_followups()
        self.assertFalse(applicant.followup_needs_plan)
        start = fields.Datetime.now() + timedelta(days=1)
        event = (
            self.env["calendar.event"]
            .with_context(default_applicant_id=applicant.id)
            .create(
                {
                    "name": "Interview",
                    "start": start,
                    "stop": start + timedelta(hours=1),
                }
            )
        )
        self.assertEqual(event.applicant_id, applicant)
        self.assertTrue(applicant.followup_needs_plan)
        self.env["hr.applicant"]._cron_process_followups()
        self.assertFalse(applicant.followup_needs_plan)
        first_due = applicant.next_followup_date
        self.assertTrue(first_due)
        self.env.invalidate_all()
        self.assertTrue(event.stop)  # the event in the cache, as a form has it
        core = count_queries(
            self.env,
            lambda: core_event_write(event, {"stop": event.stop + timedelta(hours=1)}),
        )
        self.env.invalidate_all()
        self.assertTrue(event.stop)
        with self.assertQueryCount(core + 1):
            event.write({"stop": event.stop + timedelta(hours=1)})
            self.env.flush_all()
        self.assertTrue(applicant.followup_needs_plan)
        self.env["hr.applicant"]._cron_process_followups()
        self.assertEqual(applicant.next_followup_date, first_due + timedelta(hours=2))

    def test_interview_switch_off(self):
        """Switched off in the settings: an interview change re-plans nothing."""
        applicant = self._new_applicant("Switched", stage_id=self.stage_first.id)
        self.env["hr.applicant"]._cron_process_followups()
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.followup_replan_on_interview_change)
        settings.followup_replan_on_interview_change = False
        settings.execute()
        self.assertFalse(
            self.env["res.config.settings"]
            .create({})
            .followup_replan_on_interview_change
        )
        start = fields.Datetime.now() + timedelta(days=1)
        self.env["calendar.event"].create(
            {
                "name": "Interview",
                "applicant_id": applicant.id,
                "start": start,
                "stop": start + timedelta(hours=1),
            }
        )
        self.assertFalse(applicant.followup_needs_plan)

    def _mails(self, count, **values):
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                [
                    {
                        "body_html": f"<p>Hello {index}</p>",
                        "email_to": f"someone{index}@example.com",
                        "subject": "Not recruitment",
                        "model": "res.partner",
                        "res_id": self.partner.id,
                        **values,
                    }
                    for index in range(count)
                ]
            )
        )

    def test_other_mail_create_costs_no_query(self):
        Mail = self.env["mail.mail"].sudo()
        values = [
            {
                "body_html": f"<p>Hello {index}</p>",
                "email_to": f"someone{index}@example.com",
                "subject": "Not recruitment",
                "model": "res.partner",
                "res_id": self.partner.id,
            }
            for index in range(5)
        ]
        self.env.invalidate_all()
        core = count_queries(self.env, lambda: core_mail_create(Mail, values))
        self.env.invalidate_all()
        with self.assertQueryCount(core), self.assertNoRecruitmentQuery():
            Mail.create(values)
            self.env.flush_all()

    def test_other_mail_send_costs_no_query(self):
        """The opt-out check is for mails about applicants only, decided from
        what send() already read: sending other mails costs what core costs.
        (send() itself is measured by Odoo's own test_mail query counts, run
        by bin/test with the addon installed.)"""
        server = self.env["ir.mail_server"]

        def send(mails, method):
            # What send() does: read the batch, then _send() it.
            list(mails._split_by_mail_configuration())
            method(mails, mail_server=server)

        first, second = self._mails(3), self._mails(3)
        self.env.invalidate_all()
        core = count_queries(
            self.env,
            lambda: send(
                first,
                core_mail_send,
            ),
        )
        self.env.invalidate_all()
        with self.assertQueryCount(core), self.assertNoRecruitmentQuery():
            send(second, lambda mails, **kw: mails._send(**kw))
        self.assertEqual(set(first.mapped("state")), set(second.mapped("state")))

    def test_stage_change_marks_and_costs_a_constant(self):
        """Moving an applicant marks it for the job in the same UPDATE, moves
        its furthest stage from what the write read: no plan, no flush of its
        own, the same small cost for every applicant."""
        applicants = [
            self._new_applicant(f"Mover {index}", stage_id=self.stage_first.id)
            for index in range(3)
        ]
        start = fields.Datetime.now() - timedelta(hours=2)
        for applicant in applicants:
            self.env["calendar.event"].create(
                {
                    "name": "Interview",
                    "applicant_id": applicant.id,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                }
            )
        self.env["hr.applicant"]._cron_process_followups()
        first, second, third = applicants
        plan = second.followup_rule_id
        self.assertTrue(plan)
        self.assertFalse(second.followup_needs_plan)

        def move(applicant, method):
            self.env.invalidate_all()
            # The applicant in the cache, as the form has it.
            self.assertTrue(applicant.stage_id)
            return count_queries(
                self.env, lambda: method(applicant, {"stage_id": self.stage_second.id})
            )

        core = move(first, core_applicant_write)
        addon = move(second, lambda a, vals: a.write(vals))
        self.assertLessEqual(addon, core + 1, "the furthest stage: one read at most")
        self.env.invalidate_all()
        self.assertTrue(third.stage_id)
        with self.assertQueryCount(addon):
            third.write({"stage_id": self.stage_second.id})
        for applicant in (second, third):
            self.assertTrue(applicant.followup_needs_plan)
            self.assertEqual(applicant.followup_rule_id, plan, "not planned here")
            self.assertEqual(applicant.furthest_stage_id, self.stage_second)
        self.env["hr.applicant"]._cron_process_followups()
        self.assertFalse(second.followup_needs_plan)
        self.assertEqual(second.followup_stage_id, self.fu_pre_offer)
        decision = second._followup_decide(fields.Datetime.now()).get(second)
        self.assertEqual(second.followup_rule_id, decision[0] if decision else plan[:0])

    def test_mail_send_checks_the_followups_only(self):
        """Through send(): nothing read for other mails; the opt-out check for
        a mail about an applicant (it finds the follow-up logs, if any)."""
        with self.assertNoRecruitmentQuery():
            self._mails(2).send()
        applicant_mail = self._mails(1, model="hr.applicant", res_id=self.applicant.id)
        with self.recruitment_queries() as touched:
            applicant_mail.send()
        self.assertTrue(
            [query for query in touched if "hr_applicant_contact_log" in query]
        )

    def test_form_save_shows_the_new_plan(self):
        """Saved from its form, the applicant shows its next follow-up at once;
        saved from the kanban (no plan on the card), it waits for the job."""
        applicants = [
            self._new_applicant(name, stage_id=self.stage_new.id)
            for name in ("From the form", "From the kanban")
        ]
        self.env["hr.applicant"]._cron_process_followups()
        form, kanban = applicants
        self.assertFalse(form.followup_rule_id | kanban.followup_rule_id)
        form_spec = {
            "stage_id": {},
            "followup_rule_id": {"fields": {"display_name": {}}},
            "next_followup_date": {},
        }
        [values] = form.with_user(self.recruiter).web_save(
            {"stage_id": self.stage_second.id}, form_spec
        )
        light_touch = self.env.ref(
            "hr_recruitment_followup.followup_rule_pre_offer_light_touch"
        )
        self.assertFalse(form.followup_needs_plan)
        self.assertEqual(form.followup_rule_id, light_touch)
        self.assertEqual(values["followup_rule_id"]["id"], light_touch.id)
        self.assertEqual(values["next_followup_date"], form.next_followup_date)
        kanban.with_user(self.recruiter).web_save(
            {"stage_id": self.stage_second.id},
            {"stage_id": {}, "next_followup_date": {}},
        )
        self.assertTrue(kanban.followup_needs_plan)
        self.assertFalse(kanban.followup_rule_id)
        self.env["hr.applicant"]._cron_process_followups()
        self.assertEqual(kanban.followup_rule_id, light_touch)
