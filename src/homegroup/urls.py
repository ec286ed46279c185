from django.urls import include, path

from homegroup import (
    converters,  # noqa: F401  (registers <id:…> before the includes)
    views,
)
from homegroup.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline/", views.offline, name="offline"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/", include("homegroup.accounts.urls")),
    path("privacy/", include("homegroup.privacy.urls")),
    path("directory/manage/", include("homegroup.directory.maintain_urls")),
    path("meetings/", include("homegroup.directory.urls")),
    # Calendar files of the directory (/meetings.ics, /meetings/<slug>.ics) and the FHIR
    # downloads under /journal/ and /care/: before those apps, whose URLs they sit among.
    path("", include("homegroup.interop.urls")),
    path("journal/", include("homegroup.journal.urls")),
    path("care/", include("homegroup.care.urls")),
    path("programs/outcomes/", include("homegroup.outcomes.urls")),
    # /shared/<person_id>/: what a person shares with a sponsor or supporter (journal).
    path("shared/", include("homegroup.journal.shared_urls")),
    path("api/v1/", api.urls),
]

handler400 = "homegroup.views.bad_request"
handler403 = "homegroup.views.permission_denied"
handler404 = "homegroup.views.page_not_found"
handler500 = "homegroup.views.server_error"
