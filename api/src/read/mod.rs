//! Read services behind the queries: plain functions over the database returning models, so
//! resolvers only map them to GraphQL types.

pub mod cursor;
pub mod emails;
pub mod overview;
pub mod sessions;
pub mod trend;
pub mod tutors;
