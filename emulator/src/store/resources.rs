//! Control-plane resources: named records with put/get/describe/delete, a per-container
//! limit, AWS's not-found and limit errors, and paged listings. Metric filters are one; the
//! coming policies, destinations, query definitions, deliveries and the rest are each a
//! [`Resource`] impl plus a [`ResourceTable`] field on the container that owns them (a
//! [`super::LogGroup`] or a [`super::Region`]). ARCHITECTURE.md walks through adding one.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use parking_lot::Mutex;

use super::listing::{ListPage, Listing};
use crate::error::{LogsError, LogsResult};

/// What a kind of resource declares; the table does the rest.
pub trait Resource: Clone {
    /// The listing kind its tokens are bound to (the Describe/List operation's name).
    const LISTING: &'static str;
    /// Most resources of this kind in one container.
    const LIMIT: usize;

    /// The key it is stored under: its name, or its id where names may repeat.
    fn key(&self) -> &str;

    /// AWS's error when the named resource does not exist.
    fn not_found() -> LogsError;

    /// AWS's error when the resource called `name` does not exist (by default
    /// [`Resource::not_found`], for resources whose message does not name it).
    fn not_found_named(name: &str) -> LogsError {
        let _ = name;
        Self::not_found()
    }

    /// AWS's error past [`Resource::LIMIT`].
    fn limit_exceeded() -> LogsError {
        LogsError::LimitExceeded("Resource limit exceeded.".into())
    }
}

/// The resources of one kind in one container, in name order.
#[derive(Debug)]
pub struct ResourceTable<R> {
    items: Mutex<BTreeMap<String, R>>,
    /// `items.len()`, readable without the lock (the ingest path asks on every put).
    count: AtomicUsize,
}

impl<R> Default for ResourceTable<R> {
    fn default() -> Self {
        Self {
            items: Mutex::new(BTreeMap::new()),
            count: AtomicUsize::new(0),
        }
    }
}

/// Whether a put created a resource or replaced one of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// A new name.
    Created,
    /// The name existed; its record was replaced (and did not count against the limit).
    Replaced,
}

impl<R: Resource> ResourceTable<R> {
    /// Creates or replaces the resource named `resource.key()`; a new one past the limit is
    /// [`Resource::limit_exceeded`].
    pub fn put(&self, resource: R) -> LogsResult<Put> {
        let mut items = self.items.lock();
        if items.contains_key(resource.key()) {
            items.insert(resource.key().to_owned(), resource);
            return Ok(Put::Replaced);
        }
        if items.len() >= R::LIMIT {
            return Err(R::limit_exceeded());
        }
        items.insert(resource.key().to_owned(), resource);
        self.count.store(items.len(), Ordering::Release);
        Ok(Put::Created)
    }

    /// A copy of the named resource, or [`Resource::not_found`].
    pub fn get(&self, name: &str) -> LogsResult<R> {
        self.items
            .lock()
            .get(name)
            .cloned()
            .ok_or_else(|| R::not_found_named(name))
    }

    /// Changes the named resource in place (never its name), or [`Resource::not_found`].
    pub fn update<T>(&self, name: &str, change: impl FnOnce(&mut R) -> T) -> LogsResult<T> {
        self.items
            .lock()
            .get_mut(name)
            .map(change)
            .ok_or_else(|| R::not_found_named(name))
    }

    /// Removes the named resource, or [`Resource::not_found`].
    pub fn delete(&self, name: &str) -> LogsResult<R> {
        let mut items = self.items.lock();
        let removed = items.remove(name).ok_or_else(|| R::not_found_named(name));
        self.count.store(items.len(), Ordering::Release);
        removed
    }

    /// Whether the table is empty, without taking its lock.
    pub fn is_empty(&self) -> bool {
        self.count.load(Ordering::Acquire) == 0
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.items.lock().len()
    }

    /// Every resource, in name order.
    pub fn all(&self) -> Vec<R> {
        self.items.lock().values().cloned().collect()
    }

    /// One page of the resources whose names start with `prefix` and that `keep` accepts, in
    /// name order, with a token bound to this table's listing in the container `scope`.
    pub fn page(
        &self,
        scope: u64,
        prefix: &str,
        token: Option<&str>,
        limit: usize,
        mut keep: impl FnMut(&R) -> bool,
    ) -> ListPage<R> {
        let items = self.items.lock();
        Listing::new(R::LISTING, scope).page_of_names(
            &items,
            prefix,
            token,
            limit,
            false,
            |_, r| keep(r).then(|| r.clone()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Widget(String);

    impl Resource for Widget {
        const LISTING: &'static str = "DescribeWidgets";
        const LIMIT: usize = 2;
        fn key(&self) -> &str {
            &self.0
        }
        fn not_found() -> LogsError {
            LogsError::ResourceNotFound("The specified widget does not exist.".into())
        }
    }

    #[test]
    fn put_get_update_delete_and_limits() {
        let table = ResourceTable::<Widget>::default();
        assert_eq!(table.put(Widget("a".into())).unwrap(), Put::Created);
        assert_eq!(table.put(Widget("b".into())).unwrap(), Put::Created);
        assert_eq!(table.put(Widget("a".into())).unwrap(), Put::Replaced);
        assert_eq!(
            table.put(Widget("c".into())).unwrap_err().to_string(),
            "Resource limit exceeded."
        );
        assert_eq!(
            table.get("zz").unwrap_err().to_string(),
            "The specified widget does not exist."
        );
        table.update("a", |w| w.0.push('!')).unwrap();
        assert_eq!(table.delete("a").unwrap(), Widget("a!".into()));
        assert_eq!(table.len(), 1);
        let page = table.page(0, "", None, 1, |_| true);
        assert_eq!(page.items, [Widget("b".into())]);
        assert_eq!(page.next_token, None);
    }
}
