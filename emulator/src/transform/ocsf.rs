//! parseToOCSF: an AWS service's log record as an Open Cybersecurity Schema Framework event.
//!
//! AWS documents the processor's parameters (user guide, "parseToOCSF") but no example output.
//! The mapping here follows the OCSF classes of each source as the OCSF schema defines them
//! (API Activity 6003 for CloudTrail and EKS audit, Network Activity 4001 for VPC flow logs,
//! DNS Activity 4003 for Route 53 Resolver query logs, HTTP Activity 4002 for WAF) and fills
//! the class's core attributes: `class_uid`, `category_uid`, `activity_id`, `type_uid`,
//! `time`, `severity_id`, `status`, `metadata`, `cloud`, the endpoints and the source's own
//! fields. Fields the class has no place for go under `unmapped`, as OCSF prescribes.

use super::value::{Object, Value};
use super::vended::Vended;

/// The services parseToOCSF reads (the model's `EventSource` enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    CloudTrail,
    Route53Resolver,
    VpcFlow,
    EksAudit,
    Waf,
}

impl Source {
    /// The model's spelling.
    pub fn named(name: &str) -> Option<Self> {
        Some(match name {
            "CloudTrail" => Self::CloudTrail,
            "Route53Resolver" => Self::Route53Resolver,
            "VPCFlow" => Self::VpcFlow,
            "EKSAudit" => Self::EksAudit,
            "AWSWAF" => Self::Waf,
            _ => return None,
        })
    }
}

/// A compiled parseToOCSF.
#[derive(Debug, Clone)]
pub struct Ocsf {
    /// The service the records come from.
    pub source: Source,
    /// `1.1.0` or `1.5.0`, from `ocsfVersion`.
    pub version: &'static str,
}

fn num(n: i64) -> Value {
    Value::Number(n.into())
}

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    let mut o = Object::default();
    for (k, v) in pairs {
        if !is_empty(&v) {
            o.insert(k, v);
        }
    }
    Value::Object(o)
}

/// An absent value or an object with nothing in it: left out of the event.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(o) => o.0.is_empty(),
        _ => false,
    }
}

/// The text at `path`, as a value (`Null`, left out, when absent).
fn text(record: &Object, path: &str) -> Value {
    record
        .path(path)
        .map_or(Value::Null, |v| Value::String(v.as_text()))
}

fn integer(record: &Object, path: &str) -> Value {
    record
        .path(path)
        .and_then(|v| v.as_text().trim().parse::<i64>().ok())
        .map_or(Value::Null, num)
}

/// Epoch milliseconds of an RFC 3339 time (`2024-01-02T03:04:05Z`).
fn rfc3339_millis(value: Option<&Value>) -> Option<i64> {
    let text = value?.as_text();
    let ts: jiff::Timestamp = text.parse().ok()?;
    Some(ts.as_millisecond())
}

impl Ocsf {
    /// Converts one record (the text at the processor's source) to an OCSF event.
    pub fn convert(&self, input: &str) -> Result<Object, String> {
        let record = match self.source {
            Source::VpcFlow => Vended::Vpc.parse(input)?,
            _ => match Value::parse(input) {
                Some(Value::Object(o)) => o,
                _ => {
                    return Err(
                        "parseToOCSF: the log event is not a JSON record of its source.".into(),
                    )
                }
            },
        };
        let (class_uid, category_uid, activity_id, time, mut fields) = match self.source {
            Source::CloudTrail => self.cloudtrail(&record)?,
            Source::EksAudit => self.eks_audit(&record)?,
            Source::VpcFlow => self.vpc_flow(&record)?,
            Source::Route53Resolver => self.route53(&record)?,
            Source::Waf => self.waf(&record)?,
        };
        let mut event = Object::default();
        event.insert("class_uid", num(class_uid));
        event.insert("category_uid", num(category_uid));
        event.insert("activity_id", num(activity_id));
        event.insert("type_uid", num(class_uid * 100 + activity_id));
        event.insert("severity_id", num(1));
        event.insert("time", num(time));
        for (k, v) in fields.0.drain(..) {
            if !is_empty(&v) {
                event.insert(&k, v);
            }
        }
        Ok(event)
    }

    fn metadata(&self, product: &str, uid: Value) -> Value {
        obj(vec![
            ("version", Value::str(self.version)),
            (
                "product",
                obj(vec![
                    ("name", Value::str(product)),
                    ("vendor_name", Value::str("AWS")),
                ]),
            ),
            ("uid", uid),
        ])
    }

    fn cloudtrail(&self, r: &Object) -> Conversion {
        let name = r
            .get("eventName")
            .map(Value::as_text)
            .ok_or("parseToOCSF: the CloudTrail record has no eventName.")?;
        let time = rfc3339_millis(r.get("eventTime"))
            .ok_or("parseToOCSF: the CloudTrail record has no valid eventTime.")?;
        let failed = r.has("errorCode");
        let mut out = Object::default();
        out.insert("metadata", self.metadata("CloudTrail", text(r, "eventID")));
        out.insert(
            "api",
            obj(vec![
                ("operation", Value::str(name.as_str())),
                ("service", obj(vec![("name", text(r, "eventSource"))])),
                ("request", obj(vec![("uid", text(r, "requestID"))])),
                (
                    "response",
                    if failed {
                        obj(vec![
                            ("error", text(r, "errorCode")),
                            ("message", text(r, "errorMessage")),
                        ])
                    } else {
                        Value::Null
                    },
                ),
            ]),
        );
        out.insert(
            "actor",
            obj(vec![(
                "user",
                obj(vec![
                    ("type", text(r, "userIdentity.type")),
                    ("uid", text(r, "userIdentity.principalId")),
                    ("uid_alt", text(r, "userIdentity.arn")),
                    ("credential_uid", text(r, "userIdentity.accessKeyId")),
                    (
                        "account",
                        obj(vec![("uid", text(r, "userIdentity.accountId"))]),
                    ),
                ]),
            )]),
        );
        out.insert(
            "src_endpoint",
            obj(vec![("ip", text(r, "sourceIPAddress"))]),
        );
        out.insert(
            "http_request",
            obj(vec![("user_agent", text(r, "userAgent"))]),
        );
        out.insert("cloud", cloud(r, "awsRegion", "recipientAccountId"));
        status(&mut out, !failed);
        Ok((6003, 6, api_activity(&name), time, out))
    }

    fn eks_audit(&self, r: &Object) -> Conversion {
        let verb = r
            .get("verb")
            .map(Value::as_text)
            .ok_or("parseToOCSF: the EKS audit record has no verb.")?;
        let time = rfc3339_millis(r.get("requestReceivedTimestamp"))
            .or_else(|| rfc3339_millis(r.get("stageTimestamp")))
            .ok_or("parseToOCSF: the EKS audit record has no valid requestReceivedTimestamp.")?;
        let activity = match verb.as_str() {
            "create" => 1,
            "get" | "list" | "watch" => 2,
            "update" | "patch" => 3,
            "delete" | "deletecollection" => 4,
            _ => 99,
        };
        let code = r
            .path("responseStatus.code")
            .and_then(|c| c.as_text().parse::<i64>().ok());
        let mut out = Object::default();
        out.insert("metadata", self.metadata("Amazon EKS", text(r, "auditID")));
        out.insert(
            "api",
            obj(vec![
                ("operation", Value::str(verb.as_str())),
                ("request", obj(vec![("uid", text(r, "auditID"))])),
                (
                    "response",
                    obj(vec![("code", code.map_or(Value::Null, num))]),
                ),
            ]),
        );
        out.insert(
            "actor",
            obj(vec![(
                "user",
                obj(vec![
                    ("name", text(r, "user.username")),
                    ("uid", text(r, "user.uid")),
                ]),
            )]),
        );
        let src_ip = r
            .path("sourceIPs")
            .and_then(|ips| match ips {
                Value::Array(ips) => ips.first().map(Value::as_text),
                _ => None,
            })
            .map_or(Value::Null, Value::String);
        out.insert("src_endpoint", obj(vec![("ip", src_ip)]));
        out.insert(
            "http_request",
            obj(vec![
                ("user_agent", text(r, "userAgent")),
                ("url", obj(vec![("path", text(r, "requestURI"))])),
            ]),
        );
        out.insert(
            "resources",
            Value::Array(vec![obj(vec![
                ("type", text(r, "objectRef.resource")),
                ("name", text(r, "objectRef.name")),
                ("namespace", text(r, "objectRef.namespace")),
            ])]),
        );
        status(&mut out, code.is_none_or(|c| c < 400));
        Ok((6003, 6, activity, time, out))
    }

    fn vpc_flow(&self, r: &Object) -> Conversion {
        let end = r
            .get("end")
            .and_then(|v| v.as_text().parse::<i64>().ok())
            .ok_or("parseToOCSF: the VPC flow log record has no end time.")?;
        let action = r.get("action").map(Value::as_text).unwrap_or_default();
        let mut out = Object::default();
        out.insert("metadata", self.metadata("Amazon VPC", Value::Null));
        out.insert(
            "src_endpoint",
            obj(vec![
                ("ip", text(r, "srcaddr")),
                ("port", integer(r, "srcport")),
                ("interface_uid", text(r, "interface_id")),
            ]),
        );
        out.insert(
            "dst_endpoint",
            obj(vec![
                ("ip", text(r, "dstaddr")),
                ("port", integer(r, "dstport")),
            ]),
        );
        out.insert(
            "connection_info",
            obj(vec![("protocol_num", integer(r, "protocol"))]),
        );
        out.insert(
            "traffic",
            obj(vec![
                ("packets", integer(r, "packets")),
                ("bytes", integer(r, "bytes")),
            ]),
        );
        out.insert(
            "start_time",
            r.get("start")
                .and_then(|v| v.as_text().parse::<i64>().ok())
                .map_or(Value::Null, |s| num(s * 1000)),
        );
        out.insert("end_time", num(end * 1000));
        let (action_id, name) = match action.as_str() {
            "ACCEPT" => (1, "Allowed"),
            "REJECT" => (2, "Denied"),
            _ => (0, "Unknown"),
        };
        out.insert("action_id", num(action_id));
        out.insert("action", Value::str(name));
        out.insert("disposition_id", num(action_id));
        out.insert(
            "cloud",
            obj(vec![
                ("provider", Value::str("AWS")),
                ("account", obj(vec![("uid", text(r, "account_id"))])),
            ]),
        );
        out.insert(
            "unmapped",
            obj(vec![
                ("version", text(r, "version")),
                ("log_status", text(r, "log_status")),
            ]),
        );
        // Activity 6, Traffic: a flow record reports traffic over an interval.
        Ok((4001, 4, 6, end * 1000, out))
    }

    fn route53(&self, r: &Object) -> Conversion {
        let time = rfc3339_millis(r.get("query_timestamp"))
            .ok_or("parseToOCSF: the Route 53 Resolver record has no valid query_timestamp.")?;
        let rcode = r.get("rcode").map(Value::as_text);
        let mut out = Object::default();
        out.insert("metadata", self.metadata("Route 53", Value::Null));
        out.insert(
            "query",
            obj(vec![
                ("hostname", text(r, "query_name")),
                ("type", text(r, "query_type")),
                ("class", text(r, "query_class")),
            ]),
        );
        out.insert("rcode", rcode.clone().map_or(Value::Null, Value::String));
        out.insert(
            "answers",
            match r.get("answers") {
                Some(Value::Array(answers)) => Value::Array(
                    answers
                        .iter()
                        .filter_map(|a| match a {
                            Value::Object(a) => Some(obj(vec![
                                ("rdata", text(a, "Rdata")),
                                ("type", text(a, "Type")),
                                ("class", text(a, "Class")),
                            ])),
                            _ => None,
                        })
                        .collect(),
                ),
                _ => Value::Null,
            },
        );
        out.insert(
            "src_endpoint",
            obj(vec![
                ("ip", text(r, "srcaddr")),
                ("port", integer(r, "srcport")),
                ("vpc_uid", text(r, "vpc_id")),
                ("instance_uid", text(r, "srcids.instance")),
            ]),
        );
        out.insert(
            "connection_info",
            obj(vec![("protocol_name", text(r, "transport"))]),
        );
        out.insert("cloud", cloud(r, "region", "account_id"));
        status(&mut out, rcode.as_deref().is_none_or(|c| c == "NOERROR"));
        // Activity 2, Response: a query log record holds the resolver's answer.
        Ok((4003, 4, 2, time, out))
    }

    fn waf(&self, r: &Object) -> Conversion {
        let time = r
            .get("timestamp")
            .and_then(|t| t.as_text().parse::<i64>().ok())
            .ok_or("parseToOCSF: the WAF record has no timestamp.")?;
        let method = r
            .path("httpRequest.httpMethod")
            .map(Value::as_text)
            .unwrap_or_default();
        let activity = match method.to_ascii_uppercase().as_str() {
            "CONNECT" => 1,
            "DELETE" => 2,
            "GET" => 3,
            "HEAD" => 4,
            "OPTIONS" => 5,
            "POST" => 6,
            "PUT" => 7,
            "TRACE" => 8,
            "PATCH" => 9,
            _ => 99,
        };
        let action = r.get("action").map(Value::as_text).unwrap_or_default();
        let (action_id, name) = match action.as_str() {
            "ALLOW" | "COUNT" | "CAPTCHA" | "CHALLENGE" => (1, "Allowed"),
            "BLOCK" => (2, "Denied"),
            _ => (0, "Unknown"),
        };
        let mut out = Object::default();
        out.insert(
            "metadata",
            self.metadata("AWS WAF", text(r, "httpRequest.requestId")),
        );
        out.insert(
            "http_request",
            obj(vec![
                ("http_method", Value::str(method.as_str())),
                ("version", text(r, "httpRequest.httpVersion")),
                (
                    "url",
                    obj(vec![
                        ("path", text(r, "httpRequest.uri")),
                        ("query_string", text(r, "httpRequest.args")),
                    ]),
                ),
                ("uid", text(r, "httpRequest.requestId")),
            ]),
        );
        out.insert(
            "src_endpoint",
            obj(vec![
                ("ip", text(r, "httpRequest.clientIp")),
                (
                    "location",
                    obj(vec![("country", text(r, "httpRequest.country"))]),
                ),
            ]),
        );
        out.insert(
            "firewall_rule",
            obj(vec![
                ("uid", text(r, "terminatingRuleId")),
                ("type", text(r, "terminatingRuleType")),
            ]),
        );
        out.insert("action_id", num(action_id));
        out.insert("action", Value::str(name));
        out.insert("disposition_id", num(action_id));
        out.insert("cloud", obj(vec![("provider", Value::str("AWS"))]));
        out.insert("unmapped", obj(vec![("webaclId", text(r, "webaclId"))]));
        Ok((4002, 4, activity, time, out))
    }
}

/// class, category, activity, time (epoch ms) and the class's other attributes.
type Conversion = Result<(i64, i64, i64, i64, Object), String>;

/// API Activity's activity from an operation name: Create 1, Read 2, Update 3, Delete 4,
/// Other 99.
fn api_activity(operation: &str) -> i64 {
    const PREFIXES: [(&[&str], i64); 4] = [
        (&["Create", "Add", "Run", "Start", "Register", "Import"], 1),
        (&["Get", "Describe", "List", "Lookup", "Head", "Search"], 2),
        (
            &[
                "Update",
                "Put",
                "Modify",
                "Set",
                "Change",
                "Attach",
                "Associate",
                "Enable",
                "Disable",
            ],
            3,
        ),
        (
            &[
                "Delete",
                "Remove",
                "Terminate",
                "Detach",
                "Disassociate",
                "Deregister",
            ],
            4,
        ),
    ];
    PREFIXES
        .iter()
        .find(|(prefixes, _)| prefixes.iter().any(|p| operation.starts_with(p)))
        .map_or(99, |(_, activity)| *activity)
}

fn cloud(r: &Object, region: &str, account: &str) -> Value {
    obj(vec![
        ("provider", Value::str("AWS")),
        ("region", text(r, region)),
        ("account", obj(vec![("uid", text(r, account))])),
    ])
}

fn status(out: &mut Object, success: bool) {
    let (id, name) = if success {
        (1, "Success")
    } else {
        (2, "Failure")
    };
    out.insert("status_id", num(id));
    out.insert("status", Value::str(name));
}
