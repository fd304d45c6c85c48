//! The one paginator behind every Describe*/List* operation.
//!
//! A listing is a sequence of items in ascending order of a [`CursorKey`] (a name, or a
//! `(time, name)` pair, ...). A page is the first `limit` items after the cursor; the
//! `nextToken` is the key of the last item returned, sealed (hex plus a checksum) and bound
//! to its [`Listing`]: the operation family and the container it lists (a region, a group).
//! Because a token names a *position* and not an index, items added or removed between
//! pages never make a later page repeat or skip an item that was there all along.
//!
//! A token from another listing, or an edited one, is [`Resume::Unusable`]; the Describe*
//! operations answer it with an empty page, as AWS does.

use std::collections::BTreeMap;
use std::ops::Bound;

use super::tokens::{seal, unseal};

/// The sort key of a listing, written into its tokens.
pub trait CursorKey: Ord + Clone {
    /// Appends the key's text form to `out`.
    fn write(&self, out: &mut String);
    /// Parses what [`CursorKey::write`] wrote.
    fn read(text: &str) -> Option<Self>;
}

impl CursorKey for String {
    fn write(&self, out: &mut String) {
        out.push_str(self);
    }

    fn read(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

/// `(sort value, name)`: DescribeLogStreams by `LastEventTime`, ties by name.
impl CursorKey for (i64, String) {
    fn write(&self, out: &mut String) {
        out.push_str(&format!("{}/{}", self.0, self.1));
    }

    fn read(text: &str) -> Option<Self> {
        let (value, name) = text.split_once('/')?;
        Some((value.parse().ok()?, name.to_owned()))
    }
}

/// `(name, container)`: for instance metric filters across groups, by filter then group. The
/// first part is length-prefixed, since names may contain any separator.
impl CursorKey for (String, String) {
    fn write(&self, out: &mut String) {
        out.push_str(&format!("{}/{}{}", self.0.len(), self.0, self.1));
    }

    fn read(text: &str) -> Option<Self> {
        let (len, rest) = text.split_once('/')?;
        let len: usize = len.parse().ok()?;
        if !rest.is_char_boundary(len.min(rest.len())) || len > rest.len() {
            return None;
        }
        let (first, second) = rest.split_at(len);
        Some((first.to_owned(), second.to_owned()))
    }
}

/// Identifies one listing, so its tokens are refused by every other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    kind: &'static str,
    scope: u64,
}

/// Where a page starts, from its `nextToken`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resume<K> {
    /// No token: the first page.
    Start,
    /// After this key.
    After(K),
    /// A token of another listing, or not a token at all.
    Unusable,
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPage<T> {
    /// At most `limit` items, in listing order.
    pub items: Vec<T>,
    /// Present exactly when more items follow.
    pub next_token: Option<String>,
}

impl<T> ListPage<T> {
    /// The page without items or token (the answer to an unusable token).
    pub fn empty() -> Self {
        Self {
            items: Vec::new(),
            next_token: None,
        }
    }

    /// The same page with each item mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> ListPage<U> {
        ListPage {
            items: self.items.into_iter().map(f).collect(),
            next_token: self.next_token,
        }
    }
}

impl Listing {
    /// The listing `kind` (an operation family, e.g. `"DescribeLogGroups"`) of the container
    /// whose fingerprint is `scope`.
    pub fn new(kind: &'static str, scope: u64) -> Self {
        Self { kind, scope }
    }

    /// The token for "after `key`" in this listing.
    pub fn token<K: CursorKey>(&self, key: &K) -> String {
        let mut plain = format!("{}/{}/", self.kind, self.scope);
        key.write(&mut plain);
        seal(&plain)
    }

    /// Decodes a `nextToken` of this listing.
    pub fn resume<K: CursorKey>(&self, token: Option<&str>) -> Resume<K> {
        let Some(token) = token else {
            return Resume::Start;
        };
        let decoded = unseal(token).and_then(|plain| {
            let rest = plain.strip_prefix(self.kind)?.strip_prefix('/')?;
            let (scope, key) = rest.split_once('/')?;
            (scope.parse::<u64>().ok()? == self.scope)
                .then(|| K::read(key))
                .flatten()
        });
        decoded.map_or(Resume::Unusable, Resume::After)
    }

    /// One page: `items(after)` yields the listing's `(key, item)` pairs in order, starting
    /// after `after` (from the start when `None`); the first `limit` are kept. An unusable
    /// token gives an empty page.
    pub fn page<K, T, I>(
        &self,
        token: Option<&str>,
        limit: usize,
        items: impl FnOnce(Option<&K>) -> I,
    ) -> ListPage<T>
    where
        K: CursorKey,
        I: Iterator<Item = (K, T)>,
    {
        let after = match self.resume::<K>(token) {
            Resume::Start => None,
            Resume::After(key) => Some(key),
            Resume::Unusable => return ListPage::empty(),
        };
        let mut taken: Vec<(K, T)> = items(after.as_ref()).take(limit + 1).collect();
        let next_token = (taken.len() > limit).then(|| {
            taken.truncate(limit);
            let (last, _) = taken.last().expect("a limit is at least 1");
            self.token(last)
        });
        ListPage {
            items: taken.into_iter().map(|(_, item)| item).collect(),
            next_token,
        }
    }

    /// One page of a listing computed for the request: `items` in any order, sorted here by
    /// key (a key is listed once), those after the token kept.
    pub fn page_of<K: CursorKey, T>(
        &self,
        token: Option<&str>,
        limit: usize,
        mut items: Vec<(K, T)>,
    ) -> ListPage<T> {
        items.sort_by(|a, b| a.0.cmp(&b.0));
        items.dedup_by(|a, b| a.0 == b.0);
        self.page(token, limit, move |after: Option<&K>| {
            let start = after.map_or(0, |after| items.partition_point(|(key, _)| key <= after));
            items.into_iter().skip(start)
        })
    }

    /// One page of a map keyed by name, of the names that start with `prefix` (a range of
    /// the map, so a page costs O(page), not O(map)) and whose values `keep` maps to an item.
    pub fn page_of_names<V, T>(
        &self,
        map: &BTreeMap<String, V>,
        prefix: &str,
        token: Option<&str>,
        limit: usize,
        descending: bool,
        mut keep: impl FnMut(&str, &V) -> Option<T>,
    ) -> ListPage<T> {
        self.page(token, limit, |after: Option<&String>| {
            let entries: Box<dyn Iterator<Item = (&String, &V)>> = if descending {
                let upper = after.map_or(Bound::Unbounded, Bound::Excluded);
                Box::new(
                    map.range::<String, _>((Bound::Unbounded, upper))
                        .rev()
                        .skip_while(move |(name, _)| {
                            !name.starts_with(prefix) && name.as_str() > prefix
                        }),
                )
            } else {
                let lower = match after {
                    Some(after) if after.as_str() >= prefix => Bound::Excluded(after.clone()),
                    _ => Bound::Included(prefix.to_owned()),
                };
                Box::new(map.range::<String, _>((lower, Bound::Unbounded)))
            };
            entries
                .take_while(move |(name, _)| name.starts_with(prefix))
                .filter_map(move |(name, value)| keep(name, value).map(|item| (name.clone(), item)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn tokens_are_bound_to_their_listing() {
        let groups = Listing::new("DescribeLogGroups", 1);
        let token = groups.token(&"a/b".to_owned());
        assert_eq!(groups.resume(Some(&token)), Resume::After("a/b".to_owned()));
        for other in [Listing::new("DescribeLogGroups", 2), Listing::new("X", 1)] {
            assert_eq!(other.resume::<String>(Some(&token)), Resume::Unusable);
        }
        assert_eq!(groups.resume::<String>(Some("junk")), Resume::Unusable);
        assert_eq!(groups.resume::<String>(None), Resume::Start);
    }

    #[test]
    fn pair_keys_survive_any_text() {
        let listing = Listing::new("k", 0);
        for key in [
            ("a".to_owned(), "b".to_owned()),
            ("x/1/".to_owned(), "\n/é".to_owned()),
            (String::new(), String::new()),
        ] {
            assert_eq!(
                listing.resume(Some(&listing.token(&key))),
                Resume::After(key)
            );
        }
        let timed = (-5_i64, "s/1".to_owned());
        assert_eq!(
            listing.resume(Some(&listing.token(&timed))),
            Resume::After(timed)
        );
    }

    #[derive(Debug, Clone)]
    enum Change {
        Add(String),
        Remove(usize),
    }

    fn names() -> impl Strategy<Value = String> {
        "[a-e]{1,3}"
    }

    proptest! {
        /// Paging while items come and go: every item present from the first page to the last
        /// comes back exactly once, nothing comes back twice, and the order is the listing's.
        #[test]
        fn every_item_exactly_once_in_order_while_items_change(
            initial in proptest::collection::btree_set(names(), 0..40),
            limits in proptest::collection::vec(1usize..7, 1..60),
            changes in proptest::collection::vec(
                proptest::collection::vec(
                    prop_oneof![names().prop_map(Change::Add), (0usize..100).prop_map(Change::Remove)],
                    0..4,
                ),
                60,
            ),
            descending in any::<bool>(),
            prefix in proptest::option::of("[a-e]{0,2}"),
            computed in any::<bool>(),
        ) {
            let listing = Listing::new("test", 7);
            let mut map: BTreeMap<String, ()> = initial.iter().map(|n| (n.clone(), ())).collect();

            let mut always: BTreeSet<String> = initial.clone();
            let mut seen: Vec<String> = Vec::new();
            let mut token: Option<String> = None;
            let mut finished = false;
            for (page_no, limit) in limits.iter().cycle().take(200).enumerate() {
                let wanted = prefix.as_deref().unwrap_or("");
                let page = if computed && !descending {
                    // The same listing computed per request, in any order.
                    let items = map.keys().rev().filter(|k| k.starts_with(wanted)).map(|k| (k.clone(), k.clone())).collect();
                    listing.page_of(token.as_deref(), *limit, items)
                } else {
                    listing.page_of_names(&map, wanted, token.as_deref(), *limit, descending, |k, _| Some(k.to_owned()))
                };
                prop_assert!(page.items.len() <= *limit);
                for item in &page.items {
                    prop_assert!(map.contains_key(item), "only present items are listed");
                }
                seen.extend(page.items);
                match page.next_token {
                    Some(next) => token = Some(next),
                    None => { finished = true; break; }
                }
                for change in &changes[page_no % changes.len()] {
                    match change {
                        Change::Add(name) => { map.insert(name.clone(), ()); }
                        Change::Remove(i) => {
                            if let Some(name) = map.keys().nth(i % map.len().max(1)).cloned() {
                                map.remove(&name);
                                always.remove(&name);
                            }
                        }
                    }
                }
            }
            prop_assert!(finished, "paging ends");
            let mut ordered = seen.clone();
            ordered.sort();
            if descending { ordered.reverse(); }
            prop_assert_eq!(&seen, &ordered, "listing order");
            let distinct: BTreeSet<&String> = seen.iter().collect();
            prop_assert_eq!(distinct.len(), seen.len(), "nothing twice");
            let wanted = prefix.as_deref().unwrap_or("");
            for name in seen.iter() {
                prop_assert!(name.starts_with(wanted), "{} is outside the prefix", name);
            }
            for name in always.iter().filter(|n| n.starts_with(wanted)) {
                prop_assert!(seen.contains(name), "{} was present throughout but never listed", name);
            }
        }
    }
}
