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
