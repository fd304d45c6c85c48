//! The Logs Insights query language (CWLI): an on-demand lexer and a recursive-descent parser
//! from query text to [`Query`]. Every error carries the character span it is about, for
//! MalformedQueryException's `queryCompileError.location`.
//!
//! Lexing is on demand because `/` means division after an operand and a regex where an
//! operand is expected (`like /ERROR/`, `parse @message /(?<x>\d+)/`); the parser knows which.

use regex::Regex;

/// A compile error and where it is, in characters from the start of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// What is wrong.
    pub message: String,
    /// First character of the offending text.
    pub start: usize,
    /// One past its last character.
    pub end: usize,
}

/// A parsed query: its commands in order.
#[derive(Debug, Clone)]
pub struct Query {
    /// The pipeline.
    pub commands: Vec<Command>,
    /// `SOURCE logGroups(...)`: the groups the query reads, chosen by the query itself.
    pub source: Option<Source>,
    /// `filterIndex field = v` / `field in [...]`: the indexed field and the test (which
    /// also stands in `commands` as a filter).
    pub index_filter: Option<(String, Expr)>,
    /// `unmask`: the query reads events as stored, without data protection's masks.
    pub unmask: bool,
    /// The query calls `unmask(@message)`: events are read masked, and also as stored for
    /// the function (the "Help protect sensitive log data with masking" page's form).
    pub calls_unmask: bool,
    /// `limit any N` (the Limit page): the scan may stop once N events pass, the rows in no
    /// particular order.
    pub limit_any: bool,
}

/// `SOURCE logGroups(namePrefix: [...], class: [...], accountIdentifiers: [...])`: which log
/// groups a query reads when StartQuery names none. Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    /// Group names start with one of these (at most 5).
    pub name_prefixes: Vec<String>,
    /// Groups of these log classes (the default: `STANDARD` only).
    pub classes: Vec<String>,
    /// Groups of these accounts (at most 20).
    pub account_identifiers: Vec<String>,
    /// `SOURCE "group" "group2" ...`: the groups by name (the form DescribeQueries shows);
    /// when set, the `logGroups(...)` selectors are empty.
    pub names: Vec<String>,
    /// `START=`: the window's first millisecond, overriding StartQuery's `startTime`.
    pub start: Option<SourceTime>,
    /// `END=`: the window's last millisecond, overriding StartQuery's `endTime`.
    pub end: Option<SourceTime>,
}

/// A time option of `SOURCE "group" START=... END=...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceTime {
    /// Epoch milliseconds (`START=1729728200000`).
    Absolute(i64),
    /// Milliseconds from when the query starts (`START=-21600s`, `END=0s`).
    Relative(i64),
}

impl SourceTime {
    /// The epoch millisecond it names for a query started at `now`.
    pub fn at(self, now: i64) -> i64 {
        match self {
            SourceTime::Absolute(ms) => ms,
            SourceTime::Relative(offset) => now.saturating_add(offset),
        }
    }
}

/// The most `namePrefix` values `SOURCE` takes (the SOURCE page).
const MAX_SOURCE_PREFIXES: usize = 5;
/// The most `accountIdentifiers` values `SOURCE` takes (the SOURCE page).
const MAX_SOURCE_ACCOUNTS: usize = 20;

/// One command of the pipeline.
#[derive(Debug, Clone)]
pub enum Command {
    /// `fields e [as name], ...`: computes fields and keeps them in the output.
    Fields(Vec<Projection>),
    /// `display f, ...`: which fields the output shows.
    Display(Vec<Projection>),
    /// `filter e` (or `where`).
    Filter(Expr),
    /// `stats agg(...) [as name], ... [by e [as name], ...]`.
    Stats {
        /// The aggregations, with their output names.
        aggregations: Vec<(Aggregation, String)>,
        /// The grouping expressions, with their output names.
        by: Vec<Projection>,
    },
    /// `sort e [asc|desc], ...`.
    Sort(Vec<(Expr, bool)>),
    /// `limit n`.
    Limit(usize),
    /// `parse field "glob * pattern" as a, b` or `parse field /(?<a>re)/`.
    Parse {
        /// The field parsed (default `@message`).
        source: Expr,
        /// How.
        pattern: ParsePattern,
    },
    /// `dedup f, ...`: keeps the first row of each combination.
    Dedup(Vec<String>),
    /// `unnest list into name`: one row per element of a list (any other value is a list of
    /// one).
    Unnest {
        /// The list field (`json.events`).
        field: String,
        /// The name each element takes.
        into: String,
    },
    /// `pattern e`: one row per pattern of `e`'s text (`insights/pattern.rs`).
    Pattern(Expr),
    /// `anomaly`, after `pattern`: the patterns the anomaly rules flag.
    Anomaly,
    /// `diff [previousDay|previousWeek|previousMonth]`: patterns against an earlier window.
    Diff(super::pattern::DiffPeriod),
    /// `lookup table column [as field], ... OUTPUT|OUTPUTNEW column [as name], ...`: adds a
    /// lookup table's columns to the rows whose fields match a table row.
    Lookup(Lookup),
    /// `addtotals [fieldname=Name] [row=bool] [col=bool] [field, ...]`: row and column sums.
    AddTotals(AddTotals),
    /// `join type=... left=a right=b where a.k=b.k (SOURCE 'group')` (the Join page).
    Join(Box<Join>),
    /// `appendcols [override=bool] [max=n] (subquery)` (the Appendcols page).
    AppendCols(Box<AppendCols>),
    // Group c: cidrlookup, outlier, countFrequent, relevantfields.
    /// `cidrlookup table ipField [AS cidrColumn] OUTPUT|OUTPUTNEW column [AS name], ...`.
    CidrLookup(Box<CidrLookup>),
    /// `outlier [action=remove|transform] [param=n] [uselower=bool] [mark=bool] field ...`.
    Outlier(Outlier),
    /// `countFrequent field, ...` (or `count_frequent`): one row per combination of values,
    /// with its count in `_approxcount`, most frequent first.
    CountFrequent(Vec<String>),
    /// `relevantfields [field, ...] where condition`: the fields ranked by how differently
    /// they are distributed in the rows that meet the condition and in the others.
    RelevantFields {
        /// The fields analyzed (empty: every non-system field).
        fields: Vec<String>,
        /// The condition.
        condition: Expr,
    },
    // Group a: filldown, fillmissing, accum, autoregress.
    /// `filldown [field|pattern ...]`: carries each field's last present value down into the
    /// rows where it is missing; no field names every field.
    FillDown(Vec<String>),
    /// `fillmissing [with value for field, ...]`: rows for the empty bins after
    /// `stats ... by bin()`.
    FillMissing(Box<FillMissing>),
    /// `accum field [as out]`: the running sum of a numeric field.
    Accum {
        /// The field summed.
        field: String,
        /// Where the running sum goes (the field itself without `as`).
        out: String,
    },
    /// `autoregress field [as alias] [p=start[-end]]`: earlier rows' values of a field.
    Autoregress(Autoregress),
    // Group b: the Sessionize and Expand pages.
    /// `sessionize field, ... [maxspan duration] [AS out]`: numbers each identity's sessions
    /// (a gap longer than `maxspan` starts a new one) into `out`.
    Sessionize(Sessionize),
    /// `expand field`: one row per element of the JSON array in `field`, which each row holds
    /// in place of the array.
    Expand(String),
}

/// The `sessionize` command (the Sessionize page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sessionize {
    /// The identity fields.
    pub fields: Vec<String>,
    /// The longest gap, in milliseconds, between two events of one session (default 30m).
    pub max_span_ms: i64,
    /// The output field (default `session_id`).
    pub out: String,
}

/// The `lookup` command: which table, matched how, adding what.
#[derive(Debug, Clone)]
pub struct Lookup {
    /// The lookup table's name.
    pub table: String,
    /// Where the table's name stands in the query (for the missing-table error).
    pub table_span: (usize, usize),
    /// The match: `(table column, record field)` pairs, all equal.
    pub keys: Vec<(String, String)>,
    /// `OUTPUT`/`OUTPUTNEW`'s `(table column, field name)` pairs.
    pub outputs: Vec<(String, String)>,
    /// `OUTPUTNEW`: a field the row already has keeps its value.
    pub only_new: bool,
    /// The table's rows by key, bound at StartQuery ([`Query::bind_lookup`]).
    pub bound: Option<std::sync::Arc<LookupIndex>>,
}

/// A lookup table as one `lookup` reads it: the output fields, and for each key (the key
/// columns' values) the output values of the first row with that key, in file order.
#[derive(Debug, Clone, Default)]
pub struct LookupIndex {
    /// The names the output values take.
    pub names: Vec<String>,
    /// Key values → output values.
    pub rows: std::collections::HashMap<Vec<String>, Vec<String>>,
}

/// The `addtotals` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddTotals {
    /// `fieldname=`: the row total's field (default `Total`).
    pub field_name: String,
    /// `row=`: add each row's total (default true).
    pub row: bool,
    /// `col=`: add a summary row of column totals at the bottom (default false).
    pub col: bool,
    /// The fields summed; empty: every numeric field of the row.
    pub fields: Vec<String>,
}

/// A `join`: each row meets the events of the right-hand groups whose key equals its own.
#[derive(Debug, Clone)]
pub struct Join {
    /// `type=left`: rows without a match are kept (else only matches, `type=inner`).
    pub keep_unmatched: bool,
    /// The left (primary) alias: the row's fields are also named `left.field`.
    pub left: String,
    /// The right (secondary) alias: the matched event's fields are named `right.field`.
    pub right: String,
    /// The row's key field.
    pub left_key: String,
    /// The right-hand events' key field.
    pub right_key: String,
    /// The right-hand log groups (`SOURCE 'group'`).
    pub groups: Vec<String>,
    /// The right-hand events by key, each as its fields, set once the store has read them.
    pub table: std::sync::Arc<std::sync::OnceLock<JoinTable>>,
}

/// `appendcols [override=true|false] [max=n] (subquery)` (the Appendcols page): row i of the
/// results gets the fields of the subquery's row i ("positional row matching").
#[derive(Debug, Clone)]
pub struct AppendCols {
    /// `override=true`: a subquery field replaces the row's field of the same name (by
    /// default the row keeps its own).
    pub override_fields: bool,
    /// `max=`: the most subquery rows used (1 to 100,000; default 10,000).
    pub max: usize,
    /// The subquery. Its `SOURCE` names its groups; without one it reads the outer query's.
    pub query: Query,
    /// The subquery's result rows, set once it has run (before the outer query).
    pub rows: std::sync::Arc<std::sync::OnceLock<Vec<ResultRow>>>,
}

/// A result row: `(field, value)` pairs in output order.
pub type ResultRow = Vec<(String, String)>;

/// The right-hand side of a `join`: each key's events, as `(field, value)` lists.
pub type JoinTable = std::collections::HashMap<String, Vec<Vec<(String, super::value::Value)>>>;

/// An expression with the name it appears under.
#[derive(Debug, Clone)]
pub struct Projection {
    /// The expression.
    pub expr: Expr,
    /// `as name`, or the expression's own text.
    pub name: String,
}

/// The two forms of `parse`.
#[derive(Debug, Clone)]
pub enum ParsePattern {
    /// A glob: literal parts around `*` captures, named by `as`.
    Glob {
        /// The literal text between captures (one more than the captures).
        literals: Vec<String>,
        /// The capture names.
        names: Vec<String>,
    },
    /// A regex with named groups.
    Regex {
        /// The compiled regex.
        regex: Regex,
        /// Its group names, in order.
        names: Vec<String>,
        /// `multi`: one row per match instead of the first match.
        multi: bool,
        /// `/re/ as a, b`: the names take the regex's groups by position (group 1 is `a`),
        /// instead of the groups' own names.
        positional: bool,
    },
    /// `parse field logfmt as name`: the field's `key=value` pairs as one map (`name.key`).
    Logfmt {
        /// The one name the map takes (a list of one, as the other forms keep theirs).
        names: Vec<String>,
    },
    /// `parse field csv as a, b, c`: the field's comma-separated values, one per name.
    Csv {
        /// The column names, in order.
        names: Vec<String>,
    },
}

/// An aggregation of `stats`.
#[derive(Debug, Clone)]
pub struct Aggregation {
    /// Which one.
    pub function: AggregateFunction,
    /// Its argument (`None` for `count(*)`).
    pub arg: Option<Expr>,
    /// `pct`'s percentile, `rate`'s interval in milliseconds, `histogram`'s bucket count.
    pub parameter: f64,
}

/// The stats functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateFunction {
    /// `count(*)` or `count(field)`.
    Count,
    /// `count_distinct(field)`.
    CountDistinct,
    /// `sum`.
    Sum,
    /// `avg`.
    Avg,
    /// `min`.
    Min,
    /// `max`.
    Max,
    /// `pct(field, p)`.
    Pct,
    /// `stddev`.
    Stddev,
    /// `earliest(field)`: the value at the earliest `@timestamp`.
    Earliest,
    /// `latest(field)`.
    Latest,
    /// `sortsFirst(field)`: the value that sorts first.
    SortsFirst,
    /// `sortsLast(field)`: the value that sorts last.
    SortsLast,
    /// `rate(field, interval)`: the field's change per interval between the group's earliest
    /// and latest events.
    Rate,
    /// `count_over_time(field)` (or `countOverTime`): the events with the field, per group.
    CountOverTime,
    /// `sum_over_time(field)` (or `sumOverTime`): the field's sum, per group.
    SumOverTime,
    /// `histogram(field, buckets)`: counts in equal-width buckets between the group's min
    /// and max.
    Histogram,
}

impl AggregateFunction {
    fn named(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "count" => Self::Count,
            "count_distinct" => Self::CountDistinct,
            "sum" => Self::Sum,
            "avg" => Self::Avg,
            "min" => Self::Min,
            "max" => Self::Max,
            "pct" => Self::Pct,
            "stddev" => Self::Stddev,
            "earliest" => Self::Earliest,
            "latest" => Self::Latest,
            "sortsfirst" => Self::SortsFirst,
            "sortslast" => Self::SortsLast,
            "rate" => Self::Rate,
            "count_over_time" | "countovertime" => Self::CountOverTime,
            "sum_over_time" | "sumovertime" => Self::SumOverTime,
            "histogram" => Self::Histogram,
            _ => return None,
        })
    }
}

/// An expression.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A field reference.
    Field(String),
    /// A number literal.
    Number(f64),
    /// A string literal.
    Text(String),
    /// `not e`.
    Not(Box<Expr>),
    /// `-e`.
    Negate(Box<Expr>),
    /// `l op r`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `e like "sub"` (substring), `e like /re/`, `e =~ /re/` (regex), or their negation.
    Like {
        /// The value tested.
        value: Box<Expr>,
        /// What it must contain or match.
        pattern: LikePattern,
        /// `not like`.
        negated: bool,
    },
    /// `e in [a, b]` or `e not in [...]`.
    In {
        /// The value tested.
        value: Box<Expr>,
        /// The candidates.
        list: Vec<Expr>,
        /// `not in`.
        negated: bool,
    },
    /// A scalar function call.
    Call(Function, Vec<Expr>),
    /// A regex given as a function argument (`regexReplace`'s pattern), compiled once.
    Pattern(Regex),
    /// `field in (subquery)` or `field not in (subquery)`.
    Subquery(Box<Subquery>),
}

/// `filter field in (SOURCE 'group' | ... )` (the Subqueries page): the subquery runs first,
/// over its own groups and the outer query's window, and the field's value must be among the
/// values of the same-named field in the subquery's rows.
#[derive(Debug, Clone)]
pub struct Subquery {
    /// The outer field tested.
    pub field: String,
    /// The subquery (its `source` names its groups).
    pub query: Query,
    /// `not in`.
    pub negated: bool,
    /// The subquery's values of `field`, set once it has run (empty until then).
    pub values: std::sync::Arc<std::sync::OnceLock<std::collections::HashSet<String>>>,
}

/// What `like` and `=~` test against.
#[derive(Debug, Clone)]
pub enum LikePattern {
    /// A substring.
    Substring(String),
    /// A regex.
    Regex(Regex),
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `and`
    And,
    /// `or`
    Or,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `^`
    Pow,
}

/// The scalar functions this engine evaluates. Any other documented function is refused at
/// compile time, naming it, rather than evaluated wrongly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `bin(period)`: `@timestamp` floored to the period.
    Bin,
    /// `datefloor(t, period)`.
    DateFloor,
    /// `dateceil(t, period)`.
    DateCeil,
    /// `fromMillis(n)`.
    FromMillis,
    /// `toMillis(t)`.
    ToMillis,
    /// `ispresent(f)`.
    IsPresent,
    /// `coalesce(a, b, ...)`.
    Coalesce,
    /// `unmask(@message)`: the message as stored, before data protection masked it.
    Unmask,
    /// `md5(text)`: the MD5 digest, lowercase hex (the Hashing functions page).
    Md5,
    /// `sha256(text)`: the SHA-256 digest, lowercase hex.
    Sha256,
    /// `isempty(s)`.
    IsEmpty,
    /// `isblank(s)`.
    IsBlank,
    /// `concat(a, b, ...)`.
    Concat,
    /// `ltrim(s)`.
    Ltrim,
    /// `rtrim(s)`.
    Rtrim,
    /// `trim(s)`.
    Trim,
    /// `strlen(s)`.
    Strlen,
    /// `toupper(s)`.
    ToUpper,
    /// `tolower(s)`.
    ToLower,
    /// `substr(s, start[, length])`.
    Substr,
    /// `replace(s, find, with)`.
    Replace,
    /// `strcontains(s, sub)`.
    StrContains,
    /// `abs(n)`.
    Abs,
    /// `ceil(n)`.
    Ceil,
    /// `floor(n)`.
    Floor,
    /// `greatest(a, ...)`.
    Greatest,
    /// `least(a, ...)`.
    Least,
    /// `log(n)`: natural logarithm.
    Log,
    /// `sqrt(n)`.
    Sqrt,
    /// `now()`: epoch seconds when the query started.
    Now,
    /// `queryStartTime()`: the window's start, epoch milliseconds.
    QueryStartTime,
    /// `queryEndTime()`.
    QueryEndTime,
    /// `queryTimeRange()`: the window's length, milliseconds.
    QueryTimeRange,
    /// `if(condition, then, else)`.
    If,
    /// `case(c1, v1, ..., [default])`.
    Case,
    /// `isNumeric(v)`.
    IsNumeric,
    /// `toNumber(v)` (and `toInt`, `toLong`, `toDouble`).
    ToNumber,
    /// `round(n[, digits])`.
    Round,
    /// `startsWith(s, prefix)`.
    StartsWith,
    /// `endsWith(s, suffix)`.
    EndsWith,
    /// `regexReplace(s, "re", with)`.
    RegexReplace,
    /// `messageSize(s)`: bytes.
    MessageSize,
    /// `isValidIp`.
    IsValidIp,
    /// `isValidIpV4`.
    IsValidIpV4,
    /// `isValidIpV6`.
    IsValidIpV6,
    /// `isIpInSubnet(ip, cidr)`.
    IsIpInSubnet,
    /// `isIpv4InSubnet`.
    IsIpv4InSubnet,
    /// `isIpv6InSubnet`.
    IsIpv6InSubnet,
    /// `ipv4ToNumber`.
    Ipv4ToNumber,
    /// `isPrivateIP` (RFC 1918).
    IsPrivateIp,
    /// `isPublicIP`.
    IsPublicIp,
    /// `isReservedIP`.
    IsReservedIp,
    /// `jsonParse(s)`: a map or list.
    JsonParse,
    /// `jsonStringify(map or list)`.
    JsonStringify,
    /// `jsonArraySize(list)`.
    JsonArraySize,
    /// `jsonArrayContains(list, value)`.
    JsonArrayContains,
    /// `split(s, delimiter)`: a list.
    Split,
    /// `base64encode(s)`.
    Base64Encode,
    /// `base64decode(s)`.
    Base64Decode,
    /// `urlencode(s)`.
    UrlEncode,
    /// `urldecode(s)`.
    UrlDecode,
    /// `hexToAscii(s)`.
    HexToAscii,
    /// `hexToDec(s)`.
    HexToDec,
    /// `decToHex(n)`.
    DecToHex,
    /// `haversine(lat1, lon1, lat2, lon2)`: kilometres.
    Haversine,
    /// `formatDate(t, "strftime format"[, "zone"])` (alias `strftime`): text.
    FormatDate,
    /// `parseDate(s, "Java pattern"[, "zone"])`: epoch milliseconds.
    ParseDate,
}

impl Function {
    /// The function of that name (case-insensitive) and its allowed argument counts.
    fn named(name: &str) -> Option<(Self, usize, usize)> {
        const MANY: usize = usize::MAX;
        Some(match name.to_ascii_lowercase().as_str() {
            "bin" => (Self::Bin, 1, 1),
            "datefloor" => (Self::DateFloor, 2, 2),
            "dateceil" => (Self::DateCeil, 2, 2),
            "frommillis" => (Self::FromMillis, 1, 1),
            "tomillis" => (Self::ToMillis, 1, 1),
            "ispresent" => (Self::IsPresent, 1, 1),
            "coalesce" => (Self::Coalesce, 1, MANY),
            "unmask" => (Self::Unmask, 1, 1),
            "md5" => (Self::Md5, 1, 1),
            "sha256" => (Self::Sha256, 1, 1),
            "isempty" => (Self::IsEmpty, 1, 1),
            "isblank" => (Self::IsBlank, 1, 1),
            "concat" => (Self::Concat, 1, MANY),
            "ltrim" => (Self::Ltrim, 1, 2),
            "rtrim" => (Self::Rtrim, 1, 2),
            "trim" => (Self::Trim, 1, 2),
            "strlen" => (Self::Strlen, 1, 1),
            "toupper" => (Self::ToUpper, 1, 1),
            "tolower" => (Self::ToLower, 1, 1),
            "substr" => (Self::Substr, 2, 3),
            "replace" => (Self::Replace, 3, 3),
            "strcontains" => (Self::StrContains, 2, 3),
            "abs" => (Self::Abs, 1, 1),
            "ceil" => (Self::Ceil, 1, 1),
            "floor" => (Self::Floor, 1, 1),
            "greatest" => (Self::Greatest, 1, MANY),
            "least" => (Self::Least, 1, MANY),
            "log" => (Self::Log, 1, 1),
            "sqrt" => (Self::Sqrt, 1, 1),
            "now" => (Self::Now, 0, 0),
            "querystarttime" => (Self::QueryStartTime, 0, 0),
            "queryendtime" => (Self::QueryEndTime, 0, 0),
            "querytimerange" => (Self::QueryTimeRange, 0, 0),
            "if" => (Self::If, 3, 3),
            "case" => (Self::Case, 2, 21),
            "isnumeric" => (Self::IsNumeric, 1, 1),
            "tonumber" | "toint" | "tolong" | "todouble" => (Self::ToNumber, 1, 1),
            "round" => (Self::Round, 1, 2),
            "startswith" => (Self::StartsWith, 2, 2),
            "endswith" => (Self::EndsWith, 2, 2),
            "regexreplace" => (Self::RegexReplace, 3, 3),
            "messagesize" => (Self::MessageSize, 1, 1),
            "isvalidip" => (Self::IsValidIp, 1, 1),
            "isvalidipv4" => (Self::IsValidIpV4, 1, 1),
            "isvalidipv6" => (Self::IsValidIpV6, 1, 1),
            "isipinsubnet" => (Self::IsIpInSubnet, 2, 2),
            "isipv4insubnet" => (Self::IsIpv4InSubnet, 2, 2),
            "isipv6insubnet" => (Self::IsIpv6InSubnet, 2, 2),
            "ipv4tonumber" => (Self::Ipv4ToNumber, 1, 1),
            "isprivateip" => (Self::IsPrivateIp, 1, 1),
            "ispublicip" => (Self::IsPublicIp, 1, 1),
            "isreservedip" => (Self::IsReservedIp, 1, 1),
            "jsonparse" => (Self::JsonParse, 1, 1),
            "jsonstringify" => (Self::JsonStringify, 1, 1),
            "jsonarraysize" => (Self::JsonArraySize, 1, 1),
            "jsonarraycontains" => (Self::JsonArrayContains, 2, 2),
            "split" => (Self::Split, 2, 2),
            "base64encode" => (Self::Base64Encode, 1, 1),
            "base64decode" => (Self::Base64Decode, 1, 1),
            "urlencode" => (Self::UrlEncode, 1, 1),
            "urldecode" => (Self::UrlDecode, 1, 1),
            "hextoascii" => (Self::HexToAscii, 1, 1),
            "hextodec" => (Self::HexToDec, 1, 1),
            "dectohex" => (Self::DecToHex, 1, 1),
            "haversine" => (Self::Haversine, 4, 4),
            "formatdate" | "strftime" => (Self::FormatDate, 2, 3),
            "parsedate" => (Self::ParseDate, 2, 3),
            _ => return None,
        })
    }
}

/// Parses a query.
pub fn parse(text: &str) -> Result<Query, CompileError> {
    let mut parser = Parser::new(text);
    let mut commands = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    let source = parser.source()?;
    let mut index_filter = None;
    let mut unmask = false;
    loop {
        parser.skip_space();
        if parser.at_end() {
            break;
        }
        let start = parser.pos;
        let keyword_end = parser.word_span(start);
        if parser
            .slice(start, keyword_end)
            .eq_ignore_ascii_case("filterindex")
        {
            parser.pos = keyword_end;
            let test = parser.expr()?;
            let keyword = Span {
                start,
                end: keyword_end,
            };
            let field = indexed_field(&test).ok_or_else(|| keyword.error(FILTER_INDEX_FORM))?;
            if index_filter.is_some() {
                return Err(keyword.error("only one filterIndex is allowed"));
            }
            index_filter = Some((field, test.clone()));
            commands.push(Command::Filter(test));
        } else if parser
            .slice(start, keyword_end)
            .eq_ignore_ascii_case("unmask")
        {
            // `unmask` changes what the query reads, not the rows: it is no pipeline stage.
            parser.pos = keyword_end;
            unmask = true;
        } else {
            commands.push(parser.command()?);
        }
        if spans.len() < commands.len() {
            spans.push(Span {
                start,
                end: keyword_end,
            });
        }
        parser.skip_space();
        if parser.at_end() {
            break;
        }
        let at = parser.pos;
        if !parser.eat_char('|') {
            let token = parser.word_span(at);
            return Err(parser.error_at(
                at,
                token,
                format!(
                    "unexpected '{}': commands are separated by '|'",
                    parser.slice(at, token)
                ),
            ));
        }
    }
    if let Some(second) = commands
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c, Command::Join(_)))
        .nth(1)
    {
        return Err(spans[second.0].error("only one join command is supported per query"));
    }
    if let Some(at) = dedup_followed_by_other(&commands) {
        return Err(spans[at].error("only limit may follow dedup"));
    }
    if let Some(at) = commands.iter().position(|c| matches!(c, Command::Anomaly)) {
        let clustered = commands[..at]
            .iter()
            .any(|c| matches!(c, Command::Pattern(_) | Command::Diff(_)));
        if !clustered {
            return Err(spans[at].error("anomaly must follow pattern"));
        }
    }
    implicit_totals_fields(&mut commands);
    bind_fill_missing(&mut commands, &spans)?;
    if commands.is_empty() && !unmask {
        return Err(CompileError {
            message: "the query is empty".into(),
            start: 0,
            end: 0,
        });
    }
    Ok(Query {
        commands,
        source,
        index_filter,
        unmask,
        calls_unmask: parser.calls_unmask,
        limit_any: parser.limit_any,
    })
}

/// What `filterIndex` accepts.
const FILTER_INDEX_FORM: &str =
    "filterIndex takes one indexed field compared with = or in to literal values";

/// The field of a `filterIndex` test: `field = literal` or `field in [literals]`.
fn indexed_field(test: &Expr) -> Option<String> {
    let literal = |e: &Expr| matches!(e, Expr::Text(_) | Expr::Number(_));
    match test {
        Expr::Binary(BinaryOp::Eq, left, right) => match (&**left, &**right) {
            (Expr::Field(f), v) | (v, Expr::Field(f)) if literal(v) => Some(f.clone()),
            _ => None,
        },
        Expr::In {
            value,
            list,
            negated: false,
        } => match &**value {
            Expr::Field(f) if list.iter().all(literal) => Some(f.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Where a command's keyword stands, for errors found after parsing.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    fn error(self, message: &str) -> CompileError {
        CompileError {
            message: message.into(),
            start: self.start,
            end: self.end,
        }
    }
}

/// The index of the first command after a `dedup` that is not `limit` (the docs: "only
/// limit may follow dedup").
fn dedup_followed_by_other(commands: &[Command]) -> Option<usize> {
    let dedup = commands
        .iter()
        .position(|c| matches!(c, Command::Dedup(_)))?;
    commands
        .iter()
        .enumerate()
        .skip(dedup + 1)
        .find(|(_, c)| !matches!(c, Command::Limit(_) | Command::Dedup(_)))
        .map(|(i, _)| i)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// Inside a `filter`'s test, where `field in (subquery)` may stand.
    in_filter: bool,
    /// Inside a subquery, where another is not allowed (the Subqueries page).
    nested: bool,
    /// `unmask(@message)` was called.
    calls_unmask: bool,
    /// `limit any N` was given outside a subquery.
    limit_any: bool,
}

impl Parser {
    fn new(text: &str) -> Self {
        Self {
            chars: text.chars().collect(),
            pos: 0,
            in_filter: false,
            nested: false,
            calls_unmask: false,
            limit_any: false,
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn slice(&self, start: usize, end: usize) -> String {
        self.chars[start.min(self.chars.len())..end.min(self.chars.len())]
            .iter()
            .collect()
    }

    fn error_at(&self, start: usize, end: usize, message: impl Into<String>) -> CompileError {
        CompileError {
            message: message.into(),
            start,
            end: end.max(start),
        }
    }

    /// Skips white space and `#` comments.
    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += 1;
            } else if c == '#' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn eat_char(&mut self, expected: char) -> bool {
        self.skip_space();
        if self.peek() == Some(expected) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_char(&mut self, expected: char, what: &str) -> Result<(), CompileError> {
        if self.eat_char(expected) {
            Ok(())
        } else {
            let at = self.pos;
            Err(self.error_at(at, self.word_span(at), format!("expected {what}")))
        }
    }

    /// The end of the word-like token starting at `at`.
    fn word_span(&self, at: usize) -> usize {
        let mut end = at;
        while self
            .chars
            .get(end)
            .is_some_and(|c| !c.is_whitespace() && *c != '|')
        {
            end += 1;
        }
        end.max((at + 1).min(self.chars.len()))
    }

    fn is_word_char(c: char) -> bool {
        c.is_alphanumeric() || matches!(c, '_' | '@' | '.' | '$')
    }

    /// A bare word (identifier, keyword or field name) at the cursor, without consuming it.
    fn peek_word(&mut self) -> Option<(String, usize, usize)> {
        self.skip_space();
        let start = self.pos;
        let mut end = start;
        while self.chars.get(end).is_some_and(|c| Self::is_word_char(*c)) {
            end += 1;
        }
        (end > start).then(|| (self.slice(start, end), start, end))
    }

    fn eat_keyword(&mut self, keyword: &str) -> bool {
        match self.peek_word() {
            Some((word, _, end)) if word.eq_ignore_ascii_case(keyword) => {
                self.pos = end;
                true
            }
            _ => false,
        }
    }

    fn command(&mut self) -> Result<Command, CompileError> {
        let Some((word, start, end)) = self.peek_word() else {
            let at = self.pos;
            return Err(self.error_at(at, self.word_span(at), "expected a command"));
        };
        self.pos = end;
        let lower = word.to_ascii_lowercase();
        match lower.as_str() {
            "fields" => Ok(Command::Fields(self.projections()?)),
            "display" => Ok(Command::Display(self.projections()?)),
            "filter" | "where" => {
                self.in_filter = true;
                let test = self.expr();
                self.in_filter = false;
                Ok(Command::Filter(test?))
            }
            "stats" => self.stats(),
            "sort" => self.sort(),
            "cidrlookup" => self.cidr_lookup(),
            "outlier" => self.outlier(),
            "countfrequent" | "count_frequent" => self.count_frequent(),
            "relevantfields" => self.relevant_fields(),
            "limit" => self.limit(),
            "parse" => self.parse_command(),
            "dedup" => {
                let fields = self.projections()?;
                Ok(Command::Dedup(fields.into_iter().map(|p| p.name).collect()))
            }
            "unnest" => {
                let field = self.field_name()?;
                if !self.eat_keyword("into") {
                    let at = self.pos;
                    return Err(self.error_at(
                        at,
                        self.word_span(at),
                        "expected 'into' and a name: unnest field into name",
                    ));
                }
                let into = self.field_name()?;
                Ok(Command::Unnest { field, into })
            }
            "source" => {
                Err(self.error_at(start, end, "SOURCE must be the first command of the query"))
            }
            "pattern" => Ok(Command::Pattern(self.expr()?)),
            "anomaly" => Ok(Command::Anomaly),
            "diff" => self.diff(),
            "lookup" => self.lookup(),
            "addtotals" => self.add_totals(),
            "logcompare" => self.log_compare(),
            "join" => self.join(start, end),
            "appendcols" => self.append_cols(start, end),
            "sessionize" => self.sessionize(start, end),
            "expand" => Ok(Command::Expand(self.field_name()?)),
            "filldown" | "fillmissing" | "accum" | "autoregress" => self.group_a(&lower),
            _ => Err(self.error_at(start, end, format!("unknown command '{word}'"))),
        }
    }

    fn projections(&mut self) -> Result<Vec<Projection>, CompileError> {
        let mut out = Vec::new();
        loop {
            out.push(self.projection()?);
            if !self.eat_char(',') {
                return Ok(out);
            }
        }
    }

    fn projection(&mut self) -> Result<Projection, CompileError> {
        self.skip_space();
        let start = self.pos;
        let expr = self.expr()?;
        let text = self.slice(start, self.pos).trim().to_owned();
        let name = if self.eat_keyword("as") {
            self.field_name()?
        } else {
            match &expr {
                Expr::Field(name) => name.clone(),
                _ => text,
            }
        };
        Ok(Projection { expr, name })
    }

    fn field_name(&mut self) -> Result<String, CompileError> {
        self.skip_space();
        if self.peek() == Some('`') {
            return self.backticked();
        }
        match self.peek_word() {
            Some((word, _, end)) => {
                self.pos = end;
                Ok(word)
            }
            None => {
                let at = self.pos;
                Err(self.error_at(at, self.word_span(at), "expected a field name"))
            }
        }
    }

    fn backticked(&mut self) -> Result<String, CompileError> {
        let start = self.pos;
        self.pos += 1;
        let mut name = String::new();
        loop {
            match self.peek() {
                Some('`') => {
                    self.pos += 1;
                    return Ok(name);
                }
                Some(c) => {
                    name.push(c);
                    self.pos += 1;
                }
                None => {
                    return Err(self.error_at(start, self.pos, "unterminated `quoted` field name"))
                }
            }
        }
    }

    fn stats(&mut self) -> Result<Command, CompileError> {
        let mut aggregations = Vec::new();
        loop {
            let (aggregation, text) = self.aggregation()?;
            let name = if self.eat_keyword("as") {
                self.field_name()?
            } else {
                text
            };
            aggregations.push((aggregation, name));
            if !self.eat_char(',') {
                break;
            }
        }
        let mut by = if self.eat_keyword("by") {
            self.projections()?
        } else {
            Vec::new()
        };
        self.bin_offset(&mut by)?;
        Ok(Command::Stats { aggregations, by })
    }

    fn aggregation(&mut self) -> Result<(Aggregation, String), CompileError> {
        let Some((word, start, end)) = self.peek_word() else {
            let at = self.pos;
            return Err(self.error_at(
                at,
                self.word_span(at),
                "expected an aggregation such as count(*)",
            ));
        };
        let Some(function) = AggregateFunction::named(&word) else {
            return Err(self.error_at(
                start,
                end,
                format!("'{word}' is not an aggregation function that stats supports"),
            ));
        };
        self.pos = end;
        self.expect_char('(', "'(' after the aggregation's name")?;
        self.skip_space();
        let arg = if function == AggregateFunction::Count && self.peek() == Some('*') {
            self.pos += 1;
            None
        } else if function == AggregateFunction::Count && self.peek() == Some(')') {
            // `count()` counts every record, as `count(*)` does.
            None
        } else {
            Some(self.expr()?)
        };
        let parameter = self.aggregation_parameter(function)?;
        self.expect_char(')', "')'")?;
        let text = self.slice(start, self.pos);
        Ok((
            Aggregation {
                function,
                arg,
                parameter,
            },
            text,
        ))
    }

    fn sort(&mut self) -> Result<Command, CompileError> {
        let mut keys = Vec::new();
        loop {
            let expr = self.expr()?;
            let descending = if self.eat_keyword("desc") {
                true
            } else {
                self.eat_keyword("asc");
                false
            };
            keys.push((expr, descending));
            if !self.eat_char(',') {
                return Ok(Command::Sort(keys));
            }
        }
    }

    fn diff(&mut self) -> Result<Command, CompileError> {
        use super::pattern::DiffPeriod;
        match self.peek_word() {
            Some((word, start, end)) => match DiffPeriod::named(&word) {
                Some(period) => {
                    self.pos = end;
                    Ok(Command::Diff(period))
                }
                None => Err(self.error_at(
                    start,
                    end,
                    "diff takes previousDay, previousWeek, previousMonth or nothing",
                )),
            },
            None => Ok(Command::Diff(DiffPeriod::Previous)),
        }
    }

    fn limit(&mut self) -> Result<Command, CompileError> {
        if self.eat_keyword("any") && !self.nested {
            self.limit_any = true;
        }
        self.skip_space();
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits = self.slice(start, self.pos);
        match digits.parse::<usize>() {
            Ok(n) if (1..=crate::limits::MAX_QUERY_ROWS).contains(&n) => Ok(Command::Limit(n)),
            // The Limit page: "You can specify a limit value of up to 100,000".
            Ok(n) if n > crate::limits::MAX_QUERY_ROWS => Err(self.too_large_limit(start)),
            Err(_) if !digits.is_empty() => Err(self.too_large_limit(start)),
            _ => Err(self.error_at(
                start,
                self.word_span(start),
                "limit takes a whole number of at least 1",
            )),
        }
    }

    fn too_large_limit(&self, start: usize) -> CompileError {
        self.error_at(
            start,
            self.pos,
            "limit takes a whole number from 1 to 100000",
        )
    }

    fn parse_command(&mut self) -> Result<Command, CompileError> {
        self.skip_space();
        let source = if matches!(self.peek(), Some('"' | '\'' | '/')) {
            Expr::Field("@message".into())
        } else {
            Expr::Field(self.field_name()?)
        };
        self.skip_space();
        let start = self.pos;
        if let Some(parsed) = self.parse_mode(&source)? {
            return Ok(parsed);
        }
        match self.peek() {
            Some('"' | '\'') => {
                let glob = self.string()?;
                if !self.eat_keyword("as") {
                    let at = self.pos;
                    return Err(self.error_at(
                        at,
                        self.word_span(at),
                        "expected 'as' and the names of the pattern's * fields",
                    ));
                }
                let mut names = vec![self.field_name()?];
                while self.eat_char(',') {
                    names.push(self.field_name()?);
                }
                let literals: Vec<String> = glob.split('*').map(str::to_owned).collect();
                if literals.len() - 1 != names.len() {
                    return Err(self.error_at(
                        start,
                        self.pos,
                        format!(
                            "the pattern has {} * fields but {} names follow 'as'",
                            literals.len() - 1,
                            names.len()
                        ),
                    ));
                }
                Ok(Command::Parse {
                    source,
                    pattern: ParsePattern::Glob { literals, names },
                })
            }
            Some('/') => {
                let regex = self.regex()?;
                // `parse @message /(\d+\.\d+\.\d+\.\d+)/ as ip_addr multi` (the Parse page):
                // `as` names the groups in order.
                let positional = self.eat_keyword("as");
                let names: Vec<String> = if positional {
                    let mut names = vec![self.field_name()?];
                    while self.eat_char(',') {
                        names.push(self.field_name()?);
                    }
                    let groups = regex.captures_len() - 1;
                    if groups != names.len() {
                        return Err(self.error_at(
                            start,
                            self.pos,
                            format!(
                                "the regex has {groups} groups but {} names follow 'as'",
                                names.len()
                            ),
                        ));
                    }
                    names
                } else {
                    regex.capture_names().flatten().map(str::to_owned).collect()
                };
                if names.is_empty() {
                    return Err(self.error_at(
                        start,
                        self.pos,
                        "a parse regex needs at least one named group, such as (?<name>...)",
                    ));
                }
                let multi = self.eat_keyword("multi");
                Ok(Command::Parse {
                    source,
                    pattern: ParsePattern::Regex {
                        regex,
                        names,
                        multi,
                        positional,
                    },
                })
            }
            _ => Err(self.error_at(
                start,
                self.word_span(start),
                "expected a \"glob\" pattern or a /regex/",
            )),
        }
    }

    fn string(&mut self) -> Result<String, CompileError> {
        let start = self.pos;
        let quote = self.peek().expect("called on a quote");
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                Some('\\') => {
                    match self.peek_at(1) {
                        Some(c @ ('"' | '\'' | '\\')) => out.push(c),
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some(c) => {
                            out.push('\\');
                            out.push(c);
                        }
                        None => {}
                    }
                    self.pos += 2;
                }
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
                None => return Err(self.error_at(start, self.pos, "unterminated string")),
            }
        }
    }

    fn regex(&mut self) -> Result<Regex, CompileError> {
        let start = self.pos;
        self.pos += 1;
        let mut source = String::new();
        loop {
            match self.peek() {
                Some('\\') if self.peek_at(1) == Some('/') => {
                    source.push('/');
                    self.pos += 2;
                }
                Some('\\') => {
                    source.push('\\');
                    if let Some(c) = self.peek_at(1) {
                        source.push(c);
                    }
                    self.pos += 2;
                }
                Some('/') => {
                    self.pos += 1;
                    break;
                }
                Some(c) => {
                    source.push(c);
                    self.pos += 1;
                }
                None => return Err(self.error_at(start, self.pos, "unterminated /regex/")),
            }
        }
        // AWS writes named groups as (?<name>...), as Java and PCRE do; so does the regex crate.
        regex::RegexBuilder::new(&source)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| self.error_at(start, self.pos, format!("invalid regex: {e}")))
    }

    // Expressions, loosest first: or, and, not, comparison, additive, multiplicative, unary.

    fn expr(&mut self) -> Result<Expr, CompileError> {
        let mut left = self.and_expr()?;
        while self.eat_keyword("or") {
            let right = self.and_expr()?;
            left = Expr::Binary(BinaryOp::Or, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, CompileError> {
        let mut left = self.not_expr()?;
        while self.eat_keyword("and") {
            let right = self.not_expr()?;
            left = Expr::Binary(BinaryOp::And, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not_expr(&mut self) -> Result<Expr, CompileError> {
        if self.eat_keyword("not") {
            return Ok(Expr::Not(Box::new(self.not_expr()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, CompileError> {
        let left = self.additive()?;
        self.skip_space();
        let op = match (self.peek(), self.peek_at(1)) {
            (Some('='), Some('~')) => {
                self.pos += 2;
                self.skip_space();
                let pattern = self.like_pattern(true)?;
                return Ok(Expr::Like {
                    value: Box::new(left),
                    pattern,
                    negated: false,
                });
            }
            (Some('!'), Some('=')) => Some((BinaryOp::Ne, 2)),
            (Some('<'), Some('=')) => Some((BinaryOp::Le, 2)),
            (Some('>'), Some('=')) => Some((BinaryOp::Ge, 2)),
            (Some('='), _) => Some((BinaryOp::Eq, 1)),
            (Some('<'), _) => Some((BinaryOp::Lt, 1)),
            (Some('>'), _) => Some((BinaryOp::Gt, 1)),
            _ => None,
        };
        if let Some((op, width)) = op {
            self.pos += width;
            let right = self.additive()?;
            return Ok(Expr::Binary(op, Box::new(left), Box::new(right)));
        }
        let save = self.pos;
        let negated = self.eat_keyword("not");
        if self.eat_keyword("like") {
            self.skip_space();
            let pattern = self.like_pattern(false)?;
            return Ok(Expr::Like {
                value: Box::new(left),
                pattern,
                negated,
            });
        }
        if self.eat_keyword("in") {
            self.skip_space();
            if self.peek() == Some('(') {
                return self.subquery(left, negated);
            }
            self.expect_char('[', "'[' to open the list after 'in'")?;
            let mut list = Vec::new();
            if !self.eat_char(']') {
                loop {
                    list.push(self.additive()?);
                    if self.eat_char(']') {
                        break;
                    }
                    self.expect_char(',', "',' or ']' in the list")?;
                }
            }
            return Ok(Expr::In {
                value: Box::new(left),
                list,
                negated,
            });
        }
        self.pos = save;
        Ok(left)
    }

    fn like_pattern(&mut self, regex_only: bool) -> Result<LikePattern, CompileError> {
        match self.peek() {
            Some('/') => Ok(LikePattern::Regex(self.regex()?)),
            Some('"' | '\'') if !regex_only => Ok(LikePattern::Substring(self.string()?)),
            _ => {
                let at = self.pos;
                Err(self.error_at(
                    at,
                    self.word_span(at),
                    if regex_only {
                        "expected a /regex/ after =~"
                    } else {
                        "expected a \"string\" or a /regex/ after like"
                    },
                ))
            }
        }
    }

    fn additive(&mut self) -> Result<Expr, CompileError> {
        let mut left = self.multiplicative()?;
        loop {
            self.skip_space();
            let op = match self.peek() {
                Some('+') => BinaryOp::Add,
                Some('-') => BinaryOp::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.multiplicative()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, CompileError> {
        let mut left = self.power()?;
        loop {
            self.skip_space();
            let op = match self.peek() {
                Some('*') => BinaryOp::Mul,
                Some('/') => BinaryOp::Div,
                Some('%') => BinaryOp::Rem,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.power()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn power(&mut self) -> Result<Expr, CompileError> {
        let base = self.unary()?;
        if self.eat_char('^') {
            // Right-associative: 2 ^ 3 ^ 2 is 2 ^ 9.
            let exponent = self.power()?;
            return Ok(Expr::Binary(
                BinaryOp::Pow,
                Box::new(base),
                Box::new(exponent),
            ));
        }
        Ok(base)
    }

    fn unary(&mut self) -> Result<Expr, CompileError> {
        self.skip_space();
        if self.peek() == Some('-') {
            self.pos += 1;
            return Ok(Expr::Negate(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, CompileError> {
        self.skip_space();
        let start = self.pos;
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                let inner = self.expr()?;
                self.expect_char(')', "')'")?;
                Ok(inner)
            }
            Some('"' | '\'') => Ok(Expr::Text(self.string()?)),
            Some('`') => Ok(Expr::Field(self.backticked()?)),
            Some(c) if c.is_ascii_digit() => self.number(),
            Some('/') => Err(self.error_at(
                start,
                self.word_span(start),
                "a /regex/ is allowed only after like, =~ or in parse",
            )),
            Some(c) if Self::is_word_char(c) => {
                let (word, _, end) = self.peek_word().expect("a word character");
                self.pos = end;
                if self.peek() == Some('[') {
                    return self.indexed_field(word).map(Expr::Field);
                }
                self.skip_space();
                if self.peek() == Some('(') {
                    return self.call(word, start, end);
                }
                // `true` and `false` are the conditions they name (rendered 1 and 0).
                if word.eq_ignore_ascii_case("true") || word.eq_ignore_ascii_case("false") {
                    let truth = word.eq_ignore_ascii_case("true");
                    return Ok(Expr::Number(f64::from(u8::from(truth))));
                }
                if ["and", "or", "not", "like", "in", "as", "by", "asc", "desc"]
                    .iter()
                    .any(|k| word.eq_ignore_ascii_case(k))
                {
                    return Err(self.error_at(
                        start,
                        end,
                        format!("expected a value, found '{word}'"),
                    ));
                }
                Ok(Expr::Field(word))
            }
            _ => Err(self.error_at(start, self.word_span(start), "expected a value")),
        }
    }

    /// `list[1].name` after its first word: the path `list.1.name`, as flattening names it.
    fn indexed_field(&mut self, mut path: String) -> Result<String, CompileError> {
        loop {
            match self.chars.get(self.pos) {
                Some('[') => {
                    let open = self.pos;
                    self.pos += 1;
                    let digits_start = self.pos;
                    while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        self.pos += 1;
                    }
                    if self.pos == digits_start || self.peek() != Some(']') {
                        return Err(self.error_at(
                            open,
                            self.pos.max(open + 1),
                            "expected an index such as [0]",
                        ));
                    }
                    path.push('.');
                    path.push_str(&self.slice(digits_start, self.pos));
                    self.pos += 1;
                }
                Some('.') => {
                    let start = self.pos;
                    let mut end = start;
                    while self.chars.get(end).is_some_and(|c| Self::is_word_char(*c)) {
                        end += 1;
                    }
                    path.push_str(&self.slice(start, end));
                    self.pos = end;
                }
                _ => return Ok(path),
            }
        }
    }

    /// `SOURCE logGroups(key: ['v', ...], ...)` at the start of the query, then its `|`.
    fn source(&mut self) -> Result<Option<Source>, CompileError> {
        self.skip_space();
        let save = self.pos;
        if !self.eat_keyword("source") {
            return Ok(None);
        }
        self.skip_space();
        if matches!(self.peek(), Some('"' | '\'')) {
            return self.source_names().map(Some);
        }
        if !self.eat_keyword("logGroups") {
            self.skip_space();
            let at = self.pos;
            return Err(self.error_at(
                save,
                self.word_span(at),
                "SOURCE takes logGroups(...) in this emulator",
            ));
        }
        self.expect_char('(', "'(' after logGroups")?;
        let mut source = Source::default();
        if !self.eat_char(')') {
            loop {
                self.skip_space();
                let key_start = self.pos;
                let key = self.field_name()?;
                let key_end = self.pos;
                self.expect_char(':', "':' after the keyword")?;
                self.expect_char('[', "'[' to open the list")?;
                let mut values = Vec::new();
                if !self.eat_char(']') {
                    loop {
                        self.skip_space();
                        if !matches!(self.peek(), Some('"' | '\'')) {
                            let at = self.pos;
                            return Err(self.error_at(
                                at,
                                self.word_span(at),
                                "expected a 'string'",
                            ));
                        }
                        values.push(self.string()?);
                        if self.eat_char(']') {
                            break;
                        }
                        self.expect_char(',', "',' or ']' in the list")?;
                    }
                }
                let (list, max) = match key.to_ascii_lowercase().as_str() {
                    "nameprefix" => (&mut source.name_prefixes, MAX_SOURCE_PREFIXES),
                    "class" | "loggroupclass" => (&mut source.classes, usize::MAX),
                    "accountidentifiers" | "accountidentifier" => {
                        (&mut source.account_identifiers, MAX_SOURCE_ACCOUNTS)
                    }
                    _ => {
                        return Err(self.error_at(
                            key_start,
                            key_end,
                            format!(
                                "unknown logGroups keyword '{key}': expected namePrefix, class or accountIdentifiers"
                            ),
                        ))
                    }
                };
                if values.len() > max {
                    return Err(self.error_at(
                        key_start,
                        self.pos,
                        format!("{key} takes at most {max} values"),
                    ));
                }
                let is_class =
                    ["class", "loggroupclass"].contains(&key.to_ascii_lowercase().as_str());
                let not_a_class = |v: &&String| {
                    !["STANDARD", "INFREQUENT_ACCESS", "DELIVERY", "ESSENTIALS"]
                        .contains(&v.as_str())
                };
                if let Some(bad) = values.iter().find(not_a_class).filter(|_| is_class) {
                    return Err(self.error_at(
                        key_start,
                        self.pos,
                        format!("'{bad}' is not a log class: STANDARD, INFREQUENT_ACCESS, DELIVERY or ESSENTIALS"),
                    ));
                }
                list.extend(values);
                if self.eat_char(')') {
                    break;
                }
                self.expect_char(',', "',' or ')' in logGroups(...)")?;
            }
        }
        self.skip_space();
        if !self.at_end() && !self.eat_char('|') {
            let at = self.pos;
            return Err(self.error_at(
                at,
                self.word_span(at),
                "expected '|' after SOURCE logGroups(...)",
            ));
        }
        Ok(Some(source))
    }

    fn number(&mut self) -> Result<Expr, CompileError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E')
        {
            self.pos += 1;
        }
        // A duration literal such as 5m belongs to bin()/datefloor(); read it as text there.
        if self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                self.pos += 1;
            }
            return Ok(Expr::Text(self.slice(start, self.pos)));
        }
        let text = self.slice(start, self.pos);
        text.parse::<f64>()
            .map(Expr::Number)
            .map_err(|_| self.error_at(start, self.pos, format!("invalid number '{text}'")))
    }

    fn call(&mut self, name: String, start: usize, end: usize) -> Result<Expr, CompileError> {
        if AggregateFunction::named(&name).is_some() {
            return Err(self.error_at(
                start,
                end,
                format!("the aggregation {name}() is allowed only in stats"),
            ));
        }
        let Some((function, min, max)) = Function::named(&name) else {
            return Err(self.error_at(
                start,
                end,
                format!("the function {name}() is not supported by this emulator"),
            ));
        };
        self.expect_char('(', "'('")?;
        let mut args = Vec::new();
        if !self.eat_char(')') {
            loop {
                args.push(self.expr()?);
                if self.eat_char(')') {
                    break;
                }
                self.expect_char(',', "',' or ')' in the arguments")?;
            }
        }
        if args.len() < min || args.len() > max {
            return Err(self.error_at(
                start,
                self.pos,
                format!("{name}() takes {}", arity(min, max)),
            ));
        }
        if function == Function::RegexReplace {
            let Expr::Text(source) = &args[1] else {
                return Err(self.error_at(
                    start,
                    self.pos,
                    "regexReplace() takes its pattern as a \"string\"",
                ));
            };
            let regex = regex::RegexBuilder::new(source)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| self.error_at(start, self.pos, format!("invalid regex: {e}")))?;
            args[1] = Expr::Pattern(regex);
        }
        if function == Function::Unmask {
            if !matches!(&args[0], Expr::Field(f) if f == "@message") {
                return Err(self.error_at(
                    start,
                    self.pos,
                    "unmask() takes @message: fields unmask(@message)",
                ));
            }
            self.calls_unmask = true;
        }
        if matches!(function, Function::FormatDate | Function::ParseDate) {
            self.check_date_arguments(function, &name, &args, start)?;
        }
        if matches!(
            function,
            Function::Bin | Function::DateFloor | Function::DateCeil
        ) {
            let period = args.last().expect("checked arity");
            if !matches!(period, Expr::Text(p) if super::value::period(p).is_some()) {
                return Err(self.error_at(
                    start,
                    self.pos,
                    format!("{name}() takes a period such as 5m, 1h or 30s"),
                ));
            }
        }
        Ok(Expr::Call(function, args))
    }
}

impl Parser {
    /// `SOURCE "group" ... [START=t] [END=t]` after `SOURCE`, then its `|`: the form AWS shows
    /// in DescribeQueries (`START=<epoch ms> END=<epoch ms>`) and saves from the console
    /// (`START=-21600s END=0s`, relative to when the query starts).
    fn source_names(&mut self) -> Result<Source, CompileError> {
        let mut source = Source::default();
        while matches!(self.peek(), Some('"' | '\'')) {
            let at = self.pos;
            let name = self.string()?;
            if name.is_empty() {
                return Err(self.error_at(at, self.pos, "a log group name cannot be empty"));
            }
            source.names.push(name);
            self.skip_space();
        }
        while let Some((word, at, end)) = self.peek_word() {
            let slot = if word.eq_ignore_ascii_case("start") {
                &mut source.start
            } else if word.eq_ignore_ascii_case("end") {
                &mut source.end
            } else {
                return Err(self.error_at(
                    at,
                    end,
                    format!("unexpected '{word}': SOURCE \"group\" takes START= and END="),
                ));
            };
            if slot.is_some() {
                return Err(self.error_at(at, end, format!("{word} is given twice")));
            }
            self.pos = end;
            self.expect_char('=', "'=' and a time")?;
            self.skip_space();
            let value_at = self.pos;
            if self.peek() == Some('-') {
                self.pos += 1;
            }
            while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                self.pos += 1;
            }
            let text = self.slice(value_at, self.pos);
            *slot = Some(source_time(&text).ok_or_else(|| {
                self.error_at(
                    value_at,
                    self.pos.max(value_at + 1),
                    format!("'{text}' is not a time: epoch milliseconds, or an offset such as -3600s or 0s"),
                )
            })?);
        }
        if let (Some(SourceTime::Absolute(s)), Some(SourceTime::Absolute(e))) =
            (source.start, source.end)
        {
            if e < s {
                return Err(self.error_at(save_start(self), self.pos, "END is before START"));
            }
        }
        self.skip_space();
        if !self.at_end() && !self.eat_char('|') {
            let at = self.pos;
            return Err(self.error_at(
                at,
                self.word_span(at),
                "expected '|' after SOURCE \"group\"",
            ));
        }
        Ok(source)
    }

    /// `formatDate`/`parseDate`: the format and the zone are literal strings this engine can
    /// evaluate, so every row gets a right answer or the query is refused, naming what is not
    /// supported.
    fn check_date_arguments(
        &self,
        function: Function,
        name: &str,
        args: &[Expr],
        start: usize,
    ) -> Result<(), CompileError> {
        use super::dates::{check_java_pattern, check_strftime, check_zone};
        let literal = |i: usize, what: &str| match args.get(i) {
            Some(Expr::Text(text)) => Ok(Some(text.as_str())),
            None => Ok(None),
            Some(_) => Err(self.error_at(
                start,
                self.pos,
                format!("{name}() takes its {what} as a \"string\""),
            )),
        };
        let format = literal(1, "format")?.unwrap_or_default();
        let checked = if function == Function::FormatDate {
            check_strftime(format)
        } else {
            check_java_pattern(format)
        };
        checked.map_err(|e| self.error_at(start, self.pos, e))?;
        if let Some(zone) = literal(2, "time zone")? {
            check_zone(zone).map_err(|e| self.error_at(start, self.pos, e))?;
        }
        Ok(())
    }

    /// `parse [field] logfmt as name` and `parse [field] csv as a, b, ...` (the Parse page's
    /// logfmt and CSV modes); `None` when the command is a glob or regex parse.
    fn parse_mode(&mut self, source: &Expr) -> Result<Option<Command>, CompileError> {
        let named_mode = |w: &str| match w.to_ascii_lowercase().as_str() {
            "logfmt" => Some(true),
            "csv" => Some(false),
            _ => None,
        };
        let save = self.pos;
        // `parse logfmt as x`: the field is left out, so the mode word was read as the field.
        let (source, logfmt, mode_at) = match self.peek_word() {
            Some((word, at, end)) if named_mode(&word).is_some() => {
                self.pos = end;
                (source.clone(), named_mode(&word) == Some(true), at)
            }
            Some((word, _, _)) if word.eq_ignore_ascii_case("as") => match source {
                Expr::Field(field) if named_mode(field).is_some() => (
                    Expr::Field("@message".into()),
                    named_mode(field) == Some(true),
                    save,
                ),
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        if !self.eat_keyword("as") {
            let at = self.pos;
            return Err(self.error_at(
                at,
                self.word_span(at),
                if logfmt {
                    "expected 'as' and a name: parse field logfmt as name"
                } else {
                    "expected 'as' and the column names: parse field csv as a, b, ..."
                },
            ));
        }
        let mut names = vec![self.field_name()?];
        while self.eat_char(',') {
            names.push(self.field_name()?);
        }
        if logfmt && names.len() != 1 {
            return Err(self.error_at(
                mode_at,
                self.pos,
                "parse in logfmt mode takes one name for the map: parse field logfmt as name",
            ));
        }
        let pattern = if logfmt {
            ParsePattern::Logfmt { names }
        } else {
            ParsePattern::Csv { names }
        };
        Ok(Some(Command::Parse { source, pattern }))
    }
}

/// The newer commands' parsers: `lookup`, `addtotals`, `logcompare`.
impl Parser {
    /// `lookup table key [as field], ... [OUTPUT|OUTPUTNEW column [as name], ...]`.
    fn lookup(&mut self) -> Result<Command, CompileError> {
        self.skip_space();
        let table_start = self.pos;
        let table = self.field_name()?;
        let table_span = (table_start, self.pos);
        let is_output = |word: &str| {
            word.eq_ignore_ascii_case("output") || word.eq_ignore_ascii_case("outputnew")
        };
        let mut keys = Vec::new();
        loop {
            if let Some((word, start, end)) = self.peek_word() {
                if is_output(&word) {
                    return Err(self.error_at(
                        start,
                        end,
                        "lookup needs a field to match before OUTPUT: lookup table field",
                    ));
                }
            }
            let column = self.field_name()?;
            let field = if self.eat_keyword("as") {
                self.field_name()?
            } else {
                column.clone()
            };
            keys.push((column, field));
            if !self.eat_char(',') {
                break;
            }
        }
        // The Lookup page's command structure: `lookup table match-fields output-mode
        // output-field[,...]`, the output mode and fields required.
        let mode = self.peek_word().filter(|(word, ..)| is_output(word));
        let Some((word, _, end)) = mode else {
            let at = self.pos;
            return Err(self.error_at(
                at,
                self.word_span(at),
                "expected OUTPUT or OUTPUTNEW and the fields to add: lookup table match-fields OUTPUT field, ...",
            ));
        };
        self.pos = end;
        let only_new = word.eq_ignore_ascii_case("outputnew");
        let mut list = Vec::new();
        loop {
            let column = self.field_name()?;
            let name = if self.eat_keyword("as") {
                self.field_name()?
            } else {
                column.clone()
            };
            list.push((column, name));
            if !self.eat_char(',') {
                break;
            }
        }
        Ok(Command::Lookup(Lookup {
            table,
            table_span,
            keys,
            outputs: list,
            only_new,
            bound: None,
        }))
    }

    /// `addtotals [fieldname=Name] [row=bool] [col=bool] [field1, field2, ...]`.
    fn add_totals(&mut self) -> Result<Command, CompileError> {
        let mut totals = AddTotals {
            field_name: "Total".into(),
            row: true,
            col: false,
            fields: Vec::new(),
        };
        while let Some((word, start, end)) = self.peek_word() {
            let option = word.to_ascii_lowercase();
            if !matches!(option.as_str(), "fieldname" | "row" | "col")
                || self.chars.get(end) != Some(&'=')
            {
                break;
            }
            self.pos = end + 1;
            if option == "fieldname" {
                totals.field_name = self.field_name()?;
                continue;
            }
            let value = match self.peek_word() {
                Some((v, _, v_end)) if v.eq_ignore_ascii_case("true") => {
                    self.pos = v_end;
                    true
                }
                Some((v, _, v_end)) if v.eq_ignore_ascii_case("false") => {
                    self.pos = v_end;
                    false
                }
                _ => {
                    let at = self.pos;
                    return Err(self.error_at(
                        start,
                        self.word_span(at),
                        format!("{word}= takes true or false"),
                    ));
                }
            };
            if option == "row" {
                totals.row = value;
            } else {
                totals.col = value;
            }
        }
        self.skip_space();
        if !self.at_end() && self.peek() != Some('|') {
            loop {
                totals.fields.push(self.field_name()?);
                if !self.eat_char(',') {
                    break;
                }
            }
        }
        Ok(Command::AddTotals(totals))
    }

    /// `logcompare timeshift <duration>`: `diff` against the window `duration` earlier.
    fn log_compare(&mut self) -> Result<Command, CompileError> {
        const FORM: &str = "logcompare takes timeshift and a duration such as 7d, 12h or 30m";
        if !self.eat_keyword("timeshift") {
            let at = self.pos;
            return Err(self.error_at(at, self.word_span(at), FORM));
        }
        self.skip_space();
        let start = self.pos;
        let shift = match self.peek_word() {
            Some((word, _, end)) => {
                self.pos = end;
                duration_ms(&word)
            }
            None => None,
        };
        match shift {
            Some(ms) if ms > 0 => Ok(Command::Diff(super::pattern::DiffPeriod::Shift(ms))),
            _ => Err(self.error_at(start, self.word_span(start), FORM)),
        }
    }
}

/// `addtotals` without a field list sums the numeric fields the commands before it named
/// (`fields`, `display`, `parse`, a `stats`' aggregations, a `lookup`'s outputs); with none
/// named, every
/// numeric field of the row that is not a system (`@`) field.
fn implicit_totals_fields(commands: &mut [Command]) {
    let mut named: Vec<String> = Vec::new();
    for command in commands.iter_mut() {
        match command {
            Command::Fields(projections) | Command::Display(projections) => {
                named.extend(projections.iter().map(|p| p.name.clone()))
            }
            // The groups' keys are labels, not measures: only the aggregations are summed.
            Command::Stats { aggregations, .. } => {
                named = aggregations.iter().map(|(_, name)| name.clone()).collect();
            }
            Command::Parse { pattern, .. } => match pattern {
                ParsePattern::Glob { names, .. }
                | ParsePattern::Regex { names, .. }
                | ParsePattern::Csv { names } => named.extend(names.iter().cloned()),
                // A logfmt parse makes one map, not a measure.
                ParsePattern::Logfmt { .. } => {}
            },
            Command::Lookup(Lookup { outputs, .. }) => {
                named.extend(outputs.iter().map(|(_, name)| name.clone()))
            }
            Command::AddTotals(totals) => {
                if totals.fields.is_empty() {
                    let mut seen = std::collections::HashSet::new();
                    totals.fields = named
                        .iter()
                        .filter(|n| seen.insert(n.as_str()))
                        .cloned()
                        .collect();
                }
                if totals.row {
                    named.push(totals.field_name.clone());
                }
            }
            _ => {}
        }
    }
}

/// `7d`, `12h`, `30m`, `45s`, `2w` in milliseconds.
fn duration_ms(text: &str) -> Option<i64> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (digits, unit) = text.split_at(split);
    let n: i64 = digits.parse().ok()?;
    let unit_ms = match unit.to_ascii_lowercase().as_str() {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return None,
    };
    n.checked_mul(unit_ms)
}

/// A lookup table as `lookup` and `cidrlookup` bind it: asked of the store by name, with the
/// errors located at the table's name in the query.
struct OpenTable<'n, R> {
    table: R,
    name: &'n str,
    span: (usize, usize),
}

impl<'n, R: LookupSource> OpenTable<'n, R> {
    /// The table `name`, or the error that it does not exist.
    fn open(
        tables: &mut impl FnMut(&str) -> Option<R>,
        name: &'n str,
        span: (usize, usize),
    ) -> Result<Self, CompileError> {
        let table = tables(name).ok_or_else(|| CompileError {
            message: format!("Lookup table '{name}' does not exist."),
            start: span.0,
            end: span.1,
        })?;
        Ok(Self { table, name, span })
    }

    /// The index of the column `column`, or the error that the table has none.
    fn column(&self, column: &str) -> Result<usize, CompileError> {
        self.table
            .fields()
            .iter()
            .position(|f| f == column)
            .ok_or_else(|| CompileError {
                message: format!("Lookup table '{}' has no field '{column}'.", self.name),
                start: self.span.0,
                end: self.span.1,
            })
    }
}

/// A lookup table's content as `lookup` reads it (the store's tables implement it).
pub trait LookupSource {
    /// The column names, in order.
    fn fields(&self) -> &[String];
    /// The rows in file order, each as wide as the header.
    fn rows(&self) -> &[Vec<String>];
}

impl Query {
    /// The first command of this query that Infrequent Access log groups do not support (the
    /// "Logs Insights QL commands supported in log classes" page: all but `pattern`, `diff`,
    /// `filterIndex` and `unmask`).
    pub fn not_for_infrequent_access(&self) -> Option<&'static str> {
        if self.unmask || self.calls_unmask {
            return Some("unmask");
        }
        if self.index_filter.is_some() {
            return Some("filterIndex");
        }
        self.commands.iter().find_map(|c| match c {
            Command::Pattern(_) => Some("pattern"),
            Command::Diff(super::pattern::DiffPeriod::Shift(_)) => None,
            Command::Diff(_) => Some("diff"),
            _ => None,
        })
    }

    /// Binds each `lookup` to its table's content, asked of `table` by name. A table that
    /// does not exist, or a column the table lacks, is a compile error at the table's name.
    pub fn bind_lookups<R: LookupSource>(
        &mut self,
        mut table: impl FnMut(&str) -> Option<R>,
    ) -> Result<(), CompileError> {
        // One type for the recursion into `appendcols` subqueries below.
        let mut table: &mut dyn FnMut(&str) -> Option<R> = &mut table;
        for command in &mut self.commands {
            if let Command::AppendCols(append) = command {
                append.query.bind_lookups(&mut *table)?;
            }
        }
        self.bind_cidr_lookups(&mut table)?;
        for command in &mut self.commands {
            let Command::Lookup(lookup) = command else {
                continue;
            };
            let source = OpenTable::open(&mut table, &lookup.table, lookup.table_span)?;
            let column = |name: &str| source.column(name);
            let key_columns = lookup
                .keys
                .iter()
                .map(|(c, _)| column(c))
                .collect::<Result<Vec<_>, _>>()?;
            let outputs: Vec<(usize, String)> = lookup
                .outputs
                .iter()
                .map(|(c, name)| Ok((column(c)?, name.clone())))
                .collect::<Result<_, CompileError>>()?;
            let mut index = LookupIndex {
                names: outputs.iter().map(|(_, n)| n.clone()).collect(),
                rows: std::collections::HashMap::new(),
            };
            for row in source.table.rows() {
                let key: Vec<String> = key_columns.iter().map(|&i| row[i].clone()).collect();
                index
                    .rows
                    .entry(key)
                    .or_insert_with(|| outputs.iter().map(|(i, _)| row[*i].clone()).collect());
            }
            lookup.bound = Some(std::sync::Arc::new(index));
        }
        Ok(())
    }
}

fn arity(min: usize, max: usize) -> String {
    match (min, max) {
        (n, m) if n == m => format!("{n} argument{}", if n == 1 { "" } else { "s" }),
        (n, usize::MAX) => format!("at least {n} argument{}", if n == 1 { "" } else { "s" }),
        (n, m) => format!("{n} to {m} arguments"),
    }
}

/// Where the query's `SOURCE` starts (it is always the first command).
fn save_start(parser: &Parser) -> usize {
    parser
        .chars
        .iter()
        .position(|c| !c.is_whitespace())
        .unwrap_or(0)
}

/// A `START=`/`END=` value: epoch milliseconds, or a signed offset with a unit (`ms`, `s`, `m`,
/// `h`, `d`, `w`) from when the query starts.
fn source_time(text: &str) -> Option<SourceTime> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let split = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    let (digits, unit) = body.split_at(split);
    let amount: i64 = digits.parse().ok()?;
    let unit_ms: i64 = match unit {
        "" => return (!negative).then_some(SourceTime::Absolute(amount)),
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return None,
    };
    let offset = amount.checked_mul(unit_ms)?;
    Some(SourceTime::Relative(if negative {
        -offset
    } else {
        offset
    }))
}

impl Parser {
    /// `(SOURCE 'group' | ...)` after `field in`: a whole query up to the matching `)`.
    fn subquery(&mut self, left: Expr, negated: bool) -> Result<Expr, CompileError> {
        let open = self.pos;
        self.pos += 1;
        let Expr::Field(field) = left else {
            return Err(self.error_at(
                open,
                open + 1,
                "a subquery tests a field: filter field in (subquery)",
            ));
        };
        if !self.in_filter {
            return Err(self.error_at(open, open + 1, "a subquery is allowed only in filter"));
        }
        if self.nested {
            return Err(self.error_at(open, open + 1, "nested subqueries are not supported"));
        }
        self.nested = true;
        self.in_filter = false;
        let query = self.nested_query();
        self.nested = false;
        self.in_filter = true;
        let query = query?;
        let named = query.source.as_ref().is_some_and(|s| !s.names.is_empty());
        if !named {
            return Err(self.error_at(
                open,
                self.pos,
                "a subquery starts with SOURCE 'log-group-name' in this emulator",
            ));
        }
        Ok(Expr::Subquery(Box::new(Subquery {
            field,
            query,
            negated,
            values: Default::default(),
        })))
    }

    /// The commands of a subquery, through its closing `)`.
    fn nested_query(&mut self) -> Result<Query, CompileError> {
        // Whether the subquery itself calls unmask() (for the Infrequent Access check over
        // its groups); the outer query keeps the flag too, as it chooses how groups are read.
        let outer_calls_unmask = std::mem::take(&mut self.calls_unmask);
        let source = self.source_until_pipe()?;
        let mut commands = Vec::new();
        loop {
            self.skip_space();
            if self.at_end() {
                let at = self.pos;
                return Err(self.error_at(at, at, "expected ')' to close the subquery"));
            }
            if self.peek() == Some(')') && !commands.is_empty() {
                self.pos += 1;
                break;
            }
            commands.push(self.command()?);
            self.skip_space();
            if self.peek() == Some(')') || self.at_end() {
                continue;
            }
            let at = self.pos;
            if !self.eat_char('|') {
                let token = self.word_span(at);
                return Err(self.error_at(
                    at,
                    token,
                    format!(
                        "unexpected '{}': commands are separated by '|'",
                        self.slice(at, token)
                    ),
                ));
            }
        }
        let calls_unmask = self.calls_unmask;
        self.calls_unmask |= outer_calls_unmask;
        Ok(Query {
            commands,
            source,
            index_filter: None,
            unmask: false,
            calls_unmask,
            limit_any: false,
        })
    }

    /// A subquery's `SOURCE 'group' ... |`.
    fn source_until_pipe(&mut self) -> Result<Option<Source>, CompileError> {
        self.skip_space();
        let save = self.pos;
        if !self.eat_keyword("source") {
            return Ok(None);
        }
        self.skip_space();
        if matches!(self.peek(), Some('"' | '\'')) {
            return self.source_names().map(Some);
        }
        // `SOURCE lg | ...`: a bare group name (the Appendcols page's example).
        let at = self.pos;
        let mut end = at;
        while self
            .chars
            .get(end)
            .is_some_and(|c| !c.is_whitespace() && !matches!(c, '|' | ')' | '(' | '"' | '\''))
        {
            end += 1;
        }
        if end == at || self.chars.get(end) == Some(&'(') {
            return Err(self.error_at(
                save,
                self.word_span(at),
                "a subquery starts with SOURCE 'log-group-name' in this emulator",
            ));
        }
        let name = self.slice(at, end);
        self.pos = end;
        self.skip_space();
        let mut source = self.source_names()?;
        source.names.insert(0, name);
        Ok(Some(source))
    }
}

impl Query {
    /// The subqueries of the query's filters, in order.
    pub fn subqueries(&self) -> Vec<&Subquery> {
        fn walk<'q>(expr: &'q Expr, out: &mut Vec<&'q Subquery>) {
            match expr {
                Expr::Subquery(sub) => out.push(sub),
                Expr::Not(inner) | Expr::Negate(inner) => walk(inner, out),
                Expr::Binary(_, a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                Expr::Like { value, .. } => walk(value, out),
                Expr::In { value, list, .. } => {
                    walk(value, out);
                    list.iter().for_each(|e| walk(e, out));
                }
                Expr::Call(_, args) => args.iter().for_each(|e| walk(e, out)),
                Expr::Field(_) | Expr::Number(_) | Expr::Text(_) | Expr::Pattern(_) => {}
            }
        }
        let mut out = Vec::new();
        for command in &self.commands {
            if let Command::Filter(test) = command {
                walk(test, &mut out);
            }
        }
        out
    }
}

impl Parser {
    /// `join [type=inner|left] left=a right=b where a.key=b.key (SOURCE 'group')` after `join`
    /// (at `start..end`).
    fn join(&mut self, start: usize, end: usize) -> Result<Command, CompileError> {
        let mut options: [Option<String>; 3] = [None, None, None];
        while let Some((word, at, word_end)) = self.peek_word() {
            let slot = match word.to_ascii_lowercase().as_str() {
                "type" => 0,
                "left" => 1,
                "right" => 2,
                "where" => break,
                _ => {
                    return Err(self.error_at(
                        at,
                        word_end,
                        format!("unexpected '{word}': join takes type=, left=, right= and where"),
                    ))
                }
            };
            self.pos = word_end;
            self.expect_char('=', "'=' after the join option")?;
            self.skip_space();
            let value = self.field_name()?;
            if options[slot].replace(value).is_some() {
                return Err(self.error_at(at, self.pos, format!("{word} is given twice")));
            }
        }
        let keep_unmatched = match options[0]
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("inner") => false,
            Some("left") => true,
            Some(other) => {
                return Err(self.error_at(
                    start,
                    self.pos,
                    format!("join type={other} is not a join type: inner or left"),
                ))
            }
        };
        let (Some(left), Some(right)) = (options[1].take(), options[2].take()) else {
            return Err(self.error_at(start, end, "join needs left=<alias> and right=<alias>"));
        };
        if left == right {
            return Err(self.error_at(start, self.pos, "the join aliases must differ"));
        }
        if !self.eat_keyword("where") {
            let at = self.pos;
            return Err(self.error_at(
                at,
                self.word_span(at),
                "expected where <left>.<field>=<right>.<field>",
            ));
        }
        self.skip_space();
        let condition_at = self.pos;
        // Field names, not expressions: `b.key (SOURCE ...)` must not read as a call.
        let a = self.field_name()?;
        self.skip_space();
        let equality = self.peek() == Some('=') && self.peek_at(1) != Some('~');
        let b = if equality {
            self.pos += 1;
            self.skip_space();
            self.field_name().ok()
        } else {
            None
        };
        let only_equality = |parser: &Self| {
            parser.error_at(
                condition_at,
                parser.word_span(parser.pos).max(parser.pos),
                format!("join takes one equality: where {left}.<field>={right}.<field>"),
            )
        };
        let Some(b) = b else {
            return Err(only_equality(self));
        };
        let side = |name: &str| {
            let l = name
                .strip_prefix(left.as_str())
                .and_then(|r| r.strip_prefix('.'));
            let r = name
                .strip_prefix(right.as_str())
                .and_then(|r| r.strip_prefix('.'));
            (l.map(str::to_owned), r.map(str::to_owned))
        };
        let (left_key, right_key) = match (side(&a), side(&b)) {
            ((Some(l), _), (_, Some(r))) | ((_, Some(r)), (Some(l), _)) => (l, r),
            _ => {
                let mut error = only_equality(self);
                error.end = self.pos;
                return Err(error);
            }
        };
        self.skip_space();
        let open = self.pos;
        if !self.eat_char('(') {
            return Err(self.error_at(
                open,
                self.word_span(open),
                "expected (SOURCE 'log-group-name') after the join condition",
            ));
        }
        self.skip_space();
        if !self.eat_keyword("source") {
            let at = self.pos;
            return Err(self.error_at(
                at,
                self.word_span(at),
                "expected SOURCE 'log-group-name' inside the join's parentheses",
            ));
        }
        let mut groups = Vec::new();
        loop {
            self.skip_space();
            if !matches!(self.peek(), Some('"' | '\'')) {
                break;
            }
            let at = self.pos;
            let name = self.string()?;
            if name.is_empty() {
                return Err(self.error_at(at, self.pos, "a log group name cannot be empty"));
            }
            groups.push(name);
        }
        if groups.is_empty() {
            let at = self.pos;
            return Err(self.error_at(
                at,
                self.word_span(at),
                "expected SOURCE 'log-group-name' inside the join's parentheses",
            ));
        }
        self.skip_space();
        if !self.eat_char(')') {
            let at = self.pos;
            return Err(self.error_at(
                at,
                self.word_span(at),
                "subqueries on the right side of join are not supported",
            ));
        }
        Ok(Command::Join(Box::new(Join {
            keep_unmatched,
            left,
            right,
            left_key,
            right_key,
            groups,
            table: Default::default(),
        })))
    }
}

impl Parser {
    /// `appendcols [override=true|false] [max=n] ( subquery )` after `appendcols` (at
    /// `start..end`).
    fn append_cols(&mut self, start: usize, end: usize) -> Result<Command, CompileError> {
        let mut override_fields = None;
        let mut max = None;
        while let Some((word, at, word_end)) = self.peek_word() {
            let option = word.to_ascii_lowercase();
            let assigned = self.chars[word_end..]
                .iter()
                .find(|c| !c.is_whitespace())
                .is_some_and(|c| *c == '=');
            if !assigned {
                break;
            }
            if !matches!(option.as_str(), "override" | "max") {
                return Err(self.error_at(
                    at,
                    word_end,
                    format!("unexpected '{word}': appendcols takes override=, max= and (subquery)"),
                ));
            }
            self.pos = word_end;
            self.expect_char('=', "'=' after the appendcols option")?;
            self.skip_space();
            let value_at = self.pos;
            let value_end = self.word_span(value_at).min(
                (value_at..self.chars.len())
                    .find(|&i| self.chars[i] == '(')
                    .unwrap_or(self.chars.len()),
            );
            let value = self.slice(value_at, value_end);
            let bad = |parser: &Self, what: &str| {
                parser.error_at(
                    value_at,
                    value_end,
                    format!("appendcols {option}={value} is not valid: {option} takes {what}"),
                )
            };
            let given_twice = match option.as_str() {
                "override" => {
                    let flag = match value.to_ascii_lowercase().as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(bad(self, "true or false")),
                    };
                    override_fields.replace(flag).is_some()
                }
                _ => {
                    let rows = value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=crate::limits::MAX_APPENDCOLS_ROWS).contains(n));
                    let Some(rows) = rows else {
                        return Err(bad(self, "a number of rows from 1 to 100000"));
                    };
                    max.replace(rows).is_some()
                }
            };
            if given_twice {
                return Err(self.error_at(at, value_end, format!("{word} is given twice")));
            }
            self.pos = value_end;
        }
        self.skip_space();
        let open = self.pos;
        if !self.eat_char('(') {
            return Err(self.error_at(
                start,
                self.word_span(open).max(end),
                "appendcols takes a subquery in parentheses: appendcols [override=true|false] [max=n] (subquery)",
            ));
        }
        if self.nested {
            return Err(self.error_at(open, open + 1, "nested subqueries are not supported"));
        }
        self.nested = true;
        let query = self.nested_query();
        self.nested = false;
        let query = query?;
        let inner = query.commands.iter().find_map(|c| match c {
            Command::Join(_) => Some("join"),
            Command::AppendCols(_) => Some("appendcols"),
            _ => None,
        });
        if let Some(command) = inner {
            return Err(self.error_at(
                open,
                self.pos,
                format!("{command} is not supported inside the subquery of appendcols"),
            ));
        }
        Ok(Command::AppendCols(Box::new(AppendCols {
            override_fields: override_fields.unwrap_or(false),
            max: max.unwrap_or(crate::limits::DEFAULT_APPENDCOLS_ROWS),
            query,
            rows: Default::default(),
        })))
    }
}

impl Query {
    /// The query's `appendcols` commands, in order.
    pub fn append_cols(&self) -> impl Iterator<Item = &AppendCols> {
        self.commands.iter().filter_map(|c| match c {
            Command::AppendCols(append) => Some(&**append),
            _ => None,
        })
    }

    /// The query's `join`, when it has one.
    pub fn join(&self) -> Option<&Join> {
        self.commands.iter().find_map(|c| match c {
            Command::Join(join) => Some(&**join),
            _ => None,
        })
    }
}

// Group b: `sessionize` and `expand` (the Sessionize and Expand pages).
impl Parser {
    /// `sessionize field[, field ...] [maxspan duration] [AS out]` after `sessionize` (at
    /// `start..end`).
    fn sessionize(&mut self, start: usize, end: usize) -> Result<Command, CompileError> {
        let mut fields = Vec::new();
        loop {
            match self.peek_word() {
                Some((word, ..))
                    if word.eq_ignore_ascii_case("maxspan") || word.eq_ignore_ascii_case("as") =>
                {
                    if !fields.is_empty() {
                        break;
                    }
                    return Err(self.error_at(
                        start,
                        end,
                        "sessionize needs one or more identity fields: sessionize field, ...",
                    ));
                }
                Some(_) => {}
                None if self.peek() == Some('`') => {}
                None => {
                    return Err(self.error_at(
                        start,
                        end,
                        "sessionize needs one or more identity fields: sessionize field, ...",
                    ))
                }
            }
            fields.push(self.field_name()?);
            if !self.eat_char(',') {
                break;
            }
        }
        let mut max_span_ms = 30 * 60_000;
        if self.eat_keyword("maxspan") {
            self.skip_space();
            let at = self.pos;
            let word = self.peek_word().map(|(w, _, e)| (w, e));
            match word.as_ref().and_then(|(w, _)| duration_ms(w)) {
                Some(ms) if ms > 0 => {
                    max_span_ms = ms;
                    self.pos = word.map_or(at, |(_, e)| e);
                }
                _ => {
                    return Err(self.error_at(
                        at,
                        self.word_span(at),
                        "maxspan takes a positive duration such as 30m, 1h, 45s or 2d",
                    ))
                }
            }
        }
        let out = if self.eat_keyword("as") {
            self.field_name()?
        } else {
            "session_id".to_owned()
        };
        Ok(Command::Sessionize(Sessionize {
            fields,
            max_span_ms,
            out,
        }))
    }
}

// Group a: filldown, fillmissing, accum, autoregress (their AWS pages,
// CWL_QuerySyntax-<Name>).

/// `fillmissing`: the constants of the rows it inserts, and the `stats ... by bin()` it
/// follows (bound after parsing).
#[derive(Debug, Clone, Default)]
pub struct FillMissing {
    /// `with value for field`, in order.
    pub constants: Vec<(String, super::value::Value)>,
    /// The bin field's name and period text (`bin(1m)`: `1m`).
    pub bin: Option<(String, String)>,
    /// Every `by` field of that stats, in order (the rows are re-sorted by them).
    pub by: Vec<String>,
}

/// `autoregress`: the field, the lags and the names they take.
#[derive(Debug, Clone)]
pub struct Autoregress {
    /// The field lagged.
    pub field: String,
    /// `(lag, output name)` for each lag of `p=start-end`.
    pub lags: Vec<(usize, String)>,
}

/// The deepest lag `autoregress` takes: the page gives none; a bound keeps `p=1-1000000` from
/// making a million fields per row.
const MAX_AUTOREGRESS_LAG: usize = 100;

/// Binds each `fillmissing` to the last `stats` before it, which must group by `bin()`.
fn bind_fill_missing(commands: &mut [Command], spans: &[Span]) -> Result<(), CompileError> {
    for at in 0..commands.len() {
        if !matches!(commands[at], Command::FillMissing(_)) {
            continue;
        }
        let binding = commands[..at].iter().rev().find_map(|c| match c {
            Command::Stats { by, .. } => Some(by),
            _ => None,
        });
        let bin = binding.and_then(|by| {
            by.iter().find_map(|p| match &p.expr {
                Expr::Call(Function::Bin, args) => match args.first() {
                    Some(Expr::Text(text)) if super::value::period(text).is_some() => {
                        Some((p.name.clone(), text.clone()))
                    }
                    _ => None,
                },
                _ => None,
            })
        });
        let Some(bin) = bin else {
            return Err(spans[at].error("fillmissing must follow stats ... by bin()"));
        };
        let by = binding
            .map(|by| by.iter().map(|p| p.name.clone()).collect())
            .unwrap_or_default();
        if let Command::FillMissing(fill) = &mut commands[at] {
            fill.bin = Some(bin);
            fill.by = by;
        }
    }
    Ok(())
}

impl Parser {
    /// The arguments of `filldown`, `fillmissing`, `accum` or `autoregress`.
    fn group_a(&mut self, command: &str) -> Result<Command, CompileError> {
        match command {
            "filldown" => self.fill_down(),
            "fillmissing" => self.fill_missing(),
            "accum" => {
                let field = self.field_name()?;
                let out = if self.eat_keyword("as") {
                    self.field_name()?
                } else {
                    field.clone()
                };
                Ok(Command::Accum { field, out })
            }
            _ => self.autoregress(),
        }
    }

    /// `filldown [field|pattern ...]`: names or `*` patterns, separated by spaces or commas.
    fn fill_down(&mut self) -> Result<Command, CompileError> {
        let mut fields = Vec::new();
        loop {
            if !fields.is_empty() {
                self.eat_char(',');
            }
            self.skip_space();
            match self.peek() {
                None | Some('|') => return Ok(Command::FillDown(fields)),
                Some('`') => fields.push(self.backticked()?),
                Some(c) if Self::is_word_char(c) || c == '*' => {
                    let start = self.pos;
                    while self
                        .peek()
                        .is_some_and(|c| Self::is_word_char(c) || c == '*')
                    {
                        self.pos += 1;
                    }
                    fields.push(self.slice(start, self.pos));
                }
                Some(_) => {
                    let at = self.pos;
                    return Err(self.error_at(
                        at,
                        self.word_span(at),
                        "filldown takes field names or wildcard patterns such as cpu*",
                    ));
                }
            }
        }
    }

    /// `fillmissing [with value for field [, value for field ...]]`.
    fn fill_missing(&mut self) -> Result<Command, CompileError> {
        let mut fill = FillMissing::default();
        if !self.eat_keyword("with") {
            return Ok(Command::FillMissing(Box::new(fill)));
        }
        loop {
            let value = self.fill_value()?;
            if !self.eat_keyword("for") {
                let at = self.pos;
                return Err(self.error_at(
                    at,
                    self.word_span(at),
                    "expected 'for' and a field: fillmissing with value for field",
                ));
            }
            let field = self.field_name()?;
            fill.constants.push((field, value));
            if !self.eat_char(',') {
                return Ok(Command::FillMissing(Box::new(fill)));
            }
        }
    }

    /// A constant of `fillmissing`: a number or a quoted text.
    fn fill_value(&mut self) -> Result<super::value::Value, CompileError> {
        use super::value::Value;
        self.skip_space();
        let start = self.pos;
        if matches!(self.peek(), Some('"' | '\'')) {
            return self.string().map(Value::Text);
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        {
            self.pos += 1;
        }
        let text = self.slice(start, self.pos);
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() && !text.is_empty() => Ok(Value::Number(n)),
            _ => Err(self.error_at(
                start,
                self.word_span(start),
                "fillmissing takes a number or a quoted text: with value for field",
            )),
        }
    }

    /// `autoregress field [as alias] [p=start[-end]]`.
    fn autoregress(&mut self) -> Result<Command, CompileError> {
        let field = self.field_name()?;
        let alias = if self.eat_keyword("as") {
            Some(self.field_name()?)
        } else {
            None
        };
        let (mut first, mut last) = (1, 1);
        let mut range = false;
        if let Some((word, at, end)) = self.peek_word() {
            if word.eq_ignore_ascii_case("p") {
                self.pos = end;
                self.expect_char('=', "'=' after p: p=start[-end]")?;
                self.skip_space();
                first = self.lag()?;
                last = first;
                if self.peek() == Some('-') {
                    self.pos += 1;
                    last = self.lag()?;
                    range = true;
                }
                if last < first {
                    return Err(self.error_at(
                        at,
                        self.pos,
                        "autoregress p=start-end needs end at least start",
                    ));
                }
            }
        }
        let base = alias.clone().unwrap_or_else(|| field.clone());
        let lags = (first..=last)
            .map(|lag| match &alias {
                Some(alias) if !range => (lag, alias.clone()),
                _ => (lag, format!("{base}_p{lag}")),
            })
            .collect();
        Ok(Command::Autoregress(Autoregress { field, lags }))
    }

    /// One lag of `autoregress`'s `p=`: a whole number from 1 to [`MAX_AUTOREGRESS_LAG`].
    fn lag(&mut self) -> Result<usize, CompileError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        match self.slice(start, self.pos).parse::<usize>() {
            Ok(n) if (1..=MAX_AUTOREGRESS_LAG).contains(&n) => Ok(n),
            _ => Err(self.error_at(
                start,
                self.word_span(start),
                format!("autoregress p takes whole numbers from 1 to {MAX_AUTOREGRESS_LAG}"),
            )),
        }
    }
}

/// The `cidrlookup` command: which table, the IP field, and the columns it adds.
#[derive(Debug, Clone)]
pub struct CidrLookup {
    /// The lookup table's name.
    pub table: String,
    /// Where the table's name stands in the query (for the binding errors).
    pub table_span: (usize, usize),
    /// The event field holding the IP address.
    pub ip_field: String,
    /// The table's column of CIDR ranges (`None`: the column named `cidr`, else the first).
    pub cidr_column: Option<String>,
    /// `(table column, field name)` pairs added to a matching row.
    pub outputs: Vec<(String, String)>,
    /// `OUTPUTNEW`: only fields the row lacks (or has empty) are filled.
    pub only_new: bool,
    /// The table's ranges, bound at StartQuery ([`Query::bind_lookups`]).
    pub bound: Option<std::sync::Arc<CidrIndex>>,
}

/// A lookup table as `cidrlookup` reads it: its ranges, most specific first, with the output
/// values of their rows.
#[derive(Debug, Clone, Default)]
pub struct CidrIndex {
    /// The names the output values take.
    pub names: Vec<String>,
    /// `(range, output values)`, longest prefix first, then in file order.
    pub ranges: Vec<(CidrRange, Vec<String>)>,
}

/// An IPv4 or IPv6 range: both kinds as 128-bit numbers (IPv4 in the low 32 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CidrRange {
    /// The network address.
    pub network: u128,
    /// The prefix length.
    pub prefix: u32,
    /// IPv4 (else IPv6).
    pub v4: bool,
}

impl CidrRange {
    /// `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a range of one).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u32>().ok()?)),
            None => (text, None),
        };
        let (bits, v4, width) = ip_bits(address)?;
        let prefix = prefix.unwrap_or(width);
        if prefix > width {
            return None;
        }
        Some(CidrRange {
            network: bits & Self::mask(prefix, width),
            prefix,
            v4,
        })
    }

    fn mask(prefix: u32, width: u32) -> u128 {
        let all = if width == 32 {
            u128::from(u32::MAX)
        } else {
            u128::MAX
        };
        if prefix == 0 {
            0
        } else {
            all & !((1u128 << (width - prefix)) - 1)
        }
    }

    /// Whether the address is in the range.
    pub fn contains(&self, address: &str) -> bool {
        match ip_bits(address.trim()) {
            Some((bits, v4, width)) if v4 == self.v4 => {
                bits & Self::mask(self.prefix, width) == self.network
            }
            _ => false,
        }
    }
}

/// An address as `(bits, is IPv4, width in bits)`.
fn ip_bits(text: &str) -> Option<(u128, bool, u32)> {
    match text.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(a) => Some((u128::from(u32::from(a)), true, 32)),
        std::net::IpAddr::V6(a) => Some((u128::from(a), false, 128)),
    }
}

/// The `outlier` command's options and fields.
#[derive(Debug, Clone)]
pub struct Outlier {
    /// `action=remove` drops outlier rows; `transform` (the default) clamps the value.
    pub remove: bool,
    /// `param`: the IQR multiplier (default 2.5).
    pub param: f64,
    /// `uselower`: also values below the lower bound (default false).
    pub use_lower: bool,
    /// `mark`: adds the boolean field [`OUTLIER_MARK`] (default false).
    pub mark: bool,
    /// The numeric fields checked.
    pub fields: Vec<String>,
}

/// The field `outlier mark=true` adds: whether the row had an outlier value.
pub const OUTLIER_MARK: &str = "_outlier";

/// The field `countFrequent` adds (the CountFrequent page).
pub const APPROX_COUNT: &str = "_approxcount";

/// Group c's parsers: `cidrlookup`, `outlier`, `countFrequent`, `relevantfields`.
impl Parser {
    /// `cidrlookup table ipField [AS cidrColumn] OUTPUT|OUTPUTNEW column [AS name], ...`.
    fn cidr_lookup(&mut self) -> Result<Command, CompileError> {
        const FORM: &str =
            "cidrlookup takes a table, an IP field and OUTPUT or OUTPUTNEW with the columns: cidrlookup table ipField [AS cidrColumn] OUTPUT column, ...";
        self.skip_space();
        let table_start = self.pos;
        let table = self.field_name()?;
        let table_span = (table_start, self.pos);
        let is_output = |word: &str| {
            word.eq_ignore_ascii_case("output") || word.eq_ignore_ascii_case("outputnew")
        };
        if let Some((word, start, end)) = self.peek_word() {
            if is_output(&word) {
                return Err(self.error_at(start, end, FORM));
            }
        }
        let ip_field = self.field_name()?;
        let cidr_column = if self.eat_keyword("as") {
            Some(self.field_name()?)
        } else {
            None
        };
        let only_new = match self.peek_word() {
            Some((word, _, end)) if is_output(&word) => {
                self.pos = end;
                word.eq_ignore_ascii_case("outputnew")
            }
            _ => {
                let at = self.pos;
                return Err(self.error_at(at, self.word_span(at), FORM));
            }
        };
        let mut outputs = Vec::new();
        loop {
            let column = self.field_name()?;
            let name = if self.eat_keyword("as") {
                self.field_name()?
            } else {
                column.clone()
            };
            outputs.push((column, name));
            if !self.eat_char(',') {
                break;
            }
        }
        Ok(Command::CidrLookup(Box::new(CidrLookup {
            table,
            table_span,
            ip_field,
            cidr_column,
            outputs,
            only_new,
            bound: None,
        })))
    }

    /// `outlier [action=remove|transform] [param=n] [uselower=bool] [mark=bool] field ...`.
    fn outlier(&mut self) -> Result<Command, CompileError> {
        let mut outlier = Outlier {
            remove: false,
            param: 2.5,
            use_lower: false,
            mark: false,
            fields: Vec::new(),
        };
        while let Some((word, start, end)) = self.peek_word() {
            let option = word.to_ascii_lowercase();
            if !matches!(option.as_str(), "action" | "param" | "uselower" | "mark")
                || self.chars.get(end) != Some(&'=')
            {
                break;
            }
            self.pos = end + 1;
            let value_at = self.pos;
            let value = self
                .peek_word()
                .map(|(v, _, e)| (v.to_ascii_lowercase(), e));
            let value_end = self.word_span(value_at);
            let bad = |parser: &Self, what: &str| {
                parser.error_at(start, value_end, format!("outlier: {word}= takes {what}"))
            };
            let Some((value, v_end)) = value else {
                return Err(bad(self, "a value"));
            };
            match option.as_str() {
                "action" => {
                    outlier.remove = match value.as_str() {
                        "remove" => true,
                        "transform" => false,
                        _ => return Err(bad(self, "remove or transform")),
                    }
                }
                "param" => match value.parse::<f64>() {
                    Ok(n) if n.is_finite() && n >= 0.0 => outlier.param = n,
                    _ => return Err(bad(self, "a non-negative number")),
                },
                _ => {
                    let flag = match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(bad(self, "true or false")),
                    };
                    if option == "uselower" {
                        outlier.use_lower = flag;
                    } else {
                        outlier.mark = flag;
                    }
                }
            }
            self.pos = v_end;
        }
        loop {
            self.skip_space();
            if self.at_end() || self.peek() == Some('|') {
                break;
            }
            outlier.fields.push(self.field_name()?);
            // The page separates the fields with spaces; commas are taken too.
            self.eat_char(',');
        }
        if outlier.fields.is_empty() {
            let at = self.pos;
            return Err(self.error_at(
                at,
                self.word_span(at),
                "outlier needs one or more numeric fields: outlier [options] field [field ...]",
            ));
        }
        Ok(Command::Outlier(outlier))
    }

    /// `countFrequent field[, field ...]`.
    fn count_frequent(&mut self) -> Result<Command, CompileError> {
        self.skip_space();
        if self.at_end() || self.peek() == Some('|') {
            let at = self.pos;
            return Err(self.error_at(
                at,
                self.word_span(at),
                "countFrequent needs one or more fields: countFrequent field[, field ...]",
            ));
        }
        let mut fields = Vec::new();
        loop {
            fields.push(self.field_name()?);
            if !self.eat_char(',') {
                break;
            }
        }
        Ok(Command::CountFrequent(fields))
    }

    /// `relevantfields [field1, field2, ...] where condition`.
    fn relevant_fields(&mut self) -> Result<Command, CompileError> {
        let mut fields = Vec::new();
        loop {
            match self.peek_word() {
                Some((word, _, end)) if word.eq_ignore_ascii_case("where") => {
                    self.pos = end;
                    break;
                }
                Some(_) => {}
                None if self.peek() == Some('`') => {}
                None => {
                    let at = self.pos;
                    return Err(self.error_at(
                        at,
                        self.word_span(at),
                        "relevantfields needs a condition: relevantfields [field, ...] where condition",
                    ));
                }
            }
            fields.push(self.field_name()?);
            self.eat_char(',');
        }
        self.in_filter = true;
        let condition = self.expr();
        self.in_filter = false;
        Ok(Command::RelevantFields {
            fields,
            condition: condition?,
        })
    }
}

impl Query {
    /// Binds each `cidrlookup` to its table's ranges, like [`Query::bind_lookups`]: a missing
    /// table or column is a compile error at the table's name. Rows whose range is not a CIDR
    /// or an address never match.
    fn bind_cidr_lookups<R: LookupSource>(
        &mut self,
        table: &mut impl FnMut(&str) -> Option<R>,
    ) -> Result<(), CompileError> {
        for command in &mut self.commands {
            let Command::CidrLookup(lookup) = command else {
                continue;
            };
            let source = OpenTable::open(&mut *table, &lookup.table, lookup.table_span)?;
            let fields = source.table.fields();
            let column = |name: &str| source.column(name);
            let cidr = match &lookup.cidr_column {
                Some(name) => column(name)?,
                None => fields
                    .iter()
                    .position(|f| f.eq_ignore_ascii_case("cidr"))
                    .unwrap_or(0),
            };
            let outputs = lookup
                .outputs
                .iter()
                .map(|(c, _)| column(c))
                .collect::<Result<Vec<_>, _>>()?;
            let mut ranges: Vec<(CidrRange, Vec<String>)> = source
                .table
                .rows()
                .iter()
                .filter_map(|row| {
                    let range = CidrRange::parse(row.get(cidr)?)?;
                    Some((range, outputs.iter().map(|&i| row[i].clone()).collect()))
                })
                .collect();
            // Stable: among equal prefixes the file's first row wins.
            ranges.sort_by_key(|(range, _)| std::cmp::Reverse(range.prefix));
            lookup.bound = Some(std::sync::Arc::new(CidrIndex {
                names: lookup.outputs.iter().map(|(_, n)| n.clone()).collect(),
                ranges,
            }));
        }
        Ok(())
    }
}

// The time-series functions page: rate, count_over_time, sum_over_time, histogram, and
// `stats ... by bin(period) offset duration`.
impl Parser {
    /// The number an aggregation takes after its field: `pct`'s percentile, `rate`'s
    /// interval (milliseconds), `histogram`'s bucket count; 0 for the others.
    fn aggregation_parameter(&mut self, function: AggregateFunction) -> Result<f64, CompileError> {
        let (what, check): (&str, fn(&Expr) -> Option<f64>) = match function {
            AggregateFunction::Pct => (
                "the percentile must be a number from 0 to 100",
                |e| match e {
                    Expr::Number(p) if (0.0..=100.0).contains(p) => Some(*p),
                    _ => None,
                },
            ),
            AggregateFunction::Rate => (
                "rate() takes an interval such as 1s, 5m or 1h: rate(field, 1m)",
                |e| match e {
                    Expr::Text(t) => super::value::duration_ms(t).map(|ms| ms as f64),
                    _ => None,
                },
            ),
            AggregateFunction::Histogram => (
                "histogram() takes a whole number of buckets from 1 to 1000: histogram(field, 10)",
                |e| match e {
                    Expr::Number(n)
                        if n.fract() == 0.0
                            && (1.0..=crate::limits::MAX_HISTOGRAM_BUCKETS as f64).contains(n) =>
                    {
                        Some(*n)
                    }
                    _ => None,
                },
            ),
            _ => return Ok(0.0),
        };
        let name = match function {
            AggregateFunction::Pct => "a percentile in pct(field, percentile)",
            AggregateFunction::Rate => "an interval in rate(field, interval)",
            _ => "a bucket count in histogram(field, buckets)",
        };
        self.expect_char(',', &format!("',' and {name}"))?;
        self.skip_space();
        let at = self.pos;
        let value = self.expr()?;
        check(&value).ok_or_else(|| self.error_at(at, self.pos, what))
    }

    /// `offset duration` after `stats ... by`: the `bin()` groups get a second argument, the
    /// shift in milliseconds (events at t fall in bin(t + shift)). Without a `bin()` among
    /// the groups, `offset` is an error at its word.
    fn bin_offset(&mut self, by: &mut [Projection]) -> Result<(), CompileError> {
        let Some((word, start, end)) = self.peek_word() else {
            return Ok(());
        };
        if !word.eq_ignore_ascii_case("offset") {
            return Ok(());
        }
        let bins: Vec<&mut Vec<Expr>> = by
            .iter_mut()
            .filter_map(|p| match &mut p.expr {
                Expr::Call(Function::Bin, args) => Some(args),
                _ => None,
            })
            .collect();
        if bins.is_empty() {
            return Err(self.error_at(
                start,
                end,
                "offset must follow stats ... by bin(period): stats count(*) by bin(5m) offset 1h",
            ));
        }
        self.pos = end;
        let shift = match self.peek_word() {
            Some((text, at, after)) => match super::value::duration_ms(&text) {
                Some(ms) => {
                    self.pos = after;
                    ms
                }
                None => {
                    return Err(self.error_at(
                        at,
                        after,
                        "offset takes a duration such as 5m, 1h or 1d",
                    ))
                }
            },
            None => {
                let at = self.pos;
                return Err(self.error_at(
                    at,
                    self.word_span(at),
                    "offset takes a duration such as 5m, 1h or 1d",
                ));
            }
        };
        for args in bins {
            args.push(Expr::Number(shift as f64));
        }
        Ok(())
    }
}

impl Query {
    /// The `offset` of the query's `stats ... by bin() offset d`, in milliseconds (0 without
    /// one): the events read are those of the window moved back by it (PromQL's offset).
    pub fn bin_offset_ms(&self) -> i64 {
        self.commands
            .iter()
            .filter_map(|c| match c {
                Command::Stats { by, .. } => Some(by),
                _ => None,
            })
            .flatten()
            .find_map(|p| match &p.expr {
                Expr::Call(Function::Bin, args) => match args.get(1) {
                    Some(Expr::Number(ms)) => Some(*ms as i64),
                    _ => None,
                },
                _ => None,
            })
            .unwrap_or(0)
    }
}
