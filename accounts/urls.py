from django.urls import path

from accounts import data_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.settings_index, name="settings"),
    path("activity/", views.activity, name="activity"),
    path("export.json", data_views.export_json, name="export_json"),
    path("export.zip", data_views.export_csv, name="export_csv"),
    path("delete-account/", data_views.delete_account, name="delete_account"),
    path("import/", data_views.import_export, name="import"),
    path("import/daylio/", data_views.import_daylio, name="import_daylio"),
    path(
        "import/daylio/moods/",
        data_views.import_daylio_preview,
        name="import_daylio_preview",
    ),
]
