from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from config import views

# The admin signs in through the same login as everyone else, so rate limits
# and two-factor authentication apply to it too.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = "Titrate administration"
admin.site.site_title = "Titrate admin"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("offline/", views.offline, name="offline"),
    path("sw.js", views.service_worker, name="service_worker"),
    # For whatever asks the old way (feed readers, bookmarks, some browsers
    # on non-HTML pages); pages name their icon with <link rel="icon">.
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("settings/", include("accounts.urls")),
    path("settings/", include("portability.urls")),
    path("settings/reminders/", include("reminders.urls")),
    path("protocol/", include("protocols.urls")),
    path("insights/", include("insights.urls")),
    path("experiments/", include("experiments.urls")),
    path("", include("journal.urls")),
]
