from django.urls import path

from qiao.skills import views

app_name = "skills"

# "new" and "match" are reserved codes (see services.RESERVED_CODES), so they never shadow a skill.
urlpatterns = [
    path("", views.skill_list, name="skill_list"),
    path("new/", views.skill_create, name="skill_create"),
    path("match/", views.skill_match, name="skill_match"),
    path("<str:code>/", views.skill_detail, name="skill_detail"),
    path("<str:code>/edit/", views.skill_edit, name="skill_edit"),
]
