from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("devices/", views.device_subscribe, name="subscribe"),
    path("devices/<int:device_id>/remove/", views.device_remove, name="device_remove"),
    path("test/", views.send_test, name="test"),
    path("snooze/<str:snooze_token>/", views.snooze, name="snooze"),
]
