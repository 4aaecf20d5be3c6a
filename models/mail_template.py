import logging

from lxml import html
from markupsafe import Markup

from odoo import Command, models
from odoo.tools.rendering_tools import parse_inline_template
from odoo.tools.safe_eval import (
    _BUILTINS,
    _SAFE_OPCODES,
    check_values,
    test_expr,
    unsafe_eval,
)

from ..tools.core_internals import fast_paths_enabled

_logger = logging.getLogger(__name__)

# What mail.template.send_mail_batch() renders for each mail.
SEND_FIELDS = (
    "attachment_ids",
    "auto_delete",
    "body_html",
    "email_cc",
    "email_from",
    "email_to",
    "mail_server_id",
    "model",
    "partner_to",
    "reply_to",
    "report_template_ids",
    "res_id",
    "scheduled_date",
    "subject",
)


class MailTemplate(models.Model):
    _inherit = "mail.template"

    # ------------------------------------------------------------------
    # Batch rendering for the follow-up job
    #
    # Core renders a QWeb body by parsing and compiling the template again for
    # every record, and evaluates every ``{{ expression }}`` with safe_eval,
    # which compiles and checks it again for every record: most of the time
    # of send_mail_batch(). Here each (template, language, field) is compiled
    # once per batch and run on every record with the same evaluation context
    # as core, so the output is the same, byte for byte (tests compare them).
    # Anything core does that this path does not reproduce (layouts, reports,
    # default recipients, preview language...) goes through core instead, and
    # so does everything when not running as superuser or when the fast paths
    # are turned off (see _followup_fast_render_allowed).
    # The core code it mirrors: tools/core_internals.py ("rendering",
    # "template_generation").
    # ------------------------------------------------------------------

    def _followup_fast_render_allowed(self):
        """Whether the compiled renderer may run instead of core's.

        Only as superuser (the scheduled job): core restricts what a user who
        is not a template editor may render (``is_restricted``,
        ``raise_on_forbidden_code_for_model`` in mail.render.mixin); the
        compiled renderer does not reproduce that, so any other caller renders
        through core, which applies it. Never when the administrator turned the
        fast paths off (``hr_recruitment_followup.fast_paths``).
        """
        return self.env.su and fast_paths_enabled(self.env)

    def _followup_fast_render_supported(self):
        self.ensure_one()
        return self._followup_fast_render_allowed() and not (
            self.email_layout_xmlid
            or self.report_template_ids
            or self.use_default_to
            or self.env.context.get("template_preview_lang")
        )

    def _followup_send_batch(self, res_ids, email_values_by_id):
        """Queue this template's mail for each of ``res_ids``, like send_mail_batch.

        :param dict email_values_by_id: {res_id: values overriding the rendered
            ones} (e.g. the ``scheduled_date`` of each mail)
        :return: {res_id: (mail.mail, subject)}
        """
        self.ensure_one()
        email_values_by_id = self._followup_with_reply_to(res_ids, email_values_by_id)
        if not self._followup_fast_render_supported():
            return self._followup_send_batch_core(res_ids, email_values_by_id)
        self._send_check_access(res_ids)
        rendered = self._followup_generate_template(res_ids)
        names = {}
        if "default_record_name" not in self.env.context:
            # mail.message would read them one record at a time.
            records = self.env[self.model].sudo().browse(res_ids)
            names = {record.id: record.display_name for record in records}
        values_list, attachments_list = [], []
        for res_id in res_ids:
            values = rendered[res_id]
            values["recipient_ids"] = [
                (4, pid) for pid in values.get("partner_ids") or []
            ]
            values["attachment_ids"] = [
                (4, aid) for aid in values.get("attachment_ids") or []
            ]
            values.update(email_values_by_id.get(res_id) or {})
            attachments_list.append(values.pop("attachments", []))
            if "email_from" in values and not values.get("email_from"):
                values.pop("email_from")
            values["body"] = values["body_html"]
            if res_id in names:
                values["record_name"] = names[res_id]
            values_list.append(values)
        mails = self.env["mail.mail"].sudo()._followup_create_batch(values_list)
        for mail, attachments in zip(mails, attachments_list, strict=True):
            if attachments:
                # As send_mail_batch(): report-like attachments join the message.
                mail.with_context(default_type=None).write(
                    {
                        "attachment_ids": [
                            Command.create(
                                {
                                    "name": name,
                                    "datas": datas,
                                    "type": "binary",
                                    "res_model": "mail.message",
                                    "res_id": mail.mail_message_id.id,
                                }
                            )
                            for name, datas in attachments
                        ]
                    }
                )
        return {
            values["res_id"]: (mail, values.get("subject"))
            for values, mail in zip(values_list, mails, strict=True)
        }

    def _followup_reply_to(self, res_ids):
        """{res_id: Reply-To} that core's ``message_post_with_source`` gives the
        mails of this template, when the template sets none: the record's alias
        or its company's catchall (``_notify_get_reply_to``), computed for all
        of ``res_ids`` at once. Empty when the template has its own ``reply_to``
        (rendered with the rest) or when there is no alias nor catchall (the
        mail server then answers to the sender, as core does).

        ``send_mail()`` alone leaves the Reply-To empty: the candidate's answer
        would go to the sender's mailbox instead of the applicant's thread.
        """
        self.ensure_one()
        if self.reply_to or not res_ids:
            return {}
        records = self.env[self.model].sudo().browse(res_ids)
        return {
            res_id: reply_to
            for res_id, reply_to in records._notify_get_reply_to(default=False).items()
            if res_id and reply_to
        }

    def _followup_with_reply_to(self, res_ids, email_values_by_id):
        """``email_values_by_id`` completed with ``_followup_reply_to()``."""
        reply_tos = self._followup_reply_to(res_ids)
        if not reply_tos:
            return email_values_by_id
        return {
            res_id: {
                "reply_to": reply_tos[res_id],
                **(email_values_by_id.get(res_id) or {}),
            }
            if res_id in reply_tos
            else email_values_by_id.get(res_id) or {}
            for res_id in res_ids
        }

    def _followup_send_mail(self, res_id, email_values=None, reply_to=None):
        """``send_mail(res_id)`` with the Reply-To core's thread path gives
        (see ``_followup_reply_to``); ``reply_to``: what that returned for a
        batch the caller sends one by one.

        :return: the id of the queued mail.mail
        """
        self.ensure_one()
        if reply_to is None:
            reply_to = self._followup_reply_to([res_id]).get(res_id)
        values = dict(email_values or {})
        if reply_to:
            values.setdefault("reply_to", reply_to)
        if self.model == "hr.applicant" and "headers" not in values:
            # RFC 8058 one-click unsubscribe, as on the job's emails.
            headers = (
                self.env["hr.applicant"]
                .sudo()
                .browse(res_id)
                ._followup_unsubscribe_headers()
            )
            if headers:
                values["headers"] = headers
        return self.send_mail(res_id, email_values=values)

    def _followup_send_batch_core(self, res_ids, email_values_by_id):
        """send_mail_batch(), once per distinct set of overriding values."""
        email_values_by_id = self._followup_with_reply_to(res_ids, email_values_by_id)
        groups = {}
        for res_id in res_ids:
            values = email_values_by_id.get(res_id) or {}
            groups.setdefault(tuple(sorted(values.items())), []).append(res_id)
        result = {}
        for values, ids in groups.items():
            for mail in self.send_mail_batch(ids, email_values=dict(values)):
                result[mail.res_id] = (mail, mail.subject)
        return result

    def _followup_generate_template(self, res_ids):
        """What ``_generate_template(res_ids, SEND_FIELDS)`` returns, when
        ``_followup_fast_render_supported()``."""
        self.ensure_one()
        if not self._followup_fast_render_allowed():
            return self._generate_template(res_ids, SEND_FIELDS)
        results = {}
        for template, ids in self._followup_classify_per_lang(res_ids).values():
            for field in ("body_html", "email_from", "reply_to", "subject"):
                for res_id, value in template._followup_render_field(
                    field, ids
                ).items():
                    results.setdefault(res_id, {})[field] = value
            for field in ("email_cc", "email_to", "partner_to"):
                for res_id, value in template._followup_render_field(
                    field, ids
                ).items():
                    results.setdefault(res_id, {})[field] = value
            # Same post-processing as _generate_template_recipients() (partner_to
            # becomes partner_ids) and the static values.
            template._generate_template_recipients(
                ids, (), find_or_create_partners=False, render_results=results
            )
            dates = template._followup_render_field("scheduled_date", ids)
            for res_id in ids:
                results[res_id]["scheduled_date"] = template._process_scheduled_date(
                    dates.get(res_id)
                )
            template._generate_template_static_values(
                ids,
                ("auto_delete", "mail_server_id", "model", "res_id"),
                render_results=results,
            )
            template._generate_template_attachments(
                ids, ("attachment_ids", "report_template_ids"), render_results=results
            )
        return results

    def _followup_classify_per_lang(self, res_ids):
        """_classify_per_lang() with the compiled inline renderer."""
        if not self._followup_fast_render_allowed():
            return self._classify_per_lang(res_ids)
        langs = {}
        for res_id, lang in self._followup_render_inline(
            self.lang, self.render_model, res_ids
        ).items():
            langs.setdefault(lang, []).append(res_id)
        return {
            lang: (self.with_context(lang=lang) if lang else self, ids)
            for lang, ids in langs.items()
        }

    def _followup_render_field(self, field, res_ids):
        """_render_field() in the current language, compiled once."""
        if not self._followup_fast_render_allowed():
            return self._render_field(field, res_ids)
        engine = getattr(self._fields[field], "render_engine", "inline_template")
        options = getattr(self._fields[field], "render_options", None) or {}
        source = self[field]
        if engine == "qweb":
            rendered = self._followup_render_qweb(
                source, self.render_model, res_ids, options
            )
        else:
            rendered = self._followup_render_inline(source, self.render_model, res_ids)
        if options.get("post_process"):
            rendered = self._render_template_postprocess(self.render_model, rendered)
        return rendered

    def _followup_render_inline(self, template_txt, model, res_ids):
        """_render_template_inline_template(), each expression compiled once."""
        if not self._followup_fast_render_allowed():
            return self._render_template_inline_template(template_txt, model, res_ids)
        if not template_txt or not res_ids:
            return dict.fromkeys(res_ids, "")
        template_txt = str(template_txt)
        if not self._has_unsafe_expression_template_inline_template(
            template_txt, model
        ):
            return self._render_template_inline_template_regex(
                template_txt, model, res_ids
            )
        try:
            instructions = [
                (
                    string,
                    test_expr(expression, _SAFE_OPCODES, mode="eval")
                    if expression
                    else None,
                    default,
                )
                for string, expression, default in parse_inline_template(template_txt)
            ]
            variables = self._render_eval_context()
            check_values(variables)
            results = {}
            for record in self.env[model].browse(res_ids):
                scope = dict(variables, object=record)
                parts = []
                for string, code, default in instructions:
                    parts.append(string)
                    if code is not None:
                        # What safe_eval() does once the expression is checked.
                        result = (
                            unsafe_eval(code, dict(scope, __builtins__=_BUILTINS))
                            or default
                        )
                        if result:
                            parts.append(str(result))
                results[record.id] = "".join(parts)
            return results
        except Exception:
            # Core renders it again and reports the error its own way.
            _logger.debug("Fast inline rendering failed, using core's", exc_info=True)
            return self._render_template_inline_template(template_txt, model, res_ids)

    def _followup_render_qweb(self, template_src, model, res_ids, options=None):
        """_render_template_qweb(), the template compiled once for all records."""
        if not self._followup_fast_render_allowed():
            return self._render_template_qweb(
                template_src, model, res_ids, options=options
            )
        if not template_src or not res_ids:
            return dict.fromkeys(res_ids, "")
        if not self._has_unsafe_expression_template_qweb(template_src, model):
            return self._render_template_qweb_regex(template_src, model, res_ids)
        try:
            # As ir.qweb._render(), minus compiling the template for each record.
            values = self._render_eval_context()
            qweb = (
                self.env["ir.qweb"]
                .with_context(**(options or {}))
                ._prepare_environment(values)
            )
            check_values(values)
            functions, def_name = qweb._compile(
                html.fragment_fromstring(template_src, create_parent="div")
            )
            render = functions[def_name]
            results = {}
            for record in self.env[model].browse(res_ids):
                output = Markup("".join(render(qweb, dict(values, object=record))))
                # Without the <div> wrapping the template (as core does).
                results[record.id] = output[5:-6]
            return results
        except Exception:
            _logger.debug("Fast QWeb rendering failed, using core's", exc_info=True)
            return self._render_template_qweb(
                template_src, model, res_ids, options=options
            )
