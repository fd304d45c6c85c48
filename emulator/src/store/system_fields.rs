//! System fields of subscription filters: `fieldSelectionCriteria` (which events a filter
//! processes, by `@aws.account`, `@aws.region` and `@source.log`) and `emitSystemFields` (which
//! of them each delivered event carries). The model documents the criteria syntax: `=`, `!=`,
//! `IN [...]`, `NOT IN [...]`, joined by `AND` / `OR`, with parentheses; e.g.
//! `@aws.region NOT IN ["cn-north-1"]` or `@aws.account = "123456789012" AND @aws.region = "us-east-1"`.

/// The system fields AWS names (model: PutSubscriptionFilter `emitSystemFields`).
pub const SYSTEM_FIELDS: [&str; 3] = ["@aws.account", "@aws.region", "@source.log"];

/// The system fields of a log group's events.
#[derive(Debug, Clone, Copy)]
pub struct SystemFields<'a> {
    /// `@aws.account`.
    pub account: &'a str,
    /// `@aws.region`.
    pub region: &'a str,
    /// `@source.log`: `account-id:log-group-name`, the form of Insights' `@log`.
    pub source_log: &'a str,
}

impl SystemFields<'_> {
    /// The value of the system field `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        match name {
            "@aws.account" => Some(self.account),
            "@aws.region" => Some(self.region),
            "@source.log" => Some(self.source_log),
            _ => None,
        }
    }
}

/// A parsed `fieldSelectionCriteria`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldSelection {
    /// `field = "v"` (`negated`: `!=`), or `field IN [...]` (`negated`: `NOT IN`).
    Compare {
        /// The system field.
        field: String,
        /// The values compared with.
        values: Vec<String>,
        /// `!=` / `NOT IN`.
        negated: bool,
    },
    /// Both hold.
    And(Box<FieldSelection>, Box<FieldSelection>),
    /// Either holds.
    Or(Box<FieldSelection>, Box<FieldSelection>),
}

impl FieldSelection {
    /// Parses `text`; the error says what is wrong. The empty criteria select every event
    /// (`None`).
    pub fn parse(text: &str) -> Result<Option<Self>, String> {
        let tokens = tokenize(text)?;
        if tokens.is_empty() {
            return Ok(None);
        }
        let mut parser = Parser { tokens, at: 0 };
        let selection = parser.or()?;
        match parser.tokens.get(parser.at) {
            None => Ok(Some(selection)),
            Some(token) => Err(format!("unexpected {token:?}")),
        }
    }

    /// Whether events with `fields` are selected.
    pub fn matches(&self, fields: &SystemFields<'_>) -> bool {
        match self {
            Self::Compare {
                field,
                values,
                negated,
            } => {
                let value = fields.get(field).unwrap_or_default();
                values.iter().any(|v| v == value) != *negated
            }
            Self::And(a, b) => a.matches(fields) && b.matches(fields),
            Self::Or(a, b) => a.matches(fields) || b.matches(fields),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Text(String),
    Eq,
    NotEq,
    Open,
    Close,
    OpenList,
    CloseList,
    Comma,
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '"' => {
                chars.next();
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => value.extend(chars.next()),
                        Some(c) => value.push(c),
                        None => return Err("unterminated string".into()),
                    }
                }
                tokens.push(Token::Text(value));
            }
            '=' => {
                chars.next();
                tokens.push(Token::Eq);
            }
            '!' => {
                chars.next();
                if chars.next() != Some('=') {
                    return Err("expected != ".into());
                }
                tokens.push(Token::NotEq);
            }
            '(' | ')' | '[' | ']' | ',' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    '[' => Token::OpenList,
                    ']' => Token::CloseList,
                    _ => Token::Comma,
                });
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || "\"=!()[],".contains(c) {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn keyword(&mut self, word: &str) -> bool {
        match self.tokens.get(self.at) {
            Some(Token::Word(w)) if w.eq_ignore_ascii_case(word) => {
                self.at += 1;
                true
            }
            _ => false,
        }
    }

    fn or(&mut self) -> Result<FieldSelection, String> {
        let mut left = self.and()?;
        while self.keyword("OR") {
            left = FieldSelection::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<FieldSelection, String> {
        let mut left = self.comparison()?;
        while self.keyword("AND") {
            left = FieldSelection::And(Box::new(left), Box::new(self.comparison()?));
        }
        Ok(left)
    }

    fn comparison(&mut self) -> Result<FieldSelection, String> {
        let field = match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                return match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err("expected )".into()),
                };
            }
            Some(Token::Word(field)) if SYSTEM_FIELDS.contains(&field.as_str()) => field,
            Some(Token::Word(field)) => return Err(format!("unknown field {field}")),
            other => return Err(format!("expected a system field, found {other:?}")),
        };
        let (list, negated) = match self.next() {
            Some(Token::Eq) => (false, false),
            Some(Token::NotEq) => (false, true),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("IN") => (true, false),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("NOT") && self.keyword("IN") => {
                (true, true)
            }
            other => return Err(format!("expected =, !=, IN or NOT IN, found {other:?}")),
        };
        let values = if list {
            if self.next() != Some(Token::OpenList) {
                return Err("expected [".into());
            }
            let mut values = Vec::new();
            loop {
                match self.next() {
                    Some(Token::Text(value)) => values.push(value),
                    Some(Token::CloseList) if values.is_empty() => break,
                    other => return Err(format!("expected a string, found {other:?}")),
                }
                match self.next() {
                    Some(Token::Comma) => {}
                    Some(Token::CloseList) => break,
                    other => return Err(format!("expected , or ], found {other:?}")),
                }
            }
            values
        } else {
            match self.next() {
                Some(Token::Text(value)) => vec![value],
                other => return Err(format!("expected a string, found {other:?}")),
            }
        };
        Ok(FieldSelection::Compare {
            field,
            values,
            negated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: SystemFields<'static> = SystemFields {
        account: "123456789012",
        region: "us-east-1",
        source_log: "123456789012:app",
    };

    fn selects(text: &str) -> bool {
        FieldSelection::parse(text)
            .unwrap()
            .is_none_or(|s| s.matches(&FIELDS))
    }

    #[test]
    fn the_documented_examples_select_as_written() {
        assert!(selects(r#"@aws.region NOT IN ["cn-north-1"]"#));
        assert!(selects(
            r#"@aws.account = "123456789012" AND @aws.region = "us-east-1""#
        ));
        assert!(!selects(
            r#"@aws.account = "123456789012" AND @aws.region = "eu-west-1""#
        ));
        assert!(selects(
            r#"@aws.region = "eu-west-1" OR @aws.account IN ["1", "123456789012"]"#
        ));
        assert!(!selects(r#"(@aws.region != "us-east-1")"#));
        assert!(selects(r#"@source.log = "123456789012:app""#));
        assert!(selects(""));
    }

    #[test]
    fn malformed_criteria_are_refused() {
        for bad in [
            r#"@aws.region = us-east-1"#,
            r#"region = "x""#,
            r#"@aws.region IN "x""#,
            r#"@aws.region = "x" AND"#,
            r#"(@aws.region = "x""#,
            r#"@aws.region = "x"#,
        ] {
            assert!(FieldSelection::parse(bad).is_err(), "{bad}");
        }
    }
}
