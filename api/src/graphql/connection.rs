//! Connections, written once for every list: a core [`Page`] becomes edges (cursor and node)
//! and a [`PageInfo`].

use async_graphql::SimpleObject;
use worker::pagination::Page;

/// Pagination details of a connection.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// The edges of a page and its `PageInfo`; `edge` makes one edge from a cursor and a row.
pub fn edges<T, E>(page: Page<T>, mut edge: impl FnMut(String, T) -> E) -> (Vec<E>, PageInfo) {
    let page_info = PageInfo {
        has_next_page: page.has_next,
        has_previous_page: page.has_previous,
        start_cursor: page.rows.first().map(|(_, c)| c.clone()),
        end_cursor: page.rows.last().map(|(_, c)| c.clone()),
    };
    let edges = page
        .rows
        .into_iter()
        .map(|(row, cursor)| edge(cursor, row))
        .collect();
    (edges, page_info)
}
