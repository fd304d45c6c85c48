//! A log group's transformer (PutTransformer): the configuration as given, its compiled
//! pipeline, and the ingest step that runs it. Ingested events are stored transformed (the
//! user guide: "ingested log events are converted and stored in a standard format"); an event
//! the pipeline cannot transform is stored as sent.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::RwLock;

use super::account_policies::Criteria;
use super::events::NewEvent;
use super::indexes::criteria_select;
use super::{LogGroup, LogGroupClass, Region};
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

/// The account's TRANSFORMER_POLICY transformers of one region, by policy name; shared by the
/// region's groups (a group's own transformer wins over them).
#[derive(Debug, Default)]
pub struct AccountTransformers {
    items: RwLock<BTreeMap<String, (Criteria, Arc<Transformer>)>>,
}

impl AccountTransformers {
    /// Sets the named policy's transformer.
    pub fn set(&self, name: &str, criteria: Criteria, transformer: Transformer) {
        self.items
            .write()
            .insert(name.to_owned(), (criteria, Arc::new(transformer)));
    }

    /// Removes the named policy's transformer.
    pub fn remove(&self, name: &str) {
        self.items.write().remove(name);
    }

    /// The transformer of the policy that selects the group `name` (their prefixes do not
    /// overlap, so at most one does).
    fn for_group(&self, name: &str) -> Option<Arc<Transformer>> {
        let items = self.items.read();
        if items.is_empty() {
            return None;
        }
        items
            .values()
            .find(|(criteria, _)| criteria_select(criteria, name))
            .map(|(_, t)| Arc::clone(t))
    }
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

    /// The messages of `events` as the group stores them: `None` when neither the group nor
    /// an account policy gives it a transformer (the common case costs two read locks), else
    /// one message per event, the transformed one or, when the pipeline fails or its output
    /// is too large, the original with its `@transformationError`.
    pub(super) fn transform_messages(
        &self,
        stream: &str,
        events: &[NewEvent<'_>],
    ) -> Option<Transformed> {
        let own = self.transformer();
        let account;
        let transformer = match &own {
            Some(own) => &own.compiled,
            None => {
                account = self.account_transformers.for_group(self.name())?;
                // Transformers apply to STANDARD groups only (PutTransformer's documentation).
                if self.settings().class != LogGroupClass::Standard {
                    return None;
                }
                &*account
            }
        };
        let region = self.arn.split(':').nth(3).unwrap_or_default();
        let meta = Metadata {
            log_group: self.name(),
            log_stream: stream,
            account_id: &self.env().account_id,
            region,
        };
        let mut errors = Vec::new();
        let messages = events
            .iter()
            .enumerate()
            .map(|(i, e)| match transformer.apply(e.message, &meta) {
                Ok(out) if out.len() + EVENT_OVERHEAD_BYTES <= MAX_EVENT_BYTES => out,
                outcome => {
                    errors.push((
                        i,
                        outcome.err().unwrap_or_else(|| {
                            "The transformed log event exceeds the maximum event size.".into()
                        }),
                    ));
                    e.message.to_owned()
                }
            })
            .collect();
        Some(Transformed { messages, errors })
    }
}

/// What a transformer made of a batch.
pub(super) struct Transformed {
    /// One message per event: the transformed one, or the original where it failed.
    pub messages: Vec<String>,
    /// `(index, @transformationError)` of the events it failed on.
    pub errors: Vec<(usize, String)>,
}

impl Region {
    /// The account's transformer policies, compiled.
    pub fn account_transformers(&self) -> &AccountTransformers {
        &self.account_transformers
    }
}
