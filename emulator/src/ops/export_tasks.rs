//! CreateExportTask, DescribeExportTasks, CancelExportTask. The lifecycle is the store's
//! (`store::export`); the objects are written by `crate::export`.

use serde::{Deserialize, Serialize};

use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{MAX_DESCRIBE_LIMIT, MAX_EXPORT_TASK_ID_LEN, MAX_EXPORT_TASK_NAME_LEN};
use crate::protocol::{decode, encode};
use crate::store::export::{ExportStatus, ExportTask};
use crate::validate::Violations;

/// The model's `ExportTaskStatusCode` enum.
const STATUS_CODES: [&str; 6] = [
    "CANCELLED",
    "COMPLETED",
    "FAILED",
    "PENDING",
    "PENDING_CANCEL",
    "RUNNING",
];
/// The prefix AWS uses when `destinationPrefix` is not given (model doc of
/// `destinationPrefix`: "the default is exportedlogs").
const DEFAULT_PREFIX: &str = "exportedlogs";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateExportTaskInput {
    task_name: Option<String>,
    log_group_name: Option<String>,
    log_stream_name_prefix: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
    destination: Option<String>,
    destination_prefix: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateExportTaskOutput {
    task_id: String,
}

pub(super) fn create_export_task(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: CreateExportTaskInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = &input.task_name {
        v.length("taskName", name, 1, MAX_EXPORT_TASK_NAME_LEN);
    }
    let group = v.required_group_name(input.log_group_name.as_deref());
    if let Some(prefix) = &input.log_stream_name_prefix {
        v.log_stream_name("logStreamNamePrefix", prefix);
    }
    let from = v.required("from", input.from.as_ref()).copied();
    let to = v.required("to", input.to.as_ref()).copied();
    v.time_range(from, to);
    let destination = v.required("destination", input.destination.as_deref());
    if let Some(destination) = destination {
        v.length("destination", destination, 1, 512);
    }
    v.finish()?;
    let (from, to) = (from.unwrap_or_default(), to.unwrap_or_default());
    ctx.group(group)?;
    if to < from {
        return Err(LogsError::InvalidParameter(
            "The 'to' time must be later than the 'from' time.".into(),
        ));
    }
    let destination = destination.unwrap_or_default();
    // AWS checks the bucket when the task is created (recorded in localstack's
    // test_logs_export_tasks.snapshot.json); here a bucket is one of --s3-endpoint (asked with
    // HEAD; this handler runs on the blocking pool) or a folder of --export-dir.
    let bucket = crate::export::find_bucket(
        ctx.store.export_dir(),
        ctx.store.s3_endpoint(),
        ctx.region.name(),
        destination,
    )
    .ok_or_else(|| {
        LogsError::InvalidParameter(
            "The given bucket does not exist. Please make sure the bucket is valid.".into(),
        )
    })?;
    let task = ExportTask {
        id: ctx.store.env().ids.uuid(),
        name: input.task_name,
        group: group.to_owned(),
        stream_prefix: input.log_stream_name_prefix,
        from,
        to,
        destination: destination.to_owned(),
        prefix: input
            .destination_prefix
            .unwrap_or_else(|| DEFAULT_PREFIX.to_owned()),
        status: ExportStatus::Pending,
        message: None,
        creation_time: ctx.store.now(),
        completion_time: None,
    };
    let task_id = task.id.clone();
    ctx.region_to_write().create_export_task(task)?;
    crate::export::start(std::sync::Arc::clone(&ctx.region), task_id.clone(), bucket);
    Ok(Handled::json(encode(&CreateExportTaskOutput { task_id })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeExportTasksInput {
    task_id: Option<String>,
    status_code: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusOut {
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExecutionInfoOut {
    creation_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    completion_time: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportTaskOut {
    task_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_name: Option<String>,
    log_group_name: String,
    from: i64,
    to: i64,
    destination: String,
    destination_prefix: String,
    status: StatusOut,
    execution_info: ExecutionInfoOut,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeExportTasksOutput {
    export_tasks: Vec<ExportTaskOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn describe_export_tasks(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeExportTasksInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(id) = &input.task_id {
        v.length("taskId", id, 1, MAX_EXPORT_TASK_ID_LEN);
    }
    let status = input
        .status_code
        .as_deref()
        .and_then(|s| v.one_of("statusCode", s, &STATUS_CODES).map(|_| s));
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_DESCRIBE_LIMIT);
    v.finish()?;
    let page = ctx.region.export_tasks().page(
        ctx.region.fingerprint(),
        "",
        input.next_token.as_deref(),
        limit,
        |t| {
            input.task_id.as_ref().is_none_or(|id| *id == t.id)
                && status.is_none_or(|s| s == t.status.as_str())
        },
    );
    let output = DescribeExportTasksOutput {
        export_tasks: page
            .items
            .into_iter()
            .map(|t| ExportTaskOut {
                task_id: t.id,
                task_name: t.name,
                log_group_name: t.group,
                from: t.from,
                to: t.to,
                destination: t.destination,
                destination_prefix: t.prefix,
                status: StatusOut {
                    code: t.status.as_str(),
                    message: t.message,
                },
                execution_info: ExecutionInfoOut {
                    creation_time: t.creation_time,
                    completion_time: t.completion_time,
                },
            })
            .collect(),
        next_token: page.next_token,
    };
    Ok(Handled::json(encode(&output)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CancelExportTaskInput {
    task_id: Option<String>,
}

pub(super) fn cancel_export_task(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: CancelExportTaskInput = decode(body)?;
    let mut v = Violations::new();
    let id = v.required("taskId", input.task_id.as_deref());
    if let Some(id) = id {
        v.length("taskId", id, 1, MAX_EXPORT_TASK_ID_LEN);
    }
    v.finish()?;
    let now = ctx.store.now();
    ctx.region
        .export_tasks()
        .update(id.unwrap_or_default(), |t| {
            if !t.status.is_active() {
                return Err(LogsError::InvalidOperation(format!(
                    "The specified export task has already finished. Its status is {}.",
                    t.status.as_str()
                )));
            }
            t.status = ExportStatus::Cancelled;
            t.message = Some("Cancelled by user".into());
            t.completion_time = Some(now);
            Ok(())
        })??;
    Ok(Handled::empty())
}
