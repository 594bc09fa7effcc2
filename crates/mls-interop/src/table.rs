//! The mutex-guarded table of objects the server holds, by the `u32` ids
//! the interop interface hands out (`state_id`, `transaction_id`,
//! `signer_id`, `reinit_id` share one id space).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::error::InteropError;

/// Objects by id, behind one mutex. Ids start at 1 and are never reused,
/// so a stale id after `Free` is reported as unknown.
#[derive(Debug)]
pub struct Table<T> {
    inner: Mutex<Inner<T>>,
}

#[derive(Debug)]
struct Inner<T> {
    next: u32,
    entries: HashMap<u32, T>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            inner: Mutex::new(Inner {
                next: 1,
                entries: HashMap::new(),
            }),
        }
    }
}

impl<T> Table<T> {
    fn lock(&self) -> MutexGuard<'_, Inner<T>> {
        // A panic in a handler is caught by the server; the table itself is
        // never left half-updated (every update is a single map operation),
        // so a poisoned lock is still consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Store `value` under a fresh id and return the id.
    pub fn insert(&self, value: T) -> u32 {
        let mut inner = self.lock();
        let id = inner.next;
        inner.next = inner.next.wrapping_add(1).max(1);
        inner.entries.insert(id, value);
        id
    }

    /// Run `f` on the object with `id`, under the lock.
    pub fn with<R>(
        &self,
        id: u32,
        f: impl FnOnce(&mut T) -> Result<R, InteropError>,
    ) -> Result<R, InteropError> {
        let mut inner = self.lock();
        let entry = inner
            .entries
            .get_mut(&id)
            .ok_or(InteropError::UnknownId(id))?;
        f(entry)
    }

    /// Remove the object with `id` and return it.
    pub fn remove(&self, id: u32) -> Result<T, InteropError> {
        self.lock()
            .entries
            .remove(&id)
            .ok_or(InteropError::UnknownId(id))
    }

    /// Put `value` back under an id it had before (after a failed
    /// operation that took it out).
    pub fn restore(&self, id: u32, value: T) {
        self.lock().entries.insert(id, value);
    }

    /// Number of held objects.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_fresh_and_unknown_ids_fail() {
        let t: Table<u8> = Table::default();
        let a = t.insert(1);
        let b = t.insert(2);
        assert_ne!(a, b);
        assert_ne!(a, 0);
        assert_eq!(t.with(a, |v| Ok(*v)).unwrap(), 1);
        assert!(matches!(
            t.with(99, |v| Ok(*v)),
            Err(InteropError::UnknownId(99))
        ));
        assert_eq!(t.remove(a).unwrap(), 1);
        assert!(t.remove(a).is_err());
        let c = t.insert(3);
        assert_ne!(c, a, "ids are not reused");
        assert_eq!(t.len(), 2);
    }
}
