"""List pages: one filter set drives the page, the export and the API list.

A view builds a `ListPage` from a queryset already scoped by a selector, then renders it or,
when `?export=csv|xlsx` is asked for, returns the same rows as a download.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django_filters import FilterSet

from qiao.core.importexport.export import EXPORT_FORMATS, Column, export_response

PER_PAGE_CHOICES = (25, 50, 100)


def _flip(order: str) -> str:
    return order[1:] if order.startswith("-") else "-" + order


@dataclass
class SortOption:
    key: str
    label: Any
    order_by: Sequence[str]


@dataclass
class ListPage:
    request: HttpRequest
    queryset: QuerySet[Any]
    filterset_class: type[FilterSet] | None = None
    sorts: list[SortOption] = field(default_factory=list)
    default_sort: str = ""
    export_columns: list[Column] | None = None
    export_name: str = "export"

    def __post_init__(self) -> None:
        params = self.request.GET
        qs = self.queryset
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(params or None, queryset=qs, request=self.request)
            # Unbound (no query string): everything; bound but invalid: nothing, errors shown.
            if not self.filterset.is_bound or self.filterset.is_valid():
                qs = self.filterset.qs
            else:
                qs = qs.none()
        sort = params.get("sort", self.default_sort)
        desc = sort.startswith("-")
        option = next((s for s in self.sorts if s.key == sort.lstrip("-")), None)
        if option is None and self.sorts:
            option, desc = self.sorts[0], False
            sort = option.key
        if option is not None:
            order = [_flip(o) if desc else o for o in option.order_by]
            qs = qs.order_by(*order, "-pk" if desc else "pk")
        self.sort = sort
        self.results = qs

    def export(self) -> HttpResponse | StreamingHttpResponse | None:
        fmt = self.request.GET.get("export", "")
        if fmt not in EXPORT_FORMATS or self.export_columns is None:
            return None
        return export_response(
            columns=self.export_columns,
            rows=self.results.iterator(chunk_size=2000),
            fmt=fmt,
            filename=self.export_name,
        )

    def context(self) -> dict[str, Any]:
        return {
            "filter": self.filterset,
            **page_context(
                self.request,
                self.results,
                sort=self.sort,
                sorts=self.sorts,
                exportable=self.export_columns is not None,
            ),
        }


def page_context(
    request: HttpRequest,
    results: Sequence[Any] | QuerySet[Any],
    *,
    sort: str,
    sorts: Sequence[SortOption],
    exportable: bool,
) -> dict[str, Any]:
    """The page of `results` the request asks for (`page`, `per_page`), with what the shared
    pagination, sort headers and list toolbar need. `results` are already filtered and in the
    order `sort` names: a queryset, or rows sorted in Python."""
    params = request.GET.copy()
    try:
        per_page = int(params.get("per_page", PER_PAGE_CHOICES[0]))
    except ValueError:
        per_page = PER_PAGE_CHOICES[0]
    if per_page not in PER_PAGE_CHOICES:
        per_page = PER_PAGE_CHOICES[0]
    paginator = Paginator(results, per_page)
    page = paginator.get_page(params.get("page"))
    for key in ("page", "export"):
        params.pop(key, None)
    base = params.copy()
    base.pop("sort", None)
    sort_links = []
    for option in sorts:
        active = sort.lstrip("-") == option.key
        desc = sort.startswith("-")
        q = base.copy()
        q["sort"] = ("" if not active or desc else "-") + option.key
        sort_links.append(
            {
                "key": option.key,
                "label": option.label,
                "query": q.urlencode(),
                "active": active,
                "desc": active and desc,
            }
        )
    return {
        "page_obj": page,
        "paginator": paginator,
        "object_list": page.object_list,
        "sort_links": {link["key"]: link for link in sort_links},
        "query_without_page": params.urlencode(),
        "per_page": per_page,
        "per_page_choices": PER_PAGE_CHOICES,
        "export_formats": EXPORT_FORMATS if exportable else (),
    }
