"""Simplified Chinese number formats: Django's defaults leave large amounts ungrouped
(1258904.11); business documents in China group by thousands with a comma (1,258,904.11).
Everything else comes from Django's own zh_Hans formats."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
