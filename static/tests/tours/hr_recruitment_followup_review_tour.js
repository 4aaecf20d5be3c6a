/** @odoo-module **/

import {registry} from "@web/core/registry";

/* A recruiter opens the follow-ups to review, opens a thank-you prepared by
   the scheduled job, writes a personal sentence into it and sends it. The data
   comes from tests/test_review_before_send.py. */
registry.category("web_tour.tours").add("hr_recruitment_followup_review_send", {
    steps: () => [
        {
            content: "Open the thank-you to review",
            trigger: ".o_list_view .o_data_row td:contains('Tour Wang Fang')",
            run: "click",
        },
        {
            content: "The candidate's context is next to the email",
            trigger: ".o_form_view .o_field_widget[name='contact_log_ids']",
        },
        {
            content: "Make it personal",
            trigger:
                ".o_form_view .o_field_widget[name='body_html'] .odoo-editor-editable p:contains('Thank you.')",
            run: "editor Your system design answer impressed the team.",
        },
        {
            content: "Send it",
            trigger: ".o_form_view .o_form_statusbar button[name='action_send']",
            run: "click",
        },
        {
            content: "Sent",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Sent')",
        },
    ],
});
