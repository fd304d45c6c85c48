//! Export tasks' writer: what CreateExportTask puts in the bucket, in AWS's object layout
//! (`<prefix>/<taskId>/<logStreamName>/000000.gz`, each a gzip of `<ISO-8601 timestamp>
//! <message>` lines, and the `<prefix>/aws-logs-write-test` object AWS writes first). A
//! bucket is a bucket of the S3-compatible `--s3-endpoint` (SigV4-signed PutObject), or else
//! a folder of `--export-dir`. The task's lifecycle lives in the store
//! (`store::export`); this runs it on a thread of its own and records each step.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::delivery::forward::{block_on, http_client, send, Outgoing};
use crate::store::export::ExportStatus;
use crate::store::Region;

/// Where an export task writes.
#[derive(Debug, Clone)]
pub enum Bucket {
    /// A folder of `--export-dir` named as the bucket.
    Dir(PathBuf),
    /// A bucket of the S3-compatible `--s3-endpoint` (path-style URLs).
    S3 {
        /// The endpoint URL.
        endpoint: String,
        /// The bucket.
        name: String,
        /// The region requests are signed for.
        region: String,
    },
}

/// The bucket `name`, if it exists (AWS refuses a bucket that does not exist when the task is
/// created): on the S3 endpoint when one is configured (asked with a signed `HEAD`), else a
/// folder of the export folder.
pub fn find_bucket(
    export_dir: Option<&Path>,
    s3_endpoint: Option<&str>,
    region: &str,
    name: &str,
) -> Option<Bucket> {
    let plain = !name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != "..";
    if !plain {
        return None;
    }
    if let Some(endpoint) = s3_endpoint {
        let bucket = Bucket::S3 {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            name: name.to_owned(),
            region: region.to_owned(),
        };
        let head = bucket.request(http::Method::HEAD, "", bytes::Bytes::new());
        return block_on(async { send(&http_client(), region, &head).await.is_ok() })
            .then_some(bucket);
    }
    let dir = export_dir?.join(name);
    dir.is_dir().then_some(Bucket::Dir(dir))
}

/// The bucket `name` that a vended S3 delivery or a scheduled query of `region` writes to:
/// on `--s3-endpoint` when configured, else a folder of `--export-dir`. `Ok(None)` when
/// neither is configured (nothing to write to); an error when the bucket does not exist.
pub fn destination_bucket(region: &Region, name: &str) -> Result<Option<Bucket>, String> {
    let env = region.env();
    if env.s3_endpoint.is_none() && env.export_dir.is_none() {
        return Ok(None);
    }
    find_bucket(
        env.export_dir.as_deref(),
        env.s3_endpoint.as_deref(),
        region.name(),
        name,
    )
    .map(Some)
    .ok_or_else(|| format!("The S3 bucket {name} does not exist."))
}

/// `key` with every byte but S3's unreserved ones and `/` percent-encoded.
fn encode_key(key: &str) -> String {
    key.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Bucket {
    /// A signed S3 request for `key` of this bucket (`""`: the bucket itself).
    fn request(&self, method: http::Method, key: &str, body: bytes::Bytes) -> Outgoing {
        let Self::S3 { endpoint, name, .. } = self else {
            unreachable!("only S3 buckets take requests");
        };
        let url = if key.is_empty() {
            format!("{endpoint}/{name}")
        } else {
            format!("{endpoint}/{name}/{}", encode_key(key))
        };
        Outgoing {
            method,
            url,
            service: "s3",
            headers: vec![("content-type", "application/octet-stream".into())],
            body,
            failed_count_member: None,
        }
    }

    /// Writes the object `key` (`/`-separated; empty, `.` and `..` parts are dropped).
    pub fn put(&self, key: &str, data: Vec<u8>) -> Result<(), String> {
        let parts: Vec<&str> = key
            .split('/')
            .filter(|p| !p.is_empty() && *p != "." && *p != "..")
            .collect();
        match self {
            Self::Dir(root) => {
                let path = parts.iter().fold(root.clone(), |dir, part| dir.join(part));
                let io = |e: std::io::Error| format!("The object could not be written: {e}");
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(io)?;
                }
                std::fs::write(path, data).map_err(io)
            }
            Self::S3 { region, .. } => {
                let put = self.request(http::Method::PUT, &parts.join("/"), data.into());
                block_on(async { send(&http_client(), region, &put).await })
                    .map(drop)
                    .map_err(|e| format!("The object could not be written: {e}"))
            }
        }
    }
}

/// The journal name of an export's end (`--data-dir`): a replay does not export again (the
/// objects are written, and a compacted journal restores events only after the control
/// records, so an export replayed would write empty objects over them); it applies the
/// recorded end instead. A task the journal shows unfinished runs again after the restart
/// ([`resume_unfinished`]).
pub const EXPORT_EFFECT: &str = "cwlogs:ExportTaskEnded";

/// How an export task ended, as journaled.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Ended {
    task_id: String,
    completion_time: i64,
    /// `None` when it completed, else why it failed.
    error: Option<String>,
}

/// Records how the task ended, unless it was cancelled meanwhile (then Err, not journaled).
fn apply_end(region: &Region, ended: &Ended) -> crate::error::LogsResult<()> {
    region
        .export_tasks()
        .update(&ended.task_id, |t| {
            if !t.status.is_active() {
                return Err(crate::error::LogsError::InvalidOperation(
                    "the export task was cancelled".into(),
                ));
            }
            t.completion_time = Some(ended.completion_time);
            match &ended.error {
                None => {
                    t.status = ExportStatus::Completed;
                    t.message = Some("Completed successfully".into());
                }
                Some(error) => {
                    t.status = ExportStatus::Failed;
                    t.message = Some(error.clone());
                }
            }
            Ok(())
        })
        .and_then(|applied| applied)
}

/// Replays a journaled [`EXPORT_EFFECT`] (the caller pins the clock).
pub fn replay(
    store: &crate::store::Store,
    region: &str,
    body: &[u8],
) -> crate::error::LogsResult<()> {
    let ended: Ended = serde_json::from_slice(body).map_err(|e| {
        crate::error::LogsError::ServiceUnavailable(format!(
            "a journaled export end is unreadable: {e}"
        ))
    })?;
    let region = store.existing_region(region).ok_or_else(|| {
        crate::error::LogsError::ResourceNotFound("the export's region does not exist".into())
    })?;
    apply_end(&region, &ended)
}

/// Runs again every export task the replayed journal left unfinished (the emulator stopped
/// while it ran); a task whose bucket is gone fails.
pub fn resume_unfinished(store: &crate::store::Store) {
    for name in store.region_names() {
        let Some(region) = store.existing_region(&name) else {
            continue;
        };
        for task in region.export_tasks().all() {
            if !task.status.is_active() {
                continue;
            }
            match find_bucket(
                store.export_dir(),
                store.s3_endpoint(),
                region.name(),
                &task.destination,
            ) {
                Some(bucket) => start(Arc::clone(&region), task.id, bucket),
                None => end(
                    &region,
                    task.id,
                    Err(
                        "The given bucket does not exist. Please make sure the bucket is valid."
                            .into(),
                    ),
                ),
            }
        }
    }
}

/// Journals and records the end of the task `task_id`.
fn end(region: &Region, task_id: String, outcome: Result<(), String>) {
    let ended = Ended {
        task_id,
        completion_time: region.now(),
        error: outcome.err(),
    };
    let body = serde_json::to_vec(&ended).expect("an export's end serializes");
    let _ = region
        .env()
        .journal_effect(region.name(), (EXPORT_EFFECT, &body), || {
            apply_end(region, &ended)
        });
}

/// Runs the task `task_id` of `region` in the background, writing to `bucket`. During a
/// replay it does nothing: the journal's [`EXPORT_EFFECT`] says how the task ended.
pub fn start(region: Arc<Region>, task_id: String, bucket: Bucket) {
    if region.env().replaying() {
        return;
    }
    let env_region = Arc::clone(&region);
    let name = format!("export-{task_id}");
    let started = env_region.env().background(name, move || {
        let running = region
            .export_tasks()
            .update(&task_id, |t| {
                if t.status == ExportStatus::Pending {
                    t.status = ExportStatus::Running;
                }
                t.clone()
            })
            .ok()
            .filter(|t| t.status == ExportStatus::Running);
        let Some(task) = running else {
            return; // cancelled before it started
        };
        let outcome = write(&region, &task, &bucket);
        end(&region, task_id, outcome);
    });
    if let Err(error) = started {
        tracing::error!(%error, "cannot start an export task's thread");
    }
}

fn write(
    region: &Region,
    task: &crate::store::export::ExportTask,
    bucket: &Bucket,
) -> Result<(), String> {
    let io = |e: std::io::Error| format!("The export could not be written: {e}");
    let prefix = task.prefix.trim_matches('/');
    bucket.put(
        &format!("{prefix}/aws-logs-write-test"),
        b"Permission Check Successful".to_vec(),
    )?;
    let group = region
        .group(&task.group)
        .map_err(|_| "The specified log group does not exist.".to_owned())?;
    let streams = group.export_events(
        task.stream_prefix.as_deref().unwrap_or(""),
        task.from,
        task.to,
    );
    for (stream, events) in streams {
        let mut text = Vec::new();
        for (timestamp, message) in events {
            writeln!(text, "{} {message}", iso8601(timestamp)).map_err(io)?;
        }
        // A stream name may hold `/`: it becomes part of the key, as S3 shows it.
        bucket.put(
            &format!("{prefix}/{}/{stream}/000000.gz", task.id),
            crate::delivery::gzip(&text),
        )?;
    }
    Ok(())
}

/// `2026-01-01T00:00:00.000Z` for epoch milliseconds.
pub fn iso8601(millis: i64) -> String {
    let (days, ms) = (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000));
    let (year, month, day) = crate::clock::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_gzip() {
        use std::io::Read;
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_767_225_600_123), "2026-01-01T00:00:00.123Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
        let gz = crate::delivery::gzip(b"hello\n");
        assert_eq!(&gz[..3], &[0x1f, 0x8b, 8]);
        let mut text = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "hello\n");
    }
}
