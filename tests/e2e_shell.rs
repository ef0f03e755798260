//! End-to-end proof for shell scripts: each deprecated curl script of
//! `fixtures/fix/e2e/*.sh` is refused by the local vendor mock, its hand-migrated
//! `expected/` version meets the new contract, and the original fixed by
//! `apimigrate fix --unsafe-fixes` does too (bash and curl are required, no skip).

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

scenarios!("sh":
    aurora_delete_curl,
    learning360_remove_from_group_curl,
    rsa_mark_deleted_string_curl,
    rsa_delete_user_curl,
    janrain_delete_get_curl,
    janrain_key_value_curl,
);

/// A job that reads the API version path from a sourced file: `fix` edits that file's
/// variable, and the fixed job's request reaches the API 2.1 GraphQL endpoint.
#[test]
fn fixed_job_sends_the_new_request_through_a_variable_fixed_in_a_sourced_file() {
    scenarios::run_fixed_across_modules(
        "close.sh",
        r#"#!/bin/bash
set -euo pipefail
source "$(dirname "$0")/env.sh"

curl -sf -X POST -H 'Content-Type: application/json' -H "li-api-session-key: $KHOROS_SESSION_KEY" \
  -d '{"operationName":"CloseUserAccount","query":{query},"variables":{"id":"user:42"}}' \
  "$KHOROS_BASE$API_PATH/graphql"
"#,
        (
            "env.sh",
            "# The community API's version path, shared by the jobs.\nAPI_PATH=\"/api/2.0\"\n",
        ),
        "API_PATH=\"/t5/s/api/2.1\"",
    );
}
