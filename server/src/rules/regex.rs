//! Regular expressions that .NET cannot compile: a ClaimType's Restriction/Pattern and a
//! MatchesRegex predicate's RegularExpression. The check is structural and says only what certainly
//! fails in .NET (an unclosed group or character class, a `)` without its `(`, a quantifier
//! that follows nothing, a trailing lone backslash); constructs that other engines reject but
//! .NET takes (lookarounds, backreferences, `[a-z-[aeiou]]`) are never judged.

use syntax::view::ElementRef;
use syntax::TextRange;

use crate::diagnostic::{Diagnostic, DiagnosticCode};

pub(super) fn check(root: ElementRef<'_>, out: &mut Vec<Diagnostic>) {
    for blocks in root.children_named("BuildingBlocks") {
        let patterns = blocks
            .children_named("ClaimsSchema")
            .flat_map(|s| s.children_named("ClaimType"))
            .filter_map(|c| c.child("Restriction"))
            .flat_map(|r| r.children_named("Pattern"));
        for pattern in patterns {
            if let Some((value, range)) = pattern.attribute_value_with_range("RegularExpression") {
                judge(&value, range, "the Restriction/Pattern", out);
            }
        }
        let expressions = blocks
            .children_named("Predicates")
            .flat_map(|p| p.children_named("Predicate"))
            .filter(|p| {
                p.attribute_value("Method")
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("MatchesRegex"))
            })
            .filter_map(|p| p.child("Parameters"))
            .flat_map(|p| p.children_named("Parameter"))
            .filter(|p| {
                p.attribute_value("Id")
                    .is_some_and(|id| id.trim().eq_ignore_ascii_case("RegularExpression"))
            });
        for expression in expressions {
            let (value, range) = expression.text_with_range();
            if let Some(range) = range {
                judge(value.trim(), range, "the MatchesRegex expression", out);
            }
        }
    }
}

fn judge(pattern: &str, range: TextRange, what: &str, out: &mut Vec<Diagnostic>) {
    if pattern.contains("{Settings:") {
        return;
    }
    if let Some(problem) = dotnet_regex_problem(pattern) {
        out.push(Diagnostic::new(
            range,
            DiagnosticCode::InvalidRegex,
            format!(
                "{what} is not a regular expression .NET can compile: {problem}; the page cannot validate the value with it. Correct the expression"
            ),
        ));
    }
}

/// What certainly makes .NET's `Regex` constructor throw, if anything.
pub(crate) fn dotnet_regex_problem(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut depth = 0usize;
    let mut i = 0usize;
    // Whether the previous token can be repeated by a quantifier.
    let mut repeatable = false;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if i + 1 >= chars.len() {
                    return Some(
                        "it ends with a lone backslash (write `\\\\` for a backslash)".to_owned(),
                    );
                }
                i += 2;
                repeatable = true;
                continue;
            }
            '[' => {
                // A character class: `]` right after `[` or `[^` is a literal.
                let mut j = i + 1;
                if j < chars.len() && chars[j] == '^' {
                    j += 1;
                }
                if j < chars.len() && chars[j] == ']' {
                    j += 1;
                }
                let mut nested = 0usize;
                let mut closed = false;
                while j < chars.len() {
                    match chars[j] {
                        '\\' => j += 1,
                        // .NET's class subtraction: `[a-z-[aeiou]]`.
                        '[' if j > 0 && chars[j - 1] == '-' => nested += 1,
                        ']' if nested > 0 => nested -= 1,
                        ']' => {
                            closed = true;
                            break;
                        }
                        _ => {}
                    }
                    j += 1;
                }
                if !closed {
                    return Some("a `[` character class is never closed with `]`".to_owned());
                }
                i = j + 1;
                repeatable = true;
                continue;
            }
            '(' => {
                depth += 1;
                repeatable = false;
                // `(?` and `(?<name>` and the like: skip the `?` so that it is not a quantifier.
                if chars.get(i + 1) == Some(&'?') {
                    i += 2;
                    continue;
                }
            }
            ')' => {
                if depth == 0 {
                    return Some("a `)` has no `(` to close".to_owned());
                }
                depth -= 1;
                repeatable = true;
            }
            '|' => repeatable = false,
            '*' | '+' | '?' => {
                if !repeatable {
                    return Some(format!(
                        "the quantifier `{}` follows nothing it could repeat",
                        chars[i]
                    ));
                }
                // A lazy or possessive-looking suffix (`*?`) is one quantifier.
                if chars.get(i + 1) == Some(&'?') {
                    i += 1;
                }
                repeatable = false;
            }
            '{' => {
                // `{n}`, `{n,}` and `{n,m}` are quantifiers; any other `{` is a literal in .NET.
                let rest: String = chars[i + 1..].iter().take_while(|c| **c != '}').collect();
                let closed = chars[i + 1..].contains(&'}');
                let is_quantifier = closed && {
                    let (a, b) = rest.split_once(',').unwrap_or((rest.as_str(), ""));
                    !a.is_empty()
                        && a.chars().all(|c| c.is_ascii_digit())
                        && b.chars().all(|c| c.is_ascii_digit())
                };
                if is_quantifier {
                    if !repeatable {
                        return Some(format!(
                            "the quantifier `{{{rest}}}` follows nothing it could repeat"
                        ));
                    }
                    i += rest.chars().count() + 2;
                    if chars.get(i) == Some(&'?') {
                        i += 1;
                    }
                    repeatable = false;
                    continue;
                }
                repeatable = true;
            }
            // .NET lets anchors be quantified (`^*` compiles).
            _ => repeatable = true,
        }
        i += 1;
    }
    if depth > 0 {
        return Some("a `(` group is never closed with `)`".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::dotnet_regex_problem as problem;

    #[test]
    fn what_dotnet_compiles_stays_silent() {
        for ok in [
            r"^[a-zA-Z0-9.!#$%&'^_`{}~-]+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*$",
            r"^((?=.*[a-z])(?=.*[A-Z])(?=.*\d)|(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z0-9]))([A-Za-z\d@#$%^&*\-_+=[\]{}|\\:',?/`~();!]|\.(?!@)){8,16}$",
            r"^\d{6}$",
            r"[a-z-[aeiou]]+",
            r"(?<year>\d{4})-(\k<year>)?",
            r"a{,3}",
            r"^[]a]*$",
            r"x*?y+?z??",
            r"^*a$",
            "",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn what_dotnet_rejects_is_said() {
        for bad in [
            r"^(abc$", r"abc)", r"*abc", r"[abc", r"abc\", r"a|+b", r"(+a)",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}
