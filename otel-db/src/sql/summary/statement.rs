//! What one statement (the text between two `;`) contributed to the summary, and how
//! the statements of a text become a [`QueryInfo`].

use std::borrow::Cow;

use super::super::{MAX_SUMMARY_LEN, QueryInfo};

/// One element of a statement's summary, as written in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part<'a> {
    /// An operation: its keyword(s) with their case kept, one space between them
    /// (`SELECT`, `create table`).
    Operation(Cow<'a, str>),
    /// A table (or index, function, procedure) name.
    Target(&'a str),
}

/// What one statement contributed.
#[derive(Debug, Default)]
pub(super) struct Statement<'a> {
    pub(super) parts: Vec<Part<'a>>,
    pub(super) procedure: Option<&'a str>,
}

impl<'a> Statement<'a> {
    pub(super) fn operation(&mut self, op: impl Into<Cow<'a, str>>) {
        self.parts.push(Part::Operation(op.into()));
    }

    pub(super) fn target(&mut self, name: &'a str) {
        self.parts.push(Part::Target(name));
    }

    /// Whether the last operation so far is one of `ops` (given in upper case), in any
    /// case.
    pub(super) fn last_operation_is(&self, ops: &[&str]) -> bool {
        let last = self.parts.iter().rev().find_map(|p| match p {
            Part::Operation(op) => Some(op.as_ref()),
            Part::Target(_) => None,
        });
        last.is_some_and(|last| ops.iter().any(|op| op.eq_ignore_ascii_case(last)))
    }

    /// Operations and targets in order, as many whole words as fit in
    /// [`MAX_SUMMARY_LEN`] characters; empty without an operation.
    fn summary(&self) -> String {
        let mut out = String::new();
        if !self.parts.iter().any(|p| matches!(p, Part::Operation(_))) {
            return out;
        }
        let mut chars = 0;
        for part in &self.parts {
            let word = match part {
                Part::Operation(w) => w.as_ref(),
                Part::Target(w) => w,
            };
            let extra = usize::from(!out.is_empty());
            let len = word.chars().count();
            if chars + extra + len > MAX_SUMMARY_LEN {
                break;
            }
            if extra == 1 {
                out.push(' ');
            }
            out.push_str(word);
            chars += extra + len;
        }
        out
    }
}

/// The [`QueryInfo`] of a text made of `statements`.
pub(super) fn query_info(statements: &[Statement<'_>]) -> QueryInfo {
    match statements {
        [] => QueryInfo::default(),
        [one] => {
            let summary = one.summary();
            QueryInfo {
                summary: (!summary.is_empty()).then_some(summary),
                stored_procedure_name: one.procedure.map(str::to_owned),
                batch_size: None,
            }
        }
        many => batch(many),
    }
}

/// Several statements in one text: `BATCH` plus their summary if they share it, and
/// the procedure they share.
fn batch(statements: &[Statement<'_>]) -> QueryInfo {
    let summaries: Vec<String> = statements.iter().map(Statement::summary).collect();
    let summary_refs: Vec<Option<&str>> = summaries
        .iter()
        .map(|s| (!s.is_empty()).then_some(s.as_str()))
        .collect();
    let procedures: Vec<Option<&str>> = statements.iter().map(|s| s.procedure).collect();
    let summary = match same(&summary_refs) {
        Some(s) => truncate_words(format!("BATCH {s}")),
        None => "BATCH".to_owned(),
    };
    QueryInfo {
        summary: Some(summary),
        stored_procedure_name: same(&procedures).map(str::to_owned),
        batch_size: Some(statements.len()),
    }
}

/// The value every statement has, when they all have the same one.
fn same<'v>(values: &[Option<&'v str>]) -> Option<&'v str> {
    match values.first() {
        Some(Some(first)) if values.iter().all(|v| *v == Some(*first)) => Some(*first),
        _ => None,
    }
}

/// `s`, or its words up to the last space that leaves at most [`MAX_SUMMARY_LEN`]
/// characters.
fn truncate_words(mut s: String) -> String {
    if s.chars().count() <= MAX_SUMMARY_LEN {
        return s;
    }
    // A space among the first MAX + 1 characters leaves at most MAX before it.
    let cut = s
        .char_indices()
        .take(MAX_SUMMARY_LEN + 1)
        .filter(|&(_, c)| c == ' ')
        .map(|(i, _)| i)
        .last()
        .unwrap_or(0);
    s.truncate(cut);
    s
}
