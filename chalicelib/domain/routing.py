"""Which salesperson a complaint goes to. Routing is data: this only chooses among the routes found."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from chalicelib.domain.finding import normal_account
from chalicelib.domain.model import Customer

ANY_CITY = "*"
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")


@dataclass(frozen=True)
class Route:
    """Where a province/city or an account is served: its territory and salesperson."""

    territory: str | None
    salesperson: str | None
    via: str | None = field(default=None, compare=False)  # the look-up that chose it: account, city or province


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
    account = normal_account(customer.account_id or "")  # `hotel-cs-001` is the account HOTEL-CS-001
    if account:
        lookups["account"] = ("account", account)
    province = place(customer.province)
    if province:
        city = place(customer.city)
        if city:
            lookups["city"] = ("route", f"{province}#{city}")
        lookups["province"] = ("route", f"{province}#{ANY_CITY}")
    return lookups


def choose_route(found: dict[str, Route]) -> Route | None:
    """An account's own salesperson first, then the city's, then the province's; None: unroutable.
    The route chosen says which it was (`via`)."""
    for kind in ("account", "city", "province"):
        route = found.get(kind)
        if route and route.salesperson:
            return replace(route, via=kind)
    return None


def unregistered_account(customer: Customer, route: Route | None) -> str | None:
    """The account id a business customer named that routing did not find, so that the complaint went by its
    place: the manager is to see it. None for a consumer (their `account_id` is a loyalty card number, never
    registered), for a route chosen by the account or of unknown origin (`via` None: not `choose_route`'s),
    and for no route at all (the unroutable complaint's queue notice sends the manager to it anyway)."""
    named = (customer.account_id or "").strip()
    if not named or customer.type == "consumer" or route is None or route.via in (None, "account"):
        return None
    return normal_account(named) or named


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
