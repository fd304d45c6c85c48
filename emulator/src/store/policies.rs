//! Resource policies: the account's (a [`ResourceTable`] on the region, at most 10) and one per
//! log group (`resourceArn` scope), whose every change carries a new revision id that the next
//! change must quote (optimistic concurrency, `expectedRevisionId`).

use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use super::resources::Resource;
use crate::error::{LogsError, LogsResult};
use crate::limits::MAX_ACCOUNT_RESOURCE_POLICIES;

/// A resource policy, account-scoped (no `resource_arn`) or on one log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourcePolicy {
    /// `policyName`.
    pub name: String,
    /// `policyDocument`, as given.
    pub document: String,
    /// When it was last put, epoch milliseconds.
    pub last_updated_time: i64,
    /// The log group ARN of a resource-scoped policy.
    pub resource_arn: Option<String>,
    /// The revision of a resource-scoped policy (AWS gives account-scoped ones none).
    pub revision_id: Option<String>,
}

impl Resource for ResourcePolicy {
    const LISTING: &'static str = "DescribeResourcePolicies";
    const LIMIT: usize = MAX_ACCOUNT_RESOURCE_POLICIES;

    fn key(&self) -> &str {
        &self.name
    }

    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("The specified resource policy does not exist.".into())
    }

    /// AWS-recorded (localstack `test_logs_resource_policies.snapshot.json`, 2026).
    fn not_found_named(name: &str) -> LogsError {
        LogsError::policy_not_found(name)
    }
}

/// Revisions handed out, so that no two puts share a revision id.
static REVISIONS: AtomicU64 = AtomicU64::new(0);

/// AWS's error when `expectedRevisionId` is not the policy's current revision (or is missing
/// while the policy exists).
fn revision_conflict() -> LogsError {
    LogsError::OperationAborted(
        "The expected revision id does not match the current revision id of the resource policy."
            .into(),
    )
}

fn check_revision(current: Option<&ResourcePolicy>, expected: Option<&str>) -> LogsResult<()> {
    let current = current.and_then(|p| p.revision_id.as_deref());
    if current == expected {
        Ok(())
    } else {
        Err(revision_conflict())
    }
}

/// The one resource policy of a log group (`resourceArn` scope), behind its own lock.
#[derive(Debug, Default)]
pub struct GroupResourcePolicy {
    slot: Mutex<Option<ResourcePolicy>>,
}

impl GroupResourcePolicy {
    /// The policy, if there is one.
    pub fn get(&self) -> Option<ResourcePolicy> {
        self.slot.lock().clone()
    }

    /// Creates or replaces the policy of the group `arn`, put `now`. `expected` must be the
    /// current revision, or absent when there is no policy yet.
    pub fn put(
        &self,
        arn: &str,
        now: i64,
        name: &str,
        document: &str,
        expected: Option<&str>,
    ) -> LogsResult<ResourcePolicy> {
        let mut slot = self.slot.lock();
        check_revision(slot.as_ref(), expected)?;
        let n = REVISIONS.fetch_add(1, Ordering::Relaxed);
        let revision =
            super::tokens::fingerprint(&[arn.as_bytes(), &now.to_le_bytes(), &n.to_le_bytes()]);
        let policy = ResourcePolicy {
            name: name.to_owned(),
            document: document.to_owned(),
            last_updated_time: now,
            resource_arn: Some(arn.to_owned()),
            revision_id: Some(format!("{revision:016x}{n:016x}")),
        };
        *slot = Some(policy.clone());
        Ok(policy)
    }

    /// Deletes the policy of the group `arn`, quoting its current revision.
    pub fn delete(&self, arn: &str, expected: Option<&str>) -> LogsResult<()> {
        let mut slot = self.slot.lock();
        if slot.is_none() {
            return Err(LogsError::ResourceNotFound(format!(
                "No resource policy found for resource [{arn}]."
            )));
        }
        check_revision(slot.as_ref(), expected)?;
        *slot = None;
        Ok(())
    }
}
