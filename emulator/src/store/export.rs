//! Export tasks (CreateExportTask): their records and lifecycle (PENDING → RUNNING →
//! COMPLETED, CANCELLED or FAILED), at most one active per region, and the read an export
//! makes of a group (retention and masking applied, as on every read). Writing the objects is
//! `crate::export`'s.

use std::sync::Arc;

use super::events::EventKey;
use super::resources::Resource;
use super::LogGroup;
use crate::error::LogsError;

/// The model's `ExportTaskStatusCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportStatus {
    /// `PENDING`.
    Pending,
    /// `RUNNING`.
    Running,
    /// `COMPLETED`.
    Completed,
    /// `CANCELLED`.
    Cancelled,
    /// `FAILED`.
    Failed,
}

impl ExportStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Running => "RUNNING",
            Self::Completed => "COMPLETED",
            Self::Cancelled => "CANCELLED",
            Self::Failed => "FAILED",
        }
    }

    /// Whether the task is still active (PENDING or RUNNING).
    pub fn is_active(self) -> bool {
        matches!(self, Self::Pending | Self::Running)
    }
}

/// An export task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportTask {
    /// `taskId`.
    pub id: String,
    /// `taskName`.
    pub name: Option<String>,
    /// `logGroupName`.
    pub group: String,
    /// `logStreamNamePrefix`.
    pub stream_prefix: Option<String>,
    /// `from`, epoch milliseconds (inclusive).
    pub from: i64,
    /// `to`, epoch milliseconds (inclusive).
    pub to: i64,
    /// `destination` (the bucket).
    pub destination: String,
    /// `destinationPrefix` (default `exportedlogs`).
    pub prefix: String,
    /// The status.
    pub status: ExportStatus,
    /// The status message, when there is one.
    pub message: Option<String>,
    /// `executionInfo.creationTime`.
    pub creation_time: i64,
    /// `executionInfo.completionTime`, once finished.
    pub completion_time: Option<i64>,
}

impl Resource for ExportTask {
    const LISTING: &'static str = "DescribeExportTasks";
    const LIMIT: usize = usize::MAX;

    fn key(&self) -> &str {
        &self.id
    }

    /// AWS-recorded (localstack `test_logs_export_tasks.snapshot.json`, 2026).
    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("The specified export task does not exist.".into())
    }
}

/// One exported stream: its name and its events' (timestamp, message) in stream order.
pub type ExportedStream = (String, Vec<(i64, String)>);

impl LogGroup {
    /// The events an export of `[from, to]` copies, stream by stream (in name order, only
    /// those whose name starts with `prefix` and that have such events), after retention and
    /// masked as every read is.
    pub fn export_events(
        self: &Arc<Self>,
        prefix: &str,
        from: i64,
        to: i64,
    ) -> Vec<ExportedStream> {
        let masks = self.masks(false);
        let mut out = Vec::new();
        for stream in self.streams_with_prefix(prefix) {
            let cutoff = self.apply_retention(&stream).unwrap_or(i64::MIN);
            let start = EventKey::at_time(from.max(cutoff));
            let end = EventKey::at_time(to.saturating_add(1));
            let events: Vec<(i64, String)> = stream.with_events(|log| {
                log.iter_from(start)
                    .take_while(|e| e.key < end)
                    .map(|e| {
                        let message = masks.apply(e.ingestion_time, e.message).into_owned();
                        (e.key.timestamp, message)
                    })
                    .collect()
            });
            if !events.is_empty() {
                out.push((stream.name().to_owned(), events));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::ManualClock;
    use crate::config::SequenceTokenMode;
    use crate::store::Store;

    fn task(id: &str, status: ExportStatus) -> ExportTask {
        ExportTask {
            id: id.into(),
            name: None,
            group: "g".into(),
            stream_prefix: None,
            from: 0,
            to: 1,
            destination: "b".into(),
            prefix: "exportedlogs".into(),
            status,
            message: None,
            creation_time: 0,
            completion_time: None,
        }
    }

    #[test]
    fn one_active_task_at_a_time() {
        let store = Store::new(
            "1".into(),
            Arc::new(ManualClock::new(0)),
            SequenceTokenMode::Ignore,
            crate::config::DEFAULT_OUTBOX_SIZE,
        );
        let region = store.region("r");
        region
            .create_export_task(task("a", ExportStatus::Pending))
            .unwrap();
        assert_eq!(
            region
                .create_export_task(task("b", ExportStatus::Pending))
                .unwrap_err()
                .to_string(),
            "Resource limit exceeded."
        );
        region
            .export_tasks()
            .update("a", |t| t.status = ExportStatus::Completed)
            .unwrap();
        region
            .create_export_task(task("b", ExportStatus::Pending))
            .unwrap();
    }
}
