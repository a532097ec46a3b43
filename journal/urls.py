from django.urls import path

from journal import questionnaire_views, views

app_name = "journal"

urlpatterns = [
    path("", views.today, name="today"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:entry_id>/delete/", views.entry_delete, name="entry_delete"),
    path("entries/<int:entry_id>/undo/", views.entry_undo, name="entry_undo"),
    path("prompts/swap/", views.prompt_swap, name="prompt_swap"),
    path("practice/", views.practice, name="practice"),
    path("journal/", views.journal_list, name="list"),
    path("journal/week/", views.week_review, name="week"),
    path(
        "journal/week/<int:year>/<int:month>/<int:day>/",
        views.week_review,
        name="week_of",
    ),
    path("journal/reviews/", views.review_list, name="reviews"),
    path("journal/month/", views.month, name="month"),
    path("journal/month/<int:year>/<int:month>/", views.month, name="month_of"),
    path(
        "questionnaires/",
        questionnaire_views.questionnaire_index,
        name="questionnaires",
    ),
    path(
        "questionnaires/<slug:key>/",
        questionnaire_views.questionnaire_take,
        name="questionnaire_take",
    ),
    path(
        "questionnaires/result/<int:response_id>/",
        questionnaire_views.questionnaire_result,
        name="questionnaire_result",
    ),
    path("settings/prompts/", views.prompt_list, name="prompts"),
    path("settings/prompts/<int:prompt_id>/", views.prompt_edit, name="prompt_edit"),
    path(
        "settings/prompts/<int:prompt_id>/switch/",
        views.prompt_switch,
        name="prompt_switch",
    ),
    path("settings/metrics/", views.metric_list, name="metrics"),
    path("settings/metrics/<int:metric_id>/", views.metric_edit, name="metric_edit"),
    path(
        "settings/metrics/<int:metric_id>/move/", views.metric_move, name="metric_move"
    ),
    path(
        "settings/metrics/<int:metric_id>/visibility/",
        views.metric_visibility,
        name="metric_visibility",
    ),
    path(
        "settings/metrics/<int:metric_id>/delete/",
        views.metric_delete,
        name="metric_delete",
    ),
]
