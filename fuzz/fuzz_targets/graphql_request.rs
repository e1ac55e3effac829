//! Fuzzes the server's handling of request bodies before execution: JSON into a GraphQL
//! request, the operation's name and kind (the GET-mutation rule and metrics), and the alias
//! count of the parsed document (the alias limit). None of it may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let Ok(request) = serde_json::from_slice::<async_graphql::Request>(body) else { return };
    let _ = api::http::operation_of(&request);
    if let Ok(document) = async_graphql::parser::parse_query(&request.query) {
        let _ = api::graphql::limits::aliases_in(&document);
    }
});
