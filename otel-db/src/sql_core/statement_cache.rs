//! A small per-thread cache of described statements, so that a query text seen before
//! (sqlx texts are mostly `&'static str`, or the same text built again) is summarised
//! and sanitised once, not on every call.
//!
//! It is keyed by the text's contents (a fast hash of its length and ends, then a
//! full comparison), so texts built afresh each time hit as well as static ones. It is bounded three ways: a text
//! longer than [`MAX_TEXT_LEN`] is never kept, each of the [`SLOTS`] slots holds one
//! statement (a newcomer replaces the one in its slot), and when the statements held
//! pass [`BUDGET`] bytes the cache is emptied. A flood of distinct texts therefore
//! costs at most the budget, per thread, and only the time to describe each once.

use std::cell::RefCell;
use std::hash::Hasher as _;
use std::sync::Arc;

use rustc_hash::FxHasher;

use crate::sql::SqlDialect;
use crate::sql_core::statement::Statement;

/// How many statements a thread keeps (a power of two).
const SLOTS: usize = 256;

/// The longest text kept, in bytes.
const MAX_TEXT_LEN: usize = 16 * 1024;

/// The most bytes a thread's statements hold before the cache is emptied.
const BUDGET: usize = 1024 * 1024;

struct Cache {
    slots: Vec<Option<Arc<Statement>>>,
    bytes: usize,
}

thread_local! {
    static CACHE: RefCell<Cache> = const {
        RefCell::new(Cache {
            slots: Vec::new(),
            bytes: 0,
        })
    };
}

/// The description of `text` in `dialect`, from this thread's cache or made now. With
/// `sanitize`, a statement made now is sanitised at once (one tokenization for both).
pub(crate) fn describe(text: &str, dialect: SqlDialect, sanitize: bool) -> Arc<Statement> {
    if text.len() > MAX_TEXT_LEN {
        return Arc::new(Statement::new(text, dialect, sanitize));
    }
    let slot = slot(text, dialect);
    let cached = CACHE.try_with(|cache| {
        let cache = cache.try_borrow().ok()?;
        let statement = cache.slots.get(slot)?.as_ref()?;
        statement.is(text, dialect).then(|| Arc::clone(statement))
    });
    if let Ok(Some(statement)) = cached {
        return statement;
    }
    let statement = Arc::new(Statement::new(text, dialect, sanitize));
    // A thread being torn down has no cache, and a re-entrant call (a span processor
    // running a query) finds it borrowed: both just go without.
    let _ = CACHE.try_with(|cache| {
        if let Ok(mut cache) = cache.try_borrow_mut() {
            cache.insert(slot, &statement);
        }
    });
    statement
}

impl Cache {
    fn insert(&mut self, slot: usize, statement: &Arc<Statement>) {
        if self.slots.is_empty() {
            self.slots.resize(SLOTS, None);
        }
        let size = statement.size();
        if self.bytes + size > BUDGET {
            self.slots.iter_mut().for_each(|s| *s = None);
            self.bytes = 0;
        }
        if let Some(entry) = self.slots.get_mut(slot) {
            if let Some(old) = entry.replace(Arc::clone(statement)) {
                self.bytes = self.bytes.saturating_sub(old.size());
            }
            self.bytes += size;
        }
    }
}

/// How many bytes at each end of a long text are hashed.
const HASHED_END: usize = 256;

/// The slot of `text` in `dialect`. A long text is hashed by its length and its two
/// ends only: the full comparison on lookup decides, so two texts that differ only in
/// the middle merely share a slot, and a 4 KB text costs a 512-byte hash.
fn slot(text: &str, dialect: SqlDialect) -> usize {
    let bytes = text.as_bytes();
    let mut hasher = FxHasher::default();
    if bytes.len() <= 2 * HASHED_END {
        hasher.write(bytes);
    } else {
        hasher.write(bytes.get(..HASHED_END).unwrap_or_default());
        hasher.write(bytes.get(bytes.len() - HASHED_END..).unwrap_or_default());
    }
    hasher.write_usize(bytes.len());
    hasher.write_u8(dialect as u8);
    // The high bits of an Fx hash are its best mixed.
    (hasher.finish() >> 56) as usize % SLOTS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_described_once_per_thread_and_dialect() {
        let a = describe("SELECT * FROM cache_test WHERE id = 1", SqlDialect::Sqlite, true);
        let b = describe(
            &String::from("SELECT * FROM cache_test WHERE id = 1"),
            SqlDialect::Sqlite,
            false,
        );
        assert!(Arc::ptr_eq(&a, &b));
        let c = describe("SELECT * FROM cache_test WHERE id = 1", SqlDialect::MySql, false);
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(c.sanitized().as_str(), "SELECT * FROM cache_test WHERE id = ?");
    }

    #[test]
    fn long_texts_that_differ_in_the_middle_are_told_apart() {
        let make = |middle: &str| {
            format!(
                "SELECT {}a FROM t{middle} WHERE {}c",
                "a, ".repeat(200),
                "b AND ".repeat(100)
            )
        };
        let (one, two) = (make("1"), make("2"));
        assert_eq!(slot(&one, SqlDialect::Sqlite), slot(&two, SqlDialect::Sqlite));
        assert_eq!(
            describe(&one, SqlDialect::Sqlite, false)
                .name()
                .map(|n| n.as_ref()),
            Some("SELECT t1")
        );
        assert_eq!(
            describe(&two, SqlDialect::Sqlite, false)
                .name()
                .map(|n| n.as_ref()),
            Some("SELECT t2")
        );
        assert_eq!(
            describe(&one, SqlDialect::Sqlite, false)
                .name()
                .map(|n| n.as_ref()),
            Some("SELECT t1")
        );
    }

    #[test]
    fn a_flood_of_distinct_texts_stays_within_the_budget() {
        let long = "x".repeat(8 * 1024);
        for i in 0..2_000 {
            let text = format!("SELECT {i} FROM t WHERE note = '{long}'");
            let statement = describe(&text, SqlDialect::PostgreSql, true);
            assert_eq!(statement.name().map(|n| n.as_ref()), Some("SELECT t"));
        }
        CACHE.with(|cache| {
            let cache = cache.borrow();
            let held: usize = cache.slots.iter().flatten().map(|s| s.size()).sum();
            assert!(held <= BUDGET, "{held}");
            assert!(cache.bytes <= BUDGET, "{}", cache.bytes);
            assert_eq!(cache.slots.len(), SLOTS);
        });
        let huge = format!("SELECT * FROM t WHERE note = '{}'", "y".repeat(MAX_TEXT_LEN));
        let a = describe(&huge, SqlDialect::PostgreSql, false);
        let b = describe(&huge, SqlDialect::PostgreSql, false);
        assert!(!Arc::ptr_eq(&a, &b), "a text over the limit is not kept");
    }
}
