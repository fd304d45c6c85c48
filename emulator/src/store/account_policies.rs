//! Account policies (PutAccountPolicy): per region, one table keyed by policy type and name,
//! with each type's limits and selection-criteria rules (model doc of PutAccountPolicy). The
//! account's data protection policy masks every group's reads, as a group's own does.

use std::collections::BTreeMap;

use parking_lot::Mutex;

use super::listing::{ListPage, Listing};
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    MAX_ACCOUNT_FIELD_INDEX_POLICIES, MAX_ACCOUNT_METRIC_EXTRACTION_POLICIES,
    MAX_ACCOUNT_RETENTION_POLICIES, MAX_ACCOUNT_TRANSFORMER_POLICIES,
};

/// The model's `PolicyType` enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicyType {
    /// `DATA_PROTECTION_POLICY`.
    DataProtection,
    /// `SUBSCRIPTION_FILTER_POLICY`.
    SubscriptionFilter,
    /// `FIELD_INDEX_POLICY`.
    FieldIndex,
    /// `TRANSFORMER_POLICY`.
    Transformer,
    /// `METRIC_EXTRACTION_POLICY`.
    MetricExtraction,
    /// `RETENTION_POLICY`.
    Retention,
}

impl PolicyType {
    /// Every type, in the model's order.
    pub const ALL: [PolicyType; 6] = [
        Self::DataProtection,
        Self::SubscriptionFilter,
        Self::FieldIndex,
        Self::Transformer,
        Self::MetricExtraction,
        Self::Retention,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DataProtection => "DATA_PROTECTION_POLICY",
            Self::SubscriptionFilter => "SUBSCRIPTION_FILTER_POLICY",
            Self::FieldIndex => "FIELD_INDEX_POLICY",
            Self::Transformer => "TRANSFORMER_POLICY",
            Self::MetricExtraction => "METRIC_EXTRACTION_POLICY",
            Self::Retention => "RETENTION_POLICY",
        }
    }
}

/// A parsed `selectionCriteria`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Criteria {
    /// No criteria: every log group.
    All,
    /// `LogGroupName [NOT] IN [...]`.
    Names {
        /// `NOT IN`.
        negated: bool,
        /// The names.
        values: Vec<String>,
    },
    /// `LogGroupNamePrefix [NOT] IN [...]`.
    Prefixes {
        /// `NOT IN`.
        negated: bool,
        /// The prefixes.
        values: Vec<String>,
    },
    /// `DataSourceName = "..." AND DataSourceType = "..."`.
    DataSource {
        /// The data source name.
        name: String,
        /// The data source type.
        kind: String,
    },
}

impl Criteria {
    /// Whether two prefix lists select overlapping groups (one prefix starts the other).
    fn prefixes_overlap(a: &[String], b: &[String]) -> bool {
        a.iter().any(|x| {
            b.iter()
                .any(|y| x.starts_with(y.as_str()) || y.starts_with(x.as_str()))
        })
    }
}

/// An account policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPolicy {
    /// `policyName`.
    pub name: String,
    /// `policyType`.
    pub policy_type: PolicyType,
    /// `policyDocument`, as given.
    pub document: String,
    /// `selectionCriteria`, as given.
    pub selection_criteria: Option<String>,
    /// The criteria, parsed.
    pub criteria: Criteria,
    /// When it was last put, epoch milliseconds.
    pub last_updated_time: i64,
}

/// The account policies of one region.
#[derive(Debug, Default)]
pub struct AccountPolicies {
    items: Mutex<BTreeMap<(PolicyType, String), AccountPolicy>>,
}

fn limit_exceeded(policy_type: PolicyType) -> LogsError {
    LogsError::LimitExceeded(format!(
        "The account has reached its limit of account policies of type {}.",
        policy_type.as_str()
    ))
}

/// Checks `new` against the other policies of its type (not the one it replaces).
fn check_limits(new: &AccountPolicy, others: &[&AccountPolicy]) -> LogsResult<()> {
    let t = new.policy_type;
    let unscoped = |p: &&AccountPolicy| p.criteria == Criteria::All;
    let count_like =
        |f: &dyn Fn(&Criteria) -> bool| others.iter().filter(|p| f(&p.criteria)).count();
    let overlap = || {
        let Criteria::Prefixes { values: mine, .. } = &new.criteria else {
            return false;
        };
        others.iter().any(|p| match &p.criteria {
            Criteria::Prefixes { values, .. } => Criteria::prefixes_overlap(mine, values),
            _ => false,
        })
    };
    match t {
        // One per account and region.
        PolicyType::DataProtection | PolicyType::SubscriptionFilter => {
            if !others.is_empty() {
                return Err(limit_exceeded(t));
            }
        }
        // Up to 20, overlapping allowed.
        PolicyType::Retention => {
            if others.len() >= MAX_ACCOUNT_RETENTION_POLICIES {
                return Err(limit_exceeded(t));
            }
        }
        // One for all groups, or up to N scoped ones whose selections do not overlap.
        PolicyType::Transformer | PolicyType::FieldIndex | PolicyType::MetricExtraction => {
            let max = match t {
                PolicyType::Transformer => MAX_ACCOUNT_TRANSFORMER_POLICIES,
                PolicyType::FieldIndex => MAX_ACCOUNT_FIELD_INDEX_POLICIES,
                _ => MAX_ACCOUNT_METRIC_EXTRACTION_POLICIES,
            };
            let data_source = |c: &Criteria| matches!(c, Criteria::DataSource { .. });
            let scoped_by_name = |c: &Criteria| !data_source(c);
            match &new.criteria {
                Criteria::All => {
                    if others.iter().any(|p| !data_source(&p.criteria)) {
                        return Err(limit_exceeded(t));
                    }
                }
                Criteria::DataSource { .. } => {
                    if others.iter().any(|p| p.criteria == new.criteria) {
                        return Err(LogsError::InvalidParameter(
                            "Another account policy already uses this data source name and type."
                                .into(),
                        ));
                    }
                    if count_like(&data_source) >= max {
                        return Err(limit_exceeded(t));
                    }
                }
                _ => {
                    if others.iter().any(unscoped) || count_like(&scoped_by_name) >= max {
                        return Err(limit_exceeded(t));
                    }
                    if overlap() {
                        return Err(LogsError::InvalidParameter(
                            "The selection criteria overlap with another account policy of this type."
                                .into(),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

impl AccountPolicies {
    /// Creates or replaces the policy of its type and name, within its type's limits.
    pub fn put(&self, policy: AccountPolicy) -> LogsResult<()> {
        let mut items = self.items.lock();
        let others: Vec<&AccountPolicy> = items
            .values()
            .filter(|p| p.policy_type == policy.policy_type && p.name != policy.name)
            .collect();
        check_limits(&policy, &others)?;
        items.insert((policy.policy_type, policy.name.clone()), policy);
        Ok(())
    }

    /// Removes the named policy of `policy_type`.
    pub fn delete(&self, policy_type: PolicyType, name: &str) -> LogsResult<AccountPolicy> {
        self.items
            .lock()
            .remove(&(policy_type, name.to_owned()))
            .ok_or_else(|| LogsError::policy_not_found(name))
    }

    /// One page of the policies of `policy_type` (only `name`, when given), in name order.
    pub fn page(
        &self,
        scope: u64,
        policy_type: PolicyType,
        name: Option<&str>,
        token: Option<&str>,
        limit: usize,
    ) -> ListPage<AccountPolicy> {
        let items = self.items.lock();
        let of_type: BTreeMap<String, &AccountPolicy> = items
            .iter()
            .filter(|((t, n), _)| *t == policy_type && name.is_none_or(|name| name == n))
            .map(|((_, n), p)| (n.clone(), p))
            .collect();
        Listing::new("DescribeAccountPolicies", scope).page_of_names(
            &of_type,
            "",
            token,
            limit,
            false,
            |_, p| Some((*p).clone()),
        )
    }

    /// Every policy of `policy_type`, in name order.
    pub fn all_of_type(&self, policy_type: PolicyType) -> Vec<AccountPolicy> {
        self.items
            .lock()
            .iter()
            .filter(|((t, _), _)| *t == policy_type)
            .map(|(_, p)| p.clone())
            .collect()
    }
}
