/** @odoo-module **/

import {registry} from "@web/core/registry";

/* The candidate who declined the offer answers the decline survey on Odoo's
   public survey page, from the link of their own invitation (the url comes from
   tests/test_tour.py). */
registry.category("web_tour.tours").add("hr_recruitment_followup_decline_survey", {
    steps: () => [
        {
            content: "The candidate starts the survey",
            trigger: "button.btn:contains('Start')",
            run: "click",
        },
        {
            content: "The salary was the main reason",
            trigger:
                "div.js_question-wrapper:contains('Why did you decide not to join us') label:contains('The salary was below my expectation')",
            run: "click",
        },
        {
            content: "And another offer",
            trigger:
                "div.js_question-wrapper:contains('Why did you decide not to join us') label:contains('I accepted another offer')",
            run: "click",
        },
        {
            content: "A few words",
            trigger:
                "div.js_question-wrapper:contains('Anything you would like to tell us') textarea",
            run: "edit The other company offered 20% more.",
        },
        {
            content: "Future openings are welcome",
            trigger:
                "div.js_question-wrapper:contains('May we contact you about future openings') label:contains('Yes, keep me informed')",
            run: "click",
        },
        {
            content: "Submit",
            trigger: "button[value='finish']",
            run: "click",
        },
        {
            content: "Thanked",
            trigger: "div:contains('Thank you for your answers')",
        },
    ],
});
