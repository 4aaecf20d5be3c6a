from odoo import api, models

from ..tools.followup_format import human_date


class ReportFollowupSummary(models.AbstractModel):
    """Figures of the "Recruitment follow-up summary" PDF.

    Read before rendering, as the person printing (access rights and record rules
    apply: a missing right is a plain AccessError, not a rendering error) and in
    their language.
    """

    _name = "report.hr_recruitment_followup.report_followup_summary"
    _description = "Recruitment Follow-up Summary Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        lang = self.env.user.lang
        docs = (
            self.env["hr.recruitment.followup.summary"]
            .browse(docids)
            .with_context(lang=lang)
        )
        return {
            "doc_ids": docids,
            "doc_model": "hr.recruitment.followup.summary",
            "docs": docs,
            "report_lang": lang,
            # The period as a person writes it (28 November 2026 / 2026年11月28日).
            "human_date": lambda value: human_date(docs.env, value),
            "values_by_doc": {doc.id: doc._summary_values() for doc in docs},
        }
