from odoo import http
from odoo.http import request

from odoo.addons.survey.controllers.main import Survey


class FollowupSurvey(Survey):
    def _followup_rate_limited(self, survey_token):
        """A burst of submissions from one address on the decline survey is cut.

        Counted before the tokens are checked, so guessing tokens is slowed too.
        """
        survey = (
            request.env["survey.survey"]
            .sudo()
            .with_context(active_test=False)
            .search([("access_token", "=", survey_token)], limit=1)
        )
        if not survey.followup_decline_survey:
            return False
        return (
            request.env["hr.recruitment.followup.rate.limit"]
            .sudo()
            ._hit("decline_survey", request.httprequest.remote_addr)
        )

    @http.route()
    def survey_begin(self, survey_token, answer_token, **post):
        if self._followup_rate_limited(survey_token):
            return {"error": "unauthorized"}
        return super().survey_begin(survey_token, answer_token, **post)

    @http.route()
    def survey_submit(self, survey_token, answer_token, **post):
        if self._followup_rate_limited(survey_token):
            return {}, {"error": "unauthorized"}
        return super().survey_submit(survey_token, answer_token, **post)
