//! Integration tests of the api: the real router on a random port, a real database on the
//! backend chosen by `TUTORSCORE_TEST_BACKEND`, a real HTTP client.

mod health;
mod helpers;
