//! Export tasks' writer: what CreateExportTask puts in the bucket, in AWS's object layout
//! (`<prefix>/<taskId>/<logStreamName>/000000.gz`, each a gzip of `<ISO-8601 timestamp>
//! <message>` lines, and the `<prefix>/aws-logs-write-test` object AWS writes first). A
//! bucket is a folder of `--export-dir`. The task's lifecycle lives in the store
//! (`store::export`); this runs it on a thread of its own and records each step.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::store::export::ExportStatus;
use crate::store::Region;

/// The folder of `bucket` under the export folder, if both exist (AWS refuses a bucket that
/// does not exist when the task is created).
pub fn bucket_dir(export_dir: Option<&Path>, bucket: &str) -> Option<PathBuf> {
    let dir = export_dir?.join(bucket);
    let plain =
        !bucket.is_empty() && !bucket.contains(['/', '\\']) && bucket != "." && bucket != "..";
    (plain && dir.is_dir()).then_some(dir)
}

/// Runs the task `task_id` of `region` in the background, writing under `bucket`.
pub fn start(region: Arc<Region>, task_id: String, bucket: PathBuf) {
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
        let now = region.now();
        let _ = region.export_tasks().update(&task_id, |t| {
            if t.status != ExportStatus::Running {
                return; // cancelled meanwhile
            }
            t.completion_time = Some(now);
            match outcome {
                Ok(()) => {
                    t.status = ExportStatus::Completed;
                    t.message = Some("Completed successfully".into());
                }
                Err(error) => {
                    t.status = ExportStatus::Failed;
                    t.message = Some(error);
                }
            }
        });
    });
    if let Err(error) = started {
        tracing::error!(%error, "cannot start an export task's thread");
    }
}

fn write(
    region: &Region,
    task: &crate::store::export::ExportTask,
    bucket: &Path,
) -> Result<(), String> {
    let io = |e: std::io::Error| format!("The export could not be written: {e}");
    let root = task
        .prefix
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .fold(bucket.to_path_buf(), |dir, part| dir.join(part));
    std::fs::create_dir_all(&root).map_err(io)?;
    std::fs::write(
        root.join("aws-logs-write-test"),
        "Permission Check Successful",
    )
    .map_err(io)?;
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
        // A stream name may hold `/`: it becomes folders, as S3 keys show it.
        let dir = stream
            .split('/')
            .filter(|p| !p.is_empty() && *p != "." && *p != "..")
            .fold(root.join(&task.id), |dir, part| dir.join(part));
        std::fs::create_dir_all(&dir).map_err(io)?;
        std::fs::write(dir.join("000000.gz"), crate::delivery::gzip(&text)).map_err(io)?;
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
