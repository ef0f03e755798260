//! Purges leavers from RSA SecurID Cloud Administration after the grace period.
//! Usage: securid-purge <user-id>...   (SECURID_TOKEN in the environment)

use reqwest::blocking::Client;
use serde_json::json;

const SECURID_BASE: &str = "https://acme.access.securid.com/AdminInterface/restapi/v1";

fn disable(client: &Client, token: &str, user_id: &str) -> reqwest::Result<()> {
    client
        .put(format!("{SECURID_BASE}/users/{user_id}/userStatus"))
        .bearer_auth(token)
        .json(&json!({ "userStatus": "Disabled" }))
        .send()?
        .error_for_status()?;
    Ok(())
}

fn purge(client: &Client, token: &str, user_id: &str) -> reqwest::Result<()> {
    disable(client, token, user_id)?;
    // Irreversible: the user cannot be recovered if HR made a mistake.
    client
        .delete(format!("{SECURID_BASE}/users/{user_id}"))
        .bearer_auth(token)
        .send()?
        .error_for_status()?;
    Ok(())
}

fn main() -> reqwest::Result<()> {
    let token = std::env::var("SECURID_TOKEN").expect("SECURID_TOKEN is set");
    let client = Client::new();
    for user_id in std::env::args().skip(1) {
        purge(&client, &token, &user_id)?;
    }
    Ok(())
}
