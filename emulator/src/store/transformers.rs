//! A log group's transformer (PutTransformer): the configuration as given, its compiled
//! pipeline, and the ingest step that runs it. Ingested events are stored transformed (the
//! user guide: "ingested log events are converted and stored in a standard format"); an event
//! the pipeline cannot transform is stored as sent.

use std::sync::Arc;

use super::events::NewEvent;
use super::LogGroup;
use crate::limits::{EVENT_OVERHEAD_BYTES, MAX_EVENT_BYTES};
use crate::transform::config::ProcessorConfig;
use crate::transform::{Metadata, Transformer};

/// A group's transformer.
#[derive(Debug, Clone)]
pub struct GroupTransformer {
    /// `transformerConfig`, as PutTransformer took it (GetTransformer gives it back).
    pub config: Vec<ProcessorConfig>,
    /// The compiled pipeline.
    pub compiled: Transformer,
    /// When the first PutTransformer of this group's transformer happened.
    pub creation_time: i64,
    /// When it last changed.
    pub last_modified_time: i64,
}

impl LogGroup {
    /// The group's transformer, if it has one.
    pub fn transformer(&self) -> Option<Arc<GroupTransformer>> {
        self.transformer.read().clone()
    }

    /// Sets the transformer `now` (a replace keeps the creation time).
    pub fn set_transformer(&self, config: Vec<ProcessorConfig>, compiled: Transformer, now: i64) {
        let mut slot = self.transformer.write();
        let creation_time = slot.as_ref().map_or(now, |t| t.creation_time);
        *slot = Some(Arc::new(GroupTransformer {
            config,
            compiled,
            creation_time,
            last_modified_time: now,
        }));
    }

    /// Removes the transformer; whether there was one.
    pub fn delete_transformer(&self) -> bool {
        self.transformer.write().take().is_some()
    }

    /// The messages of `events` as the group stores them: `None` when the group has no
    /// transformer (the common case costs one read lock), else one message per event, the
    /// transformed one or, when the pipeline fails or its output is too large, the original.
    pub(super) fn transform_messages(
        &self,
        stream: &str,
        events: &[NewEvent<'_>],
    ) -> Option<Vec<String>> {
        let transformer = self.transformer()?;
        let region = self.arn.split(':').nth(3).unwrap_or_default();
        let meta = Metadata {
            log_group: self.name(),
            log_stream: stream,
            account_id: &self.env().account_id,
            region,
        };
        Some(
            events
                .iter()
                .map(|e| match transformer.compiled.apply(e.message, &meta) {
                    Ok(out) if out.len() + EVENT_OVERHEAD_BYTES <= MAX_EVENT_BYTES => out,
                    _ => e.message.to_owned(),
                })
                .collect(),
        )
    }
}
