from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupStage(FollowupCommon):
    def test_stage_follows_the_pipeline(self):
        applicant = self._new_applicant("Li Na", stage_id=self.stage_new.id)
        self.assertFalse(
            applicant.followup_stage_id, "no follow-up before the interview"
        )
        expected = [
            (self.stage_first, self.fu_post_interview),
            (self.stage_second, self.fu_pre_offer),
            (self.stage_proposal, self.fu_pre_onboarding),
            (self.stage_signed, self.fu_pre_onboarding),
        ]
        for stage, followup_stage in expected:
            applicant.stage_id = stage
            self.assertEqual(applicant.followup_stage_id, followup_stage, stage.name)
        self.assertEqual(applicant.application_status, "hired")

    def test_refused_applicant_goes_to_the_talent_pool(self):
        applicant = self._new_applicant("Chen Jie", stage_id=self.stage_proposal.id)
        reason = self.env["hr.applicant.refuse.reason"].create({"name": "Not now"})
        # The refuse wizard's view uses `.length`, which Form cannot evaluate.
        self.env["applicant.get.refuse.reason"].create(
            {"refuse_reason_id": reason.id, "applicant_ids": [(6, 0, applicant.ids)]}
        ).action_refuse_reason_apply()
        self.assertEqual(applicant.application_status, "refused")
        self.assertEqual(applicant.followup_stage_id, self.fu_talent_pool)

    def test_archived_applicant_matches_no_ongoing_stage(self):
        applicant = self._new_applicant("Zhou Min", stage_id=self.stage_second.id)
        applicant.action_archive()
        self.assertEqual(applicant._followup_status(), "archived")
        self.assertFalse(applicant.followup_stage_id)

    def test_stage_can_be_set_by_hand_until_the_pipeline_moves(self):
        applicant = self._new_applicant("Wu Lei", stage_id=self.stage_second.id)
        with Form(applicant.with_user(self.recruiter)) as form:
            form.followup_stage_id = self.fu_offer_declined
        self.assertEqual(applicant.followup_stage_id, self.fu_offer_declined)
        applicant.priority = "2"
        self.assertEqual(applicant.followup_stage_id, self.fu_offer_declined)
        applicant.stage_id = self.stage_proposal
        self.assertEqual(applicant.followup_stage_id, self.fu_pre_onboarding)

    def test_most_specific_then_first_by_sequence_wins(self):
        Stage = self.env["hr.recruitment.followup.stage"].with_user(self.manager)
        screening = Stage.create(
            {
                "name": "Screening call",
                "sequence": 1,
                "recruitment_stage_ids": [
                    (6, 0, (self.stage_new | self.stage_first).ids)
                ],
            }
        )
        applicant = self._new_applicant("Sun Li", stage_id=self.stage_new.id)
        self.assertEqual(applicant.followup_stage_id, screening)
        # First interview: "after the interview" names the stage AND the status.
        applicant.stage_id = self.stage_first
        self.assertEqual(applicant.followup_stage_id, self.fu_post_interview)
        # Two mappings as specific: the first by sequence wins.
        early = Stage.create(
            {
                "name": "Early",
                "sequence": 0,
                "application_status": "ongoing",
                "recruitment_stage_ids": [(6, 0, self.stage_first.ids)],
            }
        )
        applicant.stage_id = self.stage_second
        applicant.stage_id = self.stage_first
        self.assertEqual(applicant.followup_stage_id, early)

    def test_stage_without_mapping_is_never_computed(self):
        manual = self.env["hr.recruitment.followup.stage"].create({"name": "By hand"})
        applicants = self._new_applicant("He Jun", stage_id=self.stage_second.id)
        applicants |= self._new_applicant("He Min", stage_id=self.stage_new.id)
        self.assertFalse(applicants.filtered(lambda a: a.followup_stage_id == manual))

    def test_shipped_stages_in_order(self):
        stages = self.env["hr.recruitment.followup.stage"].search(
            [
                (
                    "id",
                    "in",
                    (
                        self.fu_post_interview
                        | self.fu_pre_offer
                        | self.fu_pre_onboarding
                        | self.fu_talent_pool
                        | self.fu_offer_declined
                    ).ids,
                )
            ]
        )
        self.assertEqual(
            stages.ids,
            [
                self.fu_post_interview.id,
                self.fu_pre_offer.id,
                self.fu_pre_onboarding.id,
                self.fu_talent_pool.id,
                self.fu_offer_declined.id,
            ],
        )

    def test_stage_applicant_count_and_group_expand(self):
        self.assertEqual(
            self.fu_post_interview.applicant_count,
            self.env["hr.applicant"].search_count(
                [("followup_stage_id", "=", self.fu_post_interview.id)]
            ),
        )
        groups = self.env["hr.applicant"].read_group(
            [("id", "=", self.applicant.id)],
            ["followup_stage_id"],
            ["followup_stage_id"],
        )
        shown = {g["followup_stage_id"][0] for g in groups if g["followup_stage_id"]}
        self.assertIn(
            self.fu_talent_pool.id, shown, "empty stages show as kanban columns"
        )

    def test_only_managers_configure_stages(self):
        for user in (self.recruiter, self.interviewer):
            self.assertTrue(self.fu_pre_offer.with_user(user).name)
            with self.assertRaises(AccessError):
                self.fu_pre_offer.with_user(user).write({"name": "Renamed"})
            with self.assertRaises(AccessError):
                self.env["hr.recruitment.followup.stage"].with_user(user).create(
                    {"name": "X"}
                )
        self.fu_pre_offer.with_user(self.manager).write({"sequence": 21})
        self.assertEqual(self.fu_pre_offer.sequence, 21)
