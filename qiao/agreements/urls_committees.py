"""URLs of the committee pages, included by qiao/agreements/urls.py."""

from django.urls import path

from qiao.agreements.views import committees, meetings

urlpatterns = [
    path("committees/", committees.committee_list, name="committee_list"),
    path("committees/new/", committees.committee_create, name="committee_create"),
    path("committees/<int:pk>/", committees.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/edit/", committees.committee_edit, name="committee_edit"),
    path("committees/<int:pk>/members/new/", committees.member_add, name="member_add"),
    path(
        "committees/<int:pk>/members/<int:item>/remove/",
        committees.member_remove,
        name="member_remove",
    ),
    path("committees/<int:pk>/meetings/new/", committees.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/attachments/new/", meetings.attachment_add, name="attachment_add"),
    path(
        "meetings/<int:pk>/attachments/<int:item>/",
        meetings.attachment_download,
        name="attachment_download",
    ),
    path("meetings/<int:pk>/decisions/new/", meetings.decision_create, name="decision_create"),
    path(
        "decisions/<int:pk>/action-items/new/",
        meetings.action_item_create,
        name="action_item_create",
    ),
    path("action-items/<int:pk>/edit/", meetings.action_item_edit, name="action_item_edit"),
    path("action-items/<int:pk>/status/", meetings.action_item_status, name="action_item_status"),
    path("my-action-items/", meetings.my_action_items, name="my_action_items"),
]
