//! What one statement (the text between two `;`) contributed to the summary, and how
//! the statements of a text become a [`QueryInfo`].

use std::borrow::Cow;

use super::super::{MAX_SUMMARY_LEN, QueryInfo};

/// One element of a statement's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part<'a> {
    /// An operation keyword, in upper case (`SELECT`, `CREATE TABLE`).
    Operation(Cow<'static, str>),
    /// A table (or index, function, procedure) name, as written.
    Target(&'a str),
}

/// What one statement contributed.
#[derive(Debug, Default)]
pub(super) struct Statement<'a> {
    pub(super) parts: Vec<Part<'a>>,
    pub(super) procedure: Option<&'a str>,
}

impl<'a> Statement<'a> {
    pub(super) fn operation(&mut self, op: impl Into<Cow<'static, str>>) {
        self.parts.push(Part::Operation(op.into()));
    }

    pub(super) fn target(&mut self, name: &'a str) {
        self.parts.push(Part::Target(name));
    }

    pub(super) fn operations(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Operation(op) => Some(op.as_ref()),
            Part::Target(_) => None,
        })
    }

    fn targets(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Target(t) => Some(*t),
            Part::Operation(_) => None,
        })
    }

    /// Operations and targets in order, as many whole words as fit in
    /// [`MAX_SUMMARY_LEN`]; empty without an operation.
    fn summary(&self) -> String {
        let mut out = String::new();
        if self.operations().next().is_none() {
            return out;
        }
        for part in &self.parts {
            let word = match part {
                Part::Operation(w) => w.as_ref(),
                Part::Target(w) => w,
            };
            let extra = usize::from(!out.is_empty());
            if out.len() + extra + word.len() > MAX_SUMMARY_LEN {
                break;
            }
            if extra == 1 {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }

    /// The single operation and the single table, when there is exactly one of each.
    fn single(&self) -> (Option<&str>, Option<&str>) {
        let mut ops = self.operations();
        let op = match (ops.next(), ops.next()) {
            (Some(op), None) => Some(op),
            _ => None,
        };
        let mut targets = self.targets();
        let target = match (op, targets.next(), targets.next()) {
            (Some(_), Some(t), None) => Some(t),
            _ => None,
        };
        (op, target)
    }
}

/// The [`QueryInfo`] of a text made of `statements`.
pub(super) fn query_info(statements: &[Statement<'_>]) -> QueryInfo {
    match statements {
        [] => QueryInfo::default(),
        [one] => {
            let (op, target) = one.single();
            let summary = one.summary();
            QueryInfo {
                summary: (!summary.is_empty()).then_some(summary),
                operation_name: op.map(str::to_owned),
                collection_name: target.map(str::to_owned),
                stored_procedure_name: one.procedure.map(str::to_owned),
                batch_size: None,
            }
        }
        many => batch(many),
    }
}

/// Several statements in one text: `BATCH` plus what they share, if they share it.
fn batch(statements: &[Statement<'_>]) -> QueryInfo {
    let summaries: Vec<String> = statements.iter().map(Statement::summary).collect();
    let same = |values: &[Option<&str>]| match values.first() {
        Some(Some(first)) if values.iter().all(|v| *v == Some(*first)) => Some((*first).to_owned()),
        _ => None,
    };
    let summary_refs: Vec<Option<&str>> = summaries
        .iter()
        .map(|s| (!s.is_empty()).then_some(s.as_str()))
        .collect();
    let singles: Vec<(Option<&str>, Option<&str>)> = statements.iter().map(Statement::single).collect();
    let ops: Vec<Option<&str>> = singles.iter().map(|s| s.0).collect();
    let targets: Vec<Option<&str>> = singles.iter().map(|s| s.1).collect();
    let prefixed = |s: Option<String>| match s {
        Some(s) => truncate_words(format!("BATCH {s}")),
        None => "BATCH".to_owned(),
    };
    QueryInfo {
        summary: Some(prefixed(same(&summary_refs))),
        operation_name: Some(prefixed(same(&ops))),
        collection_name: same(&targets),
        stored_procedure_name: None,
        batch_size: Some(statements.len()),
    }
}

fn truncate_words(mut s: String) -> String {
    if s.len() <= MAX_SUMMARY_LEN {
        return s;
    }
    let cut = s
        .char_indices()
        .filter(|&(i, c)| c == ' ' && i <= MAX_SUMMARY_LEN)
        .map(|(i, _)| i)
        .next_back()
        .unwrap_or(0);
    s.truncate(cut);
    s
}
