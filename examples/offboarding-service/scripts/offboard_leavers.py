#!/usr/bin/env python3
"""Nightly leaver sweep: reads leavers.csv (email, khoros_id, securid_id, janrain_uuid)
and removes each leaver from the systems the TypeScript service does not cover yet.

Run by the ops cron on the bastion host:  python3 scripts/offboard_leavers.py leavers.csv
"""
import csv
import os
import sys

import httpx
import requests

KHOROS_BASE = "https://community.acme.com"
LEARNING360_BASE = "https://acme.360learning.com"
SECURID_BASE = "https://acme.access.securid.com/AdminInterface/restapi/v1"
JANRAIN_BASE = "https://acme.us.janraincapture.com"

COMPANY = os.environ["LEARNING360_COMPANY"]
API_KEY = os.environ["LEARNING360_API_KEY"]
LEAVERS_GROUP = os.environ.get("LEARNING360_LEAVERS_GROUP", "58eb608a1a92bb4fb56b31a0")
KHOROS_HEADERS = {"li-api-session-key": os.environ["KHOROS_SESSION_KEY"]}

securid = httpx.Client(
    base_url=SECURID_BASE,
    headers={"Authorization": f"Bearer {os.environ['SECURID_TOKEN']}"},
)


def close_khoros_account(session, user_id):
    # Khoros Community REST v2: retired on Aurora.
    r = session.delete(f"{KHOROS_BASE}/api/2.0/users/{user_id}", headers=KHOROS_HEADERS)
    r.raise_for_status()


def khoros_user_by_email(session, email):
    r = session.get(
        KHOROS_BASE + "/api/2.0/search",
        params={"q": f"SELECT id FROM users WHERE email = '{email}'"},
        headers=KHOROS_HEADERS,
    )
    r.raise_for_status()
    return r.json()["data"]["items"][0]["id"]


def remove_from_learning360(email):
    url = "{}/api/v1/groups/{}/users/{}".format(LEARNING360_BASE, LEAVERS_GROUP, email)
    requests.delete(url, params={"company": COMPANY, "apiKey": API_KEY}).raise_for_status()
    requests.delete(
        f"{LEARNING360_BASE}/api/v1/users/{email}",
        params={"company": COMPANY, "apiKey": API_KEY},
    ).raise_for_status()


def mark_securid_user_deleted(user_id):
    # Copied from the vendor docs: the path is not an f-string, and the body not a boolean.
    securid.put(f"/users/{user_id}/userStatus", json={"userStatus": "Disabled"}).raise_for_status()
    securid.post(
        "/users/{user_id}/markDeleted",
        json={"markDeleted": "true"},
    )


def delete_janrain_profile(uuid):
    r = requests.get(
        f"{JANRAIN_BASE}/entity.delete",
        params={"type_name": "user", "uuid": uuid},
        auth=(os.environ["JANRAIN_CLIENT_ID"], os.environ["JANRAIN_CLIENT_SECRET"]),
    )
    if r.status_code == 200:
        print(f"janrain: deleted {uuid}")


def deactivate_okta_user(user_id):
    # Okta's /api/v1/users is not 360Learning's: nothing to migrate here.
    requests.post(
        f"https://acme.okta.com/api/v1/users/{user_id}/lifecycle/deactivate",
        headers={"Authorization": "SSWS " + os.environ["OKTA_TOKEN"]},
    ).raise_for_status()


def main(path):
    khoros = requests.Session()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            close_khoros_account(khoros, row["khoros_id"])
            remove_from_learning360(row["email"])
            mark_securid_user_deleted(row["securid_id"])
            delete_janrain_profile(row["janrain_uuid"])
            deactivate_okta_user(row["okta_id"])


if __name__ == "__main__":
    main(sys.argv[1])
