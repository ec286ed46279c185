"""Calendar files of the directory: one meeting, or the answer to a search (namespace "interop").

Included at the site's root, so the paths read /meetings/<slug>.ics and /meetings.ics.
"""

from django.urls import path

from homegroup.interop import views

app_name = "interop"

urlpatterns = [
    path("meetings.ics", views.search_ics, name="search-ics"),
    path("meetings/<slug:slug>.ics", views.meeting_ics, name="meeting-ics"),
]
