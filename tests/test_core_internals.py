import ast
import inspect
import os
import re
import shutil
import tempfile
import textwrap
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from odoo.addons.mail.models import mail_message

from ..bench import datagen, measure
from ..tools import core_internals
from ..tools.core_internals import FAST_PATHS_PARAM, ITEMS
from .test_cadence import CadenceCommon
from .test_dispatch_performance import MAIL_UNIQUE_FIELDS

ITEMS_BY_KEY = {item.key: item for item in ITEMS}


@tagged("post_install", "-at_install")
class TestCoreInternals(TransactionCase):
    """Each piece of core the addon copies or hooks (tools/core_internals.py)
    is still the code it was written against. A failure says which core
    function changed and what to re-check in the addon."""

    def _assert_unchanged(self, key):
        mismatches = core_internals.check_item(ITEMS_BY_KEY[key])
        self.assertFalse(
            mismatches, "\n\n".join(mismatch.message() for mismatch in mismatches)
        )

    def test_every_item_checked(self):
        tested = {
            name.removeprefix("test_core_")
            for name in dir(self)
            if name.startswith("test_core_")
        }
        self.assertEqual(tested, set(ITEMS_BY_KEY))
        for item in ITEMS:
            self.assertTrue(item.sources or item.signatures, item.key)
            self.assertTrue(item.where and item.recheck and item.relies_on, item.key)

    def test_core_mail_message_columns(self):
        self._assert_unchanged("mail_message_columns")

    def test_core_orm_insert(self):
        self._assert_unchanged("orm_insert")

    def test_core_contact_log_insert(self):
        self._assert_unchanged("contact_log_insert")

    def test_core_automation_patches(self):
        self._assert_unchanged("automation_patches")

    def test_core_plan_store(self):
        self._assert_unchanged("plan_store")

    def test_core_rendering(self):
        self._assert_unchanged("rendering")

    def test_core_template_generation(self):
        self._assert_unchanged("template_generation")

    def test_core_group_count(self):
        self._assert_unchanged("group_count")

    def test_core_group_order(self):
        self._assert_unchanged("group_order")

    def test_core_report_aggregates(self):
        self._assert_unchanged("report_aggregates")

    def test_core_xmlid_cache(self):
        self._assert_unchanged("xmlid_cache")

    def test_core_private_methods(self):
        self._assert_unchanged("private_methods")


@tagged("post_install", "-at_install")
class TestCoreInternalsAlarm(TransactionCase):
    """The alarms ring when core's code changes, and only then."""

    def test_a_changed_copy_of_each_core_function_changes_its_fingerprint(self):
        """Each fingerprinted core function, edited in a copy of its file (never
        Odoo's own files): one statement more changes its fingerprint; a
        comment, a docstring or a reformatting does not."""
        functions = [
            (item, target)
            for item in ITEMS
            for target in item.sources
            if inspect.isfunction(inspect.unwrap(core_internals.resolve(target)))
        ]
        self.assertGreater(len(functions), 40)
        with tempfile.TemporaryDirectory() as folder:
            copies = {}
            for item, target in functions:
                function = inspect.unwrap(core_internals.resolve(target))
                path = inspect.getsourcefile(function)
                if path not in copies:
                    copies[path] = os.path.join(folder, f"{len(copies)}.py")
                    shutil.copyfile(path, copies[path])
                copy = copies[path]
                qualname = function.__qualname__
                recorded = item.sources[target]
                with self.subTest(target=target):
                    source = core_internals.source_in_file(copy, qualname)
                    self.assertEqual(
                        core_internals.fingerprint_source(source), recorded
                    )
                    lines = source.splitlines(keepends=True)
                    indent = self._body_indent(source)
                    changed = "".join([*lines, f"{indent}_changed = True\n"])
                    self.assertNotEqual(
                        core_internals.fingerprint_source(changed), recorded
                    )
                    # Formatting only: comments, a docstring, blank lines.
                    cosmetic = "".join(
                        [
                            f"{line.rstrip()}  # reviewed\n"
                            if line.strip() and not line.rstrip().endswith("\\")
                            else line
                            for line in lines
                        ]
                    )
                    if '"""' not in source and "'''" not in source:
                        self.assertEqual(
                            core_internals.fingerprint_source(cosmetic), recorded
                        )
        # The copies really are Odoo's files, untouched: their fingerprints are
        # the running Odoo's.
        self.assertFalse(core_internals.check())

    @staticmethod
    def _body_indent(source):
        dedented = textwrap.dedent(source)
        margin = source[: len(source) - len(source.lstrip())].split("\n")[-1]
        node = ast.parse(dedented).body[0]
        return margin + " " * node.body[0].col_offset

    def test_a_patched_core_function_is_reported_with_what_to_recheck(self):
        """Core's mail.message._get_message_id() replaced (as a stable-branch
        fix would change it): the check names it and says what to re-check."""
        Message = mail_message.Message
        original = Message.__dict__["_get_message_id"]

        def _get_message_id(self, values):
            return original(self, values)

        self.patch(Message, "_get_message_id", _get_message_id)
        mismatches = core_internals.check()
        self.assertEqual(
            [(m.item.key, m.target) for m in mismatches],
            [
                (
                    "mail_message_columns",
                    "odoo.addons.mail.models.mail_message:Message._get_message_id",
                )
            ],
        )
        message = mismatches[0].message()
        self.assertIn("models/mail_mail.py: MailMail._followup_create_batch", message)
        self.assertIn("Re-check that _followup_create_batch still computes", message)
        self.assertIn("test_queued_mails_equal_send_mail_batch", message)
        self.assertIn(core_internals.fingerprint(mismatches[0].target), message)

    def test_a_changed_signature_is_reported(self):
        item = ITEMS_BY_KEY["private_methods"]
        target = "odoo.addons.base.models.ir_cron:ir_cron._trigger"
        cron = core_internals.resolve(target.rpartition(".")[0])

        def _trigger(self, at=None, extra=None):
            return None

        self.patch(cron, "_trigger", _trigger)
        mismatches = core_internals.check_item(item)
        self.assertEqual([m.target for m in mismatches], [target])
        self.assertEqual(mismatches[0].kind, "signature")

    def test_a_changed_constant_is_reported(self):
        item = ITEMS_BY_KEY["mail_message_columns"]
        pattern = mail_message._image_dataurl
        self.patch(
            mail_message,
            "_image_dataurl",
            re.compile(pattern.pattern.replace("base64", "base32"), pattern.flags),
        )
        mismatches = core_internals.check_item(item)
        self.assertEqual(
            [m.target for m in mismatches],
            ["odoo.addons.mail.models.mail_message:_image_dataurl"],
        )


@tagged("post_install", "-at_install")
class TestFastPathsSwitch(CadenceCommon):
    """``hr_recruitment_followup.fast_paths`` = False: plain create(), core's
    rendering and core's grouped lists, with the same result."""

    def _set_fast_paths(self, value):
        self.env["ir.config_parameter"].sudo().set_param(FAST_PATHS_PARAM, value)

    def _written(self, marks):
        """What a run wrote since ``marks``: mails with their message, contact
        logs and activities, without what is unique to each row."""
        self.env.flush_all()
        cr = self.env.cr

        def rows(query, params, skip):
            cr.execute(query, params)
            names = [column.name for column in cr.description]
            return sorted(
                (
                    tuple(
                        (name, value)
                        for name, value in zip(names, row, strict=True)
                        if name not in skip
                    )
                    for row in cr.fetchall()
                ),
                key=repr,
            )

        mail_skip = MAIL_UNIQUE_FIELDS | {"mail_message_id"}
        return {
            "mails": rows(
                """
                SELECT mm.*, msg.*,
                       ARRAY(SELECT res_partner_id FROM mail_mail_res_partner_rel r
                             WHERE r.mail_mail_id = mm.id
                             ORDER BY res_partner_id) AS recipients
                FROM mail_mail mm JOIN mail_message msg ON msg.id = mm.mail_message_id
                WHERE msg.id > %s
                """,
                (marks["mail_message"],),
                mail_skip,
            ),
            "messages": rows(
                "SELECT * FROM mail_message WHERE id > %s",
                (marks["mail_message"],),
                MAIL_UNIQUE_FIELDS,
            ),
            "logs": rows(
                "SELECT * FROM hr_applicant_contact_log WHERE id > %s",
                (marks["hr_applicant_contact_log"],),
                {"id", "create_date", "write_date", "mail_id"},
            ),
            "activities": rows(
                "SELECT * FROM mail_activity WHERE id > %s",
                (marks["mail_activity"],),
                {"id", "create_date", "write_date"},
            ),
        }

    def _plans(self, applicant_ids):
        self.env.flush_all()
        self.env.cr.execute(
            f"""
            SELECT id, {", ".join(measure.PLAN_COLUMNS)} FROM hr_applicant
            WHERE id = ANY(%s) ORDER BY id
            """,
            (applicant_ids,),
        )
        return self.env.cr.fetchall()

    @freeze_time("2026-03-02 02:00:00")
    def test_job_without_fast_paths_writes_the_same(self):
        # The applicants due before the generated ones (demo data) first.
        self.env["hr.applicant"]._cron_process_followups()
        data = datagen.generate(self.env, applicants=80, due=40, logs=400)
        marks = measure.snapshot(self.env, data["applicant_ids"])

        def run():
            self.env.invalidate_all()
            self.env.flush_all()
            queries = self.cr.sql_log_count
            self.env["hr.applicant"]._cron_process_followups()
            self.env.flush_all()
            queries = self.cr.sql_log_count - queries
            written = self._written(marks)
            plans = self._plans(data["applicant_ids"])
            measure.restore(self.env, marks)
            return written, plans, queries

        fast, fast_plans, fast_queries = run()
        # Every due applicant mailed once, and logged once.
        self.assertEqual(len({dict(m)["res_id"] for m in fast["mails"]}), 40)
        self.assertEqual(len(fast["logs"]), 40)
        self._set_fast_paths("False")
        self.assertFalse(core_internals.fast_paths_enabled(self.env))
        self.assertFalse(
            self.env["mail.mail"].sudo()._followup_create_batch_supported([{}])
        )
        template = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_talent_pool"
        ).sudo()
        self.assertFalse(template._followup_fast_render_allowed())
        plain, plain_plans, plain_queries = run()
        self.assertEqual(plain["mails"], fast["mails"])
        self.assertEqual(plain["messages"], fast["messages"])
        self.assertEqual(plain["logs"], fast["logs"])
        self.assertEqual(plain["activities"], fast["activities"])
        # The plan stored after the run (contact dates recomputed by the ORM
        # without the fast paths) is the same too.
        self.assertEqual(
            [row[:-1] for row in plain_plans], [row[:-1] for row in fast_plans]
        )
        # create() and core's rendering batch their statements too: the fast
        # paths save CPU time (bench/ measures it), not queries; both stay
        # within the same constant count per batch.
        self.assertLess(abs(plain_queries - fast_queries), 20)
        # Back on: the fast paths again.
        self._set_fast_paths("True")
        self.assertTrue(template._followup_fast_render_allowed())

    @freeze_time("2026-03-02 06:00:00")
    def test_not_superuser_renders_through_core(self):
        template = self.env.ref(
            "hr_recruitment_followup.mail_template_followup_after_interview"
        )
        applicant = self._candidate_applicant(
            "Zhang Wei", "Asia/Shanghai", stage_id=self.stage_first.id
        )
        ids = applicant.ids
        as_recruiter = template.with_user(self.recruiter)
        self.assertTrue(template.sudo()._followup_fast_render_allowed())
        self.assertFalse(as_recruiter._followup_fast_render_allowed())
        self.assertEqual(
            as_recruiter._followup_render_field("body_html", ids),
            as_recruiter._render_field("body_html", ids),
        )
        # Core's restriction: a user who is neither an administrator nor a
        # template editor may not render code beyond plain field paths. Odoo
        # 18.0 lifts it for mail.template (_unrestricted_rendering), checking
        # templates when they are written instead; the mixin's default puts it
        # back, to show that the addon's renderer follows core's decision. (An
        # inline template only: core's QWeb path, restricted, writes its option
        # into mail.template's body_html field's own render_options, which then
        # breaks every later rendering of the process.)
        editor = self.env.ref("mail.group_mail_template_editor")
        self.env.ref("base.group_user").write({"implied_ids": [(3, editor.id)]})
        editor.write({"users": [(3, self.recruiter.id)]})
        self.assertFalse(self.recruiter.has_group("mail.group_mail_template_editor"))
        coded = self.env["mail.template"].create(
            {
                "name": "Coded subject",
                "model_id": self.env["ir.model"]._get_id("hr.applicant"),
                "subject": "{{ object.partner_name.upper() }}",
            }
        )
        self.patch(type(coded), "_unrestricted_rendering", False)
        restricted = coded.with_user(self.recruiter)
        with self.assertRaises(AccessError):
            restricted._render_field("subject", ids)
        with self.assertRaises(AccessError):
            restricted._followup_render_field("subject", ids)
        # The scheduled job (superuser) renders it, as core does.
        self.assertEqual(
            coded.sudo()._followup_render_field("subject", ids), {ids[0]: "ZHANG WEI"}
        )

    def test_grouped_list_without_fast_paths_is_cores(self):
        Log = self.env["hr.applicant.contact.log"]
        applicants = self.env["hr.applicant"]
        for index in range(5):
            applicant = self._new_applicant(f"Grouped {index}", priority=str(index % 4))
            applicants |= applicant
            Log.create(
                [
                    {
                        "applicant_id": applicant.id,
                        "channel": "phone",
                        "contact_date": datetime(2026, 1, 1 + day, 2, 0),
                    }
                    for day in range(index + 1)
                ]
            )
        domain = [("applicant_id", "in", applicants.ids)]
        fast = Log.web_read_group(domain, [], ["applicant_id"], limit=3)
        self._set_fast_paths("False")
        # Core's, queries included: its count reads the groups again.
        Log.web_read_group(domain, [], ["applicant_id"], limit=3)
        queries = self.cr.sql_log_count
        Log._web_read_group(domain, [], ["applicant_id"], limit=3)
        page_queries = self.cr.sql_log_count - queries
        queries = self.cr.sql_log_count
        plain = Log.web_read_group(domain, [], ["applicant_id"], limit=3)
        self.assertEqual(self.cr.sql_log_count - queries, page_queries + 1)
        self.assertEqual(plain["length"], fast["length"])
        self.assertEqual(plain["length"], 5)
        # Applicants' groups in the applicants' order (priority first), not the
        # log's (newest application first).
        core_order = applicants.sorted(
            lambda a: (-int(a.priority), -a.id)
        ).ids  # hr.applicant._order: "priority desc, id desc"
        self.assertEqual(
            [group["applicant_id"][0] for group in plain["groups"]], core_order[:3]
        )
        self.assertEqual(
            [group["applicant_id"][0] for group in fast["groups"]],
            applicants.sorted("id", reverse=True).ids[:3],
        )
