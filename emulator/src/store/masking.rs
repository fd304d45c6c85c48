//! Data protection: the identifiers a policy names, compiled into one [`Masker`], and the
//! masking every read path applies (GetLogEvents in `read.rs`, FilterLogEvents in
//! `search.rs`) unless the caller passes `unmask: true`.
//!
//! AWS detects sensitive data at ingestion, so events ingested before a policy was put are not
//! masked (model doc of PutDataProtectionPolicy), and what was masked stays masked when the
//! policy changes. The emulator keeps the original and masks on the way out, each event with
//! the policies in force when it was ingested: a [`MaskHistory`] keeps the window of every
//! policy (the last [`crate::limits::MAX_MASK_WINDOWS`]). Each match becomes `****`.
//! Supported managed identifiers, with the patterns below: `EmailAddress`, `IpAddress` (IPv4
//! and IPv6), `AwsSecretKey`, `CreditCardNumber` (Luhn-checked), `Ssn-US`, `PhoneNumber-US`;
//! plus custom identifiers (a name and a regex). Other AWS managed identifiers are accepted in
//! a policy and mask nothing.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;

use regex::{Regex, RegexBuilder};

use crate::limits::MAX_MASK_WINDOWS;

/// What replaces each sensitive term.
pub const MASK: &str = "****";

/// The managed data identifiers the emulator masks, by their AWS names (the last part of
/// `arn:aws:dataprotection::aws:data-identifier/<name>`).
pub const MASKED_MANAGED_IDENTIFIERS: [&str; 6] = [
    "EmailAddress",
    "IpAddress",
    "AwsSecretKey",
    "CreditCardNumber",
    "Ssn-US",
    "PhoneNumber-US",
];

/// Largest compiled program of a custom identifier's regex: keeps matching cheap per byte.
const CUSTOM_REGEX_SIZE_LIMIT: usize = 1 << 20;

/// One identifier of a policy, as the handler read it from the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    /// A managed identifier, by name (e.g. `EmailAddress`).
    Managed(String),
    /// A custom identifier: its name and regex.
    Custom {
        /// `Name`.
        name: String,
        /// `Regex`.
        regex: String,
    },
}

/// How one identifier finds its terms.
#[derive(Debug)]
enum Rule {
    /// Every match of the regex is a term.
    Plain(Regex),
    /// Candidates that also pass the check.
    Checked(Regex, fn(&str) -> bool),
}

/// A compiled set of identifiers.
#[derive(Debug)]
pub struct Masker {
    rules: Vec<Rule>,
}

/// A data protection policy as stored: the document as given, when it was put, and its
/// compiled identifiers (in force from that time).
#[derive(Debug)]
pub struct DataProtectionPolicy {
    /// `policyDocument`, as given.
    pub document: String,
    /// When it was put, epoch milliseconds.
    pub last_updated_time: i64,
    /// Its identifiers.
    pub masker: Arc<Masker>,
}

/// A custom identifier whose regex does not compile (the handler words AWS's error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRegex {
    /// The identifier's name.
    pub name: String,
}

fn managed_rule(name: &str) -> Option<Rule> {
    let re = |p: &str| Regex::new(p).expect("a built-in pattern compiles");
    Some(match name {
        "EmailAddress" => Rule::Plain(re(
            r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
        )),
        "IpAddress" => Rule::Plain(re(concat!(
            // IPv4
            r"\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}",
            r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\b",
            // IPv6: full, compressed (`a::b`, `a::`, `::b`)
            r"|(?i:\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b",
            r"|\b(?:[0-9a-f]{1,4}:){1,7}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6}\b)?",
            r"|::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4}\b)",
        ))),
        // 40 characters of the secret-key alphabet, mixing cases and digits (so that a
        // 40-digit hex digest is not one).
        "AwsSecretKey" => Rule::Checked(re(r"\b[A-Za-z0-9/+]{40}\b"), is_secret_key),
        "CreditCardNumber" => Rule::Checked(re(r"\b[0-9](?:[ \-]?[0-9]){12,18}\b"), luhn),
        "Ssn-US" => Rule::Checked(re(r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b"), is_ssn),
        "PhoneNumber-US" => Rule::Plain(re(
            r"(?:\+1[ .\-]?)?(?:\([2-9][0-9]{2}\)|\b[2-9][0-9]{2})[ .\-]?[2-9][0-9]{2}[ .\-]?[0-9]{4}\b",
        )),
        _ => return None,
    })
}

fn is_secret_key(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && s.bytes().any(|b| b.is_ascii_digit())
}

fn luhn(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match (i % 2, d * 2) {
            (1, doubled) if doubled > 9 => doubled - 9,
            (1, doubled) => doubled,
            _ => d,
        })
        .sum();
    sum.is_multiple_of(10)
}

fn is_ssn(s: &str) -> bool {
    let (area, rest) = s.split_at(3);
    area != "000"
        && area != "666"
        && !area.starts_with('9')
        && &rest[1..3] != "00"
        && &rest[4..] != "0000"
}

impl Masker {
    /// Compiles `identifiers`.
    pub fn new(identifiers: &[Identifier]) -> Result<Self, BadRegex> {
        let mut rules = Vec::new();
        for identifier in identifiers {
            match identifier {
                Identifier::Managed(name) => rules.extend(managed_rule(name)),
                Identifier::Custom { name, regex } => rules.push(Rule::Plain(
                    RegexBuilder::new(regex)
                        .size_limit(CUSTOM_REGEX_SIZE_LIMIT)
                        .build()
                        .map_err(|_| BadRegex { name: name.clone() })?,
                )),
            }
        }
        Ok(Self { rules })
    }

    /// The byte ranges of `message` that this masker's identifiers find.
    fn spans(&self, message: &str, out: &mut Vec<(usize, usize)>) {
        for rule in &self.rules {
            match rule {
                Rule::Plain(re) => out.extend(
                    re.find_iter(message)
                        .filter(|m| !m.is_empty())
                        .map(|m| (m.start(), m.end())),
                ),
                Rule::Checked(re, check) => out.extend(
                    re.find_iter(message)
                        .filter(|m| check(m.as_str()))
                        .map(|m| (m.start(), m.end())),
                ),
            }
        }
    }
}

/// A policy's identifiers and the ingestion times they covered: `[from, until)`.
#[derive(Debug, Clone)]
pub struct Window {
    masker: Arc<Masker>,
    from: i64,
    until: i64,
}

/// The data protection policy of one container (a group, or the account) and the windows of
/// the policies it had before.
#[derive(Debug, Default)]
pub struct MaskHistory {
    current: Option<Arc<DataProtectionPolicy>>,
    past: VecDeque<Window>,
}

impl MaskHistory {
    /// The policy in force, if any.
    pub fn current(&self) -> Option<Arc<DataProtectionPolicy>> {
        self.current.clone()
    }

    /// Replaces (or with `None` removes) the policy in force `now`; events ingested under the
    /// old one stay masked by it.
    pub fn set(&mut self, policy: Option<DataProtectionPolicy>, now: i64) {
        if let Some(old) = self.current.take() {
            if self.past.len() == MAX_MASK_WINDOWS {
                self.past.pop_front();
            }
            self.past.push_back(Window {
                masker: Arc::clone(&old.masker),
                from: old.last_updated_time,
                until: now,
            });
        }
        self.current = policy.map(Arc::new);
    }

    /// Adds every window of this history to `out`.
    pub fn windows(&self, out: &mut Vec<Window>) {
        out.extend(self.past.iter().cloned());
        out.extend(self.current.iter().map(|p| Window {
            masker: Arc::clone(&p.masker),
            from: p.last_updated_time,
            until: i64::MAX,
        }));
    }
}

/// The policies that mask one log group's events (its own and the account's): they are
/// cumulative (model doc of PutDataProtectionPolicy).
#[derive(Debug, Clone, Default)]
pub struct Masks(Vec<Window>);

impl Masks {
    /// Masks from these windows (none: nothing is masked).
    pub fn new(windows: Vec<Window>) -> Self {
        Self(windows)
    }

    /// Hands `visit` the event as a read shows it: its message masked (a copy only when a
    /// term was found).
    pub fn show<R>(
        &self,
        event: super::events::EventView<'_>,
        visit: impl FnOnce(super::events::EventView<'_>) -> R,
    ) -> R {
        match self.apply(event.ingestion_time, event.message) {
            Cow::Borrowed(_) => visit(event),
            Cow::Owned(message) => visit(super::events::EventView {
                message: &message,
                ..event
            }),
        }
    }

    /// `message` with every term found by a masker in force at `ingestion_time` replaced by
    /// [`MASK`]; overlapping terms become one mask. Borrowed when nothing matched.
    pub fn apply<'m>(&self, ingestion_time: i64, message: &'m str) -> Cow<'m, str> {
        let mut spans = Vec::new();
        for window in &self.0 {
            if (window.from..window.until).contains(&ingestion_time) {
                window.masker.spans(message, &mut spans);
            }
        }
        if spans.is_empty() {
            return Cow::Borrowed(message);
        }
        spans.sort_unstable();
        let mut out = String::with_capacity(message.len());
        let mut at = 0;
        for (start, end) in spans {
            if end <= at {
                continue;
            }
            if start >= at {
                out.push_str(&message[at..start]);
                out.push_str(MASK);
            }
            at = end;
        }
        out.push_str(&message[at..]);
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(ids: &[Identifier], at: i64) -> DataProtectionPolicy {
        DataProtectionPolicy {
            document: String::new(),
            last_updated_time: at,
            masker: Arc::new(Masker::new(ids).unwrap()),
        }
    }

    fn masks(names: &[&str]) -> Masks {
        let ids: Vec<Identifier> = names
            .iter()
            .map(|n| Identifier::Managed((*n).to_owned()))
            .collect();
        let mut history = MaskHistory::default();
        history.set(Some(policy(&ids, 0)), 0);
        let mut windows = Vec::new();
        history.windows(&mut windows);
        Masks::new(windows)
    }

    #[test]
    fn managed_identifiers_mask_their_terms_only() {
        let all = masks(&MASKED_MANAGED_IDENTIFIERS);
        for (message, masked) in [
            ("mail jane.doe+x@example.co.uk now", "mail **** now"),
            (
                "from 192.168.1.20:443 and 10.0.0.256",
                "from ****:443 and 10.0.0.256",
            ),
            (
                "v6 2001:db8::8a2e:370:7334 and ::1 ok",
                "v6 **** and **** ok",
            ),
            ("key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "key ****"),
            (
                "sha 356a192b7913b04c54574d18c28d46e6395428ab",
                "sha 356a192b7913b04c54574d18c28d46e6395428ab",
            ),
            (
                "card 4111 1111 1111 1111, bad 4111 1111 1111 1112",
                "card ****, bad 4111 1111 1111 1112",
            ),
            (
                "ssn 123-45-6789 not 000-12-3456",
                "ssn **** not 000-12-3456",
            ),
            (
                "call (206) 555-0100 or +1 425-555-0199",
                "call **** or ****",
            ),
            ("at 12:30:45 id 1767225600", "at 12:30:45 id 1767225600"),
        ] {
            assert_eq!(all.apply(0, message), masked, "{message}");
        }
    }

    #[test]
    fn custom_identifiers_overlaps_and_time() {
        let ids = [
            Identifier::Custom {
                name: "EmployeeId".into(),
                regex: r"EmployeeId-\d{9}".into(),
            },
            Identifier::Managed("EmailAddress".into()),
            Identifier::Managed("DriversLicense-US".into()),
        ];
        let mut history = MaskHistory::default();
        history.set(Some(policy(&ids, 100)), 100);
        // From 200 only IP addresses: events ingested before keep their earlier masking.
        history.set(
            Some(policy(&[Identifier::Managed("IpAddress".into())], 200)),
            200,
        );
        let mut windows = Vec::new();
        history.windows(&mut windows);
        let m = Masks::new(windows);
        assert_eq!(m.apply(100, "EmployeeId-123456789 a@b.io"), "**** ****");
        assert_eq!(m.apply(199, "a@b.io 10.0.0.1"), "**** 10.0.0.1");
        assert_eq!(m.apply(200, "a@b.io 10.0.0.1"), "a@b.io ****");
        assert!(matches!(
            m.apply(99, "EmployeeId-123456789"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(m.apply(100, "nothing here"), Cow::Borrowed(_)));
        let bad = [Identifier::Custom {
            name: "Broken".into(),
            regex: "(".into(),
        }];
        assert_eq!(
            Masker::new(&bad).unwrap_err(),
            BadRegex {
                name: "Broken".into()
            }
        );
    }
}
