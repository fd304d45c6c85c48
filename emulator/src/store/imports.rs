//! Import tasks (CreateImportTask): their records, their batches and lifecycle (IN_PROGRESS →
//! COMPLETED, CANCELLED or FAILED), and at most three active per account. Reading the source
//! (a CloudTrail Lake event data store) is `crate::import`'s; what it reads is written to the
//! destination group through the ingest path.

use super::resources::Resource;
use super::Region;
use crate::error::{LogsError, LogsResult};
use crate::limits::MAX_ACTIVE_IMPORT_TASKS;

/// The model's `ImportStatus`, of a task and of each of its batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// `IN_PROGRESS`.
    InProgress,
    /// `CANCELLED`.
    Cancelled,
    /// `COMPLETED`.
    Completed,
    /// `FAILED`.
    Failed,
}

impl ImportStatus {
    /// The model's enum, in its order.
    pub const NAMES: [&'static str; 4] = ["IN_PROGRESS", "CANCELLED", "COMPLETED", "FAILED"];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "IN_PROGRESS",
            Self::Cancelled => "CANCELLED",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
        }
    }
}

/// One batch of an import: the source's events of one hour of `eventTime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportBatch {
    /// `batchId`.
    pub id: String,
    /// `status`.
    pub status: ImportStatus,
    /// `errorMessage`, when FAILED.
    pub error: Option<String>,
}

/// An import task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportTask {
    /// `importId`.
    pub id: String,
    /// `importSourceArn`: the event data store.
    pub source_arn: String,
    /// `importRoleArn` (stored; nothing is authorised with it).
    pub role_arn: String,
    /// The destination log group's name.
    pub group: String,
    /// `importDestinationArn`.
    pub destination_arn: String,
    /// `importFilter.startEventTime`, as given.
    pub start_event_time: Option<i64>,
    /// `importFilter.endEventTime`, as given.
    pub end_event_time: Option<i64>,
    /// `importStatus`.
    pub status: ImportStatus,
    /// `importStatistics.bytesImported`.
    pub bytes_imported: u64,
    /// `creationTime`.
    pub creation_time: i64,
    /// `lastUpdatedTime`.
    pub last_updated_time: i64,
    /// `errorMessage`.
    pub error: Option<String>,
    /// The batches so far, in the order they were started.
    pub batches: Vec<ImportBatch>,
}

impl Resource for ImportTask {
    const LISTING: &'static str = "DescribeImportTasks";
    const LIMIT: usize = usize::MAX;

    fn key(&self) -> &str {
        &self.id
    }

    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("The specified import task does not exist.".into())
    }

    fn not_found_named(name: &str) -> LogsError {
        LogsError::ResourceNotFound(format!("Import task {name} does not exist."))
    }
}

impl ImportTask {
    /// Marks the task finished with `status` at `now`; a task no longer in progress
    /// (cancelled meanwhile) is left as it is. Batches still in progress take the same end.
    pub fn finish(&mut self, status: ImportStatus, error: Option<String>, now: i64) {
        if self.status != ImportStatus::InProgress {
            return;
        }
        self.status = status;
        self.error = error;
        self.last_updated_time = now;
        for batch in &mut self.batches {
            if batch.status == ImportStatus::InProgress {
                batch.status = status;
            }
        }
    }
}

impl Region {
    /// Records a new import task, unless [`MAX_ACTIVE_IMPORT_TASKS`] are in progress.
    pub fn create_import_task(&self, task: ImportTask) -> LogsResult<()> {
        let _one_at_a_time = self.import_start.lock();
        let active = self
            .import_tasks
            .all()
            .iter()
            .filter(|t| t.status == ImportStatus::InProgress)
            .count();
        if active >= MAX_ACTIVE_IMPORT_TASKS {
            return Err(LogsError::InvalidOperation(format!(
                "There can be no more than {MAX_ACTIVE_IMPORT_TASKS} active imports per account at a given time."
            )));
        }
        self.import_tasks.put(task).map(|_| ())
    }

    /// The import tasks.
    pub fn import_tasks(&self) -> &super::resources::ResourceTable<ImportTask> {
        &self.import_tasks
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::ManualClock;
    use crate::config::SequenceTokenMode;
    use crate::store::Store;

    fn task(id: &str) -> ImportTask {
        ImportTask {
            id: id.into(),
            source_arn: "s".into(),
            role_arn: "r".into(),
            group: "g".into(),
            destination_arn: "d".into(),
            start_event_time: None,
            end_event_time: None,
            status: ImportStatus::InProgress,
            bytes_imported: 0,
            creation_time: 0,
            last_updated_time: 0,
            error: None,
            batches: Vec::new(),
        }
    }

    #[test]
    fn three_active_tasks_at_most() {
        let store = Store::new(
            "1".into(),
            Arc::new(ManualClock::new(0)),
            SequenceTokenMode::Ignore,
            crate::config::DEFAULT_OUTBOX_SIZE,
        );
        let region = store.region("r");
        for id in ["a", "b", "c"] {
            region.create_import_task(task(id)).unwrap();
        }
        assert!(matches!(
            region.create_import_task(task("d")),
            Err(LogsError::InvalidOperation(_))
        ));
        region
            .import_tasks()
            .update("a", |t| t.finish(ImportStatus::Completed, None, 5))
            .unwrap();
        region.create_import_task(task("d")).unwrap();
    }

    #[test]
    fn finishing_ends_open_batches_and_keeps_a_cancellation() {
        let mut t = task("a");
        t.batches.push(ImportBatch {
            id: "b1".into(),
            status: ImportStatus::Completed,
            error: None,
        });
        t.batches.push(ImportBatch {
            id: "b2".into(),
            status: ImportStatus::InProgress,
            error: None,
        });
        t.finish(ImportStatus::Cancelled, None, 7);
        assert_eq!(t.status, ImportStatus::Cancelled);
        assert_eq!(t.last_updated_time, 7);
        assert_eq!(t.batches[0].status, ImportStatus::Completed);
        assert_eq!(t.batches[1].status, ImportStatus::Cancelled);
        t.finish(ImportStatus::Completed, None, 9);
        assert_eq!(t.status, ImportStatus::Cancelled);
        assert_eq!(t.last_updated_time, 7);
    }
}
