from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from qiao.core import selectors
from qiao.core.forms import ApiTokenForm, LoginForm
from qiao.core.middleware import SESSION_KEY
from qiao.core.models import User
from qiao.core.services import accounts as account_services
from qiao.core.views._helpers import apply_validation_error


def _account(request: HttpRequest) -> User:
    """The logged-in account (the views below are all behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_POST
@login_required
def switch_organisation(request: HttpRequest) -> HttpResponse:
    try:
        wanted = int(request.POST.get("organisation", ""))
    except ValueError:
        wanted = 0
    if any(m.organisation_id == wanted for m in request.memberships):  # type: ignore[attr-defined]
        request.session[SESSION_KEY] = wanted
    else:
        messages.error(request, _("You are not a member of that organisation."))
    target = request.POST.get("next") or reverse("core:home")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("core:home")
    return HttpResponseRedirect(target)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/account.html",
        {"memberships": request.memberships},  # type: ignore[attr-defined]
    )


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = account_services.api_token_create(
                actor=_account(request),
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            form = ApiTokenForm()
            messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    tokens = selectors.api_token_list(viewer=_account(request))
    return render(
        request, "core/token_list.html", {"form": form, "tokens": tokens, "new_secret": new_secret}
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(selectors.api_token_list(viewer=_account(request)), pk=pk)
    account_services.api_token_revoke(actor=_account(request), token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("core:token_list")


def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: Django's own view (cookie, safe redirect), and for a signed-in
    account the choice is also saved as its preferred language, so that notifications and
    emails written for it later are in the language it reads."""
    response = i18n_views.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        assert isinstance(request.user, User)
        account_services.user_set_language(
            user=request.user, language=str(request.POST.get("language", ""))
        )
    return response
