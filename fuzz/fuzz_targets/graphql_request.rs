//! Fuzzes the server's handling of request bodies before execution: JSON into a GraphQL
//! request, the nesting check that runs before any parser, then (for requests that pass it)
//! the operation's name and kind (the GET-mutation rule and metrics) and the alias and
//! selection counts of the parsed document, its directive types and the merging of
//! repeated fields. None of it may panic or overflow the stack.
//!
//! `fuzz/graphql.dict` gives libFuzzer the brackets, keywords and punctuators of GraphQL, so
//! that it reaches deeply nested lists and objects quickly; scripts/fuzz.sh passes it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let Ok(mut request) = serde_json::from_slice::<async_graphql::Request>(body) else { return };
    // The defaults the server starts with: values 32 deep, selections 20 + 32 deep.
    if api::graphql::nesting::check_request(&request.query, &request.variables, 32, 52).is_err() {
        return;
    }
    let _ = api::execute::operation_of(&mut request);
    if let Ok(mut document) = async_graphql::parser::parse_query(&request.query) {
        let _ = api::graphql::limits::aliases_in(&document);
        let _ = api::graphql::limits::selections_in(&document);
        let _ = api::graphql::limits::mistyped_directive(&document);
        let _ = api::graphql::limits::introspection_only(&document);
        api::graphql::limits::merge_document(&mut document);
    }
});
