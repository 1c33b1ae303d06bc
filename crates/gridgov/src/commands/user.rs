//! `gridgov user …`: accounts managed from the server's shell, acting as the system.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::{Context, Result, bail};
use gridgov_core::auth::Actor;
use gridgov_store::Store;
use gridgov_store::users::{NewUserInput, User, UserUpdate};

use crate::cli::{DbArgs, UserCommand};
use crate::text::pad_wide;

pub async fn run(file: Option<&Path>, db: &DbArgs, action: UserCommand) -> Result<()> {
    let config = super::load_config(file, db, None)?;
    let store = super::open_store(&config).await?;
    let result = act(&store, action).await;
    store.close().await;
    result
}

async fn act(store: &Store, action: UserCommand) -> Result<()> {
    let system = Actor::system();
    match action {
        UserCommand::Add {
            username,
            role,
            scope,
            display_name,
            password_stdin: _,
        } => {
            let password = read_password()?;
            let input = NewUserInput {
                display_name: display_name.unwrap_or_else(|| username.clone()),
                username,
                role,
                scope,
                password,
            };
            let user = store
                .create_user(&system, &input)
                .await
                .with_context(|| format!("adding user {}", input.username))?;
            println!("created / 已创建:");
            print_users(store, &[user]).await?;
        }
        UserCommand::Disable { username } => set_disabled(store, &username, true).await?,
        UserCommand::Enable { username } => set_disabled(store, &username, false).await?,
        UserCommand::List { search } => {
            let users = list_all(store, search.as_deref()).await?;
            print_users(store, &users).await?;
            println!("{} users / 共 {} 个用户", users.len(), users.len());
        }
        UserCommand::SetRole { username, role } => {
            update(store, &username, |up| up.role = role).await?;
        }
        UserCommand::SetScope { username, scope } => {
            update(store, &username, |up| up.scope = scope).await?;
        }
        UserCommand::ResetPassword {
            username,
            password_stdin: _,
        } => {
            let user = find(store, &username).await?;
            let password = read_password()?;
            store
                .reset_password(&system, &user.id, &password)
                .await
                .with_context(|| format!("resetting the password of {username}"))?;
            println!(
                "password reset; the user's sessions have ended and API tokens are revoked / \
                 密码已重置，该用户的会话已结束，API 令牌已吊销"
            );
        }
        UserCommand::Token {
            username,
            name,
            days,
        } => {
            let user = find(store, &username).await?;
            let (token, secret) = store
                .create_api_token(&user.actor(), &name, days)
                .await
                .with_context(|| format!("creating a token for {username}"))?;
            eprintln!(
                "token {} ({}) for {}: the secret is shown only this once / 令牌仅显示这一次",
                token.name, token.prefix, user.username
            );
            println!("{secret}");
        }
    }
    Ok(())
}

async fn find(store: &Store, username: &str) -> Result<User> {
    store
        .user_by_username(&Actor::system(), username)
        .await
        .with_context(|| format!("user {username}"))
}

async fn set_disabled(store: &Store, username: &str, disabled: bool) -> Result<()> {
    let user = find(store, username).await?;
    let user = store
        .set_user_disabled(&Actor::system(), &user.id, disabled)
        .await
        .with_context(|| format!("changing user {username}"))?;
    print_users(store, &[user]).await?;
    Ok(())
}

/// Changes one field of name, role and scope, keeping the others as they are.
async fn update(store: &Store, username: &str, change: impl FnOnce(&mut UserUpdate)) -> Result<()> {
    let user = find(store, username).await?;
    let mut up = UserUpdate {
        display_name: user.display_name.clone(),
        role: user.role.as_str().to_owned(),
        scope: user.scope_code.clone().unwrap_or_default(),
        version: user.version,
    };
    change(&mut up);
    let user = store
        .update_user(&Actor::system(), &user.id, &up)
        .await
        .with_context(|| format!("changing user {username}"))?;
    print_users(store, &[user]).await?;
    Ok(())
}

async fn list_all(store: &Store, search: Option<&str>) -> Result<Vec<User>> {
    // The store caps one page at 500 rows.
    const PAGE: i64 = 500;
    let mut all = Vec::new();
    loop {
        let page = store
            .list_users(&Actor::system(), search, PAGE, all.len() as i64)
            .await?;
        let n = page.len() as i64;
        all.extend(page);
        if n < PAGE {
            return Ok(all);
        }
    }
}

/// One line per user; scopes are shown with their region's name.
async fn print_users(store: &Store, users: &[User]) -> Result<()> {
    let codes: Vec<&str> = users
        .iter()
        .filter_map(|u| u.scope_code.as_deref())
        .collect();
    let names = store.region_names(&Actor::system(), &codes).await?;
    println!(
        "{:<24} {:<20} {:<20} {} status",
        "username",
        "display name",
        "role",
        pad_wide("scope", 28)
    );
    for u in users {
        let scope = match u.scope_code.as_deref() {
            None => "(全国 / all)".to_owned(),
            Some(c) => format!("{c} {}", names.get(c).map(String::as_str).unwrap_or("")),
        };
        println!(
            "{:<24} {}{:<20} {}{}",
            u.username,
            pad_wide(&u.display_name, 20),
            u.role.as_str(),
            pad_wide(&scope, 28),
            if u.disabled {
                "disabled / 已停用"
            } else {
                "active / 正常"
            }
        );
    }
    Ok(())
}

/// One line from standard input, without its line ending.
fn read_password() -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password / 密码: ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let pw = line.trim_end_matches(['\n', '\r']).to_owned();
    if pw.is_empty() {
        bail!("no password on standard input / 标准输入中没有密码");
    }
    Ok(pw)
}
