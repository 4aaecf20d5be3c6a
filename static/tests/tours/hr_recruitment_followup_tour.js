/** @odoo-module **/

import {registry} from "@web/core/registry";

/* A recruiter on the applications kanban: sees the overdue badge, opens an
   applicant, logs a WeChat contact with a next date, then sees it in the
   Follow-up tab and the follow-up activity in the chatter. The data comes from
   tests/test_tour.py. */
registry.category("web_tour.tours").add("hr_recruitment_followup_log_contact", {
    url: "/odoo/recruitment-applications",
    steps: () => {
        const next = luxon.DateTime.now().plus({days: 3}).toFormat("MM/dd/yyyy");
        return [
            {
                content: "Switch to the kanban view",
                trigger: ".o_control_panel .o_switch_view.o_kanban",
                run: "click",
            },
            {
                content: "The overdue follow-up shows on its card",
                trigger:
                    ".o_kanban_record:contains('Tour Overdue Chen') .o_followup_overdue .badge:contains('Follow-up overdue')",
            },
            {
                content: "A card without a late follow-up has no badge",
                trigger:
                    ".o_kanban_record:contains('Tour Candidate Li'):not(:has(.o_followup_overdue))",
            },
            {
                content: "Open the applicant",
                trigger: ".o_kanban_record:contains('Tour Candidate Li')",
                run: "click",
            },
            {
                content: "Log a contact",
                trigger: ".o_form_view button[name='action_log_contact']",
                run: "click",
            },
            {
                content: "By WeChat",
                trigger:
                    ".modal .o_field_widget[name='channel'] input[data-value='wechat']",
                run: "click",
            },
            {
                content: "Plan the next contact",
                trigger: ".modal .o_field_widget[name='next_contact_date'] input",
                run: `edit ${next}`,
            },
            {
                content: "Say what was said",
                trigger: ".modal .o_field_widget[name='summary'] textarea",
                run: "edit Added on WeChat, sent the feedback of the interview",
            },
            {
                content: "The answer",
                trigger:
                    ".modal .o_field_widget[name='outcome'] input[data-value='positive']",
                run: "click",
            },
            {
                content: "Save",
                trigger: ".modal .o_form_button_save",
                run: "click",
            },
            {
                content: "The dialog closed",
                trigger: "body:not(:has(.modal))",
            },
            {
                content: "Open the Follow-up tab",
                trigger: ".o_notebook .nav-link:contains('Follow-up')",
                run: "click",
            },
            {
                content: "The contact is in the log",
                trigger:
                    ".o_field_widget[name='contact_log_ids'] .o_data_row:contains('WeChat'):contains('Added on WeChat')",
            },
            {
                content: "The follow-up activity is planned in the chatter",
                trigger:
                    ".o-mail-Activity:contains('Follow up with Tour Candidate Li')",
            },
        ];
    },
});
