"""Settings, read once from the environment.

The same variables are set by `.chalice/config.json` / the CloudFormation template in
AWS and by the local runner on the laptop; nothing else tells the code where it runs.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from chalicelib.domain.clusters import ClusterRule


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_name: str
    topic_arn: str
    bucket_name: str
    schedule_group: str
    timer_function_arn: str
    scheduler_role_arn: str
    user_pool_id: str
    user_pool_client_id: str
    jwks_url: str
    jwt_issuer: str
    access_code_secret: str
    allowed_origin: str
    cluster_threshold: int = 3
    cluster_window_days: int = 30

    @property
    def cluster_rule(self) -> ClusterRule:
        return ClusterRule(self.cluster_threshold, timedelta(days=self.cluster_window_days))

    @property
    def is_local(self) -> bool:
        return self.stage == "local"


@lru_cache(maxsize=1)
def settings() -> Settings:
    env = os.environ.get
    region = env("AWS_REGION") or env("AWS_DEFAULT_REGION") or "us-east-1"
    pool = env("USER_POOL_ID", "")
    issuer = env("JWT_ISSUER") or f"https://cognito-idp.{region}.amazonaws.com/{pool}"
    return Settings(
        stage=env("STAGE", "local"),
        region=region,
        table_name=env("TABLE_NAME", "complaints-local"),
        topic_arn=env("TOPIC_ARN", ""),
        bucket_name=env("BUCKET_NAME", "complaints-photos-local"),
        schedule_group=env("SCHEDULE_GROUP", "complaints-local"),
        timer_function_arn=env("TIMER_FUNCTION_ARN", ""),
        scheduler_role_arn=env("SCHEDULER_ROLE_ARN", ""),
        user_pool_id=pool,
        user_pool_client_id=env("USER_POOL_CLIENT_ID", ""),
        jwks_url=env("JWKS_URL") or f"{issuer}/.well-known/jwks.json",
        jwt_issuer=issuer,
        access_code_secret=env("ACCESS_CODE_SECRET", ""),
        allowed_origin=env("ALLOWED_ORIGIN", "*"),
        cluster_threshold=int(env("CLUSTER_THRESHOLD", "3")),
        cluster_window_days=int(env("CLUSTER_WINDOW_DAYS", "30")),
    )
