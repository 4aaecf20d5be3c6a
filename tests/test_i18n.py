import re

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools import file_path

PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|%d")
# Terms written the same in Chinese. OCA's po-pretty-format (oca-checks-po) stores a
# translation identical to its source as an empty msgstr, which Odoo shows as the
# source: such terms may be either empty or themselves. None today: every term has a
# Chinese text of its own.
SAME_IN_CHINESE = set()


@tagged("post_install", "-at_install")
class TestChineseTranslation(TransactionCase):
    def _entries(self, name):
        path = file_path(f"hr_recruitment_followup/i18n/{name}")
        return [e for e in polib.pofile(path) if not e.obsolete]

    def test_every_term_is_translated_with_its_placeholders(self):
        source_terms = {e.msgid for e in self._entries("hr_recruitment_followup.pot")}
        translated = {e.msgid: e.msgstr for e in self._entries("zh_CN.po")}
        self.assertEqual(set(translated), source_terms, "zh_CN.po follows the .pot")
        for src, value in translated.items():
            if src in SAME_IN_CHINESE:
                self.assertIn(value, ("", src), src)
                continue
            self.assertTrue(value, f"untranslated: {src!r}")
            self.assertEqual(
                sorted(PLACEHOLDER.findall(src)),
                sorted(PLACEHOLDER.findall(value)),
                src,
            )

    def test_chinese_users_see_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["hr_recruitment_followup"], ["zh_CN"]
        )
        pool = self.env.ref("hr_recruitment_followup.followup_stage_talent_pool")
        self.assertEqual(pool.with_context(lang="zh_CN").name, "未录用")
        channels = dict(
            self.env["hr.applicant.contact.log"]
            .with_context(lang="zh_CN")
            ._fields["channel"]
            ._description_selection(self.env(context={"lang": "zh_CN"}))
        )
        self.assertEqual(channels["wechat"], "微信")
        self.assertEqual(channels["wecom"], "企业微信")
