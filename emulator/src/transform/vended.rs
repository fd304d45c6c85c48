//! The parsers for AWS vended logs: parseVPC, parseRoute53, parsePostgres, parseCloudfront,
//! parseWAF. Each reads the whole message (`source` can only be `@message`) in the service's
//! default format and names the fields as the service's log documentation does.

use std::sync::OnceLock;

use regex::Regex;

use super::value::{Object, Value};

/// Which vended format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vended {
    /// VPC flow logs, default (version 2) format.
    Vpc,
    /// Route 53 public DNS query logs.
    Route53,
    /// RDS for PostgreSQL logs (default `log_line_prefix`).
    Postgres,
    /// CloudFront standard (access) logs.
    Cloudfront,
    /// AWS WAF logs (JSON).
    Waf,
}

/// VPC flow log version 2 fields (VPC user guide, "Flow log records").
const VPC_FIELDS: [&str; 14] = [
    "version",
    "account_id",
    "interface_id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log_status",
];

/// Route 53 query log fields (Route 53 developer guide, "Public DNS query logging").
const ROUTE53_FIELDS: [&str; 10] = [
    "version",
    "queryTimestamp",
    "hostZoneId",
    "queryName",
    "queryType",
    "responseCode",
    "protocol",
    "edgeLocation",
    "resolverIp",
    "ednsClientSubnet",
];

/// CloudFront standard log fields, in file order (CloudFront developer guide).
const CLOUDFRONT_FIELDS: [&str; 33] = [
    "date",
    "time",
    "x-edge-location",
    "sc-bytes",
    "c-ip",
    "cs-method",
    "cs(Host)",
    "cs-uri-stem",
    "sc-status",
    "cs(Referer)",
    "cs(User-Agent)",
    "cs-uri-query",
    "cs(Cookie)",
    "x-edge-result-type",
    "x-edge-request-id",
    "x-host-header",
    "cs-protocol",
    "cs-bytes",
    "time-taken",
    "x-forwarded-for",
    "ssl-protocol",
    "ssl-cipher",
    "x-edge-response-result-type",
    "cs-protocol-version",
    "fle-status",
    "fle-encrypted-fields",
    "c-port",
    "time-to-first-byte",
    "x-edge-detailed-result-type",
    "sc-content-type",
    "sc-content-len",
    "sc-range-start",
    "sc-range-end",
];

impl Vended {
    /// The processor's name in the model.
    pub fn name(self) -> &'static str {
        match self {
            Vended::Vpc => "parseVPC",
            Vended::Route53 => "parseRoute53",
            Vended::Postgres => "parsePostgres",
            Vended::Cloudfront => "parseCloudfront",
            Vended::Waf => "parseWAF",
        }
    }

    /// The fields of `message`, or why it is not in this format.
    pub fn parse(self, message: &str) -> Result<Object, String> {
        let fail = || format!("{} could not parse the log event.", self.name());
        match self {
            Vended::Vpc => fields(&VPC_FIELDS, message.split_whitespace()).ok_or_else(fail),
            Vended::Route53 => fields(&ROUTE53_FIELDS, message.split_whitespace()).ok_or_else(fail),
            Vended::Cloudfront => fields(
                &CLOUDFRONT_FIELDS,
                message.trim_end_matches('\n').split('\t'),
            )
            .ok_or_else(fail),
            Vended::Postgres => postgres(message).ok_or_else(fail),
            Vended::Waf => match Value::parse(message) {
                Some(Value::Object(object)) => Ok(object),
                _ => Err(fail()),
            },
        }
    }
}

/// Names the parts in order; the count must match.
fn fields<'m>(names: &[&str], parts: impl Iterator<Item = &'m str>) -> Option<Object> {
    let parts: Vec<&str> = parts.collect();
    if parts.len() != names.len() {
        return None;
    }
    let mut out = Object::default();
    for (name, part) in names.iter().zip(parts) {
        out.insert(name, Value::str(part));
    }
    Some(out)
}

/// `%t:%r:%u@%d:[%p]:` then `LEVEL:  message` (RDS's fixed `log_line_prefix`).
fn postgres(message: &str) -> Option<Object> {
    static LINE: OnceLock<Regex> = OnceLock::new();
    let line = LINE.get_or_init(|| {
        Regex::new(
            r"(?s)^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? [A-Z]{2,5}):([^:]*?)(?:\((\d+)\))?:([^@]*)@([^:]*):\[(\d+)\]:([A-Z0-9]+):\s*(.*)$",
        )
        .expect("static regex")
    });
    let caps = line.captures(message)?;
    let mut out = Object::default();
    let names = [
        (1, "logTime"),
        (2, "srcIp"),
        (3, "srcPort"),
        (4, "userName"),
        (5, "dbName"),
        (6, "processId"),
        (7, "logLevel"),
        (8, "message"),
    ];
    for (group, name) in names {
        if let Some(m) = caps.get(group) {
            out.insert(name, Value::str(m.as_str()));
        }
    }
    Some(out)
}
