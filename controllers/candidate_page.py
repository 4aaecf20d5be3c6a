from werkzeug.exceptions import TooManyRequests

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.portal.controllers.portal import CustomerPortal

# Requests from one address on the candidate pages, per rate window: a person
# reads, ticks and answers; a burst is a script.
PAGE_RATE_LIMIT = 30
PAGE = "/recruitment/followup/<int:applicant_id>"
DONE_ACTIONS = ("confirm", "doubt", "reach", "checklist", "acknowledge", "stop")


class CandidatePage(CustomerPortal):
    """The candidate's own page, opened from the links of our emails with the
    application's token. A GET never changes anything (mail scanners open every
    link): each action is a POST from a button."""

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _followup_rate_limited(self):
        return (
            request.env["hr.recruitment.followup.rate.limit"]
            .sudo()
            ._hit(
                "candidate_page",
                request.httprequest.remote_addr,
                limit=PAGE_RATE_LIMIT,
            )
        )

    def _followup_applicant(self, applicant_id, access_token, unsubscribe=False):
        """The application, as superuser, when the token is its own and the page
        still open; None otherwise (the caller answers as for a missing page)."""
        if self._followup_rate_limited():
            raise TooManyRequests()
        applicant = (
            request.env["hr.applicant"]
            .sudo()
            .with_context(active_test=False)
            .browse(applicant_id)
            .exists()
        )
        if (
            not applicant
            or not access_token
            or not applicant.access_token
            or not consteq(applicant.access_token, str(access_token))
        ):
            return None
        if not (
            applicant._followup_unsubscribe_open()
            if unsubscribe
            else applicant._followup_page_open()
        ):
            return None
        lang = self._followup_lang(applicant)
        request.update_context(lang=lang)
        return applicant.with_context(lang=lang)

    def _followup_lang(self, applicant):
        langs = dict(request.env["res.lang"].sudo().get_installed())
        wanted = request.params.get("lang")
        for lang in (
            wanted,
            applicant.candidate_id.partner_id.lang,
            applicant.partner_id.lang,
            applicant.company_id.partner_id.lang,
        ):
            if lang and lang in langs:
                return lang
        return request.env.lang or "en_US"

    def _followup_render(self, applicant, error=None, status=200, done=None):
        values = applicant._followup_page_values()
        values.update(
            {
                "error": error,
                "done": done if done in DONE_ACTIONS else None,
                "access_token": applicant.access_token,
                "page_url": f"/recruitment/followup/{applicant.id}",
                "langs": request.env["res.lang"].sudo().get_installed(),
                "guide": applicant._followup_page_guide(),
            }
        )
        return request.render(
            "hr_recruitment_followup.candidate_page", values, status=status
        )

    def _followup_act(self, applicant_id, access_token, action, method, *args):
        """Run one action of the candidate; bad input re-renders the page with
        the message and writes nothing."""
        applicant = self._followup_applicant(applicant_id, access_token)
        if applicant is None:
            raise request.not_found()
        try:
            with request.env.cr.savepoint():
                getattr(applicant, method)(*args)
        except (UserError, ValidationError) as error:
            applicant.invalidate_recordset()
            return self._followup_render(applicant, error=str(error), status=400)
        return request.redirect(
            f"/recruitment/followup/{applicant.id}?access_token={access_token}"
            f"&done={action}#{action}",
            local=True,
        )

    def _followup_render_unsubscribe(self, applicant, access_token, done):
        return request.render(
            "hr_recruitment_followup.candidate_unsubscribe",
            {
                "applicant": applicant,
                "access_token": access_token,
                "page_url": f"/recruitment/followup/{applicant.id}",
                "done": done,
            },
        )

    # ------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------

    @http.route(PAGE, type="http", auth="public", methods=["GET"], sitemap=False)
    def followup_page(self, applicant_id, access_token=None, done=None, **kw):
        applicant = self._followup_applicant(applicant_id, access_token)
        if applicant is None:
            raise request.not_found()
        return self._followup_render(applicant, done=done)

    @http.route(f"{PAGE}/confirm", type="http", auth="public", methods=["POST"])
    def followup_confirm(self, applicant_id, access_token=None, start_date=None, **kw):
        return self._followup_act(
            applicant_id, access_token, "confirm", "_followup_page_confirm", start_date
        )

    @http.route(f"{PAGE}/doubt", type="http", auth="public", methods=["POST"])
    def followup_doubt(
        self, applicant_id, access_token=None, topic=None, text=None, **kw
    ):
        return self._followup_act(
            applicant_id,
            access_token,
            "doubt",
            "_followup_page_doubt",
            topic,
            text,
            kw.get("proposed_date"),
        )

    @http.route(f"{PAGE}/reach", type="http", auth="public", methods=["POST"])
    def followup_reach(self, applicant_id, access_token=None, channel=None, **kw):
        return self._followup_act(
            applicant_id,
            access_token,
            "reach",
            "_followup_page_reach",
            channel,
            kw.get("wechat_id"),
            kw.get("hour_from"),
            kw.get("hour_to"),
        )

    @http.route(f"{PAGE}/checklist", type="http", auth="public", methods=["POST"])
    def followup_checklist(self, applicant_id, access_token=None, **kw):
        try:
            item_ids = [int(i) for i in request.httprequest.form.getlist("item_ids")]
        except ValueError:
            item_ids = [0]
        return self._followup_act(
            applicant_id,
            access_token,
            "checklist",
            "_followup_page_checklist",
            item_ids,
        )

    @http.route(f"{PAGE}/acknowledge", type="http", auth="public", methods=["POST"])
    def followup_acknowledge(self, applicant_id, access_token=None, **kw):
        return self._followup_act(
            applicant_id, access_token, "acknowledge", "_followup_page_acknowledge"
        )

    @http.route(f"{PAGE}/stop", type="http", auth="public", methods=["POST"])
    def followup_stop(self, applicant_id, access_token=None, reason=None, **kw):
        return self._followup_act(
            applicant_id, access_token, "stop", "_followup_page_stop", reason
        )

    @http.route(
        f"{PAGE}/unsubscribe",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def followup_unsubscribe_page(self, applicant_id, access_token=None, **kw):
        """The unsubscribe link opened in a browser: a page with a button, since
        a GET must not act."""
        applicant = self._followup_applicant(
            applicant_id, access_token, unsubscribe=True
        )
        if applicant is None:
            raise request.not_found()
        return self._followup_render_unsubscribe(applicant, access_token, done=False)

    @http.route(
        f"{PAGE}/unsubscribe",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        sitemap=False,
    )
    def followup_unsubscribe(self, applicant_id, access_token=None, **kw):
        """RFC 8058 one-click: the mail provider POSTs
        ``List-Unsubscribe=One-Click`` with no session and no CSRF token."""
        applicant = self._followup_applicant(
            applicant_id, access_token, unsubscribe=True
        )
        if applicant is None:
            raise request.not_found()
        applicant._followup_page_stop(
            request.env._("Unsubscribed with the link of a follow-up email.")
        )
        return self._followup_render_unsubscribe(applicant, access_token, done=True)
