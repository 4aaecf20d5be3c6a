{
    "name": "Recruitment Follow-up",
    "summary": "Follow candidates up after the interview: stages, contact log, "
    "cadence, decline reasons, talent pool and reports",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Recruitment",
    "website": "https://github.com/hr-recruitment-followup/hr_recruitment_followup",
    "author": "hr_recruitment_followup developers",
    "license": "LGPL-3",
    "depends": ["hr_recruitment"],
    "data": [
        "security/hr_recruitment_followup_security.xml",
        "security/ir.model.access.csv",
        "data/hr_recruitment_followup_stage_data.xml",
        "data/hr_applicant_category_data.xml",
        "data/mail_activity_type_data.xml",
        "views/hr_recruitment_followup_stage_views.xml",
        "views/hr_applicant_contact_log_views.xml",
        "views/hr_applicant_views.xml",
        "views/hr_candidate_views.xml",
        "views/hr_job_views.xml",
        "views/hr_recruitment_followup_menus.xml",
    ],
    "demo": [
        "data/hr_recruitment_followup_demo.xml",
    ],
    "installable": True,
    "application": False,
}
