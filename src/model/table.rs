//! A table of resources with an undo log: how every change to a world becomes all-or-nothing.
//!
//! Rows are `Arc`s: a Describe copies the handles it answers and renders them after the lock
//! is released, and a change never edits a row in place but stores a new one, so a reply
//! being rendered still sees the row as it was. Every insert, update and remove also records
//! the key's previous row; [`Table::rollback`] puts them back in reverse order and
//! [`Table::commit`] forgets them. The world runs each request between the two (see
//! `World::transaction`), so a request that fails half-way, or a dry run, leaves nothing
//! behind, without any model method having to give back what it took.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use crate::error::Ec2Result;
use crate::model::ids::ResourceId;

/// Rows by key, ordered (Describe pages resume from a key), with the undo log of the
/// current transaction.
#[derive(Debug)]
pub struct Table<K, V> {
    rows: BTreeMap<K, Arc<V>>,
    /// Each change's key and the row it replaced (`None`: there was none).
    undo: Vec<(K, Option<Arc<V>>)>,
}

impl<K: Ord + Clone, V> Default for Table<K, V> {
    fn default() -> Self {
        Table {
            rows: BTreeMap::new(),
            undo: Vec::new(),
        }
    }
}

/// A copy shares the rows (each an `Arc`) and starts with an empty undo log.
impl<K: Ord + Clone, V> Clone for Table<K, V> {
    fn clone(&self) -> Self {
        Table {
            rows: self.rows.clone(),
            undo: Vec::new(),
        }
    }
}

impl<K: Ord + Clone, V: Clone> Table<K, V> {
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&Arc<V>>
    where
        K: Borrow<Q>,
    {
        self.rows.get(key)
    }

    pub fn contains<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.rows.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &Arc<V>)> {
        self.rows.iter()
    }

    pub fn values(&self) -> impl Iterator<Item = &Arc<V>> {
        self.rows.values()
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.rows.keys()
    }

    /// The rows after `key` (all rows when `None`), in key order.
    pub fn after(&self, key: Option<&K>) -> impl Iterator<Item = (&K, &Arc<V>)> {
        let start = match key {
            Some(k) => Bound::Excluded(k),
            None => Bound::Unbounded,
        };
        self.rows.range((start, Bound::Unbounded))
    }

    /// Adds or replaces a row.
    pub(in crate::model) fn insert(&mut self, key: K, row: V) {
        let previous = self.rows.insert(key.clone(), Arc::new(row));
        self.undo.push((key, previous));
    }

    /// Removes a row, returning it.
    pub(in crate::model) fn remove(&mut self, key: &K) -> Option<Arc<V>> {
        let previous = self.rows.remove(key)?;
        self.undo.push((key.clone(), Some(previous.clone())));
        Some(previous)
    }

    /// Replaces a row with a changed copy of it; `None` when there is no such row.
    pub(in crate::model) fn update<R>(
        &mut self,
        key: &K,
        change: impl FnOnce(&mut V) -> R,
    ) -> Option<R> {
        let slot = self.rows.get_mut(key)?;
        let mut row = V::clone(slot);
        let result = change(&mut row);
        let previous = std::mem::replace(slot, Arc::new(row));
        self.undo.push((key.clone(), Some(previous)));
        Some(result)
    }

    /// Undoes every change since the last commit, newest first.
    pub(in crate::model) fn rollback(&mut self) {
        while let Some((key, previous)) = self.undo.pop() {
            match previous {
                Some(row) => {
                    self.rows.insert(key, row);
                }
                None => {
                    self.rows.remove(&key);
                }
            }
        }
    }

    /// Keeps every change since the last commit.
    pub(in crate::model) fn commit(&mut self) {
        self.undo.clear();
    }

    /// The keys changed since the last commit (each once, in key order).
    pub fn changed_keys(&self) -> Vec<K> {
        let mut keys: Vec<K> = self.undo.iter().map(|(k, _)| k.clone()).collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

impl<K: ResourceId, V: Clone> Table<K, V> {
    /// The row an ID in text names: the kind's Malformed error for text of another shape,
    /// its NotFound error when no row has the ID.
    pub fn lookup(&self, text: &str) -> Ec2Result<&Arc<V>> {
        let key = K::parse(text)?;
        self.rows.get(&key).ok_or_else(|| key.not_found())
    }

    /// A handle of the row with this ID, or the kind's NotFound error.
    pub fn fetch(&self, key: &K) -> Ec2Result<Arc<V>> {
        self.rows.get(key).cloned().ok_or_else(|| key.not_found())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollback_restores_every_row_and_commit_keeps_them() {
        let mut t: Table<u32, String> = Table::default();
        t.insert(1, "a".into());
        t.insert(2, "b".into());
        t.commit();
        let before: Vec<(u32, String)> = t.iter().map(|(k, v)| (*k, (**v).clone())).collect();

        t.insert(3, "c".into());
        t.update(&1, |v| v.push('!'));
        t.remove(&2);
        t.insert(2, "B".into());
        t.update(&2, |v| v.push('?'));
        assert_eq!(t.len(), 3);
        assert_eq!(t.changed_keys(), vec![1, 2, 3]);
        t.rollback();
        let after: Vec<(u32, String)> = t.iter().map(|(k, v)| (*k, (**v).clone())).collect();
        assert_eq!(before, after);

        t.update(&1, |v| v.push('!'));
        t.commit();
        t.rollback();
        assert_eq!(t.get(&1).map(|v| v.as_str()), Some("a!"));
    }

    #[test]
    fn a_row_handed_out_keeps_its_value() {
        let mut t: Table<u32, String> = Table::default();
        t.insert(1, "a".into());
        let held = t.get(&1).cloned().unwrap();
        t.update(&1, |v| v.push('!'));
        assert_eq!(*held, "a");
        assert_eq!(t.get(&1).map(|v| v.as_str()), Some("a!"));
        assert!(t.update(&9, |v| v.push('!')).is_none());
    }
}
