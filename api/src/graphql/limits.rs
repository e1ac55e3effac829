//! Protections the schema builder does not offer itself: value nesting checked before the
//! parser runs ([`super::nesting`]), an alias limit (against alias bombs), a limit on the
//! selections of a document and the merging of repeated ones (against repeating a costly field
//! thousands of times), the types of
//! `@include`/`@skip` arguments, a clear error for introspection when it is switched off
//! (async-graphql would answer null), the introspection rule, error codes for errors raised
//! before any resolver runs, and a marker that tells such request errors from errors raised
//! during execution.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use async_graphql::{
    ErrorExtensionValues, Positioned, Response, ServerError, ServerResult, Value, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery},
    parser::types::{
        BaseType, Directive, DocumentOperations, ExecutableDocument, Field, OperationType, Selection,
        SelectionSet,
    },
};

use super::nesting;

/// How deep an introspection-only document may nest, whatever `MAX_QUERY_DEPTH` says: the
/// standard introspection query of graphql-js nests `ofType` to about 13 levels, and its cost
/// is bounded by the schema itself.
pub const INTROSPECTION_MAX_DEPTH: usize = 20;

/// Rejects documents that nest values too deeply (before parsing), with more than
/// `max_aliases` aliases or `max_fields` selections, with mistyped `@include`/`@skip`
/// arguments, and introspection fields when introspection is off.
#[derive(Clone, Copy)]
pub struct DocumentLimits {
    pub max_aliases: usize,
    pub max_fields: usize,
    pub max_value_depth: usize,
    pub max_selection_depth: usize,
    pub introspection: bool,
}

impl DocumentLimits {
    /// The nesting check every transport runs before anything parses the document.
    pub fn check_nesting(&self, query: &str, variables: &Variables) -> Result<(), ServerError> {
        nesting::check_request(query, variables, self.max_value_depth, self.max_selection_depth)
            .map_err(|e| rejection(e.message(), "GRAPHQL_PARSE_FAILED"))
    }
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

fn count_selections(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => 1 + count_selections(&f.node.selection_set.node),
            Selection::InlineFragment(f) => count_selections(&f.node.selection_set.node),
            Selection::FragmentSpread(_) => 1,
        })
        .sum()
}

/// Field selections and fragment spreads in every operation and fragment of a document, as
/// written (a fragment counts once, each spread of it once more).
pub fn selections_in(document: &ExecutableDocument) -> usize {
    let in_operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| count_selections(&op.node.selection_set.node))
        .sum();
    let in_fragments: usize = document
        .fragments
        .values()
        .map(|f| count_selections(&f.node.selection_set.node))
        .sum();
    in_operations + in_fragments
}

fn same_directives(a: &[Positioned<Directive>], b: &[Positioned<Directive>]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.node.name == y.node.name && x.node.arguments == y.node.arguments)
}

fn same_field(a: &Field, b: &Field) -> bool {
    let key = |f: &Field| f.alias.as_ref().map_or(f.name.node.clone(), |a| a.node.clone());
    key(a) == key(b)
        && a.name == b.name
        && a.arguments == b.arguments
        && same_directives(&a.directives, &b.directives)
}

/// Merges repeated selections of a selection set (and of those under it), as the spec's field
/// collection does: fields with the same response key, name, arguments and directives become
/// one field holding all their sub-selections, and a fragment spread repeated with the same
/// directives is kept once. async-graphql would run the resolver once per repetition and
/// merge the results; after this, repetition costs what it returns.
pub fn merge_repeated(set: &mut SelectionSet) {
    let mut kept: Vec<Positioned<Selection>> = Vec::with_capacity(set.items.len());
    for item in set.items.drain(..) {
        let earlier = kept.iter().position(|k| match (&k.node, &item.node) {
            (Selection::Field(a), Selection::Field(b)) => same_field(&a.node, &b.node),
            (Selection::FragmentSpread(a), Selection::FragmentSpread(b)) => {
                a.node.fragment_name == b.node.fragment_name
                    && same_directives(&a.node.directives, &b.node.directives)
            }
            _ => false,
        });
        match (earlier, item.node) {
            (Some(i), Selection::Field(field)) => {
                if let Selection::Field(first) = &mut kept[i].node {
                    first
                        .node
                        .selection_set
                        .node
                        .items
                        .extend(field.node.selection_set.node.items);
                }
            }
            (Some(_), _) => {} // the same spread again: collected once
            (None, node) => kept.push(Positioned::new(node, item.pos)),
        }
    }
    for item in &mut kept {
        match &mut item.node {
            Selection::Field(f) => merge_repeated(&mut f.node.selection_set.node),
            Selection::InlineFragment(f) => merge_repeated(&mut f.node.selection_set.node),
            Selection::FragmentSpread(_) => {}
        }
    }
    set.items = kept;
}

/// [`merge_repeated`] on every operation and fragment of a document.
pub fn merge_document(document: &mut ExecutableDocument) {
    match &mut document.operations {
        DocumentOperations::Single(op) => merge_repeated(&mut op.node.selection_set.node),
        DocumentOperations::Multiple(ops) => {
            for op in ops.values_mut() {
                merge_repeated(&mut op.node.selection_set.node);
            }
        }
    }
    for fragment in document.fragments.values_mut() {
        merge_repeated(&mut fragment.node.selection_set.node);
    }
}

/// Whether every operation of a document is a query asking only for `__schema`, `__type`
/// and `__typename` at its root (fragments followed): such a document is judged by
/// [`INTROSPECTION_MAX_DEPTH`] rather than `MAX_QUERY_DEPTH`.
pub fn introspection_only(document: &ExecutableDocument) -> bool {
    fn only(set: &SelectionSet, document: &ExecutableDocument, seen: usize) -> bool {
        // `seen` bounds the walk through fragments that spread each other (a cycle is refused
        // by validation later).
        seen < 16
            && set.items.iter().all(|item| match &item.node {
                Selection::Field(f) => {
                    matches!(f.node.name.node.as_str(), "__schema" | "__type" | "__typename")
                }
                Selection::InlineFragment(f) => only(&f.node.selection_set.node, document, seen + 1),
                Selection::FragmentSpread(spread) => document
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .is_some_and(|f| only(&f.node.selection_set.node, document, seen + 1)),
            })
    }
    let mut operations = document.operations.iter().peekable();
    operations.peek().is_some()
        && operations.all(|(_, op)| {
            op.node.ty == OperationType::Query && only(&op.node.selection_set.node, document, 0)
        })
}

/// The first `@include`/`@skip` whose `if` is not a Boolean (a literal, or a variable
/// declared Boolean), as a message. async-graphql coerces these arguments at run time only,
/// so `@include(if: "yes")` would pass silently.
pub fn mistyped_directive(document: &ExecutableDocument) -> Option<String> {
    let boolean_variables: Vec<&str> = document
        .operations
        .iter()
        .flat_map(|(_, op)| op.node.variable_definitions.iter())
        .filter(|v| matches!(&v.node.var_type.node.base, BaseType::Named(n) if n.as_str() == "Boolean"))
        .map(|v| v.node.name.node.as_str())
        .collect();
    let check = |directives: &[async_graphql::Positioned<Directive>]| -> Option<String> {
        directives.iter().find_map(|d| {
            let name = d.node.name.node.as_str();
            if name != "include" && name != "skip" {
                return None;
            }
            // A variable stands for a Boolean when it is declared as one.
            let value = d.node.get_argument("if").map(|v| {
                v.node.clone().into_const_with(|var| {
                    if boolean_variables.contains(&var.as_str()) {
                        Ok(Value::Boolean(true))
                    } else {
                        Err(())
                    }
                })
            });
            let fine = matches!(value, Some(Ok(Value::Boolean(_))));
            (!fine).then(|| format!("directive @{name} needs its argument `if` as a Boolean!"))
        })
    };
    fn walk(
        set: &SelectionSet,
        check: &dyn Fn(&[async_graphql::Positioned<Directive>]) -> Option<String>,
    ) -> Option<String> {
        set.items.iter().find_map(|item| match &item.node {
            Selection::Field(f) => {
                check(&f.node.directives).or_else(|| walk(&f.node.selection_set.node, check))
            }
            Selection::InlineFragment(f) => {
                check(&f.node.directives).or_else(|| walk(&f.node.selection_set.node, check))
            }
            Selection::FragmentSpread(s) => check(&s.node.directives),
        })
    }
    document
        .operations
        .iter()
        .find_map(|(_, op)| check(&op.node.directives).or_else(|| walk(&op.node.selection_set.node, &check)))
        .or_else(|| {
            document
                .fragments
                .values()
                .find_map(|f| check(&f.node.directives).or_else(|| walk(&f.node.selection_set.node, &check)))
        })
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
        // Every transport checks this before it parses anything itself; here again so that no
        // way into the schema can skip it.
        self.check_nesting(query, variables)?;
        let mut document = next.run(ctx, query, variables).await?;
        let selections = selections_in(&document);
        if selections > self.max_fields {
            let message = format!(
                "the query has {selections} field selections; at most {} are allowed (MAX_QUERY_FIELDS)",
                self.max_fields
            );
            return Err(rejection(message, "BAD_USER_INPUT"));
        }
        if let Some(message) = mistyped_directive(&document) {
            return Err(rejection(message, "GRAPHQL_VALIDATION_FAILED"));
        }
        merge_document(&mut document);
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
