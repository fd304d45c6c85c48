//! Log transformers: the processors of PutTransformer / TestTransformer, pure (no store, no
//! HTTP). [`Transformer::compile`] checks a configuration as AWS does (CloudWatch Logs user
//! guide, "Create and manage log transformers": the first processor is a parser, at most five
//! parsers, one grok, one vended-log parser and only first) and [`Transformer::apply`] runs
//! the pipeline on one message.
//!
//! The event starts as its raw message, readable as `@message`; a parser's output becomes the
//! event's fields (or goes under `destination`). Keys are dotted paths into nested objects.
//! A processor whose source key is absent does nothing; a parser that cannot parse its input,
//! or a conversion that cannot convert, fails the event (AWS then keeps the original message
//! and adds `@transformationError`).

pub mod config;
pub(crate) mod datetime;
mod grok;
mod ocsf;
#[cfg(test)]
mod tests;
mod value;
mod vended;

use regex::Regex;

use crate::limits::MAX_TRANSFORMER_PROCESSORS as MAX_PROCESSORS;
use crate::timezone::Zone;

use config::{Entries, ProcessorConfig};
use value::{Object, Value};
use vended::Vended;

/// The most parser-type processors in a transformer (user guide).
const MAX_PARSERS: usize = 5;

/// Where an event came from, for copyValue's metadata keys.
#[derive(Debug, Clone, Default)]
pub struct Metadata<'a> {
    /// The log group's name.
    pub log_group: &'a str,
    /// The log stream's name.
    pub log_stream: &'a str,
    /// The account id.
    pub account_id: &'a str,
    /// The region name.
    pub region: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Lower,
    Upper,
    Trim,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Boolean,
    Integer,
    Double,
    String,
}

#[derive(Debug, Clone)]
struct Move {
    source: String,
    target: String,
    overwrite: bool,
}

#[derive(Debug, Clone)]
enum Step {
    ParseJson {
        source: String,
        destination: Option<String>,
    },
    ParseKeyValue {
        source: String,
        destination: Option<String>,
        field_delimiter: String,
        key_value_delimiter: String,
        key_prefix: String,
        non_match_value: Option<String>,
        overwrite: bool,
    },
    Csv {
        source: String,
        destination: Option<String>,
        quote: char,
        delimiter: String,
        columns: Vec<String>,
    },
    Grok {
        source: String,
        pattern: grok::Grok,
    },
    Vended(Vended),
    Ocsf {
        source: String,
        convert: ocsf::Ocsf,
    },
    AddKeys(Vec<(String, String, bool)>),
    DeleteKeys(Vec<String>),
    CopyValue(Vec<Move>),
    MoveKeys(Vec<Move>),
    RenameKeys(Vec<Move>),
    ListToMap {
        source: String,
        key: String,
        value_key: Option<String>,
        target: Option<String>,
        flatten: Option<bool>,
    },
    Case(Case, Vec<String>),
    Split(Vec<(String, String)>),
    Substitute(Vec<(String, Regex, String)>),
    Convert(Vec<(String, Kind)>),
    DateTime {
        source: String,
        target: String,
        format: datetime::Pattern,
        patterns: Vec<datetime::Pattern>,
        source_zone: Zone,
        target_zone: Zone,
    },
}

impl Step {
    fn is_parser(&self) -> bool {
        matches!(
            self,
            Step::ParseJson { .. }
                | Step::ParseKeyValue { .. }
                | Step::Csv { .. }
                | Step::Grok { .. }
                | Step::Vended(_)
                | Step::Ocsf { .. }
        )
    }
}

/// A checked, compiled transformer.
#[derive(Debug, Clone)]
pub struct Transformer {
    steps: Vec<Step>,
}

/// Why a configuration is refused: AWS answers InvalidParameterException with the text.
pub type ConfigError = String;

fn bad(processor: &str, what: &str) -> ConfigError {
    format!("Invalid {processor} processor: {what}")
}

fn required<'a, T>(
    value: &'a Option<T>,
    processor: &str,
    member: &str,
) -> Result<&'a T, ConfigError> {
    value
        .as_ref()
        .ok_or_else(|| bad(processor, &format!("{member} is required.")))
}

/// Checks a member's length (characters) against the model's bounds.
fn bounded<'a>(
    value: &'a str,
    processor: &str,
    member: &str,
    max: usize,
) -> Result<&'a str, ConfigError> {
    let n = value.chars().count();
    if n == 0 || n > max {
        return Err(bad(
            processor,
            &format!("{member} must be between 1 and {max} characters."),
        ));
    }
    Ok(value)
}

fn key(value: &Option<String>, processor: &str, member: &str) -> Result<String, ConfigError> {
    Ok(bounded(required(value, processor, member)?, processor, member, 128)?.to_owned())
}

fn optional_key(
    value: &Option<String>,
    processor: &str,
    member: &str,
) -> Result<Option<String>, ConfigError> {
    value
        .as_deref()
        .map(|v| bounded(v, processor, member, 128).map(str::to_owned))
        .transpose()
}

fn entries<'a, T>(
    list: &'a Entries<T>,
    processor: &str,
    max: usize,
) -> Result<&'a [T], ConfigError> {
    let items = required(&list.entries, processor, "entries")?;
    if items.is_empty() || items.len() > max {
        return Err(bad(
            processor,
            &format!("entries must hold between 1 and {max} items."),
        ));
    }
    Ok(items)
}

fn with_keys(
    keys: &config::WithKeys,
    processor: &str,
    max: usize,
) -> Result<Vec<String>, ConfigError> {
    let items = required(&keys.with_keys, processor, "withKeys")?;
    if items.is_empty() || items.len() > max {
        return Err(bad(
            processor,
            &format!("withKeys must hold between 1 and {max} items."),
        ));
    }
    if items.iter().any(String::is_empty) {
        return Err(bad(processor, "a key in withKeys cannot be empty."));
    }
    Ok(items.clone())
}

fn moves(list: &Entries<config::MoveEntry>, processor: &str) -> Result<Vec<Move>, ConfigError> {
    entries(list, processor, 5)?
        .iter()
        .map(|e| {
            Ok(Move {
                source: key(&e.source, processor, "source")?,
                target: key(&e.target, processor, "target")?,
                overwrite: e.overwrite_if_exists.unwrap_or(false),
            })
        })
        .collect()
}

/// A parser's `source`, `@message` when omitted.
fn source(value: &Option<String>, processor: &str) -> Result<String, ConfigError> {
    Ok(optional_key(value, processor, "source")?.unwrap_or_else(|| "@message".into()))
}

fn compile_one(p: &ProcessorConfig) -> Result<Step, ConfigError> {
    let set = [
        p.add_keys.is_some(),
        p.copy_value.is_some(),
        p.csv.is_some(),
        p.date_time_converter.is_some(),
        p.delete_keys.is_some(),
        p.grok.is_some(),
        p.list_to_map.is_some(),
        p.lower_case_string.is_some(),
        p.move_keys.is_some(),
        p.parse_cloudfront.is_some(),
        p.parse_json.is_some(),
        p.parse_key_value.is_some(),
        p.parse_route53.is_some(),
        p.parse_to_ocsf.is_some(),
        p.parse_postgres.is_some(),
        p.parse_vpc.is_some(),
        p.parse_waf.is_some(),
        p.rename_keys.is_some(),
        p.split_string.is_some(),
        p.substitute_string.is_some(),
        p.trim_string.is_some(),
        p.type_converter.is_some(),
        p.upper_case_string.is_some(),
    ]
    .into_iter()
    .filter(|s| *s)
    .count();
    if set != 1 {
        return Err(
            "Each processor in transformerConfig must contain exactly one processor type.".into(),
        );
    }
    let vended = [
        (&p.parse_vpc, Vended::Vpc),
        (&p.parse_route53, Vended::Route53),
        (&p.parse_postgres, Vended::Postgres),
        (&p.parse_cloudfront, Vended::Cloudfront),
        (&p.parse_waf, Vended::Waf),
    ];
    for (config, kind) in vended {
        if let Some(config) = config {
            if source(&config.source, kind.name())? != "@message" {
                return Err(bad(
                    kind.name(),
                    "No other value than @message is allowed for source.",
                ));
            }
            return Ok(Step::Vended(kind));
        }
    }
    if let Some(c) = &p.parse_json {
        return Ok(Step::ParseJson {
            source: source(&c.source, "parseJSON")?,
            destination: optional_key(&c.destination, "parseJSON", "destination")?,
        });
    }
    if let Some(c) = &p.parse_key_value {
        let name = "parseKeyValue";
        return Ok(Step::ParseKeyValue {
            source: source(&c.source, name)?,
            destination: optional_key(&c.destination, name, "destination")?,
            field_delimiter: optional_key(&c.field_delimiter, name, "fieldDelimiter")?
                .unwrap_or_else(|| "&".into()),
            key_value_delimiter: optional_key(&c.key_value_delimiter, name, "keyValueDelimiter")?
                .unwrap_or_else(|| "=".into()),
            key_prefix: optional_key(&c.key_prefix, name, "keyPrefix")?.unwrap_or_default(),
            non_match_value: optional_key(&c.non_match_value, name, "nonMatchValue")?,
            overwrite: c.overwrite_if_exists.unwrap_or(false),
        });
    }
    if let Some(c) = &p.csv {
        let name = "csv";
        let quote = match c.quote_character.as_deref() {
            None => '"',
            Some(q) if q.chars().count() == 1 => q.chars().next().unwrap_or('"'),
            Some(_) => return Err(bad(name, "quoteCharacter must be exactly 1 character.")),
        };
        let delimiter = match c.delimiter.as_deref() {
            None => ",".to_owned(),
            Some("\\t") => "\t".to_owned(),
            Some(d) if (1..=2).contains(&d.chars().count()) => d.to_owned(),
            Some(_) => return Err(bad(name, "delimiter must be 1 or 2 characters.")),
        };
        let columns = c.columns.clone().unwrap_or_default();
        if columns.len() > 100 {
            return Err(bad(name, "columns can hold at most 100 items."));
        }
        for column in &columns {
            bounded(column, name, "a column", 128)?;
        }
        return Ok(Step::Csv {
            source: source(&c.source, name)?,
            destination: optional_key(&c.destination, name, "destination")?,
            quote,
            delimiter,
            columns,
        });
    }
    if let Some(c) = &p.grok {
        let pattern = bounded(required(&c.r#match, "grok", "match")?, "grok", "match", 512)?;
        return Ok(Step::Grok {
            source: source(&c.source, "grok")?,
            pattern: grok::Grok::compile(pattern).map_err(|why| bad("grok", &why))?,
        });
    }
    if let Some(c) = &p.parse_to_ocsf {
        let name = "parseToOCSF";
        let event_source = required(&c.event_source, name, "eventSource")?;
        let event_source = ocsf::Source::named(event_source).ok_or_else(|| {
            bad(
                name,
                "eventSource must be one of CloudTrail, Route53Resolver, VPCFlow, EKSAudit, AWSWAF.",
            )
        })?;
        let version = match required(&c.ocsf_version, name, "ocsfVersion")?.as_str() {
            "V1.1" => "1.1.0",
            "V1.5" => "1.5.0",
            _ => return Err(bad(name, "ocsfVersion must be V1.1 or V1.5.")),
        };
        if let Some(mapping) = &c.mapping_version {
            let ok = mapping.len() <= 10
                && (2..=3).contains(&mapping.split('.').count())
                && mapping
                    .split('.')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            if !ok {
                return Err(bad(name, "mappingVersion must look like 1.2 or 1.2.3."));
            }
        }
        return Ok(Step::Ocsf {
            source: source(&c.source, name)?,
            convert: ocsf::Ocsf {
                source: event_source,
                version,
            },
        });
    }
    if let Some(c) = &p.add_keys {
        let items = entries(c, "addKeys", 5)?;
        return items
            .iter()
            .map(|e| {
                let value = required(&e.value, "addKeys", "value")?;
                bounded(value, "addKeys", "value", 256)?;
                Ok((
                    key(&e.key, "addKeys", "key")?,
                    value.clone(),
                    e.overwrite_if_exists.unwrap_or(false),
                ))
            })
            .collect::<Result<_, _>>()
            .map(Step::AddKeys);
    }
    if let Some(c) = &p.delete_keys {
        return with_keys(c, "deleteKeys", 5).map(Step::DeleteKeys);
    }
    if let Some(c) = &p.copy_value {
        return moves(c, "copyValue").map(Step::CopyValue);
    }
    if let Some(c) = &p.move_keys {
        return moves(c, "moveKeys").map(Step::MoveKeys);
    }
    if let Some(c) = &p.rename_keys {
        let items = entries(c, "renameKeys", 5)?;
        return items
            .iter()
            .map(|e| {
                Ok(Move {
                    source: key(&e.key, "renameKeys", "key")?,
                    target: key(&e.rename_to, "renameKeys", "renameTo")?,
                    overwrite: e.overwrite_if_exists.unwrap_or(false),
                })
            })
            .collect::<Result<_, _>>()
            .map(Step::RenameKeys);
    }
    if let Some(c) = &p.list_to_map {
        let name = "listToMap";
        let flattened = match c.flattened_element.as_deref() {
            None => None,
            Some("first") => Some(true),
            Some("last") => Some(false),
            Some(_) => return Err(bad(name, "flattenedElement must be first or last.")),
        };
        let flatten = c.flatten.unwrap_or(false);
        if flatten && flattened.is_none() {
            return Err(bad(
                name,
                "flattenedElement is required when flatten is true.",
            ));
        }
        return Ok(Step::ListToMap {
            source: key(&c.source, name, "source")?,
            key: key(&c.key, name, "key")?,
            value_key: optional_key(&c.value_key, name, "valueKey")?,
            target: optional_key(&c.target, name, "target")?,
            flatten: if flatten { flattened } else { None },
        });
    }
    for (config, case, name) in [
        (&p.lower_case_string, Case::Lower, "lowerCaseString"),
        (&p.upper_case_string, Case::Upper, "upperCaseString"),
        (&p.trim_string, Case::Trim, "trimString"),
    ] {
        if let Some(c) = config {
            return with_keys(c, name, 10).map(|keys| Step::Case(case, keys));
        }
    }
    if let Some(c) = &p.split_string {
        let items = entries(c, "splitString", 10)?;
        return items
            .iter()
            .map(|e| {
                let delimiter = required(&e.delimiter, "splitString", "delimiter")?;
                bounded(delimiter, "splitString", "delimiter", 128)?;
                Ok((key(&e.source, "splitString", "source")?, delimiter.clone()))
            })
            .collect::<Result<_, _>>()
            .map(Step::Split);
    }
    if let Some(c) = &p.substitute_string {
        let name = "substituteString";
        let items = entries(c, name, 10)?;
        return items
            .iter()
            .map(|e| {
                let from = bounded(required(&e.from, name, "from")?, name, "from", 128)?;
                let to = bounded(required(&e.to, name, "to")?, name, "to", 128)?;
                let regex = Regex::new(from).map_err(|_| {
                    bad(
                        name,
                        &format!("from is not a valid regular expression: {from}"),
                    )
                })?;
                Ok((key(&e.source, name, "source")?, regex, to.to_owned()))
            })
            .collect::<Result<_, _>>()
            .map(Step::Substitute);
    }
    if let Some(c) = &p.type_converter {
        let name = "typeConverter";
        let items = entries(c, name, 5)?;
        return items
            .iter()
            .map(|e| {
                let kind = match required(&e.r#type, name, "type")?.as_str() {
                    "boolean" => Kind::Boolean,
                    "integer" => Kind::Integer,
                    "double" => Kind::Double,
                    "string" => Kind::String,
                    _ => {
                        return Err(bad(
                            name,
                            "type must be one of boolean, integer, double, string.",
                        ))
                    }
                };
                Ok((key(&e.key, name, "key")?, kind))
            })
            .collect::<Result<_, _>>()
            .map(Step::Convert);
    }
    if let Some(c) = &p.date_time_converter {
        let name = "dateTimeConverter";
        let patterns = required(&c.match_patterns, name, "matchPatterns")?;
        if patterns.is_empty() || patterns.len() > 5 {
            return Err(bad(name, "matchPatterns must hold between 1 and 5 items."));
        }
        let zone = |z: &Option<String>, member: &str| -> Result<Zone, ConfigError> {
            match z.as_deref() {
                None => Ok(Zone::UTC),
                Some(z) => Zone::named(z).ok_or_else(|| {
                    bad(name, &format!("{member} {z} is not a supported time zone."))
                }),
            }
        };
        if let Some(format) = &c.target_format {
            bounded(format, name, "targetFormat", 64)?;
        }
        return Ok(Step::DateTime {
            source: key(&c.source, name, "source")?,
            target: key(&c.target, name, "target")?,
            format: datetime::Pattern::compile(
                c.target_format
                    .as_deref()
                    .unwrap_or(datetime::DEFAULT_TARGET_FORMAT),
            )
            .map_err(|why| bad(name, &why))?,
            patterns: patterns
                .iter()
                .map(|p| datetime::Pattern::compile(p).map_err(|why| bad(name, &why)))
                .collect::<Result<_, _>>()?,
            source_zone: zone(&c.source_timezone, "sourceTimezone")?,
            target_zone: zone(&c.target_timezone, "targetTimezone")?,
        });
    }
    Err("Each processor in transformerConfig must contain exactly one processor type.".into())
}

impl Transformer {
    /// Checks and compiles a transformer configuration.
    pub fn compile(config: &[ProcessorConfig]) -> Result<Self, ConfigError> {
        if config.is_empty() || config.len() > MAX_PROCESSORS {
            return Err(format!(
                "transformerConfig must hold between 1 and {MAX_PROCESSORS} processors."
            ));
        }
        let steps: Vec<Step> = config.iter().map(compile_one).collect::<Result<_, _>>()?;
        if !steps[0].is_parser() {
            return Err("The first processor in a transformer must be a parser.".into());
        }
        if steps.iter().filter(|s| s.is_parser()).count() > MAX_PARSERS {
            return Err(format!(
                "A transformer can include at most {MAX_PARSERS} parser-type processors."
            ));
        }
        if steps
            .iter()
            .filter(|s| matches!(s, Step::Grok { .. }))
            .count()
            > 1
        {
            return Err("A transformer can include only one grok processor.".into());
        }
        let vended = steps
            .iter()
            .filter(|s| matches!(s, Step::Vended(_)))
            .count();
        if vended > 1 || (vended == 1 && !matches!(steps[0], Step::Vended(_))) {
            return Err("A parser for AWS vended logs must be the first processor, and a transformer can include only one.".into());
        }
        Ok(Self { steps })
    }

    /// Runs the pipeline on `message`: the transformed message, or why it failed.
    pub fn apply(&self, message: &str, meta: &Metadata<'_>) -> Result<String, String> {
        let mut event = Event {
            raw: message,
            fields: Object::default(),
            meta,
        };
        for step in &self.steps {
            event.run(step)?;
        }
        Ok(Value::Object(event.fields).to_json())
    }
}

struct Event<'m> {
    raw: &'m str,
    fields: Object,
    meta: &'m Metadata<'m>,
}

impl Event<'_> {
    /// The text at `source` (`@message` is the raw message unless a field has that name).
    fn text(&self, source: &str) -> Option<String> {
        match self.fields.path(source) {
            Some(v) => Some(v.as_text()),
            None if source == "@message" => Some(self.raw.to_owned()),
            None => None,
        }
    }

    fn metadata(&self, key: &str) -> Option<Value> {
        let value = match key {
            "@logGroupName" => self.meta.log_group,
            "@logGroupStream" => self.meta.log_stream,
            "@accountId" => self.meta.account_id,
            "@regionName" => self.meta.region,
            _ => return None,
        };
        Some(Value::str(value))
    }

    /// Puts a parser's output in place: under `destination`, or merged into the event.
    fn store(&mut self, parsed: Object, destination: Option<&String>) {
        match destination {
            Some(dest) => self.fields.set_path(dest, Value::Object(parsed)),
            None => {
                for (k, v) in parsed.0 {
                    self.fields.insert(&k, v);
                }
            }
        }
    }

    fn set(&mut self, target: &str, value: Value, overwrite: bool) {
        if overwrite || !self.fields.has(target) {
            self.fields.set_path(target, value);
        }
    }

    fn run(&mut self, step: &Step) -> Result<(), String> {
        match step {
            Step::ParseJson {
                source,
                destination,
            } => {
                let Some(text) = self.text(source) else {
                    return Ok(());
                };
                match Value::parse(&text) {
                    Some(Value::Object(parsed)) => self.store(parsed, destination.as_ref()),
                    Some(other) => match destination {
                        Some(dest) => self.fields.set_path(dest, other),
                        None => return Err("parseJSON: the source is not a JSON object.".into()),
                    },
                    None => return Err("parseJSON: the source is not valid JSON.".into()),
                }
            }
            Step::ParseKeyValue {
                source,
                destination,
                field_delimiter,
                key_value_delimiter,
                key_prefix,
                non_match_value,
                overwrite,
            } => {
                let Some(text) = self.text(source) else {
                    return Ok(());
                };
                let mut parsed = Object::default();
                for pair in text.split(field_delimiter.as_str()) {
                    match pair.split_once(key_value_delimiter.as_str()) {
                        Some((k, v)) if !k.is_empty() => {
                            parsed.insert(&format!("{key_prefix}{k}"), Value::str(v));
                        }
                        _ => {
                            if let (Some(nm), false) = (non_match_value, pair.is_empty()) {
                                parsed.insert(&format!("{key_prefix}{pair}"), Value::str(nm));
                            }
                        }
                    }
                }
                match destination {
                    Some(dest) => self.fields.set_path(dest, Value::Object(parsed)),
                    None => {
                        for (k, v) in parsed.0 {
                            if *overwrite || self.fields.get(&k).is_none() {
                                self.fields.insert(&k, v);
                            }
                        }
                    }
                }
            }
            Step::Csv {
                source,
                destination,
                quote,
                delimiter,
                columns,
            } => {
                let Some(text) = self.text(source) else {
                    return Ok(());
                };
                let values = split_csv(&text, delimiter, *quote);
                let mut parsed = Object::default();
                for (i, v) in values.into_iter().enumerate() {
                    let name = columns
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| format!("column_{}", i + 1));
                    parsed.insert(&name, Value::String(v));
                }
                self.store(parsed, destination.as_ref());
            }
            Step::Grok { source, pattern } => {
                let Some(text) = self.text(source) else {
                    return Ok(());
                };
                let parsed = pattern
                    .captures(&text)
                    .ok_or_else(|| "grok: the pattern does not match the log event.".to_owned())?;
                self.store(parsed, None);
            }
            Step::Vended(kind) => {
                let parsed = kind.parse(self.raw)?;
                self.store(parsed, None);
            }
            Step::Ocsf { source, convert } => {
                let Some(text) = self.text(source) else {
                    return Ok(());
                };
                let parsed = convert.convert(&text)?;
                self.store(parsed, None);
            }
            Step::AddKeys(entries) => {
                for (k, v, overwrite) in entries {
                    self.set(k, Value::str(v.as_str()), *overwrite);
                }
            }
            Step::DeleteKeys(keys) => {
                for k in keys {
                    self.fields.remove_path(k);
                }
            }
            Step::CopyValue(entries) => {
                for m in entries {
                    let value = self
                        .fields
                        .path(&m.source)
                        .cloned()
                        .or_else(|| self.metadata(&m.source));
                    if let Some(value) = value {
                        self.set(&m.target, value, m.overwrite);
                    }
                }
            }
            Step::MoveKeys(entries) | Step::RenameKeys(entries) => {
                for m in entries {
                    if !self.fields.has(&m.source) || (!m.overwrite && self.fields.has(&m.target)) {
                        continue;
                    }
                    if let Some(value) = self.fields.remove_path(&m.source) {
                        self.fields.set_path(&m.target, value);
                    }
                }
            }
            Step::ListToMap {
                source,
                key,
                value_key,
                target,
                flatten,
            } => {
                let Some(Value::Array(items)) = self.fields.path(source).cloned() else {
                    return Ok(());
                };
                let mut map = Object::default();
                for item in items {
                    let Value::Object(object) = &item else {
                        continue;
                    };
                    let Some(k) = object.get(key).map(Value::as_text) else {
                        continue;
                    };
                    let value = match value_key {
                        Some(vk) => match object.get(vk) {
                            Some(v) => v.clone(),
                            None => continue,
                        },
                        None => item.clone(),
                    };
                    match flatten {
                        Some(first) => {
                            if !*first || map.get(&k).is_none() {
                                map.insert(&k, value);
                            }
                        }
                        None => {
                            let mut list = match map.get(&k) {
                                Some(Value::Array(list)) => list.clone(),
                                _ => Vec::new(),
                            };
                            list.push(value);
                            map.insert(&k, Value::Array(list));
                        }
                    }
                }
                match target {
                    Some(t) => self.fields.set_path(t, Value::Object(map)),
                    None => {
                        for (k, v) in map.0 {
                            self.fields.insert(&k, v);
                        }
                    }
                }
            }
            Step::Case(case, keys) => {
                for k in keys {
                    if let Some(Value::String(s)) = self.fields.path_mut(k) {
                        *s = match case {
                            Case::Lower => s.to_lowercase(),
                            Case::Upper => s.to_uppercase(),
                            Case::Trim => s.trim().to_owned(),
                        };
                    }
                }
            }
            Step::Split(entries) => {
                for (source, delimiter) in entries {
                    if let Some(slot) = self.fields.path_mut(source) {
                        if let Value::String(s) = slot {
                            let parts = s.split(delimiter.as_str()).map(Value::str).collect();
                            *slot = Value::Array(parts);
                        }
                    }
                }
            }
            Step::Substitute(entries) => {
                for (source, from, to) in entries {
                    if let Some(Value::String(s)) = self.fields.path_mut(source) {
                        *s = from.replace_all(s, to.as_str()).into_owned();
                    }
                }
            }
            Step::Convert(entries) => {
                for (k, kind) in entries {
                    let Some(slot) = self.fields.path_mut(k) else {
                        continue;
                    };
                    *slot = convert(slot, *kind).ok_or_else(|| {
                        format!("typeConverter: the value of {k} cannot be converted.")
                    })?;
                }
            }
            Step::DateTime {
                source,
                target,
                format,
                patterns,
                source_zone,
                target_zone,
            } => {
                let Some(text) = self.fields.path(source).map(Value::as_text) else {
                    return Ok(());
                };
                let millis = patterns
                    .iter()
                    .find_map(|p| p.parse(&text, source_zone))
                    .ok_or_else(|| {
                        format!("dateTimeConverter: {text} matches none of matchPatterns.")
                    })?;
                self.fields
                    .set_path(target, Value::String(format.format(millis, target_zone)));
            }
        }
        Ok(())
    }
}

fn convert(value: &Value, kind: Kind) -> Option<Value> {
    let text = value.as_text();
    let text = text.trim();
    Some(match kind {
        Kind::String => Value::String(value.as_text()),
        Kind::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return None,
        },
        Kind::Integer => Value::Number(text.parse::<i64>().ok()?.into()),
        Kind::Double => Value::Number(serde_json::Number::from_f64(text.parse::<f64>().ok()?)?),
    })
}

/// Splits one CSV line: `quote` quotes a value (a doubled quote inside is one quote).
fn split_csv(line: &str, delimiter: &str, quote: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if quoted {
            if c == quote {
                if rest[c.len_utf8()..].starts_with(quote) {
                    current.push(quote);
                    rest = &rest[2 * c.len_utf8()..];
                    continue;
                }
                quoted = false;
            } else {
                current.push(c);
            }
            rest = &rest[c.len_utf8()..];
        } else if rest.starts_with(delimiter) {
            out.push(std::mem::take(&mut current));
            rest = &rest[delimiter.len()..];
        } else {
            if c == quote {
                quoted = true;
            } else {
                current.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    out.push(current);
    out
}

/// Whether the JSON object `message` has a value at the dotted `path` (field index
/// discovery reads events this way).
pub fn has_json_field(message: &str, path: &str) -> bool {
    match Value::parse(message) {
        Some(Value::Object(object)) => object.path(path).is_some_and(|v| !matches!(v, Value::Null)),
        _ => false,
    }
}
