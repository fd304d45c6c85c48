//! Subscription filters (a [`ResourceTable`] on each [`super::LogGroup`]) and destinations (a
//! [`ResourceTable`] on each [`super::Region`]): the records PutSubscriptionFilter and
//! PutDestination keep. What a filter's destination ARN names is parsed once, here.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::events::{EventKey, NewEvent};
use super::resources::Resource;
use super::stream::LogStream;
use super::system_fields::{FieldSelection, SystemFields};
use super::tokens::event_id;
use super::LogGroup;
use crate::delivery::{EventIds, MessageType, Payload, PutEvents, Selection, Target};
use crate::error::LogsError;
use crate::filter::FilterPattern;
use crate::limits::{MAX_DESTINATIONS, MAX_SUBSCRIPTION_FILTERS};

/// The service a subscription filter or a destination delivers to, from its ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// `arn:aws:kinesis:<region>:<account>:stream/<name>`.
    Kinesis,
    /// `arn:aws:firehose:<region>:<account>:deliverystream/<name>`.
    Firehose,
    /// `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`.
    Lambda,
    /// `arn:aws:logs:<region>:<account>:destination:<name>`.
    LogsDestination,
}

impl Vendor {
    /// The name AWS uses in its messages (`destinationArn for vendor kinesis ...`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kinesis => "kinesis",
            Self::Firehose => "firehose",
            Self::Lambda => "lambda",
            Self::LogsDestination => "logs",
        }
    }

    /// Whether a filter to this vendor needs a `roleArn` (AWS refuses Kinesis and Firehose
    /// filters without one; Lambda uses a resource policy, a destination its own role).
    pub fn needs_role(self) -> bool {
        matches!(self, Self::Kinesis | Self::Firehose)
    }
}

/// A parsed delivery target ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetArn {
    /// The service.
    pub vendor: Vendor,
    /// The ARN's region.
    pub region: String,
    /// The ARN's account.
    pub account: String,
    /// The stream, delivery stream, function or destination name.
    pub name: String,
}

impl TargetArn {
    /// Parses `arn:<partition>:<service>:<region>:<account>:<resource>` for the four services a
    /// subscription can deliver to; `None` for anything else.
    pub fn parse(arn: &str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(rest)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        if partition.is_empty() || region.is_empty() || account.is_empty() {
            return None;
        }
        let (vendor, name) = match service {
            "kinesis" => (Vendor::Kinesis, rest.strip_prefix("stream/")?),
            "firehose" => (Vendor::Firehose, rest.strip_prefix("deliverystream/")?),
            "lambda" => {
                let function = rest.strip_prefix("function:")?;
                // An alias or version may follow the name; the name is what is invoked.
                (Vendor::Lambda, function)
            }
            "logs" => (Vendor::LogsDestination, rest.strip_prefix("destination:")?),
            _ => return None,
        };
        if name.is_empty() || name.contains('/') && vendor != Vendor::Lambda {
            return None;
        }
        Some(Self {
            vendor,
            region: region.to_owned(),
            account: account.to_owned(),
            name: name.to_owned(),
        })
    }
}

/// How a Kinesis filter spreads records over shards (model: `Distribution`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Distribution {
    /// `ByLogStream`, the default: the partition key is the log stream.
    #[default]
    ByLogStream,
    /// `Random`: a random partition key.
    Random,
}

impl Distribution {
    /// The wire names, in the model's order.
    pub const NAMES: [&'static str; 2] = ["Random", "ByLogStream"];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ByLogStream => "ByLogStream",
            Self::Random => "Random",
        }
    }

    /// Parses a wire name.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "ByLogStream" => Some(Self::ByLogStream),
            "Random" => Some(Self::Random),
            _ => None,
        }
    }
}

/// A subscription filter: a compiled pattern and where its matches go.
#[derive(Debug, Clone)]
pub struct SubscriptionFilter {
    /// The filter's name.
    pub name: String,
    /// The filter pattern, as given.
    pub pattern: String,
    /// The pattern, compiled once at put time.
    pub compiled: Arc<FilterPattern>,
    /// `destinationArn`, as given.
    pub destination_arn: String,
    /// `roleArn`, as given.
    pub role_arn: Option<String>,
    /// `distribution` (ByLogStream when not given, as AWS reports it).
    pub distribution: Distribution,
    /// `applyOnTransformedLogs`.
    pub apply_on_transformed_logs: bool,
    /// `fieldSelectionCriteria`, as given.
    pub field_selection_criteria: Option<String>,
    /// The criteria, parsed once at put time (`None`: every event).
    pub field_selection: Option<Arc<FieldSelection>>,
    /// `emitSystemFields`, as given.
    pub emit_system_fields: Option<Vec<String>>,
    /// Creation time, epoch milliseconds.
    pub creation_time: i64,
}

impl Resource for SubscriptionFilter {
    const LISTING: &'static str = "DescribeSubscriptionFilters";
    const LIMIT: usize = MAX_SUBSCRIPTION_FILTERS;

    fn key(&self) -> &str {
        &self.name
    }

    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("The specified subscription filter does not exist.".into())
    }
}

/// A logs destination: a named, policy-guarded alias of a Kinesis stream or Firehose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The destination's name.
    pub name: String,
    /// `arn:aws:logs:<region>:<account>:destination:<name>`.
    pub arn: String,
    /// `targetArn`, as given.
    pub target_arn: String,
    /// `roleArn`, as given.
    pub role_arn: String,
    /// The access policy PutDestinationPolicy set.
    pub access_policy: Option<String>,
    /// Creation time, epoch milliseconds (kept when the destination is put again).
    pub creation_time: i64,
    /// The destination's tags (TagResource on its ARN).
    pub tags: BTreeMap<String, String>,
}

impl Resource for Destination {
    const LISTING: &'static str = "DescribeDestinations";
    const LIMIT: usize = MAX_DESTINATIONS;

    fn key(&self) -> &str {
        &self.name
    }

    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("The specified destination does not exist.".into())
    }
}

impl LogGroup {
    /// Hands the events just stored in `stream` (`events`, whose arrival numbers start at
    /// `first_seq`) to each subscription filter: one payload per filter with its matching
    /// events, each with the eventId FilterLogEvents returns.
    pub(super) fn deliver_to_subscriptions(
        &self,
        stream: &LogStream,
        events: &[NewEvent<'_>],
        transformed: Option<&[NewEvent<'_>]>,
        first_seq: u32,
    ) {
        let filters = self.subscription_filters().all();
        let env = self.env();
        // arn:aws:logs:<region>:<account>:log-group:<name>
        let region = self.arn.split(':').nth(3).unwrap_or_default();
        let source_log = format!("{}:{}", env.account_id, self.name());
        let fields = SystemFields {
            account: &env.account_id,
            region,
            source_log: &source_log,
        };
        let selections: Vec<(SubscriptionFilter, Selection)> = filters
            .into_iter()
            .filter(|filter| {
                filter
                    .field_selection
                    .as_ref()
                    .is_none_or(|selection| selection.matches(&fields))
            })
            .filter_map(|filter| {
                let events = super::ingest::events_for_filter(
                    events,
                    transformed,
                    filter.apply_on_transformed_logs,
                );
                let selection = if filter.compiled.matches_everything() {
                    Selection::All
                } else {
                    let indices: Vec<u32> = (0..)
                        .zip(events)
                        .filter(|(_, event)| filter.compiled.matches(event.message))
                        .map(|(index, _)| index)
                        .collect();
                    if indices.is_empty() {
                        return None;
                    }
                    if indices.len() == events.len() {
                        Selection::All
                    } else {
                        Selection::Some(indices)
                    }
                };
                Some((filter, selection))
            })
            .collect();
        if selections.is_empty() {
            return;
        }
        let now = env.now();
        // Deliveries carry what data protection masks, as every read does.
        let masks = self.masks(false);
        // Each put's events are copied once and shared by the filters that read them: the
        // events as sent, and the stored (transformed) ones for `applyOnTransformedLogs`.
        let shared = |events: &[NewEvent<'_>]| {
            Arc::new(PutEvents::new(
                events
                    .iter()
                    .map(|event| (event.timestamp, masks.apply(now, event.message))),
                EventIds {
                    stream: stream.fingerprint(),
                    first_seq,
                    format: delivered_event_id,
                },
            ))
        };
        let (mut as_sent, mut as_stored) = (None, None);
        for (filter, selection) in selections {
            let put = match transformed {
                Some(stored) if filter.apply_on_transformed_logs => {
                    as_stored.get_or_insert_with(|| shared(stored)).clone()
                }
                _ => as_sent.get_or_insert_with(|| shared(events)).clone(),
            };
            let header = Payload {
                message_type: MessageType::Data,
                owner: env.account_id.clone(),
                log_group: self.name().to_owned(),
                log_stream: stream.name().to_owned(),
                subscription_filters: vec![filter.name.clone()],
                log_events: Vec::new(),
            };
            let random_key;
            let partition_key = match filter.distribution {
                Distribution::ByLogStream => stream.name(),
                Distribution::Random => {
                    random_key = uuid::Uuid::new_v4().simple().to_string();
                    &random_key
                }
            };
            let target = Target {
                region,
                filter_name: &filter.name,
                destination_arn: &filter.destination_arn,
                partition_key,
            };
            let system_fields = filter
                .emit_system_fields
                .iter()
                .flatten()
                .filter_map(|name| Some((name.clone(), fields.get(name)?.to_owned())))
                .collect();
            env.outbox
                .deliver_matched(now, target, header, &put, selection, system_fields);
        }
    }
}

/// The id a delivered event carries: the one FilterLogEvents gives it.
fn delivered_event_id(stream: u64, timestamp: i64, seq: u32) -> String {
    event_id(stream, EventKey { timestamp, seq })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_arns_of_the_four_vendors_parse() {
        let kinesis = TargetArn::parse("arn:aws:kinesis:us-east-1:123456789012:stream/s1").unwrap();
        assert_eq!(
            (kinesis.vendor, kinesis.name.as_str()),
            (Vendor::Kinesis, "s1")
        );
        let firehose =
            TargetArn::parse("arn:aws:firehose:us-east-1:123456789012:deliverystream/f").unwrap();
        assert_eq!(firehose.vendor, Vendor::Firehose);
        let lambda =
            TargetArn::parse("arn:aws:lambda:eu-west-1:123456789012:function:fn:prod").unwrap();
        assert_eq!(
            (lambda.vendor, lambda.name.as_str()),
            (Vendor::Lambda, "fn:prod")
        );
        let dest = TargetArn::parse("arn:aws:logs:us-east-1:1:destination:d").unwrap();
        assert_eq!(
            (dest.vendor, dest.account.as_str()),
            (Vendor::LogsDestination, "1")
        );
        for bad in [
            "",
            "arn:aws:sqs:us-east-1:1:queue",
            "arn:aws:kinesis:us-east-1:1:table/x",
            "arn:aws:kinesis::1:stream/x",
            "arn:aws:kinesis:us-east-1:1:stream/",
            "not-an-arn",
        ] {
            assert_eq!(TargetArn::parse(bad), None, "{bad}");
        }
    }
}
