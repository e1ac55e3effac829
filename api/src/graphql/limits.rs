//! Protections the schema builder does not offer itself: an alias limit (against alias
//! bombs), a clear error for introspection when it is switched off (async-graphql would
//! answer null), error codes for errors raised before any resolver runs, and a marker that
//! tells such request errors from errors raised during execution.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use async_graphql::{
    ErrorExtensionValues, Response, ServerError, ServerResult, Value, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery},
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// Rejects documents with more than `max_aliases` aliases, and introspection fields when
/// introspection is off.
#[derive(Clone, Copy)]
pub struct DocumentLimits {
    pub max_aliases: usize,
    pub introspection: bool,
}

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

fn rejection(message: String, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// Whether a selection set (fragments included) asks for `__schema` or `__type`.
fn asks_introspection(set: &SelectionSet, document: &ExecutableDocument) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(f) => matches!(f.node.name.node.as_str(), "__schema" | "__type"),
        Selection::InlineFragment(f) => asks_introspection(&f.node.selection_set.node, document),
        Selection::FragmentSpread(spread) => document
            .fragments
            .get(&spread.node.fragment_name.node)
            .is_some_and(|f| asks_introspection(&f.node.selection_set.node, document)),
    })
}

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(f) => count_aliases(&f.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Aliases in every operation and fragment of a document.
pub fn aliases_in(document: &ExecutableDocument) -> usize {
    let in_operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| count_aliases(&op.node.selection_set.node))
        .sum();
    let in_fragments: usize = document
        .fragments
        .values()
        .map(|f| count_aliases(&f.node.selection_set.node))
        .sum();
    in_operations + in_fragments
}

#[async_trait::async_trait]
impl Extension for DocumentLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let aliases = aliases_in(&document);
        if aliases > self.max_aliases {
            let message = format!(
                "the query uses {aliases} aliases; at most {} are allowed",
                self.max_aliases
            );
            return Err(rejection(message, "BAD_USER_INPUT"));
        }
        if !self.introspection
            && document
                .operations
                .iter()
                .any(|(_, op)| asks_introspection(&op.node.selection_set.node, &document))
        {
            return Err(rejection(
                "introspection is disabled on this server".into(),
                "FORBIDDEN",
            ));
        }
        Ok(document)
    }
}

/// Request data that [`MarkExecution`] sets once the operation starts executing: a response
/// whose request never got there failed to parse or validate (a GraphQL-over-HTTP "request
/// error", answered without `data`).
#[derive(Clone, Default)]
pub struct Executed(Arc<AtomicBool>);

impl Executed {
    /// Whether the operation reached execution.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Records that it did.
    pub fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Sets the request's [`Executed`] (when it has one) as execution starts.
#[derive(Clone, Copy)]
pub struct MarkExecution;

impl ExtensionFactory for MarkExecution {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_trait::async_trait]
impl Extension for MarkExecution {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Some(executed) = ctx.data_opt::<Executed>() {
            executed.set();
        }
        next.run(ctx, operation_name).await
    }
}

/// Gives every error a code and the request id: errors raised before execution (syntax,
/// validation, limits) have no code of their own.
pub fn finish_errors(response: &mut Response, request_id: &str) {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(ErrorExtensionValues::default);
        if extensions.get("code").is_none() {
            let code = classify(&error.message, error.path.is_empty());
            extensions.set("code", code);
        }
        extensions.set("requestId", Value::String(request_id.to_owned()));
    }
}

fn classify(message: &str, before_execution: bool) -> &'static str {
    if message.starts_with("Invalid value for argument") || message.contains("Failed to parse") {
        "BAD_USER_INPUT"
    } else if message.contains("-->") {
        // The parser's messages point at the position: " --> 1:5".
        "GRAPHQL_PARSE_FAILED"
    } else if before_execution {
        "GRAPHQL_VALIDATION_FAILED"
    } else {
        "INTERNAL"
    }
}
