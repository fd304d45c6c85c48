//! moto_server for `--compare-moto`: started on a free 127.0.0.1 port and timed to its first
//! answer, killed when done (or dropped), and asked its version.

use std::time::{Duration, Instant};

use crate::http::first_answer;
use crate::Res;

/// A moto_server we started, killed when dropped.
pub struct Moto {
    pub child: tokio::process::Child,
    pub url: String,
}

pub fn free_port() -> Res<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// The version of the moto installed next to `moto_server` (its venv's python), if it says.
pub async fn moto_version(moto_server: &std::path::Path) -> String {
    let python = moto_server.with_file_name("python");
    let asked = tokio::process::Command::new(python)
        .args(["-c", "import moto; print(moto.__version__)"])
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(Duration::from_secs(30), asked).await {
        Ok(Ok(out)) if out.status.success() => {
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        }
        _ => "(version unknown)".to_owned(),
    }
}

/// Starts moto_server on 127.0.0.1 and times it to its first answer.
pub async fn start_moto(path: &std::path::Path) -> Res<(Moto, Duration)> {
    let port = free_port()?;
    let started = Instant::now();
    let child = tokio::process::Command::new(path)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", path.display()))?;
    let url = format!("http://127.0.0.1:{port}");
    first_answer(&url, Duration::from_secs(60)).await?;
    Ok((Moto { child, url }, started.elapsed()))
}

pub async fn stop_moto(mut moto: Moto) {
    let _ = moto.child.kill().await;
}
