//! The model's `Processor` union and its members, as PutTransformer takes them and
//! GetTransformer gives them back. Every member is optional here, so that a missing required
//! member is AWS's InvalidParameterException rather than a SerializationException.

use serde::{Deserialize, Serialize};

/// One processor: exactly one member is set (model `Processor`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ProcessorConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_keys: Option<Entries<AddKeyEntry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_value: Option<Entries<MoveEntry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv: Option<Csv>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_time_converter: Option<DateTimeConverter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_keys: Option<WithKeys>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grok: Option<Grok>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_to_map: Option<ListToMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower_case_string: Option<WithKeys>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_keys: Option<Entries<MoveEntry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse_cloudfront: Option<SourceOnly>,
    #[serde(default, rename = "parseJSON", skip_serializing_if = "Option::is_none")]
    pub parse_json: Option<ParseJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse_key_value: Option<ParseKeyValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse_route53: Option<SourceOnly>,
    #[serde(
        default,
        rename = "parseToOCSF",
        skip_serializing_if = "Option::is_none"
    )]
    pub parse_to_ocsf: Option<ParseToOcsf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse_postgres: Option<SourceOnly>,
    #[serde(default, rename = "parseVPC", skip_serializing_if = "Option::is_none")]
    pub parse_vpc: Option<SourceOnly>,
    #[serde(default, rename = "parseWAF", skip_serializing_if = "Option::is_none")]
    pub parse_waf: Option<SourceOnly>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rename_keys: Option<Entries<RenameEntry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_string: Option<Entries<SplitEntry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substitute_string: Option<Entries<SubstituteEntry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trim_string: Option<WithKeys>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_converter: Option<Entries<TypeEntry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper_case_string: Option<WithKeys>,
}

/// `{ "entries": [...] }`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct Entries<T> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entries: Option<Vec<T>>,
}

/// `{ "withKeys": [...] }`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct WithKeys {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_keys: Option<Vec<String>>,
}

/// `{ "source": ... }`: the vended-log parsers.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct SourceOnly {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

macro_rules! shape {
    ($(#[$doc:meta])* $name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
        #[serde(rename_all = "camelCase")]
        #[allow(missing_docs)]
        pub struct $name {
            $(
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }
    };
}

shape!(
    /// An addKeys entry.
    AddKeyEntry { key: String, value: String, overwrite_if_exists: bool }
);
shape!(
    /// A copyValue or moveKeys entry.
    MoveEntry { source: String, target: String, overwrite_if_exists: bool }
);
shape!(
    /// A renameKeys entry.
    RenameEntry { key: String, rename_to: String, overwrite_if_exists: bool }
);
shape!(
    /// A splitString entry.
    SplitEntry { source: String, delimiter: String }
);
shape!(
    /// A substituteString entry.
    SubstituteEntry { source: String, from: String, to: String }
);
shape!(
    /// A typeConverter entry.
    TypeEntry { key: String, r#type: String }
);
shape!(
    /// The csv processor.
    Csv { quote_character: String, delimiter: String, columns: Vec<String>, source: String, destination: String }
);
shape!(
    /// The dateTimeConverter processor.
    DateTimeConverter {
        source: String, target: String, target_format: String, match_patterns: Vec<String>,
        source_timezone: String, target_timezone: String, locale: String,
    }
);
shape!(
    /// The grok processor.
    Grok { source: String, r#match: String }
);
shape!(
    /// The listToMap processor.
    ListToMap {
        source: String, key: String, value_key: String, target: String, flatten: bool,
        flattened_element: String,
    }
);
shape!(
    /// The parseJSON processor.
    ParseJson { source: String, destination: String }
);
shape!(
    /// The parseKeyValue processor.
    ParseKeyValue {
        source: String, destination: String, field_delimiter: String,
        key_value_delimiter: String, key_prefix: String, non_match_value: String,
        overwrite_if_exists: bool,
    }
);
shape!(
    /// The parseToOCSF processor.
    ParseToOcsf { source: String, event_source: String, ocsf_version: String, mapping_version: String }
);
