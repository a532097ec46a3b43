from django.urls import path

from experiments import views

app_name = "experiments"

urlpatterns = [
    path("", views.experiment_index, name="index"),
    path("new/", views.experiment_new, name="new"),
    path("<int:experiment_id>/", views.experiment_detail, name="detail"),
    path("<int:experiment_id>/sheets/", views.experiment_sheets, name="sheets"),
    path(
        "<int:experiment_id>/sheets.pdf", views.experiment_sheets_pdf, name="sheets_pdf"
    ),
    path("<int:experiment_id>/start/", views.experiment_start, name="start"),
    path("<int:experiment_id>/guess/", views.experiment_guess, name="guess"),
    path("<int:experiment_id>/capsule/", views.experiment_capsule, name="capsule"),
    path("<int:experiment_id>/pause/", views.experiment_pause, name="pause"),
    path("<int:experiment_id>/stop/", views.experiment_stop, name="stop"),
    path("<int:experiment_id>/unblind/", views.experiment_unblind, name="unblind"),
    path("<int:experiment_id>/delete/", views.experiment_delete, name="delete"),
    # What the envelopes' QR codes lead to.
    path("e/<slug:token>/", views.envelope_scan, name="scan"),
]
