//! How deeply a request nests, measured before anything parses it: async-graphql's parser
//! recurses once per level of a list or object value (in arguments, variable defaults and
//! directive arguments), and about 2,000 levels overflow the stack and abort the process. A
//! linear scan of the bytes, with no recursion, refuses such documents first.
//!
//! The scan tells values from selection sets by context: every `[`, and every `{` inside an
//! argument list (or inside a list), is a value; any other `{` opens a selection set. Strings
//! (block strings included) and comments are skipped, so brackets in them do not count.
//! Selection sets are limited too (their depth rule runs after parsing, so the parser must
//! survive them first), generously: `MAX_QUERY_DEPTH` + `MAX_VALUE_DEPTH` levels of braces.

use async_graphql::{Value, Variables};

/// What nests too deeply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TooDeep {
    /// A list or object value in the document.
    Value { max: usize },
    /// Selection sets in the document.
    Selection { max: usize },
    /// A list or object in the variables.
    Variables { max: usize },
}

impl TooDeep {
    /// The message the client sees.
    pub fn message(&self) -> String {
        match self {
            TooDeep::Value { max } => {
                format!("a list or object value nests more than {max} levels deep (MAX_VALUE_DEPTH)")
            }
            TooDeep::Selection { max } => format!("selection sets nest more than {max} levels deep"),
            TooDeep::Variables { max } => {
                format!("a variable's value nests more than {max} levels deep (MAX_VALUE_DEPTH)")
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Paren,
    Value,
    Selection,
}

/// Scans a GraphQL document: value nesting at most `max_value`, selection-set nesting at most
/// `max_selection`. Malformed documents pass (the parser reports them), as long as they do not
/// nest too deeply.
pub fn check_document(query: &str, max_value: usize, max_selection: usize) -> Result<(), TooDeep> {
    let bytes = query.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let (mut values, mut selections, mut parens) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                // A block string ends at the first `"""` not escaped as `\"""`.
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' => {
                stack.push(Open::Paren);
                parens += 1;
            }
            b'[' => {
                stack.push(Open::Value);
                values += 1;
            }
            b'{' if parens > 0 || stack.last() == Some(&Open::Value) => {
                stack.push(Open::Value);
                values += 1;
            }
            b'{' => {
                stack.push(Open::Selection);
                selections += 1;
            }
            b')' | b']' | b'}' => match stack.pop() {
                Some(Open::Paren) => parens -= 1,
                Some(Open::Value) => values -= 1,
                Some(Open::Selection) => selections -= 1,
                None => {}
            },
            _ => {}
        }
        if values > max_value {
            return Err(TooDeep::Value { max: max_value });
        }
        if selections > max_selection {
            return Err(TooDeep::Selection { max: max_selection });
        }
        i += 1;
    }
    Ok(())
}

/// The deepest nesting of any variable's value (a scalar is 0, `[1]` is 1), measured without
/// recursion.
pub fn variables_depth(variables: &Variables) -> usize {
    let mut deepest = 0;
    let mut pending: Vec<(&Value, usize)> = variables.values().map(|v| (v, 0)).collect();
    while let Some((value, depth)) = pending.pop() {
        deepest = deepest.max(depth);
        match value {
            Value::List(items) => pending.extend(items.iter().map(|v| (v, depth + 1))),
            Value::Object(fields) => pending.extend(fields.values().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    deepest
}

/// Both checks for a request: its document, then its variables.
pub fn check_request(
    query: &str,
    variables: &Variables,
    max_value: usize,
    max_selection: usize,
) -> Result<(), TooDeep> {
    check_document(query, max_value, max_selection)?;
    if variables_depth(variables) > max_value {
        return Err(TooDeep::Variables { max: max_value });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(open: &str, close: &str, depth: usize) -> String {
        format!("{}LOW{}", open.repeat(depth), close.repeat(depth))
    }

    #[test]
    fn values_are_measured_in_arguments_defaults_and_directives() {
        let list = |d| {
            format!(
                "{{ tutors(filter: {{riskLevels: {}}}) {{ id }} }}",
                nested("[", "]", d)
            )
        };
        assert!(check_document(&list(31), 32, 44).is_ok());
        assert_eq!(check_document(&list(40), 32, 44), Err(TooDeep::Value { max: 32 }));
        let object = format!("query($f: F = {}) {{ a }}", nested("{a: ", "}", 40));
        assert_eq!(check_document(&object, 32, 44), Err(TooDeep::Value { max: 32 }));
        let directive = format!("{{ a @include(if: {}) }}", nested("{a: ", "}", 40));
        assert_eq!(
            check_document(&directive, 32, 44),
            Err(TooDeep::Value { max: 32 })
        );
        assert_eq!(
            check_document(&nested("{ a ", "}", 50), 32, 44),
            Err(TooDeep::Selection { max: 44 })
        );
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let deep = "[".repeat(100);
        let doc =
            format!("{{ a(s: \"{deep}\\\"{deep}\", b: \"\"\"{deep} \\\"\"\" {deep}\"\"\") # {deep}\n }}");
        assert!(check_document(&doc, 32, 44).is_ok());
    }

    #[test]
    fn variables_are_measured() {
        let value: serde_json::Value =
            serde_json::from_str(&nested("[", "]", 40).replace("LOW", "1")).unwrap();
        let variables = Variables::from_json(serde_json::json!({ "v": value }));
        assert_eq!(variables_depth(&variables), 40);
        assert_eq!(
            check_request("{ a }", &variables, 32, 44),
            Err(TooDeep::Variables { max: 32 })
        );
    }
}
