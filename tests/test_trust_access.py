"""Trust: who may read, write, create and delete what the addon adds.

One table, one row per (model, target, operation) with the users allowed; every
other user must be refused: the test checks the whole matrix both ways, so a
right granted by mistake fails as surely as one missing. New models, reports,
actions and menus of the module must be added to the tables: the completeness
tests fail until they are.
"""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import FollowupCommon

MODULE = "hr_recruitment_followup"
USERS = (
    "interviewer",  # interviews `applicant`
    "interviewer_other",  # interviews nobody
    "officer",  # recruitment officer of the main company (fu_recruiter)
    "manager",  # recruitment manager of the main company
    "portal",
    "public",
    "officer_b",  # recruitment officer of the second company only
)
RECRUITMENT_A = {"interviewer", "interviewer_other", "officer", "manager"}
RECRUITMENT = RECRUITMENT_A | {"officer_b"}
OFFICERS_A = {"officer", "manager"}
OFFICERS = OFFICERS_A | {"officer_b"}
ASSIGNED_A = {"interviewer", "officer", "manager"}

# (model, target, operation, users allowed). Targets are defined in setUpClass:
# records for read / write / unlink / calls, values for create.
MATRIX = (
    # Contact log. Officers and managers of the company: everything. An
    # interviewer reads the log of the applicants they interview, writes their
    # own entries there and never deletes. Automated entries are the job's.
    ("hr.applicant.contact.log", "log_recruiter", "read", ASSIGNED_A),
    ("hr.applicant.contact.log", "log_recruiter", "write", OFFICERS_A),
    ("hr.applicant.contact.log", "log_recruiter", "unlink", OFFICERS_A),
    ("hr.applicant.contact.log", "log_interviewer", "read", ASSIGNED_A),
    ("hr.applicant.contact.log", "log_interviewer", "write", ASSIGNED_A),
    ("hr.applicant.contact.log", "log_interviewer", "unlink", OFFICERS_A),
    ("hr.applicant.contact.log", "log_interviewer_moved", "write", OFFICERS_A),
    ("hr.applicant.contact.log", "log_interviewer_signed", "write", OFFICERS_A),
    ("hr.applicant.contact.log", "log_other", "read", OFFICERS_A),
    ("hr.applicant.contact.log", "log_other", "write", OFFICERS_A),
    ("hr.applicant.contact.log", "log_b", "read", {"officer_b"}),
    ("hr.applicant.contact.log", "log_b", "write", {"officer_b"}),
    ("hr.applicant.contact.log", "log_b", "unlink", {"officer_b"}),
    ("hr.applicant.contact.log", "log_automated", "read", ASSIGNED_A),
    ("hr.applicant.contact.log", "log_automated_rewritten", "write", set()),
    ("hr.applicant.contact.log", "log_mine_made_automated", "write", set()),
    ("hr.applicant.contact.log", "new_log", "create", ASSIGNED_A),
    ("hr.applicant.contact.log", "new_log_other", "create", OFFICERS_A),
    ("hr.applicant.contact.log", "new_log_b", "create", {"officer_b"}),
    ("hr.applicant.contact.log", "new_log_forged_automated", "create", set()),
    # Follow-up stages: shared by the companies, read in recruitment, managed by
    # managers.
    ("hr.recruitment.followup.stage", "stage", "read", RECRUITMENT),
    ("hr.recruitment.followup.stage", "stage", "write", {"manager"}),
    ("hr.recruitment.followup.stage", "stage_unused", "unlink", {"manager"}),
    ("hr.recruitment.followup.stage", "new_stage", "create", {"manager"}),
    ("hr.recruitment.followup.stage", "stage", "action_open_applicants", RECRUITMENT),
    # Follow-up rules: per company or shared, read in recruitment, managed by
    # managers.
    ("hr.recruitment.followup.rule", "rule_shared", "read", RECRUITMENT),
    ("hr.recruitment.followup.rule", "rule_shared", "write", {"manager"}),
    ("hr.recruitment.followup.rule", "rule_shared", "unlink", {"manager"}),
    ("hr.recruitment.followup.rule", "rule_a", "read", RECRUITMENT_A),
    ("hr.recruitment.followup.rule", "rule_a", "write", {"manager"}),
    ("hr.recruitment.followup.rule", "rule_b", "read", {"officer_b"}),
    ("hr.recruitment.followup.rule", "rule_b", "write", set()),
    ("hr.recruitment.followup.rule", "new_rule", "create", {"manager"}),
    ("hr.recruitment.followup.rule", "new_rule_b", "create", set()),
    # Decline reasons: read in recruitment, managed by managers.
    ("hr.applicant.decline.reason", "reason", "read", RECRUITMENT),
    ("hr.applicant.decline.reason", "reason", "write", {"manager"}),
    ("hr.applicant.decline.reason", "reason", "unlink", {"manager"}),
    ("hr.applicant.decline.reason", "new_reason", "create", {"manager"}),
    # WeCom group robots and their messages: per company; read by the company's
    # officers (the webhook URL itself is the managers'), managed by managers.
    ("hr.recruitment.followup.wecom.robot", "robot_a", "read", OFFICERS_A),
    ("hr.recruitment.followup.wecom.robot", "robot_a", "write", {"manager"}),
    ("hr.recruitment.followup.wecom.robot", "robot_a", "unlink", {"manager"}),
    ("hr.recruitment.followup.wecom.robot", "robot_b", "read", {"officer_b"}),
    ("hr.recruitment.followup.wecom.robot", "robot_b", "write", set()),
    ("hr.recruitment.followup.wecom.robot", "new_robot", "create", {"manager"}),
    ("hr.recruitment.followup.wecom.message", "wecom_a", "read", OFFICERS_A),
    ("hr.recruitment.followup.wecom.message", "wecom_a", "write", {"manager"}),
    ("hr.recruitment.followup.wecom.message", "wecom_a", "unlink", {"manager"}),
    ("hr.recruitment.followup.wecom.message", "wecom_b", "read", {"officer_b"}),
    ("hr.recruitment.followup.wecom.message", "wecom_b", "write", set()),
    ("hr.recruitment.followup.wecom.message", "new_wecom", "create", {"manager"}),
    # Rate limit of the public decline survey: written by the page (sudo), read
    # and cleaned by administrators only.
    ("hr.recruitment.followup.rate.limit", "rate_hit", "read", set()),
    ("hr.recruitment.followup.rate.limit", "rate_hit", "write", set()),
    ("hr.recruitment.followup.rate.limit", "rate_hit", "unlink", set()),
    ("hr.recruitment.followup.rate.limit", "new_rate_hit", "create", set()),
    # The follow-up fields of applicants and candidates follow core's access to
    # them (an interviewer edits the applicants they interview); the planner's
    # own fields are written by the planner only.
    ("hr.applicant", "applicant", "read", ASSIGNED_A),
    ("hr.applicant", "applicant_followup", "write", ASSIGNED_A),
    ("hr.applicant", "applicant_do_not_contact", "write", ASSIGNED_A),
    ("hr.applicant", "applicant_planner", "write", set()),
    ("hr.applicant", "other_applicant", "read", OFFICERS_A),
    ("hr.applicant", "other_applicant_followup", "write", OFFICERS_A),
    ("hr.applicant", "applicant_b", "read", {"officer_b"}),
    ("hr.applicant", "applicant_b_followup", "write", {"officer_b"}),
    ("hr.applicant", "applicant", "action_log_contact", ASSIGNED_A),
    ("hr.applicant", "applicant", "action_open_contact_logs", ASSIGNED_A),
    ("hr.applicant", "applicant_b", "action_log_contact", {"officer_b"}),
    ("hr.job", "job", "read_followup_tier", RECRUITMENT_A),
    ("hr.job", "job_tier", "write", OFFICERS_A),
    # Contact hours and caps are the administrator's (Settings).
    ("res.company", "company_followup", "write", set()),
)
# Reports (SQL views): officers and managers read the rows of their companies;
# nobody writes. Targets: "<model>/a" (main company), "<model>/b" (second one).
REPORT_MODELS = (
    "hr.recruitment.followup.funnel.report",
    "hr.recruitment.followup.decline.report",
    "hr.recruitment.followup.sla.report",
    "hr.recruitment.followup.pool.report",
)
MATRIX += tuple(
    row
    for model in REPORT_MODELS
    for row in (
        (model, f"{model}/a", "read", OFFICERS_A),
        (model, f"{model}/b", "read", {"officer_b"}),
        (model, f"{model}/a", "write", set()),
        (model, f"{model}/a", "unlink", set()),
        (model, "new_report_row", "create", set()),
    )
)
# Fields read for each model (our own fields on inherited models).
READ_FIELDS = {
    "hr.applicant.contact.log": ["summary", "channel", "next_contact_date"],
    "hr.recruitment.followup.stage": ["name", "recruitment_stage_ids"],
    "hr.recruitment.followup.rule": ["name", "delay", "mail_template_id"],
    "hr.applicant.decline.reason": ["name", "code"],
    "hr.recruitment.followup.rate.limit": ["key", "address"],
    "hr.recruitment.followup.wecom.robot": ["name", "company_id"],
    "hr.recruitment.followup.wecom.message": ["payload", "state"],
    "hr.applicant": [
        "followup_stage_id",
        "next_followup_date",
        "last_contact_date",
        "do_not_contact",
        "do_not_contact_reason",
        "worth_level",
        "declined_by",
        "decline_comment",
        "contact_log_count",
        "followup_overdue",
    ],
    "hr.recruitment.followup.funnel.report": ["stage_id", "reached_count"],
    "hr.recruitment.followup.decline.report": ["reason_id", "salary_gap"],
    "hr.recruitment.followup.sla.report": ["user_id", "delay_hours"],
    "hr.recruitment.followup.pool.report": ["job_id", "touched_count"],
}
# Window actions of the module: (xml id, users who can open what they show).
ACTIONS = (
    ("hr_applicant_action_my_followups", RECRUITMENT),
    ("hr_applicant_contact_log_action", RECRUITMENT),
    ("hr_recruitment_followup_stage_action", RECRUITMENT),
    ("hr_recruitment_followup_rule_action", RECRUITMENT),
    ("hr_applicant_decline_reason_action", RECRUITMENT),
    # Candidates are not readable by interviewers in core: neither is the pool.
    ("hr_candidate_action_talent_pool", OFFICERS_A | {"officer_b"}),
    ("hr_recruitment_followup_wecom_robot_action", OFFICERS_A | {"officer_b"}),
    ("hr_recruitment_followup_wecom_message_action", OFFICERS_A | {"officer_b"}),
    ("hr_applicant_followup_import_action", OFFICERS_A | {"officer_b"}),
    ("hr_recruitment_followup_funnel_report_action", OFFICERS),
    ("hr_recruitment_followup_decline_report_action", OFFICERS),
    ("hr_recruitment_followup_sla_report_action", OFFICERS),
    ("hr_recruitment_followup_pool_report_action", OFFICERS),
    ("hr_recruitment_followup_summary_action", OFFICERS),
    # Applicants and the contact log, as they show them to each user.
    ("hr_applicant_action_followup_overdue", RECRUITMENT),
    ("hr_applicant_contact_log_action_report", RECRUITMENT),
)
# Server actions. The scheduled job's: its code works on every company, as
# superuser, so it refuses anyone but the job and administrators. (The re-plan
# on change is no longer an automation rule with server actions: see
# models/calendar_event.py.)
SERVER_ACTIONS = (
    ("ir_cron_process_followups_ir_actions_server", None, set()),
    ("ir_cron_talent_pool_retention_ir_actions_server", None, set()),
    ("ir_cron_wecom_daily_ir_actions_server", None, set()),
    ("ir_cron_wecom_send_ir_actions_server", None, set()),
)
MENUS = (
    ("menu_hr_applicant_my_followups", RECRUITMENT),
    ("menu_hr_applicant_contact_log", RECRUITMENT),
    ("menu_hr_recruitment_followup_stage", {"manager"}),
    ("menu_hr_recruitment_followup_rule", {"manager"}),
    ("menu_hr_applicant_decline_reason", {"manager"}),
    ("menu_hr_candidate_talent_pool", OFFICERS_A | {"officer_b"}),
    ("menu_hr_recruitment_followup_wecom_robot", {"manager"}),
    ("menu_hr_recruitment_followup_wecom_message", {"manager"}),
    ("menu_hr_applicant_followup_import", OFFICERS_A | {"officer_b"}),
    # Recruitment > Reporting is for officers and managers.
    ("menu_hr_recruitment_followup_funnel_report", OFFICERS),
    ("menu_hr_recruitment_followup_decline_report", OFFICERS),
    ("menu_hr_recruitment_followup_sla_report", OFFICERS),
    ("menu_hr_applicant_followup_overdue_report", OFFICERS),
    ("menu_hr_applicant_contact_log_report", OFFICERS),
    ("menu_hr_recruitment_followup_pool_report", OFFICERS),
    ("menu_hr_recruitment_followup_summary", OFFICERS),
)
# (xml id, target printed, users allowed)
REPORTS = (
    ("action_report_followup_summary", "summary_a", OFFICERS_A),
    ("action_report_followup_summary", "summary_b", {"officer_b"}),
)


@tagged("post_install", "-at_install")
class TestTrustAccess(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Log = cls.env["hr.applicant.contact.log"]
        cls.company_b = cls.env["res.company"].create({"name": "Second Company"})
        cls.users = {
            "interviewer": cls.interviewer,
            "interviewer_other": new_test_user(
                cls.env,
                "fu_interviewer_other",
                groups="hr_recruitment.group_hr_recruitment_interviewer",
            ),
            "officer": cls.recruiter,
            "manager": cls.manager,
            "portal": new_test_user(cls.env, "fu_portal", groups="base.group_portal"),
            "public": cls.env.ref("base.public_user"),
            "officer_b": new_test_user(
                cls.env,
                "fu_officer_b",
                groups="hr_recruitment.group_hr_recruitment_user",
                company_id=cls.company_b.id,
                company_ids=[Command.set(cls.company_b.ids)],
            ),
        }
        cls.applicant.interviewer_ids = cls.interviewer
        other = cls._new_applicant("Not His", stage_id=cls.stage_first.id)
        job_b = cls.env["hr.job"].create(
            {"name": "Sales B", "company_id": cls.company_b.id}
        )
        candidate_b = cls.env["hr.candidate"].create(
            {"partner_name": "Candidate B", "company_id": cls.company_b.id}
        )
        applicant_b = cls.env["hr.applicant"].create(
            {
                "candidate_id": candidate_b.id,
                "job_id": job_b.id,
                "company_id": cls.company_b.id,
                "stage_id": cls.stage_first.id,
            }
        )
        log_interviewer = Log.create(
            {
                "applicant_id": cls.applicant.id,
                "user_id": cls.interviewer.id,
                "summary": "Technical questions",
            }
        )
        rule_shared = cls.env.ref(
            "hr_recruitment_followup.followup_rule_after_interview"
        )
        rule_a = rule_shared.copy({"company_id": cls.company.id, "name": "Rule A"})
        rule_b = rule_shared.copy({"company_id": cls.company_b.id, "name": "Rule B"})
        automated = Log.create(
            {
                "applicant_id": cls.applicant.id,
                "channel": "email",
                "automated": True,
                "user_id": False,
                "rule_id": rule_shared.id,
                "followup_anchor": "interview:2026-03-02 03:00:00",
                "summary": "Thank you for your interview",
            }
        )
        template = rule_shared.mail_template_id
        interview = cls.env["calendar.event"].create(
            {
                "name": "Interview",
                "applicant_id": cls.applicant.id,
                "start": "2026-03-02 02:00:00",
                "stop": "2026-03-02 03:00:00",
            }
        )
        Robot = cls.env["hr.recruitment.followup.wecom.robot"]
        robot_a = Robot.create(
            {
                "name": "Team A",
                "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a",
                "company_id": cls.company.id,
            }
        )
        robot_b = Robot.create(
            {
                "name": "Team B",
                "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=b",
                "company_id": cls.company_b.id,
            }
        )
        cls.targets = {
            "log_recruiter": Log.create(
                {
                    "applicant_id": cls.applicant.id,
                    "user_id": cls.recruiter.id,
                    "summary": "Offer explained",
                }
            ),
            "log_interviewer": log_interviewer,
            "log_interviewer_moved": (log_interviewer, {"applicant_id": other.id}),
            "log_interviewer_signed": (
                log_interviewer,
                {"user_id": cls.recruiter.id},
            ),
            "log_other": Log.create({"applicant_id": other.id, "summary": "Other"}),
            "log_b": Log.create({"applicant_id": applicant_b.id, "summary": "B"}),
            "log_automated": automated,
            "log_automated_rewritten": (automated, {"followup_occurrence": 5}),
            "log_mine_made_automated": (
                log_interviewer,
                {"automated": True, "rule_id": rule_shared.id},
            ),
            "new_log": {"applicant_id": cls.applicant.id, "summary": "New"},
            "new_log_other": {"applicant_id": other.id, "summary": "New"},
            "new_log_b": {"applicant_id": applicant_b.id, "summary": "New"},
            "new_log_forged_automated": {
                "applicant_id": cls.applicant.id,
                "channel": "email",
                "automated": True,
                "rule_id": rule_shared.id,
                "followup_anchor": "interview:2026-03-02 03:00:00",
                "followup_occurrence": 1,
            },
            "stage": cls.fu_pre_offer,
            "stage_unused": cls.env["hr.recruitment.followup.stage"].create(
                {"name": "Unused"}
            ),
            "new_stage": {"name": "Waiting for references"},
            "rule_shared": rule_shared,
            "rule_a": rule_a,
            "rule_b": rule_b,
            "new_rule": {
                "name": "New rule",
                "channel": "email",
                "mail_template_id": template.id,
            },
            "new_rule_b": {
                "name": "New rule B",
                "company_id": cls.company_b.id,
                "channel": "email",
                "mail_template_id": template.id,
            },
            "reason": cls.env.ref("hr_recruitment_followup.decline_reason_salary"),
            "new_reason": {"name": "Visa", "code": "visa"},
            "robot_a": robot_a,
            "robot_b": robot_b,
            "new_robot": {
                "name": "New robot",
                "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=new",
                "company_id": cls.company.id,
            },
            "wecom_a": robot_a.wecom_message_ids.create(
                {"robot_id": robot_a.id, "payload": '{"msgtype": "markdown"}'}
            ),
            "wecom_b": robot_b.wecom_message_ids.create(
                {"robot_id": robot_b.id, "payload": '{"msgtype": "markdown"}'}
            ),
            "new_wecom": {"robot_id": robot_a.id, "payload": '{"msgtype": "text"}'},
            "rate_hit": cls.env["hr.recruitment.followup.rate.limit"].create(
                {"key": "decline_survey", "address": "203.0.113.7"}
            ),
            "new_rate_hit": {"key": "decline_survey", "address": "203.0.113.8"},
            "applicant": cls.applicant,
            "applicant_followup": (
                cls.applicant,
                {
                    "worth_job_match": 4,
                    "preferred_channel": "wechat",
                    "start_date": "2026-04-01",
                    "followup_stage_id": cls.fu_pre_offer.id,
                },
            ),
            "applicant_do_not_contact": (
                cls.applicant,
                {"do_not_contact": True, "do_not_contact_reason": "Asked us"},
            ),
            "applicant_planner": (
                cls.applicant,
                {"followup_rule_id": False, "followup_rule_due": False},
            ),
            "other_applicant": other,
            "other_applicant_followup": (other, {"worth_intent": 3}),
            "applicant_b": applicant_b,
            "applicant_b_followup": (applicant_b, {"worth_intent": 3}),
            "job": cls.job,
            "job_tier": (cls.job, {"followup_tier": "core"}),
            "company_followup": (
                cls.company,
                {"followup_hour_from": 8.0, "followup_cap_core_per_day": 2},
            ),
            "interview": interview,
        }
        cls._setup_report_targets(applicant_b)

    @classmethod
    def _setup_report_targets(cls, applicant_b):
        """Rows of the reports for an application of each company."""
        declined = cls.env.ref("hr_recruitment_followup.refuse_reason_offer_declined")
        now = fields.Datetime.now()
        refused = cls.env["hr.applicant"]
        for applicant in (cls.applicant, applicant_b):
            cls.env["calendar.event"].create(
                {
                    "name": "Interview",
                    "applicant_id": applicant.id,
                    "start": now - timedelta(days=1, hours=1),
                    "stop": now - timedelta(days=1),
                }
            )
            refused |= applicant.copy(
                {
                    "candidate_id": applicant.candidate_id.id,
                    "stage_id": applicant.stage_id.id,
                }
            )
        refused.write(
            {"refuse_reason_id": declined.id, "active": False, "refuse_date": now}
        )
        cls.env.flush_all()
        rows = {
            "hr.recruitment.followup.funnel.report": (cls.applicant, applicant_b),
            "hr.recruitment.followup.decline.report": refused,
            "hr.recruitment.followup.sla.report": (cls.applicant, applicant_b),
            "hr.recruitment.followup.pool.report": refused,
        }
        for model, (of_a, of_b) in rows.items():
            for suffix, applicant in (("a", of_a), ("b", of_b)):
                row = cls.env[model].search([("applicant_id", "=", applicant.id)])
                cls.targets[f"{model}/{suffix}"] = row[:1]
        cls.targets["new_report_row"] = {}
        Summary = cls.env["hr.recruitment.followup.summary"]
        cls.targets["summary_a"] = Summary.create({"company_id": cls.company.id})
        cls.targets["summary_b"] = Summary.create({"company_id": cls.company_b.id})

    # -- helpers ----------------------------------------------------------

    def _attempt(self, user_key, func):
        """Run ``func(env)`` as the user; True if allowed, False if refused.

        Any error other than an access error fails the test. Rolled back either
        way, so that every row starts from the same data.
        """
        env = self.env(user=self.users[user_key])
        savepoint = self.env.cr.savepoint()
        try:
            func(env)
            env.flush_all()
            return True
        except AccessError:
            return False
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()

    def _operation(self, model, target, operation):
        value = self.targets[target]
        if operation == "create":
            return lambda env: env[model].create(dict(value))
        if operation == "write":
            record, vals = value if isinstance(value, tuple) else (value, None)
            vals = vals or {READ_FIELDS[model][0]: "Changed"}
            return lambda env: env[model].browse(record.id).write(dict(vals))
        if operation == "unlink":
            return lambda env: env[model].browse(value.id).unlink()
        if operation == "read":

            def read(env):
                # Readable and found by a search: both or neither.
                found = env[model].search([("id", "=", value.id)])
                try:
                    env[model].browse(value.id).read(READ_FIELDS[model])
                except AccessError:
                    self.assertFalse(found, "found by search but not readable")
                    raise
                self.assertTrue(found, "readable but not found by search")

            return read
        if operation == "read_followup_tier":
            return lambda env: env[model].browse(value.id).read(["followup_tier"])
        return lambda env: getattr(env[model].browse(value.id), operation)()

    def _check(self, label, allowed, func):
        for user_key in USERS:
            with self.subTest(label, user=user_key):
                self.assertEqual(
                    self._attempt(user_key, func),
                    user_key in allowed,
                    f"{user_key} {'refused' if user_key in allowed else 'allowed'}",
                )

    # -- the matrix -------------------------------------------------------

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_access_matrix(self):
        for model, target, operation, allowed in MATRIX:
            self._check(
                f"{operation} {model} {target}",
                allowed,
                self._operation(model, target, operation),
            )

    def test_window_actions(self):
        for xmlid, allowed in ACTIONS:
            action = self.env.ref(f"{MODULE}.{xmlid}")

            def open_action(env, action=action):
                # What the web client does: read the action, search its model.
                data = env["ir.actions.act_window"]._for_xml_id(action.xml_id)
                env[data["res_model"]].search(data.get("domain") or [], limit=80)

            self._check(f"open {xmlid}", allowed, open_action)

    @mute_logger("odoo.addons.base.models.ir_actions")
    def test_server_actions(self):
        for xmlid, target, allowed in SERVER_ACTIONS:
            action = self.env.ref(f"{MODULE}.{xmlid}")
            record = self.targets[target] if target else None
            context = (
                (("active_model", record._name), ("active_ids", record.ids))
                if record
                else ()
            )

            def run(env, action=action, context=context):
                env["ir.actions.server"].browse(action.id).with_context(
                    **dict(context)
                ).run()

            self._check(f"run {xmlid}", allowed, run)

    def test_menus(self):
        for user_key in USERS:
            try:
                visible = (
                    self.env["ir.ui.menu"]
                    .with_user(self.users[user_key])
                    ._visible_menu_ids()
                )
            except AccessError:  # the public user may not read menus at all
                visible = set()
            for xmlid, allowed in MENUS:
                with self.subTest(menu=xmlid, user=user_key):
                    menu = self.env.ref(f"{MODULE}.{xmlid}")
                    self.assertEqual(menu.id in visible, user_key in allowed)

    # -- completeness: what the module adds is in the tables --------------

    def _module_records(self, model):
        return self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", model)]
        )

    def test_every_model_of_the_module_is_in_the_matrix(self):
        own = {
            name
            for name, model in self.env.registry.items()
            if model._original_module == MODULE
            and not model._abstract
            and not model._transient
        }
        covered = {(model, operation) for model, _target, operation, _users in MATRIX}
        for name in own:
            for operation in ("read", "write", "create", "unlink"):
                self.assertIn((name, operation), covered, f"{name}: no {operation} row")
        acl = self.env["ir.model.access"].search([("model_id.model", "in", list(own))])
        self.assertEqual(set(acl.model_id.mapped("model")), own, "ACL for each")

    def test_printed_reports(self):
        for xmlid, target, allowed in REPORTS:
            summary = self.targets[target]

            def render(env, xmlid=xmlid, summary=summary):
                env["ir.actions.report"]._render_qweb_html(
                    f"{MODULE}.{xmlid}", summary.ids
                )

            self._check(f"print {xmlid} {target}", allowed, render)

    def test_every_action_menu_and_report_is_in_the_tables(self):
        def xmlids(model):
            return set(self._module_records(model).mapped("name"))

        self.assertEqual(xmlids("ir.actions.act_window"), {a[0] for a in ACTIONS})
        self.assertEqual(xmlids("ir.actions.server"), {a[0] for a in SERVER_ACTIONS})
        self.assertEqual(xmlids("ir.ui.menu"), {m[0] for m in MENUS})
        self.assertEqual(xmlids("ir.actions.report"), {r[0] for r in REPORTS})
