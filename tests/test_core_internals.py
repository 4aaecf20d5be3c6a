import ast
import inspect
import os
import re
import shutil
import tempfile
import textwrap

from odoo.tests import TransactionCase, tagged

from odoo.addons.mail.models import mail_message

from ..tools import core_internals
from ..tools.core_internals import ITEMS

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
