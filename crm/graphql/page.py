"""GraphiQL in the browser. A GET from a browser (one that prefers text/html) to a GraphQL
endpoint gets a page that runs GraphiQL against the same path; every other GET keeps the API's
405. The page and its scripts are local static files (crm/static/graphiql/), nothing else."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from graphql import parse, print_ast

View = Callable[..., HttpResponse]

# Only this origin. GraphiQL's dialogs add <style> elements at run time, hence inline styles;
# its fonts and a few icons are data: URLs inside its stylesheet.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


def prefers_html(request: HttpRequest) -> bool:
    """A browser's navigation asks for HTML first; API clients send */* or JSON."""
    return request.get_preferred_type(["application/json", "text/html"]) == "text/html"


def example(query: str) -> str:
    """The editor's first content: the query laid out on lines, after a line on what to do."""
    hint = "# Enter an API key above, then run the query (Ctrl-Enter)."
    return f"{hint}\n\n{print_ast(parse(query))}"


def graphiql_page(request: HttpRequest, *, title: str, default_query: str) -> HttpResponse:
    config = {
        "endpoint": request.path,
        "defaultQuery": default_query,
        "storagePrefix": f"crm:graphiql:{request.path}:",
    }
    response = render(request, "graphiql.html", {"title": title, "config": config})
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def with_graphiql(*, title: str, default_query: str) -> Callable[[View], View]:
    """Serve GraphiQL to browsers on GET; hand everything else to the GraphQL view."""
    query = example(default_query)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if prefers_html(request):
                response = graphiql_page(request, title=title, default_query=query)
            else:
                response = view(request, *args, **kwargs)  # the API's 405
            patch_vary_headers(response, ["Accept"])
            return response

        return wrapper

    return decorate
