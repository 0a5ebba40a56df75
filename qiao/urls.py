from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from qiao.api import api, not_found_view
from qiao.core.views import accounts as account_views

urlpatterns = [
    path("", include("qiao.core.urls")),
    path("skills/", include("qiao.skills.urls")),
    path("agreements/", include("qiao.agreements.urls")),
    path("credentials/", include("qiao.credentials.urls")),
    path("", include("qiao.credentials.public_urls")),
    path("placements/", include("qiao.placements.urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("api/v1/", api.urls),
    # Anything else under /api/ answers a JSON 404, never the HTML page.
    re_path(r"^api/(?P<rest>.*)$", not_found_view),
    path("back-office/", admin.site.urls),
]

if settings.DEBUG:
    # Development only: serve the public media (organisation logos). Agreement documents,
    # evidence and photos are never served from /media/; their own views check permissions.
    from django.views.static import serve

    urlpatterns += [
        re_path(r"^media/(?P<path>logos/.+)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
