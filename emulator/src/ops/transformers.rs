//! PutTransformer, GetTransformer, DeleteTransformer, TestTransformer. The processors are the
//! pure `transform` module; the group keeps its transformer (`store/transformers.rs`) and
//! PutLogEvents stores what it produces.

use serde::{Deserialize, Serialize};

use super::{resolve_group, Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{MAX_TEST_TRANSFORMER_MESSAGES, MAX_TRANSFORMER_PROCESSORS};
use crate::protocol::{decode, encode};
use crate::store::group::LogGroupClass;
use crate::transform::config::ProcessorConfig;
use crate::transform::{Metadata, Transformer};
use crate::validate::Violations;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TransformerInput {
    log_group_identifier: Option<String>,
    transformer_config: Option<Vec<ProcessorConfig>>,
    log_event_messages: Option<Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GetTransformerOutput<'a> {
    log_group_identifier: &'a str,
    creation_time: i64,
    last_modified_time: i64,
    transformer_config: &'a [ProcessorConfig],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TestTransformerOutput {
    transformed_logs: Vec<TransformedLogRecord>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TransformedLogRecord {
    event_number: i64,
    event_message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    transformed_event_message: Option<String>,
}

/// The required `logGroupIdentifier`.
fn identifier<'i>(v: &mut Violations, input: &'i TransformerInput) -> &'i str {
    let id = v.required("logGroupIdentifier", input.log_group_identifier.as_deref());
    if let Some(id) = id {
        v.log_group_identifier("logGroupIdentifier", id);
    }
    id.unwrap_or_default()
}

/// The required `transformerConfig`, its length checked against the model.
fn config<'i>(v: &mut Violations, input: &'i TransformerInput) -> &'i [ProcessorConfig] {
    let config = v.required("transformerConfig", input.transformer_config.as_deref());
    if let Some(config) = config {
        v.count(
            "transformerConfig",
            config.len(),
            1,
            MAX_TRANSFORMER_PROCESSORS,
        );
    }
    config.unwrap_or_default()
}

fn compile(config: &[ProcessorConfig]) -> LogsResult<Transformer> {
    Transformer::compile(config).map_err(LogsError::InvalidParameter)
}

/// A TRANSFORMER_POLICY document (PutAccountPolicy): `{"transformerConfig": [...]}`,
/// checked and compiled as PutTransformer's configuration.
pub(super) fn read_account_document(document: &str) -> LogsResult<Transformer> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Document {
        transformer_config: Option<Vec<ProcessorConfig>>,
    }
    let config = serde_json::from_str::<Document>(document)
        .ok()
        .and_then(|d| d.transformer_config)
        .ok_or_else(|| {
            LogsError::InvalidParameter(
                "Invalid TRANSFORMER_POLICY document: transformerConfig must be a list of processors."
                    .into(),
            )
        })?;
    compile(&config)
}

fn no_transformer() -> LogsError {
    LogsError::ResourceNotFound("The specified transformer does not exist.".into())
}

pub(super) fn put_transformer(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: TransformerInput = decode(body)?;
    let mut v = Violations::new();
    let id = identifier(&mut v, &input);
    let config = config(&mut v, &input);
    v.finish()?;
    let group = resolve_group(ctx, None, Some(id))?;
    let compiled = compile(config)?;
    if group.settings().class != LogGroupClass::Standard {
        return Err(LogsError::InvalidParameter(
            "Transformers can only be created for log groups in the STANDARD log class.".into(),
        ));
    }
    group.set_transformer(config.to_vec(), compiled, ctx.store.now());
    Ok(Handled::empty())
}

pub(super) fn get_transformer(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: TransformerInput = decode(body)?;
    let mut v = Violations::new();
    let id = identifier(&mut v, &input);
    v.finish()?;
    let transformer = resolve_group(ctx, None, Some(id))?
        .transformer()
        .ok_or_else(no_transformer)?;
    Ok(Handled::json(encode(&GetTransformerOutput {
        log_group_identifier: id,
        creation_time: transformer.creation_time,
        last_modified_time: transformer.last_modified_time,
        transformer_config: &transformer.config,
    })))
}

pub(super) fn delete_transformer(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: TransformerInput = decode(body)?;
    let mut v = Violations::new();
    let id = identifier(&mut v, &input);
    v.finish()?;
    if !resolve_group(ctx, None, Some(id))?.delete_transformer() {
        return Err(no_transformer());
    }
    Ok(Handled::empty())
}

pub(super) fn test_transformer(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: TransformerInput = decode(body)?;
    let mut v = Violations::new();
    let config = config(&mut v, &input);
    let messages = v.required("logEventMessages", input.log_event_messages.as_deref());
    if let Some(messages) = messages {
        if v.count(
            "logEventMessages",
            messages.len(),
            1,
            MAX_TEST_TRANSFORMER_MESSAGES,
        ) {
            for (i, message) in messages.iter().enumerate() {
                v.length(
                    &format!("logEventMessages.{}.member", i + 1),
                    message,
                    1,
                    usize::MAX,
                );
            }
        }
    }
    v.finish()?;
    let compiled = compile(config)?;
    let region = ctx.region.name();
    let meta = Metadata {
        account_id: ctx.store.account_id(),
        region,
        ..Metadata::default()
    };
    let transformed_logs = messages
        .unwrap_or_default()
        .iter()
        .zip(1..)
        .map(|(message, event_number)| TransformedLogRecord {
            event_number,
            event_message: message.clone(),
            transformed_event_message: compiled.apply(message, &meta).ok(),
        })
        .collect();
    Ok(Handled::json(encode(&TestTransformerOutput {
        transformed_logs,
    })))
}
