import uuid
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDeclineSurveyPage(HttpCase):
    """The candidate answers on Odoo's public survey page with their own token."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("hr_recruitment_followup.survey_offer_decline")
        cls.q_reasons = cls.env.ref(
            "hr_recruitment_followup.survey_offer_decline_q_reasons"
        )
        cls.q_comment = cls.env.ref(
            "hr_recruitment_followup.survey_offer_decline_q_comment"
        )
        cls.q_future = cls.env.ref(
            "hr_recruitment_followup.survey_offer_decline_q_future"
        )
        ref = cls.env.ref
        cls.a_salary = ref("hr_recruitment_followup.survey_offer_decline_a_salary")
        cls.a_location = ref("hr_recruitment_followup.survey_offer_decline_a_location")
        cls.a_yes = ref("hr_recruitment_followup.survey_offer_decline_a_future_yes")
        cls.a_no = ref("hr_recruitment_followup.survey_offer_decline_a_future_no")
        cls.recruiter = new_test_user(
            cls.env,
            "fu_survey_recruiter",
            groups="hr_recruitment.group_hr_recruitment_user",
        )
        cls.applicant = cls._declined("Tian Yu")
        cls.other = cls._declined("Other Person")

    @classmethod
    def _declined(cls, name):
        partner = cls.env["res.partner"].create(
            {"name": name, "email": f"{uuid.uuid4().hex[:8]}@example.com"}
        )
        candidate = cls.env["hr.candidate"].create(
            {"partner_id": partner.id, "partner_name": name}
        )
        applicant = cls.env["hr.applicant"].create(
            {
                "candidate_id": candidate.id,
                "user_id": cls.recruiter.id,
                "stage_id": cls.env.ref("hr_recruitment.stage_job4").id,
            }
        )
        cls.env["hr.applicant.decline"].create(
            {"applicant_ids": [(6, 0, applicant.ids)], "send_survey": True}
        ).action_confirm()
        return applicant

    def _answer(self, applicant):
        return (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [
                    ("applicant_id", "=", applicant.id),
                    ("survey_id", "=", self.survey.id),
                ]
            )
        )

    def _submit(self, token, params):
        response = self.opener.post(
            f"{self.base_url()}/survey/submit/{self.survey.access_token}/{token}",
            json={"params": params},
            timeout=20,
        )
        self.assertEqual(response.status_code, 200)
        return response.json().get("result")

    def _params(self, reasons, comment, future):
        return {
            str(self.q_reasons.id): [str(answer.id) for answer in reasons],
            str(self.q_comment.id): comment,
            str(self.q_future.id): str(future.id),
        }

    def test_answering_fills_the_decline_and_keeps_the_candidate_in_the_pool(self):
        answer = self._answer(self.applicant)
        page = self.url_open(
            f"/survey/start/{self.survey.access_token}?answer_token={answer.access_token}"
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn("Offer decline feedback", page.text)
        self.assertIn(f'data-answer-token="{answer.access_token}"', page.text)
        self.assertNotIn("Other Person", page.text, "nothing about other applicants")
        self.assertNotIn(self._answer(self.other).access_token, page.text)
        self.opener.post(
            f"{self.base_url()}/survey/begin/{self.survey.access_token}/{answer.access_token}",
            json={},
            timeout=20,
        )
        self._submit(
            answer.access_token,
            self._params(
                self.a_salary | self.a_location, "Too far from home", self.a_yes
            ),
        )
        self.env.invalidate_all()
        self.assertEqual(answer.state, "done")
        self.assertEqual(
            self.applicant.decline_reason_ids.mapped("code"), ["salary", "location"]
        )
        self.assertEqual(self.applicant.decline_comment, "Too far from home")
        self.assertFalse(self.applicant.do_not_contact)
        # "Yes, keep me informed": their consent puts them in the talent pool
        # (the one truth of who is contacted again); the application stays
        # where it ended.
        candidate = self.applicant.candidate_id
        self.assertTrue(candidate.in_talent_pool)
        self.assertTrue(candidate.talent_pool_consent)
        self.assertEqual(
            candidate.talent_pool_expiry,
            fields.Date.context_today(candidate) + relativedelta(months=24),
        )
        self.assertEqual(
            self.applicant.followup_stage_id,
            self.env.ref("hr_recruitment_followup.followup_stage_offer_declined"),
        )
        self.assertEqual(
            self.applicant.followup_rule_id,
            self.env.ref("hr_recruitment_followup.followup_rule_talent_pool"),
            "the pool's light touch takes over from the single note",
        )
        self.assertFalse(self.other.candidate_id.in_talent_pool)
        summary = self.applicant.message_ids.filtered(
            lambda message: "Offer decline survey answered" in (message.body or "")
        )
        self.assertEqual(len(summary), 1)
        self.assertIn("Salary below expectation", summary.body)
        self.assertIn("May be contacted about future openings", summary.body)
        self.assertFalse(self.other.decline_reason_ids, "the other applicant untouched")

    def test_no_future_contact_marks_do_not_contact(self):
        answer = self._answer(self.applicant)
        self._submit(answer.access_token, self._params(self.a_salary, "", self.a_no))
        self.env.invalidate_all()
        self.assertTrue(self.applicant.do_not_contact)
        self.assertIn("decline", self.applicant.do_not_contact_reason)
        self.assertFalse(self.applicant.followup_rule_id)

    def test_wrong_token_is_refused(self):
        result = self._submit(
            uuid.uuid4().hex, self._params(self.a_salary, "x", self.a_yes)
        )
        self.assertEqual(result[1], {"error": "token_wrong"})
        page = self.url_open(
            f"/survey/start/{self.survey.access_token}?answer_token={uuid.uuid4().hex}"
        )
        self.assertNotIn("data-answer-token", page.text)
        self.env.invalidate_all()
        self.assertFalse(self.applicant.decline_reason_ids)

    def test_expired_invitation_is_refused(self):
        answer = self._answer(self.applicant)
        answer.deadline = fields.Datetime.now() - timedelta(days=1)
        result = self._submit(
            answer.access_token, self._params(self.a_salary, "late", self.a_yes)
        )
        self.assertEqual(result[1], {"error": "answer_deadline"})
        self.env.invalidate_all()
        self.assertFalse(self.applicant.decline_reason_ids)

    def test_completed_answer_cannot_be_reused(self):
        answer = self._answer(self.applicant)
        self._submit(
            answer.access_token, self._params(self.a_salary, "first", self.a_yes)
        )
        result = self._submit(
            answer.access_token, self._params(self.a_location, "second", self.a_no)
        )
        self.assertEqual(result[1], {"error": "unauthorized"})
        self.env.invalidate_all()
        self.assertEqual(self.applicant.decline_reason_ids.mapped("code"), ["salary"])
        self.assertFalse(self.applicant.do_not_contact)

    def test_ids_in_the_request_cannot_reach_another_applicant(self):
        answer = self._answer(self.applicant)
        params = self._params(self.a_salary, "mine", self.a_no)
        params.update(
            {"applicant_id": self.other.id, "answer_id": self._answer(self.other).id}
        )
        self._submit(answer.access_token, params)
        self.env.invalidate_all()
        self.assertTrue(self.applicant.do_not_contact)
        self.assertFalse(self.other.do_not_contact)
        self.assertFalse(self.other.decline_reason_ids)
        self.assertEqual(self._answer(self.other).state, "new")

    def test_form_post_without_json_is_refused(self):
        answer = self._answer(self.applicant)
        response = self.opener.post(
            f"{self.base_url()}/survey/submit/{self.survey.access_token}/{answer.access_token}",
            data={str(self.q_future.id): str(self.a_no.id)},
            timeout=20,
        )
        self.assertNotEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertFalse(self.applicant.do_not_contact)
        self.assertEqual(answer.state, "new")

    def test_a_burst_from_one_address_is_cut(self):
        answer = self._answer(self.applicant)
        for _attempt in range(10):
            result = self._submit(
                uuid.uuid4().hex, self._params(self.a_salary, "", self.a_yes)
            )
            self.assertEqual(result[1], {"error": "token_wrong"})
        # The 11th request in ten minutes is refused, even with the right token.
        result = self._submit(
            answer.access_token, self._params(self.a_salary, "", self.a_yes)
        )
        self.assertEqual(result[1], {"error": "unauthorized"})
        self.env.invalidate_all()
        self.assertEqual(answer.state, "new")
        self.assertFalse(self.applicant.decline_reason_ids)
