"""Install on years of history: the stored fields filled in SQL equal what the
ORM computes, on the demo applicants and on applicants crafted in each
situation."""

from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.hr_recruitment_followup.models import hr_applicant_install

from .common import FollowupCommon

# hr.applicant's stored computed fields the install fills in SQL.
FIELDS = (
    "declined_by",
    "followup_stage_id",
    "followup_stage_date",
    "worth_level",
    "onboarding_state",
    "next_followup_date",
)
NOW = datetime(2026, 4, 7, 3, 0, 0)


@tagged("post_install", "-at_install")
class TestInstallBackfill(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        company_reason = ref("hr_recruitment.refuse_reason_1")
        candidate_reason = ref("hr_recruitment_followup.refuse_reason_offer_declined")
        cls.crafted = (
            cls._new_applicant("New", stage_id=cls.stage_new.id)
            | cls._new_applicant("Interviewed", stage_id=cls.stage_first.id)
            | cls._new_applicant("Second round", stage_id=cls.stage_second.id)
            | cls._new_applicant(
                "Offer with first day",
                stage_id=cls.stage_proposal.id,
                start_date=date(2026, 5, 4),
            )
            | cls._new_applicant(
                "Hired with first day",
                stage_id=cls.stage_signed.id,
                start_date=date(2026, 5, 11),
            )
            | cls._new_applicant("Hired", stage_id=cls.stage_signed.id)
            | cls._new_applicant(
                "Started",
                stage_id=cls.stage_signed.id,
                start_date=date(2026, 3, 2),
                onboarding_state="started",
            )
            | cls._new_applicant(
                "We rejected",
                stage_id=cls.stage_first.id,
                refuse_reason_id=company_reason.id,
                active=False,
            )
            | cls._new_applicant(
                "They declined",
                stage_id=cls.stage_proposal.id,
                refuse_reason_id=candidate_reason.id,
                active=False,
            )
            | cls._new_applicant(
                "Declined early",
                stage_id=cls.stage_new.id,
                refuse_reason_id=ref("hr_recruitment.refuse_reason_2").id,
                active=False,
            )
            | cls._new_applicant("Archived", stage_id=cls.stage_first.id, active=False)
            | cls._new_applicant(
                "Worth high",
                stage_id=cls.stage_first.id,
                worth_job_match=4,
                worth_stability=3,
            )
            | cls._new_applicant(
                "Worth medium", stage_id=cls.stage_first.id, worth_intent=3
            )
            | cls._new_applicant(
                "Worth on the edge",
                stage_id=cls.stage_first.id,
                worth_job_match=3,
                worth_stability=2,
            )
            | cls._new_applicant(
                "Worth low",
                stage_id=cls.stage_first.id,
                worth_job_match=1,
                worth_stability=2,
                worth_intent=3,
            )
            | cls._new_applicant("No stage", stage_id=False)
        )
        # Some with a plan, some with a planned contact only.
        cls.crafted._plan_next_followup()

    def _values(self, applicants):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM hr_applicant WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(name) for name in FIELDS),
                applicants.ids,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @freeze_time(NOW)
    def test_sql_backfill_equals_the_orm(self):
        Applicant = self.env["hr.applicant"].with_context(active_test=False)
        applicants = Applicant.search([])
        self.assertGreater(len(applicants - self.crafted), 10, "demo applicants")
        # What the ORM computes, now.
        for name in FIELDS:
            self.env.add_to_compute(Applicant._fields[name], applicants)
        expected = self._values(applicants)
        # The situations are all there.
        stages = {values[1] for values in expected.values()}
        for stage in (
            self.fu_post_interview,
            self.fu_pre_offer,
            self.fu_pre_onboarding,
            self.fu_talent_pool,
            self.fu_offer_declined,
        ):
            self.assertIn(stage.id, stages)
        self.assertIn(None, stages)
        self.assertEqual(
            {values[3] for values in expected.values()},
            {None, "low", "medium", "high"},
        )
        self.assertEqual(
            {values[4] for values in expected.values()},
            {None, "pending_start", "started"},
        )
        self.assertTrue(any(values[5] for values in expected.values()))
        # As the install finds them: empty, except what a person recorded.
        self.env.cr.execute(
            """
            UPDATE hr_applicant SET declined_by = NULL, followup_stage_id = NULL,
                   followup_stage_date = NULL, worth_level = NULL,
                   next_followup_date = NULL, followup_needs_plan = FALSE,
                   onboarding_state = CASE WHEN onboarding_state = 'started'
                       THEN 'started' END
             WHERE id = ANY(%s)
            """,
            [applicants.ids],
        )
        self.env.invalidate_all()
        # Several batches, as on a large database.
        with patch.object(hr_applicant_install, "BACKFILL_BATCH_SIZE", 7):
            Applicant._followup_install_backfill()
        self.assertEqual(self._values(applicants), expected)
        # Every applicant in a follow-up stage waits for the job's first plan.
        marked = applicants.filtered("followup_needs_plan")
        self.assertEqual(marked, applicants.filtered("followup_stage_id"))
        self.assertTrue(marked)
        self.env["hr.applicant"]._cron_process_followups()
        self.assertFalse(applicants.filtered("followup_needs_plan"))

    def test_core_refuse_reasons_the_candidate_gave(self):
        """Set with the column, not by a data file written at every upgrade."""
        for xmlid in (
            "hr_recruitment.refuse_reason_2",
            "hr_recruitment.refuse_reason_8",
        ):
            self.assertEqual(self.env.ref(xmlid).refused_by, "candidate")
        self.assertEqual(
            self.env.ref("hr_recruitment.refuse_reason_1").refused_by, "company"
        )
