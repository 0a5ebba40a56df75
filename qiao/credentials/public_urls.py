"""Public addresses outside /credentials/: the verification page and did:web documents.

Mounted at the site root, because did:web fixes where controller documents live:
did:web:<host> -> /.well-known/did.json, did:web:<host>:issuers:<slug> -> /issuers/<slug>/did.json.
"""

from django.urls import path

from qiao.credentials.views import public

app_name = "credentials_public"

urlpatterns = [
    path("verify/", public.verify_page, name="verify"),
    path("verify/c/<uuid:pk>/", public.credential_page, name="credential"),
    path("verify/s/<str:token>/", public.share_page, name="share"),
    path("issuers/<slug:slug>/did.json", public.issuer_did, name="issuer_did"),
    path(".well-known/did.json", public.alliance_did, name="alliance_did"),
]
