//! `onestop-server`: the command line of the central approval server.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use onestop_domain::catalogue::CatalogueError;
use onestop_server::api::{router, AppState};
use onestop_server::config::ConfigArgs;
use onestop_server::{catalogue_import, store};

#[derive(Parser)]
#[command(name = "onestop-server", version, about = "一站通 中心审批服务器")]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations, then serve the API until SIGINT or SIGTERM.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the effective configuration (flags > ONESTOP_* variables > file > defaults) as TOML
    /// and exit, without touching the database.
    Config,
    /// Publish a catalogue edition from a JSON file (idempotent: the same content is kept once).
    ImportCatalogue { file: std::path::PathBuf },
    /// Create the first administrator of a county; the password is read from
    /// `ONESTOP_ADMIN_PASSWORD`.
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long)]
        county: String,
        #[arg(long, default_value = "系统管理员")]
        display_name: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ONESTOP_LOG")
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_writer(std::io::stdout)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!(%message, "onestop-server stopped with an error");
            eprintln!("错误：{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = cli
        .config
        .resolve()
        .map_err(|e| format!("{e}（{}）", e.code()))?;
    if let Command::Config = cli.command {
        print!("{}", config.to_layer().to_toml());
        return Ok(());
    }
    let store = store::open(&config.database)
        .await
        .map_err(|e| e.to_string())?;
    let applied = store.migrate().await.map_err(|e| e.to_string())?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    match cli.command {
        Command::Migrate | Command::Config => Ok(()),
        Command::CreateAdmin {
            username,
            county,
            display_name,
        } => {
            let password = std::env::var("ONESTOP_ADMIN_PASSWORD")
                .map_err(|_| "请在环境变量 ONESTOP_ADMIN_PASSWORD 中提供密码".to_string())?;
            let req = onestop_protocol::CreateUserRequest {
                username,
                display_name,
                password,
                role: onestop_domain::lifecycle::Role::Administrator,
                county_code: county,
                department: None,
                window_id: None,
            };
            let user =
                onestop_server::api::users::create(store.as_ref(), config.password_cost, req)
                    .await
                    .map_err(|e| e.error.message)?;
            println!("已创建管理员 {}", user.username);
            Ok(())
        }
        Command::ImportCatalogue { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("无法读取 {}：{e}", file.display()))?;
            let edition = catalogue_import::prepare(&text).map_err(|e| match e {
                CatalogueError::Invalid { problems } => {
                    let list: Vec<String> = problems
                        .iter()
                        .map(|p| format!("  - {}", p.message))
                        .collect();
                    format!(
                        "目录有 {} 处问题，未发布：\n{}",
                        list.len(),
                        list.join("\n")
                    )
                }
                other => other.to_string(),
            })?;
            let new = store
                .publish_catalogue(&edition)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(edition = %edition.edition, items = edition.item_count, etag = %edition.etag, new, "catalogue import");
            println!(
                "目录 {} （{} 项）{}",
                edition.edition,
                edition.item_count,
                if new {
                    "已发布"
                } else {
                    "已是最新，未重复发布"
                }
            );
            Ok(())
        }
        Command::Serve => {
            let listener = tokio::net::TcpListener::bind(config.listen)
                .await
                .map_err(|e| format!("无法监听 {}：{e}", config.listen))?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            tracing::info!(%addr, store = store.kind().as_str(), "listening");
            let state = AppState::new(store, config);
            let metrics = std::sync::Arc::clone(&state.metrics);
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(5));
                loop {
                    tick.tick().await;
                    metrics.upkeep();
                }
            });
            let app = router(state);
            axum::serve(
                onestop_server::without_nagle(listener),
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| e.to_string())?;
            tracing::info!("stopped");
            Ok(())
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM; axum then stops accepting and finishes requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested");
}
