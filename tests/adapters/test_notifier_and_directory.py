from chalicelib.domain.model import Role, StaffMember
from chalicelib.domain.routing import Route
from chalicelib.wiring import adapters


def subscriptions(stack, recipient):
    return {(s["protocol"], s["endpoint"]) for s in adapters().notifier.subscriptions()
            if s["filter"] == {"recipient": [recipient]}}


def test_a_new_phone_replaces_the_old_sms_subscription(stack):
    notifier = adapters().notifier
    notifier.subscribe("sales_cs", "sales_cs@example.com", "+8613911112222")
    assert subscriptions(stack, "sales_cs") == {("email", "sales_cs@example.com"), ("sms", "+8613911112222")}


def test_role_membership_follows_the_staff_record(stack):
    directory = adapters().directory
    directory.put_staff(StaffMember("mgr2", "新经理", frozenset({Role.MANAGER, Role.LEADER})))
    assert directory.usernames_with_role(Role.LEADER) == ["leader1", "mgr2"]
    read = directory.staff("mgr2")  # a change is stored over the revision it was read at
    directory.put_staff(StaffMember("mgr2", "新经理", frozenset({Role.MANAGER}), revision=read.revision))
    assert directory.usernames_with_role(Role.LEADER) == ["leader1"]
    assert directory.staff("mgr2").roles == {Role.MANAGER}


def test_routes_come_from_territory_data_and_follow_its_changes(stack):
    directory = adapters().directory
    lookups = {"city": ("route", "湖南#株洲"), "province": ("route", "湖南#*")}
    assert directory.find_routes(lookups) == {"province": Route("HN-CS", "sales_cs")}
    directory.put_territory("HN-ZZ", "湖南株洲片区", [{"province": "湖南省", "city": "株洲市"}], "sales_wh")
    assert directory.find_routes(lookups)["city"] == Route("HN-ZZ", "sales_wh")
