//! The one Describe mechanism: explicit IDs (each must exist) or the whole table, narrowed by
//! filters, cut into pages, rendered as `<…Set><item>…</item></…Set>` and `<nextToken>`.

use std::sync::Arc;

use crate::actions::common::{decode_token, encode_token, parse_filters, parse_page_within, Page};
use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::{self, Filter, Filterable};
use crate::model::ids::ResourceId;
use crate::model::table::Table;
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

/// What a Describe call asks for: IDs (`VpcId.N`…), `Filter.N`, `MaxResults`/`NextToken`.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub ids: Vec<String>,
    pub filters: Vec<Filter>,
    pub page: Page,
}

/// One page of a Describe answer, and the token for the next page.
#[derive(Debug, Clone)]
pub struct Found<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

impl Query {
    /// Reads the IDs under `id_param`, the filters and the page (`MaxResults` 5–1000, the
    /// bounds of the Describe calls here).
    pub fn parse(p: &Scope<'_>, id_param: &str) -> Ec2Result<Query> {
        Query::parse_within(p, id_param, 5, 1000)
    }

    /// As [`Query::parse`], with an action's own `MaxResults` bounds.
    pub fn parse_within(p: &Scope<'_>, id_param: &str, min: i64, max: i64) -> Ec2Result<Query> {
        Ok(Query {
            ids: p.string_list(id_param),
            filters: parse_filters(p)?,
            page: parse_page_within(p, min, max)?,
        })
    }

    /// Runs the query over `table`, each row seen through `view` (the row itself, or the row
    /// with what the world knows beside it). Filter names are checked first, so an unknown
    /// one is an error even when nothing would match; every ID must exist before any is
    /// answered, as EC2 fails the whole call.
    pub fn run<K: ResourceId, V: Clone, T: Filterable>(
        &self,
        table: &Table<K, V>,
        view: impl Fn(&Arc<V>) -> T,
    ) -> Ec2Result<Found<T>> {
        self.run_keyed(table, |_, row| Some(view(row)))
    }

    /// [`Query::run`] with a view that also sees the key, and may find no row to show
    /// (an index whose row is gone), which counts as a row that does not exist.
    pub fn run_keyed<K: ResourceId, V: Clone, T: Filterable>(
        &self,
        table: &Table<K, V>,
        view: impl Fn(&K, &Arc<V>) -> Option<T>,
    ) -> Ec2Result<Found<T>> {
        filters::check_names::<T>(&self.filters)?;
        let after: Option<K> = match &self.page.next_token {
            None => None,
            // A token names the last ID of the previous page, so it must be an ID of this
            // table's kind: a DescribeSubnets token is no DescribeVpcs token.
            Some(token) => Some(
                K::try_parse(&decode_token(token)?)
                    .ok_or_else(|| Ec2Error::InvalidPaginationToken(token.clone()))?,
            ),
        };
        let limit = self.page.max_results.unwrap_or(usize::MAX);
        let mut items = Vec::new();
        let mut last: Option<K> = None;
        let mut more = false;
        // Once the page is full, look on only for one more match: a token is given only when
        // another page has something in it, never for an empty last page.
        let mut consider = |key: K, item: T| {
            if !filters::matches_all(&item, &self.filters) {
                return true;
            }
            if items.len() == limit {
                more = true;
                return false;
            }
            items.push(item);
            last = Some(key);
            true
        };
        if self.ids.is_empty() {
            for (key, row) in table.after(after.as_ref()) {
                let Some(item) = view(key, row) else {
                    continue;
                };
                if !consider(*key, item) {
                    break;
                }
            }
        } else {
            let mut wanted: Vec<&str> = self.ids.iter().map(String::as_str).collect();
            wanted.sort_unstable();
            wanted.dedup();
            let mut rows = Vec::with_capacity(wanted.len());
            for id in wanted {
                let key = K::parse(id)?;
                let item = table
                    .get(&key)
                    .and_then(|row| view(&key, row))
                    .ok_or_else(|| key.not_found())?;
                rows.push((key, item));
            }
            rows.sort_by_key(|(key, _)| *key);
            rows.dedup_by_key(|(key, _)| *key);
            for (key, item) in rows {
                if after.is_some_and(|a| key <= a) {
                    continue;
                }
                if !consider(key, item) {
                    break;
                }
            }
        }
        let next_token = match (more, last) {
            (true, Some(key)) => Some(encode_token(&key.to_string())),
            _ => None,
        };
        Ok(Found { items, next_token })
    }
}

impl<T> Found<T> {
    /// `<{set}><item>…</item>…</{set}>` and the `<nextToken>` when there is another page.
    pub fn render(&self, w: &mut XmlWriter, set: &str, mut each: impl FnMut(&mut XmlWriter, &T)) {
        w.list(set, &self.items, |w, item| each(w, item));
        w.opt("nextToken", self.next_token.as_deref());
    }
}
