"""`/shared/<person_id>/`: what a person shares with a sponsor or supporter (namespace "shared")."""

from django.urls import path

from homegroup.journal import shared_views

app_name = "shared"

urlpatterns = [
    path("<id:person_id>/", shared_views.shared_record, name="record"),
]
