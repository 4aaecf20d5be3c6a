import ipaddress
import json
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.base.models.res_partner import _lang_get

from ..tools.followup_access import check_scheduled_job_caller
from ..tools.followup_policy import resolve_tz

# WeCom refuses a markdown message over 4096 bytes (UTF-8).
WECOM_MARKDOWN_LIMIT = 4096
# Room kept for the closing line when the list is cut.
WECOM_MARKDOWN_MARGIN = 300


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class HrRecruitmentFollowupWecomRobot(models.Model):
    _name = "hr.recruitment.followup.wecom.robot"
    _description = "WeCom Group Robot"
    _inherit = ["mail.thread", "mail.activity.mixin"]  # noqa: RUF012
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, help="e.g. the WeCom group of the team.")
    active = fields.Boolean(default=True)
    webhook_url = fields.Char(
        string="Webhook URL",
        required=True,
        tracking=True,
        groups="hr_recruitment.group_hr_recruitment_manager",
        help="The group robot's address, from WeCom: group settings > group robots > "
        "webhook (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...). "
        "Anyone with it can post in the group: keep it private.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    department_ids = fields.Many2many(
        "hr.department",
        string="Departments",
        check_company=True,
        help="Follow-ups of the applicants of these departments.",
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Recruiters",
        domain="[('share', '=', False)]",
        help="Follow-ups of the applicants these recruiters are in charge of. Neither "
        "departments nor recruiters: every follow-up of the company.",
    )
    lang = fields.Selection(
        _lang_get,
        string="Language",
        default=lambda self: self.env.lang,
        help="Language of the reminders posted in the group.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="Told (by an activity) when a message cannot be delivered.",
    )
    wecom_message_ids = fields.One2many(
        "hr.recruitment.followup.wecom.message", "robot_id", string="WeCom Messages"
    )
    failed_message_count = fields.Integer(compute="_compute_failed_message_count")

    def _compute_failed_message_count(self):
        counts = dict(
            self.env["hr.recruitment.followup.wecom.message"]._read_group(
                [("robot_id", "in", self.ids), ("state", "=", "failed")],
                ["robot_id"],
                ["__count"],
            )
        )
        for robot in self:
            robot.failed_message_count = counts.get(robot, 0)

    @api.constrains("webhook_url")
    def _check_webhook_url(self):
        for robot in self.sudo():
            url = (robot.webhook_url or "").strip()
            parts = urlsplit(url)
            host = parts.hostname or ""
            secure = parts.scheme == "https" and host
            local = parts.scheme == "http" and _is_loopback(host)
            if not (secure or local):
                raise ValidationError(
                    self.env._(
                        "The webhook URL of %(robot)s must start with https:// (e.g. "
                        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...), "
                        "not %(url)s.",
                        robot=robot.name,
                        url=url,
                    )
                )

    # ------------------------------------------------------------------
    # The daily reminder
    # ------------------------------------------------------------------

    def _followup_tz(self):
        self.ensure_one()
        return resolve_tz(
            self.company_id.followup_tz, self.company_id.partner_id.tz, "Asia/Shanghai"
        )

    def _get_followup_reminder_domain(self):
        """Applicants of this robot's team with a follow-up due today or late."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("do_not_contact", "=", False),
            "|",
            ("followup_due_today", "=", True),
            ("followup_overdue", "=", True),
        ]
        scope = []
        if self.user_ids:
            scope.append([("user_id", "in", self.user_ids.ids)])
        if self.department_ids:
            scope.append([("department_id", "in", self.department_ids.ids)])
        if len(scope) == 2:
            domain += ["|", *scope[0], *scope[1]]
        elif scope:
            domain += scope[0]
        return domain

    def _followup_reminder_applicants(self):
        self.ensure_one()
        return (
            self.env["hr.applicant"]
            .sudo()
            .with_context(active_test=False, tz=self._followup_tz())
            .search(
                self._get_followup_reminder_domain(),
                order="user_id, next_followup_date, id",
            )
        )

    def _followup_reminder_content(self, applicants):
        """The markdown reminder for these applicants, in the robot's language."""
        self.ensure_one()
        robot = self.with_context(lang=self.lang or self.env.lang)
        env = robot.env
        Applicant = env["hr.applicant"].with_context(tz=robot._followup_tz())
        channels = dict(
            Applicant._fields["preferred_channel"]._description_selection(env)
        )
        base_url = robot.get_base_url()
        header = env._(
            "## Follow-up reminder: %(count)s follow-ups due today",
            count=len(applicants),
        )
        lines = [header]
        shown = 0
        for user, group in applicants.grouped("user_id").items():
            recruiter = user.name or env._("No recruiter")
            block = ["", f"> **{recruiter}** ({len(group)})"]
            for applicant in Applicant.browse(group.ids):
                name = applicant.partner_name or applicant.display_name
                channel = channels.get(applicant.preferred_channel) or channels.get(
                    "phone"
                )
                late = ""
                if applicant.followup_overdue:
                    overdue = env._("overdue")
                    late = f' <font color="warning">{overdue}</font>'

                block.append(
                    f"- [{name}]({base_url}/odoo/hr.applicant/{applicant.id}) · "
                    f"{applicant.job_id.name or '-'} · {channel}{late}"
                )
            for line in block:
                size = len("\n".join([*lines, line]).encode())
                if size > WECOM_MARKDOWN_LIMIT - WECOM_MARKDOWN_MARGIN:
                    break
                lines.append(line)
                shown += line.startswith("- ")
        if shown < len(applicants):
            my_followups = (
                f"{base_url}/odoo/action-"
                "hr_recruitment_followup.hr_applicant_action_my_followups"
            )
            lines += [
                "",
                env._(
                    "... and %(count)s more: [My Follow-ups](%(url)s)",
                    count=len(applicants) - shown,
                    url=my_followups,
                ),
            ]
        return "\n".join(lines)

    def _followup_queue(self, content):
        """Queue ``content`` for the group; the sending job posts it."""
        self.ensure_one()
        message = (
            self.env["hr.recruitment.followup.wecom.message"]
            .sudo()
            .create(
                {
                    "robot_id": self.id,
                    "payload": json.dumps(
                        {"msgtype": "markdown", "markdown": {"content": content}},
                        ensure_ascii=False,
                    ),
                    "next_attempt": fields.Datetime.now(),
                }
            )
        )
        message._trigger_sending()
        return message

    @api.model
    def _cron_queue_daily_reminders(self):
        """Queue each robot's reminder of the follow-ups due today."""
        check_scheduled_job_caller(
            self.env, self.env._("Only the scheduled job queues WeCom reminders.")
        )
        messages = self.env["hr.recruitment.followup.wecom.message"]
        for robot in self.sudo().search([]):
            applicants = robot._followup_reminder_applicants()
            if applicants:
                messages |= robot._followup_queue(
                    robot._followup_reminder_content(applicants)
                )
        return messages

    def action_send_test(self):
        """Post a test message now and say whether WeCom accepted it."""
        self.ensure_one()
        robot = self.with_context(lang=self.lang or self.env.lang)
        message = robot._followup_queue(
            robot.env._(
                "Test from Odoo: follow-up reminders for %(name)s will be posted here.",
                name=robot.name,
            )
        )
        message._send()
        if message.state != "sent":
            raise UserError(
                self.env._(
                    "WeCom did not accept the test message: %(error)s",
                    error=message.last_error,
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The test message was posted in the group."),
            },
        }

    def action_open_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hr_recruitment_followup.hr_recruitment_followup_wecom_message_action"
        )
        action["domain"] = [("robot_id", "=", self.id)]
        action["context"] = {"search_default_failed": 1}
        return action
