from collections import defaultdict
from datetime import time, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..tools.followup_policy import localize, resolve_tz, to_utc


class HrRecruitmentFollowupSummary(models.TransientModel):
    """Print the recruitment follow-up summary of a company for a period.

    The PDF holds the four follow-up reports in tables, read with the rights of
    the person printing (record rules included), in their language:

    - funnel drop-off of the applications received in the period;
    - decline reasons of the applications declined in the period;
    - follow-up SLA of the interviews that ended in the period, the follow-ups
      overdue now and the outbound contacts of the period per channel;
    - talent pool health as of today.
    """

    _name = "hr.recruitment.followup.summary"
    _description = "Recruitment Follow-up Summary"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: fields.Date.context_today(self)
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for summary in self:
            if summary.date_from > summary.date_to:
                raise ValidationError(
                    self.env._(
                        "The period starts on %(start)s, after its end on %(end)s.",
                        start=format_date(self.env, summary.date_from),
                        end=format_date(self.env, summary.date_to),
                    )
                )

    def action_print(self):
        self.ensure_one()
        return self.env.ref(
            "hr_recruitment_followup.action_report_followup_summary"
        ).report_action(self)

    # ------------------------------------------------------------------
    # Data of the PDF
    # ------------------------------------------------------------------

    def _period_bounds(self):
        """UTC bounds [start, end) of the period's days in the user's time zone."""
        self.ensure_one()
        tz = resolve_tz(self.env.context.get("tz"), self.env.user.tz)
        start = to_utc(localize(self.date_from, time.min, tz))
        end = to_utc(localize(self.date_to + timedelta(days=1), time.min, tz))
        return start, end

    def _summary_values(self):
        """The figures of the four tables, read as the current user."""
        self.ensure_one()
        start, end = self._period_bounds()
        company = [("company_id", "=", self.company_id.id)]
        return {
            "funnel": self._summary_funnel(company, start, end),
            "declines": self._summary_declines(company, start, end),
            "sla": self._summary_sla(company, start, end),
            "channels": self._summary_channels(company, start, end),
            "pool": self._summary_pool(company),
        }

    @staticmethod
    def _none(value):
        """``_read_group`` turns an empty aggregate into False; the PDF shows "-"."""
        return None if value is False else value

    def _summary_funnel(self, company, start, end):
        rows = self.env["hr.recruitment.followup.funnel.report"]._read_group(
            [
                *company,
                ("application_date", ">=", start),
                ("application_date", "<", end),
            ],
            ["stage_id"],
            [
                "reached_count:sum",
                "left_count:sum",
                "rejected_count:sum",
                "declined_count:sum",
                "drop_rate:avg",
            ],
        )
        # The pipeline order; stages of the same sequence by id, as in the report.
        rows.sort(key=lambda row: (row[0].sequence, row[0].id))
        return [
            {
                "stage": stage,
                "reached": reached,
                "left": left,
                "rejected": rejected,
                "declined": declined,
                "drop_rate": drop_rate or 0.0,
            }
            for stage, reached, left, rejected, declined, drop_rate in rows
        ]

    def _summary_declines(self, company, start, end):
        Report = self.env["hr.recruitment.followup.decline.report"]
        domain = [*company, ("decline_date", ">=", start), ("decline_date", "<", end)]
        rows = Report._read_group(
            domain,
            ["reason_id"],
            ["applicant_id:count_distinct", "share:share", "salary_gap:key_avg"],
            order="reason_id",
        )
        [(total,)] = Report._read_group(domain, [], ["applicant_id:count_distinct"])
        return {
            "total": total,
            "rows": [
                {
                    "reason": reason,
                    "count": count,
                    "share": share or 0.0,
                    "salary_gap": self._none(gap),
                }
                for reason, count, share, gap in rows
            ],
        }

    def _summary_sla(self, company, start, end):
        rows = self.env["hr.recruitment.followup.sla.report"]._read_group(
            [*company, ("interview_end", ">=", start), ("interview_end", "<", end)],
            ["user_id"],
            [
                "interview_count:sum",
                "on_time_count:sum",
                "on_time_rate:avg",
                "median_delay_hours:median",
            ],
        )
        overdue = dict(
            self.env["hr.applicant"]
            .with_context(active_test=False)
            ._read_group(
                [*company, ("followup_overdue", "=", True)], ["user_id"], ["__count"]
            )
        )
        by_user = {
            user: {
                "user": user,
                "interviews": interviews,
                "on_time": on_time,
                "on_time_rate": self._none(rate),
                "median_delay": self._none(median),
                "overdue": overdue.get(user, 0),
            }
            for user, interviews, on_time, rate, median in rows
        }
        for user, count in overdue.items():
            by_user.setdefault(
                user,
                {
                    "user": user,
                    "interviews": 0,
                    "on_time": 0,
                    "on_time_rate": None,
                    "median_delay": None,
                    "overdue": count,
                },
            )
        return sorted(
            by_user.values(), key=lambda row: (not row["user"], row["user"].name or "")
        )

    def _summary_channels(self, company, start, end):
        Log = self.env["hr.applicant.contact.log"]
        rows = Log._read_group(
            [
                *company,
                ("direction", "=", "outbound"),
                ("contact_date", ">=", start),
                ("contact_date", "<", end),
            ],
            ["user_id", "channel"],
            ["__count"],
        )
        labels = dict(Log._fields["channel"]._description_selection(self.env))
        channels = [code for code in labels if any(row[1] == code for row in rows)]
        counts = defaultdict(dict)
        for user, channel, count in rows:
            counts[user][channel] = count
        return {
            "channels": [(code, labels[code]) for code in channels],
            "rows": [
                {
                    "user": user,
                    "counts": [by_channel.get(code, 0) for code in channels],
                    "total": sum(by_channel.values()),
                }
                for user, by_channel in sorted(
                    counts.items(), key=lambda item: (not item[0], item[0].name or "")
                )
            ],
        }

    def _summary_pool(self, company):
        [(size, kept, touched, reactivated)] = self.env[
            "hr.recruitment.followup.pool.report"
        ]._read_group(
            company,
            [],
            [
                "pool_count:sum",
                "kept_count:sum",
                "touched_count:sum",
                "reactivated_count:sum",
            ],
        )
        size = size or 0
        return {
            "size": size,
            "kept": kept or 0,
            "touched": touched or 0,
            "reactivated": reactivated or 0,
            "touched_rate": 100.0 * (touched or 0) / size if size else 0.0,
            "reactivated_rate": 100.0 * (reactivated or 0) / size if size else 0.0,
        }
