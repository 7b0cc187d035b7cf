"""StaffIdentity: staff accounts and log-in in the Cognito user pool (groups are roles)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import InvalidCredentials
from chalicelib.domain.model import Role


class StaffIdentity:
    def __init__(self, client: Any, user_pool_id: str, client_id: str):
        self._client = client
        self._pool = user_pool_id
        self._app_client = client_id

    def login(self, username: str, password: str) -> tuple[str, int]:
        """The ID token and its lifetime in seconds; InvalidCredentials on any refusal."""
        errors = self._client.exceptions
        try:
            response = self._client.initiate_auth(
                ClientId=self._app_client,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        except (
            errors.NotAuthorizedException,
            errors.UserNotFoundException,
            errors.UserNotConfirmedException,
            errors.PasswordResetRequiredException,
        ) as refused:
            raise InvalidCredentials("wrong username or password") from refused
        if "AuthenticationResult" not in response:
            raise InvalidCredentials(f"the account must first complete {response.get('ChallengeName', 'a challenge')}")
        result = response["AuthenticationResult"]
        return result["IdToken"], int(result.get("ExpiresIn", 3600))

    def create_user(
        self,
        username: str,
        password: str | None,
        groups: list[str] | None = None,
        email: str | None = None,
        name: str | None = None,
    ) -> None:
        """Create the account (or keep the existing one), set its password if given, and with `groups`
        make its groups exactly those."""
        attributes = [{"Name": k, "Value": v} for k, v in (("email", email), ("name", name)) if v]
        try:
            self._client.admin_create_user(
                UserPoolId=self._pool, Username=username, UserAttributes=attributes, MessageAction="SUPPRESS"
            )
        except self._client.exceptions.UsernameExistsException:
            pass
        if password:
            self.set_password(username, password)
        if groups is not None:
            self.set_groups(username, groups)

    def set_password(self, username: str, password: str) -> None:
        self._client.admin_set_user_password(
            UserPoolId=self._pool, Username=username, Password=password, Permanent=True
        )

    def set_enabled(self, username: str, enabled: bool) -> None:
        """Allow or refuse the account's log-in (a disabled account's password is refused)."""
        if enabled:
            self._client.admin_enable_user(UserPoolId=self._pool, Username=username)
        else:
            self._client.admin_disable_user(UserPoolId=self._pool, Username=username)

    def update_attributes(self, username: str, email: str | None, name: str | None) -> None:
        """Keep the account's e-mail and name in step with the staff record (None removes one). Only what
        differs is written: Cognito refuses to delete an attribute the account does not have."""
        user = self._client.admin_get_user(UserPoolId=self._pool, Username=username)
        have = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        wanted = {"email": email, "name": name}
        present = [{"Name": k, "Value": v} for k, v in wanted.items() if v and have.get(k) != v]
        absent = [k for k, v in wanted.items() if not v and k in have]
        if present:
            self._client.admin_update_user_attributes(UserPoolId=self._pool, Username=username, UserAttributes=present)
        if absent:
            self._client.admin_delete_user_attributes(
                UserPoolId=self._pool, Username=username, UserAttributeNames=absent
            )

    def exists(self, username: str) -> bool:
        try:
            self._client.admin_get_user(UserPoolId=self._pool, Username=username)
        except self._client.exceptions.UserNotFoundException:
            return False
        return True

    def groups(self, username: str) -> frozenset[Role]:
        """The staff roles among the account's groups."""
        found = self._client.admin_list_groups_for_user(UserPoolId=self._pool, Username=username)["Groups"]
        return frozenset(Role(g["GroupName"]) for g in found if g["GroupName"] in set(Role))

    def set_groups(self, username: str, groups: list[str]) -> None:
        current = {
            g["GroupName"]
            for g in self._client.admin_list_groups_for_user(UserPoolId=self._pool, Username=username)["Groups"]
        }
        for group in set(groups) - current:
            self._client.admin_add_user_to_group(UserPoolId=self._pool, Username=username, GroupName=group)
        for group in current - set(groups):
            self._client.admin_remove_user_from_group(UserPoolId=self._pool, Username=username, GroupName=group)
