import json
import logging
from datetime import timedelta

import requests
from markupsafe import Markup

from odoo import api, fields, models, modules
from odoo.tools import SQL

from ..tools.followup_access import check_scheduled_job_caller

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SEND_TIMEOUT = 10  # seconds
SEND_BATCH_SIZE = 50


class HrRecruitmentFollowupWecomMessage(models.Model):
    _name = "hr.recruitment.followup.wecom.message"
    _description = "WeCom Group Message"
    _order = "id desc"
    _check_company_auto = True

    robot_id = fields.Many2one(
        "hr.recruitment.followup.wecom.robot",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="robot_id.company_id", store=True)
    payload = fields.Text(required=True, help="The JSON body posted to WeCom.")
    content = fields.Text(compute="_compute_content")
    state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")],
        required=True,
        default="queued",
        index=True,
    )
    attempts = fields.Integer(readonly=True)
    # The sending job: WHERE state = 'queued' AND next_attempt <= now.
    next_attempt = fields.Datetime(default=fields.Datetime.now, index=True)
    sent_date = fields.Datetime(string="Sent On", readonly=True)
    last_error = fields.Text(readonly=True)

    @api.depends("payload")
    def _compute_content(self):
        for message in self:
            try:
                data = json.loads(message.payload or "{}")
                message.content = data.get("markdown", {}).get("content") or data.get(
                    "text", {}
                ).get("content")
            except (ValueError, AttributeError):
                message.content = False

    @api.depends("robot_id")
    def _compute_display_name(self):
        for message in self:
            message.display_name = f"{message.robot_id.name} #{message.id}"

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    @api.model
    def _get_send_domain(self, now):
        return [("state", "=", "queued"), ("next_attempt", "<=", now)]

    @api.model
    def _cron_send_queued(self, batch_size=SEND_BATCH_SIZE):
        """Post the queued messages that are due, one commit per message.

        Each message is locked (SKIP LOCKED: a second worker takes others) and
        committed right after its request, so that a crash never posts a
        message twice.
        """
        check_scheduled_job_caller(
            self.env, self.env._("Only the scheduled job posts WeCom messages.")
        )
        auto_commit = not modules.module.current_test
        Message = self.sudo()
        done, seen = 0, set()
        while True:
            now = fields.Datetime.now()
            self.env.flush_all()
            query = Message._search(
                [*self._get_send_domain(now), ("id", "not in", list(seen))],
                order="next_attempt, id",
                limit=batch_size,
            )
            self.env.cr.execute(SQL("%s FOR UPDATE SKIP LOCKED", query.select()))
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                break
            seen.update(ids)
            for message in Message.browse(ids):
                message._send()
                done += 1
                if auto_commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env["ir.cron"]._notify_progress(
                done=done,
                remaining=Message.search_count(
                    [*self._get_send_domain(now), ("id", "not in", list(seen))]
                ),
            )
        return done

    def _post(self):
        """POST the payload to the robot's webhook.

        :return: False on success, else the error to show.
        """
        self.ensure_one()
        try:
            response = requests.post(
                self.robot_id.sudo().webhook_url,
                data=self.payload.encode(),
                headers={"Content-Type": "application/json"},
                timeout=SEND_TIMEOUT,
            )
        except requests.RequestException as error:
            return self.env._("Cannot reach WeCom: %(error)s", error=error)
        if response.status_code != 200:
            return self.env._(
                "HTTP %(status)s: %(body)s",
                status=response.status_code,
                body=response.text[:500],
            )
        try:
            answer = response.json()
        except ValueError:
            return self.env._(
                "Unexpected answer from WeCom: %(body)s", body=response.text[:500]
            )
        if not isinstance(answer, dict) or answer.get("errcode") != 0:
            return self.env._(
                "WeCom error %(code)s: %(message)s",
                code=answer.get("errcode") if isinstance(answer, dict) else "-",
                message=answer.get("errmsg") if isinstance(answer, dict) else answer,
            )
        return False

    def _send(self):
        """Send these messages; a failure is retried with a growing delay, and
        reported to the robot's responsible after the last attempt."""
        for message in self:
            if message.state == "sent":
                continue
            error = message._post()
            now = fields.Datetime.now()
            attempts = message.attempts + 1
            if not error:
                message.write(
                    {
                        "state": "sent",
                        "attempts": attempts,
                        "sent_date": now,
                        "last_error": False,
                    }
                )
                continue
            if attempts < MAX_ATTEMPTS:
                _logger.info(
                    "WeCom message %s: attempt %s failed, retried later: %s",
                    message.id,
                    attempts,
                    error,
                )
                message.write(
                    {
                        "attempts": attempts,
                        "last_error": error,
                        # 2, 4, 8, 16 minutes.
                        "next_attempt": now + timedelta(minutes=2**attempts),
                    }
                )
                continue
            message.write(
                {
                    "state": "failed",
                    "attempts": attempts,
                    "last_error": error,
                    "next_attempt": False,
                }
            )
            _logger.warning(
                "WeCom message %s to %s failed after %s attempts: %s",
                message.id,
                message.robot_id.name,
                attempts,
                error,
            )
            message._notify_failure()

    def _notify_failure(self):
        self.ensure_one()
        robot = self.robot_id.sudo()
        robot.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "A follow-up reminder could not be posted in the WeCom group "
                    "after %(count)s attempts.",
                    count=self.attempts,
                ),
                self.last_error,
            ),
            subtype_xmlid="mail.mt_note",
        )
        responsible = robot.user_id or robot.create_uid
        todo = self.env.ref("mail.mail_activity_data_todo")
        if not robot.activity_ids.filtered(
            lambda a: a.activity_type_id == todo and a.user_id == responsible
        ):
            robot.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("WeCom reminders are not delivered"),
                note=Markup("<p>%s</p>")
                % self.env._(
                    "Check the webhook URL of the robot (the group may have removed "
                    "it), then retry the failed messages."
                ),
                user_id=responsible.id,
            )

    def action_retry(self):
        """Queue these messages again, from the first attempt."""
        self.filtered(lambda m: m.state != "sent").write(
            {
                "state": "queued",
                "attempts": 0,
                "next_attempt": fields.Datetime.now(),
            }
        )
        self._trigger_sending()
        return True

    @api.model
    def _trigger_sending(self):
        """Have the sending job run now rather than at its next interval."""
        cron = self.env.ref(
            "hr_recruitment_followup.ir_cron_wecom_send", raise_if_not_found=False
        )
        if cron:
            cron._trigger()
