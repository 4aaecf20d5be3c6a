from collections import defaultdict

from odoo import api, fields, models


class HrApplicant(models.Model):
    """Reports' stored data: the furthest pipeline stage reached."""

    _inherit = "hr.applicant"

    # The funnel report joins the stages up to this one (see
    # report/hr_recruitment_followup_funnel_report.py): kept on write, so that the
    # report reads one column instead of the whole stage history.
    furthest_stage_id = fields.Many2one(
        "hr.recruitment.stage",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The furthest pipeline stage the application ever reached, in the order "
        "of the stages. The funnel report counts the application in every stage up "
        "to this one.",
    )

    def _followup_update_furthest_stage(self):
        """Move the furthest stage forward where the current stage is further.

        Stages are ordered by (sequence, id), the pipeline order of
        hr.recruitment.stage. Decided from what the write already read (the
        applicants and their stages are in the cache): no flush, and the new
        value goes in the UPDATE that writes the stage, at the next flush.
        """
        stages = self.stage_id | self.furthest_stage_id
        order = {stage: (stage.sequence, stage.id) for stage in stages}
        further = defaultdict(list)
        for applicant in self:
            stage, furthest = applicant.stage_id, applicant.furthest_stage_id
            if (
                stage
                and stage != furthest
                and (not furthest or order[stage] > order[furthest])
            ):
                further[stage].append(applicant.id)
        for stage, ids in further.items():
            self.browse(ids).sudo().write({"furthest_stage_id": stage.id})

    @api.model
    def _followup_backfill_furthest_stage(self):
        """Set the furthest stage of the applications that have none from Odoo's
        own stage history: the stage tracking values, the last stage and the
        current stage.

        Runs at install and update; applications already set are left alone.
        """
        self.env.cr.execute(
            """
            SELECT 1 FROM hr_applicant
             WHERE furthest_stage_id IS NULL AND stage_id IS NOT NULL
             LIMIT 1
            """
        )
        if not self.env.cr.rowcount:
            return
        self.env.cr.execute(
            """
            WITH visited AS (
                SELECT a.id AS applicant_id, a.stage_id AS stage_id
                  FROM hr_applicant a
                 WHERE a.furthest_stage_id IS NULL AND a.stage_id IS NOT NULL
                UNION ALL
                SELECT a.id, a.last_stage_id
                  FROM hr_applicant a
                 WHERE a.furthest_stage_id IS NULL AND a.stage_id IS NOT NULL
                   AND a.last_stage_id IS NOT NULL
                UNION ALL
                SELECT m.res_id, UNNEST(ARRAY[t.old_value_integer, t.new_value_integer])
                  FROM mail_tracking_value t
                  JOIN mail_message m ON m.id = t.mail_message_id
                  JOIN hr_applicant a ON a.id = m.res_id
                 WHERE t.field_id = (
                        SELECT id FROM ir_model_fields
                         WHERE model = 'hr.applicant' AND name = 'stage_id'
                       )
                   AND m.model = 'hr.applicant'
                   AND a.furthest_stage_id IS NULL AND a.stage_id IS NOT NULL
            ),
            furthest AS (
                SELECT DISTINCT ON (v.applicant_id) v.applicant_id, s.id AS stage_id
                  FROM visited v
                  JOIN hr_recruitment_stage s ON s.id = v.stage_id
                 ORDER BY v.applicant_id, s.sequence DESC, s.id DESC
            )
            UPDATE hr_applicant a
               SET furthest_stage_id = furthest.stage_id
              FROM furthest
             WHERE a.id = furthest.applicant_id
            """
        )
