//! `gatehouse`: parses the command line and configuration, then runs the chosen command.

use clap::Parser;
use gatehouse::cli::{Cli, Command};
use gatehouse::config::Config;
use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    keep_big_allocations_out_of_the_heap();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("gatehouse: {err}");
            return ExitCode::from(2);
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    // One-shot commands print their result on stdout; keep stderr for problems unless asked.
    let filter = match command {
        Command::Serve => config.log_filter.as_str(),
        _ if std::env::var_os("RUST_LOG").is_some() => config.log_filter.as_str(),
        _ => "warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("gatehouse: cannot start the async runtime: {err}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(gatehouse::cli::run(command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("gatehouse: {}", failure.message);
            ExitCode::from(failure.exit_code)
        }
    }
}

/// Each argon2 hash takes a 19 MiB block. After the first such block is freed, glibc raises
/// its mmap threshold and serves the next ones from the heap, which it hardly gives back:
/// RSS grew by about 20 MB per sign-in, to 250 MB after a dozen on a 2-core machine. A fixed
/// threshold keeps large blocks mmapped, so freeing one returns it (RSS stays near 35 MB).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_big_allocations_out_of_the_heap() {
    const ONE_MIB: i32 = 1 << 20;
    // SAFETY: mallopt only tunes glibc's allocator and is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, ONE_MIB);
    }
}
