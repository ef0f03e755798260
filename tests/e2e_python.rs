//! End-to-end proof that fixed Python works: scripts that call the deprecated vendor
//! APIs with requests and httpx are fixed with `apimigrate fix --unsafe-fixes`, run in
//! the pinned virtualenv against a local mock of the four APIs, and the requests the
//! mock receives must follow the new contracts (see `tests/e2e.rs` for the three stages
//! of each scenario: `expected`, `deprecated`, `fixed`).

#[path = "support/node.rs"]
mod node;
#[path = "support/python.rs"]
mod python;
#[macro_use]
#[path = "support/scenarios.rs"]
mod scenarios;
#[path = "support/shell.rs"]
mod shell;
#[path = "support/vendor_mock.rs"]
mod vendor_mock;

scenarios!("py":
    aurora_delete_requests,
    aurora_delete_requests_session,
    learning360_remove_from_group_requests,
    learning360_remove_from_group_httpx,
    rsa_mark_deleted_string_requests,
    rsa_delete_user_httpx,
    janrain_key_value_requests,
    janrain_delete_get_requests,
    quorvex_deactivate_requests,
);

/// The response check a pack's fix inserts stops the script when the service answers
/// 200 without doing the work (Quorvex is a made-up vendor: tests/packs/quorvex.toml).
#[test]
fn fixed_quorvex_deactivate_requests_fails_on_an_account_that_stays_active() {
    scenarios::run_fixed_quorvex_on_a_protected_account("quorvex_deactivate_requests", "py");
}

/// A job that reads the API version path from another module: `fix` edits that module's
/// constant, and the fixed job's request reaches the API 2.1 GraphQL endpoint.
#[test]
fn fixed_job_sends_the_new_request_through_a_constant_fixed_in_another_module() {
    scenarios::run_fixed_across_modules(
        "close.py",
        r#"import os
import sys

import requests

from settings import API_PATH


def main():
    res = requests.post(
        f"{os.environ['KHOROS_BASE']}{API_PATH}/graphql",
        headers={"li-api-session-key": os.environ["KHOROS_SESSION_KEY"]},
        json={"operationName": "CloseUserAccount", "query": {query}, "variables": {"id": "user:42"}},
    )
    if res.status_code != 200:
        sys.exit(f"Khoros answered {res.status_code}")


main()
"#,
        (
            "settings.py",
            "# The community API's version path, shared by the jobs.\nAPI_PATH = \"/api/2.0\"\n",
        ),
        "API_PATH = \"/t5/s/api/2.1\"",
    );
}
