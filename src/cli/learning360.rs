//! `apimigrate learning360 users`: writes the 360Learning user map.

use super::*;

/// `apimigrate learning360 users`: exit 0 when the map is written, 1 when some
/// `--only` address matches no user (the others are written), 2 on any error (the
/// existing map is left as it was).
pub(super) fn learning360_users(args: &UsersArgs) -> ExitCode {
    let run = || -> Result<crate::learning360::UsersOutcome, String> {
        let base = crate::learning360::base_url(&args.host)?;
        let config = if args.no_config {
            None
        } else {
            args.config
                .clone()
                .or_else(|| Config::find_upward(Path::new(".")))
        };
        let (id_var, secret_var) = match &config {
            Some(f) => Config::learning360_credentials(f).map_err(|e| e.to_string())?,
            None => {
                let d = Config::default().learning360;
                (d.client_id, d.client_secret)
            }
        };
        let read = |var: &str| {
            std::env::var(var).ok().filter(|v| !v.is_empty()).ok_or_else(|| {
                format!(
                    "the environment variable {var} is not set: it holds the 360Learning OAuth2 client {} (named by [learning360] in {})",
                    if var == id_var.env { "id" } else { "secret" },
                    config
                        .as_ref()
                        .map_or("the default configuration".to_string(), |f| f.display().to_string())
                )
            })
        };
        let request = crate::learning360::UsersRequest {
            base,
            out: args.out.clone(),
            only: args.only.clone(),
            client_id: read(&id_var.env)?,
            client_secret: read(&secret_var.env)?,
        };
        crate::learning360::users(&request)
    };
    match run() {
        Ok(outcome) => {
            for mail in &outcome.not_found {
                eprintln!("warning: no 360Learning user has the e-mail {mail}");
            }
            eprintln!(
                "Wrote {} user{} to {}.",
                outcome.written,
                if outcome.written == 1 { "" } else { "s" },
                args.out.display()
            );
            ExitCode::from(if outcome.not_found.is_empty() {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            })
        }
        Err(e) => {
            print_error(&e);
            ExitCode::from(EXIT_ERROR)
        }
    }
}
