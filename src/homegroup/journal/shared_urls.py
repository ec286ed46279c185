"""`/shared/<person_id>/`: what a person shares with a sponsor or supporter (namespace "shared")."""

from django.urls import path

from homegroup.journal.views import shared

app_name = "shared"

urlpatterns = [
    path("<id:person_id>/", shared.shared_record, name="record"),
]
