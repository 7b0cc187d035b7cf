"""Which salesperson a complaint goes to. Routing is data: this only chooses among the routes found."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.model import Customer

ANY_CITY = "*"
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")


@dataclass(frozen=True)
class Route:
    """Where a province/city or an account is served: its territory and salesperson."""

    territory: str | None
    salesperson: str | None


def place(name: str | None) -> str | None:
    """'湖南省' and '湖南' name the same province; '长沙市' and '长沙' the same city."""
    if not name:
        return None
    name = name.strip()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def route_lookups(customer: Customer) -> dict[str, tuple[str, str]]:
    """The routing data that may decide this customer: account, city, whole province."""
    lookups: dict[str, tuple[str, str]] = {}
    if customer.account_id:
        lookups["account"] = ("account", customer.account_id.strip())
    province = place(customer.province)
    if province:
        city = place(customer.city)
        if city:
            lookups["city"] = ("route", f"{province}#{city}")
        lookups["province"] = ("route", f"{province}#{ANY_CITY}")
    return lookups


def choose_route(found: dict[str, Route]) -> Route | None:
    """An account's own salesperson first, then the city's, then the province's; None: unroutable."""
    for kind in ("account", "city", "province"):
        route = found.get(kind)
        if route and route.salesperson:
            return route
    return None


REROUTE_ORDER = ("account", "territory", "city", "province")


def reroutes(found: dict[str, Route], leaving: str) -> list[Route]:
    """Where an open complaint may go when `leaving` no longer handles it, best first: its account's
    salesperson, its territory's, then its customer's city's and province's (for a complaint with no
    territory); never `leaving`, each salesperson once. Empty: the service queue."""
    seen = {leaving}
    routes = []
    for kind in REROUTE_ORDER:
        route = found.get(kind)
        if route and route.salesperson and route.salesperson not in seen:
            seen.add(route.salesperson)
            routes.append(route)
    return routes
