from datetime import date, datetime

import psycopg2
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..bench import datagen, measure
from ..models.hr_applicant import DISPATCH_BATCH_SIZE, PLAN_FIELDS
from ..models.mail_template import SEND_FIELDS
from .test_cadence import CadenceCommon

# Mail fields that differ between two mails for the same record by nature.
MAIL_UNIQUE_FIELDS = {
    "id",
    "message_id",
    "mail_message_id",
    "create_date",
    "write_date",
    "date",
    "display_name",
    "__last_update",
}
MAIL_FIELDS = (
    "subject",
    "body",
    "body_html",
    "email_from",
    "email_to",
    "email_cc",
    "reply_to",
    "recipient_ids",
    "partner_ids",
    "attachment_ids",
    "scheduled_date",
    "auto_delete",
    "model",
    "res_id",
    "record_name",
    "mail_server_id",
    "message_type",
    "subtype_id",
    "author_id",
    "state",
    "is_notification",
)


@tagged("post_install", "-at_install")
class TestFastRendering(CadenceCommon):
    """The job renders templates its own (faster) way: the result must be what
    Odoo's own rendering gives, byte for byte, for every template we ship."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["hr_recruitment_followup"], ["zh_CN"]
        )
        cls.templates = cls.env["mail.template"].search(
            [
                ("model", "=", "hr.applicant"),
                (
                    "id",
                    "in",
                    cls.env["ir.model.data"]
                    .search(
                        [
                            ("module", "=", "hr_recruitment_followup"),
                            ("model", "=", "mail.template"),
                        ]
                    )
                    .mapped("res_id"),
                ),
            ]
        )
        with freeze_time("2026-03-02 01:00:00"):
            cls.applicants = cls._variety()

    @classmethod
    def _variety(cls):
        """Applicants taking every branch of the shipped templates."""
        interviewed = cls._candidate_applicant(
            "Zhang Wei", "Asia/Shanghai", stage_id=cls.stage_first.id
        )
        cls.env["calendar.event"].create(
            {
                "name": "Interview",
                "applicant_id": interviewed.id,
                "start": "2026-03-02 02:00:00",
                "stop": "2026-03-02 03:00:00",
                "user_id": cls.interviewer.id,
            }
        )
        chinese = cls._candidate_applicant(
            "Wang Fang", "Asia/Shanghai", stage_id=cls.stage_second.id
        )
        chinese.partner_id.lang = "zh_CN"
        reason = cls.env["hr.applicant.refuse.reason"].create(
            {"name": "Experience <too> short & narrow"}
        )
        refused = cls._candidate_applicant(
            "Li Na", "America/New_York", stage_id=cls.stage_first.id
        )
        refused.write({"refuse_reason_id": reason.id, "active": False})
        onboarding = cls._candidate_applicant(
            "Chen Jie",
            "Europe/Berlin",
            stage_id=cls.stage_proposal.id,
            start_date=date(2026, 4, 1),
        )
        # A long wait before the offer (the light touch explains the delay), no
        # recruiter, a name to escape.
        waiting = cls._candidate_applicant(
            "O'Brien <Sam>", "Asia/Tokyo", stage_id=cls.stage_second.id
        )
        waiting.write({"user_id": False})
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE hr_applicant SET followup_stage_date = %s WHERE id = %s",
            (datetime(2026, 2, 1), waiting.id),
        )
        waiting.invalidate_recordset(["followup_stage_date"])
        # No language of its own: the company's is used.
        cls.company.partner_id.lang = "en_US"
        nolang = cls._candidate_applicant(
            "Zhao Lei", "Asia/Shanghai", stage_id=cls.stage_second.id
        )
        nolang.partner_id.lang = False
        return interviewed | chinese | refused | onboarding | waiting | nolang

    @freeze_time("2026-03-02 06:00:00")
    def test_shipped_templates_render_like_core(self):
        self.assertGreaterEqual(len(self.templates), 8)
        Applicant = self.env["hr.applicant"].with_context(active_test=False)
        ids = Applicant.browse(self.applicants.ids).ids
        for template in self.templates:
            with self.subTest(template=template.name):
                self.assertEqual(
                    template._followup_render_field("body_html", ids),
                    template._render_field("body_html", ids),
                )
                fast = template._followup_generate_template(ids)
                core = template._generate_template(ids, SEND_FIELDS)
                self.assertEqual(set(fast), set(core))
                for res_id in ids:
                    self.assertEqual(fast[res_id].keys(), core[res_id].keys())
                    for key, value in core[res_id].items():
                        self.assertEqual(
                            (type(fast[res_id][key]), fast[res_id][key]),
                            (type(value), value),
                            f"{key} of applicant {res_id}",
                        )

    @freeze_time("2026-03-02 06:00:00")
    def test_rendering_takes_every_branch(self):
        """The comparison above is only worth something if the branches differ."""
        after = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_after_interview"
        )
        light = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_light_touch"
        )
        interviewed, chinese, refused, _onboarding, waiting, nolang = self.applicants
        ids = self.applicants.ids
        bodies = {
            res_id: values["body_html"]
            for res_id, values in after._followup_generate_template(ids).items()
        }
        self.assertIn("Interviewer Zhao", bodies[interviewed.id])
        self.assertIn("we will not go further", bodies[refused.id])
        self.assertIn("Experience &lt;too&gt; short &amp; narrow", bodies[refused.id])
        self.assertIn("invite you to the next round", bodies[nolang.id])
        self.assertIn("感谢您", bodies[chinese.id])
        light_bodies = light._followup_generate_template(ids)
        self.assertIn(
            "takes longer than we hoped", light_bodies[waiting.id]["body_html"]
        )
        self.assertNotIn("takes longer", light_bodies[nolang.id]["body_html"])
        self.assertIn("O&#39;Brien &lt;Sam&gt;", light_bodies[waiting.id]["body_html"])

    @freeze_time("2026-03-02 06:00:00")
    def test_queued_mails_equal_send_mail_batch(self):
        template = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_after_interview"
        )
        ids = self.applicants.ids
        later = datetime(2026, 3, 3, 1, 0)
        values = {
            res_id: {"auto_delete": False, "scheduled_date": later if i % 2 else False}
            for i, res_id in enumerate(ids)
        }
        fast = template._followup_send_batch(ids, values)
        core = template._followup_send_batch_core(ids, values)
        self.assertEqual(set(fast), set(ids))
        for res_id in ids:
            fast_mail, fast_subject = fast[res_id]
            core_mail, core_subject = core[res_id]
            self.assertNotEqual(fast_mail, core_mail)
            self.assertEqual(fast_subject, core_subject)
            self.assertEqual(
                fast_mail.read(MAIL_FIELDS)[0] | {"id": 0},
                core_mail.read(MAIL_FIELDS)[0] | {"id": 0},
            )
            # Every column written, not only the fields above: the mails are
            # inserted by the job itself (followup_bulk), not by create().
            self.assertEqual(self._rows(fast_mail), self._rows(core_mail))
            self.assertTrue(fast_mail.message_id.startswith("<"))
            self.assertNotEqual(fast_mail.message_id, core_mail.message_id)

    def _rows(self, mail):
        """Every column of the mail and its message, and its many2many links,
        but those unique to each row."""
        self.env.flush_all()
        cr = self.env.cr
        rows = {}
        for table, key in (
            ("mail_mail", mail.id),
            ("mail_message", mail.mail_message_id.id),
        ):
            cr.execute(f"SELECT * FROM {table} WHERE id = %s", (key,))
            names = [column.name for column in cr.description]
            rows[table] = {
                name: value
                for name, value in zip(names, cr.fetchone(), strict=True)
                if name not in MAIL_UNIQUE_FIELDS
            }
        for table, column, key in (
            ("mail_mail_res_partner_rel", "mail_mail_id", mail.id),
            (
                "mail_message_res_partner_rel",
                "mail_message_id",
                mail.mail_message_id.id,
            ),
        ):
            cr.execute(
                f"SELECT res_partner_id FROM {table} WHERE {column} = %s"
                " ORDER BY res_partner_id",
                (key,),
            )
            rows[table] = cr.fetchall()
        return rows

    @freeze_time("2026-03-02 06:00:00")
    def test_bulk_mails_with_recipients_equal_create(self):
        """Recipients given as partners (partner_to) are linked the same way."""
        template = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_talent_pool"
        )
        partner = self.applicants[0].partner_id
        template.write({"partner_to": str(partner.id), "email_to": False})
        ids = self.applicants[:2].ids
        fast = template._followup_send_batch(ids, {})
        core = template._followup_send_batch_core(ids, {})
        for res_id in ids:
            fast_rows = self._rows(fast[res_id][0])
            self.assertEqual(fast_rows, self._rows(core[res_id][0]))
            self.assertEqual(
                fast_rows["mail_mail_res_partner_rel"], [(partner.id,)], res_id
            )

    @freeze_time("2026-03-02 06:00:00")
    def test_mail_create_patched_by_an_automation_rule_goes_through_create(self):
        """An automation rule on new emails still sees the job's emails: with a
        create() that is not the stock one, the job uses create()."""
        Mail = self.env["mail.mail"].sudo()
        self.assertTrue(Mail._followup_create_batch_supported([{"subject": "x"}]))
        model = self.env["ir.model"]._get("mail.mail")
        automation = self.env["base.automation"].create(
            {
                "name": "Tag new emails",
                "model_id": model.id,
                "trigger": "on_create",
            }
        )
        self.env["ir.actions.server"].create(
            {
                "name": "Tag new emails",
                "model_id": model.id,
                "base_automation_id": automation.id,
                "usage": "base_automation",
                "state": "code",
                "code": "records.write({'headers': 'X-Tagged: yes'})",
            }
        )
        self.assertFalse(Mail._followup_create_batch_supported([{"subject": "x"}]))
        template = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_talent_pool"
        )
        sent = template._followup_send_batch(self.applicants[:2].ids, {})
        for mail, _subject in sent.values():
            self.assertEqual(mail.headers, "X-Tagged: yes")
        automation.unlink()
        self.assertTrue(Mail._followup_create_batch_supported([{"subject": "x"}]))

    def test_bulk_mails_with_what_only_create_handles_go_through_create(self):
        Mail = self.env["mail.mail"].sudo()
        attachment = self.env["ir.attachment"].create(
            {"name": "cv.txt", "raw": b"cv", "res_model": "mail.compose.message"}
        )
        for values in (
            {"subject": "x", "attachment_ids": [(4, attachment.id)]},
            {"subject": "x", "body": '<img src="data:image/png;base64,iVBORw0KGgo=">'},
            {"subject": "x", "no_such_field": 1},
        ):
            with self.subTest(values=values):
                self.assertFalse(Mail._followup_create_batch_supported([values]))
        mail = Mail._followup_create_batch(
            [{"subject": "x", "attachment_ids": [(4, attachment.id)]}]
        )
        self.assertEqual(mail.attachment_ids, attachment)

    def test_templates_core_cannot_render_fast_go_through_core(self):
        template = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_talent_pool"
        )
        template.email_layout_xmlid = "mail.mail_notification_light"
        self.assertFalse(template._followup_fast_render_supported())
        sent = template._followup_send_batch(self.applicants[:2].ids, {})
        self.assertEqual(len(sent), 2)
        mail, _subject = sent[self.applicants[0].id]
        self.assertEqual(mail.state, "outgoing")
        self.assertIn("Zhang Wei", mail.body_html)


@tagged("post_install", "-at_install")
class TestDispatchQueries(CadenceCommon):
    """The job's cost per batch does not grow with the number of due applicants.

    Also a smoke test of the benchmark's own code (bench/): its data generator
    and measures run here on a few hundred applicants.
    """

    def setUp(self):
        super().setUp()
        # Only the generated applicants are due: the others (demo data) are
        # handled first.
        with freeze_time("2026-03-02 02:00:00"):
            self.env["hr.applicant"]._cron_process_followups()

    def _job_queries(self):
        """SQL queries of one run of the scheduled job (as assertQueryCount counts)."""
        self.env.flush_all()
        self.env.cr.flush()
        count0 = self.cr.sql_log_count
        self.env["hr.applicant"]._cron_process_followups()
        self.env.flush_all()
        self.env.cr.flush()
        return self.cr.sql_log_count - count0

    def _only_due(self, due_ids, keep):
        """Leave only ``keep`` of the due applicants due."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE hr_applicant SET next_followup_date = next_followup_date
                + interval '3650 days'
            WHERE id = ANY(%s) AND NOT id = ANY(%s)
            """,
            (due_ids, keep),
        )
        self.env.invalidate_all()

    @freeze_time("2026-03-02 02:00:00")  # 10:00 in Shanghai
    def test_queries_per_batch_same_at_50_and_500_due(self):
        data = datagen.generate(self.env, applicants=560, due=500, logs=3000)
        due_ids = data["due_ids"]
        self.assertEqual(measure.due_count(self.env), 500)
        # The same kind of candidates in every batch: one language, one time zone
        # (10:00 there: every mail leaves now).
        self.env.cr.execute(
            """
            UPDATE res_partner p SET lang = 'en_US', tz = 'Asia/Shanghai'
            FROM hr_candidate c JOIN hr_applicant a ON a.candidate_id = c.id
            WHERE p.id = c.partner_id AND a.id = ANY(%s)
            """,
            (due_ids,),
        )
        self.env.invalidate_all()
        marks = measure.snapshot(self.env, due_ids)

        def job_queries(count):
            self._only_due(due_ids, due_ids[:count])
            self.env.invalidate_all()  # every batch measured from a cold cache
            queries = self._job_queries()
            self.assertEqual(measure.created_since(self.env, marks)["mailed"], count)
            measure.restore(self.env, marks)
            return queries

        job_queries(10)  # warms the registry's caches (templates, parameters...)
        tail = job_queries(0)  # nothing due: the claim that finds nothing
        per_batch_50 = job_queries(50) - tail
        self.assertGreaterEqual(DISPATCH_BATCH_SIZE, 500)
        # 500 due: one batch, the same queries as a batch of 50.
        self.assertEqual(job_queries(500) - tail, per_batch_50)
        # In batches of 100: 5 batches, no more queries each than the batch of
        # 50 (the later ones find the configuration in the cache).
        self.env.invalidate_all()
        with self.assertQueryCount(tail + 5 * per_batch_50):
            self.env["hr.applicant"]._cron_process_followups(batch_size=100)
        created = measure.created_since(self.env, marks)
        self.assertEqual(
            (created["mails"], created["mailed"], created["logs"]), (500, 500, 500)
        )
        # Less than a query per applicant of a full batch.
        self.assertLess(per_batch_50, DISPATCH_BATCH_SIZE)

    @freeze_time("2026-03-02 02:00:00")
    def test_plan_stored_by_the_job_is_the_planners(self):
        """After a batch the job plans from what it read before and wrote since,
        not by reading the log again: what it stores must be what the planner
        and the ORM give from the database."""
        data = datagen.generate(self.env, applicants=300, due=200, logs=2000)
        marks = measure.snapshot(self.env, data["due_ids"])
        self.env["hr.applicant"]._cron_process_followups()
        created = measure.created_since(self.env, marks)
        self.assertEqual((created["logs"], created["mailed"]), (200, 200))
        applicants = (
            self.env["hr.applicant"]
            .with_context(active_test=False)
            .browse(data["applicant_ids"])
        )
        names = [
            *PLAN_FIELDS,
            "next_followup_date",
            "last_contact_date",
            "followup_planned_date",
        ]

        def stored():
            self.env.flush_all()
            self.env.cr.execute(
                f"SELECT id, {', '.join(names)} FROM hr_applicant"
                " WHERE id = ANY(%s) ORDER BY id",
                (applicants.ids,),
            )
            return self.env.cr.fetchall()

        by_the_job = stored()
        self.env.invalidate_all()
        for name in ("last_contact_date", "followup_planned_date"):
            self.env.add_to_compute(applicants._fields[name], applicants)
        applicants.flush_recordset()
        applicants._plan_next_followup()
        self.assertEqual(by_the_job, stored())
        # The job did plan the next messages (the comparison is not of nothing).
        self.assertTrue(
            any(row[1] and row[0] in data["due_ids"] and row[4] for row in by_the_job)
        )

    @freeze_time("2026-03-02 02:00:00")
    def test_benchmark_smoke(self):
        """bench/run's measures, on a tiny data set: they run, and count right."""
        data = datagen.generate(self.env, applicants=120, due=15, logs=600)
        self.assertEqual(measure.due_count(self.env), 15)
        self.env.cr.execute(
            """
            SELECT COUNT(*) FROM hr_applicant_contact_log
            WHERE applicant_id = ANY(%s)
            """,
            (data["applicant_ids"],),
        )
        self.assertGreaterEqual(self.env.cr.fetchone()[0], 500)
        marks = measure.snapshot(self.env, data["due_ids"])
        addon = measure.addon_dispatch(self.env, marks)
        self.assertEqual((addon["mailed"], addon["logs"]), (15, 15))
        self.assertEqual(measure.due_count(self.env), 0)
        measure.restore(self.env, marks)
        self.assertEqual(measure.due_count(self.env), 15)
        automation = measure.make_base_automation(
            self.env,
            self.env.ref("hr_recruitment_followup.mail_template_followup_talent_pool"),
            self.rule_pool,
        )
        # The rule acts on dates strictly before now (the job: up to now).
        with freeze_time("2026-03-02 02:01:00"):
            base = measure.base_automation_dispatch(self.env, automation, marks)
        self.assertEqual((base["mailed"], base["logs"]), (15, 0))
        measure.restore(self.env, marks)
        recruiter = self.env["res.users"].search(
            [("login", "=like", "bench_recruiter_%")], limit=1
        )
        lists = measure.recruiter_lists(self.env, recruiter)
        reports = measure.manager_reports(self.env, self.env.ref("base.user_admin"))
        self.assertTrue(lists and reports)
        for result in lists + reports:
            self.assertLess(result["seconds"], 5, result["label"])

    @freeze_time("2026-03-02 02:00:00")
    def test_generated_data_is_what_the_orm_computes(self):
        """The generator writes stored computed fields with SQL: the ORM agrees."""
        data = datagen.generate(self.env, applicants=150, due=20, logs=900)
        applicants = (
            self.env["hr.applicant"]
            .with_context(active_test=False)
            .browse(data["applicant_ids"])
        )
        names = [
            "followup_stage_id",
            "last_contact_date",
            "followup_planned_date",
            "next_followup_date",
            "worth_level",
            "declined_by",
            "onboarding_state",
        ]
        self.assertEqual(len(applicants), 150)
        stored = {a.id: [a[n] for n in names] for a in applicants}
        # Who ended the application is read from the refuse reason: both kinds are
        # generated (the rarer stories, a declined offer or a first day to come,
        # may be missing from 150 applicants: the comparison below covers them).
        self.assertIn("candidate", applicants.mapped("declined_by"))
        self.assertIn("company", applicants.mapped("declined_by"))
        # The furthest stage the reports read: what the backfill from Odoo's own
        # stage history finds.
        furthest = {a.id: a.furthest_stage_id for a in applicants}
        self.assertTrue(all(furthest.values()))
        self.env.cr.execute(
            "UPDATE hr_applicant SET furthest_stage_id = NULL WHERE id IN %s",
            (tuple(applicants.ids),),
        )
        applicants.invalidate_recordset(["furthest_stage_id"])
        self.env["hr.applicant"]._followup_backfill_furthest_stage()
        self.assertEqual({a.id: a.furthest_stage_id for a in applicants}, furthest)
        # The pool's rules reach the pool candidates the generator planned.
        due = applicants.browse(data["due_ids"])
        self.assertTrue(
            all(
                a.candidate_id._talent_pool_accepts_contact(data["now"].date())
                for a in due
            )
        )
        self.assertEqual(set(due.mapped("followup_stage_id")), {self.fu_talent_pool})
        applicants.invalidate_recordset(names)
        for name in names:
            self.env.add_to_compute(applicants._fields[name], applicants)
        applicants._recompute_recordset(names)
        for applicant in applicants:
            computed = [applicant[n] for n in names]
            self.assertEqual(computed, stored[applicant.id], applicant.partner_name)


@tagged("post_install", "-at_install")
class TestBulkContactLogs(CadenceCommon):
    """The job inserts its contact logs itself (followup_bulk): the rows must be
    those create() writes."""

    def _row(self, log):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT * FROM hr_applicant_contact_log WHERE id = %s", (log.id,)
        )
        names = [column.name for column in self.env.cr.description]
        return {
            name: value
            for name, value in zip(names, self.env.cr.fetchone(), strict=True)
            if name not in ("id", "create_date", "write_date", "followup_anchor")
        }

    def _vals(self, applicant, anchor, **extra):
        return {
            "applicant_id": applicant.id,
            "direction": "outbound",
            "contact_date": datetime(2026, 3, 2, 2, 0),
            "automated": True,
            "user_id": False,
            "summary": "Talent pool news",
            "rule_id": self.env.ref(
                "hr_recruitment_followup.followup_rule_talent_pool"
            ).id,
            "followup_anchor": anchor,
            "followup_occurrence": 0,
            **extra,
        }

    def test_bulk_logs_equal_create(self):
        Log = self.env["hr.applicant.contact.log"].sudo()
        first = self._candidate_applicant("Zhang Wei", "Asia/Shanghai")
        second = self._candidate_applicant(
            "Li Na", "America/New_York", stage_id=self.stage_second.id
        )
        second.preferred_channel = "wechat"
        for applicant, extra in ((first, {"channel": "email"}), (second, {})):
            with self.subTest(applicant=applicant.partner_name):
                bulk = Log._followup_create_automated(
                    [self._vals(applicant, "bulk", **extra)]
                )
                core = Log.create([self._vals(applicant, "core", **extra)])
                self.assertEqual(self._row(bulk), self._row(core))
                self.assertEqual(bulk.partner_id, applicant.candidate_id.partner_id)
                self.assertEqual(bulk.followup_stage_id, applicant.followup_stage_id)
        self.assertEqual(second.contact_log_ids[:1].channel, "wechat")
        # The applicant's last contact follows, as after create().
        self.assertEqual(first.last_contact_date, datetime(2026, 3, 2, 2, 0))

    def test_bulk_logs_keep_the_unique_key(self):
        Log = self.env["hr.applicant.contact.log"].sudo()
        applicant = self._candidate_applicant("Zhang Wei", "Asia/Shanghai")
        Log._followup_create_automated([self._vals(applicant, "once")])
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
        ):
            Log._followup_create_automated([self._vals(applicant, "once")])

    def test_log_create_extended_by_an_automation_rule_goes_through_create(self):
        model = self.env["ir.model"]._get("hr.applicant.contact.log")
        automation = self.env["base.automation"].create(
            {"name": "Mark new logs", "model_id": model.id, "trigger": "on_create"}
        )
        self.env["ir.actions.server"].create(
            {
                "name": "Mark new logs",
                "model_id": model.id,
                "base_automation_id": automation.id,
                "usage": "base_automation",
                "state": "code",
                "code": "records.write({'next_step': 'seen by a rule'})",
            }
        )
        applicant = self._candidate_applicant("Zhang Wei", "Asia/Shanghai")
        log = (
            self.env["hr.applicant.contact.log"]
            .sudo()
            ._followup_create_automated([self._vals(applicant, "rule")])
        )
        self.assertEqual(log.next_step, "seen by a rule")

    def test_contact_dates_stored_by_the_job_equal_the_compute(self):
        Log = self.env["hr.applicant.contact.log"].sudo()
        applicant = self._candidate_applicant("Zhang Wei", "Asia/Shanghai")
        Log.create(
            {
                "applicant_id": applicant.id,
                "channel": "phone",
                "contact_date": datetime(2026, 3, 1, 2, 0),
                "next_contact_date": date(2026, 3, 9),
            }
        )
        self.assertTrue(applicant.followup_planned_date)
        for contact_date in (datetime(2026, 2, 1), datetime(2026, 3, 2, 2, 0)):
            Log._followup_create_automated(
                [self._vals(applicant, str(contact_date), contact_date=contact_date)]
            )
            applicant._plan_next_followup(
                contact_dates=applicant._followup_contact_dates()
            )
            fnames = ("last_contact_date", "followup_planned_date", "last_touch_date")
            applicant.invalidate_recordset(fnames)
            stored = tuple(applicant[name] for name in fnames)
            for name in fnames:
                self.env.add_to_compute(applicant._fields[name], applicant)
            applicant.flush_recordset()
            self.assertEqual(stored, tuple(applicant[name] for name in fnames))
        # The latest contact is the job's: it neither makes nor drops the plan
        # the recruiter made (issue 18: a plan lost to an email sent later).
        self.assertEqual(applicant.last_contact_date, datetime(2026, 3, 2, 2, 0))
        self.assertEqual(applicant.last_touch_date, datetime(2026, 3, 2, 2, 0))
        self.assertEqual(
            applicant.followup_planned_date,
            applicant._followup_planned_at(date(2026, 3, 9)),
        )

    def test_contact_dates_watched_by_an_automation_rule_are_recomputed(self):
        model = self.env["ir.model"]._get("hr.applicant")
        self.assertFalse(self.env["hr.applicant"]._followup_contact_dates_watched())
        automation = self.env["base.automation"].create(
            {
                "name": "Colour contacted applicants",
                "model_id": model.id,
                "trigger": "on_create_or_write",
                "trigger_field_ids": [
                    (
                        6,
                        0,
                        [
                            self.env["ir.model.fields"]
                            ._get("hr.applicant", "last_contact_date")
                            .id
                        ],
                    )
                ],
            }
        )
        self.env["ir.actions.server"].create(
            {
                "name": "Colour contacted applicants",
                "model_id": model.id,
                "base_automation_id": automation.id,
                "usage": "base_automation",
                "state": "code",
                "code": "records.write({'color': 3})",
            }
        )
        self.assertTrue(self.env["hr.applicant"]._followup_contact_dates_watched())
        applicant = self._candidate_applicant("Zhang Wei", "Asia/Shanghai")
        applicant.color = 0
        self.env["hr.applicant.contact.log"].sudo()._followup_create_automated(
            [self._vals(applicant, "watched")]
        )
        applicant._plan_next_followup(contact_dates=applicant._followup_contact_dates())
        self.env.flush_all()
        self.assertEqual(applicant.last_contact_date, datetime(2026, 3, 2, 2, 0))
        self.assertEqual(applicant.color, 3)
