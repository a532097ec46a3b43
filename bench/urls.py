from django.urls import path

from bench.views import baseline
from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/baseline/", baseline, name="bench_baseline"),
    *app_urlpatterns,
]
