from django.urls import path

from protocols import views

app_name = "protocols"

urlpatterns = [
    path("", views.protocol_index, name="index"),
    path("safety/", views.safety_screen, name="safety"),
    path("safety/advice/", views.safety_result, name="safety_result"),
    path("new/", views.protocol_new, name="new"),
    path("<int:protocol_id>/edit/", views.protocol_edit, name="edit"),
    path("<int:protocol_id>/end/", views.protocol_end, name="end"),
    path("doses/new/", views.dose_new, name="dose_new"),
    path("doses/planned/", views.dose_planned, name="dose_planned"),
    path("doses/<int:dose_id>/edit/", views.dose_edit, name="dose_edit"),
    path("doses/<int:dose_id>/effects/", views.dose_effects, name="dose_effects"),
    path("doses/<int:dose_id>/delete/", views.dose_delete, name="dose_delete"),
    path("substances/", views.substance_list, name="substances"),
    path(
        "substances/<int:substance_id>/delete/",
        views.substance_delete,
        name="substance_delete",
    ),
    path("calendar/", views.dosing_calendar, name="calendar"),
    path("calendar/<int:year>/<int:month>/", views.dosing_calendar, name="calendar_of"),
    path("feed/", views.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
