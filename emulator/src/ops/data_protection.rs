//! PutDataProtectionPolicy, GetDataProtectionPolicy, DeleteDataProtectionPolicy, and the
//! policy-document reader PutAccountPolicy shares. The masking itself is the store's
//! (`store::masking`), applied on every read.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{resolve_group, Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    MAX_CUSTOM_DATA_IDENTIFIERS, MAX_CUSTOM_DATA_IDENTIFIER_NAME_LEN,
    MAX_CUSTOM_DATA_IDENTIFIER_REGEX_LEN, MAX_DATA_PROTECTION_POLICY_LEN,
};
use crate::protocol::{decode, encode};
use crate::store::masking::{DataProtectionPolicy, Identifier, Masker, MASKED_MANAGED_IDENTIFIERS};
use crate::validate::Violations;

/// The prefix of a managed data identifier's ARN.
const MANAGED_ARN_PREFIX: &str = "arn:aws:dataprotection::aws:data-identifier/";
/// The one policy language version (AWS docs' examples and the model doc).
const POLICY_VERSION: &str = "2021-06-01";

fn invalid(what: &str) -> LogsError {
    LogsError::InvalidParameter(format!("Invalid data protection policy document: {what}"))
}

/// Reads a data protection policy document as AWS validates it (model doc of
/// PutDataProtectionPolicy `policyDocument`; custom identifiers per the CloudWatch Logs user
/// guide, "Custom data identifier constraints"): a JSON object; optional `Name`,
/// `Description`, `Version` (`2021-06-01`) and `Configuration.CustomDataIdentifier`; exactly
/// two statements, the first an `Audit` with a `FindingsDestination` object, the second a
/// `Deidentify` with an empty `MaskConfig`, both with the same non-empty `DataIdentifier`
/// list of managed identifier ARNs or custom identifier names. Gives back the identifiers.
pub(super) fn read_policy_document(document: &str) -> LogsResult<Vec<Identifier>> {
    if document.chars().count() > MAX_DATA_PROTECTION_POLICY_LEN {
        return Err(invalid(&format!(
            "the document can be up to {MAX_DATA_PROTECTION_POLICY_LEN} characters."
        )));
    }
    let Ok(Value::Object(policy)) = serde_json::from_str::<Value>(document) else {
        return Err(invalid("it is not a JSON object."));
    };
    if let Some(name) = policy.get("Name") {
        let ok = name.as_str().is_some_and(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
        if !ok {
            // AWS's wording, as CloudFormation relayed it (aws/aws-cdk#33557).
            return Err(LogsError::InvalidParameter(
                "Policy Name can only include alphanumeric characters, hyphens (-) and underscores (_)"
                    .into(),
            ));
        }
    }
    if let Some(version) = policy.get("Version") {
        if version.as_str() != Some(POLICY_VERSION) {
            return Err(invalid(&format!("Version must be {POLICY_VERSION}.")));
        }
    }
    let custom = custom_identifiers(policy.get("Configuration"))?;
    let Some(Value::Array(statements)) = policy.get("Statement") else {
        return Err(invalid("Statement must be a list of two statements."));
    };
    let [audit, deidentify] = statements.as_slice() else {
        return Err(invalid(
            "Statement must hold exactly two statements, an Audit and a Deidentify.",
        ));
    };
    let audited = statement_identifiers(audit, "Audit")?;
    match operation(audit, "Audit")?.get("FindingsDestination") {
        Some(Value::Object(_)) => {}
        _ => {
            return Err(invalid(
                "the Audit operation must have a FindingsDestination object.",
            ))
        }
    }
    let masked = statement_identifiers(deidentify, "Deidentify")?;
    match operation(deidentify, "Deidentify")?.get("MaskConfig") {
        Some(Value::Object(config)) if config.is_empty() => {}
        _ => {
            return Err(invalid(
                "the Deidentify operation must have an empty MaskConfig object.",
            ))
        }
    }
    if audited != masked {
        return Err(invalid(
            "the DataIdentifier lists of the Audit and Deidentify statements must match exactly.",
        ));
    }
    masked
        .iter()
        .map(|id| match id.strip_prefix(MANAGED_ARN_PREFIX) {
            Some(name)
                if !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
            {
                Ok(Identifier::Managed(name.to_owned()))
            }
            _ => custom
                .iter()
                .find(|c| matches!(c, Identifier::Custom { name, .. } if name == id))
                .cloned()
                .ok_or_else(|| {
                    invalid(&format!(
                        "{id} is neither a managed data identifier ARN ({MANAGED_ARN_PREFIX}<name>) nor a custom data identifier of the Configuration."
                    ))
                }),
        })
        .collect()
}

/// `Configuration.CustomDataIdentifier`: at most 10 of `{Name, Regex}`.
fn custom_identifiers(configuration: Option<&Value>) -> LogsResult<Vec<Identifier>> {
    let Some(configuration) = configuration else {
        return Ok(Vec::new());
    };
    let list = match configuration.get("CustomDataIdentifier") {
        None => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err(invalid(
                "Configuration.CustomDataIdentifier must be a list.",
            ))
        }
    };
    if list.len() > MAX_CUSTOM_DATA_IDENTIFIERS {
        return Err(invalid(&format!(
            "a policy can have at most {MAX_CUSTOM_DATA_IDENTIFIERS} custom data identifiers."
        )));
    }
    let mut out: Vec<Identifier> = Vec::new();
    for item in list {
        let (Some(name), Some(regex)) = (
            item.get("Name").and_then(Value::as_str),
            item.get("Regex").and_then(Value::as_str),
        ) else {
            return Err(invalid(
                "each custom data identifier needs a Name and a Regex.",
            ));
        };
        let name_ok = (1..=MAX_CUSTOM_DATA_IDENTIFIER_NAME_LEN).contains(&name.chars().count())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !name_ok {
            return Err(invalid(&format!(
                "custom data identifier name {name} must be 1 to {MAX_CUSTOM_DATA_IDENTIFIER_NAME_LEN} characters of a-z, A-Z, 0-9, _ and -."
            )));
        }
        if MASKED_MANAGED_IDENTIFIERS.contains(&name)
            || out
                .iter()
                .any(|c| matches!(c, Identifier::Custom { name: n, .. } if n == name))
        {
            return Err(invalid(&format!(
                "custom data identifier name {name} is already used."
            )));
        }
        let regex_ok = (1..=MAX_CUSTOM_DATA_IDENTIFIER_REGEX_LEN).contains(&regex.chars().count())
            && regex
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_#=@/;,- ^$?[]{}|\\*+.()".contains(c));
        if !regex_ok {
            return Err(invalid(&format!(
                "the Regex of custom data identifier {name} must be 1 to {MAX_CUSTOM_DATA_IDENTIFIER_REGEX_LEN} characters of the supported set."
            )));
        }
        out.push(Identifier::Custom {
            name: name.to_owned(),
            regex: regex.to_owned(),
        });
    }
    Ok(out)
}

/// A statement's `DataIdentifier` list (non-empty strings).
fn statement_identifiers(statement: &Value, kind: &str) -> LogsResult<Vec<String>> {
    let ids = statement.get("DataIdentifier").and_then(Value::as_array);
    let ids: Option<Vec<String>> = ids.and_then(|ids| {
        ids.iter()
            .map(|id| id.as_str().map(str::to_owned))
            .collect()
    });
    match ids {
        Some(ids) if !ids.is_empty() => Ok(ids),
        _ => Err(invalid(&format!(
            "the {kind} statement needs a non-empty DataIdentifier list."
        ))),
    }
}

/// A statement's `Operation.<kind>` object.
fn operation<'v>(
    statement: &'v Value,
    kind: &str,
) -> LogsResult<&'v serde_json::Map<String, Value>> {
    statement
        .get("Operation")
        .and_then(|op| op.get(kind))
        .and_then(Value::as_object)
        .ok_or_else(|| {
            invalid(&format!(
                "the {} statement must have an Operation with an {kind} action.",
                if kind == "Audit" { "first" } else { "second" }
            ))
        })
}

/// Compiles the identifiers of a validated document.
pub(super) fn compile(identifiers: &[Identifier]) -> LogsResult<Masker> {
    Masker::new(identifiers).map_err(|bad| {
        invalid(&format!(
            "the Regex of custom data identifier {} is not a valid regular expression.",
            bad.name
        ))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataProtectionInput {
    log_group_identifier: Option<String>,
    policy_document: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DataProtectionOutput {
    log_group_identifier: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_document: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_updated_time: Option<i64>,
}

/// The required `logGroupIdentifier` every data protection operation takes.
fn identifier<'i>(v: &mut Violations, input: &'i DataProtectionInput) -> &'i str {
    let id = v.required("logGroupIdentifier", input.log_group_identifier.as_deref());
    if let Some(id) = id {
        v.log_group_identifier("logGroupIdentifier", id);
    }
    id.unwrap_or_default()
}

pub(super) fn put_data_protection_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DataProtectionInput = decode(body)?;
    let mut v = Violations::new();
    let id = identifier(&mut v, &input);
    let document = v.required("policyDocument", input.policy_document.as_deref());
    v.finish()?;
    let group = resolve_group(ctx, None, Some(id))?;
    let document = document.unwrap_or_default();
    let identifiers = read_policy_document(document)?;
    let now = ctx.store.now();
    let policy = DataProtectionPolicy {
        document: document.to_owned(),
        last_updated_time: now,
        masker: compile(&identifiers)?.into(),
    };
    group.set_data_protection_policy(Some(policy), now);
    Ok(Handled::json(encode(&DataProtectionOutput {
        log_group_identifier: id.to_owned(),
        policy_document: Some(document.to_owned()),
        last_updated_time: Some(now),
    })))
}

pub(super) fn get_data_protection_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DataProtectionInput = decode(body)?;
    let mut v = Violations::new();
    let id = identifier(&mut v, &input);
    v.finish()?;
    let policy = resolve_group(ctx, None, Some(id))?.data_protection_policy();
    // A group without a policy answers with its identifier only.
    Ok(Handled::json(encode(&DataProtectionOutput {
        log_group_identifier: id.to_owned(),
        policy_document: policy.as_ref().map(|p| p.document.clone()),
        last_updated_time: policy.as_ref().map(|p| p.last_updated_time),
    })))
}

pub(super) fn delete_data_protection_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DataProtectionInput = decode(body)?;
    let mut v = Violations::new();
    let id = identifier(&mut v, &input);
    v.finish()?;
    let group = resolve_group(ctx, None, Some(id))?;
    if group.data_protection_policy().is_none() {
        return Err(LogsError::ResourceNotFound(
            "The specified data protection policy does not exist.".into(),
        ));
    }
    group.set_data_protection_policy(None, ctx.store.now());
    Ok(Handled::empty())
}
