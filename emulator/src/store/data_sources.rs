//! A log group's data source: the name and type that GetLogFields, ListLogGroups'
//! `dataSources` filter and ListAggregateLogGroupSummaries group log groups by.
//!
//! AWS gives custom (application) logs a data source through the log group's tags
//! `cw:datasource:name` and `cw:datasource:type` (user guide, "Custom sources"); names that
//! start with "aws" or "amazon" are reserved for AWS services' own logs, so such a tag names
//! no custom source. A group without such tags that a vended-log delivery writes to has the
//! data source of that AWS service's logs (user guide, "Supported AWS services for data
//! sources"); any other group has none.

use super::{LogGroup, Region};

/// The tag that names a log group's data source.
pub const DATA_SOURCE_NAME_TAG: &str = "cw:datasource:name";
/// The tag that gives a log group's data source type.
pub const DATA_SOURCE_TYPE_TAG: &str = "cw:datasource:type";

/// The format of a group whose transformer converts its events to OCSF.
pub const OCSF_FORMAT: &str = "OCSF";
/// The format of every other group's events (UNVERIFIED: AWS's word for it is not documented).
pub const DEFAULT_FORMAT: &str = "Default";

/// A data source: what produced a group's logs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DataSource {
    /// `@data_source_name`.
    pub name: String,
    /// `@data_source_type`, when the group gives one.
    pub kind: Option<String>,
}

impl DataSource {
    /// Whether a `{name, type}` filter selects this source: the names are equal, and the
    /// filter's type (when it has one) is this source's.
    pub fn matches(&self, name: &str, kind: Option<&str>) -> bool {
        self.name == name && kind.is_none_or(|kind| self.kind.as_deref() == Some(kind))
    }
}

/// AWS services' vended logs as data sources, for the delivery sources the emulator's catalogue
/// offers (`deliveries::TEMPLATES`): (service, logType) → (`@data_source_name`,
/// `@data_source_type`), from the user guide's "Supported AWS services for data sources" table.
const VENDED_SOURCES: [(&str, &str, &str, &str); 5] = [
    ("cloudfront", "ACCESS_LOGS", "amazon_cloudfront", "access"),
    (
        "events",
        "ERROR_LOGS",
        "amazon_eventbridge",
        "eventbus_error",
    ),
    ("events", "INFO_LOGS", "amazon_eventbridge", "eventbus_info"),
    (
        "bedrock-agentcore",
        "APPLICATION_LOGS",
        "amazon_bedrock_agentcore",
        "runtime_application",
    ),
    (
        "bedrock-agentcore",
        "USAGE_LOGS",
        "amazon_bedrock_agentcore",
        "runtime_usage",
    ),
];

/// Whether `name` is reserved for AWS services' logs (the user guide's "Custom sources" note).
fn is_reserved(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("aws") || lower.starts_with("amazon")
}

impl Region {
    /// The data source of `group`: its tags', else that of the first delivery (by id) whose
    /// source's logs it receives.
    pub fn data_source_of(&self, group: &LogGroup) -> Option<DataSource> {
        group.tagged_data_source().or_else(|| {
            let deliveries = self.deliveries();
            let mut to_group: Vec<_> = deliveries
                .deliveries()
                .all()
                .into_iter()
                .filter(|delivery| {
                    deliveries
                        .destinations()
                        .get(&delivery.destination_name)
                        .is_ok_and(|d| d.log_group_name() == Some(group.name()))
                })
                .collect();
            to_group.sort_by(|a, b| a.id.cmp(&b.id));
            to_group.iter().find_map(|delivery| {
                let source = deliveries.sources().get(&delivery.source_name).ok()?;
                VENDED_SOURCES
                    .iter()
                    .find(|(service, log_type, _, _)| {
                        source.service == *service && source.log_type == *log_type
                    })
                    .map(|(_, _, name, kind)| DataSource {
                        name: (*name).to_owned(),
                        kind: Some((*kind).to_owned()),
                    })
            })
        })
    }
}

impl LogGroup {
    /// The group's data source as its tags give it.
    fn tagged_data_source(&self) -> Option<DataSource> {
        self.update_settings(|settings| {
            let name = settings.tags.get(DATA_SOURCE_NAME_TAG)?;
            (!is_reserved(name)).then(|| DataSource {
                name: name.clone(),
                kind: settings.tags.get(DATA_SOURCE_TYPE_TAG).cloned(),
            })
        })
    }

    /// The format of the group's events: OCSF when its transformer converts to OCSF.
    pub fn data_source_format(&self) -> &'static str {
        let ocsf = self
            .transformer()
            .is_some_and(|t| t.config.iter().any(|p| p.parse_to_ocsf.is_some()));
        if ocsf {
            OCSF_FORMAT
        } else {
            DEFAULT_FORMAT
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_match_by_name_and_optionally_type() {
        let source = DataSource {
            name: "shop".into(),
            kind: Some("orders".into()),
        };
        assert!(source.matches("shop", None));
        assert!(source.matches("shop", Some("orders")));
        assert!(!source.matches("shop", Some("payments")));
        assert!(!source.matches("Shop", None));
        assert!(is_reserved("amazon_vpc") && is_reserved("AWS_thing") && !is_reserved("shop"));
    }
}
