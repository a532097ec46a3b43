from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("", views.insights_index, name="index"),
    path("<str:chart>.csv", views.chart_csv, name="csv"),
    path("<str:chart>/table/", views.chart_table, name="table"),
]
