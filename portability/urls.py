from django.urls import path

from portability import views

app_name = "portability"

# Under /settings/, beside the account's own settings.
urlpatterns = [
    path("export.json", views.export_json, name="export_json"),
    path("export.zip", views.export_csv, name="export_csv"),
    path("delete-account/", views.delete_account, name="delete_account"),
    path("report/", views.share_report, name="share"),
    path("import/", views.import_export, name="import"),
    path("import/daylio/", views.import_daylio, name="import_daylio"),
    path(
        "import/daylio/moods/",
        views.import_daylio_preview,
        name="import_daylio_preview",
    ),
]
