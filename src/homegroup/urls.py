from django.urls import include, path

from homegroup import views
from homegroup.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/", include("homegroup.accounts.urls")),
    path("api/v1/", api.urls),
]

handler400 = "homegroup.views.bad_request"
handler403 = "homegroup.views.permission_denied"
handler404 = "homegroup.views.page_not_found"
handler500 = "homegroup.views.server_error"
