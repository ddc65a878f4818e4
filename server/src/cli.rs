//! The command line of the contract: each subcommand is a thin call into `directory`.

use crate::config::Config;
use crate::keys;
use clap::{Parser, Subcommand};
use directory::users::NewUser;
use directory::{Actor, Clock, Directory, Role, SecretString, Status, SystemClock, Username};
use std::io::BufRead;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "gatehouse",
    version,
    about = "A self-hosted user directory and identity provider"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web UI, REST API, OIDC provider and LDAP server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Print a one-time password for the owner that bypasses 2FA, valid 15 minutes (for an
    /// owner who lost their second factor).
    OwnerLogin {
        /// Which owner, when there are several (default: the oldest active owner).
        #[arg(long)]
        username: Option<String>,
    },
    /// Manage API keys.
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Make an API key for a user and print it (it is shown this once).
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        label: String,
        /// Days until the key stops working (default: never).
        #[arg(long)]
        expires_days: Option<u32>,
        /// The key may only read.
        #[arg(long)]
        read_only: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit hash chain: `ok N rows`, or the first row that does not match (exit 1).
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an active user and print its id.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "")]
        full_name: String,
        #[arg(long, default_value = "user")]
        role: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password, read from the first line of standard input.
    SetPassword {
        username: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

/// How a command failed: bad input (exit 2) or anything else (exit 1).
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub exit_code: u8,
}

impl From<directory::Error> for Failure {
    fn from(err: directory::Error) -> Self {
        use directory::Error as E;
        let exit_code = match err {
            E::Invalid { .. }
            | E::Conflict(_)
            | E::NotFound(_)
            | E::Forbidden(_)
            | E::NotAllowed(_) => 2,
            _ => 1,
        };
        Self {
            message: err.to_string(),
            exit_code,
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self {
            message,
            exit_code: 1,
        }
    }
}

/// Opens the directory the way every command does: secret key, connection, migrations.
pub async fn open_directory(config: &Config) -> Result<Directory, Failure> {
    open_directory_with_clock(config, Arc::new(SystemClock)).await
}

/// [`open_directory`] reading the time from `clock`: the integration tests pass a clock
/// they move, so nothing in the binary can set the time.
pub async fn open_directory_with_clock(
    config: &Config,
    clock: Arc<dyn Clock>,
) -> Result<Directory, Failure> {
    let secret_key = keys::load_or_create(config)?;
    let options = directory::Options {
        database_url: config.database_url.clone(),
        secret_key,
        clock,
        base_url: config.base_url.clone(),
    };
    let dir = Directory::open(options).await.map_err(|e| {
        Failure::from(format!(
            "GATEHOUSE_DATABASE_URL: cannot open the database: {e}"
        ))
    })?;
    dir.migrate().await?;
    Ok(dir)
}

pub async fn run(command: Command, config: Config) -> Result<(), Failure> {
    let dir = open_directory(&config).await?;
    let result = match command {
        Command::Serve => crate::web::serve(config, dir.clone())
            .await
            .map_err(Failure::from),
        Command::Migrate => {
            println!("migrations applied");
            Ok(())
        }
        Command::User(command) => run_user(&dir, command).await,
        Command::OwnerLogin { username } => owner_login(&dir, username.as_deref()).await,
        Command::ApiKey(ApiKeyCommand::Create {
            username,
            label,
            expires_days,
            read_only,
        }) => {
            let new = directory::api_keys::NewKey {
                label,
                expires_days,
                read_only,
                password: None,
            };
            api_key_create(&dir, &username, new).await
        }
        Command::Audit(AuditCommand::Verify) => audit_verify(&dir).await,
    };
    if let Err(err) = dir.close().await {
        tracing::warn!(error = %err, "closing the database failed");
    }
    result
}

async fn run_user(dir: &Directory, command: UserCommand) -> Result<(), Failure> {
    let actor = Actor::system();
    match command {
        UserCommand::Create {
            username,
            email,
            full_name,
            role,
            password_stdin,
        } => {
            let password = if password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let new = NewUser {
                username,
                email,
                full_name,
                role: Role::parse(&role).map_err(directory::Error::from)?,
                status: Status::Active,
                password,
                must_change_password: false,
            };
            let user = dir.users().create(&actor, new).await?;
            println!("{}", user.id);
            Ok(())
        }
        UserCommand::SetPassword {
            username,
            password_stdin: _,
        } => {
            let username = Username::parse(&username)?;
            let password = read_password()?;
            dir.users()
                .set_password(&actor, &username, &password)
                .await?;
            Ok(())
        }
    }
}

async fn owner_login(dir: &Directory, username: Option<&str>) -> Result<(), Failure> {
    let username = username.map(Username::parse).transpose()?;
    let made = dir
        .temp_logins()
        .owner_login(&Actor::system(), username.as_ref())
        .await?;
    println!("Login as {} / {}", made.username, made.password.expose());
    Ok(())
}

async fn api_key_create(
    dir: &Directory,
    username: &str,
    new: directory::api_keys::NewKey,
) -> Result<(), Failure> {
    let username = Username::parse(username)?;
    let user = dir
        .users()
        .find_by_username(&username)
        .await?
        .ok_or(directory::Error::NotFound("user"))?;
    let (_, key) = dir
        .api_keys()
        .create(&Actor::system(), user.id, new)
        .await?;
    println!("{}", key.expose());
    Ok(())
}

async fn audit_verify(dir: &Directory) -> Result<(), Failure> {
    let check = dir.audit().verify(&Actor::system()).await?;
    match check.broken {
        None => {
            println!("ok {} rows", check.rows);
            Ok(())
        }
        Some(row) => {
            let when = row
                .at
                .and_then(|at| {
                    at.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .map(|at| format!(", written {at}"))
                .unwrap_or_default();
            let action = row.action.map(|a| format!(", {a}")).unwrap_or_default();
            Err(Failure {
                message: format!(
                    "audit row {} {}{when}{action} ({} rows before it match)",
                    row.id, row.reason, check.rows
                ),
                exit_code: 1,
            })
        }
    }
}

/// The first line of standard input, without its line ending.
fn read_password() -> Result<SecretString, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure {
            message: format!("cannot read the password from standard input: {e}"),
            exit_code: 2,
        })?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        return Err(Failure {
            message: "no password on standard input".into(),
            exit_code: 2,
        });
    }
    Ok(SecretString::new(password))
}
