//! Lookup tables (CreateLookupTable & co): named CSV tables of a region, kept as given and
//! parsed once, so Logs Insights' `lookup` command reads a [`ParsedTable`] without parsing
//! per query ([`super::Region::lookup_table`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::resources::Resource;
use crate::error::LogsError;
use crate::limits::MAX_LOOKUP_TABLES;

/// A CSV table: its header and its rows, every row as wide as the header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedTable {
    /// The column names, from the header row, in order.
    pub fields: Vec<String>,
    /// The data rows, in file order; `rows[i][j]` is column `fields[j]` of row `i`.
    pub rows: Vec<Vec<String>>,
}

impl crate::insights::LookupSource for Arc<ParsedTable> {
    fn fields(&self) -> &[String] {
        &self.fields
    }

    fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }
}

impl ParsedTable {
    /// Parses RFC 4180 CSV (quoted fields with `""` escapes and embedded commas or line
    /// breaks; LF or CRLF line ends; a final line end optional). The first row is the header:
    /// non-empty, unique names. Blank lines are skipped. The error says what is wrong.
    pub fn parse(csv: &str) -> Result<Self, String> {
        let mut records = parse_records(csv)?.into_iter();
        let fields = records
            .next()
            .ok_or_else(|| "The table has no header row.".to_owned())?;
        if let Some(empty) = fields.iter().position(String::is_empty) {
            return Err(format!(
                "Column {} of the header row has no name.",
                empty + 1
            ));
        }
        for (i, name) in fields.iter().enumerate() {
            if fields[..i].contains(name) {
                return Err(format!("The header row names column {name} twice."));
            }
        }
        let rows: Vec<Vec<String>> = records.collect();
        if let Some((line, row)) = rows
            .iter()
            .enumerate()
            .find(|(_, row)| row.len() != fields.len())
        {
            return Err(format!(
                "Row {} has {} fields; the header row has {}.",
                line + 2,
                row.len(),
                fields.len()
            ));
        }
        Ok(Self { fields, rows })
    }

    /// The index of the column called `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f == name)
    }

    /// The first row whose column `key` (an index from [`ParsedTable::column`]) equals
    /// `value`, as `lookup` matches (exact, case-sensitive).
    pub fn find(&self, key: usize, value: &str) -> Option<&[String]> {
        self.rows
            .iter()
            .find(|row| row.get(key).is_some_and(|v| v == value))
            .map(Vec::as_slice)
    }

    /// A Logs Insights query's rows as a table: one column per field in the order fields
    /// first appear (`@ptr` left out), empty where a row lacks the field; `None` when the
    /// rows have no fields.
    pub fn from_rows(rows: &[Vec<(String, String)>]) -> Option<Self> {
        let mut fields: Vec<String> = Vec::new();
        for (field, _) in rows.iter().flatten() {
            if field != "@ptr" && !fields.contains(field) {
                fields.push(field.clone());
            }
        }
        if fields.is_empty() {
            return None;
        }
        let rows = rows
            .iter()
            .map(|row| {
                fields
                    .iter()
                    .map(|f| {
                        row.iter()
                            .find(|(name, _)| name == f)
                            .map(|(_, value)| value.clone())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .collect();
        Some(Self { fields, rows })
    }

    /// The table as CSV, quoting what needs quotes (a query's results as a table body).
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        for row in std::iter::once(&self.fields).chain(&self.rows) {
            let cells: Vec<String> = row
                .iter()
                .map(|cell| {
                    if cell.contains([',', '"', '\n', '\r']) {
                        format!("\"{}\"", cell.replace('"', "\"\""))
                    } else {
                        cell.clone()
                    }
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

/// Splits CSV into records of fields; blank lines are skipped.
fn parse_records(csv: &str) -> Result<Vec<Vec<String>>, String> {
    let csv = csv.strip_prefix('\u{feff}').unwrap_or(csv);
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = csv.chars().peekable();
    let mut line = 1;
    let mut started = false;
    let end_record = |record: &mut Vec<String>, field: &mut String, records: &mut Vec<_>| {
        record.push(std::mem::take(field));
        let done = std::mem::take(record);
        if !(done.len() == 1 && done[0].is_empty()) {
            records.push(done);
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' if field.is_empty() && !started => {
                started = true;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                        None => return Err(format!("Line {line} has an unterminated quote.")),
                    }
                }
                if !matches!(chars.peek(), None | Some(',' | '\n' | '\r')) {
                    return Err(format!("Line {line} has text after a closing quote."));
                }
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                started = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                end_record(&mut record, &mut field, &mut records);
                started = false;
                line += 1;
            }
            c => {
                started = true;
                field.push(c);
            }
        }
    }
    if !record.is_empty() || !field.is_empty() {
        end_record(&mut record, &mut field, &mut records);
    }
    Ok(records)
}

/// A lookup table.
#[derive(Debug, Clone)]
pub struct LookupTable {
    /// Its name (the key).
    pub name: String,
    /// `arn:<p>:logs:<region>:<account>:lookup-table:<name>`.
    pub arn: String,
    /// `description`.
    pub description: Option<String>,
    /// The CSV, as given (or made from a query's results).
    pub body: Arc<str>,
    /// The CSV, parsed.
    pub parsed: Arc<ParsedTable>,
    /// `kmsKeyId` (shown; nothing is encrypted).
    pub kms_key_id: Option<String>,
    /// When its content last changed, epoch milliseconds.
    pub last_updated: i64,
    /// Its tags (TagResource on its ARN).
    pub tags: BTreeMap<String, String>,
}

impl Resource for LookupTable {
    const LISTING: &'static str = "DescribeLookupTables";
    const LIMIT: usize = MAX_LOOKUP_TABLES;
    fn key(&self) -> &str {
        &self.name
    }
    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("The specified lookup table does not exist.".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_quotes_crlf_and_blank_lines() {
        let table = ParsedTable::parse(
            "id,name,note\r\n1,alice,\"says \"\"hi\"\", twice\"\r\n\r\n2,bob,\"two\nlines\"\n",
        )
        .unwrap();
        assert_eq!(table.fields, ["id", "name", "note"]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0][2], "says \"hi\", twice");
        assert_eq!(table.rows[1][2], "two\nlines");
        let id = table.column("id").unwrap();
        assert_eq!(table.find(id, "2").unwrap()[1], "bob");
        assert!(table.find(id, "3").is_none());
        assert_eq!(ParsedTable::parse(&table.to_csv()).unwrap(), table);
        assert_eq!(ParsedTable::parse("a,b\n1,").unwrap().rows, [["1", ""]]);
    }

    #[test]
    fn malformed_csv_says_what_is_wrong() {
        assert_eq!(
            ParsedTable::parse("").unwrap_err(),
            "The table has no header row."
        );
        assert_eq!(
            ParsedTable::parse("a,a\n1,2").unwrap_err(),
            "The header row names column a twice."
        );
        assert_eq!(
            ParsedTable::parse("a,b\n1,2,3").unwrap_err(),
            "Row 2 has 3 fields; the header row has 2."
        );
        assert_eq!(
            ParsedTable::parse("a\n\"open").unwrap_err(),
            "Line 2 has an unterminated quote."
        );
        assert_eq!(
            ParsedTable::parse("a,\n1,2").unwrap_err(),
            "Column 2 of the header row has no name."
        );
    }
}
