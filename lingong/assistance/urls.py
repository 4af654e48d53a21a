from django.urls import path

from . import views_assess, views_plan, views_subsidy

app_name = "assistance"
urlpatterns = [
    path("assess/", views_assess.assess, name="assess"),
    path("assess/interest/", views_assess.interest, name="interest"),
    path("assess/skills/", views_assess.skills, name="skills"),
    path("result/<str:code>/", views_assess.result, name="result"),
    path("subsidies/", views_subsidy.mine, name="subsidies"),
    path("subsidies/<str:kind>/apply/", views_subsidy.apply, name="apply"),
    path("todo/", views_plan.todo, name="todo"),
    path("w/<str:code>/", views_assess.worker_hub, name="worker"),
    path("w/<str:code>/interest/", views_assess.assisted_interest, name="assisted_interest"),
    path("w/<str:code>/skills/", views_assess.assisted_skills, name="assisted_skills"),
    path("w/<str:code>/plan/new/", views_plan.plan_new, name="plan_new"),
    path("p/<str:code>/", views_plan.plan_detail, name="plan"),
    path("subsidy-rules/", views_subsidy.rules, name="rules"),
    path("subsidy-rules/new/", views_subsidy.rule_edit, name="rule_new"),
    path("subsidy-rules/<str:code>/edit/", views_subsidy.rule_edit, name="rule_edit"),
    path("applications/", views_subsidy.applications, name="applications"),
    path("applications/<str:code>/", views_subsidy.application_detail, name="application"),
]
