//! Vended-log deliveries: Put/Get/Describe/DeleteDeliverySource,
//! Put/Get/Describe/DeleteDeliveryDestination, Put/Get/DeleteDeliveryDestinationPolicy,
//! Create/Get/Describe/DeleteDelivery, UpdateDeliveryConfiguration and
//! DescribeConfigurationTemplates. The rules tying the three resources together are the
//! store's (`store/deliveries.rs`); what each service vends is its `TEMPLATES` catalogue.
//! These newer operations answer model violations with ValidationException.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    MAX_DELIVERY_DESCRIBE_LIMIT, MAX_DELIVERY_DESTINATION_POLICY_LEN, MAX_DELIVERY_FILTER_NAMES,
    MAX_DELIVERY_NAME_LEN, MAX_FIELD_DELIMITER_LEN, MAX_RECORD_FIELDS, MAX_RECORD_FIELD_LEN,
    MAX_SUFFIX_PATH_LEN,
};
use crate::protocol::{decode, encode};
use crate::store::deliveries::{
    self, Delivery, DeliveryDestination, DeliverySource, DestinationType, S3Delivery, Template,
    OUTPUT_FORMATS, TEMPLATES,
};
use crate::store::listing::Listing;
use crate::validate::Violations;

/// `Ok` when nothing was found, else ValidationException (these operations' wording of the
/// model's constraint errors).
pub(super) fn finish(v: Violations) -> LogsResult<()> {
    v.finish().map_err(|error| match error {
        LogsError::InvalidParameter(message) => LogsError::Validation(message),
        other => other,
    })
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A delivery source or destination name: 1–60 characters of `[\w-]`.
fn check_name(v: &mut Violations, field: &str, name: &str) {
    if v.length(field, name, 1, MAX_DELIVERY_NAME_LEN) {
        v.pattern(field, name, r"[\w-]*", |c| is_word(c) || c == '-');
    }
}

/// A delivery id: 1–64 letters and digits.
fn check_id(v: &mut Violations, id: Option<&str>) -> String {
    if let Some(id) = v.required("id", id) {
        if v.length("id", id, 1, 64) {
            v.pattern("id", id, "^[0-9A-Za-z]+$", |c| c.is_ascii_alphanumeric());
        }
    }
    id.unwrap_or_default().to_owned()
}

/// A log type: 1–255 word characters.
fn check_log_type(v: &mut Violations, field: &str, log_type: &str) {
    if v.length(field, log_type, 1, 255) {
        v.pattern(field, log_type, r"[\w]*", is_word);
    }
}

fn check_list_size<T>(v: &mut Violations, field: &str, list: Option<&Vec<T>>, max: usize) {
    if let Some(list) = list {
        v.count(field, list.len(), 1, max);
    }
}

#[derive(Deserialize, Serialize, Clone, Default)]
#[serde(rename_all = "camelCase")]
struct S3DeliveryConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    suffix_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_hive_compatible_path: Option<bool>,
}

/// The record fields, delimiter and S3 settings of CreateDelivery and
/// UpdateDeliveryConfiguration.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryConfigurationInput {
    record_fields: Option<Vec<String>>,
    field_delimiter: Option<String>,
    s3_delivery_configuration: Option<S3DeliveryConfiguration>,
}

impl DeliveryConfigurationInput {
    fn check(&self, v: &mut Violations) {
        if let Some(fields) = &self.record_fields {
            v.count("recordFields", fields.len(), 0, MAX_RECORD_FIELDS);
            for (i, field) in fields.iter().enumerate() {
                v.length(
                    &format!("recordFields.{}.member", i + 1),
                    field,
                    1,
                    MAX_RECORD_FIELD_LEN,
                );
            }
        }
        if let Some(delimiter) = &self.field_delimiter {
            v.length("fieldDelimiter", delimiter, 0, MAX_FIELD_DELIMITER_LEN);
        }
        if let Some(path) = self
            .s3_delivery_configuration
            .as_ref()
            .and_then(|s3| s3.suffix_path.as_deref())
        {
            v.length(
                "s3DeliveryConfiguration.suffixPath",
                path,
                1,
                MAX_SUFFIX_PATH_LEN,
            );
        }
    }

    /// Applies this configuration to `delivery` (fields left out keep their value), checked
    /// against what the source's service offers for the destination.
    fn apply(self, template: &Template, delivery: &mut Delivery) -> LogsResult<()> {
        if let Some(fields) = self.record_fields {
            check_record_fields(template, &fields)?;
            delivery.record_fields = fields;
        }
        if let Some(delimiter) = self.field_delimiter {
            if !template.delimiters.is_empty()
                && !delimiter.is_empty()
                && !template.delimiters.contains(&delimiter.as_str())
            {
                return Err(LogsError::Validation(format!(
                    "Field delimiter '{delimiter}' is not allowed for this delivery. Allowed \
                     delimiters: [{}]",
                    template.delimiters.join(", ")
                )));
            }
            delivery.field_delimiter = Some(delimiter);
        }
        if let Some(s3) = self.s3_delivery_configuration {
            let Some(current) = delivery.s3.as_mut() else {
                // AWS's wording (hashicorp/terraform-provider-aws#48527).
                return Err(LogsError::Validation(
                    "Provided delivery configuration is invalid for the destination type.".into(),
                ));
            };
            if let Some(path) = s3.suffix_path {
                current.suffix_path = Some(path);
            }
            if let Some(hive) = s3.enable_hive_compatible_path {
                current.hive_compatible = hive;
            }
        }
        Ok(())
    }
}

/// Every field must be one the template allows, and every mandatory one must be there.
fn check_record_fields(template: &Template, fields: &[String]) -> LogsResult<()> {
    if template.fields.is_empty() {
        return Ok(());
    }
    if let Some(unknown) = fields
        .iter()
        .find(|f| !template.fields.iter().any(|(name, _)| name == f))
    {
        return Err(LogsError::Validation(format!(
            "Record field '{unknown}' is not supported for log type {} of service {}.",
            template.log_type, template.service
        )));
    }
    if let Some((missing, _)) = template
        .fields
        .iter()
        .find(|(name, mandatory)| *mandatory && !fields.iter().any(|f| f == name))
    {
        return Err(LogsError::Validation(format!(
            "Record field '{missing}' is mandatory for log type {} of service {}.",
            template.log_type, template.service
        )));
    }
    Ok(())
}

// ---- delivery sources ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutDeliverySourceInput {
    name: Option<String>,
    resource_arn: Option<String>,
    log_type: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    delivery_source_configuration: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeliverySourceOut {
    name: String,
    arn: String,
    resource_arns: Vec<String>,
    service: String,
    log_type: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    tags: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    delivery_source_configuration: BTreeMap<String, String>,
}

impl From<DeliverySource> for DeliverySourceOut {
    fn from(s: DeliverySource) -> Self {
        Self {
            name: s.name,
            arn: s.arn,
            resource_arns: vec![s.resource_arn],
            service: s.service,
            log_type: s.log_type,
            tags: s.tags,
            delivery_source_configuration: s.configuration,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeliverySourceOutput {
    delivery_source: DeliverySourceOut,
}

pub(super) fn put_delivery_source(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: PutDeliverySourceInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required("name", input.name.as_deref()) {
        check_name(&mut v, "name", name);
    }
    v.required("resourceArn", input.resource_arn.as_deref());
    if let Some(log_type) = v.required("logType", input.log_type.as_deref()) {
        check_log_type(&mut v, "logType", log_type);
    }
    if let Some(tags) = &input.tags {
        v.tags("tags", tags);
    }
    for (key, value) in input.delivery_source_configuration.iter().flatten() {
        v.length("deliverySourceConfiguration.key", key, 1, 255);
        v.length("deliverySourceConfiguration.value", value, 1, 255);
    }
    finish(v)?;
    let (name, resource_arn, log_type) = (
        input.name.unwrap_or_default(),
        input.resource_arn.unwrap_or_default(),
        input.log_type.unwrap_or_default(),
    );
    let Some((service, _)) = deliveries::source_service(&resource_arn) else {
        return Err(LogsError::ResourceNotFound(
            "Cannot access provided service.".into(),
        ));
    };
    if deliveries::templates_for(service, &log_type)
        .next()
        .is_none()
    {
        return Err(LogsError::Validation(format!(
            "Log type {log_type} is not supported for service {service}."
        )));
    }
    let region = ctx.region_to_write();
    let source = region.deliveries().put_source(DeliverySource {
        arn: region.logs_arn("delivery-source", &name),
        name,
        resource_arn,
        service: service.to_owned(),
        log_type,
        configuration: input.delivery_source_configuration.unwrap_or_default(),
        tags: input.tags.unwrap_or_default(),
    })?;
    Ok(Handled::json(encode(&DeliverySourceOutput {
        delivery_source: source.into(),
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NameInput {
    name: Option<String>,
}

/// The `name` member of Get/Delete*Source and *Destination.
fn required_name(body: &[u8]) -> LogsResult<String> {
    let input: NameInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required("name", input.name.as_deref()) {
        check_name(&mut v, "name", name);
    }
    finish(v)?;
    Ok(input.name.unwrap_or_default())
}

pub(super) fn get_delivery_source(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let name = required_name(body)?;
    let source = ctx.region.deliveries().sources().get(&name)?;
    Ok(Handled::json(encode(&DeliverySourceOutput {
        delivery_source: source.into(),
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeDeliverySourcesInput {
    next_token: Option<String>,
    limit: Option<i64>,
    resource_arns: Option<Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeDeliverySourcesOutput {
    delivery_sources: Vec<DeliverySourceOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn describe_delivery_sources(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeDeliverySourcesInput = decode(body)?;
    let mut v = Violations::new();
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_DELIVERY_DESCRIBE_LIMIT);
    check_list_size(
        &mut v,
        "resourceArns",
        input.resource_arns.as_ref(),
        MAX_DELIVERY_FILTER_NAMES,
    );
    finish(v)?;
    let page = ctx.region.deliveries().sources().page(
        ctx.region.fingerprint(),
        "",
        input.next_token.as_deref(),
        limit,
        |s| {
            input
                .resource_arns
                .as_ref()
                .is_none_or(|arns| arns.contains(&s.resource_arn))
        },
    );
    Ok(Handled::json(encode(&DescribeDeliverySourcesOutput {
        delivery_sources: page.items.into_iter().map(Into::into).collect(),
        next_token: page.next_token,
    })))
}

pub(super) fn delete_delivery_source(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let name = required_name(body)?;
    ctx.region.deliveries().delete_source(&name)?;
    Ok(Handled::empty())
}

// ---- delivery destinations ----

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct DestinationConfiguration {
    destination_resource_arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutDeliveryDestinationInput {
    name: Option<String>,
    output_format: Option<String>,
    delivery_destination_configuration: Option<DestinationConfiguration>,
    delivery_destination_type: Option<String>,
    role_arn: Option<String>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryDestinationOut {
    name: String,
    arn: String,
    delivery_destination_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery_destination_configuration: Option<DestinationConfiguration>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    tags: BTreeMap<String, String>,
}

impl From<DeliveryDestination> for DeliveryDestinationOut {
    fn from(d: DeliveryDestination) -> Self {
        Self {
            name: d.name,
            arn: d.arn,
            delivery_destination_type: d.kind.as_str(),
            output_format: d.output_format,
            delivery_destination_configuration: d.resource_arn.map(|arn| {
                DestinationConfiguration {
                    destination_resource_arn: Some(arn),
                }
            }),
            tags: d.tags,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryDestinationOutput {
    delivery_destination: DeliveryDestinationOut,
}

pub(super) fn put_delivery_destination(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: PutDeliveryDestinationInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required("name", input.name.as_deref()) {
        check_name(&mut v, "name", name);
    }
    if let Some(format) = &input.output_format {
        v.one_of("outputFormat", format, &OUTPUT_FORMATS);
    }
    if let Some(kind) = &input.delivery_destination_type {
        v.one_of("deliveryDestinationType", kind, &DestinationType::NAMES);
    }
    if let Some(configuration) = &input.delivery_destination_configuration {
        v.required(
            "deliveryDestinationConfiguration.destinationResourceArn",
            configuration.destination_resource_arn.as_deref(),
        );
    }
    if let Some(tags) = &input.tags {
        v.tags("tags", tags);
    }
    finish(v)?;
    // `roleArn` is accepted (the model has it) but there is no IAM here to assume it with.
    let _ = input.role_arn;
    let declared = input
        .delivery_destination_type
        .as_deref()
        .and_then(DestinationType::parse);
    let resource_arn = input
        .delivery_destination_configuration
        .and_then(|c| c.destination_resource_arn);
    let kind = match (declared, resource_arn.as_deref()) {
        (Some(DestinationType::Xray), None) => DestinationType::Xray,
        (Some(DestinationType::Xray), Some(_)) => {
            return Err(LogsError::Validation(
                "deliveryDestinationConfiguration must not be specified for an XRAY Delivery \
                 Destination."
                    .into(),
            ))
        }
        (_, None) => {
            return Err(LogsError::Validation(
                "deliveryDestinationConfiguration is required for CWL, S3 and FH Delivery \
                 Destinations."
                    .into(),
            ))
        }
        (declared, Some(arn)) => {
            let Some(kind) = DestinationType::of_resource_arn(arn) else {
                return Err(LogsError::Validation(format!(
                    "Invalid destinationResourceArn {arn}: expected the ARN of a log group, an \
                     S3 bucket or a Firehose delivery stream."
                )));
            };
            if declared.is_some_and(|declared| declared != kind) {
                return Err(LogsError::Validation(format!(
                    "deliveryDestinationType {} does not match destinationResourceArn {arn}.",
                    declared.map_or("", DestinationType::as_str)
                )));
            }
            kind
        }
    };
    let name = input.name.unwrap_or_default();
    let region = ctx.region_to_write();
    let destination = region.deliveries().put_destination(DeliveryDestination {
        arn: region.logs_arn("delivery-destination", &name),
        name,
        kind,
        output_format: input.output_format,
        resource_arn,
        policy: None,
        tags: input.tags.unwrap_or_default(),
    })?;
    Ok(Handled::json(encode(&DeliveryDestinationOutput {
        delivery_destination: destination.into(),
    })))
}

pub(super) fn get_delivery_destination(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let name = required_name(body)?;
    let destination = ctx.region.deliveries().destinations().get(&name)?;
    Ok(Handled::json(encode(&DeliveryDestinationOutput {
        delivery_destination: destination.into(),
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeDeliveryDestinationsInput {
    next_token: Option<String>,
    limit: Option<i64>,
    names: Option<Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeDeliveryDestinationsOutput {
    delivery_destinations: Vec<DeliveryDestinationOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn describe_delivery_destinations(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeDeliveryDestinationsInput = decode(body)?;
    let mut v = Violations::new();
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_DELIVERY_DESCRIBE_LIMIT);
    check_list_size(
        &mut v,
        "names",
        input.names.as_ref(),
        MAX_DELIVERY_FILTER_NAMES,
    );
    for (i, name) in input.names.iter().flatten().enumerate() {
        check_name(&mut v, &format!("names.{}.member", i + 1), name);
    }
    finish(v)?;
    let page = ctx.region.deliveries().destinations().page(
        ctx.region.fingerprint(),
        "",
        input.next_token.as_deref(),
        limit,
        |d| {
            input
                .names
                .as_ref()
                .is_none_or(|names| names.contains(&d.name))
        },
    );
    Ok(Handled::json(encode(&DescribeDeliveryDestinationsOutput {
        delivery_destinations: page.items.into_iter().map(Into::into).collect(),
        next_token: page.next_token,
    })))
}

pub(super) fn delete_delivery_destination(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let name = required_name(body)?;
    ctx.region.deliveries().delete_destination(&name)?;
    Ok(Handled::empty())
}

// ---- delivery destination policies ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DestinationPolicyInput {
    delivery_destination_name: Option<String>,
    delivery_destination_policy: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicyOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery_destination_policy: Option<String>,
}

#[derive(Serialize)]
struct PolicyOutput {
    policy: PolicyOut,
}

/// Decodes a policy request; `needs_policy` for PutDeliveryDestinationPolicy.
fn policy_input(body: &[u8], needs_policy: bool) -> LogsResult<(String, Option<String>)> {
    let input: DestinationPolicyInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required(
        "deliveryDestinationName",
        input.delivery_destination_name.as_deref(),
    ) {
        check_name(&mut v, "deliveryDestinationName", name);
    }
    if needs_policy {
        if let Some(policy) = v.required(
            "deliveryDestinationPolicy",
            input.delivery_destination_policy.as_deref(),
        ) {
            v.length(
                "deliveryDestinationPolicy",
                policy,
                1,
                MAX_DELIVERY_DESTINATION_POLICY_LEN,
            );
        }
    }
    finish(v)?;
    Ok((
        input.delivery_destination_name.unwrap_or_default(),
        input.delivery_destination_policy,
    ))
}

fn policy_answer(policy: Option<String>) -> Handled {
    Handled::json(encode(&PolicyOutput {
        policy: PolicyOut {
            delivery_destination_policy: policy,
        },
    }))
}

pub(super) fn put_delivery_destination_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let (name, policy) = policy_input(body, true)?;
    let policy = policy.unwrap_or_default();
    if serde_json::from_str::<serde_json::Value>(&policy).map_or(true, |p| !p.is_object()) {
        return Err(LogsError::Validation(
            "The delivery destination policy is not a valid JSON policy document.".into(),
        ));
    }
    ctx.region
        .deliveries()
        .destinations()
        .update(&name, |d| d.policy = Some(policy.clone()))?;
    Ok(policy_answer(Some(policy)))
}

pub(super) fn get_delivery_destination_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let (name, _) = policy_input(body, false)?;
    let destination = ctx.region.deliveries().destinations().get(&name)?;
    Ok(policy_answer(destination.policy))
}

pub(super) fn delete_delivery_destination_policy(
    ctx: &Ctx<'_>,
    body: &[u8],
) -> LogsResult<Handled> {
    let (name, _) = policy_input(body, false)?;
    ctx.region
        .deliveries()
        .destinations()
        .update(&name, |d| d.policy = None)?;
    Ok(Handled::empty())
}

// ---- deliveries ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateDeliveryInput {
    delivery_source_name: Option<String>,
    delivery_destination_arn: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    #[serde(flatten)]
    configuration: DeliveryConfigurationInput,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryOut {
    id: String,
    arn: String,
    delivery_source_name: String,
    delivery_destination_arn: String,
    delivery_destination_type: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    record_fields: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field_delimiter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    s3_delivery_configuration: Option<S3DeliveryConfiguration>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    tags: BTreeMap<String, String>,
}

impl From<Delivery> for DeliveryOut {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id,
            arn: d.arn,
            delivery_source_name: d.source_name,
            delivery_destination_arn: d.destination_arn,
            delivery_destination_type: d.destination_type.as_str(),
            record_fields: d.record_fields,
            field_delimiter: d.field_delimiter,
            s3_delivery_configuration: d.s3.map(|s3| S3DeliveryConfiguration {
                suffix_path: s3.suffix_path,
                enable_hive_compatible_path: Some(s3.hive_compatible),
            }),
            tags: d.tags,
        }
    }
}

#[derive(Serialize)]
struct DeliveryOutput {
    delivery: DeliveryOut,
}

/// A new delivery id: 16 letters and digits, as AWS's look.
fn new_delivery_id(ctx: &Ctx<'_>) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // From the store's id source, so a journaled CreateDelivery replays to the same id.
    ctx.store
        .env()
        .ids
        .bytes()
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// The name of this region's delivery destination that `arn` names, or ResourceNotFound.
fn destination_name_in(ctx: &Ctx<'_>, arn: &str) -> LogsResult<String> {
    let not_found = <DeliveryDestination as crate::store::resources::Resource>::not_found;
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    match parts[..] {
        ["arn", partition, "logs", region, account, "delivery-destination", name]
            if partition == ctx.region.partition()
                && region == ctx.region.name()
                && account == ctx.store.account_id() =>
        {
            Ok(name.to_owned())
        }
        ["arn", _, "logs", _, _, "delivery-destination", _] => Err(not_found()),
        _ => Err(LogsError::Validation(format!(
            "Invalid deliveryDestinationArn {arn}: expected \
             arn:aws:logs:<region>:<account>:delivery-destination:<name>"
        ))),
    }
}

/// What `source`'s service offers for `destination`, or ValidationException.
fn template_for(
    source: &DeliverySource,
    destination: &DeliveryDestination,
) -> LogsResult<&'static Template> {
    let template = deliveries::template(&source.service, &source.log_type, destination.kind)
        .ok_or_else(|| {
            LogsError::Validation(format!(
                "Delivery Destination type {} is not supported for log type {} of service {}.",
                destination.kind.as_str(),
                source.log_type,
                source.service
            ))
        })?;
    if let Some(format) = &destination.output_format {
        if !template.formats.contains(&format.as_str()) {
            return Err(LogsError::Validation(format!(
                "Output format {format} is not supported for log type {} of service {} to {}. \
                 Allowed formats: [{}]",
                source.log_type,
                source.service,
                destination.kind.as_str(),
                template.formats.join(", ")
            )));
        }
    }
    Ok(template)
}

pub(super) fn create_delivery(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: CreateDeliveryInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required("deliverySourceName", input.delivery_source_name.as_deref()) {
        check_name(&mut v, "deliverySourceName", name);
    }
    v.required(
        "deliveryDestinationArn",
        input.delivery_destination_arn.as_deref(),
    );
    input.configuration.check(&mut v);
    if let Some(tags) = &input.tags {
        v.tags("tags", tags);
    }
    finish(v)?;
    let source_name = input.delivery_source_name.unwrap_or_default();
    let destination_arn = input.delivery_destination_arn.unwrap_or_default();
    let destination_name = destination_name_in(ctx, &destination_arn)?;
    let deliveries = ctx.region.deliveries();
    let source = deliveries.sources().get(&source_name)?;
    let destination = deliveries.destinations().get(&destination_name)?;
    let template = template_for(&source, &destination)?;
    let id = new_delivery_id(ctx);
    let mut delivery = Delivery {
        arn: ctx.region.logs_arn("delivery", &id),
        id,
        source_name,
        destination_arn,
        destination_name,
        destination_type: destination.kind,
        record_fields: template
            .fields
            .iter()
            .map(|(f, _)| (*f).to_owned())
            .collect(),
        field_delimiter: None,
        s3: (destination.kind == DestinationType::S3).then(|| S3Delivery {
            suffix_path: template.default_suffix.map(str::to_owned),
            hive_compatible: false,
        }),
        tags: input.tags.unwrap_or_default(),
    };
    input.configuration.apply(template, &mut delivery)?;
    let delivery = deliveries.create(delivery)?;
    Ok(Handled::json(encode(&DeliveryOutput {
        delivery: delivery.into(),
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdInput {
    id: Option<String>,
}

fn required_id(body: &[u8]) -> LogsResult<String> {
    let input: IdInput = decode(body)?;
    let mut v = Violations::new();
    let id = check_id(&mut v, input.id.as_deref());
    finish(v)?;
    Ok(id)
}

pub(super) fn get_delivery(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let id = required_id(body)?;
    let delivery = ctx.region.deliveries().deliveries().get(&id)?;
    Ok(Handled::json(encode(&DeliveryOutput {
        delivery: delivery.into(),
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeDeliveriesInput {
    next_token: Option<String>,
    limit: Option<i64>,
    delivery_source_names: Option<Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeDeliveriesOutput {
    deliveries: Vec<DeliveryOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn describe_deliveries(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeDeliveriesInput = decode(body)?;
    let mut v = Violations::new();
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_DELIVERY_DESCRIBE_LIMIT);
    check_list_size(
        &mut v,
        "deliverySourceNames",
        input.delivery_source_names.as_ref(),
        MAX_DELIVERY_FILTER_NAMES,
    );
    for (i, name) in input.delivery_source_names.iter().flatten().enumerate() {
        check_name(
            &mut v,
            &format!("deliverySourceNames.{}.member", i + 1),
            name,
        );
    }
    finish(v)?;
    let page = ctx.region.deliveries().deliveries().page(
        ctx.region.fingerprint(),
        "",
        input.next_token.as_deref(),
        limit,
        |d| {
            input
                .delivery_source_names
                .as_ref()
                .is_none_or(|names| names.contains(&d.source_name))
        },
    );
    Ok(Handled::json(encode(&DescribeDeliveriesOutput {
        deliveries: page.items.into_iter().map(Into::into).collect(),
        next_token: page.next_token,
    })))
}

pub(super) fn delete_delivery(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let id = required_id(body)?;
    ctx.region.deliveries().deliveries().delete(&id)?;
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateDeliveryConfigurationInput {
    id: Option<String>,
    #[serde(flatten)]
    configuration: DeliveryConfigurationInput,
}

pub(super) fn update_delivery_configuration(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: UpdateDeliveryConfigurationInput = decode(body)?;
    let mut v = Violations::new();
    let id = check_id(&mut v, input.id.as_deref());
    input.configuration.check(&mut v);
    finish(v)?;
    let deliveries = ctx.region.deliveries();
    let mut delivery = deliveries.deliveries().get(&id)?;
    let source = deliveries.sources().get(&delivery.source_name)?;
    let destination = deliveries.destinations().get(&delivery.destination_name)?;
    let template = template_for(&source, &destination)?;
    input.configuration.apply(template, &mut delivery)?;
    deliveries.deliveries().update(&id, |d| *d = delivery)?;
    Ok(Handled::empty())
}

// ---- configuration templates ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeConfigurationTemplatesInput {
    service: Option<String>,
    log_types: Option<Vec<String>>,
    resource_types: Option<Vec<String>>,
    delivery_destination_types: Option<Vec<String>>,
    next_token: Option<String>,
    limit: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DefaultValuesOut {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    record_fields: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field_delimiter: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    s3_delivery_configuration: Option<S3DeliveryConfiguration>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordFieldOut {
    name: &'static str,
    mandatory: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TemplateOut {
    service: &'static str,
    log_type: &'static str,
    resource_type: &'static str,
    delivery_destination_type: &'static str,
    default_delivery_config_values: DefaultValuesOut,
    allowed_fields: Vec<RecordFieldOut>,
    allowed_output_formats: &'static [&'static str],
    allowed_action_for_allow_vended_logs_delivery_for_resource: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    allowed_field_delimiters: &'static [&'static str],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    allowed_suffix_path_fields: &'static [&'static str],
}

impl From<&'static Template> for TemplateOut {
    fn from(t: &'static Template) -> Self {
        Self {
            service: t.service,
            log_type: t.log_type,
            resource_type: t.resource_type,
            delivery_destination_type: t.destination.as_str(),
            default_delivery_config_values: DefaultValuesOut {
                record_fields: t.fields.iter().map(|(f, _)| *f).collect(),
                field_delimiter: t.delimiters.first().copied(),
                s3_delivery_configuration: t.default_suffix.map(|suffix| S3DeliveryConfiguration {
                    suffix_path: Some(suffix.to_owned()),
                    enable_hive_compatible_path: Some(false),
                }),
            },
            allowed_fields: t
                .fields
                .iter()
                .map(|(name, mandatory)| RecordFieldOut {
                    name,
                    mandatory: *mandatory,
                })
                .collect(),
            allowed_output_formats: t.formats,
            allowed_action_for_allow_vended_logs_delivery_for_resource: t.action,
            allowed_field_delimiters: t.delimiters,
            allowed_suffix_path_fields: t.suffix_fields,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeConfigurationTemplatesOutput {
    configuration_templates: Vec<TemplateOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn describe_configuration_templates(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeConfigurationTemplatesInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(service) = &input.service {
        if v.length("service", service, 1, 255) {
            v.pattern("service", service, r"[\w_-]*", |c| is_word(c) || c == '-');
        }
    }
    check_list_size(&mut v, "logTypes", input.log_types.as_ref(), 10);
    for (i, log_type) in input.log_types.iter().flatten().enumerate() {
        check_log_type(&mut v, &format!("logTypes.{}.member", i + 1), log_type);
    }
    check_list_size(&mut v, "resourceTypes", input.resource_types.as_ref(), 10);
    check_list_size(
        &mut v,
        "deliveryDestinationTypes",
        input.delivery_destination_types.as_ref(),
        4,
    );
    for (i, kind) in input
        .delivery_destination_types
        .iter()
        .flatten()
        .enumerate()
    {
        v.one_of(
            &format!("deliveryDestinationTypes.{}.member", i + 1),
            kind,
            &DestinationType::NAMES,
        );
    }
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_DELIVERY_DESCRIBE_LIMIT);
    finish(v)?;
    let contains = |list: &Option<Vec<String>>, value: &str| {
        list.as_ref().is_none_or(|l| l.iter().any(|x| x == value))
    };
    let items = TEMPLATES
        .iter()
        .filter(|t| input.service.as_deref().is_none_or(|s| s == t.service))
        .filter(|t| contains(&input.log_types, t.log_type))
        .filter(|t| contains(&input.resource_types, t.resource_type))
        .filter(|t| contains(&input.delivery_destination_types, t.destination.as_str()))
        .map(|t| {
            let key = format!(
                "{}\u{0}{}\u{0}{}\u{0}{}",
                t.service,
                t.log_type,
                t.resource_type,
                t.destination.as_str()
            );
            (key, t)
        })
        .collect();
    let page = Listing::new("DescribeConfigurationTemplates", ctx.region.fingerprint()).page_of(
        input.next_token.as_deref(),
        limit,
        items,
    );
    Ok(Handled::json(encode(
        &DescribeConfigurationTemplatesOutput {
            configuration_templates: page.items.into_iter().map(TemplateOut::from).collect(),
            next_token: page.next_token,
        },
    )))
}
