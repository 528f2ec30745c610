from axes.decorators import axes_dispatch
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.cache import cache_page

from config.health import health
from config.no_store import same_for_everyone
from dashboards.api.site import api
from dashboards.api.site import not_found as api_not_found
from touchpoints.configuration.site import site as config_site
from touchpoints.people.desk_views import desk_aware_login
from touchpoints.people.language import ScriptCatalogue, choose_language
from touchpoints.people.views import SignInView
from touchpoints.views import home

urlpatterns = [
    path("", home, name="home"),
    # A locked account or address gets "try again at ..." before any form or password work.
    # On a registered desk tablet, a GET shows the desk screen (names and PIN) instead.
    path("login/", desk_aware_login(axes_dispatch(SignInView.as_view())), name="login"),
    path("desk/", include("touchpoints.people.desk_urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Forgotten passwords, welcome links, single sign-on (touchpoints/people/urls.py).
    path("", include("touchpoints.people.urls")),
    path("language/", choose_language, name="choose_language"),
    path("log/", include("touchpoints.urls")),
    path("", include("feedback.urls")),
    path("dashboard/", include("dashboards.urls")),
    # Configuration: Django's admin, open to the admin role only (configuration/site.py).
    path("admin/", config_site.urls),
    path("health/", health, name="health"),
    # Other systems' door (docs/api.md): versioned, with its schema and documentation.
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", api_not_found),
    # Messages for our scripts in the reader's language (gettext() in static/js). Cached an
    # hour per language, on the server and in the browser, signed in or not: it holds nothing
    # of who asked (config/no_store.py). The pages that load it add the language to its
    # address, so switching language, or person on a shared tablet, never serves the old one.
    path(
        "jsi18n/",
        same_for_everyone(cache_page(3600, key_prefix="jsi18n")(ScriptCatalogue.as_view())),
        name="javascript-catalog",
    ),
]

# A database that is down gets a 503 with Retry-After instead of a 500 (docs/faults.md).
handler400 = "config.errors.bad_request"
handler500 = "config.errors.server_error"
