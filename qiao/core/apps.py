from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qiao.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Core's import kinds (organisations, people) register themselves on import.
        import qiao.core.importexport.kinds  # noqa: F401
