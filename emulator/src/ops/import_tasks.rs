//! CreateImportTask, DescribeImportTasks, DescribeImportTaskBatches, CancelImportTask. The
//! lifecycle is the store's (`store::imports`); the source is read by `crate::import`.

use serde::{Deserialize, Serialize};

use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::import::EventDataStore;
use crate::limits::{
    DAY_MILLIS, DEFAULT_IMPORT_BATCHES_LIMIT, DEFAULT_IMPORT_TASKS_LIMIT,
    MAX_IMPORT_DESCRIBE_LIMIT, MAX_IMPORT_ID_LEN,
};
use crate::protocol::{decode, encode};
use crate::store::group::GroupSettings;
use crate::store::imports::{ImportStatus, ImportTask};
use crate::store::listing::Listing;
use crate::validate::Violations;

/// The model's `ImportId` pattern.
const IMPORT_ID_PATTERN: &str = "[\\-a-zA-Z0-9]+";

#[derive(Deserialize, Serialize, Clone, Copy, Default)]
#[serde(rename_all = "camelCase")]
struct ImportFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    start_event_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_event_time: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateImportTaskInput {
    import_source_arn: Option<String>,
    import_role_arn: Option<String>,
    import_filter: Option<ImportFilter>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateImportTaskOutput {
    import_id: String,
    import_destination_arn: String,
    creation_time: i64,
}

/// `arn:<partition>:iam::<account>:role/<name>`.
fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts[..], ["arn", partition, "iam", "", account, resource]
        if !partition.is_empty()
            && account.len() == 12
            && account.chars().all(|c| c.is_ascii_digit())
            && resource.strip_prefix("role/").is_some_and(|name| !name.is_empty()))
}

pub(super) fn create_import_task(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: CreateImportTaskInput = decode(body)?;
    let mut v = Violations::new();
    let source = v.required("importSourceArn", input.import_source_arn.as_deref());
    let role = v.required("importRoleArn", input.import_role_arn.as_deref());
    if let Some(role) = role {
        v.length("importRoleArn", role, 1, usize::MAX);
    }
    let filter = input.import_filter.unwrap_or_default();
    for (field, time) in [
        ("importFilter.startEventTime", filter.start_event_time),
        ("importFilter.endEventTime", filter.end_event_time),
    ] {
        if let Some(time) = time {
            v.range(field, time, 0, i64::MAX);
        }
    }
    v.finish()?;
    let (source, role) = (source.unwrap_or_default(), role.unwrap_or_default());
    let store = EventDataStore::parse(source).ok_or_else(|| {
        LogsError::InvalidParameter(format!(
            "Invalid importSourceArn {source}: only CloudTrail Lake event data store ARNs \
             (arn:aws:cloudtrail:<region>:<account>:eventdatastore/<id>) can be imported."
        ))
    })?;
    if !is_role_arn(role) {
        return Err(LogsError::InvalidParameter(format!(
            "Invalid importRoleArn {role}: it must be an IAM role ARN."
        )));
    }
    if let (Some(start), Some(end)) = (filter.start_event_time, filter.end_event_time) {
        if start > end {
            return Err(LogsError::InvalidParameter(
                "The startEventTime must be less than or equal to endEventTime.".into(),
            ));
        }
    }
    let now = ctx.store.now();
    // AWS checks the source when the task is created; here CloudTrail is asked when an
    // endpoint is configured (this handler runs on the blocking pool).
    let info = crate::import::check_source(ctx.store.cloudtrail_endpoint(), &store)?;
    if let Some(days) = info.and_then(|i| i.retention_days) {
        let oldest = now - days.saturating_mul(DAY_MILLIS);
        let start = filter.start_event_time.unwrap_or(oldest);
        if start < oldest {
            return Err(LogsError::InvalidParameter(format!(
                "The data being imported must be within the retention period of the import \
                 source ({days} days)."
            )));
        }
    }
    let region = ctx.region_to_write();
    let group = store.group_name();
    let task = ImportTask {
        id: ctx.store.env().ids.uuid(),
        source_arn: source.to_owned(),
        role_arn: role.to_owned(),
        destination_arn: region.group_arn(&group),
        group: group.clone(),
        start_event_time: filter.start_event_time,
        end_event_time: filter.end_event_time,
        status: ImportStatus::InProgress,
        bytes_imported: 0,
        creation_time: now,
        last_updated_time: now,
        error: None,
        batches: Vec::new(),
    };
    let output = CreateImportTaskOutput {
        import_id: task.id.clone(),
        import_destination_arn: task.destination_arn.clone(),
        creation_time: now,
    };
    region.create_import_task(task)?;
    if region.group(&group).is_err() {
        // The managed group; a racing import of the same store may have created it.
        let _ = region.create_group(&group, GroupSettings::default());
    }
    crate::import::start(
        std::sync::Arc::clone(&region),
        output.import_id.clone(),
        ctx.store.cloudtrail_endpoint().map(str::to_owned),
    );
    Ok(Handled::json(encode(&output)))
}

/// Checks an `importId` member (model: `ImportId`).
fn check_import_id(v: &mut Violations, id: &str) {
    v.length("importId", id, 1, MAX_IMPORT_ID_LEN);
    v.pattern("importId", id, IMPORT_ID_PATTERN, |c| {
        c.is_ascii_alphanumeric() || c == '-'
    });
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeImportTasksInput {
    import_id: Option<String>,
    import_status: Option<String>,
    import_source_arn: Option<String>,
    limit: Option<i64>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportStatistics {
    bytes_imported: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportOut {
    import_id: String,
    import_source_arn: String,
    import_status: &'static str,
    import_destination_arn: String,
    import_statistics: ImportStatistics,
    #[serde(skip_serializing_if = "Option::is_none")]
    import_filter: Option<ImportFilter>,
    creation_time: i64,
    last_updated_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeImportTasksOutput {
    imports: Vec<ImportOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn describe_import_tasks(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeImportTasksInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(id) = &input.import_id {
        check_import_id(&mut v, id);
    }
    if let Some(status) = &input.import_status {
        v.one_of("importStatus", status, &ImportStatus::NAMES);
    }
    let limit = v.page_size(
        "limit",
        input.limit,
        1,
        MAX_IMPORT_DESCRIBE_LIMIT,
        DEFAULT_IMPORT_TASKS_LIMIT,
    );
    v.next_token(input.next_token.as_deref());
    v.finish()?;
    let page = ctx.region.import_tasks().page(
        ctx.region.fingerprint(),
        "",
        input.next_token.as_deref(),
        limit,
        |t| {
            input.import_id.as_ref().is_none_or(|id| *id == t.id)
                && input
                    .import_status
                    .as_deref()
                    .is_none_or(|s| s == t.status.as_str())
                && input
                    .import_source_arn
                    .as_ref()
                    .is_none_or(|arn| *arn == t.source_arn)
        },
    );
    let output = DescribeImportTasksOutput {
        imports: page
            .items
            .into_iter()
            .map(|t| ImportOut {
                import_statistics: ImportStatistics {
                    bytes_imported: t.bytes_imported,
                },
                import_filter: (t.start_event_time.is_some() || t.end_event_time.is_some())
                    .then_some(ImportFilter {
                        start_event_time: t.start_event_time,
                        end_event_time: t.end_event_time,
                    }),
                import_id: t.id,
                import_source_arn: t.source_arn,
                import_status: t.status.as_str(),
                import_destination_arn: t.destination_arn,
                creation_time: t.creation_time,
                last_updated_time: t.last_updated_time,
                error_message: t.error,
            })
            .collect(),
        next_token: page.next_token,
    };
    Ok(Handled::json(encode(&output)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeImportTaskBatchesInput {
    import_id: Option<String>,
    batch_import_status: Option<Vec<String>>,
    limit: Option<i64>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchOut {
    batch_id: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeImportTaskBatchesOutput {
    import_source_arn: String,
    import_id: String,
    import_batches: Vec<BatchOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn describe_import_task_batches(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeImportTaskBatchesInput = decode(body)?;
    let mut v = Violations::new();
    let id = v.required("importId", input.import_id.as_deref());
    if let Some(id) = id {
        check_import_id(&mut v, id);
    }
    if let Some(statuses) = &input.batch_import_status {
        v.members_one_of("batchImportStatus", statuses, &ImportStatus::NAMES);
    }
    let limit = v.page_size(
        "limit",
        input.limit,
        1,
        MAX_IMPORT_DESCRIBE_LIMIT,
        DEFAULT_IMPORT_BATCHES_LIMIT,
    );
    v.next_token(input.next_token.as_deref());
    v.finish()?;
    let task = ctx.region.import_tasks().get(id.unwrap_or_default())?;
    let wanted = |status: ImportStatus| {
        input
            .batch_import_status
            .as_ref()
            .is_none_or(|s| s.is_empty() || s.iter().any(|s| s == status.as_str()))
    };
    let batches: Vec<((i64, String), BatchOut)> = task
        .batches
        .into_iter()
        .enumerate()
        .filter(|(_, b)| wanted(b.status))
        .map(|(index, b)| {
            (
                (index as i64, b.id.clone()),
                BatchOut {
                    batch_id: b.id,
                    status: b.status.as_str(),
                    error_message: b.error,
                },
            )
        })
        .collect();
    let listing = Listing::new(
        "DescribeImportTaskBatches",
        crate::store::tokens::fingerprint(&[
            ctx.region.fingerprint().to_string().as_bytes(),
            task.id.as_bytes(),
        ]),
    );
    let page = listing.page_of(input.next_token.as_deref(), limit, batches);
    let output = DescribeImportTaskBatchesOutput {
        import_source_arn: task.source_arn,
        import_id: task.id,
        import_batches: page.items,
        next_token: page.next_token,
    };
    Ok(Handled::json(encode(&output)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CancelImportTaskInput {
    import_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CancelImportTaskOutput {
    import_id: String,
    import_statistics: ImportStatistics,
    import_status: &'static str,
    creation_time: i64,
    last_updated_time: i64,
}

pub(super) fn cancel_import_task(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: CancelImportTaskInput = decode(body)?;
    let mut v = Violations::new();
    let id = v.required("importId", input.import_id.as_deref());
    if let Some(id) = id {
        check_import_id(&mut v, id);
    }
    v.finish()?;
    let now = ctx.store.now();
    let task = ctx
        .region
        .import_tasks()
        .update(id.unwrap_or_default(), |t| {
            if t.status != ImportStatus::InProgress {
                return Err(LogsError::InvalidOperation(format!(
                    "Import task {} cannot be cancelled: its status is {}; only an IN_PROGRESS \
                     import can be cancelled.",
                    t.id,
                    t.status.as_str()
                )));
            }
            t.finish(ImportStatus::Cancelled, None, now);
            Ok(t.clone())
        })??;
    let output = CancelImportTaskOutput {
        import_id: task.id,
        import_statistics: ImportStatistics {
            bytes_imported: task.bytes_imported,
        },
        import_status: task.status.as_str(),
        creation_time: task.creation_time,
        last_updated_time: task.last_updated_time,
    };
    Ok(Handled::json(encode(&output)))
}
