/** @odoo-module **/

import {registry} from "@web/core/registry";

/* A new hire opens their page from the link of the two-weeks-before email, on a
   phone, in Chinese (tests/test_candidate_page.py gives the url): they confirm
   the first day, then ask a question about the salary. */
registry.category("web_tour.tours").add("hr_recruitment_followup_candidate_page", {
    steps: () => [
        {
            content: "The page reads in Chinese",
            trigger: "h2:contains('您的入职日')",
        },
        {
            content: "Confirm the first day",
            trigger: "button.o_followup_confirm",
            run: "click",
        },
        {
            content: "Thanked for confirming",
            trigger: ".o_followup_done",
        },
        {
            content: "The confirmation is shown",
            trigger: ".o_followup_confirmed",
        },
        {
            content: "A question about the salary",
            trigger: "select#doubt_topic",
            run: "select salary",
        },
        {
            content: "In the candidate's words",
            trigger: "textarea#doubt_text",
            run: "edit 年终奖是否有保障？",
        },
        {
            content: "Send it",
            trigger: "button.o_followup_doubt",
            run: "click",
        },
        {
            content: "Told that someone will call today",
            trigger: ".o_followup_done:contains('今天')",
        },
    ],
});
