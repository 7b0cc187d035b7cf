"""Wrong access codes guessed in parallel are counted atomically: no more codes are checked than allowed."""
from __future__ import annotations

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from chalicelib.domain.errors import ComplaintNotFound, TooManyAttempts
from chalicelib.services import public
from chalicelib.wiring import adapters
from tests.api.conftest import api_client
from tests.real_cases import BLADE


def submitted() -> dict:
    with api_client() as client:
        response = client.http.post("/api/v1/complaints", headers={"Content-Type": "application/json"},
                                    body=json.dumps(BLADE, ensure_ascii=False))
    assert response.status_code == 201, response.body
    return json.loads(response.body)


def test_twenty_five_parallel_wrong_codes_from_one_address_have_at_most_five_checked(stack):
    # GIVEN a complaint and 25 guessers from one address, released at the same moment
    receipt = submitted()
    a = adapters()
    wrong = f"{(int(receipt['access_code']) + 1) % 10**6:06d}"
    now = datetime.now(timezone.utc)
    start = threading.Barrier(25)

    def guess(_: int) -> str:
        start.wait()
        try:
            public.status(receipt["complaint_id"], wrong, "zh", a, now)
        except ComplaintNotFound:
            return "checked, 404"
        except TooManyAttempts:
            return "refused, 429"
        return "answered, 200"

    # WHEN they all guess at once
    with ThreadPoolExecutor(max_workers=25) as pool:
        outcomes = Counter(pool.map(guess, range(25)))
    # THEN five codes were checked and the other twenty refused unchecked
    assert outcomes == Counter({"checked, 404": 5, "refused, 429": 20})
