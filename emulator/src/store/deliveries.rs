//! Vended-log deliveries: delivery sources (an AWS resource that emits logs of one type),
//! delivery destinations (a log group, bucket, Firehose stream or X-Ray) and the deliveries
//! that pair them, each a [`ResourceTable`] on the [`super::Region`]. The dependency rules
//! (a source or destination in use cannot be deleted, a source ARN serves one source, a
//! delivery's type must be one the source's service offers) live here; so does the catalogue
//! of what each service vends ([`TEMPLATES`], DescribeConfigurationTemplates' answer).

use std::collections::BTreeMap;

use super::resources::{Resource, ResourceTable};
use crate::error::{LogsError, LogsResult};
use crate::limits::MAX_DELIVERY_RESOURCES;

/// Where a delivery destination sends logs (model: `DeliveryDestinationType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DestinationType {
    /// An S3 bucket.
    S3,
    /// A CloudWatch Logs log group.
    Cwl,
    /// A Firehose delivery stream.
    Firehose,
    /// X-Ray (traces; the destination names no resource).
    Xray,
}

impl DestinationType {
    /// The wire names, in the model's order.
    pub const NAMES: [&'static str; 4] = ["S3", "CWL", "FH", "XRAY"];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S3 => "S3",
            Self::Cwl => "CWL",
            Self::Firehose => "FH",
            Self::Xray => "XRAY",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "S3" => Some(Self::S3),
            "CWL" => Some(Self::Cwl),
            "FH" => Some(Self::Firehose),
            "XRAY" => Some(Self::Xray),
            _ => None,
        }
    }

    /// The type a destination resource ARN implies: `arn:<p>:s3:::<bucket>`,
    /// `arn:<p>:logs:<r>:<a>:log-group:<name>[:*]`, `arn:<p>:firehose:<r>:<a>:deliverystream/<n>`.
    pub fn of_resource_arn(arn: &str) -> Option<Self> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [_arn @ "arn", partition, service, _, _, resource] = parts[..] else {
            return None;
        };
        if partition.is_empty() || resource.is_empty() {
            return None;
        }
        match service {
            "s3" if !resource.starts_with('/') => Some(Self::S3),
            "logs" if resource.starts_with("log-group:") && resource.len() > 10 => Some(Self::Cwl),
            "firehose"
                if resource
                    .strip_prefix("deliverystream/")
                    .is_some_and(|n| !n.is_empty()) =>
            {
                Some(Self::Firehose)
            }
            _ => None,
        }
    }
}

/// The output formats (model: `OutputFormat`), in the order AWS's enum message lists them.
pub const OUTPUT_FORMATS: [&str; 5] = ["w3c", "raw", "json", "plain", "parquet"];

/// A delivery source: an AWS resource's logs of one type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliverySource {
    /// Its name (the key).
    pub name: String,
    /// `arn:<p>:logs:<region>:<account>:delivery-source:<name>`.
    pub arn: String,
    /// The resource that emits the logs.
    pub resource_arn: String,
    /// The emitting service (the resource ARN's service, e.g. `cloudfront`).
    pub service: String,
    /// The type of logs, e.g. `ACCESS_LOGS`.
    pub log_type: String,
    /// `deliverySourceConfiguration`, as given.
    pub configuration: BTreeMap<String, String>,
    /// Its tags (TagResource on its ARN).
    pub tags: BTreeMap<String, String>,
}

impl Resource for DeliverySource {
    const LISTING: &'static str = "DescribeDeliverySources";
    const LIMIT: usize = MAX_DELIVERY_RESOURCES;
    fn key(&self) -> &str {
        &self.name
    }
    fn not_found() -> LogsError {
        LogsError::ResourceNotFound(
            "Requested Delivery Source does not exist in this account.".into(),
        )
    }
    fn limit_exceeded() -> LogsError {
        quota_exceeded()
    }
}

/// A delivery destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryDestination {
    /// Its name (the key).
    pub name: String,
    /// `arn:<p>:logs:<region>:<account>:delivery-destination:<name>`.
    pub arn: String,
    /// Where it sends logs.
    pub kind: DestinationType,
    /// `outputFormat`, when given.
    pub output_format: Option<String>,
    /// `deliveryDestinationConfiguration.destinationResourceArn` (none for X-Ray).
    pub resource_arn: Option<String>,
    /// `deliveryDestinationPolicy`, as given.
    pub policy: Option<String>,
    /// Its tags (TagResource on its ARN).
    pub tags: BTreeMap<String, String>,
}

impl DeliveryDestination {
    /// The log group a CWL destination names (its `resource_arn`, with or without `:*`).
    pub fn log_group_name(&self) -> Option<&str> {
        if self.kind != DestinationType::Cwl {
            return None;
        }
        let arn = self.resource_arn.as_deref()?;
        arn.splitn(7, ':')
            .nth(6)
            .map(|name| name.trim_end_matches(":*"))
    }
}

impl Resource for DeliveryDestination {
    const LISTING: &'static str = "DescribeDeliveryDestinations";
    const LIMIT: usize = MAX_DELIVERY_RESOURCES;
    fn key(&self) -> &str {
        &self.name
    }
    fn not_found() -> LogsError {
        LogsError::ResourceNotFound(
            "Requested Delivery Destination does not exist in this account.".into(),
        )
    }
    fn limit_exceeded() -> LogsError {
        quota_exceeded()
    }
}

/// `s3DeliveryConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Delivery {
    /// `suffixPath`.
    pub suffix_path: Option<String>,
    /// `enableHiveCompatiblePath`.
    pub hive_compatible: bool,
}

/// A delivery: one source paired with one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Its id (the key): 16 letters and digits.
    pub id: String,
    /// `arn:<p>:logs:<region>:<account>:delivery:<id>`.
    pub arn: String,
    /// The source's name.
    pub source_name: String,
    /// The destination's ARN.
    pub destination_arn: String,
    /// The destination's name (this region's destination the ARN names).
    pub destination_name: String,
    /// The destination's type.
    pub destination_type: DestinationType,
    /// The fields each record carries, in order.
    pub record_fields: Vec<String>,
    /// `fieldDelimiter` (plain and w3c formats).
    pub field_delimiter: Option<String>,
    /// `s3DeliveryConfiguration` (S3 destinations only).
    pub s3: Option<S3Delivery>,
    /// Its tags (TagResource on its ARN).
    pub tags: BTreeMap<String, String>,
}

impl Resource for Delivery {
    const LISTING: &'static str = "DescribeDeliveries";
    const LIMIT: usize = MAX_DELIVERY_RESOURCES;
    fn key(&self) -> &str {
        &self.id
    }
    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("Requested Delivery does not exist in this account.".into())
    }
    fn limit_exceeded() -> LogsError {
        quota_exceeded()
    }
}

fn quota_exceeded() -> LogsError {
    LogsError::ServiceQuotaExceeded("This request exceeds a service quota.".into())
}

/// What a service vends for one log type to one destination type (one
/// DescribeConfigurationTemplates entry).
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// The service, as delivery sources name it.
    pub service: &'static str,
    /// The log type.
    pub log_type: &'static str,
    /// The resource type whose ARN a source names.
    pub resource_type: &'static str,
    /// The destination type.
    pub destination: DestinationType,
    /// The record fields and whether each is mandatory; empty when the catalogue does not
    /// list them (any fields are then accepted).
    pub fields: &'static [(&'static str, bool)],
    /// The output formats the destination accepts; the first is the default.
    pub formats: &'static [&'static str],
    /// The field delimiters the plain and w3c formats accept.
    pub delimiters: &'static [&'static str],
    /// The variables an S3 suffix path may use, and the default suffix path.
    pub suffix_fields: &'static [&'static str],
    /// The S3 suffix path a delivery gets when it names none.
    pub default_suffix: Option<&'static str>,
    /// The IAM action the service's resource needs (`allowedActionForAllowVendedLogs...`).
    pub action: &'static str,
}

/// CloudFront's standard logging (v2) record fields, all optional, in their documented order.
const CLOUDFRONT_FIELDS: &[(&str, bool)] = &[
    ("date", false),
    ("time", false),
    ("x-edge-location", false),
    ("sc-bytes", false),
    ("c-ip", false),
    ("cs-method", false),
    ("cs(Host)", false),
    ("cs-uri-stem", false),
    ("sc-status", false),
    ("cs(Referer)", false),
    ("cs(User-Agent)", false),
    ("cs-uri-query", false),
    ("cs(Cookie)", false),
    ("x-edge-result-type", false),
    ("x-edge-request-id", false),
    ("x-host-header", false),
    ("cs-protocol", false),
    ("cs-bytes", false),
    ("time-taken", false),
    ("x-forwarded-for", false),
    ("ssl-protocol", false),
    ("ssl-cipher", false),
    ("x-edge-response-result-type", false),
    ("cs-protocol-version", false),
    ("fle-status", false),
    ("fle-encrypted-fields", false),
    ("c-port", false),
    ("time-to-first-byte", false),
    ("x-edge-detailed-result-type", false),
    ("sc-content-type", false),
    ("sc-content-len", false),
    ("sc-range-start", false),
    ("sc-range-end", false),
];

const CLOUDFRONT_DELIMITERS: &[&str] = &[" ", "\t", ",", "|"];
const CLOUDFRONT_SUFFIX_FIELDS: &[&str] = &["DistributionId", "yyyy", "MM", "dd", "HH"];
const CLOUDFRONT_ACTION: &str = "cloudfront:AllowVendedLogDeliveryForResource";

const fn cloudfront(destination: DestinationType, formats: &'static [&'static str]) -> Template {
    Template {
        service: "cloudfront",
        log_type: "ACCESS_LOGS",
        resource_type: "distribution",
        destination,
        fields: CLOUDFRONT_FIELDS,
        formats,
        delimiters: CLOUDFRONT_DELIMITERS,
        suffix_fields: if matches!(destination, DestinationType::S3) {
            CLOUDFRONT_SUFFIX_FIELDS
        } else {
            &[]
        },
        default_suffix: if matches!(destination, DestinationType::S3) {
            Some("AWSLogs/{account-id}/CloudFront/")
        } else {
            None
        },
        action: CLOUDFRONT_ACTION,
    }
}

/// A log type whose fields the catalogue does not list, delivered as JSON.
const fn json_only(
    service: &'static str,
    log_type: &'static str,
    resource_type: &'static str,
    destination: DestinationType,
    action: &'static str,
) -> Template {
    Template {
        service,
        log_type,
        resource_type,
        destination,
        fields: &[],
        formats: &["json"],
        delimiters: &[],
        suffix_fields: &[],
        default_suffix: None,
        action,
    }
}

const EVENTS_ACTION: &str = "events:AllowVendedLogDeliveryForResource";
const AGENTCORE_ACTION: &str = "bedrock-agentcore:AllowVendedLogDeliveryForResource";

/// What the emulator knows services vend: CloudFront access logs (fields as AWS records
/// them), EventBridge event bus logs and Bedrock AgentCore runtime logs and traces.
/// DescribeConfigurationTemplates lists exactly these; PutDeliverySource accepts exactly
/// these services and log types.
pub const TEMPLATES: &[Template] = &[
    cloudfront(DestinationType::S3, &["json", "plain", "w3c", "parquet"]),
    cloudfront(DestinationType::Cwl, &["json", "plain", "w3c"]),
    cloudfront(DestinationType::Firehose, &["json", "plain", "w3c", "raw"]),
    json_only(
        "events",
        "ERROR_LOGS",
        "event-bus",
        DestinationType::Cwl,
        EVENTS_ACTION,
    ),
    json_only(
        "events",
        "ERROR_LOGS",
        "event-bus",
        DestinationType::S3,
        EVENTS_ACTION,
    ),
    json_only(
        "events",
        "ERROR_LOGS",
        "event-bus",
        DestinationType::Firehose,
        EVENTS_ACTION,
    ),
    json_only(
        "events",
        "INFO_LOGS",
        "event-bus",
        DestinationType::Cwl,
        EVENTS_ACTION,
    ),
    json_only(
        "events",
        "INFO_LOGS",
        "event-bus",
        DestinationType::S3,
        EVENTS_ACTION,
    ),
    json_only(
        "events",
        "INFO_LOGS",
        "event-bus",
        DestinationType::Firehose,
        EVENTS_ACTION,
    ),
    json_only(
        "events",
        "TRACE_LOGS",
        "event-bus",
        DestinationType::Cwl,
        EVENTS_ACTION,
    ),
    json_only(
        "events",
        "TRACE_LOGS",
        "event-bus",
        DestinationType::S3,
        EVENTS_ACTION,
    ),
    json_only(
        "events",
        "TRACE_LOGS",
        "event-bus",
        DestinationType::Firehose,
        EVENTS_ACTION,
    ),
    json_only(
        "bedrock-agentcore",
        "APPLICATION_LOGS",
        "runtime",
        DestinationType::Cwl,
        AGENTCORE_ACTION,
    ),
    json_only(
        "bedrock-agentcore",
        "APPLICATION_LOGS",
        "runtime",
        DestinationType::S3,
        AGENTCORE_ACTION,
    ),
    json_only(
        "bedrock-agentcore",
        "APPLICATION_LOGS",
        "runtime",
        DestinationType::Firehose,
        AGENTCORE_ACTION,
    ),
    json_only(
        "bedrock-agentcore",
        "USAGE_LOGS",
        "runtime",
        DestinationType::Cwl,
        AGENTCORE_ACTION,
    ),
    json_only(
        "bedrock-agentcore",
        "USAGE_LOGS",
        "runtime",
        DestinationType::S3,
        AGENTCORE_ACTION,
    ),
    json_only(
        "bedrock-agentcore",
        "USAGE_LOGS",
        "runtime",
        DestinationType::Firehose,
        AGENTCORE_ACTION,
    ),
    json_only(
        "bedrock-agentcore",
        "TRACES",
        "runtime",
        DestinationType::Xray,
        AGENTCORE_ACTION,
    ),
];

/// The templates of `service` and `log_type` (one per destination type it offers).
pub fn templates_for(service: &str, log_type: &str) -> impl Iterator<Item = &'static Template> {
    let (service, log_type) = (service.to_owned(), log_type.to_owned());
    TEMPLATES
        .iter()
        .filter(move |t| t.service == service && t.log_type == log_type)
}

/// The template for delivering `service`'s `log_type` to `destination`, if it is offered.
pub fn template(
    service: &str,
    log_type: &str,
    destination: DestinationType,
) -> Option<&'static Template> {
    TEMPLATES
        .iter()
        .find(|t| t.service == service && t.log_type == log_type && t.destination == destination)
}

/// The service and resource type an emitting resource's ARN names, when the catalogue knows
/// the service: `arn:<p>:cloudfront::<a>:distribution/<id>` → (`cloudfront`, `distribution`).
pub fn source_service(resource_arn: &str) -> Option<(&'static str, &'static str)> {
    let parts: Vec<&str> = resource_arn.splitn(6, ':').collect();
    let ["arn", partition, service, _, _, resource] = parts[..] else {
        return None;
    };
    if partition.is_empty() {
        return None;
    }
    let resource_type = resource.split(['/', ':']).next().unwrap_or("");
    TEMPLATES
        .iter()
        .find(|t| t.service == service && t.resource_type == resource_type)
        .map(|t| (t.service, t.resource_type))
}

/// The region's delivery sources, destinations and deliveries, with the rules that tie them.
#[derive(Debug, Default)]
pub struct Deliveries {
    sources: ResourceTable<DeliverySource>,
    destinations: ResourceTable<DeliveryDestination>,
    deliveries: ResourceTable<Delivery>,
    /// Held by every change that checks one table against another, so a check and its
    /// change are one step (a delivery cannot be created for a source being deleted).
    changes: parking_lot::Mutex<()>,
}

impl Deliveries {
    /// The delivery sources.
    pub fn sources(&self) -> &ResourceTable<DeliverySource> {
        &self.sources
    }

    /// The delivery destinations.
    pub fn destinations(&self) -> &ResourceTable<DeliveryDestination> {
        &self.destinations
    }

    /// The deliveries.
    pub fn deliveries(&self) -> &ResourceTable<Delivery> {
        &self.deliveries
    }

    /// Creates or updates a source. An update keeps the resource ARN and the log type (AWS
    /// refuses changing either: ConflictException); a resource ARN serves one source only.
    /// Gives back the stored source.
    pub fn put_source(&self, source: DeliverySource) -> LogsResult<DeliverySource> {
        let _change = self.changes.lock();
        if let Ok(existing) = self.sources.get(&source.name) {
            if existing.resource_arn != source.resource_arn {
                return Err(LogsError::Conflict(
                    "Update to existing Delivery Source with new ResourceId is not allowed. \
                     Please create a new Delivery Source instead."
                        .into(),
                ));
            }
            if existing.log_type != source.log_type {
                return Err(LogsError::Conflict(
                    "Update to existing Delivery Source with new LogType is not allowed. \
                     Please create a new Delivery Source instead."
                        .into(),
                ));
            }
            let updated = DeliverySource {
                tags: existing.tags,
                ..source
            };
            self.sources.put(updated.clone())?;
            return Ok(updated);
        }
        if self
            .sources
            .all()
            .iter()
            .any(|s| s.resource_arn == source.resource_arn && s.log_type == source.log_type)
        {
            return Err(LogsError::Conflict(
                "This ResourceId has already been used in another Delivery Source in this account."
                    .into(),
            ));
        }
        self.sources.put(source.clone())?;
        Ok(source)
    }

    /// Deletes a source no delivery uses (else ConflictException).
    pub fn delete_source(&self, name: &str) -> LogsResult<()> {
        let _change = self.changes.lock();
        self.sources.get(name)?;
        if self.deliveries.all().iter().any(|d| d.source_name == name) {
            return Err(LogsError::Conflict(format!(
                "Delivery Source {name} is used by at least one Delivery. Delete the Deliveries \
                 that use it first."
            )));
        }
        self.sources.delete(name).map(|_| ())
    }

    /// Creates or updates a destination. An update keeps the type (ConflictException when
    /// the new resource is of another type) and the policy and tags.
    pub fn put_destination(
        &self,
        destination: DeliveryDestination,
    ) -> LogsResult<DeliveryDestination> {
        let _change = self.changes.lock();
        if let Ok(existing) = self.destinations.get(&destination.name) {
            if existing.kind != destination.kind {
                return Err(LogsError::Conflict(format!(
                    "Update to existing Delivery Destination with new type {} is not allowed \
                     (it is of type {}).",
                    destination.kind.as_str(),
                    existing.kind.as_str()
                )));
            }
            let updated = DeliveryDestination {
                policy: existing.policy,
                tags: existing.tags,
                ..destination
            };
            self.destinations.put(updated.clone())?;
            return Ok(updated);
        }
        self.destinations.put(destination.clone())?;
        Ok(destination)
    }

    /// Deletes a destination no delivery uses (else ConflictException).
    pub fn delete_destination(&self, name: &str) -> LogsResult<()> {
        let _change = self.changes.lock();
        self.destinations.get(name)?;
        if self
            .deliveries
            .all()
            .iter()
            .any(|d| d.destination_name == name)
        {
            return Err(LogsError::Conflict(format!(
                "Delivery Destination {name} is used by at least one Delivery. Delete the \
                 Deliveries that use it first."
            )));
        }
        self.destinations.delete(name).map(|_| ())
    }

    /// Stores a new delivery whose source and destination exist (ResourceNotFoundException
    /// otherwise) and that does not repeat a pair (ConflictException).
    pub fn create(&self, delivery: Delivery) -> LogsResult<Delivery> {
        let _change = self.changes.lock();
        self.sources.get(&delivery.source_name)?;
        self.destinations.get(&delivery.destination_name)?;
        if self.deliveries.all().iter().any(|d| {
            d.source_name == delivery.source_name && d.destination_arn == delivery.destination_arn
        }) {
            return Err(LogsError::Conflict(
                "A Delivery for this Delivery Source and Delivery Destination already exists."
                    .into(),
            ));
        }
        self.deliveries.put(delivery.clone())?;
        Ok(delivery)
    }

    /// The deliveries of the source called `source`, with their destinations.
    pub fn of_source(&self, source: &str) -> Vec<(Delivery, DeliveryDestination)> {
        self.deliveries
            .all()
            .into_iter()
            .filter(|d| d.source_name == source)
            .filter_map(|d| {
                let destination = self.destinations.get(&d.destination_name).ok()?;
                Some((d, destination))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, arn: &str) -> DeliverySource {
        DeliverySource {
            name: name.into(),
            arn: format!("arn:aws:logs:us-east-1:1:delivery-source:{name}"),
            resource_arn: arn.into(),
            service: "cloudfront".into(),
            log_type: "ACCESS_LOGS".into(),
            configuration: BTreeMap::new(),
            tags: BTreeMap::new(),
        }
    }

    fn destination(name: &str) -> DeliveryDestination {
        DeliveryDestination {
            name: name.into(),
            arn: format!("arn:aws:logs:us-east-1:1:delivery-destination:{name}"),
            kind: DestinationType::Cwl,
            output_format: None,
            resource_arn: Some("arn:aws:logs:us-east-1:1:log-group:g".into()),
            policy: None,
            tags: BTreeMap::new(),
        }
    }

    fn delivery(id: &str, source: &str, destination: &str) -> Delivery {
        Delivery {
            id: id.into(),
            arn: format!("arn:aws:logs:us-east-1:1:delivery:{id}"),
            source_name: source.into(),
            destination_arn: format!("arn:aws:logs:us-east-1:1:delivery-destination:{destination}"),
            destination_name: destination.into(),
            destination_type: DestinationType::Cwl,
            record_fields: vec![],
            field_delimiter: None,
            s3: None,
            tags: BTreeMap::new(),
        }
    }

    #[test]
    fn resources_in_use_cannot_be_deleted() {
        let d = Deliveries::default();
        d.put_source(source("s", "arn:aws:cloudfront::1:distribution/A"))
            .unwrap();
        d.put_destination(destination("d")).unwrap();
        d.create(delivery("x1", "s", "d")).unwrap();
        assert!(matches!(
            d.create(delivery("x2", "s", "d")),
            Err(LogsError::Conflict(_))
        ));
        assert!(matches!(d.delete_source("s"), Err(LogsError::Conflict(_))));
        assert!(matches!(
            d.delete_destination("d"),
            Err(LogsError::Conflict(_))
        ));
        d.deliveries().delete("x1").unwrap();
        d.delete_source("s").unwrap();
        d.delete_destination("d").unwrap();
        assert!(matches!(
            d.create(delivery("x3", "s", "d")),
            Err(LogsError::ResourceNotFound(_))
        ));
    }

    #[test]
    fn a_resource_serves_one_source_and_keeps_it() {
        let d = Deliveries::default();
        d.put_source(source("a", "arn:aws:cloudfront::1:distribution/A"))
            .unwrap();
        let taken = d.put_source(source("b", "arn:aws:cloudfront::1:distribution/A"));
        assert!(matches!(taken, Err(LogsError::Conflict(_))));
        let moved = d.put_source(source("a", "arn:aws:cloudfront::1:distribution/B"));
        assert!(matches!(moved, Err(LogsError::Conflict(_))));
        d.put_source(source("a", "arn:aws:cloudfront::1:distribution/A"))
            .unwrap();
    }

    #[test]
    fn arns_name_their_types_and_services() {
        use DestinationType::*;
        assert_eq!(
            DestinationType::of_resource_arn("arn:aws:s3:::bucket"),
            Some(S3)
        );
        assert_eq!(
            DestinationType::of_resource_arn("arn:aws:logs:us-east-1:1:log-group:g"),
            Some(Cwl)
        );
        assert_eq!(
            DestinationType::of_resource_arn("arn:aws:firehose:us-east-1:1:deliverystream/f"),
            Some(Firehose)
        );
        assert_eq!(
            DestinationType::of_resource_arn("arn:aws:sqs:us-east-1:1:q"),
            None
        );
        assert_eq!(DestinationType::of_resource_arn("bucket"), None);
        assert_eq!(
            source_service("arn:aws:cloudfront::1:distribution/E1"),
            Some(("cloudfront", "distribution"))
        );
        assert_eq!(source_service("arn:aws:s3:::bucket"), None);
        assert!(template("cloudfront", "ACCESS_LOGS", Cwl).is_some());
        assert!(template("cloudfront", "ACCESS_LOGS", Xray).is_none());
    }
}
